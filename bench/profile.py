#!/usr/bin/python3
"""Where `rhc build` spends instructions and memory, by pass.

Runs callgrind (instructions, exact on a noisy machine) at one N and massif
(heap at its peak) at another, on specs from gen_spec.py, and prints:
  - instructions per pass (inclusive, from the non-recursive entry points),
  - the top functions by their own instructions,
  - the peak heap split by the pass that allocated it, and by the function
    under the pass.
Callgrind runs ~50x slower than rhc (N=100,000: about 3 minutes); massif
about 15x. Do not run it beside a timing run.

Usage: profile.py [--rhc PATH] [--callgrind-n 10000] [--massif-n 100000]
                  [--out DIR]   (keeps callgrind.out / massif.out there)
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)

# The passes of compiler/compile.c and main.c, as entry points that are not
# recursive, so their inclusive counts add up.
PASSES = [
    ("startup (dynamic loader)", "_dl_start"),
    ("read the spec", "read_spec"),
    ("load: YAML -> tree (load_yaml_front)", "load_yaml_front"),
    ("  of which the fast scanner, the tree and typing (load_fast)", "load_fast"),
    ("  of which libfyaml's parser", "fy_parser_parse"),
    ("  of which typing streamed items (schema_apply_item)", "schema_apply_item"),
    ("schema: tree -> typed spec (schema_apply)", "schema_apply"),
    ("rules (rules_check)", "rules_check"),
    ("lower: view for templates (lower_spec)", "lower_spec"),
    ("render templates (render_one)", "render_one"),
    ("spec.json (val_write_json)", "val_write_json"),
    ("sha256 (spec + MANIFEST)", "sha256_hex"),
    ("emit: temp dir, write, fsync, rename", "emit_write"),
]
MASSIF_PASSES = ["read_spec", "load_yaml_front", "schema_apply", "rules_check", "lower_spec", "render_all",
                 "emit_write"]


def gen(n, path):
    with open(path, "w") as f:
        subprocess.run([sys.executable, os.path.join(BENCH, "gen_spec.py"), str(n)], stdout=f, check=True)


def callgrind(rhc, n, work):
    spec = os.path.join(work, "spec-%d.yml" % n)
    gen(n, spec)
    out = os.path.join(work, "callgrind.%d.out" % n)
    shutil.rmtree(os.path.join(work, "o"), ignore_errors=True)
    subprocess.run(["valgrind", "--tool=callgrind", "--dump-instr=no", "--callgrind-out-file=" + out,
                    rhc, "build", spec, "-o", os.path.join(work, "o")], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    show_callgrind(out, n)


def show_callgrind(out, n):
    tree = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--tree=calling", "--threshold=100", out],
                          capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"([\d,]+) \([ \d.]+%\)\s+PROGRAM TOTALS", tree).group(1).replace(",", ""))
    print("callgrind, N={:,}: {:,} instructions".format(n, total))
    print()
    print("| pass | instructions | share |")
    print("|---|---:|---:|")
    for label, fn in PASSES:
        m = re.search(r"^\s*([\d,]+) \([ \d.]+%\)\s+\*\s+\S*[:/]" + re.escape(fn) + r"[ .\[]", tree, re.M)
        if m:
            ir = int(m.group(1).replace(",", ""))
            print("| {} | {:,} | {:.1f}% |".format(label, ir, 100 * ir / total))
    own = subprocess.run(["callgrind_annotate", out], capture_output=True, text=True, check=True).stdout
    print()
    print("Top functions by their own instructions:")
    print()
    print("| function | instructions | share |")
    print("|---|---:|---:|")
    rows = re.findall(r"^\s*([\d,]+) \(\s*([\d.]+)%\)\s+(\S+) \[", own, re.M)
    for ir, pct, fn in rows[:15]:
        name = fn.split(":")[-1]
        where = os.path.basename(fn.split(":")[0]) if ":" in fn else ""
        print("| {} ({}) | {} | {}% |".format(name, where, ir, pct))
    print()


def massif(rhc, n, work):
    spec = os.path.join(work, "spec-%d.yml" % n)
    gen(n, spec)
    out = os.path.join(work, "massif.%d.out" % n)
    shutil.rmtree(os.path.join(work, "o"), ignore_errors=True)
    subprocess.run(["valgrind", "--tool=massif", "--threshold=0.2", "--massif-out-file=" + out,
                    rhc, "build", spec, "-o", os.path.join(work, "o")], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    show_massif(out, n)


def show_massif(out, n):
    text = open(out).read()
    snaps = text.split("snapshot=")[1:]
    peak = max(snaps, key=lambda s: int(re.search(r"mem_heap_B=(\d+)", s).group(1)))
    heap = int(re.search(r"mem_heap_B=(\d+)", peak).group(1))
    by_pass, by_fn = collections.Counter(), collections.Counter()
    stack = []
    for line in peak.split("\n"):
        m = re.match(r"(\s*)n(\d+): (\d+) (.*)", line)
        if not m:
            continue
        depth, kids, nbytes = len(m.group(1)), int(m.group(2)), int(m.group(3))
        name = re.sub(r"^0x[0-9A-Fa-f]+: ", "", m.group(4)).split(" (")[0]
        stack = stack[:depth] + [name]
        if kids:
            continue
        found = None
        for i in range(len(stack) - 1, -1, -1):
            base = stack[i].split(".")[0]
            if base in MASSIF_PASSES:
                found = (base, stack[i - 1].split(".")[0] if i > 0 else "")
                break
        key = found[0] if found else "other"
        by_pass[key] += nbytes
        by_fn["%s / %s" % found if found else "other"] += nbytes
    print("massif, N={:,}: peak heap {:.1f} MB".format(n, heap / 1e6))
    print()
    print("| pass that allocated it | MB at the peak | share | bytes per node |")
    print("|---|---:|---:|---:|")
    for k, v in by_pass.most_common():
        print("| {} | {:.1f} | {:.1f}% | {:.0f} |".format(k, v / 1e6, 100 * v / heap, v / n))
    print()
    print("| pass / function | MB at the peak | share |")
    print("|---|---:|---:|")
    for k, v in by_fn.most_common(12):
        print("| {} | {:.1f} | {:.1f}% |".format(k, v / 1e6, 100 * v / heap))
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rhc", default=os.environ.get("RHC", os.path.join(REPO, "build", "rhc")))
    ap.add_argument("--callgrind-n", type=int, default=10000)
    ap.add_argument("--massif-n", type=int, default=100000)
    ap.add_argument("--out", default=None)
    ap.add_argument("--show-callgrind", metavar="FILE", help="only print the tables of an existing callgrind.N.out")
    ap.add_argument("--show-massif", metavar="FILE", help="only print the tables of an existing massif.N.out")
    args = ap.parse_args()
    if args.show_callgrind or args.show_massif:
        for path, show in ((args.show_callgrind, show_callgrind), (args.show_massif, show_massif)):
            if path:
                show(path, int(re.search(r"\.(\d+)\.out$", path).group(1)))
        return
    work = args.out or tempfile.mkdtemp(prefix="rhc-profile-")
    os.makedirs(work, exist_ok=True)
    rhc = os.path.abspath(args.rhc)
    try:
        if args.callgrind_n:
            callgrind(rhc, args.callgrind_n, work)
        if args.massif_n:
            massif(rhc, args.massif_n, work)
    finally:
        shutil.rmtree(os.path.join(work, "o"), ignore_errors=True)
        if not args.out:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

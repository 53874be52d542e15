#!/usr/bin/python3
"""rhc's benchmark: `rhc build` against a floor and the peers an operator would
pick instead, side by side in one run, on the same generated N-node specs.

Per N (default 3, 1000, 10000, 100000):
  rhc       `rhc build SPEC -o DIR`: whole-process wall and CPU time (median
            of RUNS), peak RSS from /usr/bin/time -v, callgrind instructions
            (N <= --callgrind-max only: callgrind runs ~50x slower);
  floor     floor.c writing rhc's own output files the way rhc does (temp
            dir, fsync, rename) from bytes already in memory: only the
            writing is timed, inside the process;
  jinja2    Debian python3-jinja2 + PyYAML's C loader, two files;
  mustache  mustache.js + js-yaml on Node.js (bench/node_modules), two files;
  jsonnet   PyYAML (C loader) to JSON, then Debian's jsonnet, two files
            (N <= --jsonnet-max only: jsonnet 0.18 is superlinear);
  verify    `rhc verify DIR` as is (real tools found) and static only (nginx,
            kubectl and shellcheck hidden: a PATH without them, and, as root,
            an empty /usr/sbin in a private mount namespace).

Every output is compared with rhc's before a time is reported: the floor's
whole directory byte for byte (and file modes), the peers' nginx.conf and
rancher-cluster.yml byte for byte. A difference is an error (exit 1).

Timed runs are interleaved (rhc, floor, peers, rhc, floor, ...) so a change
of load on the machine hits every tool alike. The output directory is removed
before each run, untimed, so every run writes a fresh directory.

Usage: bench.py [--quick] [--runs K] [--sizes 3,1000] [--rhc PATH] [--work DIR]
                [--results DIR] [--keep]
--quick: N = 3 and 1000, one run each, no callgrind, no verify, jsonnet at
N = 3 only; peers that are not installed are skipped, and without
/usr/bin/time the RSS column stays empty. For the test suite.

Exit: 0 every output matched rhc's (targets missed do not fail the run) ·
1 an output differed, or a contender failed · 2 usage, rhc not built ·
77 skipped (no C compiler for the floor).
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
PEERS = os.path.join(BENCH, "peers")
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
TWO_FILES = ("nginx.conf", "rancher-cluster.yml")
TIME_V = "/usr/bin/time"


class BenchError(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_timed(argv, env=None, stdout=subprocess.DEVNULL):
    """Spawns ARGV, waits; returns (exit status, wall s, user+sys s, maxrss KiB)."""
    t0 = time.perf_counter_ns()
    p = subprocess.Popen(argv, env=env, stdout=stdout, stderr=subprocess.DEVNULL, close_fds=False)
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.perf_counter_ns()
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, (t1 - t0) / 1e9, ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def run_time_v(argv, env=None):
    """Runs ARGV under /usr/bin/time -v; returns (exit status, peak RSS KiB, stdout, stderr).
    Without /usr/bin/time (allowed in --quick only), the RSS comes from wait4."""
    if not os.access(TIME_V, os.X_OK):
        p = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = p.communicate()
        return p.returncode, None, out, err
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        p = subprocess.run([TIME_V, "-v", "-o", tf.name] + argv, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        text = tf.read()
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not m:
        raise BenchError("no RSS from /usr/bin/time -v for %s: %s" % (argv[0], p.stderr[-500:]))
    return p.returncode, int(m.group(1)), p.stdout, p.stderr


def rmtree(path):
    if os.path.lexists(path):
        shutil.rmtree(path)


def tree(root):
    """{relative path: (mode, bytes)} of every file under ROOT."""
    out = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            full = os.path.join(dirpath, name)
            with open(full, "rb") as f:
                out[os.path.relpath(full, root)] = (os.stat(full).st_mode & 0o7777, f.read())
    return out


def same_tree(a, b):
    ta, tb = tree(a), tree(b)
    if ta.keys() != tb.keys():
        return "files differ: %s" % sorted(set(ta) ^ set(tb))
    for path in sorted(ta):
        if ta[path][1] != tb[path][1]:
            return "%s differs" % path
        if ta[path][0] != tb[path][0]:
            return "%s: mode %o, expected %o" % (path, tb[path][0], ta[path][0])
    return None


def same_two(ref, out):
    for name in TWO_FILES:
        p = os.path.join(out, name)
        if not os.path.exists(p):
            return "%s missing" % name
        with open(os.path.join(ref, name), "rb") as f1, open(p, "rb") as f2:
            a, b = f1.read(), f2.read()
        if a != b:
            at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            line = a[:at].count(b"\n") + 1
            return "%s differs from rhc's at byte %d (line %d)" % (name, at, line)
    return None


def median(xs):
    return statistics.median(xs) if xs else None


# ---- the tools ------------------------------------------------------------

class Tool:
    """One contender at one N: a command that writes into OUT."""

    def __init__(self, name, argv_for, check):
        self.name, self.argv_for, self.check = name, argv_for, check
        self.wall, self.cpu = [], []
        self.rss = None
        self.note = ""


def peer_availability(args):
    """{peer: None if usable, else why not}."""
    avail = {}
    probe = subprocess.run([PY, "-c", "import jinja2, yaml; yaml.CSafeLoader"], capture_output=True)
    avail["jinja2"] = None if probe.returncode == 0 else \
        "python3-jinja2 / python3-yaml (with libyaml) not importable by %s" % PY
    node_ok = shutil.which("node") and os.path.isdir(os.path.join(BENCH, "node_modules", "mustache")) \
        and os.path.isdir(os.path.join(BENCH, "node_modules", "js-yaml"))
    avail["mustache"] = None if node_ok else "node or bench/node_modules missing (bench/install-deps)"
    avail["jsonnet"] = None if shutil.which("jsonnet") and avail["jinja2"] is None else \
        "jsonnet (Debian package) or PyYAML missing"
    return avail


def versions(rhc):
    def out(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "missing"

    v = {"rhc": out([rhc, "--version"])}
    v["python3 / jinja2 / PyYAML"] = out([PY, "-c", "import sys, jinja2, yaml; print(sys.version.split()[0], "
                                          "jinja2.__version__, yaml.__version__, 'libyaml' if yaml.__with_libyaml__ else 'pure')"])
    v["node"] = out(["node", "--version"])
    for pkg in ("mustache", "js-yaml"):
        try:
            with open(os.path.join(BENCH, "node_modules", pkg, "package.json")) as f:
                v[pkg] = json.load(f)["version"]
        except OSError:
            v[pkg] = "missing"
    v["jsonnet"] = out(["jsonnet", "--version"])
    v["valgrind"] = out(["valgrind", "--version"])
    return v


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    fs = subprocess.run(["df", "-T", tempfile.gettempdir()], capture_output=True, text=True).stdout.split("\n")
    return {"nproc": os.cpu_count(), "cpu": model, "memory": mem, "kernel": platform.release(),
            "filesystem": fs[1].split()[1] if len(fs) > 1 and fs[1] else "?"}


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def static_path(work):
    """A PATH directory with every command of PATH but nginx, kubectl, shellcheck."""
    d = os.path.join(work, "static-path")
    if os.path.isdir(d):
        return d
    os.makedirs(d)
    for dirname in os.environ.get("PATH", "/usr/bin:/bin").split(":"):
        if not os.path.isdir(dirname):
            continue
        for name in os.listdir(dirname):
            if name in ("nginx", "kubectl", "shellcheck"):
                continue
            dst = os.path.join(d, name)
            src = os.path.join(dirname, name)
            if not os.path.lexists(dst) and os.access(src, os.X_OK) and not os.path.isdir(src):
                os.symlink(src, dst)
    return d


def static_verify(work):
    """(argv prefix, env) that run `rhc verify` without its real tools.

    verify looks for nginx on PATH and then in /usr/sbin, so a PATH without
    nginx, kubectl and shellcheck is not enough: as root, an empty directory
    is bind-mounted over /usr/sbin in a private mount namespace (unshare -m).
    Returns None when that is not possible."""
    env = dict(os.environ, PATH=static_path(work))
    empty = os.path.join(work, "empty")
    os.makedirs(empty, exist_ok=True)
    prefix = [shutil.which("unshare") or "unshare", "--mount", "/bin/sh", "-c",
              'mount --bind "$0" /usr/sbin && exec "$@"', empty]
    probe = subprocess.run(prefix + ["/bin/true"], capture_output=True)
    return (prefix, env) if probe.returncode == 0 else None


def verify_summary(stdout):
    m = re.search(r"verify: (\d+) passed, (\d+) failed, (\d+) skipped", stdout or "")
    return "%s passed, %s failed, %s skipped" % m.groups() if m else "no summary"


def callgrind(rhc, spec, out, cgfile):
    rmtree(out)
    p = subprocess.run(["valgrind", "--tool=callgrind", "--dump-instr=no", "--callgrind-out-file=" + cgfile,
                        rhc, "build", spec, "-o", out], capture_output=True, text=True)
    m = re.search(r"Collected : (\d+)", p.stderr)
    if p.returncode or not m:
        raise BenchError("callgrind of rhc failed: %s" % p.stderr[-500:])
    return int(m.group(1))


# ---- one size -------------------------------------------------------------

def bench_size(n, args, avail, rhc, floor_bin, work):
    d = os.path.join(work, "n%d" % n)
    os.makedirs(d, exist_ok=True)
    spec = os.path.join(d, "spec.yml")
    with open(spec, "w") as f:
        subprocess.run([PY, os.path.join(BENCH, "gen_spec.py"), str(n)], stdout=f, check=True)
    version = subprocess.run([rhc, "--version"], capture_output=True, text=True).stdout.split()[-1]
    ref = os.path.join(d, "ref")
    rmtree(ref)
    rc = subprocess.run([rhc, "build", spec, "-o", ref], capture_output=True, text=True)
    if rc.returncode:
        raise BenchError("N=%d: rhc build failed (%d): %s" % (n, rc.returncode, rc.stderr[-500:]))
    r = {"n": n, "spec_bytes": os.path.getsize(spec),
         "output_bytes": sum(len(b) for _, b in tree(ref).values()), "load_before": loadavg()}

    out = lambda name: os.path.join(d, name)  # noqa: E731
    tools = [Tool("rhc", lambda o: [rhc, "build", spec, "-o", o], lambda o: same_tree(ref, o))]
    peer_cmds = {
        "jinja2": lambda o: [PY, os.path.join(PEERS, "render_jinja2.py"), spec, o, version],
        "mustache": lambda o: ["node", os.path.join(PEERS, "render_mustache.js"), spec, o, version],
        "jsonnet": lambda o: ["/bin/sh", "-c",
                              'ulimit -v 8000000; mkdir -p "$2" && "$1" "$3/yaml2json.py" "$4" "$2/spec.json" && '
                              'jsonnet -S -m "$2" --ext-code-file spec="$2/spec.json" --ext-str version="$5" '
                              '"$3/render.jsonnet" >/dev/null', "sh", PY, o, PEERS, spec, version],
    }
    skipped = {}
    for peer, argv_for in peer_cmds.items():
        if args.no_peers:
            skipped[peer] = "--no-peers"
        elif avail[peer]:
            skipped[peer] = avail[peer]
        elif peer == "jsonnet" and n > args.jsonnet_max:
            skipped[peer] = "N > %d: Debian's jsonnet 0.18 (C++) is superlinear here " \
                            "(373 s for one run at N=10,000 during development)" % args.jsonnet_max
        else:
            tools.append(Tool(peer, argv_for, lambda o: same_two(ref, o)))
    r["skipped"] = skipped

    # 1. one untimed run each under /usr/bin/time -v: peak RSS, and the output check
    for t in tools:
        o = out(t.name)
        rmtree(o)
        code, rss, _, err = run_time_v(t.argv_for(o))
        if code:
            raise BenchError("N=%d: %s exited %d: %s" % (n, t.name, code, err[-500:]))
        diff = t.check(o)
        if diff:
            raise BenchError("N=%d: %s's output is not rhc's: %s" % (n, t.name, diff))
        t.rss = rss
    floor_out = out("floor")
    fl = subprocess.run([floor_bin, ref, floor_out, "1"], capture_output=True, text=True)
    if fl.returncode:
        raise BenchError("N=%d: floor failed: %s" % (n, fl.stderr))
    diff = same_tree(ref, floor_out)
    if diff:
        raise BenchError("N=%d: the floor's output is not rhc's: %s" % (n, diff))
    log("N=%d: outputs checked (%s): identical" % (n, ", ".join(["floor"] + [t.name for t in tools])))

    # 2. timed runs, interleaved
    floor_times = []
    runs = args.runs if args.runs else (21 if n <= 1000 else 7)
    for i in range(runs):
        for t in tools:
            if t.name == "jsonnet" and i >= 5:
                continue  # seconds a run already at N=1,000
            o = out(t.name)
            rmtree(o)
            code, wall, cpu, _ = run_timed(t.argv_for(o))
            if code:
                raise BenchError("N=%d: %s exited %d in timed run %d" % (n, t.name, code, i + 1))
            t.wall.append(wall)
            t.cpu.append(cpu)
        fl = subprocess.run([floor_bin, ref, floor_out, "1"], capture_output=True, text=True, check=True)
        floor_times.append(float(fl.stdout.split()[0]))
    if same_tree(ref, out("rhc")):
        raise BenchError("N=%d: rhc's output changed between runs" % n)
    for t in tools:
        r[t.name] = {"wall": t.wall, "cpu": t.cpu, "median": median(t.wall), "cpu_median": median(t.cpu),
                     "min": min(t.wall), "max": max(t.wall), "rss_kib": t.rss}
    r["floor"] = {"wall": floor_times, "median": median(floor_times), "min": min(floor_times),
                  "max": max(floor_times)}
    log("N=%d: rhc %.4f s, floor %.4f s%s" % (n, r["rhc"]["median"], r["floor"]["median"], "".join(
        ", %s %.4f s" % (t.name, r[t.name]["median"]) for t in tools[1:])))

    # 3. callgrind instruction counts (exact on a noisy machine)
    if not args.quick and n <= args.callgrind_max and shutil.which("valgrind"):
        cg = os.path.join(args.results, "callgrind.rhc.%d.out" % n)
        r["rhc"]["instructions"] = callgrind(rhc, spec, out("cg"), cg)
        log("N=%d: rhc %d instructions (callgrind)" % (n, r["rhc"]["instructions"]))

    # 4. rhc verify on the same output: as is, and static checks only
    if not args.quick and not args.no_verify:
        static = static_verify(work)
        modes = [("verify", [], None)]
        if static:
            modes.append(("verify_static", static[0], static[1]))
        else:
            log("bench: verify (static only) skipped: needs root and unshare -m to hide /usr/sbin/nginx")
        for label, prefix, env in modes:
            argv = prefix + [rhc, "verify", ref]
            code, rss, stdout, _ = run_time_v(argv, env=env)
            walls, cpus = [], []
            for _ in range(args.verify_runs):
                _, wall, cpu, _ = run_timed(argv, env=env)
                walls.append(wall)
                cpus.append(cpu)
            r[label] = {"wall": walls, "median": median(walls), "cpu_median": median(cpus), "rss_kib": rss,
                        "exit": code, "summary": verify_summary(stdout)}
            log("N=%d: %s %.3f s, exit %d (%s)" % (n, label, r[label]["median"], code, r[label]["summary"]))
    r["load_after"] = loadavg()
    return r


# ---- report ---------------------------------------------------------------

def fmt_s(x):
    if x is None:
        return "–"
    if x >= 10:
        return "%.1f s" % x
    if x >= 1:
        return "%.2f s" % x
    return "%.1f ms" % (x * 1000) if x < 0.1 else "%.0f ms" % (x * 1000)


def fmt_mb(kib):
    return "–" if kib is None else "%.1f MB" % (kib * 1024 / 1e6)


def report(results, meta, args):
    peers = [p for p in ("jinja2", "mustache", "jsonnet") if any(p in r for r in results)]
    lines = []
    lines.append("Machine: %(nproc)s cores, %(cpu)s, %(memory)s, Linux %(kernel)s, %(filesystem)s" % meta["machine"])
    lines.append("Run: %s, %s timed runs per tool and N (median; interleaved), load average %s at start"
                 % (meta["date"], args.runs or "21 (N ≤ 1,000; jsonnet 5) or 7", meta["load_start"]))
    lines.append("")
    head = ["N", "rhc build", "rhc CPU", "rhc RSS", "floor", "rhc/floor"]
    for p in peers:
        head += [p, p + " RSS", p + "/rhc"]
    head += ["rhc Ir (callgrind)"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for r in results:
        rhc, fl = r["rhc"], r["floor"]
        row = ["{:,}".format(r["n"]), fmt_s(rhc["median"]), fmt_s(rhc["cpu_median"]), fmt_mb(rhc["rss_kib"]),
               fmt_s(fl["median"]), "%.2f×" % (rhc["median"] / fl["median"])]
        for p in peers:
            if p in r:
                row += [fmt_s(r[p]["median"]), fmt_mb(r[p]["rss_kib"]), "%.1f×" % (r[p]["median"] / rhc["median"])]
            else:
                row += ["skipped", "–", "–"]
        row.append("{:,}".format(rhc["instructions"]) if "instructions" in rhc else "–")
        lines.append("| " + " | ".join(row) + " |")
    if any("verify" in r for r in results):
        lines.append("")
        lines.append("| N | rhc verify (as is) | exit | checks | RSS | rhc verify (static only) | exit | checks | RSS |")
        lines.append("|---|---|---|---|---|---|---|---|---|")
        for r in results:
            if "verify" not in r:
                continue
            v, s = r["verify"], r.get("verify_static")
            if s is None:
                s = {"median": None, "exit": "–", "summary": "not run", "rss_kib": None}
            lines.append("| {:,} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                r["n"], fmt_s(v["median"]), v["exit"], v["summary"], fmt_mb(v["rss_kib"]),
                fmt_s(s["median"]), s["exit"], s["summary"], fmt_mb(s["rss_kib"])))
    lines.append("")
    lines.append("Spread (min–max wall of the timed runs):")
    for r in results:
        parts = ["%s %s–%s" % (k, fmt_s(r[k]["min"]), fmt_s(r[k]["max"]))
                 for k in ["rhc", "floor"] + peers if k in r]
        lines.append("- N={:,}: ".format(r["n"]) + ", ".join(parts) + " (load %s → %s)" % (r["load_before"], r["load_after"]))
    for r in results:
        for p, why in r.get("skipped", {}).items():
            lines.append("- N={:,}: {} skipped: {}".format(r["n"], p, why))
    lines.append("")
    lines.append("Targets:")
    lines += targets(results, peers)
    return "\n".join(lines) + "\n"


def targets(results, peers):
    by_n = {r["n"]: r for r in results}
    out = []

    def mark(ok):
        return "met" if ok else "MISSED"

    if 3 in by_n:
        ratio = by_n[3]["rhc"]["median"] / by_n[3]["floor"]["median"]
        out.append("- N=3 within 2× of the floor: %.2f× — %s" % (ratio, mark(ratio <= 2)))
    if 100000 in by_n:
        r = by_n[100000]["rhc"]
        out.append("- N=100,000 under 0.5 s: %s — %s" % (fmt_s(r["median"]), mark(r["median"] < 0.5)))
        out.append("- N=100,000 under 64 MB peak RSS: %s — %s" % (fmt_mb(r["rss_kib"]), mark(r["rss_kib"] * 1024 < 64e6)))
    if 10000 in by_n and 100000 in by_n:
        g = by_n[100000]["rhc"]["median"] / by_n[10000]["rhc"]["median"]
        out.append("- 10× nodes ≤ 12× time (10,000 → 100,000): %.1f× — %s" % (g, mark(g <= 12)))
    for r in results:
        ps = [(r[p]["median"], p) for p in peers if p in r]
        if ps:
            best, name = min(ps)
            ratio = best / r["rhc"]["median"]
            out.append("- N={:,}: ≥ 5× faster than the fastest peer ({}): {:.1f}× — {}".format(
                r["n"], name, ratio, mark(ratio >= 5)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--verify-runs", type=int, default=3)
    ap.add_argument("--sizes", default=None)
    ap.add_argument("--rhc", default=os.environ.get("RHC", os.path.join(REPO, "build", "rhc")))
    ap.add_argument("--work", default=None, help="scratch directory (default: a new one under $TMPDIR)")
    ap.add_argument("--results", default=os.path.join(BENCH, "results"))
    ap.add_argument("--callgrind-max", type=int, default=10000)
    ap.add_argument("--jsonnet-max", type=int, default=None)
    ap.add_argument("--no-verify", action="store_true")
    ap.add_argument("--no-peers", action="store_true", help="rhc and the floor only")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = ap.parse_args()
    if args.runs is None:
        args.runs = 1 if args.quick else 0  # 0: 21 runs for N <= 1,000, 7 above
    if args.sizes is None:
        args.sizes = "3,1000" if args.quick else "3,1000,10000,100000"
    if args.jsonnet_max is None:
        args.jsonnet_max = 3 if args.quick else 1000
    if not args.quick and 0 < args.runs < 5:
        log("bench: note: fewer than 5 runs; the issue asks for the median of at least 5")
    sizes = [int(s) for s in args.sizes.split(",")]
    rhc = os.path.abspath(args.rhc)
    if not os.access(rhc, os.X_OK):
        log("bench: %s is not built (ninja -C build)" % rhc)
        return 2
    if not os.access(TIME_V, os.X_OK) and not args.quick:
        log("bench: /usr/bin/time is missing (apt-get install time; see bench/install-deps)")
        return 2
    if not shutil.which("cc"):
        log("bench: SKIP: no C compiler (cc) for the floor")
        return 77
    if not args.quick:
        os.makedirs(args.results, exist_ok=True)
    work = args.work or tempfile.mkdtemp(prefix="rhc-bench-")
    os.makedirs(work, exist_ok=True)
    work = os.path.abspath(work)
    code = 0
    try:
        floor_bin = os.path.join(work, "floor")
        subprocess.run(["cc", "-O2", "-std=c11", "-Wall", "-Wextra", os.path.join(BENCH, "floor.c"),
                        "-o", floor_bin], check=True)
        avail = peer_availability(args)
        for p, why in avail.items():
            if why:
                log("bench: %s skipped: %s" % (p, why))
        meta = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(), "versions": versions(rhc),
                "load_start": loadavg(), "args": vars(args)}
        results = []
        for n in sizes:
            results.append(bench_size(n, args, avail, rhc, floor_bin, work))
        text = report(results, meta, args)
        print(text)
        if not args.quick:
            with open(os.path.join(args.results, "results.json"), "w") as f:
                json.dump({"meta": meta, "results": results}, f, indent=1)
            with open(os.path.join(args.results, "results.md"), "w") as f:
                f.write(text)
            log("bench: wrote %s/results.{md,json}" % args.results)
    except BenchError as e:
        log("bench: FAILED: %s" % e)
        code = 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log("bench: scratch kept in %s" % work)
    return code


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""progress.py RHC SRCDIR cluster|lb: while `verify --cluster --wait` and
`verify --lb` wait, a terminal shows one line that says what is awaited and
for how long, rewritten with \\r; without a terminal stderr is exactly what it
was (the --wait round lines; nothing for --lb). script(1) gives rhc a pty
for stderr while stdout goes to a file, so the report is checked apart.
The cluster case runs against tests/cluster/standin.py, set up by
tests/cluster/scenario.py's own helpers."""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

rhc, src, what = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.join(src, "tests", "cluster"))


def fail(msg):
    raise SystemExit("FAIL: " + msg)


def need(tool, package):
    if shutil.which(tool):
        return
    if os.environ.get("CI"):
        fail("%s is not installed, and CI must run this test (%s)" % (tool, package))
    print("SKIP: %s is not installed (Debian package: %s)" % (tool, package), file=sys.stderr)
    raise SystemExit(77)


def on_tty(argv, d, env):
    """argv with stderr on a pty: (exit status, report on stdout, the pty's bytes)."""
    cmd = "%s >%s" % (" ".join(shlex.quote(a) for a in argv), shlex.quote(d + "/report.txt"))
    p = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, env=env, timeout=300)
    with open(d + "/report.txt") as f:
        return p.returncode, f.read(), p.stdout.decode("utf-8", "replace")


def shape(report):
    """Each report line's status and check: the measurements in the rest
    differ from run to run."""
    return [re.sub(r"^(\S+ [^:]+):.*", r"\1", line) for line in report.splitlines()]


def compare(start, d, tty_want, plain_err):
    """START() gives (argv, env, stop) for one run: each run gets its own
    stand-in, which counts the looks at it."""
    argv, env, stop = start()
    try:
        plain = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    finally:
        stop()
    argv, env, stop = start()
    try:
        rc, report, tty = on_tty(argv, d, env)
    finally:
        stop()
    if rc != plain.returncode:
        fail("exit %d on a terminal, %d without" % (rc, plain.returncode))
    if "\r" in plain.stderr or "\033" in plain.stderr or "\033" in plain.stdout:
        fail("a progress line without a terminal: %r" % plain.stderr[:300])
    if not re.fullmatch(plain_err, plain.stderr, re.S):
        fail("stderr without a terminal changed:\n" + plain.stderr)
    if shape(report) != shape(plain.stdout):
        fail("the report differs on a terminal:\n%s\n---\n%s" % (report, plain.stdout))
    for pat in tty_want:
        if not re.search(pat, tty):
            fail("the terminal shows no %r in:\n%r" % (pat, tty[-3000:]))
    if not tty.rstrip("\n").endswith("\r\033[K"):
        fail("the progress line is not erased at the end: %r" % tty[-200:])
    if "\n" in tty.replace("\r\n", "").strip("\n"):
        fail("more than one line on the terminal: %r" % tty[-2000:])


need("script", "util-linux")
d = tempfile.mkdtemp(prefix="rhc-progress-")
try:
    if what == "lb":
        need("nginx", "nginx")
        out = d + "/out"
        subprocess.run([rhc, "build", os.path.join(src, "testdata", "golden", "walkthrough", "spec.yml"),
                        "-o", out], check=True, capture_output=True)
        compare(lambda: ([rhc, "verify", out, "--lb", "--require-tools"], dict(os.environ), lambda: None), d,
                [r"\r\033\[Krhc verify --lb: starting nginx and the backends\r",
                 r"\r\033\[Krhc verify --lb: port 80 spread: connecting through nginx\r",
                 r"\r\033\[Krhc verify --lb: port 80 failover: [0-9.]+/[0-9.]+ s, \d+ connections, server-0\d down\r",
                 r"\r\033\[Krhc verify --lb: port 80 recovery: [0-9.]+/[0-9.]+ s, waiting for server-0\d\r",
                 r"\r\033\[Krhc verify --lb: port 80 hung: up to [0-9.]+ s, server-0\d never answers\r"],
                r"")
    else:
        import scenario
        need("openssl", "openssl")
        scenario.make_certs(d)
        with open(d + "/spec.yml", "w") as f:
            f.write(scenario.SPEC % {"lb": "10.0.0.100", "ports": "[80]"})
        subprocess.run([rhc, "build", d + "/spec.yml", "-o", d + "/out"], check=True, capture_output=True)

        def start():
            server, port = scenario.start_standin(d, "wait", None)
            env = dict(os.environ, HOME=d)
            env.pop("KUBECONFIG", None)
            args = scenario.write_kubeconfigs(d, {}, port, env)

            def stop():
                server.kill()
                server.wait()
            return [rhc, "verify", d + "/out", "--cluster"] + args + ["--wait", "30s"], env, stop
        compare(start, d,
                [r"\r\033\[Krhc verify --cluster: \d+ s of 30 s, next check in \d s: rancher 1/3 ready\r",
                 r"\r\033\[Krhc verify --cluster: \d+ s of 30 s, checking: rancher 1/3 ready\r"],
                r"(rhc verify --cluster: not ready after \d+ s of 30 s: rancher 1/3 ready; "
                r"next check in \d s\n)+")
    print("ok: progress on a terminal, unchanged without one (%s)" % what)
finally:
    shutil.rmtree(d, ignore_errors=True)

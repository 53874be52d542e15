#!/usr/bin/env python3
"""`rhc verify --lb --require-tools` on a built spec, with the real nginx.

Usage: lb_test.py RHC SPEC CASE
  clean                 every lb check passes; nothing is left behind
  as-user               the same as a normal user (nobody via setpriv when root)
  omits-worker          an upstream without one worker: the lb check fails
  max-fails-far-above   max_fails=300 where the spec says 3: the lb check fails
  error-log             an error_log line added: not run, the file never made
  interrupt             SIGINT mid-run: exit 1, no nginx and no temp file left
  hash-short-timeouts   the spec with balance hash, failTimeout 2s and
                        proxyTimeout 1s: passes, and nginx itself closes the
                        client of a hung node after proxy_timeout

The defects rewrite MANIFEST (tests/verify_defects.py's rehash), so the
integrity check does not catch them. Each run gets its own TMPDIR, which
rhc's temp directory goes into, so "nothing left behind" is checkable while
other tests run.
"""
import json
import os
import pwd
import signal
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from verify_defects import rehash, sub  # noqa: E402

RUN_TIMEOUT = 90

# CASE: edits of the spec's text before the build
VARIANTS = {
    "hash-short-timeouts": [("balance: least_conn", "balance: hash"), ("failTimeout: 5s", "failTimeout: 2s"),
                            ("proxyTimeout: 10m", "proxyTimeout: 1s")],
}


def fail(msg):
    raise SystemExit("FAIL: " + msg)


def processes_under(path):
    """pids whose command line names PATH (nginx runs with -p PATH/...)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if path.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def verify(rhc, out, tmpdir, user=None):
    env = dict(os.environ, TMPDIR=tmpdir)
    cmd = [rhc, "verify", "--lb", "--require-tools", "--format", "json", out]
    if user:
        # a fresh environment as a normal user's, with /usr/sbin for nginx -t
        cmd = ["setpriv", "--reuid=" + user, "--regid=" + str(pwd.getpwnam(user).pw_gid), "--clear-groups",
               "--reset-env", "env", "TMPDIR=" + tmpdir, "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin"] + cmd
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT)
    sys.stderr.write(r.stderr)
    try:
        report = json.loads(r.stdout)
    except ValueError:
        print(r.stdout)
        fail("rhc verify did not print a JSON report (exit %d)" % r.returncode)
    for c in report["checks"]:
        if c["check"] == "lb" or c["status"] != "PASS":
            print("%s %s: %s" % (c["status"], c["check"], c["message"]))
    return r.returncode, [c for c in report["checks"] if c["check"] == "lb"]


def left_behind(tmpdir):
    if os.listdir(tmpdir):
        fail("left in TMPDIR: %s" % os.listdir(tmpdir))
    pids = processes_under(tmpdir)
    if pids:
        fail("processes still running under %s: %s" % (tmpdir, pids))


def expect_clean(rc, lb, as_user=False):
    if rc != 0:
        fail("rhc verify --lb exited %d" % rc)
    bad = [c for c in lb if c["status"] != "PASS"]
    if bad:
        fail("%d lb checks did not pass" % len(bad))
    text = "\n".join(c["message"] for c in lb)
    for want in ("runs it with only addresses and ports changed", " connections", "failover:",
                 "recovery:", "hung:"):
        if want not in text:
            fail("no lb line with %r" % want)
    who = "as a normal user" if as_user or os.geteuid() else "as root"
    if who not in text:
        fail("nginx did not run %s" % who)


def expect_failed(rc, lb, *words):
    if rc != 1:
        fail("rhc verify --lb exited %d, expected 1" % rc)
    for c in lb:
        if c["status"] == "FAIL" and all(w in c["message"] for w in words):
            print("ok: caught by lb: %s" % c["message"])
            return
    fail("no FAIL lb line with %s" % " and ".join(repr(w) for w in words))


def interrupt(rhc, out, tmpdir):
    env = dict(os.environ, TMPDIR=tmpdir)
    p = subprocess.Popen([rhc, "verify", "--lb", "--require-tools", out], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not processes_under(os.path.join(tmpdir, "rhc-lb-")):
        if p.poll() is not None or time.monotonic() > deadline:
            p.kill()
            fail("nginx never started under %s" % tmpdir)
        time.sleep(0.05)
    time.sleep(1.5)  # into the checks
    p.send_signal(signal.SIGINT)
    try:
        stdout, stderr = p.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
        fail("rhc did not end within 15 s of SIGINT")
    print(stdout, end="")
    sys.stderr.write(stderr)
    if p.returncode != 1 or "interrupted by signal 2" not in stdout:
        fail("after SIGINT: exit %d, want 1 and an 'interrupted' FAIL" % p.returncode)


def main():
    rhc, spec, case = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        tmpdir = os.path.join(tmp, "tmpdir")
        os.mkdir(tmpdir)
        if case in VARIANTS:
            with open(spec) as f:
                text = f.read()
            for old, new in VARIANTS[case]:
                if old not in text:
                    fail("the spec has no %r to change" % old)
                text = text.replace(old, new)
            spec = os.path.join(tmp, "spec.yml")
            with open(spec, "w") as f:
                f.write(text)
        subprocess.run([rhc, "build", spec, "-o", out], check=True, capture_output=True)
        if case == "clean":
            expect_clean(*verify(rhc, out, tmpdir))
        elif case == "as-user":
            user = None
            if os.geteuid() == 0:
                # the checkout may sit where nobody cannot reach (e.g. under /root)
                shutil.copy2(rhc, os.path.join(tmp, "rhc"))
                rhc = os.path.join(tmp, "rhc")
                user = "nobody"
                nobody = pwd.getpwnam(user)
                os.chown(tmpdir, nobody.pw_uid, nobody.pw_gid)
                for root, dirs, files in os.walk(tmp):
                    os.chmod(root, 0o755)
                    for name in files:
                        if name == "rhc" or not root.startswith(out):  # out's modes are checked
                            os.chmod(os.path.join(root, name), 0o755 if name == "rhc" else 0o644)
            expect_clean(*verify(rhc, out, tmpdir, user), as_user=True)
        elif case == "omits-worker":
            sub(out + "/nginx.conf", r"^ *server 192\.168\.1\.13:80 .*\n", "")
            rehash(out)
            expect_failed(*verify(rhc, out, tmpdir), "server-03", "not in upstream rancher_servers_80")
        elif case == "max-fails-far-above":
            sub(out + "/nginx.conf", r"max_fails=3 ", "max_fails=300 ", count=0)
            rehash(out)
            expect_failed(*verify(rhc, out, tmpdir), "failover:", "more than max_fails allows")
        elif case == "hash-short-timeouts":
            rc, lb = verify(rhc, out, tmpdir)
            expect_clean(rc, lb)
            if not any("(hash: one node per address)" in c["message"] for c in lb):
                fail("no hash spread line")
            if not any("nginx closed its client after" in c["message"] for c in lb):
                fail("nginx did not close the hung node's client after proxy_timeout")
        elif case == "error-log":
            # a real nginx runs the file outside any sandbox: a directive rhc
            # never writes (here one that would create a file) is not run
            target = os.path.join(tmp, "nginx-error.log")
            sub(out + "/nginx.conf", r"^(worker_rlimit_nofile .*)$", r"\1\nerror_log %s info;" % target)
            rehash(out)
            expect_failed(*verify(rhc, out, tmpdir), "'error_log' is not a directive of rhc's nginx.conf")
            if os.path.exists(target):
                fail("nginx created %s" % target)
        elif case == "interrupt":
            interrupt(rhc, out, tmpdir)
        else:
            fail("unknown case %s" % case)
        left_behind(tmpdir)


if __name__ == "__main__":
    main()

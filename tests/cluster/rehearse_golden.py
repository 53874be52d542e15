#!/usr/bin/env python3
"""Suite 'cluster-rehearse': one golden case rehearsed on the local control
plane, then seeded cluster faults on the same, kept, control plane.

Usage: rehearse_golden.py RHC ROOT CASE_DIR

A Helm 3 case: tests/cluster/rehearse-local.sh CASE/spec.yml WORK --keep must
exit 0 (its rehearsal/run.sh ends with `rhc verify --cluster --rehearsal
--wait`). Then `rhc verify --cluster --rehearsal --format json` of the good
state: no FAIL; what only a running Rancher does is a SKIP with its reason,
never a PASS (cluster-ping; agents not created). Then each fault the case's
artefacts allow, one at a time, each failing exactly the named check (every
other cluster check keeps its good status), and repaired before the next:

  ingress-host   the ingress's host changed           cluster-ingress
  alias-removed  hostAliases removed (patch mode)     cluster-hostaliases
  coredns-wrong  the CoreDNS hosts entry's IP wrong   cluster-coredns
                 (coredns mode)
  rancher-zero   deployment rancher scaled to 0       cluster-rancher

The control plane is stopped at the end, whatever happened, and no process
naming WORK may survive. A case rhc writes no rehearsal/ for (Helm 2):
rehearse-local.sh must refuse it with its reason. Without the control
plane's binaries: a skip (exit 77), a failure under CI.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

T0 = time.monotonic()


def log(msg):
    print("[%5.1fs] %s" % (time.monotonic() - T0, msg), flush=True)


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, **kw)


class Rehearsal:
    def __init__(self, rhc, root, case, work):
        self.rhc, self.root, self.case, self.work = rhc, root, case, work
        self.out = os.path.join(work, "out")
        self.kubeconfig = os.path.join(work, "kubeconfig")
        self.bin = None
        # verify with bash alone on PATH: the static checks' real tools are
        # SKIPs (rehearse-local.sh's run.sh ran them all); only the cluster's
        # answers differ from one fault to the next
        self.quiet_bin = os.path.join(work, "quiet-bin")

    def kubectl(self, *args, check=True):
        r = run([os.path.join(self.bin, "kubectl"), "--kubeconfig", self.kubeconfig] + list(args))
        if check and r.returncode:
            fail("kubectl %s: %s" % (" ".join(args), r.stderr))
        return r.stdout

    def verify(self):
        env = dict(os.environ, PATH=self.quiet_bin)
        r = run([self.rhc, "verify", self.out, "--cluster", "--rehearsal", "--kubeconfig", self.kubeconfig,
                 "--format", "json"], env=env)
        try:
            report = json.loads(r.stdout)
        except ValueError:
            fail("verify --format json printed no JSON (exit %d): %s %s" % (r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
        checks = [c for c in report["checks"] if c["check"].startswith("cluster")]
        if (r.returncode != 0) != any(c["status"] == "FAIL" for c in report["checks"]):
            fail("verify exited %d with %d failed checks" % (r.returncode, report["failed"]))
        return checks

    def statuses(self, checks):
        """check name -> the set of its statuses in one report"""
        out = {}
        for c in checks:
            out.setdefault(c["check"], set()).add(c["status"])
        return out


def good_state(rh, spec):
    checks = rh.verify()
    bad = [c for c in checks if c["status"] == "FAIL"]
    if bad:
        fail("the good rehearsal fails: %s" % json.dumps(bad, indent=1))
    by = {}
    for c in checks:
        by.setdefault(c["check"], []).append(c)
    for name in ("cluster-api", "cluster-version", "cluster-namespace", "cluster-rancher", "cluster-ingress"):
        if not by.get(name) or any(c["status"] != "PASS" for c in by[name]):
            fail("good state: %s is not a PASS: %s" % (name, by.get(name)))
    if spec["rancher"]["tls"] in ("rancher", "letsEncrypt") and \
            [c["status"] for c in by.get("cluster-cert-manager", [])] != ["PASS"] * 3:
        fail("good state: cert-manager's three deployments: %s" % by.get("cluster-cert-manager"))
    # what a real Rancher process would do: a SKIP with the reason, never a PASS
    ping = by.get("cluster-ping", [])
    if spec["loadBalancer"]["ports"].count(443):
        if [c["status"] for c in ping] != ["SKIP"] or "--rehearsal:" not in ping[0]["message"] \
                or "no Rancher process runs" not in ping[0]["message"]:
            fail("good state: cluster-ping must be a SKIP with the rehearsal's reason: %s" % ping)
    for c in by.get("cluster-hostaliases", []):
        if c["status"] == "SKIP" and not re.search(
                r"does not deploy it in the local cluster|--rehearsal: no Rancher process runs|"
                r"hostAliases is off|mode is coredns", c["message"]):
            fail("good state: a hostAliases SKIP without a reason of the rehearsal's: %s" % c)
    log("good state: %d cluster checks, no FAIL; %s" % (
        len(checks), "; ".join("SKIP %s: %s" % (c["check"], c["message"]) for c in checks if c["status"] == "SKIP")))
    return rh.statuses(checks)


def expect_only(rh, good, fault, name, must=None):
    """After seeding FAULT: NAME fails (its message matching MUST), every
    other cluster check has its good statuses."""
    checks = rh.verify()
    now = rh.statuses(checks)
    if "FAIL" not in now.get(name, set()):
        fail("%s: %s does not fail: %s" % (fault, name, [c for c in checks if c["check"] == name]))
    if must and not any(re.search(must, c["message"]) for c in checks if c["check"] == name and c["status"] == "FAIL"):
        fail("%s: %s fails, but not with %r: %s" % (fault, name, must, [c for c in checks if c["check"] == name]))
    others = {k: v for k, v in now.items() if k != name and v != good.get(k)}
    if others:
        fail("%s: only %s may change; also changed: %s" % (fault, name, [c for c in checks if c["check"] in others]))
    log("fault %s: FAIL %s (%s), nothing else" % (
        fault, name, next(c["message"] for c in checks if c["check"] == name and c["status"] == "FAIL")))


def rollout(rh):
    rh.kubectl("-n", "cattle-system", "rollout", "status", "deployment/rancher", "--timeout=120s")


def faults(rh, spec, good, view):
    host = spec["rancher"]["hostname"]
    # 1. the ingress serves another host
    rh.kubectl("-n", "cattle-system", "patch", "ingress", "rancher", "--type", "json", "-p",
               json.dumps([{"op": "replace", "path": "/spec/rules/0/host", "value": "wrong.rehearsal.invalid"}]))
    expect_only(rh, good, "ingress-host", "cluster-ingress", r"found wrong\.rehearsal\.invalid")
    rh.kubectl("-n", "cattle-system", "patch", "ingress", "rancher", "--type", "json", "-p",
               json.dumps([{"op": "replace", "path": "/spec/rules/0/host", "value": host}]))
    ran = ["ingress-host"]
    # 2. patch mode: the alias gone from the rancher pod template
    if view["patched_rancher"]:
        rh.kubectl("-n", "cattle-system", "patch", "deployment", "rancher", "--type", "json", "-p",
                   json.dumps([{"op": "remove", "path": "/spec/template/spec/hostAliases"}]))
        rollout(rh)
        expect_only(rh, good, "alias-removed", "cluster-hostaliases", r"found none for " + re.escape(host))
        r = run(["bash", os.path.join(rh.out, "patch.sh")], env=dict(os.environ, KUBECONFIG=rh.kubeconfig,
                                                                    PATH=rh.bin + ":" + os.environ["PATH"]))
        if r.returncode:
            fail("patch.sh to repair: %s" % r.stderr)
        rollout(rh)
        ran.append("alias-removed")
    # 3. coredns mode: the hosts entry names another address
    if view["coredns"]:
        manifest = os.path.join(rh.out, "manifests/coredns-hosts.yaml")
        with open(manifest) as f:
            text = f.read()
        ip = view["alias_ip"]
        if "%s %s" % (ip, host) not in text:
            fail("coredns-hosts.yaml has no '%s %s' entry to seed a fault in" % (ip, host))
        wrong = os.path.join(rh.work, "coredns-wrong.yaml")
        with open(wrong, "w") as f:
            f.write(text.replace("%s %s" % (ip, host), "203.0.113.254 %s" % host))
        rh.kubectl("apply", "-f", wrong)
        expect_only(rh, good, "coredns-wrong", "cluster-coredns", r"203\.0\.113\.254")
        rh.kubectl("apply", "-f", manifest)
        ran.append("coredns-wrong")
    # 4. Rancher scaled to nothing (last: nothing to repair)
    rh.kubectl("-n", "cattle-system", "scale", "deployment", "rancher", "--replicas=0")
    expect_only(rh, good, "rancher-zero", "cluster-rancher", r"expected replicas %d" % spec["rancher"]["replicas"])
    ran.append("rancher-zero")
    return ran


def survivors(work):
    left = []
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if work + "/" in cmd:
            left.append("%s %s" % (p, cmd[:120]))
    return left


def main():
    rhc, root, case = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    name = os.path.basename(case)
    local = os.path.join(root, "tests/cluster/rehearse-local.sh")
    work = tempfile.mkdtemp(prefix="rhc-rehearse-%s-" % name)
    env = dict(os.environ, RHC=rhc, REHEARSAL_WAIT=os.environ.get("REHEARSAL_WAIT", "3m"))
    try:
        probe = os.path.join(work, "probe")
        r = run([rhc, "build", os.path.join(case, "spec.yml"), "-o", probe], cwd=case)
        if r.returncode:
            fail("rhc build: " + r.stderr)
        with open(os.path.join(probe, "spec.json")) as f:
            spec = json.load(f)
        rehearsable = os.path.isdir(os.path.join(probe, "rehearsal"))
        shutil.rmtree(probe)
        argv = ["bash", local, os.path.join(case, "spec.yml"), work, "--keep"]
        if not rehearsable:
            r = run(argv[:-1], env=env, cwd=case)
            if r.returncode != 1 or "rhc writes no rehearsal for it (Helm %s;" % spec["tools"]["helm"] not in r.stderr:
                fail("rehearse-local.sh should refuse a spec without rehearsal/ with its reason; exit %d: %s"
                     % (r.returncode, r.stderr))
            print("ok: no rehearsal/ for this spec, refused with the reason: %s" % r.stderr.strip().splitlines()[-1])
            return
        log("rehearse-local.sh %s" % name)
        r = subprocess.run(argv, env=env, cwd=case, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode == 77:
            if os.environ.get("CI"):
                fail("the control plane is not built, and CI must rehearse: %s" % r.stdout[-1000:])
            print("SKIP: " + r.stdout.strip().splitlines()[-1], file=sys.stderr)
            sys.exit(77)
        timing = [l for l in r.stdout.splitlines() if l.startswith(("rehearse-local:", "control-plane: ready"))]
        print("\n".join(timing), flush=True)
        if r.returncode:
            fail("rehearse-local.sh exited %d:\n%s" % (r.returncode, r.stdout[-8000:]))
        rh = Rehearsal(rhc, root, case, work)
        m = re.search(r"^rehearse-local: bin (\S+)$", r.stdout, re.M)
        if not m:
            fail("rehearse-local.sh did not say which binaries it used")
        rh.bin = m.group(1)
        os.mkdir(rh.quiet_bin)
        for tool in ("bash", "sh"):
            os.symlink(shutil.which(tool), os.path.join(rh.quiet_bin, tool))
        with open(os.path.join(rh.out, "spec.json")) as f:
            spec = json.load(f)
        with open(os.path.join(rh.out, "patch.sh")) as f:
            patched = "patch_workload 'deployment' 'rancher'" in f.read()
        coredns = os.path.exists(os.path.join(rh.out, "manifests/coredns-hosts.yaml"))
        alias_ip = spec["hostAliases"]["ip"] or spec["loadBalancer"]["address"]
        good = good_state(rh, spec)
        ran = faults(rh, spec, good, dict(patched_rancher=patched, coredns=coredns, alias_ip=alias_ip))
        print("ok: %s rehearsed; faults caught: %s" % (name, ", ".join(ran)))
    finally:
        subprocess.run(["bash", os.path.join(root, "tests/cluster/control-plane.sh"), "down", work],
                       capture_output=True)
        left = survivors(work)
        shutil.rmtree(work, ignore_errors=True)
        if left:
            fail("processes survived the control plane's down: %s" % left)
        log("done")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Apply each generated hostAliases patch with the real `kubectl patch --local`
onto a minimal manifest of its workload's kind, and check the result against
the resolved spec (spec.json): exactly one alias, the spec's IP, the one
Rancher hostname. Also checks patch.sh patches each file with the right kind.

Usage: check_patches.py OUT_DIR MANIFEST_DIR
"""
import json
import os
import subprocess
import sys

KINDS = {
    "rancher": "deployment",
    "cattle-cluster-agent": "deployment",
    "cattle-node-agent": "daemonset",
}
MANIFESTS = {"deployment": "deployment.yaml", "daemonset": "daemonset.yaml"}


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    out, manifests = sys.argv[1], sys.argv[2]
    with open(os.path.join(out, "spec.json")) as f:
        spec = json.load(f)
    aliases = spec["hostAliases"]
    ip = aliases["ip"] or spec["loadBalancer"]["address"]
    host = spec["rancher"]["hostname"]
    mode = aliases["mode"] if aliases["enabled"] else "off"
    if mode == "default":
        mode = "patch" if spec["kubernetes"]["distro"] == "rke1" else "coredns"
    wanted = aliases["workloads"] if mode == "patch" else []
    patch_dir = os.path.join(out, "patches")
    have = sorted(f[:-5] for f in os.listdir(patch_dir)) if os.path.isdir(patch_dir) else []
    if mode == "patch" and not wanted:
        # empty: the workloads of the chart line, which always has rancher
        wanted = have
        if "rancher" not in have:
            fail("patch files %s lack rancher" % have)
    if have != sorted(wanted):
        fail("patch files %s, spec asks for %s" % (have, sorted(wanted)))
    with open(os.path.join(out, "patch.sh")) as f:
        script = f.read()
    with open(os.path.join(out, "RUNBOOK.md")) as f:
        runbook = f.read()
    for name in wanted:
        kind = KINDS[name]
        call = "patch_workload '%s' '%s' 'patches/%s.json'" % (kind, name, name)
        # local workloads: patch.sh; downstream-only ones: the runbook's command
        downstream = "kubectl -n cattle-system patch %s %s --type strategic" % (kind, name)
        if call not in script and downstream not in runbook:
            fail("neither patch.sh nor RUNBOOK.md patches %s/%s" % (kind, name))
        with open(os.path.join(patch_dir, name + ".json")) as f:
            patch = f.read()
        json.loads(patch)
        result = subprocess.run(
            ["kubectl", "patch", "--local", "--kubeconfig", os.devnull, "-f", os.path.join(manifests, MANIFESTS[kind]),
             "--type", "strategic", "-p", patch, "-o", "json"],
            capture_output=True, text=True)
        if result.returncode != 0:
            fail("kubectl patch --local %s: %s" % (name, result.stderr.strip()))
        obj = json.loads(result.stdout)
        got = obj["spec"]["template"]["spec"].get("hostAliases")
        want = [{"ip": ip, "hostnames": [host]}]
        if got != want:
            fail("%s: hostAliases %r, expected %r" % (name, got, want))
        if obj["kind"].lower() != kind:
            fail("%s: patched a %s" % (name, obj["kind"]))
        print("ok: %s/%s hostAliases %s -> %s" % (kind, name, host, ip))
    # patch.sh patches the local ones; the runbook carries the downstream ones
    downstream = sum(1 for name in wanted
                     if "kubectl -n cattle-system patch %s %s --type" % (KINDS[name], name) in runbook)
    if script.count("patch_workload '") != len(wanted) - downstream:
        fail("patch.sh patches %d workloads, spec asks for %d of which %d downstream"
             % (script.count("patch_workload '"), len(wanted), downstream))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Static checks of what cannot run here (no container engine): the kind
rehearsal artefacts and the GitHub Actions workflow example.

Usage: rehearsal_static.py RHC CASE_DIR     a golden case's rehearsal/
       rehearsal_static.py RHC --workflow ROOT   examples/github-actions-kind.yml

CASE: Helm 3 specs get rehearsal/kind-config.yaml (PyYAML: one kind node per
spec node with the mapped role, the LB's ports on the first worker, string
labels) and rehearsal/run.sh (0755, bash -n, shellcheck, the steps in order:
an existing cluster or kind, helm.sh, patch.sh or the CoreDNS manifest by
hostAliases.mode, verify --rehearsal; the lines rehearse-local.sh reads);
Helm 2 specs get no rehearsal/ at all. WORKFLOW: parses as YAML, installs
kind with helm/kind-action, builds rhc with an option rhc has, runs
rehearsal/run.sh, and every run step passes shellcheck as GitHub runs it
(bash -e) with no ${{ }} expression inside (script injection)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def need(ok, what, package):
    if ok:
        return
    if os.environ.get("CI"):
        fail("%s is not installed, and CI must run this check" % what)
    print("SKIP: %s is not installed (Debian package: %s)" % (what, package), file=sys.stderr)
    sys.exit(77)


def shellcheck(path):
    r = subprocess.run(["shellcheck", "--severity=style", "--shell=bash", path], capture_output=True, text=True)
    if r.returncode:
        fail("shellcheck %s:\n%s" % (path, r.stdout))


def check_kind_config(out, spec):
    import yaml
    with open(os.path.join(out, "rehearsal/kind-config.yaml")) as f:
        cfg = yaml.safe_load(f)
    if cfg.get("kind") != "Cluster" or cfg.get("apiVersion") != "kind.x-k8s.io/v1alpha4":
        fail("kind-config.yaml is not a kind v1alpha4 Cluster")
    if cfg.get("name") != "rhc-" + spec["name"]:
        fail("cluster name %r, expected %r" % (cfg.get("name"), "rhc-" + spec["name"]))
    nodes = cfg.get("nodes") or []
    if len(nodes) != len(spec["nodes"]):
        fail("%d kind nodes for %d spec nodes" % (len(nodes), len(spec["nodes"])))
    first_worker = next(i for i, n in enumerate(spec["nodes"]) if "worker" in n["roles"])
    for i, (k, n) in enumerate(zip(nodes, spec["nodes"])):
        roles = n["roles"]
        want = "control-plane" if "controlplane" in roles or "etcd" in roles else "worker"
        if k.get("role") != want:
            fail("node %s: kind role %r, expected %r" % (n["name"], k.get("role"), want))
        labels = k.get("labels") or {}
        if not all(isinstance(v, str) for v in labels.values()):
            fail("node %s: a label value is not a string (YAML 1.1 typing): %r" % (n["name"], labels))
        if labels.get("rhc/node") != n["name"] or labels.get("rhc/worker") != str("worker" in roles).lower():
            fail("node %s: labels %r" % (n["name"], labels))
        maps = k.get("extraPortMappings")
        if (i == first_worker) != bool(maps) or (i == first_worker) != (labels.get("ingress-ready") == "true"):
            fail("node %s: the LB ports and ingress-ready belong to the first worker only" % n["name"])
        if maps and [(m["containerPort"], m["hostPort"], m["protocol"]) for m in maps] != \
                [(p, p, "TCP") for p in spec["loadBalancer"]["ports"]]:
            fail("node %s: port mappings %r, expected the LB's ports %r" % (n["name"], maps, spec["loadBalancer"]["ports"]))


def alias_mode(spec):
    """hostAliases.mode as rhc resolves it (compiler/lower.c alias_mode)."""
    h = spec["hostAliases"]
    if not h["enabled"]:
        return "off"
    if h["mode"] != "default":
        return h["mode"]
    return "patch" if spec["kubernetes"]["distro"] == "rke1" else "coredns"


def check_run_sh(out, spec, kind=True):
    path = os.path.join(out, "rehearsal/run.sh")
    with open(path) as f:
        text = f.read()
    if os.stat(path).st_mode & 0o777 != 0o755:
        fail("rehearsal/run.sh is not mode 0755")
    if not text.startswith("#!/usr/bin/env bash\n") or "\nset -euo pipefail\n" not in text:
        fail("rehearsal/run.sh: wrong shebang or no set -euo pipefail")
    r = subprocess.run(["bash", "-n", path], capture_output=True, text=True)
    if r.returncode:
        fail("bash -n rehearsal/run.sh: " + r.stderr)
    shellcheck(path)
    # an existing cluster (REHEARSAL_KUBECONFIG) first, else kind and its
    # ingress controller; then helm.sh, the mode's hostAliases step, verify
    coredns = alias_mode(spec) == "coredns"
    steps = [r'if \[ -n "\$\{REHEARSAL_KUBECONFIG:-\}" \] && \[ -e "\$kubeconfig" \]; then\n    existing=1',
             r'if \[ -n "\$existing" \]; then\n', r'kubectl --kubeconfig "\$kubeconfig" get --raw /readyz',
             r'\nelse\n'] + ([r'kind create cluster --name "\$cluster" --config "\$here/kind-config\.yaml"',
                                r'kubectl apply -f "\$ingress_manifest"'] if kind else
                               [r'air-gapped: it rehearses on an existing cluster only.*\n    exit 1\n']) + [
             r'\nfi\n', r'bash "\$out/helm\.sh"',
             r'kubectl apply -f "\$out/manifests/coredns-hosts\.yaml"' if coredns else r'bash "\$out/patch\.sh"',
             r'"\$rhc" verify "\$out" --cluster --rehearsal --kubeconfig "\$kubeconfig" --wait "\$wait_for"\n$']
    at = 0
    for s in steps:
        m = re.compile(s).search(text, at)
        if not m:
            fail("rehearsal/run.sh: step missing or out of order: %s" % s)
        at = m.end()
    if not kind:
        for word in ("kind ", "http://", "https://", "ingress_manifest"):
            if word in text:
                fail("rehearsal/run.sh of an air-gapped build names %r" % word)
    other = 'bash "$out/patch.sh"' if coredns else "manifests/coredns-hosts.yaml"
    if other in text:
        fail("rehearsal/run.sh: hostAliases.mode %s, but it runs %s" % (alias_mode(spec), other))
    for var in ("spec_kubernetes", "rancher_chart", "chart_kube_below"):
        if not re.search(r"^%s=\S*$" % var, text, re.M):
            fail("rehearsal/run.sh: no %s= line (tests/cluster/rehearse-local.sh reads it)" % var)


def check_case(rhc, case_dir):
    need(shutil.which("shellcheck"), "shellcheck", "shellcheck")
    try:
        import yaml  # noqa: F401
    except ImportError:
        need(False, "PyYAML", "python3-yaml")
    tmp = tempfile.mkdtemp(prefix="rhc-rehearsal-")
    try:
        out = os.path.join(tmp, "out")
        r = subprocess.run([rhc, "build", os.path.join(case_dir, "spec.yml"), "-o", out], capture_output=True, text=True)
        if r.returncode:
            fail("rhc build: " + r.stderr)
        with open(os.path.join(out, "spec.json")) as f:
            spec = json.load(f)
        helm2 = spec["tools"]["helm"].startswith("v2.")
        has = os.path.isdir(os.path.join(out, "rehearsal"))
        if helm2:
            if has:
                fail("a Helm 2 spec got a rehearsal/ directory")
            print("ok: Helm 2 spec, no rehearsal (as documented)")
            return
        # air-gapped (a registry address, airgapped not false): kind and its
        # ingress are public downloads, so the rehearsal takes an existing
        # cluster only, and names no URL
        reg = spec.get("registry", {})
        airgapped = reg.get("airgapped") == "true" or (reg.get("airgapped") == "default" and reg.get("address"))
        if not has:
            fail("a Helm 3 spec got no rehearsal/")
        if airgapped:
            if os.path.exists(os.path.join(out, "rehearsal/kind-config.yaml")):
                fail("an air-gapped spec got rehearsal/kind-config.yaml")
            check_run_sh(out, spec, kind=False)
            print("ok: air-gapped spec, a rehearsal on an existing cluster only")
            return
        check_kind_config(out, spec)
        check_run_sh(out, spec)
        print("ok: rehearsal/ for %d nodes" % len(spec["nodes"]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_workflow(root):
    need(shutil.which("shellcheck"), "shellcheck", "shellcheck")
    try:
        import yaml
    except ImportError:
        need(False, "PyYAML", "python3-yaml")
    with open(os.path.join(root, "examples/github-actions-kind.yml")) as f:
        wf = yaml.safe_load(f)
    # PyYAML reads the key 'on' as YAML 1.1's true; GitHub reads it as "on"
    if not (wf.get("on") or wf.get(True)) or not wf.get("jobs"):
        fail("workflow: no 'on' or no jobs")
    with open(os.path.join(root, "meson_options.txt")) as f:
        options = f.read()
    steps = [s for job in wf["jobs"].values() for s in job["steps"]]
    uses = [s.get("uses", "") for s in steps]
    kind = [s for s in steps if s.get("uses", "").startswith("helm/kind-action@")]
    if len(kind) != 1 or str(kind[0].get("with", {}).get("install_only")).lower() != "true":
        fail("workflow: expected one helm/kind-action step with install_only (run.sh creates the cluster)")
    if not any(u.startswith("azure/setup-helm@") for u in uses):
        fail("workflow: helm is not installed")
    runs = [s["run"] for s in steps if "run" in s]
    text = "\n".join(runs)
    for want in ("bash out/rehearsal/run.sh", "rhc build \"$SPEC\" -o out"):
        if want not in text:
            fail("workflow: no step runs %r" % want)
    for opt in re.findall(r"-D(\w+)=", text):
        if "option('%s'" % opt not in options:
            fail("workflow: meson option %s does not exist" % opt)
    tmp = tempfile.mkdtemp(prefix="rhc-workflow-")
    try:
        for i, run in enumerate(runs):
            if "${{" in run:
                fail("workflow: run step %d has a ${{ }} expression; pass it through env" % i)
            path = os.path.join(tmp, "step%d.sh" % i)
            with open(path, "w") as f:
                f.write("#!/usr/bin/env bash\nset -e\n" + run)
            r = subprocess.run(["bash", "-n", path], capture_output=True, text=True)
            if r.returncode:
                fail("workflow: bash -n step %d: %s" % (i, r.stderr))
            shellcheck(path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok: workflow with %d steps, %d run steps clean" % (len(steps), len(runs)))


def main():
    rhc = os.path.abspath(sys.argv[1])
    if sys.argv[2] == "--workflow":
        check_workflow(sys.argv[3])
    else:
        check_case(rhc, sys.argv[2])


if __name__ == "__main__":
    main()

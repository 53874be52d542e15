#!/usr/bin/env python3
"""Seeded defects for `rhc verify`: build the walk-through, break one thing
the way a hand edit would, and require verify to fail with the right check
naming the right file. Most defects also rewrite MANIFEST to match, so only
the semantic check can catch them.

Usage: verify_defects.py RHC SPEC CASE     (CASE 'clean': verify must pass)
"""
import hashlib
import os
import re
import socket
import stat
import subprocess
import sys
import tempfile
import time


def sub(path, pattern, repl, count=1):
    with open(path) as f:
        text = f.read()
    new, n = re.subn(pattern, repl, text, count=count, flags=re.M)
    if n == 0:
        raise SystemExit("FAIL: mutation found nothing to change in %s: %r" % (path, pattern))
    with open(path, "w") as f:
        f.write(new)


def rehash(out):
    """Rewrite MANIFEST for the files as they are now (hides the edit from integrity)."""
    with open(os.path.join(out, "MANIFEST")) as f:
        head = f.read().split("\n")[:2]
    lines = head[:]
    for root, _, files in os.walk(out):
        for name in files:
            rel = os.path.relpath(os.path.join(root, name), out)
            if rel == "MANIFEST":
                continue
            with open(os.path.join(root, name), "rb") as f:
                lines.append("%s  %s" % (hashlib.sha256(f.read()).hexdigest(), rel))
    lines = lines[:2] + sorted(lines[2:], key=lambda l: l[66:])
    with open(os.path.join(out, "MANIFEST"), "w") as f:
        f.write("\n".join(lines) + "\n")


def add_line(path, after, line):
    """Insert LINE after the first line matching AFTER."""
    sub(path, r"^(%s)$" % after, lambda m: m.group(1) + "\n" + line)


class Listener:
    """A real TCP listener on 127.0.0.1: a seeded line that tries to reach it
    must never get through (verify runs nothing that can)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    def connected(self):
        try:
            self.sock.accept()
            return True
        except BlockingIOError:
            return False


CTX = {}


def curl_line(o):
    CTX["listener"] = Listener()
    add_line(o + "/patch.sh", "set -euo pipefail",
             "/usr/bin/curl -fsS http://127.0.0.1:%d/ >/dev/null || true" % CTX["listener"].port)


def curl_in_subst(o):
    CTX["listener"] = Listener()
    add_line(o + "/patch.sh", "set -euo pipefail",
             'x="$(/usr/bin/curl -fsS http://127.0.0.1:%d/ || true)"' % CTX["listener"].port)


def error_log(o):
    CTX["forbidden_path"] = os.path.join(os.path.dirname(o), "nginx-error.log")
    add_line(o + "/nginx.conf", r"worker_rlimit_nofile .*", "error_log %s info;" % CTX["forbidden_path"])


def fifo(name):
    def mutate(o):
        os.remove(os.path.join(o, name))
        os.mkfifo(os.path.join(o, name))
    return mutate


def sparse(o):
    with open(o + "/big.bin", "wb") as f:
        f.truncate(10 << 30)


def long_path(o):
    d = o
    for i in range(9):
        d = os.path.join(d, ("d%d" % i) * 60)
        os.mkdir(d)
    open(os.path.join(d, "x.txt"), "w").write("x\n")


def long_manifest_line(o):
    with open(o + "/MANIFEST") as f:
        lines = f.read().split("\n")
    lines[0] = "rhc " + "9" * (10 << 20)
    with open(o + "/MANIFEST", "w") as f:
        f.write("\n".join(lines))


# name: (mutation, rehash MANIFEST?, expected check, expected file)
DEFECTS = {
    "upstream-ip": (lambda o: sub(o + "/nginx.conf", r"server 192\.168\.1\.12:443", "server 192.168.1.99:443"),
                    True, "upstreams", "nginx.conf"),
    "upstream-omits-worker": (lambda o: sub(o + "/nginx.conf", r"^ *server 192\.168\.1\.13:80 .*\n", ""),
                              True, "upstreams", "nginx.conf"),
    "max-fails-far-above": (lambda o: sub(o + "/nginx.conf", r"max_fails=3", "max_fails=300"),
                            True, "upstreams", "nginx.conf"),
    "second-hostname": (lambda o: sub(o + "/patches/cattle-node-agent.json", r'"rancher\.example\.com"', '"xxx.rancher.com"'),
                        True, "hostname", "patches/cattle-node-agent.json"),
    "alias-ip": (lambda o: sub(o + "/patches/rancher.json", r'"192\.168\.1\.100"', '"192.168.1.101"'),
                 True, "alias-ip", "patches/rancher.json"),
    "mixed-helm": (lambda o: sub(o + "/helm.sh", r"^    --namespace cert-manager \\\n",
                                 "    --namespace cert-manager \\\n    --create-namespace \\\n"),
                   True, "helm-syntax", "helm.sh"),
    "port-not-listened": (lambda o: sub(o + "/lb-nginx.sh", r"^    -p '443:443' \\\n", "    -p '443:443' \\\n    -p '8443:8443' \\\n"),
                          True, "ports", "lb-nginx.sh"),
    "broken-json": (lambda o: sub(o + "/patches/rancher.json", r'"hostnames": \[', '"hostnames": [,'),
                    True, "parse", "patches/rancher.json"),
    "duplicate-json-key": (lambda o: sub(o + "/patches/rancher.json", r'("ip": "192\.168\.1\.100",)', r'\1\n            "ip": "10.0.0.1",'),
                           True, "parse", "patches/rancher.json"),
    "location-in-stream": (lambda o: sub(o + "/nginx.conf", r"(proxy_pass rancher_servers_80;)", r"\1\n        location / { }"),
                           True, "contexts", "nginx.conf"),
    "missing-file": (lambda o: os.remove(o + "/patch.sh"), False, "integrity", "patch.sh"),
    "unlisted-file": (lambda o: open(o + "/extra.txt", "w").write("x\n"), False, "integrity", "extra.txt"),
    "manifest-malformed": (lambda o: open(o + "/MANIFEST", "a").write("not a hash  ../etc/passwd\n"),
                           False, "integrity", "MANIFEST"),
    "changed-file": (lambda o: sub(o + "/RUNBOOK.md", r"^## 0\. Tools", "## 0. Tools (edited)"),
                     False, "integrity", "RUNBOOK.md"),
    "unquoted-value": (lambda o: sub(o + "/lb-nginx.sh", r"^image='nginx:1\.14'", "image=nginx:1.14"),
                       True, "quoting", "lb-nginx.sh"),
    "arch-mismatch": (lambda o: sub(o + "/tools.sh", r"rke_linux-amd64", "rke_linux-arm64", count=0),
                      True, "tools", "tools.sh"),
    "cert-manager-wrong-step": (lambda o: sub(o + "/helm.sh", r"^kubectl apply --validate=false -f .*\n", ""),
                                True, "cert-manager", "helm.sh"),
    "restart-split": (lambda o: sub(o + "/lb-nginx.sh", r"--restart=unless-stopped", "--restart =unless-stopped"),
                      True, "ports", "lb-nginx.sh"),
    # issue 12: a file that differs from what spec.json renders fails, and
    # nothing in a script or nginx.conf runs or writes outside a sandbox
    "absolute-curl": (curl_line, True, "render", "patch.sh"),
    "absolute-curl-argv": (curl_line, True, "argv", "patch.sh"),
    "absolute-curl-subst": (curl_in_subst, True, "render", "patch.sh"),
    "kubectl-delete": (lambda o: add_line(o + "/patch.sh", "set -euo pipefail", "kubectl delete namespace cattle-system"),
                       True, "render", "patch.sh"),
    "kubectl-delete-argv": (lambda o: add_line(o + "/patch.sh", "set -euo pipefail", "kubectl delete namespace cattle-system"),
                            True, "argv", "patch.sh"),
    "anonymous-admin": (lambda o: add_line(o + "/helm.sh", "set -euo pipefail",
                                           "kubectl create clusterrolebinding open --clusterrole=cluster-admin --user=system:anonymous"),
                        True, "render", "helm.sh"),
    "anonymous-admin-argv": (lambda o: add_line(o + "/helm.sh", "set -euo pipefail",
                                                "kubectl create clusterrolebinding open --clusterrole=cluster-admin --user=system:anonymous"),
                             True, "argv", "helm.sh"),
    "error-log": (error_log, True, "render", "nginx.conf"),
    "error-log-nginx": (error_log, True, "nginx -t", "nginx.conf"),
    "runbook-line": (lambda o: sub(o + "/RUNBOOK.md", r"^## 0\. Tools", "## 0. Tools (edited)"), True, "render", "RUNBOOK.md"),
    "other-version": (lambda o: sub(o + "/MANIFEST", r"^rhc .*$", "rhc 0.0.9"), False, "render", "MANIFEST"),
    "script-mode": (lambda o: os.chmod(o + "/helm.sh", 0o777), False, "render", "helm.sh"),
    "conf-mode": (lambda o: os.chmod(o + "/nginx.conf", 0o4777), False, "render", "nginx.conf"),
    "dir-mode": (lambda o: os.chmod(o + "/patches", 0o700), False, "render", "patches"),
    "fifo-artefact": (fifo("nginx.conf"), False, "integrity", "nginx.conf"),
    "fifo-manifest": (fifo("MANIFEST"), False, "integrity", "MANIFEST"),
    "sparse-10g": (sparse, False, "integrity", "big.bin"),
    "long-path": (long_path, False, "integrity", "d0"),
    "manifest-long-line": (long_manifest_line, False, "render", "MANIFEST"),
    "chart-version-split-argv": (lambda o: sub(o + "/helm.sh", r"--version '2\.4\.18'", "--version 2.4.18' '"),
                                 True, "argv", "helm.sh"),
    # Helm 2 has no `lookup`, which every chart from 2.6.0 calls
    "helm2-chart-above-2-5": (lambda o: sub(o + "/helm.sh", r"--version '2\.4\.18'", "--version '2.6.14'"),
                              True, "chart-pin", "helm.sh"),
    "rollout-unbounded": (lambda o: sub(o + "/helm.sh", r' --timeout="\$timeout"', ""),
                          True, "rollout-timeout", "helm.sh"),
    # chart 2.5: no cattle agents in the local cluster (spec edited below)
    "patch-absent-workload": (lambda o: sub(o + "/patch.sh", r"^(patch_workload 'deployment' 'rancher' .*\n)",
                                            r"\1patch_workload 'daemonset' 'cattle-node-agent' 'patches/cattle-node-agent.json'\n"),
                              True, "workloads", "patch.sh"),
    # an IPv6 LB (spec edited below): nginx must listen on [::] too
    "ipv6-without-listen": (lambda o: sub(o + "/nginx.conf", r"^ *listen \[::\]:443;\n", ""),
                            True, "ipv6-listen", "nginx.conf"),
}

# what else must hold for a case: the stdout pattern, or a side effect
EXTRA = {
    "absolute-curl-argv": r"^FAIL argv: patch\.sh:\d+: runs /usr/bin/curl by absolute path",
    "kubectl-delete-argv": r"^FAIL argv: patch\.sh: deletes from the cluster: \[kubectl\] \[delete\]",
    "anonymous-admin-argv": r"^FAIL argv: helm\.sh: grants a role to anonymous users",
    "other-version": r"^FAIL render: MANIFEST:1: built by rhc 0\.0\.9; this is rhc \S+, .*rebuild with this rhc",
    "script-mode": r"^FAIL render: helm\.sh: mode 0777, expected 0755$",
    "conf-mode": r"^FAIL render: nginx\.conf: mode 4777, expected 0644$",
    "dir-mode": r"^FAIL render: patches: directory mode 0700, expected 0755$",
    "fifo-artefact": r"^FAIL integrity: nginx\.conf: is not a regular file \(a FIFO\); not read$",
    "fifo-manifest": r"^FAIL integrity: MANIFEST: is not a regular file \(a FIFO\); not read$",
    "sparse-10g": r"^FAIL integrity: big\.bin: is 10737418240 bytes, more than the 64 MiB",
    "long-path": r"^FAIL integrity: (d0){60}/(d1){60}/.*/x\.txt: not listed in MANIFEST$",
    "runbook-line": r"^FAIL render: RUNBOOK\.md:\d+: differs from what spec\.json renders: found '## 0\. Tools \(edited\)', expected '## 0\. Tools'$",
}

# Defects that need another spec: regex substitutions on the spec's text.
SPEC_EDITS = {
    "patch-absent-workload": [(r"chartVersion: 2\.4\.18", "chartVersion: 2.5.17"),
                              (r"helm: v2\.14\.3", "helm: v3.16.2")],
    "ipv6-without-listen": [(r"address: 192\.168\.1\.100", 'address: "2001:db8::100"')],
}

# rke2/k3s defects, seeded into testdata/golden/rke2-agents (servers cp-1..3,
# agents worker-1..2, LB 10.40.0.10)
DEFECTS.update({
    "join-wrong-port": (lambda o: sub(o + "/nodes/cp-2/config.yaml", r"10\.40\.0\.10:9345", "10.40.0.10:6443"),
                        True, "join-server", "nodes/cp-2/config.yaml"),
    "first-server-joins": (lambda o: sub(o + "/nodes/cp-1/config.yaml", r"^node-ip: .*\n", r'\g<0>server: "https://10.40.0.10:9345"\n'),
                           True, "join-server", "nodes/cp-1/config.yaml"),
    "tls-san-lacks-lb": (lambda o: sub(o + "/nodes/cp-3/config.yaml", r'^  - "10\.40\.0\.10"\n', ""),
                         True, "tls-san", "nodes/cp-3/config.yaml"),
    "token-file-differs": (lambda o: sub(o + "/nodes/worker-1/config.yaml", r"join-token", "token"),
                           True, "token-file", "nodes/worker-1/config.yaml"),
    "release-differs": (lambda o: sub(o + "/nodes/cp-3/install.sh", r"^release='v1\.34\.10\+rke2r1'", "release='v1.34.9+rke2r1'"),
                        True, "release", "nodes/cp-3/install.sh"),
    "agent-before-server": (lambda o: sub(o + "/cluster.sh", r"^(install_node 'cp-3' .*\n)(install_node 'worker-1' .*\n)", r"\2\1"),
                            True, "cluster-order", "cluster.sh"),
    "api-upstream-to-agent": (lambda o: sub(o + "/nginx.conf", r"server 10\.40\.0\.13:9345", "server 10.40.0.21:9345"),
                              True, "upstreams", "nginx.conf"),
    "broken-config-yaml": (lambda o: sub(o + "/nodes/worker-2/config.yaml", r"^node-name: ", "node-name: [\n"),
                           True, "parse", "nodes/worker-2/config.yaml"),
    "coredns-wrong-ip": (lambda o: sub(o + "/manifests/coredns-hosts.yaml", r"10\.40\.0\.10 rancher", "10.40.0.99 rancher"),
                         True, "coredns", "manifests/coredns-hosts.yaml"),
    "install-sh-unquoted": (lambda o: sub(o + "/nodes/worker-2/install.sh", r"^release='v1\.34\.10\+rke2r1'", "release=v1.34.10+rke2r1"),
                            True, "quoting", "nodes/worker-2/install.sh"),
})

# air-gap defects, seeded into testdata/golden/airgap-rke2 (registry
# registry.example.com:5000, CA /etc/rancher/registry-ca.pem)
DEFECTS.update({
    "airgap-public-installer": (lambda o: add_line(o + "/nodes/cp-2/install.sh", r"artifacts='/root/rke2-artifacts'",
                                                   'curl -sfL https://get.rke2.io -o "$artifacts/install.sh"'),
                                True, "public-host", "nodes/cp-2/install.sh"),
    "airgap-public-chart-repo": (lambda o: add_line(o + "/helm.sh", "set -euo pipefail",
                                                    "helm repo add jetstack 'https://charts.jetstack.io'"),
                                 True, "public-host", "helm.sh"),
    "lb-image-without-registry": (lambda o: sub(o + "/lb-nginx.sh", r"^image='registry\.example\.com:5000/library/nginx:1\.30\.3'",
                                                "image='nginx:1.30.3'"),
                                  True, "registry", "lb-nginx.sh"),
    "cert-manager-image-public": (lambda o: sub(o + "/values/cert-manager.yaml",
                                                r'"registry\.example\.com:5000/quay\.io/jetstack/cert-manager-webhook"',
                                                '"quay.io/jetstack/cert-manager-webhook"'),
                                  True, "registry", "values/cert-manager.yaml"),
    "node-registry-differs": (lambda o: sub(o + "/nodes/worker-1/config.yaml", r'^system-default-registry: .*$',
                                            'system-default-registry: "registry.example.org:5000"'),
                              True, "registry", "nodes/worker-1/config.yaml"),
    "registries-yaml-ca": (lambda o: sub(o + "/registries.yaml", r'ca_file: "/etc/rancher/registry-ca\.pem"',
                                         'ca_file: "/etc/ssl/other-ca.pem"'),
                           True, "registry", "registries.yaml"),
    "rancher-registry-differs": (lambda o: sub(o + "/values/rancher.yaml", r'^systemDefaultRegistry: .*$',
                                               'systemDefaultRegistry: "docker.io"'),
                                 True, "registry", "values/rancher.yaml"),
})


def main():
    rhc, spec, case = sys.argv[1], sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        if case in SPEC_EDITS:
            with open(spec) as f:
                text = f.read()
            for pattern, repl in SPEC_EDITS[case]:
                text, n = re.subn(pattern, repl, text, flags=re.M)
                if n == 0:
                    raise SystemExit("FAIL: spec edit found nothing: %r" % pattern)
            spec = os.path.join(tmp, "spec.yml")
            with open(spec, "w") as f:
                f.write(text)
        subprocess.run([rhc, "build", spec, "-o", out], check=True, capture_output=True)
        if case != "clean":
            mutate, do_rehash, check, path = DEFECTS[case]
            mutate(out)
            if do_rehash:
                rehash(out)
        # verify's private copies go to TMPDIR: a private one, to see that
        # nothing is left there
        vtmp = os.path.join(tmp, "vtmp")
        os.mkdir(vtmp)
        # a broken client config of the user's: the static checks (kubectl
        # patch --local among them) need none and must not read it
        broken = os.path.join(tmp, "kubeconfig")
        with open(broken, "w") as f:
            f.write("garbage: [\n")
        started = time.monotonic()
        r = subprocess.run([rhc, "verify", "--require-tools", out], capture_output=True, text=True, timeout=100,
                           env=dict(os.environ, TMPDIR=vtmp, KUBECONFIG=broken))
        took = time.monotonic() - started
        print(r.stdout if len(r.stdout) < 100000 else r.stdout[:100000] + "...", end="")
        print(r.stderr[:100000], end="", file=sys.stderr)
        if len(r.stdout) + len(r.stderr) > 1 << 20:
            raise SystemExit("FAIL: verify printed %d bytes: a line from a file is echoed whole" % (len(r.stdout) + len(r.stderr)))
        if os.listdir(vtmp):
            raise SystemExit("FAIL: verify left %s in TMPDIR" % os.listdir(vtmp))
        if case == "clean":
            if r.returncode != 0 or "FAIL" in r.stdout:
                raise SystemExit("FAIL: verify does not pass on a fresh build (exit %d)" % r.returncode)
            if "SKIP" in r.stdout:
                raise SystemExit("FAIL: a check was skipped under --require-tools")
            return
        if r.returncode != 1:
            raise SystemExit("FAIL: verify exited %d, expected 1" % r.returncode)
        want = re.compile(r"^FAIL %s: %s(:\d+)?: " % (re.escape(check), re.escape(path)), re.M)
        if not want.search(r.stdout) and not (case == "long-path" and re.search(r"^FAIL integrity: d0", r.stdout, re.M)):
            raise SystemExit("FAIL: no 'FAIL %s: %s' line" % (check, path))
        if case in EXTRA and not re.search(EXTRA[case], r.stdout, re.M):
            raise SystemExit("FAIL: no line matches %r" % EXTRA[case])
        if "listener" in CTX and CTX["listener"].connected():
            raise SystemExit("FAIL: a line of the script reached a listener on 127.0.0.1: verify ran it")
        if "forbidden_path" in CTX and os.path.exists(CTX["forbidden_path"]):
            raise SystemExit("FAIL: nginx -t created %s" % CTX["forbidden_path"])
        if took > 30:
            raise SystemExit("FAIL: verify took %.0f s" % took)
        print("ok: caught by %s in %s" % (check, path))


if __name__ == "__main__":
    main()

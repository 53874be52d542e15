#!/usr/bin/env python3
"""One `rhc verify --cluster` scenario against the stand-in API server.

Makes a CA, a server and a client certificate with openssl, builds a small
Helm 3 spec, starts standin.py on a free port of 127.0.0.1, writes the
kubeconfig the scenario needs, runs rhc and checks its exit status and
output lines. In every scenario no secret (token, password, client key) may
appear in rhc's stdout or stderr.

Usage: scenario.py RHC NAME      (exit 77: skipped, with the reason)
"""
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = "rhc-test-token-Zq8vX2mN5pL7wR4t"
WRONG_TOKEN = "rhc-wrong-token-Hk3jB9cD1fG6sA0e"

SPEC = """apiVersion: rhc/v1
name: standin
tools: {kubectl: v1.29.0, helm: v3.14.0, rke: v1.6.7}
kubernetes: {version: v1.29.13-rancher1-1, distro: rke1}
nodes:
  - {name: node-1, address: 10.0.0.11}
  - {name: node-2, address: 10.0.0.12}
  - {name: node-3, address: 10.0.0.13}
loadBalancer: {address: %(lb)s, ports: %(ports)s}
certManager: {version: v1.14.4}
rancher: {hostname: rancher.example.com, replicas: 3}
hostAliases: {ip: 10.0.0.100}
"""

# hostAliases mode coredns (the default for rke2 and k3s)
SPEC_CURRENT = """apiVersion: rhc/v1
name: standin
tools: {kubectl: v1.34.0, helm: v3.22.0}
kubernetes: {distro: %(distro)s, version: %(release)s}
nodes:
  - {name: node-1, address: 10.0.0.11}
  - {name: node-2, address: 10.0.0.12}
  - {name: node-3, address: 10.0.0.13}
loadBalancer: {address: %(lb)s, ports: %(ports)s}
rancher: {hostname: rancher.example.com, replicas: 3}
hostAliases: {ip: 10.0.0.100}
"""
RELEASES = {"rke2": "v1.34.10+rke2r1", "k3s": "v1.34.9+k3s1"}
CHC = r"helmchartconfig kube-system/rke2-coredns"
CM = r"configmap kube-system/coredns-custom"
ENTRY = r"'10\.0\.0\.100 rancher\.example\.com'"
SKIP_ALIASES = (r"^SKIP cluster-hostaliases: hostAliases\.mode is coredns: no workload is patched; "
                r"cluster-coredns checks the entry$")

HEALTHY = [
    r"^PASS kubeconfig: \S+: context 'standin': cluster 'standin' at https://127\.0\.0\.1:\d+, user 'tester' with a client certificate$",
    r"^PASS cluster-api: https://127\.0\.0\.1:\d+ answers: Kubernetes v1\.29\.2$",
    r"^PASS cluster-version: server v1\.29\.2, tools\.kubectl v1\.29\.0: within one minor$",
    r"^PASS cluster-namespace: namespace cert-manager exists \(Active\)$",
    r"^PASS cluster-namespace: namespace cattle-system exists \(Active\)$",
    r"^PASS cluster-cert-manager: deployment cert-manager/cert-manager: Available, 1/1 replicas ready$",
    r"^PASS cluster-cert-manager: deployment cert-manager/cert-manager-webhook: Available, 1/1 replicas ready$",
    r"^PASS cluster-cert-manager: deployment cert-manager/cert-manager-cainjector: Available, 1/1 replicas ready$",
    r"^PASS cluster-rancher: deployment cattle-system/rancher: Available, 3/3 replicas ready$",
    r"^PASS cluster-ingress: ingress cattle-system/rancher serves rancher\.example\.com$",
    r"^PASS cluster-hostaliases: deployment cattle-system/rancher: rancher\.example\.com -> 10\.0\.0\.100, exactly once$",
    r"^SKIP cluster-hostaliases: deployment cattle-system/cattle-cluster-agent: Rancher v2\.8\.3 does not deploy it in the local cluster \(none since v2\.5\); nothing to patch$",
    r"^SKIP cluster-hostaliases: daemonset cattle-system/cattle-node-agent: Rancher v2\.8\.3 does not deploy it in the local cluster \(none since v2\.5\); nothing to patch$",
    r"^SKIP cluster-ping: loadBalancer\.ports has no 443$",
    r"^SKIP cluster-coredns: hostAliases\.mode is patch: the entry is in the workloads' hostAliases$",
]

# name: server scenario, user kind, extra rhc args, exit status, stdout
# patterns (each must match a line), stderr patterns, kubeconfig variant
CASES = {
    "healthy": dict(rc=0, out=HEALTHY, absent=[r"^FAIL"]),
    "token-verbose": dict(server="healthy", user="token", args=["--verbose"], rc=0,
                          out=[r"^PASS kubeconfig: .* user 'tester' with a bearer token$", HEALTHY[8]],
                          err=[r"^> Authorization: <redacted>$", r"^= GET https://127\.0\.0\.1:\d+/version$",
                               r"^< HTTP/1\.0 200 OK$"]),
    "basic-auth": dict(server="healthy", user="basic", args=["--verbose", "--format", "json"], rc=0,
                       out=[r'"status": "PASS", "check": "cluster-rancher"', r"basic auth as 'admin'"],
                       err=[r"^> Authorization: <redacted>$"]),
    "rancher-unavailable": dict(rc=1, out=[
        r"^FAIL cluster-rancher: deployment cattle-system/rancher: expected Available with 3 ready replicas; "
        r"found Available=False \(MinimumReplicasUnavailable: Deployment does not have minimum availability\.\), 1 ready$"]),
    "alias-missing": dict(rc=1, out=[
        r"^FAIL cluster-hostaliases: deployment cattle-system/rancher: expected hostAliases rancher\.example\.com -> "
        r"10\.0\.0\.100; found none for rancher\.example\.com \(run patch\.sh\)$"]),
    "alias-wrong": dict(rc=1, out=[
        r"^FAIL cluster-hostaliases: deployment cattle-system/rancher: expected rancher\.example\.com -> 10\.0\.0\.100; "
        r"found rancher\.example\.com -> 10\.9\.9\.9$"]),
    "alias-stale": dict(rc=1, out=[
        r"^FAIL cluster-hostaliases: deployment cattle-system/rancher: expected only rancher\.example\.com -> 10\.0\.0\.100; "
        r"found stale rancher\.example\.com -> 192\.168\.1\.100 beside it"]),
    "ingress-host": dict(rc=1, out=[
        r"^FAIL cluster-ingress: ingress cattle-system/rancher: expected host rancher\.example\.com \(rancher\.hostname\); "
        r"found xxx\.rancher\.com, tls xxx\.rancher\.com$"]),
    "unauthorized": dict(server="healthy", user="wrong-token", rc=1, out=[
        r"^FAIL cluster-api: API: 401 Unauthorized: https://127\.0\.0\.1:\d+ rejected the credentials "
        r"\(user 'tester', a bearer token\): Unauthorized$",
        r"^SKIP cluster: the other cluster checks need the API to answer$"]),
    "forbidden": dict(user="token", server="forbidden", rc=1, out=[
        r"^PASS cluster-api:",
        r'^FAIL cluster-namespace: namespace cattle-system: 403 Forbidden: namespaces "cattle-system" is forbidden: '
        r'User "system:serviceaccount:cattle-system:rhc-verify" cannot get resource "namespaces" in API group "" at the cluster scope$',
        r'^FAIL cluster-rancher: deployment cattle-system/rancher: 403 Forbidden: deployments "rancher" is forbidden']),
    "not-found": dict(rc=1, out=[
        r"^FAIL cluster-rancher: deployment cattle-system/rancher: expected Available; not found$",
        r"^FAIL cluster-ingress: ingress cattle-system/rancher: expected host rancher\.example\.com; not found$"]),
    "bad-ca": dict(server="healthy", kubeconfig="bad-ca", rc=1, out=[
        r"^FAIL cluster-api: API: TLS with https://127\.0\.0\.1:\d+ failed: .*certificate.* \(is the kubeconfig's "
        r"certificate-authority the cluster's CA\?\)$"]),
    "unreachable": dict(server="healthy", kubeconfig="unreachable", rc=1, out=[
        r"^FAIL cluster-api: API: no answer from https://127\.0\.0\.1:\d+: .*[Cc]onnect"]),
    "exec-refused": dict(server="healthy", user="exec", rc=1, out=[
        r"^FAIL kubeconfig: \S+/kubeconfig: user 'tester' gets its credentials from the exec credential program "
        r"'\./cred\.sh'; rhc runs credential programs only with --allow-exec$"],
        absent=[r"^(PASS|FAIL) cluster-api"]),
    "exec-allowed": dict(server="healthy", user="exec", args=["--allow-exec", "--verbose"], rc=0, out=[
        r"^PASS kubeconfig: .*user 'tester' with a bearer token from the exec credential program '\./cred\.sh'$",
        HEALTHY[8]]),
    "truncated": dict(rc=1, out=[
        r"^FAIL cluster-rancher: deployment cattle-system/rancher: the answer to GET "
        r"/apis/apps/v1/namespaces/cattle-system/deployments/rancher was cut short: "]),
    "not-json": dict(rc=1, out=[
        r"^FAIL cluster-api: API: the answer to GET /version is not JSON \(1:1: .*\): is this a Kubernetes API server\?$"]),
    "wait": dict(args=["--wait", "30s"], rc=0, out=[HEALTHY[8], r"^PASS cluster-wait: ready after \d+ s \(\d rounds of checks\)$"],
                 err=[r"^rhc verify --cluster: not ready after \d+ s of 30 s: rancher 1/3 ready; next check in \d s$"]),
    "wait-timeout": dict(server="rancher-unavailable", args=["--wait", "2s"], rc=1, out=[
        r"^FAIL cluster-wait: still not ready after \d s \(--wait 2 s\): rancher 1/3 ready$"],
        err=[r"^rhc verify --cluster: not ready after"]),
    "wait-permanent": dict(server="ingress-host", args=["--wait", "1m"], rc=1, out=[
        r"^SKIP cluster-wait: stopped waiting after \d s: a failure above cannot go away by waiting$"]),
    "rancher-2.4": dict(rc=0, out=[
        r"^PASS cluster-hostaliases: deployment cattle-system/cattle-cluster-agent: rancher\.example\.com -> 10\.0\.0\.100, exactly once$",
        r"^PASS cluster-hostaliases: daemonset cattle-system/cattle-node-agent: rancher\.example\.com -> 10\.0\.0\.100, exactly once$"]),
    "version-skew": dict(rc=1, out=[
        r"^FAIL cluster-version: server v1\.31\.1, tools\.kubectl v1\.29\.0: expected within one minor; found 2 minors apart$"]),
    "kubeconfig-merge": dict(server="healthy", kubeconfig="merge", rc=0, out=[
        r"^PASS kubeconfig: \S+/a\.yaml: context 'standin': cluster 'standin' at https://127\.0\.0\.1:\d+, user 'tester' with a bearer token$",
        HEALTHY[8]]),
    "ping": dict(server="healthy", ping=True, rc=0, out=[
        r"^PASS cluster-ping: https://rancher\.example\.com/ping through 127\.\d+\.\d+\.\d+:443 answers pong$"]),
    # issue 12: what a server sends is never trusted into the report
    "echo-401-token": dict(server="echo-401", user="token", args=["--verbose"], rc=1, out=[
        r"^FAIL cluster-api: API: 401 Unauthorized: .*rejected Authorization: Bearer <redacted>"],
        err=[r"^< WWW-Authenticate: Bearer realm=\"k8s\", error=\"Bearer <redacted>\"$", r"^> Authorization: <redacted>$"]),
    "echo-403-token": dict(server="echo-403", user="token", args=["--verbose"], rc=1, out=[
        r"^FAIL cluster-api: API: 403 Forbidden: rejected Authorization: Bearer <redacted>"],
        err=[r"^< WWW-Authenticate: .*<redacted>"]),
    "echo-401-basic": dict(server="echo-401", user="basic", args=["--verbose"], rc=1, out=[
        r"^FAIL cluster-api: API: 401 Unauthorized: .*rejected Authorization: Basic <redacted>"]),
    "forged-lines": dict(user="token", rc=1, out=[
        r"^FAIL cluster-namespace: namespace cattle-system: 403 Forbidden: denied\\nPASS cluster-api: forged line\\r\\x1b\[2K\\x1b\[1A\\x07$"],
        absent=[r"^PASS cluster-api: forged", r"\x1b", r"\r"]),
    "namespace-terminating": dict(rc=1, out=[
        r"^FAIL cluster-namespace: namespace cattle-system: expected Active; found Terminating$"]),
    "coredns-rke2": dict(distro="rke2", rc=0, out=[
        r"^PASS cluster-coredns: %s: %s, exactly once$" % (CHC, ENTRY), SKIP_ALIASES,
        r"^PASS cluster-version: server v1\.34\.12, tools\.kubectl v1\.34\.0: within one minor$"],
        absent=[r"^FAIL"]),
    "coredns-k3s": dict(distro="k3s", rc=0, out=[
        r"^PASS cluster-coredns: %s: %s, exactly once$" % (CM, ENTRY), SKIP_ALIASES], absent=[r"^FAIL"]),
    # missing: an install in progress, so --wait waits for it
    "coredns-missing": dict(distro="rke2", args=["--wait", "2s"], rc=1, out=[
        r"^FAIL cluster-coredns: %s: expected the hosts entry %s; not found \(install\.sh places "
        r"manifests/coredns-hosts\.yaml on every server, which applies it\)$" % (CHC, ENTRY),
        r"^FAIL cluster-wait: still not ready after \d s \(--wait 2 s\): %s missing$" % CHC]),
    # another address: waiting cannot fix it
    "coredns-wrong": dict(distro="rke2", args=["--wait", "1m"], rc=1, out=[
        r"^FAIL cluster-coredns: %s: expected %s; found '10\.9\.9\.9 rancher\.example\.com'$" % (CHC, ENTRY),
        r"^SKIP cluster-wait: stopped waiting after \d s: a failure above cannot go away by waiting$"]),
    "namespace-no-phase": dict(rc=1, out=[
        r"^FAIL cluster-namespace: namespace cattle-system: expected Active; found no status\.phase$"],
        absent=[r"^PASS cluster-namespace"]),
}


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def skip(msg):
    print("SKIP: " + msg, file=sys.stderr)
    sys.exit(77)


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_certs(d):
    """A CA, a server certificate for 127.0.0.1, a client certificate, and an
    unrelated CA for the bad-CA case. EC keys: fast to make."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca in ("ca", "other-ca"):
        openssl("req", "-x509", *ec, "-keyout", f"{d}/{ca}.key", "-out", f"{d}/{ca}.crt", "-days", "2",
                "-subj", f"/CN=rhc-test-{ca}")
    leaves = {"server": ("/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:rancher.example.com\nextendedKeyUsage=serverAuth\n"),
              "client": ("/O=system:masters/CN=tester", "extendedKeyUsage=clientAuth\n")}
    for name, (subj, ext) in leaves.items():
        with open(f"{d}/{name}.ext", "w") as f:
            f.write(ext)
        openssl("req", *ec, "-keyout", f"{d}/{name}.key", "-out", f"{d}/{name}.csr", "-subj", subj)
        openssl("x509", "-req", "-in", f"{d}/{name}.csr", "-CA", f"{d}/ca.crt", "-CAkey", f"{d}/ca.key",
                "-CAcreateserial", "-out", f"{d}/{name}.crt", "-days", "2", "-extfile", f"{d}/{name}.ext")


def b64file(path):
    with open(path, "rb") as f:
        return base64.b64encode(f.read()).decode()


def user_yaml(kind, d):
    if kind == "cert":
        return ("    client-certificate-data: %s\n    client-key-data: %s\n"
                % (b64file(f"{d}/client.crt"), b64file(f"{d}/client.key")))
    if kind == "token":
        return "    token: %s\n" % TOKEN
    if kind == "wrong-token":
        return "    token: %s\n" % WRONG_TOKEN
    if kind == "basic":
        return "    username: admin\n    password: %s\n" % TOKEN
    if kind == "exec":
        with open(f"{d}/cred.sh", "w") as f:
            f.write('#!/bin/sh\n'
                    'case "$KUBERNETES_EXEC_INFO" in *\'"kind":"ExecCredential"\'*) ;; *) echo "no KUBERNETES_EXEC_INFO" >&2; exit 1;; esac\n'
                    '[ "$1" = --audience ] || { echo "args lost" >&2; exit 1; }\n'
                    'printf \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",'
                    '"status":{"token":"%s"}}\\n\' "$RHC_TEST_TOKEN"\n')
        os.chmod(f"{d}/cred.sh", 0o755)
        return ("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ./cred.sh\n"
                "      args: [--audience, rhc]\n      env:\n        - {name: RHC_TEST_TOKEN, value: %s}\n"
                "      interactiveMode: Never\n      provideClusterInfo: true\n" % TOKEN)
    raise SystemExit("unknown user kind " + kind)


def kubeconfig(d, server, user, ca_line):
    return ("apiVersion: v1\nkind: Config\ncurrent-context: standin\npreferences: {}\n"
            "clusters:\n- name: standin\n  cluster:\n    server: %s\n    %s\n"
            "contexts:\n- name: standin\n  context: {cluster: standin, user: tester, namespace: default}\n"
            "users:\n- name: tester\n  user:\n%s" % (server, ca_line, user))


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_kubeconfigs(d, case, port, env):
    """The kubeconfig of the case; returns the rhc arguments that select it."""
    server = "https://127.0.0.1:%d" % port
    variant = case.get("kubeconfig", "plain")
    user = user_yaml(case.get("user", "cert"), d)
    ca = "certificate-authority-data: " + b64file(f"{d}/ca.crt")
    if variant == "bad-ca":
        ca = "certificate-authority-data: " + b64file(f"{d}/other-ca.crt")
    if variant == "unreachable":
        server = "https://127.0.0.1:%d" % free_port()
    if variant == "merge":
        # the first file to define a name or current-context wins; relative
        # paths are read from the file's own directory
        os.mkdir(f"{d}/b")
        shutil.copy(f"{d}/ca.crt", f"{d}/b/ca.crt")
        with open(f"{d}/b/token.txt", "w") as f:
            f.write(TOKEN + "\n")
        with open(f"{d}/b/a.yaml", "w") as f:
            f.write(kubeconfig(d, server, "    tokenFile: token.txt\n", "certificate-authority: ca.crt"))
        with open(f"{d}/z.yaml", "w") as f:
            f.write(kubeconfig(d, "https://127.0.0.1:1", "    token: %s\n" % WRONG_TOKEN, ca)
                    .replace("current-context: standin", "current-context: elsewhere"))
        env["KUBECONFIG"] = "%s/missing.yaml::%s/b/a.yaml:%s/z.yaml" % (d, d, d)
        return []
    with open(f"{d}/kubeconfig", "w") as f:
        f.write(kubeconfig(d, server, user, ca))
    return ["--kubeconfig", f"{d}/kubeconfig"]


def secrets(d):
    out = [TOKEN, WRONG_TOKEN, b64file(f"{d}/client.key"), base64.b64encode(("admin:" + TOKEN).encode()).decode()]
    with open(f"{d}/client.key") as f:
        out += [l for l in f.read().splitlines() if l and not l.startswith("-----")]
    return out


def start_standin(d, scenario, ping):
    argv = [sys.executable, os.path.join(HERE, "standin.py"), d, scenario, TOKEN] + ([ping] if ping else [])
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=open(f"{d}/standin.log", "w"), text=True)
    line = p.stdout.readline()
    if not line.strip().isdigit():
        p.kill()
        with open(f"{d}/standin.log") as f:
            fail("stand-in server did not start: " + f.read()[-2000:])
    return p, int(line)


def check(name, case, proc):
    rc, out, err = proc.returncode, proc.stdout, proc.stderr
    problems = []
    if rc != case["rc"]:
        problems.append("exit %d, expected %d" % (rc, case["rc"]))
    for pat in case.get("out", []):
        if not re.search(pat, out, re.M):
            problems.append("no stdout line matches %r" % pat)
    for pat in case.get("err", []):
        if not re.search(pat, err, re.M):
            problems.append("no stderr line matches %r" % pat)
    for pat in case.get("absent", []):
        m = re.search(pat, out, re.M)
        if m:
            problems.append("unexpected line: %r" % out[m.start():out.find("\n", m.start())])
    return problems


def main():
    rhc, name = os.path.abspath(sys.argv[1]), sys.argv[2]
    case = CASES[name]
    if not shutil.which("openssl"):
        (fail if os.environ.get("CI") else skip)("openssl is not installed (Debian package: openssl)")
    ping = None
    if case.get("ping"):
        if os.geteuid() != 0:
            skip("serving the load balancer's port 443 needs root")
        ping = "127.%d.%d.%d" % tuple(os.urandom(3))
        ping = ping if not ping.endswith(".0") and not ping.endswith(".255") else "127.3.2.1"
    d = tempfile.mkdtemp(prefix="rhc-cluster-")
    server = None
    try:
        make_certs(d)
        lb, ports = (ping, "[80, 443]") if ping else ("10.0.0.100", "[80]")
        distro = case.get("distro")
        with open(f"{d}/spec.yml", "w") as f:
            if distro:
                f.write(SPEC_CURRENT % {"lb": lb, "ports": ports, "distro": distro, "release": RELEASES[distro]})
            else:
                f.write(SPEC % {"lb": lb, "ports": ports})
        b = subprocess.run([rhc, "build", f"{d}/spec.yml", "-o", f"{d}/out"], capture_output=True, text=True)
        if b.returncode:
            fail("rhc build: " + b.stderr)
        server, port = start_standin(d, case.get("server", name), ping)
        # bash alone on PATH: the static checks' real tools are SKIPs (each
        # scenario is about the cluster checks, and they cost seconds)
        os.mkdir(f"{d}/bin")
        for tool in ("bash", "sh"):
            os.symlink(shutil.which(tool), f"{d}/bin/{tool}")
        env = dict(os.environ, HOME=d, PATH=f"{d}/bin")
        env.pop("KUBECONFIG", None)
        args = write_kubeconfigs(d, case, port, env)
        argv = [rhc, "verify", f"{d}/out", "--cluster"] + args + case.get("args", [])
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
        problems = check(name, case, proc)
        for s in secrets(d):
            if s in proc.stdout or s in proc.stderr:
                problems.append("a secret appears in rhc's output: %s..." % s[:6])
        if problems or os.environ.get("RHC_SCENARIO_SHOW"):
            sys.stderr.write("$ %s\n--- stdout\n%s--- stderr\n%s" % (" ".join(argv), proc.stdout, proc.stderr[-6000:]))
        if problems:
            fail("; ".join(problems))
        print("ok: %s" % name)
    finally:
        if server:
            server.kill()
            server.wait()
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()

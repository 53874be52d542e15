#!/usr/bin/env python3
"""Kubeconfigs rhc must refuse, each with its exact reason on one
'FAIL kubeconfig:' line, before any request is made, and without printing a
secret. No server needed: the server URLs point nowhere.

Usage: kubeconfig_errors.py RHC [SHARD/SHARDS]   (e.g. 2/3: the second third of the cases)
"""
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SECRET = "c2VjcmV0LXRva2VuLXZhbHVl-QmFzZTY0"
SPEC = """apiVersion: rhc/v1
name: errors
tools: {kubectl: v1.29.0, helm: v3.14.0}
kubernetes: {distro: rke1}
nodes: [{name: node-1, address: 10.0.0.11}]
loadBalancer: {address: 10.0.0.100, ports: [80]}
rancher: {hostname: rancher.example.com}
"""


def config(cluster="    server: https://127.0.0.1:1\n", user="    token: %s\n" % SECRET,
           current="current-context: c\n", context="  context: {cluster: c, user: u}\n"):
    return ("apiVersion: v1\nkind: Config\n%sclusters:\n- name: c\n  cluster:\n%s"
            "contexts:\n- name: c\n%susers:\n- name: u\n  user:\n%s" % (current, cluster, context, user))


EXEC = ("    exec:\n      apiVersion: %s\n      command: %s\n      interactiveMode: Never\n%s")

# name: (kubeconfig text or None for no --kubeconfig, extra args, env, expected message regex)
CASES = [
    ("no-current-context", config(current=""), [], {}, r"\S+/kubeconfig sets no current-context: pass --context NAME"),
    ("unknown-context", config(), ["--context", "nope"], {}, r"context 'nope' is not in \S+/kubeconfig"),
    ("undefined-cluster", config(context="  context: {cluster: gone, user: u}\n"), [], {},
     r"context 'c' names cluster 'gone', which \S+/kubeconfig does not define"),
    ("undefined-user", config(context="  context: {cluster: c, user: nobody}\n"), [], {},
     r"context 'c' names user 'nobody', which \S+/kubeconfig does not define"),
    ("no-server", config(cluster="    insecure-skip-tls-verify: true\n"), [], {}, r"\S+/kubeconfig: cluster 'c' has no server"),
    ("not-http", config(cluster="    server: ftp://127.0.0.1\n"), [], {},
     r"cluster 'c': server 'ftp://127\.0\.0\.1' is not an http\(s\) URL"),
    ("userinfo-in-url", config(cluster="    server: https://admin:%s@127.0.0.1:6443\n" % SECRET), [], {},
     r"cluster 'c': the server URL carries credentials \(user@host\); put them in the user entry"),
    ("ca-twice", config(cluster="    server: https://x\n    certificate-authority: ca.crt\n    certificate-authority-data: QUJD\n"),
     [], {}, r"cluster 'c' sets both certificate-authority-data and certificate-authority; kubectl refuses that too"),
    ("insecure-with-ca", config(cluster="    server: https://x\n    insecure-skip-tls-verify: true\n    certificate-authority-data: QUJD\n"),
     [], {}, r"cluster 'c': a certificate authority together with insecure-skip-tls-verify is not allowed"),
    ("insecure-yes", config(cluster="    server: https://x\n    insecure-skip-tls-verify: yes\n"), [], {},
     r"cluster 'c': insecure-skip-tls-verify is 'yes', not true or false"),
    ("ca-file-missing", config(cluster="    server: https://x\n    certificate-authority: missing.crt\n"), [], {},
     r"cluster 'c': certificate-authority \S+/missing\.crt: No such file or directory"),
    ("key-not-base64", config(user="    client-certificate-data: QUJD\n    client-key-data: %s!\n" % SECRET), [], {},
     r"user 'u': client-key-data is not valid base64"),
    ("cert-without-key", config(user="    client-certificate-data: QUJD\n"), [], {},
     r"user 'u' has a client certificate without a client key"),
    ("token-and-basic", config(user="    token: %s\n    username: admin\n    password: %s\n" % (SECRET, SECRET)), [], {},
     r"user 'u' has more than one authentication method \(token and basic auth\); kubectl refuses that too"),
    ("token-file-missing", config(user="    tokenFile: secrets/token\n"), [], {},
     r"user 'u': tokenFile \S+/secrets/token: No such file or directory"),
    ("exec-and-provider", config(user=EXEC % ("client.authentication.k8s.io/v1", "cred", "")
                                 + "    auth-provider: {name: oidc}\n"), [], {},
     r"user 'u' has both exec and auth-provider; kubectl refuses that too"),
    ("auth-provider-refused", config(user="    auth-provider:\n      name: gcp\n      config: {access-token: %s}\n" % SECRET),
     [], {}, r"user 'u' gets its credentials from auth-provider 'gcp'; rhc runs credential programs only with --allow-exec"),
    ("exec-v1alpha1", config(user=EXEC % ("client.authentication.k8s.io/v1alpha1", "cred", "")), ["--allow-exec"], {},
     r"user 'u': exec apiVersion 'client\.authentication\.k8s\.io/v1alpha1' is not client\.authentication\.k8s\.io/v1 or "
     r"client\.authentication\.k8s\.io/v1beta1"),
    ("exec-interactive", config(user=(EXEC % ("client.authentication.k8s.io/v1", "cred", "")).replace("Never", "Always")),
     ["--allow-exec"], {}, r"user 'u': exec interactiveMode Always needs a terminal"),
    ("exec-not-found", config(user=EXEC % ("client.authentication.k8s.io/v1", "rhc-no-such-plugin",
                                           "      installHint: install rhc-no-such-plugin from your cloud's SDK\n")),
     ["--allow-exec"], {}, r"credential program 'rhc-no-such-plugin' for user 'u' cannot be run: install rhc-no-such-plugin from your cloud's SDK"),
    ("exec-exits", config(user=EXEC % ("client.authentication.k8s.io/v1", "./fail.sh", "")), ["--allow-exec"], {},
     r"credential program '\S+/fail\.sh' for user 'u' exited 3: the session expired; log in again"),
    ("exec-no-json", config(user=EXEC % ("client.authentication.k8s.io/v1", "./nojson.sh", "")), ["--allow-exec"], {},
     r"credential program '\./nojson\.sh' for user 'u' did not print JSON"),
    ("exec-wrong-kind", config(user=EXEC % ("client.authentication.k8s.io/v1", "./v1beta1.sh", "")), ["--allow-exec"], {},
     r"credential program '\./v1beta1\.sh' for user 'u' did not print an ExecCredential of client\.authentication\.k8s\.io/v1$"),
    ("yaml-syntax", "apiVersion: v1\nclusters: [\n", [], {}, r"\S+/kubeconfig:\d+:\d+: YAML syntax: "),
    ("no-home-config", None, [], {"KUBECONFIG": ""}, r"\S+/home/\.kube/config does not exist: pass --kubeconfig F or set KUBECONFIG"),
    ("kubeconfig-env-missing", None, [], {"KUBECONFIG": "/nonexistent/a:/nonexistent/b"},
     r"\$KUBECONFIG \(/nonexistent/a:/nonexistent/b\) names no kubeconfig file that exists"),
    # issue 12: every read bounded and typed, refused at once and by name
    ("kubeconfig-dev-zero", "@/dev/zero", [], {}, r"/dev/zero: cannot read the kubeconfig: is not a regular file \(a device\)"),
    ("kubeconfig-fifo", "@fifo", [], {}, r"\S+/fifo: cannot read the kubeconfig: is not a regular file \(a FIFO\)"),
    ("kubeconfig-sparse", "@sparse", [], {}, r"\S+/sparse: cannot read the kubeconfig: is 10737418240 bytes, more than the 4 MiB"),
    ("token-file-dev-zero", config(user="    tokenFile: /dev/zero\n"), [], {},
     r"user 'u': tokenFile /dev/zero: is not a regular file \(a device\)"),
    ("token-file-urandom", config(user="    tokenFile: /dev/urandom\n"), [], {},
     r"user 'u': tokenFile /dev/urandom: is not a regular file \(a device\)"),
    ("token-file-fifo", config(user="    tokenFile: fifo\n"), [], {}, r"user 'u': tokenFile \S+/fifo: is not a regular file \(a FIFO\)"),
    ("ca-dev-zero", config(cluster="    server: https://x\n    certificate-authority: /dev/zero\n"), [], {},
     r"cluster 'c': certificate-authority /dev/zero: is not a regular file \(a device\)"),
    ("ca-fifo", config(cluster="    server: https://x\n    certificate-authority: fifo\n"), [], {},
     r"cluster 'c': certificate-authority \S+/fifo: is not a regular file \(a FIFO\)"),
    ("cert-urandom", config(user="    client-certificate: /dev/urandom\n    client-key: /dev/zero\n"), [], {},
     r"user 'u': client-certificate /dev/urandom: is not a regular file \(a device\)"),
    ("key-fifo", config(user="    client-certificate-data: QUJD\n    client-key: fifo\n"), [], {},
     r"user 'u': client-key \S+/fifo: is not a regular file \(a FIFO\)"),
    ("token-map", config(user="    token: {value: %s}\n" % SECRET), [], {},
     r"\S+/kubeconfig:\d+:\d+: user 'u': token is a mapping, not a string; kubectl refuses that too"),
    ("token-list", config(user="    token: [%s]\n" % SECRET), [], {},
     r"\S+/kubeconfig:\d+:\d+: user 'u': token is a list, not a string; kubectl refuses that too"),
    ("duplicate-key", config(user="    token: %s\n    token: %s\n" % (SECRET, SECRET)), [], {},
     r"\S+/kubeconfig:\d+:\d+: duplicate key 'token'; kubectl refuses that too"),
]

PLUGINS = {
    "fail.sh": "#!/bin/sh\necho 'the session expired; log in again' >&2\nprintf '%s' \"$KUBERNETES_EXEC_INFO\" >/dev/null\nexit 3\n",
    "nojson.sh": "#!/bin/sh\necho 'token: %s'\n" % SECRET,
    "v1beta1.sh": ("#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
                   "\"status\":{\"token\":\"%s\"}}'\n" % SECRET),
}


def run_case(d, rhc, case):
    name, text, args, env_over, want = case
    # a PATH with bash alone: the static checks' real tools (shellcheck,
    # kubectl) are SKIPs, so each run costs a fraction of a second; the
    # kubeconfig is what is tested here
    env = dict(os.environ, HOME=f"{d}/home", PATH=f"{d}/bin")
    env.pop("KUBECONFIG", None)
    env.update(env_over)
    argv = [rhc, "verify", f"{d}/out", "--cluster"] + args
    if text is not None and text.startswith("@"):
        path = text[1:] if text.startswith("@/") else f"{d}/{text[1:]}"
        argv += ["--kubeconfig", path]
    elif text is not None:
        os.mkdir(f"{d}/{name}")
        with open(f"{d}/{name}/kubeconfig", "w") as f:
            f.write(text)
        for link in ("fail.sh", "nojson.sh", "v1beta1.sh", "fifo"):
            os.symlink(f"{d}/{link}", f"{d}/{name}/{link}")
        argv += ["--kubeconfig", f"{d}/{name}/kubeconfig"]
    started = time.monotonic()
    try:
        p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=30)
    except subprocess.TimeoutExpired:
        return "%s: rhc did not finish in 30 s" % name
    took = time.monotonic() - started
    lines = [l for l in p.stdout.splitlines() if l.startswith("FAIL kubeconfig: ")]
    problems = []
    if p.returncode != 1:
        problems.append("exit %d, expected 1" % p.returncode)
    if len(lines) != 1 or not re.search(want, lines[0]):
        problems.append("expected 'FAIL kubeconfig: %s'; got %r" % (want, lines))
    if SECRET in p.stdout or SECRET in p.stderr:
        problems.append("the secret appears in the output")
    if re.search(r"^\w+ cluster-", p.stdout, re.M):
        problems.append("cluster checks ran after a kubeconfig error")
    if problems:
        return "%s: %s" % (name, "; ".join(problems))
    print("ok: %s (%.1f s)" % (name, took), flush=True)
    return None


def main():
    rhc = os.path.abspath(sys.argv[1])
    cases = CASES
    if len(sys.argv) > 2:
        shard, shards = (int(x) for x in sys.argv[2].split("/"))
        cases = CASES[shard - 1::shards]
    d = tempfile.mkdtemp(prefix="rhc-kubeconfig-")
    try:
        with open(f"{d}/spec.yml", "w") as f:
            f.write(SPEC)
        b = subprocess.run([rhc, "build", f"{d}/spec.yml", "-o", f"{d}/out"], capture_output=True, text=True)
        if b.returncode:
            raise SystemExit("FAIL: rhc build: " + b.stderr)
        for name, text in PLUGINS.items():
            with open(f"{d}/{name}", "w") as f:
                f.write(text)
            os.chmod(f"{d}/{name}", 0o755)
        os.mkfifo(f"{d}/fifo")
        with open(f"{d}/sparse", "wb") as f:
            f.truncate(10 << 30)
        os.mkdir(f"{d}/home")
        os.mkdir(f"{d}/bin")
        for tool in ("bash", "sh"):
            os.symlink(shutil.which(tool), f"{d}/bin/{tool}")
        # each case its own rhc, several at a time: the static checks before
        # the kubeconfig are most of each run
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            failures = [r for r in pool.map(lambda c: run_case(d, rhc, c), cases) if r]
    finally:
        shutil.rmtree(d, ignore_errors=True)
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

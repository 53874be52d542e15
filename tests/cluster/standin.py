#!/usr/bin/env python3
"""A stand-in Kubernetes API server for `rhc verify --cluster` tests.

HTTPS on 127.0.0.1 (a free port, printed on stdout once listening), with a
server certificate from the test's CA. A request authenticates with a client
certificate from that CA, a bearer token or basic auth, as the real API
server allows; anything else gets the real 401 Status. The objects are shaped
like the real API's answers (apps/v1 Deployment and DaemonSet,
networking.k8s.io/v1 Ingress, core/v1 Namespace, /version).

Usage: standin.py CERTDIR SCENARIO TOKEN [PING_ADDRESS]
SCENARIO (see SCENARIOS) changes the cluster or the transport; PING_ADDRESS
also serves https://HOST/ping on PING_ADDRESS:443 (needs root).
"""
import base64
import json
import os
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = "rancher.example.com"
ALIAS_IP = "10.0.0.100"
STAMP = "2024-03-01T10:00:00Z"

# scenario -> what differs from a healthy install
SCENARIOS = {
    "healthy": {},
    "rancher-unavailable": {"rancher_ready": 1},
    "alias-missing": {"aliases": []},
    "alias-wrong": {"aliases": [{"ip": "10.9.9.9", "hostnames": [HOST]}]},
    "alias-stale": {"aliases": [{"ip": ALIAS_IP, "hostnames": [HOST]},
                                {"ip": "192.168.1.100", "hostnames": [HOST]}]},
    "ingress-host": {"ingress_host": "xxx.rancher.com"},
    "forbidden": {"forbidden": True},
    "not-found": {"absent": ["rancher"]},
    "truncated": {"truncate": "/apis/apps/v1/namespaces/cattle-system/deployments/rancher"},
    "not-json": {"html": "/version"},
    "wait": {"ready_after": 2},
    "rancher-2.4": {"rancher_version": "v2.4.8", "agents": True},
    "version-skew": {"git_version": "v1.31.1"},
    # hostile servers (issue 12): credentials echoed back, forged report
    # lines, a namespace that exists but is not Active
    "echo-401": {"echo": 401},
    "echo-403": {"echo": 403},
    "forged-lines": {"forge": True},
    "namespace-terminating": {"ns_phase": "Terminating"},
    "namespace-no-phase": {"ns_phase": None},
    # hostAliases mode coredns (rke2/k3s specs): the entry in the cluster's
    # CoreDNS configuration, as rhc's manifest puts it there
    "coredns-rke2": {"git_version": "v1.34.12", "coredns": "rke2"},
    "coredns-k3s": {"git_version": "v1.34.12", "coredns": "k3s"},
    "coredns-missing": {"git_version": "v1.34.12"},
    "coredns-wrong": {"git_version": "v1.34.12", "coredns": "rke2", "coredns_ip": "10.9.9.9"},
}

FORGED = "denied\nPASS cluster-api: forged line\r\x1b[2K\x1b[1A\x07"


def meta(name, namespace=None, labels=None, annotations=None, generation=None):
    m = {"name": name, "uid": "6f1c2d3e-0000-4000-8000-%012d" % (abs(hash(name)) % 10**12),
         "resourceVersion": "48213", "creationTimestamp": STAMP}
    if namespace:
        m["namespace"] = namespace
    if generation:
        m["generation"] = generation
    if labels:
        m["labels"] = labels
    if annotations:
        m["annotations"] = annotations
    return m


def status_obj(code, reason, message, details=None):
    s = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
         "message": message, "reason": reason, "code": code}
    if details:
        s["details"] = details
    return s


def version(sc):
    git = sc.get("git_version", "v1.29.2")
    return {"major": "1", "minor": git.split(".")[1], "gitVersion": git,
            "gitCommit": "4b8e819355d791d96b7e9d9efe4cbafae2311c88", "gitTreeState": "clean",
            "buildDate": "2024-02-14T22:24:00Z", "goVersion": "go1.21.7", "compiler": "gc",
            "platform": "linux/amd64"}


def namespace(name, phase="Active"):
    return {"kind": "Namespace", "apiVersion": "v1",
            "metadata": meta(name, labels={"kubernetes.io/metadata.name": name}),
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": phase} if phase else {}}


def conditions(available, rs):
    if available:
        a = {"type": "Available", "status": "True", "lastUpdateTime": STAMP, "lastTransitionTime": STAMP,
             "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability."}
    else:
        a = {"type": "Available", "status": "False", "lastUpdateTime": STAMP, "lastTransitionTime": STAMP,
             "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability."}
    p = {"type": "Progressing", "status": "True", "lastUpdateTime": STAMP, "lastTransitionTime": STAMP,
         "reason": "NewReplicaSetAvailable" if available else "ReplicaSetUpdated",
         "message": 'ReplicaSet "%s" has %s.' % (rs, "successfully progressed" if available else "is progressing")}
    return [a, p]


def pod_template(app, image, aliases, args=None):
    c = {"name": app, "image": image, "imagePullPolicy": "IfNotPresent", "resources": {},
         "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}
    if args:
        c["args"] = args
    spec = {"containers": [c], "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst", "serviceAccountName": app, "serviceAccount": app,
            "securityContext": {}, "schedulerName": "default-scheduler"}
    if aliases is not None and aliases:
        spec["hostAliases"] = aliases
    return {"metadata": {"creationTimestamp": None, "labels": {"app": app}}, "spec": spec}


def deployment(ns, name, image, replicas, ready, aliases=None, labels=None, args=None):
    st = {"observedGeneration": 2, "replicas": replicas, "updatedReplicas": replicas,
          "readyReplicas": ready, "availableReplicas": ready,
          "conditions": conditions(ready >= replicas, name + "-7d9c8f6b5d")}
    if ready < replicas:
        st["unavailableReplicas"] = replicas - ready
    if ready == 0:
        del st["readyReplicas"], st["availableReplicas"]
    return {"kind": "Deployment", "apiVersion": "apps/v1",
            "metadata": meta(name, ns, labels or {"app": name}, {"deployment.kubernetes.io/revision": "2"}, 2),
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": pod_template(name, image, aliases, args),
                     "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                     "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
            "status": st}


def daemonset(ns, name, image, aliases):
    return {"kind": "DaemonSet", "apiVersion": "apps/v1",
            "metadata": meta(name, ns, {"app": name}, {"deprecated.daemonset.template.generation": "2"}, 2),
            "spec": {"selector": {"matchLabels": {"app": name}}, "template": pod_template(name, image, aliases),
                     "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
                     "revisionHistoryLimit": 10},
            "status": {"currentNumberScheduled": 3, "numberMisscheduled": 0, "desiredNumberScheduled": 3,
                       "numberReady": 3, "observedGeneration": 2, "updatedNumberScheduled": 3,
                       "numberAvailable": 3}}


def ingress(host):
    return {"kind": "Ingress", "apiVersion": "networking.k8s.io/v1",
            "metadata": meta("rancher", "cattle-system", {"app": "rancher", "chart": "rancher-2.8.3"},
                             {"meta.helm.sh/release-name": "rancher", "meta.helm.sh/release-namespace": "cattle-system",
                              "nginx.ingress.kubernetes.io/proxy-connect-timeout": "30",
                              "nginx.ingress.kubernetes.io/proxy-read-timeout": "1800"}, 1),
            "spec": {"tls": [{"hosts": [host], "secretName": "tls-rancher-ingress"}],
                     "rules": [{"host": host, "http": {"paths": [{"path": "/", "pathType": "ImplementationSpecific",
                                                                  "backend": {"service": {"name": "rancher", "port": {"number": 80}}}}]}}]},
            "status": {"loadBalancer": {"ingress": [{"ip": "172.18.0.2"}]}}}


def coredns_rke2(ip):
    """The HelmChartConfig rke2's helm controller reads: the chart's servers
    list restated with a hosts plugin (as manifests/coredns-hosts.yaml)."""
    values = ("servers:\n- zones:\n  - zone: .\n    use_tcp: true\n  port: 53\n  plugins:\n"
              "  - name: errors\n  - name: health\n    configBlock: |-\n      lameduck 10s\n  - name: ready\n"
              "  - name: kubernetes\n    parameters: in-addr.arpa ip6.arpa\n    configBlock: |-\n"
              "      pods insecure\n      fallthrough in-addr.arpa ip6.arpa\n      ttl 30\n"
              "  - name: hosts\n    configBlock: |-\n      %s %s\n      fallthrough\n"
              "  - name: prometheus\n    parameters: 0.0.0.0:9153\n  - name: forward\n"
              "    parameters: . /etc/resolv.conf\n  - name: cache\n    parameters: 30\n  - name: loop\n"
              "  - name: reload\n  - name: loadbalance" % (ip, HOST))
    return {"kind": "HelmChartConfig", "apiVersion": "helm.cattle.io/v1",
            "metadata": meta("rke2-coredns", "kube-system", annotations={
                "objectset.rio.cattle.io/id": "deploy-rhc-coredns-hosts"}, generation=1),
            "spec": {"valuesContent": values}}


def coredns_k3s(ip):
    """K3s's coredns-custom ConfigMap with a HOSTNAME.server block."""
    block = "%s:53 {\n    errors\n    hosts {\n        %s %s\n    }\n}\n" % (HOST, ip, HOST)
    return {"kind": "ConfigMap", "apiVersion": "v1", "metadata": meta("coredns-custom", "kube-system"),
            "data": {HOST + ".server": block}}


class Cluster:
    def __init__(self, scenario):
        self.sc = SCENARIOS[scenario]
        self.rancher_gets = 0
        self.lock = threading.Lock()

    def objects(self, path):
        sc = self.sc
        good = [{"ip": ALIAS_IP, "hostnames": [HOST]}]
        aliases = sc.get("aliases", good)
        rv = sc.get("rancher_version", "v2.8.3")
        ready = sc.get("rancher_ready", 3)
        # "wait": Rancher becomes ready after a few looks at it
        if "ready_after" in sc and path.endswith("/deployments/rancher"):
            with self.lock:
                self.rancher_gets += 1
                ready = 3 if self.rancher_gets > sc["ready_after"] else 1
        chart = "rancher-" + rv[1:]
        objs = {
            "/version": version(sc),
            "/api/v1/namespaces/cattle-system": namespace("cattle-system", sc.get("ns_phase", "Active")),
            "/api/v1/namespaces/cert-manager": namespace("cert-manager", sc.get("ns_phase", "Active")),
            "/apis/networking.k8s.io/v1/namespaces/cattle-system/ingresses/rancher":
                ingress(sc.get("ingress_host", HOST)),
            "/apis/apps/v1/namespaces/cattle-system/deployments/rancher":
                deployment("cattle-system", "rancher", "rancher/rancher:" + rv, 3, ready, aliases,
                           {"app": "rancher", "chart": chart, "heritage": "Helm", "release": "rancher"},
                           ["--http-listen-port=80", "--https-listen-port=443", "--add-local=true"]),
        }
        for name in ("cert-manager", "cert-manager-webhook", "cert-manager-cainjector"):
            image = "quay.io/jetstack/%s:v1.14.4" % ("cert-manager-controller" if name == "cert-manager" else name)
            objs["/apis/apps/v1/namespaces/cert-manager/deployments/" + name] = deployment(
                "cert-manager", name, image, 1, 1)
        if sc.get("coredns") == "rke2":
            objs["/apis/helm.cattle.io/v1/namespaces/kube-system/helmchartconfigs/rke2-coredns"] = \
                coredns_rke2(sc.get("coredns_ip", ALIAS_IP))
        if sc.get("coredns") == "k3s":
            objs["/api/v1/namespaces/kube-system/configmaps/coredns-custom"] = coredns_k3s(sc.get("coredns_ip", ALIAS_IP))
        if sc.get("agents"):
            objs["/apis/apps/v1/namespaces/cattle-system/deployments/cattle-cluster-agent"] = deployment(
                "cattle-system", "cattle-cluster-agent", "rancher/rancher-agent:" + rv, 1, 1, aliases)
            objs["/apis/apps/v1/namespaces/cattle-system/daemonsets/cattle-node-agent"] = daemonset(
                "cattle-system", "cattle-node-agent", "rancher/rancher-agent:" + rv, aliases)
        for gone in sc.get("absent", []):
            for path in list(objs):
                if path.endswith("/" + gone) and ("/deployments/" in path or "/ingresses/" in path):
                    del objs[path]
        return objs


def not_found(path):
    parts = path.strip("/").split("/")
    name, resource = parts[-1], parts[-2]
    group = parts[1] if parts[0] == "apis" else ""
    kind = resource + ("." + group.split("/")[0] if group else "")
    if resource == "namespaces" and not group:
        kind = "namespaces"
    return status_obj(404, "NotFound", '%s "%s" not found' % (kind, name),
                      {"name": name, "group": group.split("/")[0], "kind": resource})


def forbidden(path, user):
    parts = path.strip("/").split("/")
    name, resource = parts[-1], parts[-2]
    group = parts[1] if parts[0] == "apis" else ""
    where = 'in the namespace "%s"' % parts[-3] if "namespaces" in parts[:-2] else "at the cluster scope"
    return status_obj(403, "Forbidden", '%s "%s" is forbidden: User "%s" cannot get resource "%s" in API group "%s" %s'
                      % (resource, name, user, resource, group.split("/")[0], where),
                      {"name": name, "kind": resource})


class Handler(BaseHTTPRequestHandler):
    server_version = "standin"
    sys_version = ""

    def log_message(self, fmt, *args):
        sys.stderr.write("standin: " + (fmt % args) + "\n")

    def send_json(self, code, obj, truncate=False, headers=()):
        body = json.dumps(obj).encode()
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # a connection that dies mid-answer: half the promised bytes
        self.wfile.write(body[:len(body) // 2] if truncate else body)
        if truncate:
            self.close_connection = True

    def user(self):
        """The authenticated user, or None (the API server's order:
        client certificate, then bearer token, then basic auth)."""
        cert = self.connection.getpeercert()
        if cert:
            for rdn in cert.get("subject", ()):
                for k, v in rdn:
                    if k == "commonName":
                        return v
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            tok = auth[7:]
            if tok == self.server.token:
                return "system:serviceaccount:cattle-system:rhc-verify"
            return None
        if auth.startswith("Basic "):
            try:
                u, _, p = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                return None
            return u if (u, p) == ("admin", self.server.token) else None
        return None

    def do_GET(self):
        cl = self.server.cluster
        sc = cl.sc
        user = self.user()
        if user is None:
            self.send_json(401, status_obj(401, "Unauthorized", "Unauthorized"))
            return
        path = self.path.split("?")[0]
        if sc.get("echo"):
            # a server (or a proxy) that repeats the credentials it was sent
            auth = self.headers.get("Authorization", "")
            code = sc["echo"]
            self.send_json(code, status_obj(code, "Unauthorized" if code == 401 else "Forbidden",
                                            "rejected Authorization: %s (from %s)" % (auth, user)),
                           headers=[("WWW-Authenticate", 'Bearer realm="k8s", error="%s"' % auth)])
            return
        if sc.get("forge") and path != "/version":
            self.send_json(403, status_obj(403, "Forbidden", FORGED))
            return
        if sc.get("html") == path:
            body = b"<html><head><title>Sign in</title></head><body>proxy login</body></html>\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if sc.get("forbidden") and path != "/version":
            self.send_json(403, forbidden(path, user))
            return
        objs = cl.objects(path)
        if path not in objs:
            self.send_json(404, not_found(path))
            return
        self.send_json(200, objs[path], truncate=sc.get("truncate") == path)


class Ping(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        body = b"pong" if self.path == "/ping" and self.headers.get("Host") == HOST else b"404 page not found"
        self.send_response(200 if body == b"pong" else 404)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def tls_context(certdir, client_ca):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(certdir, "server.crt"), os.path.join(certdir, "server.key"))
    if client_ca:
        ctx.load_verify_locations(os.path.join(certdir, "ca.crt"))
        ctx.verify_mode = ssl.CERT_OPTIONAL  # tokens and basic auth come without one
    return ctx


def main():
    certdir, scenario, token = sys.argv[1:4]
    ping = sys.argv[4] if len(sys.argv) > 4 else None
    # threads, and the TLS handshake in each request's thread: one stalled
    # client cannot hold up the others
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.cluster = Cluster(scenario)
    srv.token = token
    srv.socket = tls_context(certdir, True).wrap_socket(srv.socket, server_side=True,
                                                        do_handshake_on_connect=False)
    if ping:
        ps = ThreadingHTTPServer((ping, 443), Ping)
        ps.socket = tls_context(certdir, False).wrap_socket(ps.socket, server_side=True)
        threading.Thread(target=ps.serve_forever, daemon=True).start()
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Read rancher-cluster.yml (rke1), or every nodes/NODE/config.yaml and
manifests/*.yaml (rke2, k3s), with PyYAML's safe_load, a YAML 1.1 reader like
the one in RKE (RKE2 and K3s read YAML 1.2, which agrees on double-quoted
strings), and check that every value arrives with the spec's type and text: a
user `on` or a name `0755` must stay a string, never a boolean or an octal
number. The reference is spec.json, the resolved spec.

Usage: check_rke_yaml.py OUT_DIR
"""
import json
import os
import sys

import yaml


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def same(what, got, want):
    if type(got) is not type(want) or got != want:
        fail("%s: read %r (%s), spec has %r (%s)"
             % (what, got, type(got).__name__, want, type(want).__name__))


def is_server(node):
    return "controlplane" in node["roles"] or "etcd" in node["roles"]


def check_nodes(out, spec):
    """rke2/k3s: each node's config.yaml names it, joins through the LB
    unless it is the first server, and servers carry the LB in tls-san."""
    k8s = spec["kubernetes"]
    distro = k8s["distro"]
    lb = spec["loadBalancer"]["address"]
    host = "[%s]" % lb if ":" in lb else lb
    join = "https://%s:%d" % (host, 9345 if distro == "rke2" else 6443)
    first = next(n for n in spec["nodes"] if is_server(n))
    for want in spec["nodes"]:
        path = os.path.join(out, "nodes", want["name"], "config.yaml")
        with open(path) as f:
            got = yaml.safe_load(f)
        what = "nodes/%s/config.yaml" % want["name"]
        same(what + " node-name", got.get("node-name"), want["name"])
        same(what + " node-ip", got.get("node-ip"), want["internalAddress"] or want["address"])
        same(what + " token-file", got.get("token-file"), "/etc/rancher/%s/join-token" % distro)
        if want is first:
            if "server" in got:
                fail(what + ": the first server joins nothing")
        else:
            same(what + " server", got.get("server"), join)
        if is_server(want):
            san = got.get("tls-san") or []
            if lb not in san:
                fail(what + ": tls-san lacks the load balancer " + lb)
            for name in k8s["tlsSan"]:
                if name not in san:
                    fail(what + ": tls-san lacks " + name)
            if k8s["etcd"]["snapshot"]:
                if not isinstance(got.get("etcd-snapshot-retention"), int):
                    fail(what + ": etcd-snapshot-retention is not an integer")
            if distro == "k3s" and (want is first) != (got.get("cluster-init") is True):
                fail(what + ": cluster-init belongs on the first server only")
        elif "tls-san" in got:
            fail(what + ": an agent has tls-san")
    manifests = os.path.join(out, "manifests")
    for name in sorted(os.listdir(manifests)) if os.path.isdir(manifests) else []:
        with open(os.path.join(manifests, name)) as f:
            doc = yaml.safe_load(f)
        if doc["kind"] == "HelmChartConfig":
            inner = yaml.safe_load(doc["spec"]["valuesContent"])
            blocks = [p.get("configBlock", "") for p in inner["servers"][0]["plugins"] if p["name"] == "hosts"]
        else:
            blocks = list(doc["data"].values())
        entry = "%s %s" % (spec["hostAliases"]["ip"] or lb, spec["rancher"]["hostname"])
        if len(blocks) != 1 or entry not in blocks[0]:
            fail("manifests/%s: no hosts entry '%s'" % (name, entry))
    print("ok: %d nodes' config.yaml, every value typed as in the spec" % len(spec["nodes"]))


def main():
    out = sys.argv[1]
    with open(os.path.join(out, "spec.json")) as f:
        spec = json.load(f)
    if spec["kubernetes"]["distro"] != "rke1":
        check_nodes(out, spec)
        return
    with open(os.path.join(out, "rancher-cluster.yml")) as f:
        rke = yaml.safe_load(f)
    k8s = spec["kubernetes"]
    same("cluster_name", rke.get("cluster_name"), spec["name"])
    same("ssh_key_path", rke.get("ssh_key_path"), k8s["sshKeyPath"])
    if k8s["version"]:
        same("kubernetes_version", rke.get("kubernetes_version"), k8s["version"])
    elif "kubernetes_version" in rke:
        fail("kubernetes_version set though the spec leaves it to rke")
    nodes = rke.get("nodes") or []
    if len(nodes) != len(spec["nodes"]):
        fail("%d nodes, spec has %d" % (len(nodes), len(spec["nodes"])))
    for i, (got, want) in enumerate(zip(nodes, spec["nodes"])):
        same("nodes[%d].address" % i, got.get("address"), want["address"])
        same("nodes[%d].hostname_override" % i, got.get("hostname_override"), want["name"])
        same("nodes[%d].user" % i, got.get("user"), want["user"])
        same("nodes[%d].role" % i, got.get("role"), want["roles"])
        if want["internalAddress"]:
            same("nodes[%d].internal_address" % i, got.get("internal_address"), want["internalAddress"])
        elif "internal_address" in got:
            fail("nodes[%d].internal_address set though the spec has none" % i)
    etcd = rke["services"]["etcd"]
    for key in ("snapshot", "creation", "retention"):
        same("services.etcd." + key, etcd.get(key), k8s["etcd"][key])
    print("ok: %d nodes, every value typed as in the spec" % len(nodes))


if __name__ == "__main__":
    main()

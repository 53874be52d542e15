#!/usr/bin/env python3
"""Read rancher-cluster.yml with PyYAML's safe_load, a YAML 1.1 reader like
the one in RKE, and check that every value arrives with the spec's type and
text: a user `on` or a name `0755` must stay a string, never a boolean or an
octal number. The reference is spec.json, the resolved spec.

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


def main():
    out = sys.argv[1]
    with open(os.path.join(out, "spec.json")) as f:
        spec = json.load(f)
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

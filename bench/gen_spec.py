#!/usr/bin/env python3
"""Write a valid rhc spec with N nodes (deterministic) to stdout.

Usage: gen_spec.py N
Every third node is etcd+controlplane, the rest workers; addresses are unique
in 10.0.0.0/8. Distro rke1: one rancher-cluster.yml, not a directory per node.
"""
import sys


def main():
    n = int(sys.argv[1])
    # RKE1 (rancher-cluster.yml, which the peers render too), with a kubectl
    # one minor from the last rke's default Kubernetes
    out = ["apiVersion: rhc/v1", "name: bench", "tools:", "  kubectl: v1.32.2", "kubernetes:",
           "  distro: rke1", "nodes:"]
    for i in range(n):
        roles = "[etcd, controlplane]" if i % 3 == 0 and i < 9 else "[worker]"
        if n < 3:
            roles = "[etcd, controlplane, worker]"
        out.append("  - name: node-%d" % i)
        out.append("    address: 10.%d.%d.%d" % ((i >> 16) & 255, (i >> 8) & 255, i & 255))
        out.append("    user: rancher")
        out.append("    roles: %s" % roles)
    out += ["loadBalancer:", "  address: 192.168.0.1", "rancher:", "  hostname: rancher.example.com"]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Peer: render nginx.conf and rancher-cluster.yml from an rhc spec with
Jinja2, reading the spec with PyYAML's C loader (what an operator would
write instead of rhc). No validation; defaults from defaults.json.

Usage: render_jinja2.py SPEC OUTDIR RHC_VERSION
"""
import json
import os
import sys

import jinja2
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    spec_path, out_dir, version = sys.argv[1:4]
    with open(spec_path, "rb") as f:
        spec = yaml.load(f, Loader=yaml.CSafeLoader)
    with open(os.path.join(HERE, "defaults.json")) as f:
        d = json.load(f)
    k8s = {**d["kubernetes"], **(spec.get("kubernetes") or {})}
    k8s["etcd"] = {**d["kubernetes"]["etcd"], **(k8s.get("etcd") or {})}
    data = {
        "version": version,
        "name": spec["name"],
        "rancher": spec["rancher"],
        "k8s": k8s,
        "lb": {**d["loadBalancer"], **(spec.get("loadBalancer") or {})},
        "nodes": [{**d["node"], **n} for n in spec["nodes"]],
    }
    # nginx needs about 1 KiB of shared zone per upstream server.
    data["zone_size"] = "%dk" % (64 + sum("worker" in n["roles"] for n in data["nodes"]))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    # YAML double-quoted scalar: JSON string syntax is a subset of it.
    env.filters["dq"] = lambda s: json.dumps(s, ensure_ascii=False)
    os.makedirs(out_dir, exist_ok=True)
    for name in ("nginx.conf", "rancher-cluster.yml"):
        text = env.get_template(name + ".j2").render(data)
        with open(os.path.join(out_dir, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)


if __name__ == "__main__":
    main()

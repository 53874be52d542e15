#!/usr/bin/python3
"""The jsonnet peer's first step: jsonnet 0.18's std.parseYaml (Debian 12)
rejects plain scalars such as 10.0.0.1, so the spec goes through PyYAML's C
loader to JSON, as an operator's pipeline would do.

Usage: yaml2json.py SPEC OUT.json
"""
import json
import sys

import yaml

with open(sys.argv[1], "rb") as f:
    spec = yaml.load(f, Loader=yaml.CSafeLoader)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(spec, f, ensure_ascii=False)

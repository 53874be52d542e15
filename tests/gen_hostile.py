#!/usr/bin/env python3
"""Writes the hostile-input catalogue under testdata/errors/hostile-*/: one
spec per payload, the payload in EVERY string field at once, so each case
shows which fields refuse it (with the schema's words) and proves that none
lets it through to an artefact. Run it, then `rhc check` writes each
expected.txt (tests/diag.sh compares); review the diff before committing.

Usage: gen_hostile.py REPO_ROOT
"""
import json
import os
import sys

PAYLOADS = {
    # shell
    "sh-semicolon": "a;reboot",
    "sh-subst": "$(id)",
    "sh-backtick": "`id`",
    "sh-single-quote": "a'b",
    "sh-double-quote": 'a"b',
    "sh-newline": "a\nrm -rf /",
    "sh-leading-dash": "-rf",
    # nginx
    "nginx-braces": "a{b}c",
    "nginx-variable": "$remote_addr",
    # YAML
    "yaml-colon": "a: b",
    "yaml-dash": "- a",
    "yaml-hash": "a #b",
    "yaml-leading-space": "  a",
    "yaml-null": "null",
    "yaml-on": "on",
    "yaml-octal": "0755",
    # JSON
    "json-backslash": "a\\b",
    "json-control": "a\x01b\x7f",
    "long": "a" * 300,
}

FIELDS = """apiVersion: rhc/v1
name: {p}
tools: {{kubectl: {p}, rke: {p}, helm: {p}}}
kubernetes:
  version: {p}
  tokenEnv: {p}
  tlsSan: [{p}]
  sshKeyPath: {p}
  etcd: {{creation: {p}, retention: {p}}}
nodes:
  - {{name: {p}, address: {p}, internalAddress: {p}, user: {p}}}
loadBalancer:
  name: {p}
  address: {p}
  image: {p}
  container: {p}
  configPath: {p}
  failTimeout: {p}
  proxyConnectTimeout: {p}
  proxyTimeout: {p}
certManager: {{version: {p}}}
rancher:
  hostname: {p}
  chartVersion: {p}
  letsEncrypt: {{email: {p}}}
  bootstrapPasswordEnv: {p}
  ingressClass: {p}
  agentTLSMode: {p}
  rolloutTimeout: {p}
hostAliases: {{ip: {p}}}
registry: {{address: {p}, caFile: {p}}}
charts: {{dir: {p}, url: {p}}}
"""


def main():
    root = sys.argv[1]
    for slug, payload in PAYLOADS.items():
        d = os.path.join(root, "testdata", "errors", "hostile-" + slug)
        os.makedirs(d, exist_ok=True)
        # JSON string syntax is valid YAML double-quoted syntax: exact bytes.
        quoted = json.dumps(payload)
        with open(os.path.join(d, "spec.yml"), "w") as f:
            f.write("# payload %s in every string field\n" % quoted)
            f.write(FIELDS.format(p=quoted))


if __name__ == "__main__":
    main()

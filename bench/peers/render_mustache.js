#!/usr/bin/env node
// Peer: render nginx.conf and rancher-cluster.yml from an rhc spec with
// mustache.js, reading the spec with js-yaml (what an operator would write
// instead of rhc). Mustache is logic-less, so the view is prepared here:
// defaults from defaults.json, the worker list, and YAML double quoting
// (JSON string syntax is a subset of it). No validation.
//
// Usage: render_mustache.js SPEC OUTDIR RHC_VERSION
'use strict';
const fs = require('fs');
const path = require('path');
const Mustache = require('mustache');
const yaml = require('js-yaml');

const [specPath, outDir, version] = process.argv.slice(2);
const spec = yaml.load(fs.readFileSync(specPath, 'utf8'));
const d = JSON.parse(fs.readFileSync(path.join(__dirname, 'defaults.json'), 'utf8'));
const q = JSON.stringify;

Mustache.escape = (s) => String(s); // plain text, not HTML

const lb = { ...d.loadBalancer, ...(spec.loadBalancer || {}) };
const k8s = { ...d.kubernetes, ...(spec.kubernetes || {}) };
const etcd = { ...d.kubernetes.etcd, ...(k8s.etcd || {}) };
const nodes = spec.nodes.map((n) => ({ ...d.node, ...n }));
const workers = nodes
  .filter((n) => n.roles.includes('worker'))
  .map((n) => ({ host: n.address.includes(':') ? `[${n.address}]` : n.address }));

const nginxView = {
  version,
  rancher: spec.rancher,
  lb,
  workers,
  zoneSize: `${64 + workers.length}k`, // nginx needs about 1 KiB of shared zone per server
  upstreams: lb.ports.map((port, i) => ({
    port,
    last: i === lb.ports.length - 1,
    leastConn: lb.balance === 'least_conn',
    hash: lb.balance === 'hash',
  })),
};
const rkeView = {
  version,
  name: q(spec.name),
  k8s: {
    sshKeyPath: q(k8s.sshKeyPath),
    version: k8s.version ? q(k8s.version) : '',
    etcd: { snapshot: String(etcd.snapshot), creation: q(etcd.creation), retention: q(etcd.retention) },
  },
  nodes: nodes.map((n) => ({
    address: q(n.address),
    internalAddress: n.internalAddress ? q(n.internalAddress) : '',
    name: q(n.name),
    user: q(n.user),
    roles: n.roles.map(q),
  })),
};

fs.mkdirSync(outDir, { recursive: true });
for (const [name, view] of [['nginx.conf', nginxView], ['rancher-cluster.yml', rkeView]]) {
  const template = fs.readFileSync(path.join(__dirname, `${name}.mustache`), 'utf8');
  fs.writeFileSync(path.join(outDir, name), Mustache.render(template, view));
}

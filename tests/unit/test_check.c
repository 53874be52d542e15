/* compile_check: the schema (types, defaults, enums, patterns) and the rules
 * (uniqueness, roles, versions) on small inline specs, every diagnostic
 * compared whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../test_helpers.h"

#include "arena.h"
#include "buf.h"
#include "compile.h"
#include "diag.h"
#include "load.h"
#include "val.h"

/* The smallest valid spec; rows append to it from line 10 on. */
#define BASE                                                                                      \
	"apiVersion: rhc/v1\n"                                                                    \
	"name: rancher\n"                                                                         \
	"nodes:\n"                                                                                \
	"  - name: server-01\n"                                                                   \
	"    address: 192.168.1.11\n"                                                             \
	"loadBalancer:\n"                                                                         \
	"  address: 192.168.1.100\n"                                                              \
	"rancher:\n"                                                                              \
	"  hostname: rancher.example.com\n"

/* Head of a spec whose nodes, loadBalancer or rancher a row writes itself. */
#define HEAD                                                                                      \
	"apiVersion: rhc/v1\n"                                                                    \
	"name: rancher\n"

struct result {
	struct arena a;
	struct val *spec;
	char *diags;
	size_t errors;
	size_t warnings;
};

static void check(struct result *r, const char *yaml, size_t len)
{
	struct diags d = {0};
	memset(r, 0, sizeof(*r));
	r->spec = compile_check(&r->a, "spec.yml", yaml, len, &d);
	diags_sort(&d); /* top to bottom, as rhc check prints them */
	r->diags = diags_text(&d);
	r->errors = d.errors;
	r->warnings = d.warnings;
	diags_free(&d);
	/* a spec comes back exactly when there are no errors */
	assert_int_equal(r->spec != NULL, r->errors == 0);
}

static void release(struct result *r)
{
	free(r->diags);
	arena_free(&r->a);
}

static void expect_list(const struct val *l, const char *const *strs, const long long *ints,
			size_t n)
{
	assert_non_null(l);
	assert_int_equal(l->kind, VAL_LIST);
	assert_int_equal(l->count, n);
	size_t i = 0;
	for (const struct val *v = l->first; v; v = v->next, i++) {
		if (strs) {
			assert_int_equal(v->kind, VAL_STR);
			assert_string_equal(v->s, strs[i]);
		} else {
			assert_int_equal(v->kind, VAL_INT);
			assert_int_equal(v->i, ints[i]);
		}
	}
}

/* Paths of the resolved spec and their values: every default filled in. */
struct expect {
	const char *path;
	enum val_kind kind;
	const char *s;
	long long i;
};

static void expect_values(const struct val *spec, const struct expect *rows, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const struct val *v = val_path(spec, rows[k].path);
		if (!v)
			fail_msg("%s is missing", rows[k].path);
		if (v->kind != rows[k].kind)
			fail_msg("%s has kind %d, expected %d", rows[k].path, v->kind, rows[k].kind);
		switch (rows[k].kind) {
		case VAL_STR:
			assert_string_equal(val_path_str(spec, rows[k].path), rows[k].s);
			assert_int_equal(v->len, strlen(rows[k].s));
			break;
		case VAL_INT:
			if (val_path_int(spec, rows[k].path) != rows[k].i)
				fail_msg("%s is %lld, expected %lld", rows[k].path, v->i, rows[k].i);
			break;
		case VAL_BOOL:
			if (val_path_bool(spec, rows[k].path) != (bool)rows[k].i)
				fail_msg("%s is %d", rows[k].path, v->b);
			break;
		default:
			break;
		}
	}
}

static void test_minimal_spec(void **state)
{
	(void)state;
	static const char yaml[] = BASE;
	struct result r;
	check(&r, yaml, sizeof(yaml) - 1);
	assert_string_equal(r.diags, "");
	assert_non_null(r.spec);
	static const struct expect rows[] = {
		{"apiVersion", VAL_STR, "rhc/v1", 0},
		{"name", VAL_STR, "rancher", 0},
		{"tools.os", VAL_STR, "linux", 0},
		{"tools.arch", VAL_STR, "amd64", 0},
		{"tools.kubectl", VAL_STR, "v1.34.12", 0},
		{"tools.rke", VAL_STR, "v1.8.14", 0},
		{"tools.helm", VAL_STR, "v3.22.0", 0},
		{"kubernetes.distro", VAL_STR, "rke2", 0},
		{"kubernetes.version", VAL_STR, "", 0},
		{"kubernetes.sshKeyPath", VAL_STR, "~/.ssh/id_rsa", 0},
		{"kubernetes.etcd.snapshot", VAL_BOOL, NULL, 1},
		{"kubernetes.etcd.creation", VAL_STR, "6h", 0},
		{"kubernetes.etcd.retention", VAL_STR, "24h", 0},
		{"loadBalancer.name", VAL_STR, "loadbalance", 0},
		{"loadBalancer.address", VAL_STR, "192.168.1.100", 0},
		{"loadBalancer.image", VAL_STR, "nginx:1.30.3", 0},
		{"loadBalancer.container", VAL_STR, "lb-nginx", 0},
		{"loadBalancer.configPath", VAL_STR, "/etc/nginx-lb/nginx.conf", 0},
		{"loadBalancer.balance", VAL_STR, "least_conn", 0},
		{"loadBalancer.maxFails", VAL_INT, NULL, 3},
		{"loadBalancer.failTimeout", VAL_STR, "5s", 0},
		{"loadBalancer.workerProcesses", VAL_INT, NULL, 4},
		{"loadBalancer.workerConnections", VAL_INT, NULL, 8192},
		{"loadBalancer.workerRlimitNofile", VAL_INT, NULL, 40000},
		{"loadBalancer.zone", VAL_BOOL, NULL, 1},
		{"loadBalancer.proxyConnectTimeout", VAL_STR, "5s", 0},
		{"loadBalancer.proxyTimeout", VAL_STR, "10m", 0},
		{"certManager.version", VAL_STR, "v1.21.1", 0},
		{"rancher.hostname", VAL_STR, "rancher.example.com", 0},
		{"rancher.repo", VAL_STR, "latest", 0},
		{"rancher.chartVersion", VAL_STR, "", 0},
		{"rancher.replicas", VAL_INT, NULL, 3},
		{"rancher.tls", VAL_STR, "rancher", 0},
		{"rancher.letsEncrypt.email", VAL_STR, "", 0},
		{"rancher.letsEncrypt.environment", VAL_STR, "production", 0},
		{"rancher.bootstrapPasswordEnv", VAL_STR, "", 0},
		{"rancher.ingressClass", VAL_STR, "", 0},
		{"rancher.agentTLSMode", VAL_STR, "", 0},
		{"rancher.rolloutTimeout", VAL_STR, "10m", 0},
		{"hostAliases.enabled", VAL_BOOL, NULL, 1},
		{"hostAliases.ip", VAL_STR, "", 0},
		{"registry.address", VAL_STR, "", 0},
		{"registry.caFile", VAL_STR, "", 0},
		{"registry.airgapped", VAL_STR, "default", 0},
		{"registry.installMirror", VAL_STR, "", 0},
		{"charts.source", VAL_STR, "repo", 0},
		{"charts.dir", VAL_STR, "./charts", 0},
		{"charts.url", VAL_STR, "", 0},
	};
	expect_values(r.spec, rows, NROWS(rows));

	static const long long ports[] = {80, 443};
	expect_list(val_path(r.spec, "loadBalancer.ports"), NULL, ports, 2);
	/* empty: the workloads of the chart line (lower.c) */
	expect_list(val_path(r.spec, "hostAliases.workloads"), NULL, NULL, 0);

	const struct val *nodes = val_get(r.spec, "nodes");
	assert_non_null(nodes);
	assert_int_equal(nodes->count, 1);
	static const struct expect node[] = {
		{"name", VAL_STR, "server-01", 0},
		{"address", VAL_STR, "192.168.1.11", 0},
		{"internalAddress", VAL_STR, "", 0},
		{"user", VAL_STR, "rancher", 0},
	};
	expect_values(nodes->first, node, NROWS(node));
	static const char *const roles[] = {"controlplane", "worker", "etcd"};
	expect_list(val_get(nodes->first, "roles"), roles, NULL, 3);

	/* members in schema order; written values keep their spot, defaults have none */
	static const char *const keys[] = {"apiVersion", "name", "tools", "kubernetes", "nodes",
					   "loadBalancer", "certManager", "rancher", "hostAliases", "registry",
					   "charts"};
	size_t i = 0;
	for (const struct val *v = r.spec->first; v; v = v->next, i++) {
		assert_true(i < NROWS(keys));
		assert_string_equal(v->key, keys[i]);
	}
	assert_int_equal(i, NROWS(keys));
	const struct val *name = val_get(r.spec, "name");
	assert_int_equal(name->line, 2);
	assert_int_equal(name->col, 7);
	const struct val *address = val_path(r.spec, "loadBalancer.address");
	assert_int_equal(address->line, 7);
	assert_int_equal(address->col, 12);
	assert_int_equal(val_path(r.spec, "tools.helm")->line, 0);
	assert_int_equal(val_path(r.spec, "loadBalancer.ports")->line, 0);
	release(&r);
}

/* Values are typed by the schema, never by YAML 1.1 guessing. */
static void test_plain_words_stay_strings(void **state)
{
	(void)state;
	static const char yaml[] = "apiVersion: rhc/v1\n"
				   "name: 0755\n"
				   "tools:\n"
				   "kubernetes: ~\n"
				   "nodes:\n"
				   "  - name: 0755\n"
				   "    address: 192.168.1.11\n"
				   "    user: on\n"
				   "    roles: [etcd, worker, controlplane]\n"
				   "  - name: no\n"
				   "    address: 192.168.1.12\n"
				   "    user: \"off\"\n"
				   "    internalAddress:\n"
				   "loadBalancer:\n"
				   "  address: 192.168.1.100\n"
				   "  name: off\n"
				   "  failTimeout: 10s\n"
				   "rancher:\n"
				   "  hostname: rancher.example.com\n"
				   "  chartVersion: 2.14.4\n"
				   "  letsEncrypt:\n"
				   "    email: ''\n"
				   "hostAliases:\n"
				   "  workloads: []\n";
	struct result r;
	check(&r, yaml, sizeof(yaml) - 1);
	assert_string_equal(r.diags, "spec.yml:6:3: warning: nodes: 2 etcd nodes: an even count "
				     "tolerates no more failures than 1; use an odd number\n");
	assert_non_null(r.spec);
	static const struct expect rows[] = {
		{"name", VAL_STR, "0755", 0},
		{"tools.helm", VAL_STR, "v3.22.0", 0}, /* a null section takes the defaults */
		{"kubernetes.distro", VAL_STR, "rke2", 0},
		{"loadBalancer.name", VAL_STR, "off", 0},
		{"loadBalancer.failTimeout", VAL_STR, "10s", 0},
		{"rancher.chartVersion", VAL_STR, "2.14.4", 0},
		{"rancher.letsEncrypt.email", VAL_STR, "", 0},
	};
	expect_values(r.spec, rows, NROWS(rows));
	const struct val *nodes = val_get(r.spec, "nodes");
	static const struct expect first[] = {
		{"name", VAL_STR, "0755", 0},
		{"user", VAL_STR, "on", 0},
	};
	expect_values(nodes->first, first, NROWS(first));
	static const char *const roles[] = {"etcd", "worker", "controlplane"};
	expect_list(val_get(nodes->first, "roles"), roles, NULL, 3);
	static const struct expect second[] = {
		{"name", VAL_STR, "no", 0},
		{"user", VAL_STR, "off", 0},
		{"internalAddress", VAL_STR, "", 0},
	};
	expect_values(nodes->last, second, NROWS(second));
	expect_list(val_path(r.spec, "hostAliases.workloads"), NULL, NULL, 0);
	release(&r);
}

struct row {
	const char *yaml;
	size_t len;
	const char *diags;
};
#define ROW(yaml, diags) {yaml, sizeof(yaml) - 1, diags}

/* Every row runs; each mismatch is printed, then the test fails once. */
static void run_rows(const struct row *rows, size_t n, bool valid)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		struct result r;
		check(&r, rows[i].yaml, rows[i].len);
		if ((r.spec != NULL) != valid) {
			print_error("row %zu: spec %s\n", i, r.spec ? "accepted" : "refused");
			bad++;
		}
		if (strcmp(r.diags, rows[i].diags)) {
			print_error("row %zu:\n--- expected\n%s--- got\n%s", i, rows[i].diags, r.diags);
			bad++;
		}
		release(&r);
	}
	if (bad)
		fail_msg("%zu of %zu rows differ", bad, n);
}

static void test_unknown_and_duplicate_keys(void **state)
{
	(void)state;
	static const struct row rows[] = {
		ROW(BASE "tools:\n  heml: v3.0.0\n  prot: 1\nloadBalancer2: {}\n",
		    "spec.yml:11:3: error: tools.heml: unknown key; did you mean 'helm'?\n"
		    "spec.yml:12:3: error: tools.prot: unknown key\n"
		    "spec.yml:13:1: error: loadBalancer2: unknown key; did you mean 'loadBalancer'?\n"),
		ROW(HEAD "nodes:\n  - name: a\n    adress: 10.0.0.1\nloadBalancer:\n  address: 10.0.0.2\n"
			 "  prot: [80]\nrancher:\n  hostName: rancher.example.com\n",
		    "spec.yml:4:5: error: nodes[0]: missing required key 'address'\n"
		    "spec.yml:5:5: error: nodes[0].adress: unknown key; did you mean 'address'?\n"
		    "spec.yml:8:3: error: loadBalancer.prot: unknown key; did you mean 'ports'?\n"
		    "spec.yml:10:3: error: rancher.hostName: unknown key; did you mean 'hostname'?\n"
		    "spec.yml:10:3: error: rancher: missing required key 'hostname'\n"),
		ROW(BASE "name: other\n", "spec.yml:10:1: error: name: duplicate key (first at line 2)\n"
					 "spec.yml:2:1: note: name: first here\n"),
		ROW(BASE "tools:\n  os: linux\n  os: darwin\n",
		    "spec.yml:12:3: error: tools.os: duplicate key (first at line 11)\n"
		    "spec.yml:11:3: note: tools.os: first here\n"),
	};
	run_rows(rows, NROWS(rows), false);
}

static void test_wrong_types(void **state)
{
	(void)state;
	static const struct row rows[] = {
		ROW(BASE "hostAliases:\n  enabled: yes\n",
		    "spec.yml:11:12: error: hostAliases.enabled: expected true or false, got 'yes' "
		    "(YAML 1.1 booleans are not read as booleans)\n"),
		ROW(BASE "hostAliases:\n  enabled: \"true\"\n",
		    "spec.yml:11:12: error: hostAliases.enabled: expected true or false, got 'true'\n"),
		ROW(BASE "hostAliases:\n  enabled: 1\n",
		    "spec.yml:11:12: error: hostAliases.enabled: expected true or false, got '1'\n"),
		ROW(HEAD "nodes: [{name: a, address: 10.0.0.1}]\nloadBalancer: {address: 10.0.0.2}\n"
			 "rancher:\n  hostname: rancher.example.com\n  replicas: three\n",
		    "spec.yml:7:13: error: rancher.replicas: expected an integer, got 'three'\n"),
		ROW(HEAD "nodes: [{name: a, address: 10.0.0.1}]\nloadBalancer:\n  address: 10.0.0.2\n"
			 "  maxFails: \"3\"\n  workerProcesses: many\n  ports: 80\n  image: {a: 1}\n"
			 "rancher: {hostname: rancher.example.com}\ntools: [linux]\n",
		    "spec.yml:6:13: error: loadBalancer.maxFails: expected an integer, got the quoted string '3'\n"
		    "spec.yml:7:20: error: loadBalancer.workerProcesses: expected an integer, got 'many'\n"
		    "spec.yml:8:10: error: loadBalancer.ports: expected a sequence, got '80'\n"
		    "spec.yml:9:10: error: loadBalancer.image: expected a string, got a mapping\n"
		    "spec.yml:11:8: error: tools: expected a mapping, got a sequence\n"),
		ROW(BASE "certManager: v0.11.0\n",
		    "spec.yml:10:14: error: certManager: expected a mapping, got 'v0.11.0'\n"),
		ROW(BASE "kubernetes:\n  etcd:\n    snapshot: off\n",
		    "spec.yml:12:15: error: kubernetes.etcd.snapshot: expected true or false, got 'off' "
		    "(YAML 1.1 booleans are not read as booleans)\n"),
	};
	run_rows(rows, NROWS(rows), false);
}

static void test_values_out_of_bounds(void **state)
{
	(void)state;
	static const struct row rows[] = {
		/* pattern, with the schema's own words */
		ROW("apiVersion: rhc/v1\nname: Server_01\nnodes: [{name: a, address: 10.0.0.1}]\n"
		    "loadBalancer: {address: 10.0.0.2}\nrancher: {hostname: rancher.example.com}\n",
		    "spec.yml:2:7: error: name: 'Server_01' is not an RFC 1123 label (lower-case letters, "
		    "digits and '-', at most 63, starting and ending with a letter or digit)\n"),
		/* quotes and backslashes in a shown value are escaped */
		ROW(BASE "kubernetes: {sshKeyPath: \"a'b\\\\c\"}\n",
		    "spec.yml:10:26: error: kubernetes.sshKeyPath: 'a\\x27b\\x5cc' is not a path of letters, "
		    "digits, '.', '_', '-' and '/' (optionally starting with ~/)\n"),
		ROW(HEAD "nodes: [{name: a, address: 10.0.0.1}]\nloadBalancer: {address: 10.0.0.2}\n"
			 "rancher: {hostname: Rancher.Example.com}\n",
		    "spec.yml:5:21: error: rancher.hostname: 'Rancher.Example.com' is not a fully qualified "
		    "RFC 1123 host name in lower case, such as rancher.example.com\n"),
		/* too long: the length is checked before the pattern */
		ROW(HEAD "nodes: [{name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, "
			 "address: 10.0.0.1}]\nloadBalancer: {address: 10.0.0.2}\n"
			 "rancher: {hostname: rancher.example.com}\n",
		    "spec.yml:3:16: error: nodes[0].name: is 64 characters long; at most 63 are allowed\n"),
		/* enum, with and without a hint */
		ROW(BASE "tools: {arch: amd46, os: windows}\n",
		    "spec.yml:10:15: error: tools.arch: 'amd46' is not one of: amd64, arm64; did you mean 'amd64'?\n"
		    "spec.yml:10:26: error: tools.os: 'windows' is not one of: linux, darwin\n"),
		ROW(BASE "hostAliases: {workloads: [rancher, cattle-node-agnet]}\n",
		    "spec.yml:10:36: error: hostAliases.workloads[1]: 'cattle-node-agnet' is not one of: "
		    "rancher, cattle-cluster-agent, cattle-node-agent; did you mean 'cattle-node-agent'?\n"),
		/* integers: range, leading zeros */
		ROW(HEAD "nodes: [{name: a, address: 10.0.0.1}]\nrancher: {hostname: rancher.example.com, "
			 "replicas: 0}\nloadBalancer:\n  address: 10.0.0.2\n  workerConnections: 0100\n"
			 "  ports: [80, 80, 70000, -1, 1.5]\n  maxFails: 1001\n"
			 "  workerRlimitNofile: 99999999999999999999999\n",
		    "spec.yml:4:52: error: rancher.replicas: '0' is out of range (1 to 100)\n"
		    "spec.yml:7:22: error: loadBalancer.workerConnections: '0100': write integers in decimal "
		    "without leading zeros\n"
		    "spec.yml:8:15: error: loadBalancer.ports[1]: duplicate item '80' (also at line 8)\n"
		    "spec.yml:8:11: note: loadBalancer.ports[0]: first here\n"
		    "spec.yml:8:19: error: loadBalancer.ports[2]: '70000' is out of range (1 to 65535)\n"
		    "spec.yml:8:26: error: loadBalancer.ports[3]: '-1' is out of range (1 to 65535)\n"
		    "spec.yml:8:30: error: loadBalancer.ports[4]: expected an integer, got '1.5'\n"
		    "spec.yml:9:13: error: loadBalancer.maxFails: '1001' is out of range (0 to 1000)\n"
		    "spec.yml:10:23: error: loadBalancer.workerRlimitNofile: '99999999999999999999999' is out "
		    "of range (1 to 1048576)\n"),
		/* addresses */
		ROW(HEAD "nodes: [{name: a, address: 300.1.1.1, internalAddress: 'fe80::1%eth0'}]\n"
			 "loadBalancer: {address: rancher.example.com}\n"
			 "rancher: {hostname: rancher.example.com}\n",
		    "spec.yml:3:28: error: nodes[0].address: '300.1.1.1' is not an IPv4 or IPv6 address\n"
		    "spec.yml:3:56: error: nodes[0].internalAddress: 'fe80::1%eth0' is not an IPv4 or IPv6 "
		    "address, or empty\n"
		    "spec.yml:4:25: error: loadBalancer.address: 'rancher.example.com' is not an IPv4 or IPv6 "
		    "address\n"),
		/* sequences: item counts and duplicates */
		ROW(HEAD "nodes: []\nloadBalancer: {address: 10.0.0.2}\nrancher: {hostname: rancher.example.com}\n",
		    "spec.yml:3:8: error: nodes: needs at least 1 item\n"),
		ROW(HEAD "nodes:\n  - name: a\n    address: 10.0.0.1\n    roles: [etcd, worker, etcd]\n"
			 "  - name: b\n    address: 10.0.0.2\n    roles: [etcd, worker, controlplane, etcd]\n"
			 "loadBalancer: {address: 10.0.0.3}\nrancher: {hostname: rancher.example.com}\n",
		    "spec.yml:6:27: error: nodes[0].roles[2]: duplicate item 'etcd' (also at line 6)\n"
		    "spec.yml:6:13: note: nodes[0].roles[0]: first here\n"
		    "spec.yml:9:12: error: nodes[1].roles: has 4 items; at most 3 are allowed\n"),
	};
	run_rows(rows, NROWS(rows), false);
}

static void test_missing_values(void **state)
{
	(void)state;
	static const struct row rows[] = {
		ROW(HEAD, "spec.yml:1:1: error: missing required key 'nodes'\n"
			  "spec.yml:1:1: error: missing required key 'loadBalancer'\n"
			  "spec.yml:1:1: error: missing required key 'rancher'\n"),
		ROW(HEAD "nodes:\n  - address: 10.0.0.1\n  - name: b\nloadBalancer: {}\nrancher: {hostname: ~}\n",
		    "spec.yml:4:5: error: nodes[0]: missing required key 'name'\n"
		    "spec.yml:5:5: error: nodes[1]: missing required key 'address'\n"
		    "spec.yml:6:15: error: loadBalancer: missing required key 'address'\n"
		    "spec.yml:7:11: error: rancher.hostname: needs a value\n"),
		ROW("apiVersion: rhc/v2\nname: rancher\nnodes: [{name: a, address: 10.0.0.1}]\n"
		    "loadBalancer: {address: 10.0.0.2}\nrancher: {hostname: rancher.example.com}\n",
		    "spec.yml:1:13: error: apiVersion: 'rhc/v2' is not one of: rhc/v1; did you mean 'rhc/v1'?\n"),
		/* an empty value points at its own line, not at the top of the file */
		ROW("apiVersion: rhc/v1\nname:\nnodes: [{name: a, address: 10.0.0.1}]\n"
		    "loadBalancer: {address: 10.0.0.2}\nrancher: {hostname: rancher.example.com}\n",
		    "spec.yml:2:1: error: name: needs a value\n"),
		/* a load error stops the check */
		ROW("- a\n", "spec.yml:1:1: error: the spec must be a mapping at the top level, not a sequence\n"),
		ROW("", "spec.yml:1:1: error: the spec is empty; expected a mapping (start from 'rhc init')\n"),
	};
	run_rows(rows, NROWS(rows), false);
}

/* The last rke and its newest Kubernetes, with Helm 3. */
#define CURRENT                                                                                   \
	"tools: {helm: v3.16.2, rke: v1.8.14, kubectl: v1.32.2}\n"                                  \
	"kubernetes: {version: v1.32.13-rancher1-3, distro: rke1}\n"

/* Appended to a spec that sets none of these: RKE1 with the last rke's
 * default Kubernetes (v1.32) and a kubectl one minor from it. */
#define RKE1 "kubernetes: {distro: rke1}\ntools: {kubectl: v1.32.2}\n"
/* The walk-through's 2019 stack, for rows about its versions. */
#define STACK_2019                                                                                \
	"tools: {helm: v2.14.3, rke: v0.2.8, kubectl: v1.15.3}\nkubernetes: {distro: rke1}\n"        \
	"certManager: {version: v0.11.0}\n"

/* rke1 and an IPv6 node address (rules.c, check_rke_ipv6) */
#define RKE_V6                                                                                    \
	"it joins host and port without brackets (hosts/dialer.go), so SSH and etcd fail; use the "   \
	"node's IPv4 address (rke dials host names, not IPv6 literals)"

static void test_rules_errors(void **state)
{
	(void)state;
	static const struct row rows[] = {
		/* names compare as text; addresses as addresses (IPv6 written two ways) */
		ROW(HEAD "nodes:\n"
			 "  - name: a\n    address: \"::1\"\n"
			 "  - name: a\n    address: 0:0::1\n"
			 "  - name: b\n    address: 10.0.0.1\n"
			 "  - name: c\n    address: 10.0.0.1\n"
			 "  - name: d\n    address: 2001:DB8::1\n"
			 "  - name: e\n    address: 2001:db8:0:0:0:0:0:1\n"
			 "loadBalancer: {address: 10.0.0.100}\nrancher: {hostname: rancher.example.com}\n" RKE1,
		    "spec.yml:4:3: warning: nodes: 6 etcd nodes: an even count tolerates no more failures "
		    "than 5; use an odd number\n"
		    "spec.yml:5:14: error: nodes[0].address: rke cannot reach IPv6 address '::1': " RKE_V6 "\n"
		    "spec.yml:6:11: error: nodes[1].name: name 'a' is already used by nodes[0]\n"
		    "spec.yml:4:11: note: nodes[0].name: first used here\n"
		    "spec.yml:7:14: error: nodes[1].address: address '0:0::1' is already used by nodes[0]\n"
		    "spec.yml:5:14: note: nodes[0].address: first used here\n"
		    "spec.yml:7:14: error: nodes[1].address: rke cannot reach IPv6 address '0:0::1': " RKE_V6 "\n"
		    "spec.yml:11:14: error: nodes[3].address: address '10.0.0.1' is already used by nodes[2]\n"
		    "spec.yml:9:14: note: nodes[2].address: first used here\n"
		    "spec.yml:13:14: error: nodes[4].address: rke cannot reach IPv6 address '2001:DB8::1': " RKE_V6 "\n"
		    "spec.yml:15:14: error: nodes[5].address: address '2001:db8:0:0:0:0:0:1' is already "
		    "used by nodes[4]\n"
		    "spec.yml:13:14: note: nodes[4].address: first used here\n"
		    "spec.yml:15:14: error: nodes[5].address: rke cannot reach IPv6 address '2001:db8:0:0:0:0:0:1': " RKE_V6 "\n"),
		/* every role must be somewhere */
		ROW(HEAD "nodes:\n  - name: a\n    address: 10.0.0.1\n    roles: [etcd, controlplane]\n"
			 "  - name: b\n    address: 10.0.0.2\n    roles: [controlplane]\n"
			 "loadBalancer: {address: 10.0.0.100}\nrancher: {hostname: rancher.example.com}\n",
		    "spec.yml:4:3: error: nodes: no node has the role 'worker'; at least one must\n"),
		ROW(HEAD "nodes: [{name: a, address: 10.0.0.1, roles: [worker]}]\n"
			 "loadBalancer: {address: 10.0.0.100}\nrancher: {hostname: rancher.example.com}\n",
		    "spec.yml:3:8: error: nodes: no node has the role 'etcd'; at least one must\n"
		    "spec.yml:3:8: error: nodes: no node has the role 'controlplane'; at least one must\n"),
		ROW(HEAD "nodes: [{name: a, address: 10.0.0.1}]\nloadBalancer: {address: 10.0.0.100}\n"
			 "rancher:\n  hostname: rancher.example.com\n  tls: letsEncrypt\n"
			 "hostAliases: {enabled: false}\n",
		    "spec.yml:7:8: error: rancher.letsEncrypt.email: tls 'letsEncrypt' needs an email address "
		    "for the ACME account\n"),
		/* each distro takes its own cni and ingress values and releases */
		ROW(BASE "kubernetes:\n  distro: k3s\n  ingress: nginx\n  version: v1.36.3+rke2r1\n"
			 "tools: {helm: v3.16.2}\n",
		    "spec.yml:1:1: warning: tools.kubectl: kubectl v1.34.12 is 2 minor versions from "
		    "Kubernetes v1.36.3+rke2r1 (kubernetes.version); kubectl supports one minor of skew\n"
		    "spec.yml:12:12: error: kubernetes.ingress: ingress 'nginx' is not available with "
		    "distro k3s; it takes default, traefik, none\n"
		    "spec.yml:13:12: error: kubernetes.version: 'v1.36.3+rke2r1' is not a k3s release; "
		    "k3s releases look like v1.36.1+k3s1\n"),
		ROW(BASE "kubernetes:\n  distro: rke2\n  cni: flannel\ntools: {kubectl: v1.34.0, helm: v3.16.2}\n",
		    "spec.yml:12:8: error: kubernetes.cni: cni 'flannel' is not available with distro "
		    "rke2; it takes default, canal, calico, cilium\n"),
		ROW(BASE "kubernetes:\n  ingress: none\n  distro: rke1\ntools: {kubectl: v1.32.2}\n",
		    "spec.yml:11:12: error: kubernetes.ingress: ingress 'none' is not available with "
		    "distro rke1; it takes default, nginx\n"),
		ROW(BASE "kubernetes:\n  distro: rke2\n  etcd: {creation: 90m}\ntools: {kubectl: v1.34.0, helm: v3.16.2}\n",
		    "spec.yml:12:20: error: kubernetes.etcd.creation: '90m' must be a whole number of hours "
		    "that divides 24 (1h, 2h, 3h, 4h, 6h, 8h, 12h or 24h): RKE2 and K3s take a cron "
		    "schedule\n"),
		/* no schedule is written without snapshots */
		ROW(BASE "kubernetes:\n  distro: rke2\n  etcd: {snapshot: false, creation: 90m}\n"
			 "  version: v1.33.13+rke2r2\ntools: {kubectl: v1.33.0, helm: v3.16.2}\nhostAliases: {enabled: false, mode: patch}\n",
		    "spec.yml:15:37: error: hostAliases.mode: mode 'patch' with enabled: false; enabled: "
		    "false means off (drop one of them)\n"),
		/* the version table (versions.c): combinations that cannot work */
		ROW(HEAD "nodes: [{name: a, address: 10.0.0.1}]\nloadBalancer: {address: 10.0.0.100}\n"
			 "rancher:\n  hostname: rancher.example.com\n  chartVersion: 2.6.14\n" STACK_2019,
		    "spec.yml:7:17: error: rancher.chartVersion: Helm v2.14.3 cannot render Rancher chart 2.6.14: "
		    "its templates call 'lookup' (from chart 2.6.0), which Helm 2 and Helm 3.0 do not have; pin "
		    "chartVersion 2.5.17 or older, or use Helm 3.1 or later\n"
		    "spec.yml:8:29: warning: tools.rke: Rancher 2.6 needs Kubernetes 1.17.0 or later (documented "
		    "for 2.5: github.com/rancher/rancher/releases/tag/v2.5.0, Install/Upgrade Notes); Kubernetes "
		    "v1.14.6-rancher1-1 (the default of rke v0.2.8) is outside that range\n"),
		ROW(BASE CURRENT "certManager: {version: v1.16.1}\n"
			 "hostAliases: {workloads: [rancher, cattle-node-agent]}\n",
		    "spec.yml:13:36: error: hostAliases.workloads[1]: cattle-node-agent was removed in Rancher "
		    "2.12; chart 2.12.12 (line 2.12) has no such workload to patch\n"),
		ROW(HEAD "nodes: [{name: a, address: 10.0.0.1}]\nloadBalancer: {address: 10.0.0.100}\n"
			 "rancher:\n  hostname: rancher.example.com\n  chartVersion: 2.9.12\n" CURRENT
			 "certManager: {version: v1.16.1}\n",
		    "spec.yml:7:17: error: rancher.chartVersion: Rancher chart 2.9.12 declares kubeVersion < "
		    "1.31.0 (chart/Chart.yaml); Helm refuses it on Kubernetes v1.32.13-rancher1-3 "
		    "(kubernetes.version)\n"),
		ROW(HEAD "nodes: [{name: a, address: 10.0.0.1}]\nloadBalancer: {address: 10.0.0.100}\n"
			 "rancher:\n  hostname: rancher.example.com\n  chartVersion: 2.3.2\n" STACK_2019,
		    "spec.yml:7:17: error: rancher.chartVersion: Rancher chart 2.3.2 creates "
		    "certmanager.k8s.io/v1alpha1 issuers, which cert-manager 0.11 and later do not serve; use "
		    "chart 2.3.4 or later, or cert-manager v0.10\n"),
		ROW(HEAD "nodes: [{name: a, address: 10.0.0.1}]\nloadBalancer: {address: 10.0.0.100}\n"
			 "rancher:\n  hostname: rancher.example.com\n  chartVersion: 2.14.4\n" CURRENT
			 "certManager: {version: v0.15.0}\n",
		    "spec.yml:7:17: warning: rancher.chartVersion: Rancher 2.14.4 is not documented to run on "
		    "RKE1: Rancher 2.12 stopped managing RKE1 clusters and from 2.13 the install docs list K3s, "
		    "RKE2 and hosted clusters for the cluster Rancher runs on (RKE1 reached end of life on "
		    "2025-07-31); use distro rke2 or k3s, or a 2.12 chart\n"
		    "spec.yml:10:24: error: certManager.version: Rancher chart 2.14.4 creates only "
		    "cert-manager.io/v1 issuers (from chart 2.14.0); cert-manager v0.15.0 does not serve them: "
		    "use v1.0 or later\n"),
		ROW(BASE "tools: {rke: v0.2.8, kubectl: v1.16.0}\nkubernetes: {version: v1.16.0-rancher1-1, distro: rke1}\n"
			 "certManager: {version: v0.11.0}\n",
		    "spec.yml:11:23: error: kubernetes.version: rke v0.2.8 cannot install Kubernetes "
		    "'v1.16.0-rancher1-1'; it knows v1.12.10-rancher1-2, v1.13.10-rancher1-2, "
		    "v1.14.6-rancher1-1, v1.15.3-rancher1-1\n"),
		ROW(BASE "tools: {helm: v5.0.0}\n",
		    "spec.yml:10:15: error: tools.helm: Helm v5.0.0 is not supported; rhc knows Helm 2, 3 and 4\n"),
	};
	run_rows(rows, NROWS(rows), false);
}

/* Warnings only: the spec still comes back. */
static void test_rules_warnings(void **state)
{
	(void)state;
	static const struct row rows[] = {
		ROW(HEAD "nodes:\n  - name: a\n    address: 10.0.0.1\n  - name: b\n    address: 10.0.0.2\n"
			 "loadBalancer: {address: 10.0.0.100}\nrancher: {hostname: rancher.example.com}\n",
		    "spec.yml:4:3: warning: nodes: 2 etcd nodes: an even count tolerates no more failures "
		    "than 1; use an odd number\n"),
		ROW(BASE "tools: {rke: v1.5.3, kubectl: v1.27.0}\nkubernetes: {distro: rke1}\n",
		    "spec.yml:10:14: warning: tools.rke: rke v1.5.3 is not in rhc's table; its Kubernetes "
		    "versions cannot be checked\n"),
		ROW(BASE "tools: {kubectl: v1.18.0, rke: v0.2.8, helm: v2.14.3}\nkubernetes: {distro: rke1}\n"
			 "certManager: {version: v0.11.0}\n",
		    "spec.yml:10:18: warning: tools.kubectl: kubectl v1.18.0 is 4 minor versions from "
		    "Kubernetes v1.14.6-rancher1-1 (the default of rke v0.2.8); kubectl supports one minor "
		    "of skew\n"),
		ROW(BASE "tools: {kubectl: v1.18.0, rke: v0.2.8, helm: v2.14.3}\n"
			 "kubernetes: {version: v1.12.10-rancher1-2, distro: rke1}\ncertManager: {version: v0.11.0}\n",
		    "spec.yml:10:18: warning: tools.kubectl: kubectl v1.18.0 is 6 minor versions from "
		    "Kubernetes v1.12.10-rancher1-2 (kubernetes.version); kubectl supports one minor of skew\n"),
		/* within one minor: silent */
		ROW(BASE "tools: {kubectl: v1.16.0, rke: v0.2.8, helm: v2.14.3}\n"
			 "kubernetes: {version: v1.15.3-rancher1-1, distro: rke1}\ncertManager: {version: v0.11.0}\n", ""),
		ROW(BASE "tools: {kubectl: v1.13.5, rke: v0.2.8, helm: v2.14.3}\nkubernetes: {distro: rke1}\n"
			 "certManager: {version: v0.11.0}\n", ""),
		/* the defaults: kubectl v1.34 against the default rke2 release */
		ROW(BASE, ""),
		/* rke2/k3s: kubectl against the release, or the table's default release */
		ROW(BASE "tools: {kubectl: v1.31.0, helm: v3.16.2}\nkubernetes: {distro: rke2}\n",
		    "spec.yml:10:18: warning: tools.kubectl: kubectl v1.31.0 is 3 minor versions from "
		    "Kubernetes v1.34.10+rke2r1 (the default rke2 release); kubectl supports one minor of skew\n"),
		ROW(BASE "tools: {kubectl: v1.33.0, helm: v3.16.2}\nkubernetes: {distro: k3s, version: v1.34.9+k3s1}\n", ""),
		ROW(BASE "tools: {kubectl: v1.35.0, helm: v3.16.2}\nkubernetes: {distro: k3s}\nhostAliases: {enabled: false, mode: off}\n", ""),
		/* Let's Encrypt needs public DNS; chart 2.4 has no agentTLSMode */
		ROW(HEAD "nodes: [{name: a, address: 10.0.0.1}]\nloadBalancer: {address: 10.0.0.100}\n"
			 "tools: {helm: v3.16.2, rke: v0.2.8, kubectl: v1.15.3}\nrancher:\n  hostname: rancher.example.com\n  tls: letsEncrypt\n"
			 "  letsEncrypt: {email: ops@example.com}\n  agentTLSMode: strict\n  chartVersion: 2.4.18\n"
			 "kubernetes: {distro: rke1, version: v1.15.3-rancher1-1}\n"
			 "certManager: {version: v0.11.0}\n",
		    "spec.yml:8:8: warning: rancher.tls: Let's Encrypt validates rancher.example.com over "
		    "HTTP-01 through public DNS, but hostAliases says no DNS resolves it; the certificate will "
		    "not be issued unless it does\n"
		    "spec.yml:10:17: warning: rancher.agentTLSMode: Rancher chart 2.4.18 has no agentTLSMode "
		    "value (from 2.8.6); the setting is not passed\n"),
		/* an unknown rke cannot judge the version it is given */
		ROW(BASE "tools: {rke: v1.5.3, kubectl: v1.27.0, helm: v3.16.2}\n"
			 "kubernetes: {version: v1.27.8-rancher2-1, distro: rke1}\n",
		    "spec.yml:10:14: warning: tools.rke: rke v1.5.3 is not in rhc's table; its Kubernetes "
		    "versions cannot be checked\n"),
	};
	run_rows(rows, NROWS(rows), true);
}

/* A quoted "\0" puts a NUL byte into a value; the schema must judge the whole
 * value, not the C string before the NUL. */
static void test_embedded_nul(void **state)
{
	(void)state;
	static const struct {
		const char *yaml;
		size_t len;
		const char *prefix; /* the first diagnostic starts so */
	} rows[] = {
		{BASE "tools: {os: \"linux\\0; echo pwned\"}\n",
		 sizeof(BASE "tools: {os: \"linux\\0; echo pwned\"}\n") - 1,
		 "spec.yml:10:14: error: a NUL character in a value is not allowed"},
		{HEAD "nodes: [{name: a, address: \"10.0.0.1\\0x\"}]\nloadBalancer: {address: 10.0.0.2}\n"
		      "rancher: {hostname: rancher.example.com}\n",
		 sizeof(HEAD "nodes: [{name: a, address: \"10.0.0.1\\0x\"}]\nloadBalancer: {address: 10.0.0.2}\n"
			     "rancher: {hostname: rancher.example.com}\n") - 1,
		 "spec.yml:3:29: error: a NUL character in a value is not allowed"},
	};
	size_t failed = 0;
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct result r;
		check(&r, rows[i].yaml, rows[i].len);
		if (r.spec || strncmp(r.diags, rows[i].prefix, strlen(rows[i].prefix))) {
			print_error("row %zu: expected an error starting\n  %s\ngot%s:\n  %s\n", i,
				    rows[i].prefix, r.spec ? " the spec accepted" : "", r.diags);
			failed++;
		}
		release(&r);
	}
	assert_int_equal(failed, 0);
}

/* An empty sequence item has no token of its own; its diagnostic must still
 * be on its line, not at the top of the file. */
static void test_empty_item_location(void **state)
{
	(void)state;
	static const char spec[] = HEAD "nodes: [{name: a, address: 10.0.0.1}]\n"
					"rancher: {hostname: rancher.example.com}\n"
					"loadBalancer:\n"
					"  address: 10.0.0.2\n"
					"  ports:\n"
					"    - 80\n"
					"    -\n";
	struct arena a = {0};
	struct diags d = {0};
	assert_null(compile_check(&a, "spec.yml", spec, sizeof(spec) - 1, &d));
	assert_int_equal(d.count, 1);
	assert_string_equal(d.items[0].path, "loadBalancer.ports[1]");
	assert_string_equal(d.items[0].message, "expected an integer, got ''");
	int line = d.items[0].line, col = d.items[0].col;
	diags_free(&d);
	arena_free(&a);
	if (line != 9)
		fail_msg("the empty item on line 9 is reported at %d:%d", line, col);
}

/* compile_check types the items of `nodes` one by one while it reads them
 * (tree.h); typing the whole tree afterwards must give the same spec and
 * the same diagnostics, valid or not. */
static char *typed_text(bool streamed, const char *yaml)
{
	struct arena a = {0}, tree = {0};
	struct diags d = {0};
	struct buf out = {0};
	struct val *spec;
	if (streamed) {
		spec = compile_check(&a, "spec.yml", yaml, strlen(yaml), &d);
	} else {
		struct node *doc = load_yaml(&tree, "spec.yml", yaml, strlen(yaml), &d);
		spec = doc ? compile_check_tree(&a, "spec.yml", doc, &d) : NULL;
	}
	diags_sort(&d);
	diags_format_text(&d, &out);
	if (spec)
		val_write_json(spec, &out);
	char *text = buf_take(&out, NULL);
	diags_free(&d);
	arena_free(&tree);
	arena_free(&a);
	return text;
}

static void test_streamed_items_match_whole_tree(void **state)
{
	(void)state;
	static const char *const rows[] = {
		BASE,
		HEAD "nodes:\n"
		     "  - {name: a, address: 10.0.0.1, roles: [etcd, controlplane, worker]}\n"
		     "  - name: b\n"
		     "    address: 10.0.0.2\n"
		     "    roles: [worker]\n"
		     "loadBalancer: {address: 10.0.0.9}\n"
		     "rancher: {hostname: r.example.com}\n",
		/* errors inside items, between items and after the list */
		HEAD "nodes:\n"
		     "  - name: a\n"
		     "    address: 10.0.0.x\n"
		     "    colour: red\n"
		     "  -\n"
		     "  - 5\n"
		     "  - []\n"
		     "  - name: a\n"
		     "    address: 10.0.0.1\n"
		     "    roles: [workr]\n"
		     "loadBalancer: {address: 10.0.0.9, ports: [x]}\n",
		/* a second `nodes` is a duplicate key, not a second list to type */
		HEAD "nodes:\n"
		     "  - {name: a, address: 10.0.0.1}\n"
		     "nodes:\n"
		     "  - {name: b, address: bad}\n"
		     "loadBalancer: {address: 10.0.0.9}\n"
		     "rancher: {hostname: r.example.com}\n",
		HEAD "nodes: []\nloadBalancer: {address: 10.0.0.9}\nrancher: {hostname: r.example.com}\n",
		HEAD "nodes: {name: a}\nloadBalancer: {address: 10.0.0.9}\nrancher: {hostname: r.example.com}\n",
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		char *streamed = typed_text(true, rows[i]);
		char *whole = typed_text(false, rows[i]);
		if (strcmp(streamed, whole))
			fail_msg("row %zu: streamed\n%s\nwhole tree\n%s", i, streamed, whole);
		free(streamed);
		free(whole);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_spec),
		cmocka_unit_test(test_plain_words_stay_strings),
		cmocka_unit_test(test_unknown_and_duplicate_keys),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_values_out_of_bounds),
		cmocka_unit_test(test_missing_values),
		cmocka_unit_test(test_rules_errors),
		cmocka_unit_test(test_rules_warnings),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_empty_item_location),
		cmocka_unit_test(test_streamed_items_match_whole_tree),
	};
	return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}

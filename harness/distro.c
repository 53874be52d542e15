/* rke2/k3s: the checks between each node's config.yaml and install.sh,
 * cluster.sh and spec.json that no other tool makes. Every joining node must
 * reach the cluster through the load balancer on the distro's port, every
 * server must carry the LB in its certificate, all nodes must agree on one
 * token file and one release, and cluster.sh must install the first server
 * first, the other servers next and the agents last. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify_ctx.h"

static const char *scalar(const struct node *map, const char *key)
{
	const struct node *v = node_member(map, key);
	return v && v->kind == NODE_SCALAR ? v->text : NULL;
}

static int line_of(const struct node *map, const char *key)
{
	const struct node *v = node_member(map, key);
	return v ? v->line : map->line;
}

static bool seq_contains(const struct node *seq, const char *s)
{
	for (const struct node *v = seq && seq->kind == NODE_SEQ ? seq->first : NULL; v; v = v->next)
		if (v->kind == NODE_SCALAR && !strcmp(v->text, s))
			return true;
	return false;
}

/* A server's config.yaml says so with tls-san (agents take none). */
static bool config_is_server(const struct node_config *nc)
{
	return node_member(nc->yaml, "tls-san") != NULL;
}

/* Without the CriticalAddonsOnly taint a node runs workloads, the ingress among them. */
static bool config_takes_workloads(const struct node_config *nc)
{
	return !seq_contains(node_member(nc->yaml, "node-taint"), "CriticalAddonsOnly=true:NoExecute");
}

static const struct val *spec_node(const struct verify_ctx *c, const char *name)
{
	const struct val *nodes = val_get(c->spec, "nodes");
	for (const struct val *n = nodes ? nodes->first : NULL; n; n = n->next)
		if (!strcmp(val_path_str(n, "name"), name))
			return n;
	return NULL;
}

const char **node_config_hosts(struct verify_ctx *c, bool api, size_t *count)
{
	const char **hosts = arena_alloc(&c->a, (c->nconfigs + 1) * sizeof(*hosts));
	size_t n = 0;
	for (size_t i = 0; i < c->nconfigs; i++) {
		const struct node_config *nc = &c->configs[i];
		const char *name = scalar(nc->yaml, "node-name");
		const struct val *node = name ? spec_node(c, name) : NULL;
		if (!node || (api ? !config_is_server(nc) : !config_takes_workloads(nc)))
			continue;
		const char *address = val_path_str(node, "address");
		hosts[n++] = strchr(address, ':') ? arena_printf(&c->a, "[%s]", address) : address;
	}
	*count = n;
	return hosts;
}

size_t lb_port_count(const struct verify_ctx *c)
{
	const struct val *ports = c->spec ? val_path(c->spec, "loadBalancer.ports") : NULL;
	size_t n = ports ? (size_t)ports->count : 0;
	const char *distro = c->spec ? val_path_str(c->spec, "kubernetes.distro") : "rke1";
	return n + !strcmp(distro, "rke2") * 2 + !strcmp(distro, "k3s");
}

/* The view's node (first server first, then servers, then agents) for NAME. */
static const struct val *view_node(const struct verify_ctx *c, const char *name, size_t *index)
{
	const struct val *nodes = val_path(c->view, "cluster.nodes");
	size_t i = 0;
	for (const struct val *n = nodes ? nodes->first : NULL; n; n = n->next, i++)
		if (!strcmp(val_path_str(n, "name"), name)) {
			if (index)
				*index = i;
			return n;
		}
	return NULL;
}

/* Each config.yaml: its node, the server it joins through, tls-san, token file. */
static void check_configs(struct verify_ctx *c)
{
	size_t failed = c->r->failed, joiners = 0;
	const char *join = val_path_str(c->view, "cluster.join_url");
	const char *token = val_path_str(c->view, "cluster.token_file");
	const char *lb = val_path_str(c->spec, "loadBalancer.address");
	const struct val *want_nodes = val_get(c->spec, "nodes");
	for (size_t i = 0; i < c->nconfigs; i++) {
		const struct node_config *nc = &c->configs[i];
		const char *path = nc->file->path;
		const char *name = scalar(nc->yaml, "node-name");
		const struct val *v = view_node(c, nc->node, NULL);
		if (!name || strcmp(name, nc->node) || !v) {
			report_add(c->r, CHECK_FAIL, "node-config", path, line_of(nc->yaml, "node-name"),
				   "node-name %s in nodes/%s/, which is no node of spec.json", name ? name : "(none)", nc->node);
			continue;
		}
		const char *server = scalar(nc->yaml, "server");
		if (val_path_bool(v, "first")) {
			if (server)
				report_add(c->r, CHECK_FAIL, "join-server", path, line_of(nc->yaml, "server"),
					   "the first server joins %s; it must initialise the cluster", server);
		} else {
			joiners++;
			if (!server || strcmp(server, join))
				report_add(c->r, CHECK_FAIL, "join-server", path, line_of(nc->yaml, "server"),
					   "joins %s; every node but the first server joins through the load balancer, %s",
					   server ? server : "nothing", join);
		}
		const struct node *san = node_member(nc->yaml, "tls-san");
		if (val_path_bool(v, "server") != (san != NULL))
			report_add(c->r, CHECK_FAIL, "tls-san", path, nc->yaml->line, "%s %s tls-san, but spec.json makes it %s",
				   nc->node, san ? "has" : "has no", val_path_bool(v, "server") ? "a server" : "an agent");
		if (san && !seq_contains(san, lb))
			report_add(c->r, CHECK_FAIL, "tls-san", path, san->line,
				   "tls-san lacks the load balancer %s: kubectl through it would fail TLS", lb);
		const struct val *extra = val_path(c->spec, "kubernetes.tlsSan");
		for (const struct val *e = san && extra ? extra->first : NULL; e; e = e->next)
			if (!seq_contains(san, e->s))
				report_add(c->r, CHECK_FAIL, "tls-san", path, san->line, "tls-san lacks %s (kubernetes.tlsSan)", e->s);
		const char *tf = scalar(nc->yaml, "token-file");
		if (!tf || strcmp(tf, token))
			report_add(c->r, CHECK_FAIL, "token-file", path, line_of(nc->yaml, "token-file"),
				   "token-file %s; install.sh writes the token to %s", tf ? tf : "(none)", token);
		if (node_member(nc->yaml, "token") || node_member(nc->yaml, "agent-token"))
			report_add(c->r, CHECK_FAIL, "token-file", path, line_of(nc->yaml, "token"),
				   "a token in config.yaml: the token belongs in the token file only");
	}
	if (want_nodes && c->nconfigs != want_nodes->count)
		report_add(c->r, CHECK_FAIL, "node-config", "nodes", 0, "%zu nodes' config.yaml; spec.json has %zu nodes",
			   c->nconfigs, (size_t)want_nodes->count);
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "join-server", NULL, 0,
			   "%zu nodes join through %s; every server's tls-san holds %s; one token file %s", joiners,
			   join, lb, token);
}

/* Each install.sh: the same release, token file and config directory. */
static void check_install_scripts(struct verify_ctx *c)
{
	size_t failed = c->r->failed, n = 0;
	const char *release = val_path_str(c->view, "cluster.release");
	const char *token = val_path_str(c->view, "cluster.token_file");
	for (size_t i = 0; i < c->nscripts; i++) {
		const struct script *s = &c->scripts[i];
		const char *path = s->file->path;
		if (strncmp(path, "nodes/", 6))
			continue;
		n++;
		bool pinned = false;
		for (size_t k = 0; k < s->nlines; k++) {
			const struct shell_line *l = &s->lines[k];
			if (l->nwords != 1)
				continue;
			const char *w = l->words[0].text;
			if (!strncmp(w, "release=", 8)) {
				pinned = true;
				if (strcmp(w + 8, release))
					report_add(c->r, CHECK_FAIL, "release", path, l->line,
						   "installs %s; spec.json's release is %s (every node the same)", w + 8, release);
			}
			if (!strncmp(w, "token_file=", 11) && strcmp(w + 11, token))
					report_add(c->r, CHECK_FAIL, "token-file", path, l->line,
						   "writes the token to %s; config.yaml reads %s", w + 11, token);
		}
		if (!pinned)
			report_add(c->r, CHECK_FAIL, "release", path, 0, "pins no release");
	}
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "release", NULL, 0, "%zu install.sh pin %s and write %s", n, release, token);
}

/* cluster.sh: every node once, the first server first, servers before agents. */
static void check_cluster_order(struct verify_ctx *c)
{
	const struct script *s = verify_script(c, "cluster.sh");
	if (!s) {
		report_add(c->r, CHECK_FAIL, "cluster-order", "cluster.sh", 0, "missing: nothing installs the nodes");
		return;
	}
	size_t failed = c->r->failed, seen = 0;
	const struct val *nodes = val_path(c->view, "cluster.nodes");
	size_t total = nodes ? (size_t)nodes->count : 0;
	bool *done = arena_alloc(&c->a, total + 1);
	bool agent_seen = false;
	static const char *const call[] = {"install_node", NULL};
	size_t idx, from = 0;
	const struct shell_line *l;
	while ((l = script_find(s, call, from, &idx))) {
		from = idx + 1;
		if (l->nwords != 6)
			continue; /* the function's definition */
		const char *name = l->words[1].text, *type = l->words[5].text;
		size_t at;
		const struct val *v = view_node(c, name, &at);
		if (!v) {
			report_add(c->r, CHECK_FAIL, "cluster-order", "cluster.sh", l->line, "installs %s, no node of spec.json", name);
			continue;
		}
		bool server = val_path_bool(v, "server");
		if (done[at])
			report_add(c->r, CHECK_FAIL, "cluster-order", "cluster.sh", l->line, "installs %s twice", name);
		if (!seen && !val_path_bool(v, "first"))
			report_add(c->r, CHECK_FAIL, "cluster-order", "cluster.sh", l->line,
				   "installs %s first; the first server of spec.json must initialise the cluster", name);
		if (server && agent_seen)
			report_add(c->r, CHECK_FAIL, "cluster-order", "cluster.sh", l->line,
				   "installs server %s after an agent: agents join servers", name);
		if (strcmp(type, server ? "server" : "agent"))
			report_add(c->r, CHECK_FAIL, "cluster-order", "cluster.sh", l->line, "installs %s as %s; it is %s",
				   name, type, server ? "a server" : "an agent");
		if (strcmp(l->words[3].text, val_path_str(v, "address")) || strcmp(l->words[2].text, val_path_str(v, "user")))
			report_add(c->r, CHECK_FAIL, "cluster-order", "cluster.sh", l->line,
				   "reaches %s as %s@%s; spec.json says %s@%s", name, l->words[2].text, l->words[3].text,
				   val_path_str(v, "user"), val_path_str(v, "address"));
		agent_seen |= !server;
		done[at] = true;
		seen++;
	}
	for (const struct val *n = nodes ? nodes->first : NULL; n; n = n->next) {
		size_t at;
		view_node(c, val_path_str(n, "name"), &at);
		if (!done[at])
			report_add(c->r, CHECK_FAIL, "cluster-order", "cluster.sh", 0, "never installs %s", val_path_str(n, "name"));
	}
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "cluster-order", "cluster.sh", 0,
			   "%zu nodes once each: the first server, the other servers, then the agents", seen);
}

/* manifests/coredns-hosts.yaml: present exactly in coredns mode, with one
 * hosts line, the spec's IP for the spec's hostname. */
static void check_coredns(struct verify_ctx *c)
{
	const struct outfile *f = verify_file(c, "manifests/coredns-hosts.yaml");
	bool want = val_path_bool(c->view, "hostAliases.coredns");
	if (!want) {
		if (f)
			report_add(c->r, CHECK_FAIL, "coredns", f->path, 0, "hostAliases.mode is %s, not coredns",
				   val_path_str(c->view, "hostAliases.mode"));
		return;
	}
	if (!f) {
		report_add(c->r, CHECK_FAIL, "coredns", "manifests/coredns-hosts.yaml", 0, "missing: hostAliases.mode is coredns");
		return;
	}
	const char *host = val_path_str(c->spec, "rancher.hostname");
	const char *entry = arena_printf(&c->a, " %s %s\n", val_path_str(c->view, "hostAliases.ip"), host);
	size_t found = 0;
	int line = 0;
	/* every line holding the hostname after an address is a hosts entry */
	int n = 1;
	for (const char *p = f->data; *p; n++) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) + 1 : strlen(p);
		const char *h = strstr(p, host);
		if (h && h < p + len && h > p && h[-1] == ' ' && h + strlen(host) == p + len - 1 && p[0] == ' ' &&
		    strncmp(p + strspn(p, " "), host, strlen(host)) && !memchr(p, '#', len)) {
			found++;
			line = n;
			const char *start = p + strspn(p, " ") - 1;
			if ((size_t)(p + len - start) != strlen(entry) || strncmp(start, entry, strlen(entry)))
				report_add(c->r, CHECK_FAIL, "coredns", f->path, n, "hosts entry '%.*s'; spec.json says '%s %s'",
					   (int)(p + len - start - 2), start + 1, val_path_str(c->view, "hostAliases.ip"), host);
		}
		p += len;
	}
	if (found != 1)
		report_add(c->r, CHECK_FAIL, "coredns", f->path, 0, "%zu hosts entries for %s; exactly one expected", found, host);
	else
		report_add(c->r, CHECK_PASS, "coredns", f->path, line, "one hosts entry: %s -> %s", host,
			   val_path_str(c->view, "hostAliases.ip"));
}

void check_distro_artefacts(struct verify_ctx *c)
{
	if (!c->spec || !val_path_bool(c->view, "cluster.per_node"))
		return;
	check_configs(c);
	check_install_scripts(c);
	check_cluster_order(c);
	check_coredns(c);
}

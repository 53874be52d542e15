/* Cross-artefact consistency: the checks no other tool makes. Each compares
 * what one artefact says with another and with spec.json (through the view
 * the compiler derives from it), and names the file and line that differ. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "load.h"
#include "versions.h"
#include "verify_ctx.h"


static bool seq_has(const struct node *seq, const char *s)
{
	for (const struct node *v = seq && seq->kind == NODE_SEQ ? seq->first : NULL; v; v = v->next)
		if (v->kind == NODE_SCALAR && !strcmp(v->text, s))
			return true;
	return false;
}

/* "host:port" -> port (0 if none); "[v6]:port" too. */
static long port_of(const char *arg)
{
	const char *colon = strrchr(arg, ':');
	const char *digits = colon && (!strchr(arg, '[') || colon > strchr(arg, ']')) ? colon + 1 : arg;
	char *end;
	long p = strtol(digits, &end, 10);
	return *digits && !*end ? p : 0;
}

static const char *host_of(struct arena *a, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	if (!colon || (strchr(arg, '[') && colon < strchr(arg, ']')))
		return arg;
	return arena_strndup(a, arg, (size_t)(colon - arg));
}

static const char *param(const struct nginx_directive *d, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 1; i < d->nargs; i++)
		if (!strncmp(d->args[i].text, name, n) && d->args[i].text[n] == '=')
			return d->args[i].text + n + 1;
	return NULL;
}

/* Which contexts a directive may appear in, for what rhc writes and what a
 * hand edit plausibly adds; http-only directives in stream are the mistake
 * this catches (nginx -t catches it too, but only where nginx is installed). */
struct directive_rule {
	const char *name;
	const char *contexts; /* space-separated: main events stream upstream server */
};

static const struct directive_rule directive_rules[] = {
	{"worker_processes", "main"},	  {"worker_rlimit_nofile", "main"}, {"pid", "main"},
	{"error_log", "main stream server"}, {"user", "main"},	    {"load_module", "main"},
	{"include", "main events stream upstream server"},		    {"events", "main"},
	{"stream", "main"},		  {"worker_connections", "events"}, {"use", "events"},
	{"multi_accept", "events"},	  {"upstream", "stream"},	    {"server", "stream upstream"},
	{"least_conn", "upstream"},	  {"hash", "upstream"},		    {"random", "upstream"},
	{"zone", "upstream"},		  {"listen", "server"},		    {"proxy_pass", "server"},
	{"proxy_connect_timeout", "stream server"},			    {"proxy_timeout", "stream server"},
	{"proxy_next_upstream", "stream server"},			    {"proxy_protocol", "stream server"},
	{"proxy_next_upstream_tries", "stream server"},			    {"proxy_next_upstream_timeout", "stream server"},
	{"access_log", "stream server"},	  {"log_format", "stream"},	    {"resolver", "stream server"},
	{"ssl_preread", "stream server"},	  {"tcp_nodelay", "stream server"},
};

static const char *context_of(const struct nginx_directive *d)
{
	if (!d->parent)
		return "main";
	return d->parent->name;
}

static bool allowed_in(const char *contexts, const char *ctx)
{
	size_t n = strlen(ctx);
	for (const char *p = contexts; *p;) {
		size_t w = strcspn(p, " ");
		if (w == n && !strncmp(p, ctx, n))
			return true;
		p += w + (p[w] == ' ');
	}
	return false;
}

static void check_contexts(struct verify_ctx *c, const struct nginx_directive *d, size_t *bad)
{
	for (; d; d = d->next) {
		const char *ctx = context_of(d);
		const struct directive_rule *rule = NULL;
		for (size_t i = 0; i < sizeof(directive_rules) / sizeof(directive_rules[0]); i++)
			if (!strcmp(directive_rules[i].name, d->name))
				rule = &directive_rules[i];
		if (!rule) {
			report_add(c->r, CHECK_FAIL, "contexts", "nginx.conf", d->line,
				   "'%s' in %s: not a directive of an L4 (stream) load balancer", d->name, ctx);
			(*bad)++;
		} else if (!allowed_in(rule->contexts, ctx)) {
			report_add(c->r, CHECK_FAIL, "contexts", "nginx.conf", d->line,
				   "'%s' is not allowed in %s (allowed in: %s)", d->name, ctx, rule->contexts);
			(*bad)++;
		}
		check_contexts(c, d->children, bad);
	}
}

struct worker {
	const char *host; /* as nginx writes it: IPv6 in brackets */
	bool seen;
};

static int worker_cmp(const void *a, const void *b)
{
	return strcmp(((const struct worker *)a)->host, ((const struct worker *)b)->host);
}

static struct worker *find_worker(struct worker *w, size_t n, const char *host)
{
	struct worker key = {.host = host};
	return bsearch(&key, w, n, sizeof(*w), worker_cmp);
}

/* The worker nodes of rancher-cluster.yml, as nginx writes their addresses. */
static const char **rke_workers(struct verify_ctx *c, size_t *count)
{
	const struct node *nodes = node_member(c->rke, "nodes");
	size_t n = 0, max = nodes && nodes->kind == NODE_SEQ ? nodes->count : 0;
	const char **w = arena_alloc(&c->a, (max + 1) * sizeof(*w));
	for (const struct node *node = max ? nodes->first : NULL; node; node = node->next) {
		const struct node *addr = node_member(node, "address");
		if (!addr || addr->kind != NODE_SCALAR || !seq_has(node_member(node, "role"), "worker"))
			continue;
		w[n++] = strchr(addr->text, ':') ? arena_printf(&c->a, "[%s]", addr->text) : addr->text;
	}
	*count = n;
	return w;
}

const char **expected_upstream(struct verify_ctx *c, long port, size_t *count)
{
	*count = 0;
	if (!c->spec)
		return NULL;
	const char *distro = val_path_str(c->spec, "kubernetes.distro");
	bool rke1 = !strcmp(distro, "rke1");
	bool api = !rke1 && (port == 6443 || (port == 9345 && !strcmp(distro, "rke2")));
	bool ingress = false;
	const struct val *ports = val_path(c->spec, "loadBalancer.ports");
	for (const struct val *p = ports ? ports->first : NULL; p; p = p->next)
		ingress |= p->i == port;
	if (!api && !ingress)
		return NULL;
	/* a port that must be forwarded, even when its nodes cannot be read */
	if (rke1 && !c->rke)
		return arena_alloc(&c->a, sizeof(const char *));
	if (rke1)
		return rke_workers(c, count);
	return node_config_hosts(c, api, count);
}

/* Every upstream lists exactly the worker nodes of rancher-cluster.yml, on
 * the port of its listen, with the spec's max_fails and fail_timeout. */
static void check_upstreams(struct verify_ctx *c)
{
	bool rke1 = c->spec && !strcmp(val_path_str(c->spec, "kubernetes.distro"), "rke1");
	if (!c->nginx || !c->spec || (rke1 && !c->rke) || (!rke1 && !c->nconfigs)) {
		report_add(c->r, CHECK_SKIP, "upstreams", "nginx.conf", 0,
			   "needs nginx.conf, spec.json and %s to parse",
			   rke1 ? "rancher-cluster.yml" : "the nodes' config.yaml");
		return;
	}
	size_t failed = c->r->failed;
	size_t bad_contexts = 0;
	check_contexts(c, c->nginx, &bad_contexts);
	if (!bad_contexts)
		report_add(c->r, CHECK_PASS, "contexts", "nginx.conf", 0, "every directive in its context");
	failed = c->r->failed;
	struct worker *workers = arena_alloc(&c->a, (c->nfiles + 1024) * sizeof(*workers));
	size_t nworkers = 0, nexpected = 0;
	const char *max_fails = arena_printf(&c->a, "%lld", val_path_int(c->spec, "loadBalancer.maxFails"));
	const char *fail_timeout = val_path_str(c->spec, "loadBalancer.failTimeout");
	const struct nginx_directive *stream = nginx_find(c->nginx, "stream");
	if (!stream) {
		report_add(c->r, CHECK_FAIL, "upstreams", "nginx.conf", 0, "no stream block");
		return;
	}
	size_t listens = 0;
	for (const struct nginx_directive *srv = stream->children; srv; srv = srv->next) {
		if (strcmp(srv->name, "server") || !srv->block)
			continue;
		const struct nginx_directive *listen = nginx_find(srv->children, "listen");
		const struct nginx_directive *pass = nginx_find(srv->children, "proxy_pass");
		if (!listen || !listen->nargs || !pass || !pass->nargs) {
			report_add(c->r, CHECK_FAIL, "upstreams", "nginx.conf", srv->line,
				   "server block without listen or proxy_pass");
			continue;
		}
		long port = port_of(listen->args[0].text);
		listens++;
		size_t nhosts = 0;
		const char **hosts = expected_upstream(c, port, &nhosts);
		if (!hosts)
			report_add(c->r, CHECK_FAIL, "upstreams", "nginx.conf", listen->line,
				   "listens on %ld, which is not in spec.json's loadBalancer.ports%s", port,
				   rke1 ? "" : " nor an API port of the distro");
		/* the expected servers of this port, sorted for lookups */
		nworkers = 0;
		for (size_t i = 0; hosts && i < nhosts && nworkers < c->nfiles + 1024; i++)
			workers[nworkers++] = (struct worker){.host = hosts[i]};
		qsort(workers, nworkers, sizeof(*workers), worker_cmp);
		nexpected += nworkers;
		const struct nginx_directive *up = NULL;
		for (const struct nginx_directive *u = stream->children; u; u = u->next)
			if (!strcmp(u->name, "upstream") && u->nargs && !strcmp(u->args[0].text, pass->args[0].text))
				up = u;
		if (!up) {
			report_add(c->r, CHECK_FAIL, "upstreams", "nginx.conf", pass->line,
				   "proxy_pass %s names no upstream", pass->args[0].text);
			continue;
		}
		for (const struct nginx_directive *s = up->children; s; s = s->next) {
			if (strcmp(s->name, "server") || !s->nargs)
				continue;
			const char *host = host_of(&c->a, s->args[0].text);
			struct worker *w = find_worker(workers, nworkers, host);
			if (!w)
				report_add(c->r, CHECK_FAIL, "upstreams", "nginx.conf", s->line,
					   "upstream %s: %s is not a %s node of %s", up->args[0].text, host,
					   nhosts && !rke1 && (port == 6443 || port == 9345) ? "server" : "worker",
					   rke1 ? "rancher-cluster.yml" : "the nodes' config.yaml");
			else
				w->seen = true;
			if (port_of(s->args[0].text) != port)
				report_add(c->r, CHECK_FAIL, "upstreams", "nginx.conf", s->line,
					   "upstream %s: server port %ld differs from listen %ld", up->args[0].text,
					   port_of(s->args[0].text), port);
			const char *mf = param(s, "max_fails"), *ft = param(s, "fail_timeout");
			if (!mf || strcmp(mf, max_fails) || !ft || strcmp(ft, fail_timeout))
				report_add(c->r, CHECK_FAIL, "upstreams", "nginx.conf", s->line,
					   "upstream %s: max_fails=%s fail_timeout=%s; spec.json says max_fails=%s fail_timeout=%s",
					   up->args[0].text, mf ? mf : "(none)", ft ? ft : "(none)", max_fails, fail_timeout);
		}
		for (size_t i = 0; i < nworkers; i++)
			if (!workers[i].seen)
				report_add(c->r, CHECK_FAIL, "upstreams", "nginx.conf", up->line,
					   "upstream %s lacks node %s", up->args[0].text, workers[i].host);
	}
	size_t want = lb_port_count(c);
	if (listens != want)
		report_add(c->r, CHECK_FAIL, "upstreams", "nginx.conf", stream->line,
			   "%zu listening servers for %zu ports (spec.json's and the distro's)", listens, want);
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "upstreams", "nginx.conf", 0,
			   "%zu ports, %zu upstream servers, each the nodes of %s that port needs", listens, nexpected,
			   rke1 ? "rancher-cluster.yml" : "the nodes' config.yaml");
}

/* rancher-cluster.yml holds the spec's nodes, in order. */
static void check_rke_nodes(struct verify_ctx *c)
{
	if (!c->rke || !c->spec)
		return;
	size_t failed = c->r->failed;
	const struct node *nodes = node_member(c->rke, "nodes");
	const struct val *want = val_get(c->spec, "nodes");
	const struct node *n = nodes && nodes->kind == NODE_SEQ ? nodes->first : NULL;
	size_t i = 0;
	for (const struct val *w = want ? want->first : NULL; w; w = w->next, i++) {
		if (!n) {
			report_add(c->r, CHECK_FAIL, "nodes", "rancher-cluster.yml", nodes ? nodes->line : 0,
				   "node %s (nodes[%zu] of spec.json) is missing", val_path_str(w, "name"), i);
			continue;
		}
		const struct node *addr = node_member(n, "address"), *name = node_member(n, "hostname_override");
		if (!addr || strcmp(addr->text, val_path_str(w, "address")))
			report_add(c->r, CHECK_FAIL, "nodes", "rancher-cluster.yml", n->line,
				   "address %s, spec.json says %s", addr ? addr->text : "(none)", val_path_str(w, "address"));
		if (!name || strcmp(name->text, val_path_str(w, "name")))
			report_add(c->r, CHECK_FAIL, "nodes", "rancher-cluster.yml", n->line,
				   "hostname_override %s, spec.json says %s", name ? name->text : "(none)", val_path_str(w, "name"));
		n = n->next;
	}
	if (n)
		report_add(c->r, CHECK_FAIL, "nodes", "rancher-cluster.yml", n->line, "a node spec.json does not have");
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "nodes", "rancher-cluster.yml", 0, "%zu nodes as in spec.json", i);
}

/* The word after FLAG in a line, or NULL. */
static const struct shell_word *word_after(const struct shell_line *l, const char *flag, size_t *from)
{
	for (size_t i = from ? *from : 0; l && i + 1 < l->nwords; i++) {
		if (!strcmp(l->words[i].text, flag)) {
			if (from)
				*from = i + 2;
			return &l->words[i + 1];
		}
	}
	return NULL;
}

static const char *assigned(const struct script *s, const char *var, int *line)
{
	size_t n = strlen(var);
	for (size_t i = 0; s && i < s->nlines; i++) {
		const struct shell_line *l = &s->lines[i];
		if (l->nwords == 1 && !strncmp(l->words[0].text, var, n) && l->words[0].text[n] == '=') {
			*line = l->line;
			return l->words[0].text + n + 1;
		}
	}
	return NULL;
}

/* lb-nginx.sh publishes exactly the listen ports and mounts the config the
 * runbook names. */
static void check_lb_script(struct verify_ctx *c)
{
	const struct script *s = verify_script(c, "lb-nginx.sh");
	if (!s || !c->spec)
		return;
	size_t failed = c->r->failed;
	static const char *const run_d[] = {"docker", "run", "-d", NULL};
	size_t idx;
	const struct shell_line *run = script_find(s, run_d, 0, &idx);
	if (!run) {
		report_add(c->r, CHECK_FAIL, "ports", "lb-nginx.sh", 0, "no 'docker run -d' line");
		return;
	}
	size_t published = 0, from = 0;
	const struct shell_word *p;
	/* an IPv6 LB or upstream: the host's network, nothing published */
	const bool host_net = val_path_bool(c->view, "lb.ipv6");
	bool network_host = false;
	for (size_t i = 0; i + 1 < run->nwords; i++)
		network_host |= !strcmp(run->words[i].text, "--network") && !strcmp(run->words[i + 1].text, "host");
	if (host_net != network_host)
		report_add(c->r, CHECK_FAIL, "ports", "lb-nginx.sh", run->line, host_net
			   ? "an IPv6 address is involved but the container is not on the host's network (--network host)"
			   : "runs on the host's network, but no IPv6 address needs it");
	while ((p = word_after(run, "-p", &from))) {
		published++;
		long port = port_of(p->text);
		size_t n;
		bool listened = expected_upstream(c, port, &n) != NULL;
		char want[32];
		snprintf(want, sizeof(want), "%ld:%ld", port, port);
		if (!listened || strcmp(p->text, want))
			report_add(c->r, CHECK_FAIL, "ports", "lb-nginx.sh", run->line,
				   "publishes %s, but nginx.conf listens on %s", p->text, "the spec's ports only");
	}
	if (published != (host_net ? 0 : lb_port_count(c)))
		report_add(c->r, CHECK_FAIL, "ports", "lb-nginx.sh", run->line,
			   "publishes %zu ports; nginx.conf listens on %zu%s", published, lb_port_count(c),
			   host_net ? " on the host's network, where -p has no effect" : "");
	bool restart = false;
	for (size_t i = 0; i < run->nwords; i++)
		restart |= !strcmp(run->words[i].text, "--restart=unless-stopped");
	if (!restart)
		report_add(c->r, CHECK_FAIL, "ports", "lb-nginx.sh", run->line,
			   "no '--restart=unless-stopped' as one argument");
	int line = 0;
	const char *conf = assigned(s, "conf", &line);
	const char *want = val_path_str(c->spec, "loadBalancer.configPath");
	if (!conf || strcmp(conf, want))
		report_add(c->r, CHECK_FAIL, "ports", "lb-nginx.sh", line,
			   "installs the config as %s; spec.json says %s", conf ? conf : "(nothing)", want);
	const struct outfile *runbook = verify_file(c, "RUNBOOK.md");
	char needle[512];
	snprintf(needle, sizeof(needle), "beside `%s`", want);
	if (runbook && !strstr(runbook->data, needle))
		report_add(c->r, CHECK_FAIL, "ports", "RUNBOOK.md", 0, "does not name %s as nginx.conf's path", want);
	const struct shell_word *mount = word_after(run, "-v", NULL);
	if (!mount || strcmp(mount->text, "$conf:/etc/nginx/nginx.conf:ro"))
		report_add(c->r, CHECK_FAIL, "ports", "lb-nginx.sh", run->line,
			   "mounts %s, not the installed config read-only", mount ? mount->text : "nothing");
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "ports", "lb-nginx.sh", 0,
			   "publishes exactly the listen ports; mounts %s read-only", want);
}

/* A values file of the directory as YAML, or NULL. */
static const struct node *values_yaml(const struct verify_ctx *c, struct arena *a, const char *path)
{
	const struct outfile *f = verify_file(c, path);
	struct diags d = {0};
	const struct node *root = f ? load_yaml(a, path, f->data, f->len, &d) : NULL;
	diags_free(&d);
	return root;
}

/* One hostname everywhere, one IP in every patch. */
static void check_hostname(struct verify_ctx *c)
{
	if (!c->spec)
		return;
	size_t failed = c->r->failed;
	const char *host = val_path_str(c->spec, "rancher.hostname");
	const char *ip = val_path_str(c->view, "hostAliases.ip");
	size_t places = 0;
	struct arena ya = {0};
	const struct node *values = values_yaml(c, &ya, "values/rancher.yaml");
	const struct node *hv = node_member(values, "hostname");
	if (hv) {
		places++;
		if (hv->kind != NODE_SCALAR || strcmp(hv->text, host))
			report_add(c->r, CHECK_FAIL, "hostname", "values/rancher.yaml", hv->line,
				   "Rancher installed for %s; spec.json says %s", hv->kind == NODE_SCALAR ? hv->text : "(not a string)", host);
	} else if (verify_file(c, "values/rancher.yaml")) {
		report_add(c->r, CHECK_FAIL, "hostname", "values/rancher.yaml", 0, "sets no Rancher hostname");
	}
	arena_free(&ya);
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct outfile *f = &c->files[i];
		if (strncmp(f->path, "patches/", 8) || f->problem)
			continue;
		struct diags d = {0};
		struct arena a = {0};
		const struct node *root = json_parse(&a, f->path, f->data, f->len, &d);
		const struct node *spec = node_path(root, "spec.template.spec.hostAliases");
		size_t entries = 0;
		for (const struct node *e = spec && spec->kind == NODE_SEQ ? spec->first : NULL; e; e = e->next) {
			entries++;
			const struct node *eip = node_member(e, "ip");
			const struct node *names = node_member(e, "hostnames");
			if (!eip || eip->kind != NODE_SCALAR || strcmp(eip->text, ip))
				report_add(c->r, CHECK_FAIL, "alias-ip", f->path, eip ? eip->line : e->line,
					   "ip %s; spec.json says %s", eip ? eip->text : "(none)", ip);
			size_t n = 0;
			for (const struct node *h = names && names->kind == NODE_SEQ ? names->first : NULL; h; h = h->next) {
				n++;
				places++;
				if (h->kind != NODE_SCALAR || strcmp(h->text, host))
					report_add(c->r, CHECK_FAIL, "hostname", f->path, h->line,
						   "hostname %s; spec.json says %s", h->kind == NODE_SCALAR ? h->text : "(not a string)", host);
			}
			if (n != 1)
				report_add(c->r, CHECK_FAIL, "hostname", f->path, e->line, "%zu hostnames; exactly one (%s) expected", n, host);
		}
		if (root && entries != 1)
			report_add(c->r, CHECK_FAIL, "alias-ip", f->path, 0, "%zu hostAliases entries; exactly one expected", entries);
		diags_free(&d);
		arena_free(&a);
	}
	const struct outfile *runbook = verify_file(c, "RUNBOOK.md");
	if (runbook) {
		char title[512];
		snprintf(title, sizeof(title), "# Rancher HA runbook: `%s`\n", host);
		places++;
		if (strncmp(runbook->data, title, strlen(title)))
			report_add(c->r, CHECK_FAIL, "hostname", "RUNBOOK.md", 1, "the runbook is not for %s", host);
	}
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "hostname", NULL, 0, "%s in all %zu places; every alias points at %s", host, places, ip);
}

static bool line_has(const struct shell_line *l, const char *word)
{
	for (size_t k = 0; l && k < l->nwords; k++)
		if (!strcmp(l->words[k].text, word))
			return true;
	return false;
}

/* Whether L names chart NAME as the view says helm.sh takes it: the
 * repository's or mirror's NAME chart, or (charts.source dir) a word ending
 * in /CHART, the file name. */
static bool line_has_chart(const struct verify_ctx *c, const struct shell_line *l, const char *chart)
{
	if (!val_path_bool(c->view, "charts.from_dir"))
		return line_has(l, chart);
	size_t n = strlen(chart);
	for (size_t k = 0; l && k < l->nwords; k++) {
		size_t len = l->words[k].len;
		if (len > n && l->words[k].text[len - n - 1] == '/' && !strcmp(l->words[k].text + len - n, chart))
			return true;
	}
	return false;
}

/* The chart version install line L pins: its --version, else, for a chart
 * file, the VERSION of .../NAME-VERSION.tgz (helm pull's name for it). */
static const char *pinned_version(struct verify_ctx *c, const struct shell_line *l, const char *name)
{
	const struct shell_word *vw = word_after(l, "--version", NULL);
	if (vw)
		return vw->text;
	size_t n = strlen(name);
	for (size_t k = 0; l && k < l->nwords; k++) {
		const char *t = l->words[k].text, *slash = strrchr(t, '/');
		size_t len = l->words[k].len;
		const char *v = slash ? slash + 1 + n + 1 : NULL;
		if (slash && !strncmp(slash + 1, name, n) && slash[1 + n] == '-' && len > 4 &&
		    !strcmp(t + len - 4, ".tgz") && v < t + len - 4)
			return arena_strndup(&c->a, v, (size_t)(t + len - 4 - v));
	}
	return NULL;
}

/* tools.sh: one os/arch in every download, the Helm major helm.sh speaks. */
static void check_tools(struct verify_ctx *c)
{
	const struct script *t = verify_script(c, "tools.sh");
	if (!t || !c->spec)
		return;
	size_t failed = c->r->failed;
	const char *os = val_path_str(c->spec, "tools.os"), *arch = val_path_str(c->spec, "tools.arch");
	static const char *const fetch[] = {"fetch", NULL};
	size_t idx = 0, from = 0, urls = 0;
	long helm_major = -1;
	const struct shell_line *l;
	char kubectl[128], rke[128], helm[128];
	snprintf(kubectl, sizeof(kubectl), "/bin/%s/%s/kubectl", os, arch);
	snprintf(rke, sizeof(rke), "/rke_%s-%s", os, arch);
	snprintf(helm, sizeof(helm), "-%s-%s.tar.gz", os, arch);
	while ((l = script_find(t, fetch, from, &idx))) {
		from = idx + 1;
		if (l->nwords < 3 || strncmp(l->words[1].text, "https://", 8))
			continue; /* the definition of fetch(), not a call */
		const char *url = l->words[1].text;
		urls++;
		/* the rke release's sha256sum.txt lists every os/arch */
		bool sums = strstr(url, "/rancher/rke/releases/download/") && strstr(url, "/sha256sum.txt");
		bool ok = strstr(url, kubectl) || strstr(url, rke) || strstr(url, helm) || sums;
		if (!ok)
			report_add(c->r, CHECK_FAIL, "tools", "tools.sh", l->line,
				   "downloads %s, which is not for %s/%s", url, os, arch);
		const char *h = strstr(url, "/helm-v");
		if (h)
			helm_major = strtol(h + 7, NULL, 10);
	}
	if (!urls)
		report_add(c->r, CHECK_FAIL, "tools", "tools.sh", 0, "downloads nothing");
	const struct script *hs = verify_script(c, "helm.sh");
	static const char *const install[] = {"helm", "install", NULL}, *const init[] = {"helm", "init", NULL};
	bool v2 = script_find(hs, init, 0, NULL) != NULL, v3 = false;
	from = 0;
	while ((l = script_find(hs, install, from, &idx))) {
		from = idx + 1;
		bool named = false;
		for (size_t k = 0; k < l->nwords; k++)
			named |= !strcmp(l->words[k].text, "--name");
		if (named)
			v2 = true;
		else
			v3 = true;
		if (helm_major == 2 && !named)
			report_add(c->r, CHECK_FAIL, "helm-syntax", "helm.sh", l->line,
				   "Helm 3 syntax (positional release name), but tools.sh installs Helm 2");
		if (helm_major >= 3 && named)
			report_add(c->r, CHECK_FAIL, "helm-syntax", "helm.sh", l->line,
				   "Helm 2 syntax (--name), but tools.sh installs Helm %ld", helm_major);
	}
	if (v2 && v3)
		report_add(c->r, CHECK_FAIL, "helm-syntax", "helm.sh", 0, "mixes Helm 2 and Helm 3 syntax");
	static const char *const upgrade[] = {"helm", "upgrade", "--install", NULL};
	for (from = 0; (l = script_find(hs, upgrade, from, &idx)); from = idx + 1)
		if (helm_major == 2 && line_has(l, "--create-namespace"))
			report_add(c->r, CHECK_FAIL, "helm-syntax", "helm.sh", l->line,
				   "--create-namespace exists only from Helm 3.2; tools.sh installs Helm 2");
	if (helm_major >= 3 && script_find(hs, init, 0, &idx))
		report_add(c->r, CHECK_FAIL, "helm-syntax", "helm.sh", hs->lines[idx].line,
			   "'helm init' exists only in Helm 2; tools.sh installs Helm %ld", helm_major);
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "tools", "tools.sh", 0, "%zu downloads for %s/%s; helm.sh speaks Helm %ld",
			   urls, os, arch, helm_major);
}

/* The cert-manager steps are the ones its version needs (versions.c). */
static void check_cert_manager(struct verify_ctx *c)
{
	const struct script *hs = verify_script(c, "helm.sh");
	if (!hs || !c->spec)
		return;
	size_t failed = c->r->failed, idx = 0;
	const struct shell_line *inst = NULL;
	static const char *const install[] = {"helm", "upgrade", "--install", "cert-manager", NULL};
	static const char *const install2[] = {"helm", "install", NULL};
	for (size_t from = 0; (inst = script_find(hs, install, from, &idx)); from = idx + 1)
		if (line_has_chart(c, inst, val_path_str(c->view, "certManager.chart")))
			break;
	for (size_t from = 0; !inst && (inst = script_find(hs, install2, from, &idx)); from = idx + 1)
		if (line_has_chart(c, inst, val_path_str(c->view, "certManager.chart")))
			break;
	bool needed = val_path_bool(c->view, "certManager.needed");
	if (!needed) {
		if (inst)
			report_add(c->r, CHECK_FAIL, "cert-manager", "helm.sh", inst->line,
				   "installs cert-manager, which tls '%s' does not use", val_path_str(c->spec, "rancher.tls"));
		else
			report_add(c->r, CHECK_PASS, "cert-manager", "helm.sh", 0, "not installed (tls '%s')",
				   val_path_str(c->spec, "rancher.tls"));
		return;
	}
	if (!inst) {
		report_add(c->r, CHECK_FAIL, "cert-manager", "helm.sh", 0, "does not install cert-manager");
		return;
	}
	const char *version = pinned_version(c, inst, "cert-manager");
	version = version ? version : "";
	struct semver v;
	if (!semver_parse(version, &v)) {
		report_add(c->r, CHECK_FAIL, "cert-manager", "helm.sh", inst->line, "no cert-manager --version");
		return;
	}
	if (strcmp(version, val_path_str(c->spec, "certManager.version")))
		report_add(c->r, CHECK_FAIL, "cert-manager", "helm.sh", inst->line,
			   "installs cert-manager %s; spec.json says %s", version, val_path_str(c->spec, "certManager.version"));
	const struct cert_manager_procedure *p = cert_manager_procedure_for(&v);
	char url[256];
	cert_manager_crds_url(p, version, &v, url, sizeof(url));
	static const char *const apply[] = {"kubectl", "apply", NULL};
	static const char *const label[] = {"kubectl", "label", "namespace", "cert-manager", NULL};
	const struct shell_line *ap = script_find(hs, apply, 0, NULL);
	const struct shell_line *lb = script_find(hs, label, 0, NULL);
	/* the chart values come from values/cert-manager.yaml (or --set) */
	bool install_crds = false, crds_enabled = false;
	size_t from = 0;
	const struct shell_word *set;
	while ((set = word_after(inst, "--set", &from))) {
		install_crds |= !strcmp(set->text, "installCRDs=true");
		crds_enabled |= !strcmp(set->text, "crds.enabled=true");
	}
	struct arena ya = {0};
	const struct node *values = values_yaml(c, &ya, "values/cert-manager.yaml");
	const struct node *ic = node_member(values, "installCRDs"), *ce = node_path(values, "crds.enabled");
	install_crds |= ic && ic->kind == NODE_SCALAR && !strcmp(ic->text, "true");
	crds_enabled |= ce && ce->kind == NODE_SCALAR && !strcmp(ce->text, "true");
	arena_free(&ya);
	bool want_apply = p->crds == CM_CRDS_MANIFEST_LABEL || p->crds == CM_CRDS_MANIFEST;
	const struct shell_word *fw = word_after(ap, "-f", NULL);
	if (want_apply && (!ap || !fw || strcmp(fw->text, url)))
		report_add(c->r, CHECK_FAIL, "cert-manager", "helm.sh", ap ? ap->line : inst->line,
			   "cert-manager %s needs its CRDs applied from %s first", version, url);
	if (want_apply && ap && ap->line > inst->line)
		report_add(c->r, CHECK_FAIL, "cert-manager", "helm.sh", ap->line, "CRDs applied after the chart");
	if (!want_apply && ap)
		report_add(c->r, CHECK_FAIL, "cert-manager", "helm.sh", ap->line,
			   "applies a CRD manifest; cert-manager %s installs its CRDs from the chart", version);
	if ((p->crds == CM_CRDS_MANIFEST) != (ap && line_has(ap, "--validate=false")) && want_apply && ap)
		report_add(c->r, CHECK_FAIL, "cert-manager", "helm.sh", ap->line,
			   "cert-manager %s: the CRD manifest is applied %s --validate=false", version,
			   p->crds == CM_CRDS_MANIFEST ? "without" : "with");
	if ((p->crds == CM_CRDS_MANIFEST_LABEL) != (lb != NULL))
		report_add(c->r, CHECK_FAIL, "cert-manager", "helm.sh", lb ? lb->line : inst->line,
			   "cert-manager %s %s the disable-validation namespace label", version,
			   lb ? "does not need" : "needs");
	if ((p->crds == CM_CRDS_INSTALL_CRDS) != install_crds)
		report_add(c->r, CHECK_FAIL, "cert-manager", "helm.sh", inst->line, "cert-manager %s %s installCRDs=true",
			   version, install_crds ? "does not take" : "needs");
	if ((p->crds == CM_CRDS_ENABLED) != crds_enabled)
		report_add(c->r, CHECK_FAIL, "cert-manager", "helm.sh", inst->line, "cert-manager %s %s crds.enabled=true",
			   version, crds_enabled ? "does not take" : "needs");
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "cert-manager", "helm.sh", inst->line, "the steps cert-manager %s needs", version);
}

/* Every value from the spec that reaches a script is single-quoted there. */
static void check_quoting(struct verify_ctx *c)
{
	if (!c->spec)
		return;
	static const char *const fields[] = {
		"rancher.hostname", "loadBalancer.address", "loadBalancer.image", "loadBalancer.container",
		"loadBalancer.configPath", "tools.kubectl", "tools.rke", "tools.helm", "certManager.version",
		"rancher.chartVersion", "rancher.letsEncrypt.email", "hostAliases.ip", "rancher.bootstrapPasswordEnv",
		"charts.dir", "charts.url",
	};
	/* and what rke2/k3s scripts derive from the spec (the release may be the default) */
	static const char *const derived[] = {"cluster.release", "cluster.token_env", "cluster.join_url", "cluster.api_url"};
	const char *values[64];
	size_t nv = 0;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v = val_path_str(c->spec, fields[i]);
		if (strlen(v) >= 4)
			values[nv++] = v;
	}
	for (size_t i = 0; i < sizeof(derived) / sizeof(derived[0]); i++) {
		const struct val *v = val_path(c->view, derived[i]);
		if (v && v->kind == VAL_STR && v->len >= 4)
			values[nv++] = v->s;
	}
	size_t failed = c->r->failed, seen = 0;
	for (size_t si = 0; si < c->nscripts; si++) {
		const struct script *s = &c->scripts[si];
		for (size_t li = 0; li < s->nlines; li++) {
			const struct shell_line *l = &s->lines[li];
			for (size_t wi = 0; wi < l->nwords; wi++) {
				const struct shell_word *w = &l->words[wi];
				for (size_t vi = 0; vi < nv; vi++) {
					const char *hit = strstr(w->text, values[vi]);
					if (!hit)
						continue;
					seen++;
					size_t start = (size_t)(hit - w->text), end = start + strlen(values[vi]), off = 0;
					bool quoted = true;
					for (size_t pi = 0; pi < w->nparts; pi++) {
						size_t pend = off + w->parts[pi].len;
						if (pend > start && off < end && w->parts[pi].quote != SHELL_SINGLE)
							quoted = false;
						off = pend;
					}
					if (!quoted)
						report_add(c->r, CHECK_FAIL, "quoting", s->file->path, l->line,
							   "the spec value '%s' is not single-quoted", values[vi]);
				}
			}
		}
	}
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "quoting", NULL, 0, "%zu uses of spec values in scripts, all single-quoted", seen);
}

/* chart-pin: helm.sh installs the chart the view pins, and Helm 2 never
 * gets a chart its engine cannot render (versions.c, CHART_LOOKUP). */
static void check_chart_pin(struct verify_ctx *c)
{
	const struct script *hs = verify_script(c, "helm.sh");
	if (!hs || !c->spec)
		return;
	size_t failed = c->r->failed, idx = 0;
	static const char *const up[] = {"helm", "upgrade", "--install", "rancher", NULL};
	static const char *const init[] = {"helm", "init", NULL};
	const struct shell_line *l = script_find(hs, up, 0, &idx);
	if (!l) {
		report_add(c->r, CHECK_FAIL, "chart-pin", "helm.sh", 0, "no 'helm upgrade --install rancher'");
		return;
	}
	const char *pin = pinned_version(c, l, "rancher");
	const char *want = val_path_str(c->view, "rancher.chart_version");
	/* a file name carries Chart.yaml's version, without the 'v' */
	struct semver pv, wv;
	bool same = pin && (!strcmp(pin, want) || (val_path_bool(c->view, "charts.from_dir") &&
						    chart_version_parse(pin, &pv) && chart_version_parse(want, &wv) &&
						    !semver_cmp(&pv, &wv)));
	if (*want && !same)
		report_add(c->r, CHECK_FAIL, "chart-pin", "helm.sh", l->line, "Rancher chart %s; rhc's table pins %s",
			   pin ? pin : "unpinned", want);
	struct semver v = {2, 99, 0};
	const bool helm2 = script_find(hs, init, 0, NULL) != NULL;
	if (helm2 && (!pin || (chart_version_parse(pin, &v) && rancher_chart_has(&v, CHART_LOOKUP))))
		report_add(c->r, CHECK_FAIL, "chart-pin", "helm.sh", l->line,
			   "Helm 2 installs Rancher chart %s, whose templates call 'lookup' (from chart %s): Helm 2 cannot render it",
			   pin ? pin : "(unpinned: the newest)", rancher_chart_fact_since(&v, CHART_LOOKUP));
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "chart-pin", "helm.sh", l->line, "Rancher chart %s, one %s can render",
			   pin ? pin : "(unpinned)", helm2 ? "Helm 2" : "this Helm");
}

/* rollout-timeout: no `rollout status` in any script waits without bound. */
static void check_rollout_timeout(struct verify_ctx *c)
{
	if (!c->spec)
		return;
	size_t failed = c->r->failed, waits = 0;
	for (size_t si = 0; si < c->nscripts; si++) {
		const struct script *s = &c->scripts[si];
		for (size_t li = 0; li < s->nlines; li++) {
			const struct shell_line *l = &s->lines[li];
			bool status = false, bounded = false;
			for (size_t k = 0; k + 1 < l->nwords; k++)
				status |= !strcmp(l->words[k].text, "rollout") && !strcmp(l->words[k + 1].text, "status");
			if (!status)
				continue;
			waits++;
			for (size_t k = 0; k < l->nwords; k++)
				bounded |= (!strncmp(l->words[k].text, "--timeout=", 10) && l->words[k].text[10]) ||
					   (!strcmp(l->words[k].text, "--timeout") && k + 1 < l->nwords);
			if (!bounded)
				report_add(c->r, CHECK_FAIL, "rollout-timeout", s->file->path, l->line,
					   "'rollout status' without --timeout waits forever for a rollout that never finishes");
		}
	}
	int line = 0;
	const char *t = assigned(verify_script(c, "helm.sh"), "timeout", &line);
	const char *want = val_path_str(c->spec, "rancher.rolloutTimeout");
	if (verify_script(c, "helm.sh") && (!t || strcmp(t, want)))
		report_add(c->r, CHECK_FAIL, "rollout-timeout", "helm.sh", line,
			   "rollouts bounded by %s; spec.json says %s", t ? t : "nothing", want);
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "rollout-timeout", NULL, 0, "%zu rollout waits, each bounded by %s", waits, want);
}

/* workloads: patch.sh patches only workloads the chart line runs in the
 * local cluster, and no patch is for a workload the line removed. */
static void check_workloads(struct verify_ctx *c)
{
	const struct script *ps = verify_script(c, "patch.sh");
	if (!ps || !c->spec)
		return;
	size_t failed = c->r->failed, patched = 0;
	const long line = val_path_int(c->view, "rancher.line");
	const struct val *local = val_path(c->view, "hostAliases.local");
	static const char *const call[] = {"patch_workload", NULL};
	size_t idx = 0;
	const struct shell_line *l;
	for (size_t from = 0; (l = script_find(ps, call, from, &idx)); from = idx + 1) {
		if (l->nwords != 4 || !strcmp(l->words[3].text, "{"))
			continue; /* the definition, not a call KIND NAME FILE */
		const char *name = l->words[2].text;
		const struct rancher_workload *w = rancher_workload(name);
		bool known = false;
		for (const struct val *p = local ? local->first : NULL; p; p = p->next)
			known |= !strcmp(val_path_str(p, "workload"), name);
		patched++;
		if (!w || !known)
			report_add(c->r, CHECK_FAIL, "workloads", "patch.sh", l->line,
				   "patches %s, which Rancher 2.%ld does not run in its local cluster%s", name, line,
				   w && !rancher_workload_exists(w, line) ? " (removed from the line)" : "");
	}
	for (size_t i = 0; i < c->nfiles; i++) {
		const char *f = c->files[i].path;
		if (strncmp(f, "patches/", 8))
			continue;
		char name[128];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(f + 8, "."), f + 8);
		const struct rancher_workload *w = rancher_workload(name);
		if (!w || !rancher_workload_exists(w, line))
			report_add(c->r, CHECK_FAIL, "workloads", f, 0,
				   "a patch for %s, which Rancher 2.%ld does not have%s", name, line,
				   w ? arena_printf(&c->a, " (removed in 2.%ld)", w->removed) : "");
	}
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "workloads", "patch.sh", 0,
			   "%zu local workloads patched, each one Rancher 2.%ld runs there", patched, line);
}

/* ipv6-listen: where the LB or an upstream is IPv6, every server also
 * listens on [::]. */
static void check_ipv6_listen(struct verify_ctx *c)
{
	const struct nginx_directive *stream = c->nginx ? nginx_find(c->nginx, "stream") : NULL;
	if (!stream || !c->spec)
		return;
	bool v6 = strchr(val_path_str(c->spec, "loadBalancer.address"), ':') != NULL;
	for (const struct nginx_directive *u = stream->children; u; u = u->next)
		for (const struct nginx_directive *sv = u->children; !strcmp(u->name, "upstream") && sv; sv = sv->next)
			v6 |= !strcmp(sv->name, "server") && sv->nargs && sv->args[0].text[0] == '[';
	if (!v6) {
		report_add(c->r, CHECK_PASS, "ipv6-listen", "nginx.conf", 0, "no IPv6 address: IPv4 listeners suffice");
		return;
	}
	size_t failed = c->r->failed, servers = 0;
	for (const struct nginx_directive *sv = stream->children; sv; sv = sv->next) {
		if (strcmp(sv->name, "server") || !sv->block)
			continue;
		servers++;
		bool any6 = false;
		for (const struct nginx_directive *d = sv->children; d; d = d->next)
			any6 |= !strcmp(d->name, "listen") && d->nargs && !strncmp(d->args[0].text, "[::]:", 5);
		if (!any6)
			report_add(c->r, CHECK_FAIL, "ipv6-listen", "nginx.conf", sv->line,
				   "an IPv6 LB or upstream, but this server does not listen on [::]");
	}
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "ipv6-listen", "nginx.conf", 0, "%zu servers listen on [::] too", servers);
}

void check_consistency(struct verify_ctx *c)
{
	if (!c->spec)
		report_add(c->r, CHECK_SKIP, "consistency", "spec.json", 0,
			   "spec.json is missing or invalid: only the checks between artefacts run");
	check_upstreams(c);
	check_rke_nodes(c);
	check_lb_script(c);
	check_hostname(c);
	check_tools(c);
	check_cert_manager(c);
	check_chart_pin(c);
	check_rollout_timeout(c);
	check_workloads(c);
	check_ipv6_listen(c);
	check_quoting(c);
}

/* rhc verify --lb: DIR's nginx.conf run by the real nginx on loopback, with
 * only addresses and ports changed, in front of backends inside rhc that
 * answer with their node's name. The checks compare what clients see with
 * what spec.json promises: every worker reached, the spread of the balance
 * method, failures bounded by max_fails when a node dies, the node back
 * after fail_timeout, and how long a hung node holds a client.
 *
 * Report lines (check "lb", file nginx.conf) form a table: one row per port
 * and node (connections), then failover, recovery and hung per tested port. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "http.h"
#include "json.h"
#include "lb.h"
#include "lower.h"
#include "readfile.h"
#include "progress.h"
#include "verify_ctx.h"

#define STREAM_MODULE "/usr/lib/nginx/modules/ngx_stream_module.so"
#define LB_TIMEOUT_MS 2000	 /* a client's limit on one connection */
#define LB_HUNG_WAIT_MS 1500	 /* how long the hung-node client waits */
#define LB_START_TRIES 3	 /* a listen port taken meanwhile: new ports */
#define LB_REJOIN_MAX_MS 30000	 /* longest fail_timeout the rehearsal waits out */
#define LB_REJOIN_SLACK_MS 5000	 /* after fail_timeout, before "did not rejoin" */
#define LB_PER_NODE 20		 /* sequential connections per node and port */
#define LB_MAX_CONNECTIONS 4000	 /* per phase */
#define LB_SOURCES_PER_NODE 32	 /* hash: client addresses per node */
#define LB_MAX_SOURCES 2000	 /* 127.1.x.y: 250 per x */
#define LB_WINDOW_MAX_MS 20000	 /* longest failover window */
#define LB_SETTLE_MS 2		 /* after an HTTP answer, before the next client */

/* What spec.json promises about the load balancer. */
struct expect {
	const char *balance;
	long long max_fails;
	long long workers; /* worker_processes */
	bool zone;
	const char *fail_timeout;
	long fail_timeout_ms;
	const char *proxy_timeout;
};

/* One forwarded port's spread: connections per node, and for hash the node
 * each client address reached. */
struct spread {
	size_t *count; /* per node */
	char (*src)[INET_ADDRSTRLEN];
	int *src_node; /* -1: none, -2: more than one */
	size_t nsrc;
};

static bool hashed(const struct expect *ex)
{
	return !strcmp(ex->balance, "hash");
}

static int read_file(const char *dir, const char *name, struct buf *b)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	char why[READ_WHY];
	b->data = read_regular(dfd, name, O_NOFOLLOW, VERIFY_MAX_FILE, &b->len, why);
	close(dfd);
	return b->data ? 0 : -1;
}

static bool has_name(const struct nginx_directive *list, const char *name)
{
	for (const struct nginx_directive *n = list; n; n = n->next)
		if (!strcmp(n->name, name) || has_name(n->children, name))
			return true;
	return false;
}

static const struct nginx_directive *first_foreign(const struct nginx_directive *list,
						   const struct nginx_directive *own)
{
	for (const struct nginx_directive *n = list; n; n = n->next) {
		if (!has_name(own, n->name))
			return n;
		const struct nginx_directive *in = first_foreign(n->children, own);
		if (in)
			return in;
	}
	return NULL;
}

/* A real nginx runs the file here, outside any sandbox: its values may
 * differ from the spec's (that is what the rehearsal measures), but it may
 * use no directive that rhc's own nginx.conf for spec.json does not (an
 * error_log, include or pid line would make nginx write or read elsewhere).
 * True after reporting one. */
static bool foreign_directive(struct lb *lb, struct diags *d)
{
	size_t len = 0;
	char *own_text = verify_rendering_of(lb->spec, lb->view, "nginx.conf", &len);
	const struct nginx_directive *own = own_text ? nginx_conf_parse(&lb->a, "rendered nginx.conf", own_text, len, d) : NULL;
	free(own_text);
	const struct nginx_directive *bad = own ? first_foreign(lb->conf, own) : lb->conf;
	if (bad)
		report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", bad->line,
			   "'%.64s' is not a directive of rhc's nginx.conf for spec.json: the rehearsal does not run it", bad->name);
	return bad != NULL;
}

/* spec.json and nginx.conf as verify_dir reads them; their faults are
 * reported there, so here they only explain a SKIP. */
static int load_inputs(struct lb *lb)
{
	struct buf spec = {0}, conf = {0};
	struct diags d = {0};
	if (read_file(lb->dir, "spec.json", &spec) || read_file(lb->dir, "nginx.conf", &conf)) {
		report_add(lb->r, CHECK_SKIP, "lb", "nginx.conf", 0, "needs spec.json and nginx.conf: %s", strerror(errno));
		buf_free(&spec);
		return -1;
	}
	struct node *root = json_parse(&lb->a, "spec.json", spec.data ? spec.data : "", spec.len, &d);
	struct val *checked = root ? compile_check_tree(&lb->a, "spec.json", root, &d) : NULL;
	if (checked && !d.errors) {
		lb->spec = checked;
		lb->view = lower_spec(&lb->a, checked);
		lb->conf = nginx_conf_parse(&lb->a, "nginx.conf", conf.data ? conf.data : "", conf.len, &d);
	}
	int rc = lb->conf && !d.errors ? 0 : -1;
	if (rc) {
		report_add(lb->r, CHECK_SKIP, "lb", "nginx.conf", 0,
			   "spec.json or nginx.conf does not parse (see the parse checks): nothing to rehearse");
	} else if (foreign_directive(lb, &d)) {
		rc = -1;
	}
	diags_free(&d);
	buf_free(&spec);
	buf_free(&conf);
	return rc;
}

static bool tools_present(struct lb *lb)
{
	const char *missing = NULL;
	lb->nginx = lb_nginx_find();
	if (!lb->nginx)
		missing = "nginx is not on PATH nor in /usr/sbin (Debian package: nginx)";
	else if (access(STREAM_MODULE, R_OK))
		missing = STREAM_MODULE " is missing (Debian package: libnginx-mod-stream)";
	else
		missing = http_global_init(); /* libcurl, loaded here before any thread starts */
	if (missing)
		report_add(lb->r, lb->opt->require_tools ? CHECK_FAIL : CHECK_SKIP, "lb", "nginx.conf", 0, "%s", missing);
	return !missing;
}

static void expect_from_spec(const struct lb *lb, struct expect *ex)
{
	ex->balance = val_path_str(lb->spec, "loadBalancer.balance");
	ex->max_fails = val_path_int(lb->spec, "loadBalancer.maxFails");
	ex->workers = val_path_int(lb->spec, "loadBalancer.workerProcesses");
	ex->zone = val_path_bool(lb->spec, "loadBalancer.zone");
	ex->fail_timeout = val_path_str(lb->spec, "loadBalancer.failTimeout");
	ex->fail_timeout_ms = lb_time_ms(ex->fail_timeout);
	ex->proxy_timeout = val_path_str(lb->spec, "loadBalancer.proxyTimeout");
}

/* The node of each server of upstream UP (IN[node] = true); their count. */
static size_t upstream_nodes(const struct lb *lb, const struct nginx_directive *up, bool *in)
{
	size_t n = 0;
	memset(in, 0, lb->nnodes * sizeof(*in));
	for (const struct nginx_directive *s = up ? up->children : NULL; s; s = s->next)
		for (size_t i = 0; i < lb->nrefs; i++)
			if (s->nargs && lb->refs[i].arg == &s->args[0]) {
				size_t node = lb->backends[lb->refs[i].backend].node;
				n += !in[node];
				in[node] = true;
			}
	return n;
}

/* The backend that server S of an upstream became, or (size_t)-1. */
static size_t backend_of(const struct lb *lb, const struct nginx_directive *s)
{
	for (size_t i = 0; i < lb->nrefs; i++)
		if (s->nargs && lb->refs[i].arg == &s->args[0])
			return lb->refs[i].backend;
	return (size_t)-1;
}

static int name_width(const struct lb *lb)
{
	size_t w = 8;
	for (size_t i = 0; i < lb->nnodes; i++)
		if (strlen(lb->nodes[i].name) > w)
			w = strlen(lb->nodes[i].name);
	return (int)(w > 40 ? 40 : w);
}

static void report_started(struct lb *lb, const struct expect *ex)
{
	struct buf b = {0};
	for (size_t i = 0; i < lb->nlistens; i++)
		buf_printf(&b, "%s%ld -> 127.0.0.1:%d", i ? ", " : "", lb->listens[i].port, lb->listens[i].lport);
	size_t workers = 0;
	for (size_t i = 0; i < lb->nnodes; i++)
		workers += lb->nodes[i].worker;
	report_add(lb->r, CHECK_PASS, "lb", "nginx.conf", 0,
		   "%s runs it with only addresses and ports changed, as %s: listen %s; upstream hosts %zu "
		   "(worker nodes %zu) on 127.0.0.2.. with backends inside rhc; %s, worker_processes %lld, %s",
		   lb->nginx, geteuid() ? "a normal user" : "root", b.data ? b.data : "", lb->nnodes, workers,
		   ex->balance, ex->workers, ex->zone ? "shared zone" : "no zone");
	buf_free(&b);
}

/* rke2/k3s: PORT is an API port, whose upstream lists the servers, not the workers. */
static bool api_port(const struct lb *lb, long port)
{
	const struct val *ups = val_path(lb->view, "lb.upstreams");
	for (const struct val *u = ups ? ups->first : NULL; u; u = u->next)
		if (val_path_int(u, "port") == port)
			return !val_path_bool(u, "ingress");
	return false;
}

static bool expected_on(const struct lb_node *n, bool api)
{
	return api ? n->server : n->worker;
}

/* A node of spec.json the port expects, by name, among the nodes (or -1: in no upstream). */
static int node_of(const struct lb *lb, const char *name, bool api)
{
	for (size_t i = 0; i < lb->nnodes; i++)
		if (expected_on(&lb->nodes[i], api) && !strcmp(lb->nodes[i].name, name))
			return (int)i;
	return -1;
}

static void spread_sequential(struct lb *lb, const struct lb_listen *l, size_t n_up, struct spread *sp,
			      size_t *total, size_t *failed, char *first_error)
{
	*total = n_up * LB_PER_NODE > LB_MAX_CONNECTIONS ? LB_MAX_CONNECTIONS : n_up * LB_PER_NODE;
	for (size_t k = 0; k < *total && !lb_interrupted(); k++) {
		struct lb_answer ans;
		lb_connect(lb, l, NULL, LB_TIMEOUT_MS, false, &ans);
		/* libcurl returns once the body is in, maybe before nginx has
		 * closed the session: least_conn would see it still open */
		if (l->http)
			lb_sleep_ms(LB_SETTLE_MS);
		if (ans.node >= 0) {
			sp->count[ans.node]++;
		} else if (!(*failed)++) {
			strcpy(first_error, ans.error);
		}
	}
}

/* hash: every client address 127.1.x.y sends two connections; each must
 * reach one node, and the addresses together every node. */
static void spread_hashed(struct lb *lb, const struct lb_listen *l, size_t n_up, struct spread *sp,
			  size_t *total, size_t *failed, char *first_error)
{
	size_t want = n_up * LB_SOURCES_PER_NODE;
	sp->nsrc = want > LB_MAX_SOURCES ? LB_MAX_SOURCES : want;
	*total = 0;
	for (size_t s = 0; s < sp->nsrc && !lb_interrupted(); s++) {
		snprintf(sp->src[s], INET_ADDRSTRLEN, "127.1.%u.%u", (unsigned char)(s / 250), (unsigned char)(s % 250 + 1));
		sp->src_node[s] = -1;
		for (int k = 0; k < 2; k++, (*total)++) {
			struct lb_answer ans;
			lb_connect(lb, l, sp->src[s], LB_TIMEOUT_MS, false, &ans);
			if (ans.node < 0) {
				if (!(*failed)++)
					strcpy(first_error, ans.error);
				continue;
			}
			sp->count[ans.node]++;
			if (sp->src_node[s] == -1)
				sp->src_node[s] = ans.node;
			else if (sp->src_node[s] != ans.node)
				sp->src_node[s] = -2;
		}
	}
}

static size_t sources_of(const struct spread *sp, int node)
{
	size_t n = 0;
	for (size_t s = 0; s < sp->nsrc; s++)
		n += sp->src_node[s] == node;
	return n;
}

/* One row per node of spec.json the port expects (the workers, or on an API
 * port the servers), then one per host that is not one. */
static void report_spread(struct lb *lb, const struct expect *ex, const struct lb_listen *l, const bool *in,
			  size_t n_up, const struct spread *sp, size_t total)
{
	int w = name_width(lb);
	double share = n_up ? (double)total / (double)n_up : 0;
	long tol = (ex->zone ? 1 : (long)ex->workers) + 1;
	bool api = api_port(lb, l->port);
	const struct val *workers = val_path(lb->view, api ? "lb.servers" : "lb.workers");
	for (const struct val *v = workers ? workers->first : NULL; v; v = v->next) {
		const char *name = val_path_str(v, "name");
		int node = node_of(lb, name, api);
		size_t got = node >= 0 ? sp->count[node] : 0;
		char why[160] = "";
		if (node < 0 || !in[node])
			snprintf(why, sizeof(why), ": not in upstream %s", l->upstream ? l->upstream->args[0].text : "(none)");
		else if (!got)
			snprintf(why, sizeof(why), ": never reached");
		else if (!hashed(ex) && (got + (size_t)tol < share || (double)got > share + (double)tol))
			snprintf(why, sizeof(why), ": uneven");
		if (hashed(ex))
			report_add(lb->r, *why ? CHECK_FAIL : CHECK_PASS, "lb", "nginx.conf", 0,
				   "port %-5ld %-*s %4zu of %zu connections, from %zu of %zu client addresses "
				   "(hash: one node per address)%s",
				   l->port, w, name, got, total, node >= 0 ? sources_of(sp, node) : 0, sp->nsrc, why);
		else
			report_add(lb->r, *why ? CHECK_FAIL : CHECK_PASS, "lb", "nginx.conf", 0,
				   "port %-5ld %-*s %4zu of %zu connections (%s, sequential: %.0f each, within %ld)%s",
				   l->port, w, name, got, total, ex->balance, share, tol, why);
	}
	for (size_t i = 0; i < lb->nnodes; i++)
		if (!expected_on(&lb->nodes[i], api) && (in[i] || sp->count[i]))
			report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", 0,
				   "port %-5ld %-*s %4zu of %zu connections: %s is no %s node of spec.json",
				   l->port, w, lb->nodes[i].name, sp->count[i], total, lb->nodes[i].host,
				   api ? "server" : "worker");
	for (size_t s = 0; s < sp->nsrc; s++)
		if (sp->src_node[s] == -2) {
			report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", 0,
				   "port %ld: client %s reached more than one node: hash $remote_addr keeps a client on one",
				   l->port, sp->src[s]);
			break;
		}
}

static void spread(struct lb *lb, const struct expect *ex, const struct lb_listen *l, struct spread *sp)
{
	bool *in = arena_alloc(&lb->a, lb->nnodes * sizeof(*in) + 1);
	size_t n_up = upstream_nodes(lb, l->upstream, in);
	sp->count = arena_alloc(&lb->a, (lb->nnodes + 1) * sizeof(*sp->count));
	sp->src = arena_alloc(&lb->a, LB_MAX_SOURCES * sizeof(*sp->src));
	sp->src_node = arena_alloc(&lb->a, LB_MAX_SOURCES * sizeof(*sp->src_node));
	if (!n_up) {
		report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", 0,
			   "port %ld: proxy_pass names no upstream with servers", l->port);
		return;
	}
	size_t total = 0, failed = 0;
	char first_error[LB_ERROR_MAX] = "";
	if (hashed(ex))
		spread_hashed(lb, l, n_up, sp, &total, &failed, first_error);
	else
		spread_sequential(lb, l, n_up, sp, &total, &failed, first_error);
	if (lb_interrupted())
		return;
	report_spread(lb, ex, l, in, n_up, sp, total);
	if (failed)
		report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", 0,
			   "port %ld: %zu of %zu connections got no node's answer (first: %s)", l->port, failed, total,
			   first_error);
}

/* The client addresses a phase uses: for hash, those that reached NODE;
 * otherwise 127.0.0.1 (NULL). */
static size_t phase_sources(const struct expect *ex, const struct spread *sp, int node, const char **out)
{
	size_t n = 0;
	if (!hashed(ex)) {
		out[0] = NULL;
		return 1;
	}
	for (size_t s = 0; s < sp->nsrc; s++)
		if (sp->src_node[s] == node)
			out[n++] = sp->src[s];
	return n;
}

/* The node a phase stops or hangs: the first worker among the upstream's
 * servers (for hash, one that client addresses reached), other than AVOID
 * when there is another. */
static size_t pick_backend(const struct lb *lb, const struct expect *ex, const struct lb_listen *l,
			   const struct spread *sp, size_t avoid)
{
	size_t found = (size_t)-1;
	for (const struct nginx_directive *s = l->upstream ? l->upstream->children : NULL; s; s = s->next) {
		size_t b = strcmp(s->name, "server") ? (size_t)-1 : backend_of(lb, s);
		if (b == (size_t)-1 || !lb->nodes[lb->backends[b].node].worker)
			continue;
		if (hashed(ex) && !sources_of(sp, (int)lb->backends[b].node))
			continue;
		if (b != avoid)
			return b;
		found = b;
	}
	return found;
}

struct failover {
	size_t backend;
	int node;
	const char **src;
	size_t nsrc;
	char marker[48];	 /* "127.0.0.2:40123", as nginx logs the server */
	struct lb_tries *tries;	 /* refused connects nginx logged, per worker */
	size_t sent, client_failed, after;
	long marked_ms;		 /* when the last try was seen */
};

/* The dead node's window, all within fail_timeout of the first try:
 * enough connections that a node never marked down would cost more than
 * the bound, then a run without a try long enough that each worker process
 * would have come back to the node (nginx counts per worker without a zone,
 * so then also until every worker has tried it, as far as the kernel hands
 * each one connections within the window). */
static void measure_failures(struct lb *lb, const struct expect *ex, const struct lb_listen *l, size_t n_up,
			     long long bound, struct failover *f)
{
	size_t per = hashed(ex) ? 1 : n_up;
	long long least = (bound + 1) * 2 * (long long)per;
	size_t tail = per * 2 * (size_t)(ex->zone ? 1 : ex->workers);
	long start = lb_now_ms(), window = ex->fail_timeout_ms * 8 / 10;
	if (window > LB_WINDOW_MAX_MS)
		window = LB_WINDOW_MAX_MS;
	f->marked_ms = start;
	for (f->sent = 0, f->after = 0; f->sent < LB_MAX_CONNECTIONS && lb_now_ms() - start < window; f->sent++) {
		/* without a zone, wait for every worker process to count its tries */
		bool all = ex->zone || (long long)f->tries->n >= ex->workers;
		if (((long long)f->sent >= least && f->after >= tail && all) || lb_interrupted())
			break;
		progress_show(f->sent == 0, "rhc verify --lb: port %ld failover: %.1f/%.1f s, %zu connections, %s down",
			      l->port, (double)(lb_now_ms() - start) / 1000, (double)window / 1000, f->sent,
			      lb->nodes[f->node].name);
		struct lb_answer ans;
		lb_connect(lb, l, f->src[f->sent % f->nsrc], LB_TIMEOUT_MS, false, &ans);
		f->client_failed += ans.node < 0;
		f->after++;
		if (lb_log_refused(lb, f->marker, f->tries)) {
			f->after = 0;
			f->marked_ms = lb_now_ms();
		}
	}
}

/* "3, 2, 1 by 3 of 4 worker processes" */
static const char *tries_by_worker(struct lb *lb, const struct lb_tries *t, long long workers, int *most)
{
	struct buf b = {0};
	*most = 0;
	for (size_t i = 0; i < t->n; i++) {
		buf_printf(&b, "%s%d", i ? ", " : "", t->count[i]);
		if (t->count[i] > *most)
			*most = t->count[i];
	}
	buf_printf(&b, " by %zu of %lld worker processes", t->n, workers);
	const char *s = arena_strdup(&lb->a, b.data ? b.data : "");
	buf_free(&b);
	return s;
}

static void report_failures(struct lb *lb, const struct expect *ex, const struct lb_listen *l, long long bound,
			    const struct failover *f)
{
	const char *name = lb->nodes[f->node].name;
	int most;
	const char *by = tries_by_worker(lb, f->tries, ex->workers, &most);
	char why[200] = "";
	if (!f->tries->total)
		snprintf(why, sizeof(why), ": nginx never tried the stopped node (no refused connect() in its error log)");
	else if (f->tries->total > bound || (!ex->zone && most > ex->max_fails))
		snprintf(why, sizeof(why), ": more than max_fails allows");
	else if ((long long)f->client_failed > bound)
		snprintf(why, sizeof(why), ": more client failures than max_fails allows");
	report_add(lb->r, *why ? CHECK_FAIL : CHECK_PASS, "lb", "nginx.conf", 0,
		   "port %-5ld failover: %s stopped (refuses connections): nginx tried it %d times (%s), bound %lld "
		   "(%s); then %zu connections without a try, within fail_timeout %s; %zu of %zu clients saw a "
		   "failure%s%s",
		   l->port, name, f->tries->total, by, bound,
		   ex->zone ? arena_printf(&lb->a, "max_fails %lld, counted once in the shared zone", ex->max_fails) :
			      arena_printf(&lb->a, "max_fails %lld per worker process x %lld, no zone", ex->max_fails,
					   ex->workers),
		   f->after, ex->fail_timeout, f->client_failed, f->sent,
		   f->client_failed ? "" : " (nginx passed each refused try on to the next node)", why);
}

/* Back up: clients must reach it again once fail_timeout has passed since
 * nginx's last try (nginx compares whole seconds: up to 1 s later). */
static void measure_rejoin(struct lb *lb, const struct expect *ex, const struct lb_listen *l, struct failover *f)
{
	const char *name = lb->nodes[f->node].name;
	if (lb_backend_set(lb, f->backend, LB_UP)) {
		report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", 0, "port %ld: cannot listen again for %s: %s",
			   l->port, name, strerror(errno));
		return;
	}
	long up = lb_now_ms(), deadline = f->marked_ms + ex->fail_timeout_ms + LB_REJOIN_SLACK_MS;
	for (size_t k = 0; lb_now_ms() < deadline && !lb_interrupted(); k++) {
		progress_show(k == 0, "rhc verify --lb: port %ld recovery: %.1f/%.1f s, waiting for %s", l->port,
			      (double)(lb_now_ms() - up) / 1000, (double)(deadline - up) / 1000, name);
		struct lb_answer ans;
		lb_connect(lb, l, f->src[k % f->nsrc], LB_TIMEOUT_MS, false, &ans);
		if (ans.node == f->node) {
			long now = lb_now_ms();
			bool early = now - f->marked_ms < ex->fail_timeout_ms - 1000;
			report_add(lb->r, CHECK_PASS, "lb", "nginx.conf", 0,
				   "port %-5ld recovery: %s reached again %.2f s after it came back, %.2f s after "
				   "nginx's last try (fail_timeout %s)%s",
				   l->port, name, (double)(now - up) / 1000, (double)(now - f->marked_ms) / 1000,
				   ex->fail_timeout,
				   early ? ": by a worker process that had not counted max_fails yet (no zone)" : "");
			return;
		}
		lb_sleep_ms(10);
	}
	if (!lb_interrupted())
		report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", 0,
			   "port %-5ld recovery: %s not reached again within fail_timeout %s + %d s after nginx's "
			   "last try",
			   l->port, name, ex->fail_timeout, LB_REJOIN_SLACK_MS / 1000);
}

static void failover(struct lb *lb, const struct expect *ex, const struct lb_listen *l, const struct spread *sp,
		     struct failover *f)
{
	bool *in = arena_alloc(&lb->a, lb->nnodes * sizeof(*in) + 1);
	size_t n_up = upstream_nodes(lb, l->upstream, in);
	f->backend = pick_backend(lb, ex, l, sp, (size_t)-1);
	if (f->backend == (size_t)-1)
		return; /* the spread rows already say why */
	const struct lb_backend *b = &lb->backends[f->backend];
	f->node = (int)b->node;
	f->src = arena_alloc(&lb->a, (sp->nsrc + 1) * sizeof(*f->src));
	f->nsrc = phase_sources(ex, sp, f->node, f->src);
	f->tries = arena_alloc(&lb->a, sizeof(*f->tries));
	if (n_up == 1 || ex->max_fails == 0 || ex->fail_timeout_ms <= 0) {
		report_add(lb->r, CHECK_SKIP, "lb", "nginx.conf", 0, "port %ld failover: %s", l->port,
			   n_up == 1 ? "nginx never marks the only server of an upstream down (it ignores max_fails)" :
				       "max_fails 0: nginx never marks a node down");
		return;
	}
	snprintf(f->marker, sizeof(f->marker), "%s:%d", lb->nodes[b->node].addr, b->bport);
	long long bound = ex->max_fails * (ex->zone ? 1 : ex->workers);
	lb_log_refused(lb, f->marker, NULL); /* start counting now */
	if (lb_backend_set(lb, f->backend, LB_DOWN)) {
		report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", 0, "port %ld: cannot stop the backend of %s: %s",
			   l->port, lb->nodes[f->node].name, strerror(errno));
		return;
	}
	measure_failures(lb, ex, l, n_up, bound, f);
	if (lb_interrupted())
		return;
	report_failures(lb, ex, l, bound, f);
	if (ex->fail_timeout_ms > LB_REJOIN_MAX_MS) {
		lb_backend_set(lb, f->backend, LB_UP);
		report_add(lb->r, CHECK_SKIP, "lb", "nginx.conf", 0,
			   "port %ld recovery: fail_timeout %s is longer than the rehearsal waits (%d s)", l->port,
			   ex->fail_timeout, LB_REJOIN_MAX_MS / 1000);
		return;
	}
	measure_rejoin(lb, ex, l, f);
}

static void report_hung(struct lb *lb, const struct expect *ex, const struct lb_listen *l, const char *name,
			const struct lb_answer *ans, const char *conf_timeout, long pt_ms, bool measurable)
{
	if (ans->timed_out) {
		report_add(lb->r, measurable ? CHECK_FAIL : CHECK_PASS, "lb", "nginx.conf", 0,
			   "port %-5ld hung: %s accepts and never answers: its client got nothing for %.2f s, when "
			   "the client gave up; nginx holds such a client until proxy_timeout %s (spec.json: %s)%s",
			   l->port, name, ans->seconds, conf_timeout, ex->proxy_timeout,
			   measurable ? ", but it did not close it then" : "");
		return;
	}
	bool early = ans->seconds * 1000 < (double)pt_ms - 300;
	report_add(lb->r, measurable && !early ? CHECK_PASS : CHECK_FAIL, "lb", "nginx.conf", 0,
		   "port %-5ld hung: %s accepts and never answers: nginx closed its client after %.2f s "
		   "(proxy_timeout %s, spec.json: %s)%s",
		   l->port, name, ans->seconds, conf_timeout, ex->proxy_timeout,
		   early ? ": before the configured timeout" : "");
}

/* A node that accepts and never answers. nginx gives up on it only after
 * proxy_timeout (10m by default), which the rehearsal must not rewrite (only
 * addresses and ports change): so the client waits its own short limit and
 * the report names the configured timeout that would end the wait. When
 * proxy_timeout is 2 s or less, nginx's own close is measured instead.
 * proxy_connect_timeout does not apply: the node accepted. */
static void hung(struct lb *lb, const struct expect *ex, const struct lb_listen *l, const struct spread *sp,
		 size_t avoid)
{
	size_t b = pick_backend(lb, ex, l, sp, avoid);
	if (b == (size_t)-1)
		return;
	int node = (int)lb->backends[b].node;
	const char **src = arena_alloc(&lb->a, (sp->nsrc + 1) * sizeof(*src));
	size_t nsrc = phase_sources(ex, sp, node, src);
	const struct nginx_directive *pt = lb_setting(l->server, "proxy_timeout");
	const char *conf_timeout = pt && pt->nargs ? pt->args[0].text : "10m (nginx's default)";
	long pt_ms = lb_time_ms(pt && pt->nargs ? pt->args[0].text : "10m");
	bool measurable = pt_ms > 0 && pt_ms <= 2000;
	long limit = measurable ? pt_ms + 1000 : LB_HUNG_WAIT_MS;
	bool *in = arena_alloc(&lb->a, lb->nnodes * sizeof(*in) + 1);
	size_t tries = 2 * upstream_nodes(lb, l->upstream, in) + 2;
	if (lb_backend_set(lb, b, LB_HUNG))
		return;
	struct lb_answer ans = {.node = 0};
	progress_show(true, "rhc verify --lb: port %ld hung: up to %.1f s, %s never answers",
		      l->port, (double)limit / 1000, lb->nodes[node].name);
	for (size_t k = 0; k < tries && ans.node >= 0 && !lb_interrupted(); k++)
		lb_connect(lb, l, src[k % nsrc], limit, true, &ans);
	lb_backend_set(lb, b, LB_UP);
	if (lb_interrupted())
		return;
	if (ans.node >= 0)
		report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", 0,
			   "port %-5ld hung: no client reached the hung %s in %zu connections", l->port,
			   lb->nodes[node].name, tries);
	else
		report_hung(lb, ex, l, lb->nodes[node].name, &ans, conf_timeout, pt_ms, measurable);
}

static int start_nginx(struct lb *lb)
{
	char why[512] = "";
	for (int tries = 0; tries < LB_START_TRIES && !lb_interrupted(); tries++) {
		if (lb_conf_assign_listens(lb) || lb_conf_write(lb)) {
			report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", 0, "cannot write the rehearsal copy: %s",
				   strerror(errno));
			return -1;
		}
		if (!lb_nginx_start(lb, why, sizeof(why)))
			return 0;
		if (!strstr(why, "Address already in use"))
			break;
	}
	if (!lb_interrupted())
		report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", 0, "nginx does not run the rehearsal copy: %s", why);
	return -1;
}

static void rehearse(struct lb *lb)
{
	struct expect ex;
	expect_from_spec(lb, &ex);
	if (lb_conf_collect(lb))
		return;
	if (lb_backends_bind(lb) || lb_tmp_make(lb)) {
		report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", 0, "cannot set up on loopback: %s", strerror(errno));
		return;
	}
	lb_conf_assign_servers(lb);
	progress_show(true, "rhc verify --lb: starting nginx and the backends");
	if (start_nginx(lb))
		return;
	if (lb_backends_start(lb)) {
		report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", 0, "cannot start the backends: %s", strerror(errno));
		return;
	}
	report_started(lb, &ex);
	struct spread *sp = arena_alloc(&lb->a, lb->nlistens * sizeof(*sp));
	for (size_t i = 0; i < lb->nlistens && !lb_interrupted(); i++) {
		progress_show(true, "rhc verify --lb: port %ld spread: connecting through nginx",
			      lb->listens[i].port);
		spread(lb, &ex, &lb->listens[i], &sp[i]);
	}
	/* failover on the first port: each costs fail_timeout of waiting */
	struct failover f = {.backend = (size_t)-1};
	if (!lb_interrupted() && lb->listens[0].upstream)
		failover(lb, &ex, &lb->listens[0], &sp[0], &f);
	if (!lb_interrupted() && lb->listens[0].upstream)
		hung(lb, &ex, &lb->listens[0], &sp[0], f.backend);
}

int verify_lb(const char *dir, const struct verify_options *opt, struct report *r)
{
	static const struct verify_options defaults = {0};
	struct lb lb = {.opt = opt ? opt : &defaults, .r = r, .dir = dir, .log_fd = -1};
	if (!tools_present(&lb) || load_inputs(&lb)) {
		arena_free(&lb.a);
		return 0;
	}
	lb_signals_install(&lb);
	rehearse(&lb);
	progress_clear();
	lb_nginx_stop(&lb);
	lb_backends_stop(&lb);
	lb_tmp_remove(&lb);
	lb_signals_restore();
	if (lb_interrupted())
		report_add(r, CHECK_FAIL, "lb", "nginx.conf", 0,
			   "interrupted by signal %d: nginx stopped, backends closed, temporary files removed",
			   lb_interrupted());
	arena_free(&lb.a);
	return 0;
}

/* nginx.conf for the rehearsal: the parsed tree, with only addresses and
 * ports changed (upstream servers -> their node's loopback address and a
 * backend port, listens -> 127.0.0.1 and a free port), written back out.
 * Every other directive and parameter stays as generated. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lb.h"

long lb_port_of(const char *arg)
{
	const char *colon = strrchr(arg, ':');
	const char *close = strchr(arg, ']');
	const char *digits = colon && (!close || colon > close) ? colon + 1 : arg;
	char *end;
	long p = strtol(digits, &end, 10);
	return *digits && !*end && p > 0 && p < 65536 ? p : 0;
}

static const char *host_of(struct arena *a, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	const char *close = strchr(arg, ']');
	if (!colon || (close && colon < close))
		return arg;
	return arena_strndup(a, arg, (size_t)(colon - arg));
}

long lb_time_ms(const char *s)
{
	static const struct {
		const char *unit;
		long ms;
	} units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
	long total = 0;
	if (!s || !*s)
		return -1;
	while (*s) {
		char *end;
		long n = strtol(s, &end, 10);
		if (end == s || n < 0 || n > 1000000000L)
			return -1;
		long unit = 1000; /* bare digits: seconds */
		size_t len = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t k = strlen(units[i].unit);
			if (!strncmp(end, units[i].unit, k) && k > len)
				unit = units[i].ms, len = k;
		}
		if (*end && !len)
			return -1;
		if (n > (86400000L * 365) / unit)
			return -1;
		total += n * unit;
		s = end + len;
	}
	return total;
}

const struct nginx_directive *lb_setting(const struct nginx_directive *block, const char *name)
{
	for (const struct nginx_directive *b = block; b; b = b->parent) {
		const struct nginx_directive *d = nginx_find(b->children, name);
		if (d && !d->block)
			return d;
	}
	return NULL;
}

/* Hosts compare as addresses when they are (2001:db8::1 = 2001:db8:0::1). */
static bool same_host(const char *x, const char *y)
{
	char bx[64], by[64];
	unsigned char ax[16], ay[16];
	size_t nx = strlen(x), ny = strlen(y);
	if (nx < sizeof(bx) && ny < sizeof(by) && x[0] == '[' && y[0] == '[' && x[nx - 1] == ']' &&
	    y[ny - 1] == ']') {
		snprintf(bx, sizeof(bx), "%.*s", (int)(nx - 2), x + 1);
		snprintf(by, sizeof(by), "%.*s", (int)(ny - 2), y + 1);
		if (inet_pton(AF_INET6, bx, ax) == 1 && inet_pton(AF_INET6, by, ay) == 1)
			return !memcmp(ax, ay, 16);
	}
	return !strcmp(x, y);
}

/* 127.0.0.2, 127.0.0.3, ...: 127.0.0.1 is the load balancer's. */
static void loopback_for(size_t i, char *out)
{
	size_t k = i + 1;
	snprintf(out, INET_ADDRSTRLEN, "127.0.%u.%u", (unsigned char)(k / 254), (unsigned char)(k % 254 + 1));
}

static size_t node_for(struct lb *lb, const char *host)
{
	for (size_t i = 0; i < lb->nnodes; i++)
		if (same_host(lb->nodes[i].host, host))
			return i;
	if (lb->nnodes == LB_MAX_NODES)
		return (size_t)-1;
	struct lb_node *n = &lb->nodes[lb->nnodes];
	n->host = host;
	n->name = arena_printf(&lb->a, "%.60s (not a worker)", host); /* answers stay short */
	const struct val *workers = val_path(lb->view, "lb.workers");
	for (const struct val *w = workers ? workers->first : NULL; w; w = w->next)
		if (same_host(val_path_str(w, "host"), host)) {
			n->name = val_path_str(w, "name");
			n->worker = true;
		}
	const struct val *servers = val_path(lb->view, "lb.servers");
	for (const struct val *w = servers ? servers->first : NULL; w; w = w->next)
		if (same_host(val_path_str(w, "host"), host)) {
			n->name = val_path_str(w, "name");
			n->server = true;
		}
	loopback_for(lb->nnodes, n->addr);
	return lb->nnodes++;
}

static size_t backend_for(struct lb *lb, size_t node, long port)
{
	for (size_t i = 0; i < lb->nbackends; i++)
		if (lb->backends[i].node == node && lb->backends[i].port == port)
			return i;
	if (lb->nbackends == LB_MAX_BACKENDS)
		return (size_t)-1;
	lb->backends[lb->nbackends] = (struct lb_backend){.node = node, .port = port, .http = port == 80, .fd = -1};
	return lb->nbackends++;
}

static int collect_upstream(struct lb *lb, const struct nginx_directive *up)
{
	for (struct nginx_directive *s = up->children; s; s = s->next) {
		if (strcmp(s->name, "server") || !s->nargs)
			continue;
		const char *arg = s->args[0].text;
		long port = lb_port_of(arg);
		if (!port || !strncmp(arg, "unix:", 5)) {
			report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", s->line,
				   "upstream %s: server %s has no TCP port; it cannot be rehearsed",
				   up->nargs ? up->args[0].text : "", arg);
			return -1;
		}
		size_t node = node_for(lb, host_of(&lb->a, arg));
		size_t b = node == (size_t)-1 ? node : backend_for(lb, node, port);
		if (b == (size_t)-1 || lb->nrefs == LB_MAX_BACKENDS) {
			report_add(lb->r, CHECK_SKIP, "lb", "nginx.conf", s->line,
				   "more than %d upstream hosts or %d servers: too many to rehearse on loopback",
				   LB_MAX_NODES, LB_MAX_BACKENDS);
			return -1;
		}
		lb->refs[lb->nrefs++] = (struct lb_ref){&s->args[0], b};
	}
	return 0;
}

static const struct nginx_directive *upstream_named(const struct nginx_directive *conf, const char *name)
{
	for (const struct nginx_directive *st = conf; st; st = st->next) {
		if (strcmp(st->name, "stream") || !st->block)
			continue;
		for (const struct nginx_directive *u = st->children; u; u = u->next)
			if (!strcmp(u->name, "upstream") && u->block && u->nargs && !strcmp(u->args[0].text, name))
				return u;
	}
	return NULL;
}

static int collect_server(struct lb *lb, const struct nginx_directive *srv)
{
	const struct nginx_directive *pass = nginx_find(srv->children, "proxy_pass");
	const struct nginx_directive *up = pass && pass->nargs ? upstream_named(lb->conf, pass->args[0].text) : NULL;
	for (struct nginx_directive *l = srv->children; l; l = l->next) {
		if (strcmp(l->name, "listen") || !l->nargs)
			continue;
		long port = lb_port_of(l->args[0].text);
		if (!port) {
			report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", l->line,
				   "listen %s: no TCP port; it cannot be rehearsed", l->args[0].text);
			return -1;
		}
		if (lb->nlistens == LB_MAX_LISTENS) {
			report_add(lb->r, CHECK_SKIP, "lb", "nginx.conf", l->line,
				   "more than %d listens: too many to rehearse", LB_MAX_LISTENS);
			return -1;
		}
		lb->listens[lb->nlistens++] = (struct lb_listen){
			.port = port, .arg = &l->args[0], .server = srv, .upstream = up, .http = port == 80};
	}
	return 0;
}

int lb_conf_collect(struct lb *lb)
{
	lb->nodes = arena_alloc(&lb->a, LB_MAX_NODES * sizeof(*lb->nodes));
	lb->backends = arena_alloc(&lb->a, LB_MAX_BACKENDS * sizeof(*lb->backends));
	lb->refs = arena_alloc(&lb->a, LB_MAX_BACKENDS * sizeof(*lb->refs));
	for (const struct nginx_directive *st = lb->conf; st; st = st->next) {
		if (strcmp(st->name, "stream") || !st->block)
			continue;
		for (const struct nginx_directive *d = st->children; d; d = d->next) {
			if (!d->block)
				continue;
			if (!strcmp(d->name, "upstream") && collect_upstream(lb, d))
				return -1;
			if (!strcmp(d->name, "server") && collect_server(lb, d))
				return -1;
		}
	}
	if (!lb->nlistens) {
		report_add(lb->r, CHECK_FAIL, "lb", "nginx.conf", 0, "no stream server listens: nothing to rehearse");
		return -1;
	}
	return 0;
}

/* A port nobody listens on now. nginx binds it a moment later; a collision
 * shows as nginx failing to bind, and the caller retries with new ports. */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int port = -1;
	if (!bind(fd, (struct sockaddr *)&sa, sizeof(sa)) && !getsockname(fd, (struct sockaddr *)&sa, &len))
		port = ntohs(sa.sin_port);
	int saved = errno;
	close(fd);
	errno = saved;
	return port;
}

static void set_arg(struct lb *lb, struct nginx_arg *arg, const char *text)
{
	arg->text = arena_strdup(&lb->a, text);
	arg->len = strlen(text);
	arg->quoted = false;
}

int lb_conf_assign_listens(struct lb *lb)
{
	for (size_t i = 0; i < lb->nlistens; i++) {
		int port = free_port();
		if (port < 0)
			return -1;
		char text[32];
		snprintf(text, sizeof(text), "127.0.0.1:%d", port);
		lb->listens[i].lport = port;
		set_arg(lb, lb->listens[i].arg, text);
	}
	return 0;
}

void lb_conf_assign_servers(struct lb *lb)
{
	for (size_t i = 0; i < lb->nrefs; i++) {
		const struct lb_backend *b = &lb->backends[lb->refs[i].backend];
		char text[64];
		snprintf(text, sizeof(text), "%s:%d", lb->nodes[b->node].addr, b->bport);
		set_arg(lb, lb->refs[i].arg, text);
	}
}

static void put_arg(const struct nginx_arg *arg, struct buf *out)
{
	bool quote = arg->quoted || !arg->len;
	for (size_t i = 0; i < arg->len && !quote; i++)
		quote = strchr(" \t\r\n;{}\"'\\#", arg->text[i]) != NULL;
	if (!quote) {
		buf_put(out, arg->text, arg->len);
		return;
	}
	buf_putc(out, '"');
	for (size_t i = 0; i < arg->len; i++) {
		if (arg->text[i] == '"' || arg->text[i] == '\\')
			buf_putc(out, '\\');
		buf_putc(out, arg->text[i]);
	}
	buf_putc(out, '"');
}

void lb_conf_format(const struct nginx_directive *d, int depth, struct buf *out)
{
	for (; d; d = d->next) {
		buf_printf(out, "%*s%s", depth * 4, "", d->name);
		for (size_t i = 0; i < d->nargs; i++) {
			buf_putc(out, ' ');
			put_arg(&d->args[i], out);
		}
		if (!d->block) {
			buf_puts(out, ";\n");
			continue;
		}
		buf_puts(out, " {\n");
		lb_conf_format(d->children, depth + 1, out);
		buf_printf(out, "%*s}\n", depth * 4, "");
	}
}

/* lb_conf.c: nginx times and ports, and the rehearsal copy of nginx.conf:
 * only upstream server addresses and listen addresses change, every other
 * directive and parameter is written back as parsed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lb.h"

#define NROWS(t) (sizeof(t) / sizeof((t)[0]))

static void test_time(void **state)
{
	static const struct {
		const char *in;
		long ms;
	} rows[] = {
		{"5s", 5000},	  {"10m", 600000}, {"500ms", 500},  {"1h30m", 5400000}, {"7", 7000},
		{"2d", 172800000}, {"", -1},	    {"x", -1},	    {"5q", -1},		{"-1s", -1},
		{"s", -1},	  {NULL, -1},
	};
	(void)state;
	for (size_t i = 0; i < NROWS(rows); i++)
		if (lb_time_ms(rows[i].in) != rows[i].ms)
			fail_msg("lb_time_ms(%s) = %ld, want %ld", rows[i].in ? rows[i].in : "NULL",
				 lb_time_ms(rows[i].in), rows[i].ms);
}

static void test_port(void **state)
{
	static const struct {
		const char *in;
		long port;
	} rows[] = {
		{"80", 80},	{"127.0.0.1:443", 443}, {"[2001:db8::1]:80", 80}, {"[::1]", 0},
		{"host", 0},	{"70000", 0},		{"0", 0},		  {"h:", 0},
	};
	(void)state;
	for (size_t i = 0; i < NROWS(rows); i++)
		if (lb_port_of(rows[i].in) != rows[i].port)
			fail_msg("lb_port_of(%s) = %ld, want %ld", rows[i].in, lb_port_of(rows[i].in), rows[i].port);
}

static const char conf[] =
	"# generated\n"
	"worker_processes 4;\n"
	"events { worker_connections 8192; }\n"
	"stream {\n"
	"    upstream rancher_servers_80 {\n"
	"        least_conn;\n"
	"        zone rancher_servers_80 64k;\n"
	"        server 192.168.1.11:80 max_fails=3 fail_timeout=5s;\n"
	"        server [2001:db8::12]:80 max_fails=3 fail_timeout=5s;\n"
	"        server 10.9.9.9:80 backup;\n"
	"    }\n"
	"    server {\n"
	"        listen 80;\n"
	"        proxy_pass rancher_servers_80;\n"
	"        proxy_timeout \"10m\";\n"
	"    }\n"
	"    upstream rancher_servers_443 {\n"
	"        hash $remote_addr consistent;\n"
	"        server 192.168.1.11:443 max_fails=3;\n"
	"        server [2001:db8:0::12]:443 max_fails=3;\n"
	"    }\n"
	"    server {\n"
	"        listen 443 so_keepalive=on;\n"
	"        proxy_pass rancher_servers_443;\n"
	"    }\n"
	"}\n";

static const char want[] =
	"worker_processes 4;\n"
	"events {\n"
	"    worker_connections 8192;\n"
	"}\n"
	"stream {\n"
	"    upstream rancher_servers_80 {\n"
	"        least_conn;\n"
	"        zone rancher_servers_80 64k;\n"
	"        server 127.0.0.2:1000 max_fails=3 fail_timeout=5s;\n"
	"        server 127.0.0.3:1001 max_fails=3 fail_timeout=5s;\n"
	"        server 127.0.0.4:1002 backup;\n"
	"    }\n"
	"    server {\n"
	"        listen 127.0.0.1:%d;\n"
	"        proxy_pass rancher_servers_80;\n"
	"        proxy_timeout \"10m\";\n"
	"    }\n"
	"    upstream rancher_servers_443 {\n"
	"        hash $remote_addr consistent;\n"
	"        server 127.0.0.2:1003 max_fails=3;\n"
	"        server 127.0.0.3:1004 max_fails=3;\n"
	"    }\n"
	"    server {\n"
	"        listen 127.0.0.1:%d so_keepalive=on;\n"
	"        proxy_pass rancher_servers_443;\n"
	"    }\n"
	"}\n";

static void add_worker(struct arena *a, struct val *workers, const char *name, const char *host)
{
	struct val *w = val_add(workers, NULL, val_new(a, VAL_MAP));
	val_set_str(a, w, "name", name);
	val_set_str(a, w, "host", host);
}

/* A struct lb on TEXT, with the view's workers server-01 and server-02. */
static int setup_lb(struct lb *lb, struct report *r, const char *text)
{
	memset(lb, 0, sizeof(*lb));
	lb->r = r;
	lb->log_fd = -1;
	struct val *view = val_new(&lb->a, VAL_MAP);
	struct val *workers = val_add(val_add(view, "lb", val_new(&lb->a, VAL_MAP)), "workers",
				      val_new(&lb->a, VAL_LIST));
	add_worker(&lb->a, workers, "server-01", "192.168.1.11");
	add_worker(&lb->a, workers, "server-02", "[2001:db8::12]");
	lb->view = view;
	struct diags d = {0};
	lb->conf = nginx_conf_parse(&lb->a, "nginx.conf", text, strlen(text), &d);
	assert_int_equal(d.errors, 0);
	diags_free(&d);
	return lb_conf_collect(lb);
}

static void test_rewrite(void **state)
{
	struct lb lb;
	struct report r = {0};
	(void)state;
	assert_int_equal(setup_lb(&lb, &r, conf), 0);
	assert_int_equal(lb.nnodes, 3); /* 2001:db8:0::12 is 2001:db8::12 */
	assert_string_equal(lb.nodes[0].name, "server-01");
	assert_string_equal(lb.nodes[1].name, "server-02");
	assert_string_equal(lb.nodes[2].name, "10.9.9.9 (not a worker)");
	assert_false(lb.nodes[2].worker);
	assert_string_equal(lb.nodes[1].addr, "127.0.0.3");
	assert_int_equal(lb.nbackends, 5);
	assert_true(lb.backends[0].http);
	assert_false(lb.backends[3].http);
	assert_int_equal(lb.nlistens, 2);
	assert_true(lb.listens[0].http);
	assert_string_equal(lb.listens[1].upstream->args[0].text, "rancher_servers_443");
	assert_string_equal(lb_setting(lb.listens[0].server, "proxy_timeout")->args[0].text, "10m");
	assert_null(lb_setting(lb.listens[1].server, "proxy_timeout"));
	for (size_t i = 0; i < lb.nbackends; i++)
		lb.backends[i].bport = 1000 + (int)i;
	lb_conf_assign_servers(&lb);
	assert_int_equal(lb_conf_assign_listens(&lb), 0);
	assert_true(lb.listens[0].lport > 0 && lb.listens[1].lport > 0);
	struct buf out = {0};
	lb_conf_format(lb.conf, 0, &out);
	char expect[sizeof(want) + 16];
	snprintf(expect, sizeof(expect), want, lb.listens[0].lport, lb.listens[1].lport);
	assert_string_equal(out.data, expect);
	assert_int_equal(r.count, 0);
	buf_free(&out);
	arena_free(&lb.a);
}

/* Arguments that need quotes come back as the same text after a re-parse. */
static void test_quoting(void **state)
{
	static const char text[] = "a 'x y' \"q\\\"\" 'b\\\\s' '#h' '' ${v} \"semi;\" 'brace{';\n";
	struct arena a = {0};
	struct diags d = {0};
	struct buf out = {0};
	(void)state;
	struct nginx_directive *first = nginx_conf_parse(&a, "in", text, strlen(text), &d);
	assert_non_null(first);
	lb_conf_format(first, 0, &out);
	struct nginx_directive *again = nginx_conf_parse(&a, "out", out.data, out.len, &d);
	assert_int_equal(d.errors, 0);
	assert_non_null(again);
	assert_int_equal(again->nargs, first->nargs);
	for (size_t i = 0; i < first->nargs; i++)
		assert_string_equal(again->args[i].text, first->args[i].text);
	diags_free(&d);
	buf_free(&out);
	arena_free(&a);
}

/* What cannot be rehearsed is a FAIL naming the line, and no rehearsal. */
static void test_refusals(void **state)
{
	static const struct {
		const char *conf;
		const char *message;
	} rows[] = {
		{"stream { upstream u { server 10.0.0.1; } server { listen 80; proxy_pass u; } }\n",
		 "upstream u: server 10.0.0.1 has no TCP port; it cannot be rehearsed"},
		{"stream { upstream u { server unix:/run/x.sock; } }\n",
		 "upstream u: server unix:/run/x.sock has no TCP port; it cannot be rehearsed"},
		{"stream { server { listen unix:/run/lb.sock; proxy_pass u; } }\n",
		 "listen unix:/run/lb.sock: no TCP port; it cannot be rehearsed"},
		{"events { }\n", "no stream server listens: nothing to rehearse"},
	};
	(void)state;
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct lb lb;
		struct report r = {0};
		assert_int_equal(setup_lb(&lb, &r, rows[i].conf), -1);
		assert_int_equal(r.failed, 1);
		assert_string_equal(r.items[0].message, rows[i].message);
		report_free(&r);
		arena_free(&lb.a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_rewrite),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests_name("lb_conf", tests, NULL, NULL);
}

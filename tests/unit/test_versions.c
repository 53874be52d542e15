/* versions.c: every row of every version table, and the lookups around them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../test_helpers.h"

#include "versions.h"

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static struct semver parse(const char *s)
{
	struct semver v;
	if (!semver_parse(s, &v))
		fail_msg("'%s' does not parse", s);
	return v;
}

static void test_semver_parse(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		long major, minor, patch;
	} good[] = {
		{"v0.0.0", 0, 0, 0},
		{"v1.2.3", 1, 2, 3},
		{"v2.14.3", 2, 14, 3},
		{"v10.20.30", 10, 20, 30},
		{"v1.15.3-rancher1-1", 1, 15, 3},
		{"v3.0.0-beta.3", 3, 0, 0},
		{"v1.2.3+build.5", 1, 2, 3},
		{"v1.2.3-", 1, 2, 3},
	};
	for (size_t i = 0; i < NROWS(good); i++) {
		struct semver v = parse(good[i].s);
		if (v.major != good[i].major || v.minor != good[i].minor || v.patch != good[i].patch)
			fail_msg("'%s' -> %ld.%ld.%ld", good[i].s, v.major, v.minor, v.patch);
	}
	static const char *const bad[] = {
		"",	   "v",	      "1.2.3",	  "V1.2.3", "v1",      "v1.2",	   "v1.2.",
		"v1..3",   "v.1.2.3", "va.b.c",	  "v1.2.x", "v1.2.3x", "v1.2.3.4", "v1.2.3 ",
		"v-1.2.3", "v+1.2.3", "v1.-2.3",  "v 1.2.3", "v1,2,3",  "vv1.2.3", " v1.2.3",
	};
	for (size_t i = 0; i < NROWS(bad); i++) {
		struct semver v;
		if (semver_parse(bad[i], &v))
			fail_msg("'%s' parsed", bad[i]);
	}
}

static void test_semver_cmp(void **state)
{
	(void)state;
	static const struct {
		const char *a, *b;
		int want;
	} rows[] = {
		{"v1.2.3", "v1.2.3", 0},
		{"v1.2.3-rc1", "v1.2.3", 0}, /* the suffix is ignored */
		{"v1.2.3", "v1.2.4", -1},
		{"v1.2.10", "v1.2.9", 1},
		{"v1.10.0", "v1.9.9", 1},
		{"v0.99.99", "v1.0.0", -1},
		{"v2.0.0", "v1.99.99", 1},
		{"v0.11.0", "v0.14.0", -1},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct semver a = parse(rows[i].a), b = parse(rows[i].b);
		int got = semver_cmp(&a, &b), back = semver_cmp(&b, &a);
		if (got != rows[i].want || back != -rows[i].want)
			fail_msg("%s vs %s: %d and %d, expected %d", rows[i].a, rows[i].b, got, back,
				 rows[i].want);
	}
}

static void test_helm(void **state)
{
	(void)state;
	static const struct {
		const char *v;
		bool known;
		long major, from_minor;
		bool tiller, create_namespace, lookup, refuses_v2;
		const char *kube_below;
	} rows[] = {
		{"v2.0.0", true, 2, 0, true, false, false, false, "v1.22.0"},
		{"v2.14.3", true, 2, 0, true, false, false, false, "v1.22.0"},
		{"v2.15.0", true, 2, 15, true, false, false, true, "v1.22.0"},
		{"v2.17.0", true, 2, 15, true, false, false, true, "v1.22.0"},
		{"v3.0.0", true, 3, 0, false, false, false, false, NULL},
		{"v3.0.0-beta.3", true, 3, 0, false, false, false, false, NULL},
		{"v3.0.3", true, 3, 0, false, false, false, false, NULL},
		{"v3.1.0", true, 3, 1, false, false, true, false, NULL},
		{"v3.1.3", true, 3, 1, false, false, true, false, NULL},
		{"v3.2.0", true, 3, 2, false, true, true, false, NULL},
		{"v3.2.4", true, 3, 2, false, true, true, false, NULL},
		{"v3.16.2", true, 3, 2, false, true, true, false, NULL},
		{"v4.0.0", true, 4, 0, false, true, true, false, NULL},
		{"v4.1.0", true, 4, 0, false, true, true, false, NULL},
		{"v0.9.0", false, 0, 0, false, false, false, false, NULL},
		{"v1.2.0", false, 0, 0, false, false, false, false, NULL},
		{"v5.0.0", false, 0, 0, false, false, false, false, NULL},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct semver v = parse(rows[i].v);
		const struct helm_procedure *p = helm_procedure_for(&v);
		if (!rows[i].known) {
			if (p)
				fail_msg("helm %s has a row", rows[i].v);
			continue;
		}
		if (!p)
			fail_msg("helm %s has no row", rows[i].v);
		if (p->major != rows[i].major || p->from_minor != rows[i].from_minor ||
		    p->tiller != rows[i].tiller || p->create_namespace != rows[i].create_namespace ||
		    p->lookup != rows[i].lookup || p->refuses_api_v2 != rows[i].refuses_v2 ||
		    !same(p->kube_below, rows[i].kube_below))
			fail_msg("helm %s: row %ld.%ld tiller=%d create_namespace=%d lookup=%d", rows[i].v,
				 p->major, p->from_minor, p->tiller, p->create_namespace, p->lookup);
		/* tiller from the registry the Helm FAQ names, never gcr.io */
		assert_true(p->tiller ? same(p->tiller_image, "ghcr.io/helm/tiller") : !p->tiller_image);
	}
}

static void test_chart_version_parse(void **state)
{
	(void)state;
	struct semver v;
	assert_true(chart_version_parse("2.4.18", &v));
	assert_true(v.major == 2 && v.minor == 4 && v.patch == 18);
	assert_true(chart_version_parse("v2.15.0", &v));
	assert_true(v.major == 2 && v.minor == 15 && v.patch == 0);
	assert_true(chart_version_parse("2.9.0-rc1", &v));
	static const char *const bad[] = {"", "2.4", "vv2.4.18", "2.4.18 ", "x2.4.18"};
	for (size_t i = 0; i < NROWS(bad); i++)
		if (chart_version_parse(bad[i], &v))
			fail_msg("'%s' parsed", bad[i]);
}

/* Every Rancher line 2.3 -> 2.15, as versions.c's sources give it. */
static void test_rancher_lines(void **state)
{
	(void)state;
	static const struct {
		long minor;
		const char *newest, *kube_min, *helm_min;
		bool local_agents, node_agent, strict, rke1_local, is_default;
	} rows[] = {
		{3, "2.3.11", NULL, NULL, true, true, false, true, false},
		{4, "2.4.18", NULL, NULL, true, true, false, true, false},
		{5, "2.5.17", "v1.17.0", "v3.2.0", false, true, false, true, false},
		{6, "2.6.14", NULL, "v3.2.0", false, true, false, true, false},
		{7, "2.7.18", NULL, "v3.2.0", false, true, false, true, false},
		{8, "2.8.15", NULL, "v3.2.0", false, true, false, true, false},
		{9, "2.9.12", NULL, "v3.2.0", false, true, true, true, false},
		{10, "2.10.12", NULL, "v3.2.0", false, true, true, true, false},
		{11, "2.11.16", NULL, "v3.2.0", false, true, true, true, false},
		{12, "2.12.12", "v1.31.0", "v3.2.0", false, false, true, true, false},
		{13, "2.13.8", NULL, "v3.2.0", false, false, true, false, false},
		{14, "2.14.4", NULL, "v3.2.0", false, false, true, false, true},
		{15, "2.15.0", NULL, "v3.2.0", false, false, true, false, false},
	};
	size_t n;
	const struct rancher_line *lines = rancher_lines(&n);
	assert_int_equal(n, NROWS(rows));
	for (size_t i = 0; i < NROWS(rows); i++) {
		const struct rancher_line *l = &lines[i];
		struct semver v;
		assert_true(chart_version_parse(rows[i].newest, &v));
		assert_ptr_equal(rancher_line_for(&v), l);
		if (l->minor != rows[i].minor || !same(l->newest, rows[i].newest) ||
		    !same(l->kube_min, rows[i].kube_min) || !same(l->helm_min, rows[i].helm_min) ||
		    l->local_agents != rows[i].local_agents || l->node_agent != rows[i].node_agent ||
		    l->strict_agent_tls != rows[i].strict || l->rke1_local != rows[i].rke1_local ||
		    l->is_default != rows[i].is_default)
			fail_msg("line 2.%ld differs", rows[i].minor);
		/* a documented value names its source */
		assert_true(!l->kube_min || l->kube_min_source);
		assert_true(!l->helm_min || l->helm_min_source);
	}
	/* the default chart line, and the last line documented on RKE1 */
	assert_ptr_equal(rancher_default_line(), &lines[11]);
	assert_ptr_equal(rancher_last_rke1_line(), &lines[9]);
	/* the documented minimum carries forward: 2.4 none, 2.6 2.5's, 2.13 2.12's */
	assert_null(rancher_kube_min(&lines[1]));
	assert_ptr_equal(rancher_kube_min(&lines[3]), &lines[2]);
	assert_ptr_equal(rancher_kube_min(&lines[10]), &lines[9]);
	struct semver outside = {2, 2, 0}, newer = {2, 16, 0}, three = {3, 0, 0};
	assert_null(rancher_line_for(&outside));
	assert_null(rancher_line_for(&newer));
	assert_null(rancher_line_for(&three));
}

/* Each chart fact at the tags on either side of where it changed. */
static void test_chart_facts(void **state)
{
	(void)state;
	static const struct {
		const char *chart;
		enum chart_fact fact;
		bool has;
	} rows[] = {
		{"2.5.17", CHART_LOOKUP, false},    {"2.6.0", CHART_LOOKUP, true},
		{"2.3.0", CHART_LOOKUP, false},	    {"2.15.0", CHART_LOOKUP, true},
		{"2.6.10", CHART_API_V2, false},    {"2.6.11", CHART_API_V2, true},
		{"2.7.1", CHART_API_V2, false},	    {"2.7.2", CHART_API_V2, true},
		{"2.8.0", CHART_API_V2, true},	    {"2.5.17", CHART_API_V2, false},
		{"2.5.4", CHART_INGRESS_V1, false}, {"2.5.5", CHART_INGRESS_V1, true},
		{"2.4.18", CHART_INGRESS_V1, false}, {"2.6.0", CHART_INGRESS_V1, true},
		{"2.3.3", CHART_CM_IO, false},	    {"2.3.4", CHART_CM_IO, true},
		{"2.4.0", CHART_CM_IO, true},	    {"2.13.8", CHART_CM_V1_ONLY, false},
		{"2.14.0", CHART_CM_V1_ONLY, true}, {"2.4.2", CHART_LE_INGRESS_CLASS, false},
		{"2.4.3", CHART_LE_INGRESS_CLASS, true}, {"2.5.0", CHART_LE_INGRESS_CLASS, true},
		{"2.6.6", CHART_INGRESS_CLASS_NAME, false}, {"2.6.7", CHART_INGRESS_CLASS_NAME, true},
		{"2.5.17", CHART_BOOTSTRAP_PASSWORD, false}, {"2.6.0", CHART_BOOTSTRAP_PASSWORD, true},
		{"2.8.5", CHART_AGENT_TLS_MODE, false}, {"2.8.6", CHART_AGENT_TLS_MODE, true},
		{"2.9.0", CHART_AGENT_TLS_MODE, true}, {"2.12.2", CHART_IMAGE_VALUES, false},
		{"2.12.3", CHART_IMAGE_VALUES, true}, {"2.13.0", CHART_IMAGE_VALUES, true},
		{"2.13.8", CHART_NETWORK_EXPOSURE, false}, {"2.14.0", CHART_NETWORK_EXPOSURE, true},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct semver v;
		assert_true(chart_version_parse(rows[i].chart, &v));
		if (rancher_chart_has(&v, rows[i].fact) != rows[i].has)
			fail_msg("chart %s fact %d: expected %d", rows[i].chart, rows[i].fact, rows[i].has);
	}
	struct semver v = {2, 7, 0};
	assert_string_equal(rancher_chart_fact_since(&v, CHART_API_V2), "2.7.2");
	v = (struct semver){2, 6, 0};
	assert_string_equal(rancher_chart_fact_since(&v, CHART_API_V2), "2.6.11");
	v = (struct semver){2, 3, 0};
	assert_string_equal(rancher_chart_fact_since(&v, CHART_LOOKUP), "2.6.0");
}

/* chart/Chart.yaml kubeVersion at the tags in the table, and between them. */
static void test_kube_bounds(void **state)
{
	(void)state;
	static const struct {
		const char *chart, *below;
		bool certain;
	} rows[] = {
		{"2.3.0", NULL, true},	       {"2.3.5", NULL, true},	      {"2.4.12", NULL, false},
		{"2.4.13", "v1.20.0", true},   {"2.4.18", "v1.20.0", true},   {"2.4.20", "v1.20.0", true},
		{"2.5.5", "v1.20.0", true},    {"2.5.6", NULL, true},	      {"2.5.17", NULL, true},
		{"2.6.0", "v1.22.0", true},    {"2.6.5", "v1.22.0", false},   {"2.6.14", "v1.25.0", true},
		{"2.7.18", "v1.28.0", true},   {"2.8.3", "v1.29.0", true},    {"2.8.1", "v1.28.0", false},
		{"2.9.5", "v1.31.0", true},    {"2.10.12", "v1.32.0", true},  {"2.11.3", "v1.33.0", true},
		{"2.12.0", "v1.34.0", true},   {"2.13.8", "v1.35.0", true},   {"2.14.4", "v1.36.0", true},
		{"2.15.0", "v1.37.0", true},   {"2.16.0", NULL, false},	      {"2.2.0", NULL, false},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct semver v;
		const char *below;
		bool certain;
		assert_true(chart_version_parse(rows[i].chart, &v));
		rancher_chart_kube_below(&v, &below, &certain);
		if (!same(below, rows[i].below) || certain != rows[i].certain)
			fail_msg("chart %s: below %s certain %d", rows[i].chart, below ? below : "none", certain);
	}
}

static void test_workloads(void **state)
{
	(void)state;
	static const struct {
		const char *name, *kind;
		long line;
		bool exists, local;
	} rows[] = {
		{"rancher", "deployment", 3, true, true},
		{"rancher", "deployment", 15, true, true},
		{"cattle-cluster-agent", "deployment", 4, true, true},
		{"cattle-cluster-agent", "deployment", 5, true, false},
		{"cattle-cluster-agent", "deployment", 15, true, false},
		{"cattle-node-agent", "daemonset", 4, true, true},
		{"cattle-node-agent", "daemonset", 5, true, false},
		{"cattle-node-agent", "daemonset", 11, true, false},
		{"cattle-node-agent", "daemonset", 12, false, false},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		const struct rancher_workload *w = rancher_workload(rows[i].name);
		assert_non_null(w);
		assert_string_equal(w->kind, rows[i].kind);
		if (rancher_workload_exists(w, rows[i].line) != rows[i].exists ||
		    (rancher_workload_exists(w, rows[i].line) && rancher_workload_in_local(w, rows[i].line)) !=
			    rows[i].local)
			fail_msg("%s in 2.%ld", rows[i].name, rows[i].line);
	}
	size_t n;
	rancher_workloads(&n);
	assert_int_equal(n, 3);
	assert_null(rancher_workload("fleet-agent"));
}

static void test_cert_manager_chart(void **state)
{
	(void)state;
	static const struct {
		const char *v, *kube_min;
		bool api_v2;
	} rows[] = {
		{"v0.11.0", NULL, false},     {"v1.8.2", NULL, false},	     {"v1.9.0", "v1.19.0", false},
		{"v1.10.2", "v1.20.0", false}, {"v1.11.5", "v1.21.0", false}, {"v1.12.0", "v1.22.0", false},
		{"v1.14.7", "v1.22.0", false}, {"v1.15.0", "v1.22.0", true},  {"v1.21.1", "v1.22.0", true},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct semver v = parse(rows[i].v);
		const struct cert_manager_chart *c = cert_manager_chart_for(&v);
		assert_non_null(c);
		if (!same(c->kube_min, rows[i].kube_min) || c->api_v2 != rows[i].api_v2)
			fail_msg("cert-manager %s", rows[i].v);
	}
}

#define RAW "https://raw.githubusercontent.com/jetstack/cert-manager/"
#define REL "https://github.com/jetstack/cert-manager/releases/download/"

static void test_cert_manager(void **state)
{
	(void)state;
	static const struct {
		const char *v;
		enum cm_crds crds;
		struct semver from;
		const char *url;
	} rows[] = {
		{"v0.5.2", CM_CRDS_MANIFEST_LABEL, {0, 0, 0},
		 RAW "release-0.5/deploy/manifests/00-crds.yaml"},
		{"v0.10.1", CM_CRDS_MANIFEST_LABEL, {0, 0, 0},
		 RAW "release-0.10/deploy/manifests/00-crds.yaml"},
		{"v0.11.0", CM_CRDS_MANIFEST, {0, 11, 0}, RAW "release-0.11/deploy/manifests/00-crds.yaml"},
		{"v0.12.0", CM_CRDS_MANIFEST, {0, 11, 0}, RAW "release-0.12/deploy/manifests/00-crds.yaml"},
		{"v0.13.2", CM_CRDS_MANIFEST, {0, 11, 0}, RAW "release-0.13/deploy/manifests/00-crds.yaml"},
		{"v0.14.0", CM_CRDS_MANIFEST, {0, 14, 0}, REL "v0.14.0/cert-manager.crds.yaml"},
		{"v0.14.7", CM_CRDS_MANIFEST, {0, 14, 0}, REL "v0.14.7/cert-manager.crds.yaml"},
		{"v0.15.0", CM_CRDS_INSTALL_CRDS, {0, 15, 0}, ""},
		{"v1.0.0", CM_CRDS_INSTALL_CRDS, {0, 15, 0}, ""},
		{"v1.14.5", CM_CRDS_INSTALL_CRDS, {0, 15, 0}, ""},
		{"v1.15.0", CM_CRDS_ENABLED, {1, 15, 0}, ""},
		{"v1.16.1", CM_CRDS_ENABLED, {1, 15, 0}, ""},
		{"v2.0.0", CM_CRDS_ENABLED, {1, 15, 0}, ""},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct semver v = parse(rows[i].v);
		const struct cert_manager_procedure *p = cert_manager_procedure_for(&v);
		assert_non_null(p);
		if (p->crds != rows[i].crds || semver_cmp(&p->from, &rows[i].from))
			fail_msg("cert-manager %s: crds %d from v%ld.%ld.%ld", rows[i].v, p->crds,
				 p->from.major, p->from.minor, p->from.patch);
		/* the chart installs the CRDs exactly when there is no URL */
		assert_int_equal(p->crds_prefix == NULL, !*rows[i].url);
		char url[256];
		memset(url, 'x', sizeof(url));
		cert_manager_crds_url(p, rows[i].v, &v, url, sizeof(url));
		assert_string_equal(url, rows[i].url);
	}
}

static void test_cert_manager_url_truncates(void **state)
{
	(void)state;
	struct semver v = parse("v0.14.7");
	char url[16];
	cert_manager_crds_url(cert_manager_procedure_for(&v), "v0.14.7", &v, url, sizeof(url));
	assert_string_equal(url, "https://github.");
}

static void test_rke(void **state)
{
	(void)state;
	static const char *const v0_2_8[] = {"v1.12.10-rancher1-2", "v1.13.10-rancher1-2",
					     "v1.14.6-rancher1-1", "v1.15.3-rancher1-1"};
	const struct rke_release *r = rke_release_for("v0.2.8");
	assert_non_null(r);
	assert_string_equal(r->rke, "v0.2.8");
	assert_string_equal(r->default_kubernetes, "v1.14.6-rancher1-1");
	size_t n = 0;
	while (r->kubernetes[n])
		n++;
	assert_int_equal(n, NROWS(v0_2_8));
	for (size_t i = 0; i < NROWS(v0_2_8); i++) {
		assert_string_equal(r->kubernetes[i], v0_2_8[i]);
		assert_true(rke_knows(r, v0_2_8[i]));
	}
	assert_true(rke_knows(r, r->default_kubernetes));
	static const char *const unknown[] = {"v1.16.0-rancher1-1", "v1.15.3", "v1.15.3-rancher1-2",
					      "v1.11.9-rancher1-1", "", "V1.15.3-RANCHER1-1"};
	for (size_t i = 0; i < NROWS(unknown); i++)
		if (rke_knows(r, unknown[i]))
			fail_msg("rke v0.2.8 knows '%s'", unknown[i]);
	static const char *const releases[] = {"v0.2.9", "v0.2.7", "0.2.8", "v0.2.8-rc1", "v0.2.8 ",
					       "v1.5.3", "v1.8.15", ""};
	for (size_t i = 0; i < NROWS(releases); i++)
		if (rke_release_for(releases[i]))
			fail_msg("rke '%s' has a row", releases[i]);
}

/* Every rke row: its default is among the versions it offers, which are
 * oldest first; the last row is the last rke, v1.8.14. */
static void test_rke_rows(void **state)
{
	(void)state;
	static const struct {
		const char *rke, *dflt, *newest;
	} rows[] = {
		{"v0.2.8", "v1.14.6-rancher1-1", "v1.15.3-rancher1-1"},
		{"v0.2.11", "v1.15.12-rancher1-1", "v1.15.12-rancher1-1"},
		{"v0.3.2", "v1.15.5-rancher1-2", "v1.16.2-rancher1-1"},
		{"v1.0.16", "v1.17.17-rancher1-1", "v1.17.17-rancher1-1"},
		{"v1.1.19", "v1.18.20-rancher1-1", "v1.18.20-rancher1-1"},
		{"v1.2.23", "v1.20.15-rancher2-1", "v1.20.15-rancher2-1"},
		{"v1.3.24", "v1.24.17-rancher1-1", "v1.24.17-rancher1-1"},
		{"v1.4.22", "v1.27.16-rancher1-1", "v1.27.16-rancher1-1"},
		{"v1.5.14", "v1.28.14-rancher1-1", "v1.28.14-rancher1-1"},
		{"v1.6.7", "v1.30.9-rancher1-1", "v1.30.9-rancher1-1"},
		{"v1.7.3", "v1.31.5-rancher1-1", "v1.31.5-rancher1-1"},
		{"v1.8.4", "v1.32.5-rancher1-1", "v1.32.5-rancher1-1"},
		{"v1.8.10", "v1.32.11-rancher1-1", "v1.32.11-rancher1-1"},
		{"v1.8.13", "v1.32.13-rancher1-2", "v1.32.13-rancher1-2"},
		{"v1.8.14", "v1.32.13-rancher1-3", "v1.32.13-rancher1-3"},
	};
	size_t n;
	const struct rke_release *all = rke_releases_all(&n);
	assert_int_equal(n, NROWS(rows));
	for (size_t i = 0; i < NROWS(rows); i++) {
		const struct rke_release *r = rke_release_for(rows[i].rke);
		assert_ptr_equal(r, &all[i]);
		assert_string_equal(r->default_kubernetes, rows[i].dflt);
		assert_true(rke_knows(r, r->default_kubernetes));
		const char *last = NULL;
		for (const char *const *k = r->kubernetes; *k; k++) {
			struct semver a, b;
			assert_true(semver_parse(*k, &b));
			if (last) {
				assert_true(semver_parse(last, &a));
				assert_true(semver_cmp(&a, &b) < 0);
			}
			last = *k;
		}
		assert_string_equal(last, rows[i].newest);
	}
}

static void test_tool_urls(void **state)
{
	(void)state;
	static const struct {
		const char *os, *arch, *kubectl, *rke, *helm;
		struct tool_urls want;
	} rows[] = {
		{"linux", "amd64", "v1.16.0", "v0.2.8", "v2.14.3",
		 {"https://dl.k8s.io/release/v1.16.0/bin/linux/amd64/kubectl",
		  "https://github.com/rancher/rke/releases/download/v0.2.8/rke_linux-amd64",
		  "rke_linux-amd64",
		  "https://github.com/rancher/rke/releases/download/v0.2.8/sha256sum.txt",
		  "https://get.helm.sh/helm-v2.14.3-linux-amd64.tar.gz",
		  "helm-v2.14.3-linux-amd64.tar.gz", "linux-amd64/helm"}},
		{"darwin", "arm64", "v1.28.2", "v1.5.3", "v3.13.1",
		 {"https://dl.k8s.io/release/v1.28.2/bin/darwin/arm64/kubectl",
		  "https://github.com/rancher/rke/releases/download/v1.5.3/rke_darwin-arm64",
		  "rke_darwin-arm64",
		  "https://github.com/rancher/rke/releases/download/v1.5.3/sha256sum.txt",
		  "https://get.helm.sh/helm-v3.13.1-darwin-arm64.tar.gz",
		  "helm-v3.13.1-darwin-arm64.tar.gz", "darwin-arm64/helm"}},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct tool_urls u;
		memset(&u, 'x', sizeof(u));
		tool_urls_for(rows[i].os, rows[i].arch, rows[i].kubectl, rows[i].rke, rows[i].helm, &u);
		assert_string_equal(u.kubectl, rows[i].want.kubectl);
		assert_string_equal(u.rke, rows[i].want.rke);
		assert_string_equal(u.rke_file, rows[i].want.rke_file);
		assert_string_equal(u.rke_sums, rows[i].want.rke_sums);
		assert_string_equal(u.helm, rows[i].want.helm);
		assert_string_equal(u.helm_tarball, rows[i].want.helm_tarball);
		assert_string_equal(u.helm_member, rows[i].want.helm_member);
	}
}

/* Every row of the RKE2/K3s table: its release parses, carries its distro's
 * suffix, and rows are ordered so the last of a distro is the newest. */
static void test_distro_releases(void **state)
{
	(void)state;
	static const struct {
		const char *distro, *release, *coredns_chart;
	} want[] = {
		{"rke2", "v1.32.13+rke2r2", "1.45.205"}, {"rke2", "v1.33.13+rke2r2", "1.46.201"},
		{"rke2", "v1.34.10+rke2r1", "1.46.201"}, {"rke2", "v1.35.7+rke2r1", "1.46.201"},
		{"rke2", "v1.36.3+rke2r1", "1.46.201"},	 {"k3s", "v1.34.9+k3s1", NULL},
		{"k3s", "v1.35.6+k3s1", NULL},		 {"k3s", "v1.36.1+k3s1", NULL},
	};
	size_t n = 0;
	struct semver prev = {0, 0, 0};
	const char *prev_distro = "";
	for (const struct distro_release *r; (r = distro_release_at(n)); n++) {
		assert_true(n < NROWS(want));
		assert_string_equal(r->distro, want[n].distro);
		assert_string_equal(r->release, want[n].release);
		if (want[n].coredns_chart)
			assert_string_equal(r->coredns_chart, want[n].coredns_chart);
		else
			assert_null(r->coredns_chart);
		struct semver v;
		assert_true(semver_parse(r->release, &v));
		assert_non_null(strstr(r->release, distro_release_suffix(r->distro)));
		if (!strcmp(prev_distro, r->distro))
			assert_true(semver_cmp(&prev, &v) < 0);
		prev = v;
		prev_distro = r->distro;
		assert_ptr_equal(distro_release_for(r->distro, r->release), r);
	}
	assert_int_equal(n, NROWS(want));
	assert_string_equal(distro_newest_release("rke2")->release, "v1.36.3+rke2r1");
	assert_string_equal(distro_newest_release("k3s")->release, "v1.36.1+k3s1");
	assert_null(distro_newest_release("rke1"));
	/* one marked default per distro: what an empty kubernetes.version installs */
	assert_string_equal(distro_default_release("rke2")->release, "v1.34.10+rke2r1");
	assert_string_equal(distro_default_release("k3s")->release, "v1.34.9+k3s1");
	assert_null(distro_default_release("rke1"));
	size_t defaults = 0;
	for (size_t i = 0; distro_release_at(i); i++)
		defaults += distro_release_at(i)->is_default;
	assert_int_equal(defaults, 2);
	static const char *const missing[][2] = {
		{"rke2", "v1.36.3+k3s1"}, {"k3s", "v1.36.3+rke2r1"}, {"rke2", "v1.36.3"},
		{"rke2", "v1.36.2+rke2r1"}, {"rke1", "v1.15.3-rancher1-1"}, {"rke2", ""},
	};
	for (size_t i = 0; i < NROWS(missing); i++)
		if (distro_release_for(missing[i][0], missing[i][1]))
			fail_msg("%s '%s' has a row", missing[i][0], missing[i][1]);
	assert_null(distro_release_suffix("rke1"));
}

static void test_default_ingress(void **state)
{
	(void)state;
	static const struct {
		const char *distro, *release, *ingress;
	} rows[] = {
		{"rke1", "v0.0.0", "nginx"},	       {"rke2", "v1.32.13+rke2r2", "nginx"},
		{"rke2", "v1.35.7+rke2r1", "nginx"},   {"rke2", "v1.35.99+rke2r9", "nginx"},
		{"rke2", "v1.36.0+rke2r1", "traefik"}, {"rke2", "v1.36.3+rke2r1", "traefik"},
		{"rke2", "v2.0.0+rke2r1", "traefik"},  {"k3s", "v1.20.0+k3s1", "traefik"},
		{"k3s", "v1.36.1+k3s1", "traefik"},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct semver v;
		assert_true(semver_parse(rows[i].release, &v));
		const char *got = distro_default_ingress(rows[i].distro, &v);
		if (strcmp(got, rows[i].ingress))
			fail_msg("%s %s: %s, want %s", rows[i].distro, rows[i].release, got, rows[i].ingress);
	}
}

static void test_etcd_schedule(void **state)
{
	(void)state;
	static const struct {
		const char *creation, *retention, *cron;
		long count;
	} ok[] = {
		{"6h", "24h", "0 */6 * * *", 4},   {"1h", "1h", "0 */1 * * *", 1},
		{"12h", "72h", "0 */12 * * *", 6}, {"24h", "168h", "0 */24 * * *", 7},
		{"60m", "3h", "0 */1 * * *", 3},   {"2h0m", "4h", "0 */2 * * *", 2},
		{"8h", "8h0m0s", "0 */8 * * *", 1},
	};
	for (size_t i = 0; i < NROWS(ok); i++) {
		char cron[32];
		long count = -1;
		const char *why = NULL;
		if (!etcd_schedule(ok[i].creation, ok[i].retention, cron, sizeof(cron), &count, &why))
			fail_msg("%s/%s refused: %s", ok[i].creation, ok[i].retention, why);
		assert_string_equal(cron, ok[i].cron);
		assert_int_equal(count, ok[i].count);
	}
	static const char *const bad[][3] = {
		{"5h", "24h", "hours"},	   {"30m", "24h", "hours"}, {"48h", "96h", "hours"},
		{"1h30m", "3h", "hours"},  {"6h", "20h", "multiple"}, {"6h", "3h", "multiple"},
		{"0h", "24h", "hours"},	   {"6h", "0h", "multiple"}, {"6h", "24h500ms", "multiple"},
		{"7h", "7h", "hours"},
	};
	for (size_t i = 0; i < NROWS(bad); i++) {
		char cron[32];
		long count;
		const char *why = NULL;
		if (etcd_schedule(bad[i][0], bad[i][1], cron, sizeof(cron), &count, &why))
			fail_msg("%s/%s accepted", bad[i][0], bad[i][1]);
		assert_non_null(strstr(why, bad[i][2]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_semver_parse),
		cmocka_unit_test(test_semver_cmp),
		cmocka_unit_test(test_helm),
		cmocka_unit_test(test_cert_manager),
		cmocka_unit_test(test_cert_manager_url_truncates),
		cmocka_unit_test(test_rke),
		cmocka_unit_test(test_rke_rows),
		cmocka_unit_test(test_chart_version_parse),
		cmocka_unit_test(test_rancher_lines),
		cmocka_unit_test(test_chart_facts),
		cmocka_unit_test(test_kube_bounds),
		cmocka_unit_test(test_workloads),
		cmocka_unit_test(test_cert_manager_chart),
		cmocka_unit_test(test_tool_urls),
		cmocka_unit_test(test_distro_releases),
		cmocka_unit_test(test_default_ingress),
		cmocka_unit_test(test_etcd_schedule),
	};
	return cmocka_run_group_tests_name("versions", tests, NULL, NULL);
}

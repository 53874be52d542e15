/* versions.c: every row of every version table, and the lookups around them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../test_helpers.h"

#include "versions.h"

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
		bool tiller, create_namespace;
	} rows[] = {
		{"v2.0.0", true, 2, 0, true, false},
		{"v2.14.3", true, 2, 0, true, false},
		{"v2.17.0", true, 2, 0, true, false},
		{"v3.0.0", true, 3, 0, false, false},
		{"v3.0.0-beta.3", true, 3, 0, false, false},
		{"v3.1.3", true, 3, 0, false, false},
		{"v3.2.0", true, 3, 2, false, true},
		{"v3.2.4", true, 3, 2, false, true},
		{"v3.16.2", true, 3, 2, false, true},
		{"v4.0.0", true, 4, 0, false, true},
		{"v4.1.0", true, 4, 0, false, true},
		{"v0.9.0", false, 0, 0, false, false},
		{"v1.2.0", false, 0, 0, false, false},
		{"v5.0.0", false, 0, 0, false, false},
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
		    p->tiller != rows[i].tiller || p->create_namespace != rows[i].create_namespace)
			fail_msg("helm %s: row %ld.%ld tiller=%d create_namespace=%d", rows[i].v, p->major,
				 p->from_minor, p->tiller, p->create_namespace);
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
					       "v1.5.3", ""};
	for (size_t i = 0; i < NROWS(releases); i++)
		if (rke_release_for(releases[i]))
			fail_msg("rke '%s' has a row", releases[i]);
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
		  "rke_linux-amd64", "https://get.helm.sh/helm-v2.14.3-linux-amd64.tar.gz",
		  "helm-v2.14.3-linux-amd64.tar.gz", "linux-amd64/helm"}},
		{"darwin", "arm64", "v1.28.2", "v1.5.3", "v3.13.1",
		 {"https://dl.k8s.io/release/v1.28.2/bin/darwin/arm64/kubectl",
		  "https://github.com/rancher/rke/releases/download/v1.5.3/rke_darwin-arm64",
		  "rke_darwin-arm64", "https://get.helm.sh/helm-v3.13.1-darwin-arm64.tar.gz",
		  "helm-v3.13.1-darwin-arm64.tar.gz", "darwin-arm64/helm"}},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct tool_urls u;
		memset(&u, 'x', sizeof(u));
		tool_urls_for(rows[i].os, rows[i].arch, rows[i].kubectl, rows[i].rke, rows[i].helm, &u);
		assert_string_equal(u.kubectl, rows[i].want.kubectl);
		assert_string_equal(u.rke, rows[i].want.rke);
		assert_string_equal(u.rke_file, rows[i].want.rke_file);
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
		cmocka_unit_test(test_tool_urls),
		cmocka_unit_test(test_distro_releases),
		cmocka_unit_test(test_default_ingress),
		cmocka_unit_test(test_etcd_schedule),
	};
	return cmocka_run_group_tests_name("versions", tests, NULL, NULL);
}

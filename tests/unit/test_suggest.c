/* suggest.c: the edit distance (optimal string alignment, case-insensitive)
 * and which typos get a "did you mean". Expected values cross-checked with an
 * independent implementation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../test_helpers.h"

#include "suggest.h"

static void test_distance(void **state)
{
	(void)state;
	static const struct {
		const char *a, *b;
		size_t want;
	} rows[] = {
		{"", "", 0},
		{"a", "", 1},
		{"", "abc", 3},
		{"abc", "abc", 0},
		{"ABC", "abc", 0},
		{"hostName", "hostname", 0},
		{"kitten", "sitting", 3},
		{"flaw", "lawn", 2},
		{"ab", "ba", 1},	 /* a transposition is one edit */
		{"ca", "abc", 3},	 /* OSA: no edit on a transposed pair */
		{"abcdef", "badcfe", 3}, /* three transpositions */
		{"prot", "ports", 2},
		{"heml", "helm", 1},
		{"amd46", "amd64", 1},
		{"loadBalancer2", "loadBalancer", 1},
		{"workerProccesses", "workerProcesses", 1},
		{"zone", "name", 3},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		size_t d = suggest_distance(rows[i].a, rows[i].b), back = suggest_distance(rows[i].b, rows[i].a);
		if (d != rows[i].want || back != rows[i].want)
			fail_msg("'%s' '%s': %zu and %zu, expected %zu", rows[i].a, rows[i].b, d, back,
				 rows[i].want);
	}
}

/* Past 64 characters there is no distance (and so no suggestion). */
static void test_distance_long(void **state)
{
	(void)state;
	char a[66], b[65];
	memset(a, 'a', sizeof(a) - 1);
	a[65] = '\0';
	memset(b, 'a', sizeof(b) - 1);
	b[64] = '\0';
	assert_int_equal(suggest_distance(b, b), 0);
	assert_int_equal(suggest_distance(a, "a"), (size_t)-1);
	assert_int_equal(suggest_distance("a", a), (size_t)-1);
	const char *const names[] = {b};
	assert_null(suggest(a, names, 1));
	assert_ptr_equal(suggest(b, names, 1), b);
}

static const char *const lb[] = {
	"name",		 "address",	 "image",	      "container",	   "configPath",
	"ports",	 "balance",	 "maxFails",	      "failTimeout",	   "workerProcesses",
	"workerConnections", "workerRlimitNofile", "zone", "proxyConnectTimeout", "proxyTimeout",
};
static const char *const top[] = {"apiVersion", "name", "tools", "kubernetes", "nodes",
				  "loadBalancer", "certManager", "rancher", "hostAliases"};
static const char *const rancher[] = {"hostname", "repo", "chartVersion", "replicas",
				      "tls", "letsEncrypt", "bootstrapPasswordEnv"};

static void test_suggest(void **state)
{
	(void)state;
	static const struct {
		const char *word;
		const char *const *names;
		size_t n;
		const char *want; /* NULL: no suggestion */
	} rows[] = {
		{"prot", lb, NROWS(lb), "ports"},
		{"Ports", lb, NROWS(lb), "ports"},
		{"adress", lb, NROWS(lb), "address"},
		{"maxfail", lb, NROWS(lb), "maxFails"},
		{"proxyTimout", lb, NROWS(lb), "proxyTimeout"},
		{"imgae", lb, NROWS(lb), "image"},
		{"workerConnection", lb, NROWS(lb), "workerConnections"},
		{"configpath", lb, NROWS(lb), "configPath"},
		{"zon", lb, NROWS(lb), "zone"},
		{"nme", lb, NROWS(lb), "name"},
		{"hostName", rancher, NROWS(rancher), "hostname"},
		{"tsl", rancher, NROWS(rancher), "tls"},
		{"letsencrypt", rancher, NROWS(rancher), "letsEncrypt"},
		{"replica", rancher, NROWS(rancher), "replicas"},
		{"hostAlias", top, NROWS(top), "hostAliases"},
		{"node", top, NROWS(top), "nodes"},
		{"certmanager", top, NROWS(top), "certManager"},
		{"apiversion", top, NROWS(top), "apiVersion"},
		/* unrelated words, and words too short to guess from */
		{"banana", lb, NROWS(lb), NULL},
		{"proxy", lb, NROWS(lb), NULL},
		{"timeout", lb, NROWS(lb), NULL},
		{"zz", lb, NROWS(lb), NULL},
		{"x", lb, NROWS(lb), NULL},
		{"", lb, NROWS(lb), NULL},
		{"hostName", top, NROWS(top), NULL},
		{"version", top, NROWS(top), NULL},
		{"chart", rancher, NROWS(rancher), NULL},
		{"host", rancher, NROWS(rancher), NULL},
		{"prot", lb, 0, NULL},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		const char *got = suggest(rows[i].word, rows[i].names, rows[i].n);
		if (!rows[i].want ? got != NULL : !got || strcmp(got, rows[i].want))
			fail_msg("'%s': got %s, expected %s", rows[i].word, got ? got : "NULL",
				 rows[i].want ? rows[i].want : "NULL");
	}
}

/* The nearest name wins; on a tie, the first listed. */
static void test_suggest_ties(void **state)
{
	(void)state;
	const char *const names[] = {"abx", "aby", "abc"};
	assert_string_equal(suggest("abz", names, 3), "abx");
	assert_string_equal(suggest("abc", names, 3), "abc");
	const char *const names2[] = {"aby", "abx"};
	assert_string_equal(suggest("abz", names2, 2), "aby");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_distance_long),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_suggest_ties),
	};
	return cmocka_run_group_tests_name("suggest", tests, NULL, NULL);
}

/* What verify's checks share: the files of the directory, what parsed, and
 * the expectation (the view the compiler derives from spec.json). */
#ifndef RHC_VERIFY_CTX_H
#define RHC_VERIFY_CTX_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "arena.h"
#include "nginx_conf.h"
#include "node.h"
#include "report.h"
#include "shell_words.h"
#include "val.h"
#include "verify.h"

#define VERIFY_MAX_FILE ((size_t)64 << 20)

struct outfile {
	char *path; /* relative to the directory */
	char *data; /* NUL-terminated */
	size_t len;
	mode_t mode;
	bool changed; /* sha256 differs from MANIFEST */
};

struct script {
	const struct outfile *file;
	struct shell_line *lines;
	size_t nlines;
};

struct node_config {
	const struct outfile *file;
	const char *node; /* NODE of nodes/NODE/config.yaml */
	const struct node *yaml;
};

struct verify_ctx {
	const char *dir;
	const struct verify_options *opt;
	struct report *r;
	struct arena a;
	struct outfile *files;
	size_t nfiles;
	/* parsed artefacts; NULL when missing or unparsable */
	const struct val *spec; /* spec.json, checked by the schema and rules */
	const struct val *view; /* lower_spec(spec): what the artefacts must say */
	const struct nginx_directive *nginx;
	const struct node *rke;
	struct script *scripts; /* one per file that is a script, at most nfiles */
	size_t nscripts;
	/* rke2/k3s: nodes/NODE/config.yaml parsed, in path order */
	struct node_config *configs;
	size_t nconfigs;
};

const struct outfile *verify_file(const struct verify_ctx *c, const char *path);
const struct script *verify_script(const struct verify_ctx *c, const char *path);
/* The first line of S whose words start with the given words (NULL-ended). */
const struct shell_line *script_find(const struct script *s, const char *const *prefix, size_t from,
				     size_t *index);

void check_consistency(struct verify_ctx *c);
/* rke2/k3s: the nodes' config.yaml, install.sh and cluster.sh against each
 * other and spec.json (distro.c). */
void check_distro_artefacts(struct verify_ctx *c);
/* The nodes of spec.json the load balancer must reach on PORT: the worker
 * nodes on an ingress port, the servers on rke2's 9345 and the API's 6443;
 * NULL for a port that is neither. From rancher-cluster.yml (rke1) or the
 * nodes' config.yaml (rke2/k3s): a node with tls-san is a server, one
 * without the CriticalAddonsOnly taint takes workloads. Addresses as nginx
 * writes them (IPv6 in brackets). */
const char **expected_upstream(struct verify_ctx *c, long port, size_t *count);
/* rke2/k3s: the addresses of the nodes whose config.yaml makes them servers
 * (API true) or lets them take workloads (API false), from spec.json by
 * node-name (distro.c). */
const char **node_config_hosts(struct verify_ctx *c, bool api, size_t *count);
/* The ports the load balancer listens on: spec.json's and the distro's API ports. */
size_t lb_port_count(const struct verify_ctx *c);
void check_real_tools(struct verify_ctx *c);
void check_argv(struct verify_ctx *c);

#endif

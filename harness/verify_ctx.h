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
#define VERIFY_MAX_TOTAL ((size_t)512 << 20)
#define VERIFY_MAX_DEPTH 32

struct outfile {
	char *path; /* relative to the directory */
	char *data; /* NUL-terminated; empty when PROBLEM is set */
	size_t len;
	mode_t mode;
	const char *problem; /* why it was not read: not a regular file, too large, ... */
	bool changed;	     /* sha256 differs from MANIFEST */
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
	struct outfile *files; /* every non-directory, sorted by path */
	size_t nfiles;
	struct outfile *dirs; /* the subdirectories, for their modes */
	size_t ndirs;
	size_t total; /* bytes read */
	/* A private copy of the directory's regular files (WS/out) and room for
	 * the programs verify runs on them: they never read DIR itself (a FIFO
	 * there cannot block them) and write nowhere else. */
	const char *ws;
	const char *manifest_version; /* after "rhc " on MANIFEST's first line */
	const char *manifest_spec;    /* MANIFEST's "spec SHA256", when well formed */
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

/* A new private directory $TMPDIR/NAME-XXXXXX (else /tmp), in A; NULL with
 * errno. verify_rmtree removes a tree without following links. */
char *verify_mkdtemp(struct arena *a, const char *name);
void verify_rmtree(const char *dir);

void check_rendering(struct verify_ctx *c);
/* The file PATH that SPEC (with VIEW, its lowered view) renders, as a buffer
 * the caller frees, or NULL. */
char *verify_rendering_of(const struct val *spec, const struct val *view, const char *path, size_t *len);
void check_consistency(struct verify_ctx *c);
/* rke2/k3s: the nodes' config.yaml, install.sh and cluster.sh against each
 * other and spec.json (distro.c). */
void check_distro_artefacts(struct verify_ctx *c);
/* Air-gapped and mirrored installs: no public host, one registry (airgap.c). */
void check_airgap(struct verify_ctx *c);
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

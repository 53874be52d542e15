/* Version-driven behaviour, as data tables (one place, each row tested). */
#ifndef RHC_VERSIONS_H
#define RHC_VERSIONS_H
#include <stdbool.h>
#include <stddef.h>

struct semver {
	long major;
	long minor;
	long patch;
};

/* Parses "v1.2.3" with an optional "-suffix" (ignored). */
bool semver_parse(const char *s, struct semver *v);
int semver_cmp(const struct semver *a, const struct semver *b);

/* Helm: which syntax a client version speaks. */
struct helm_procedure {
	long major;
	long from_minor; /* first minor this row covers */
	bool tiller;	 /* Helm 2: tiller, `helm init`, `--name` */
	bool create_namespace; /* `--create-namespace` exists (3.2+) */
};
/* The row for V, or NULL when rhc does not support that Helm major. */
const struct helm_procedure *helm_procedure_for(const struct semver *v);

/* cert-manager: how its CRDs are installed. */
enum cm_crds {
	CM_CRDS_MANIFEST_LABEL, /* <=0.10: CRD manifest + disable-validation namespace label */
	CM_CRDS_MANIFEST,	/* 0.11-0.14: CRD manifest with --validate=false, before the chart */
	CM_CRDS_INSTALL_CRDS,	/* 0.15-1.14: --set installCRDs=true */
	CM_CRDS_ENABLED,	/* >=1.15: --set crds.enabled=true */
};
struct cert_manager_procedure {
	struct semver from; /* first version this row covers */
	enum cm_crds crds;
	/* CRD manifest URL: prefix, then the minor ("11") or the version
	 * ("v0.14.0"), then suffix. NULL prefix: the chart installs the CRDs. */
	const char *crds_prefix;
	bool url_takes_version;
	const char *crds_suffix;
};
const struct cert_manager_procedure *cert_manager_procedure_for(const struct semver *v);
/* The CRD manifest URL for V under P into OUT (empty when the chart installs them). */
void cert_manager_crds_url(const struct cert_manager_procedure *p, const char *version,
			   const struct semver *v, char *out, size_t len);

/* rke release -> the Kubernetes versions it can install. */
struct rke_release {
	const char *rke;
	const char *default_kubernetes;
	const char *const *kubernetes; /* NULL-terminated */
};
/* The row for rke VERSION, or NULL when rhc's table does not have it. */
const struct rke_release *rke_release_for(const char *version);
bool rke_knows(const struct rke_release *r, const char *kubernetes);

/* RKE2 and K3s releases rhc knows: the newest of each minor when the table
 * was made. A release names its Kubernetes version (v1.33.13+rke2r2 runs
 * Kubernetes v1.33.13); the rows say which releases exist. */
struct distro_release {
	const char *distro;  /* "rke2" or "k3s" */
	const char *release; /* as INSTALL_RKE2_VERSION / INSTALL_K3S_VERSION take it */
	const char *coredns_chart; /* rke2: the rke2-coredns chart it ships (its default servers block) */
};
/* The row for RELEASE of DISTRO, or NULL when rhc's table does not have it. */
const struct distro_release *distro_release_for(const char *distro, const char *release);
/* The newest release of DISTRO in the table (NULL for a distro without one). */
const struct distro_release *distro_newest_release(const char *distro);
/* Each row in turn, for listings: I from 0 until NULL. */
const struct distro_release *distro_release_at(size_t i);
/* The release suffix of DISTRO ("+rke2r", "+k3s"), or NULL (rke1). */
const char *distro_release_suffix(const char *distro);

/* The ingress controller a DISTRO release installs when not told otherwise:
 * "nginx" or "traefik". RELEASE may be empty (rke1). */
const char *distro_default_ingress(const char *distro, const struct semver *release);

/* etcd snapshots as RKE2/K3s take them: CREATION and RETENTION are Go
 * durations ("6h", "1h30m"). On success: the cron schedule of every N
 * hours on the hour in CRON and retention / creation in *COUNT. False with
 * a reason in WHY when creation is not a whole number of hours dividing 24,
 * or retention not a whole multiple of it. */
bool etcd_schedule(const char *creation, const char *retention, char *cron, size_t cron_len,
		   long *count, const char **why);

/* Download locations of the client tools, for one os/arch. */
struct tool_urls {
	char kubectl[256];
	char rke[256];
	char rke_file[64];
	char helm[256];
	char helm_tarball[96];
	char helm_member[64]; /* path of the helm binary inside the tarball */
};
void tool_urls_for(const char *os, const char *arch, const char *kubectl, const char *rke,
		   const char *helm, struct tool_urls *out);

#endif

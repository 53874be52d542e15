/* Version-driven behaviour and every upstream version fact rhc relies on, as
 * data tables in one place (versions.c, each row with its source, each row
 * tested). The lookups return rows of static tables: nothing to free. */
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
/* A chart version: "2.4.18" or "v2.4.18" (Helm accepts both). */
bool chart_version_parse(const char *s, struct semver *v);
int semver_cmp(const struct semver *a, const struct semver *b);

/* Helm: which syntax a client version speaks, and what its engine can do. */
struct helm_procedure {
	long major;
	long from_minor; /* first minor this row covers */
	bool tiller;	 /* Helm 2: tiller, `helm init`, `--name` */
	bool create_namespace; /* `--create-namespace` exists (3.2+) */
	bool lookup;	       /* the template function `lookup` exists (3.1+) */
	bool refuses_api_v2;   /* refuses charts with apiVersion v2 (2.15+) */
	const char *tiller_image; /* a registry that still serves tiller, or NULL */
	const char *kube_below;	  /* charts it installs fail from this Kubernetes on, or NULL */
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

/* cert-manager's images and the chart values that name their repository
 * (the tag defaults to the chart's appVersion, the release itself). */
struct cert_manager_image {
	const char *component; /* "" for the controller, else the values key: "webhook", ... */
	const char *image;     /* the default repository, without a tag */
	struct semver from;    /* first release with this image under this value */
	struct semver until;   /* first release without it, or {0,0,0}: still there */
	bool acme;	       /* used only for ACME (Let's Encrypt) challenges */
};
/* The rows in order; *N gets their count. */
const struct cert_manager_image *cert_manager_images(size_t *n);
bool cert_manager_image_in(const struct cert_manager_image *img, const struct semver *v);

/* cert-manager's Helm chart: what its Chart.yaml demands. */
struct cert_manager_chart {
	struct semver from;	    /* first version this row covers */
	const char *kube_min;	    /* chart kubeVersion ">= X", or NULL */
	bool api_v2;		    /* Chart.yaml apiVersion v2 */
};
const struct cert_manager_chart *cert_manager_chart_for(const struct semver *v);

/* Rancher chart lines 2.3 and later. */
struct rancher_line {
	long minor;		/* the line 2.MINOR */
	const char *newest;	/* newest GA chart of the line, "2.4.18" */
	const char *kube_min;	/* documented minimum Kubernetes, or NULL */
	const char *kube_min_source;
	const char *helm_min;	/* documented minimum Helm, or NULL */
	const char *helm_min_source;
	bool local_agents;	/* the local cluster runs cattle-cluster-agent and -node-agent */
	bool node_agent;	/* cattle-node-agent exists at all (downstream RKE1 from 2.5) */
	bool strict_agent_tls;	/* agent-tls-mode defaults to strict on new installs */
	bool rke1_local;	/* documented to run on an RKE1 cluster (the local cluster) */
	bool is_default;	/* its newest chart is what an empty chartVersion tries first */
};
/* The row of CHART's line, or NULL for a line outside the table. */
const struct rancher_line *rancher_line_for(const struct semver *chart);
/* Rows oldest first; *N gets their count. */
const struct rancher_line *rancher_lines(size_t *n);
/* The row marked is_default (one line). */
const struct rancher_line *rancher_default_line(void);
/* The newest line documented to run on an RKE1 cluster (rke1_local). */
const struct rancher_line *rancher_last_rke1_line(void);
/* The row documenting LINE's minimum Kubernetes: LINE's own, else the
 * nearest earlier line's; NULL when none is documented. */
const struct rancher_line *rancher_kube_min(const struct rancher_line *line);

/* What a Rancher chart version's templates and values have. */
enum chart_fact {
	CHART_LOOKUP,		  /* templates call `lookup`: Helm 2 cannot render them */
	CHART_API_V2,		  /* Chart.yaml apiVersion v2 */
	CHART_INGRESS_V1,	  /* an Ingress Kubernetes 1.22+ serves (networking.k8s.io/v1) */
	CHART_CM_IO,		  /* speaks cert-manager.io (cert-manager 0.11+) */
	CHART_CM_V1_ONLY,	  /* speaks only cert-manager.io/v1 (cert-manager 1.0+) */
	CHART_LE_INGRESS_CLASS,	  /* value letsEncrypt.ingress.class */
	CHART_INGRESS_CLASS_NAME, /* value ingress.ingressClassName */
	CHART_BOOTSTRAP_PASSWORD, /* value bootstrapPassword */
	CHART_AGENT_TLS_MODE,	  /* value agentTLSMode */
	CHART_IMAGE_VALUES,	  /* values image.registry/repository/tag (before: rancherImage) */
	CHART_NETWORK_EXPOSURE,	  /* value networkExposure.type */
};
bool rancher_chart_has(const struct semver *chart, enum chart_fact f);
/* First chart version with fact F in the line of CHART (or the first line
 * with it), as "2.6.7"; NULL when no row names F. */
const char *rancher_chart_fact_since(const struct semver *chart, enum chart_fact f);

/* Chart.yaml's kubeVersion "< BELOW" for CHART (NULL: no bound). CERTAIN is
 * false when CHART lies between two tags of its line with different bounds. */
void rancher_chart_kube_below(const struct semver *chart, const char **below, bool *certain);

/* The workloads hostAliases can patch, and where each runs. */
struct rancher_workload {
	const char *name;
	const char *kind;	  /* kubectl resource */
	long local_until;	  /* runs in the local cluster before line 2.X, or 0: always */
	long removed;		  /* gone from every cluster from line 2.X, or 0: never */
};
const struct rancher_workload *rancher_workloads(size_t *n);
const struct rancher_workload *rancher_workload(const char *name);
bool rancher_workload_in_local(const struct rancher_workload *w, long line);
bool rancher_workload_exists(const struct rancher_workload *w, long line);
/* The CRD manifest URL for V under P into OUT (empty when the chart installs them). */
void cert_manager_crds_url(const struct cert_manager_procedure *p, const char *version,
			   const struct semver *v, char *out, size_t len);

/* rke release -> the Kubernetes versions it offers (`rke config
 * --list-version --all`); older ones it still accepts for upgrades. */
struct rke_release {
	const char *rke;
	const char *default_kubernetes;
	const char *const *kubernetes; /* NULL-terminated, oldest first */
};
/* Rows oldest first; *N gets their count. */
const struct rke_release *rke_releases_all(size_t *n);
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
	bool is_default;     /* what an empty kubernetes.version installs (one row per distro) */
};
/* The row for RELEASE of DISTRO, or NULL when rhc's table does not have it. */
const struct distro_release *distro_release_for(const char *distro, const char *release);
/* The newest release of DISTRO in the table (NULL for a distro without one). */
const struct distro_release *distro_newest_release(const char *distro);
/* The row of DISTRO marked is_default: what an empty kubernetes.version
 * installs (NULL for a distro without one, rke1: rke's own default). */
const struct distro_release *distro_default_release(const char *distro);
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
	char rke_sums[256]; /* the release's sha256sum.txt */
	char helm[256];
	char helm_tarball[96];
	char helm_member[64]; /* path of the helm binary inside the tarball */
};
void tool_urls_for(const char *os, const char *arch, const char *kubectl, const char *rke,
		   const char *helm, struct tool_urls *out);

#endif

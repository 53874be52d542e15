/* The versions a checked spec implies, read once from the version tables
 * for the rules and the lowering alike: the Helm procedure, the cluster's
 * Kubernetes (set, or rke's default), the Rancher chart (pinned, or the
 * newest in the table that this Helm and Kubernetes can install) and its
 * line. Everything points into static tables or the spec: nothing to free. */
#ifndef RHC_STACK_H
#define RHC_STACK_H
#include <stdbool.h>

#include "val.h"
#include "versions.h"

struct stack {
	const char *distro;		 /* kubernetes.distro */
	struct semver helm;
	const struct helm_procedure *hp; /* NULL: a Helm major rhc does not know */
	bool kube_known;
	struct semver kube;
	const char *helm_text;
	const char *kube_text;	 /* "" when unknown */
	const char *kube_source; /* "kubernetes.version" or "the default of rke vX" */
	char kube_source_buf[64];
	bool cert_manager;	 /* the TLS mode installs cert-manager */
	struct semver cm;
	bool chart_known;	   /* chart parses */
	bool chart_default;	   /* chosen by rhc, not pinned in the spec */
	struct semver chart;
	char chart_text[64];	   /* "" when unpinned */
	const struct rancher_line *line; /* NULL: outside the table */
	long line_minor;	   /* the line whose facts apply (nearest known) */
};

void stack_read(const struct val *spec, struct stack *st);

enum stack_severity { STACK_OK, STACK_WARNING, STACK_ERROR };
/* One problem with the chart against the rest of the stack; FIELD is the
 * spec field it concerns. */
typedef void (*stack_report_fn)(void *ctx, enum stack_severity sev, const char *field,
				const char *msg);
/* Checks CHART against ST's Helm, Kubernetes and cert-manager, reporting
 * each problem through FN (may be NULL); returns the worst severity. */
enum stack_severity stack_check_chart(const struct stack *st, const struct semver *chart,
				      const char *chart_text, stack_report_fn fn, void *ctx);

/* Whether the chart line's agents include WORKLOAD (rancher, ...) at all,
 * and in the local cluster. */
bool stack_workload_exists(const struct stack *st, const char *workload);
bool stack_workload_local(const struct stack *st, const char *workload);
/* The effective agentTLSMode written to the chart values, or "" for none. */
const char *stack_agent_tls_mode(const struct stack *st, const struct val *spec);
/* The ingress class Let's Encrypt solvers use: rancher.ingressClass, else
 * the class of the distro's ingress (rke1: nginx); "" for ingress none. */
const char *stack_ingress_class(const struct val *spec, const struct stack *st);

#endif

#include "stack.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void read_kubernetes(const struct val *spec, struct stack *st)
{
	const char *set = val_path_str(spec, "kubernetes.version");
	const char *distro = val_path_str(spec, "kubernetes.distro");
	const struct rke_release *rel = rke_release_for(val_path_str(spec, "tools.rke"));
	/* rke2/k3s: the release names its Kubernetes (v1.33.13+rke2r2); empty:
	 * the table's default row; rke1: the rke release's own default */
	const struct distro_release *def = distro_default_release(distro);
	st->kube_text = "";
	st->kube_source = "kubernetes.version";
	if (*set) {
		st->kube_text = set;
	} else if (def) {
		st->kube_text = def->release;
		snprintf(st->kube_source_buf, sizeof(st->kube_source_buf), "the default %s release", distro);
		st->kube_source = st->kube_source_buf;
	} else if (!strcmp(distro, "rke1") && rel) {
		st->kube_text = rel->default_kubernetes;
		snprintf(st->kube_source_buf, sizeof(st->kube_source_buf), "the default of rke %s", rel->rke);
		st->kube_source = st->kube_source_buf;
	}
	st->kube_known = *st->kube_text && semver_parse(st->kube_text, &st->kube);
}

/* The default line's newest chart when this stack installs it without a
 * problem; else the newest chart of the table that it installs without a
 * problem, else without an error; "" when none (or for the alpha repo,
 * whose pre-releases the table does not list). */
static void default_chart(const struct val *spec, struct stack *st)
{
	if (!strcmp(val_path_str(spec, "rancher.repo"), "alpha"))
		return;
	size_t n;
	const struct rancher_line *lines = rancher_lines(&n);
	const struct rancher_line *def = rancher_default_line();
	const char *fallback = NULL;
	struct semver dv;
	if (def && chart_version_parse(def->newest, &dv) &&
	    stack_check_chart(st, &dv, def->newest, NULL, NULL) == STACK_OK) {
		snprintf(st->chart_text, sizeof(st->chart_text), "%s", def->newest);
		return;
	}
	for (size_t i = n; i-- > 0;) {
		struct semver v;
		if (!chart_version_parse(lines[i].newest, &v))
			continue;
		enum stack_severity sev = stack_check_chart(st, &v, lines[i].newest, NULL, NULL);
		if (sev == STACK_OK) {
			fallback = lines[i].newest;
			break;
		}
		if (sev == STACK_WARNING && !fallback)
			fallback = lines[i].newest;
	}
	if (fallback)
		snprintf(st->chart_text, sizeof(st->chart_text), "%s", fallback);
}

void stack_read(const struct val *spec, struct stack *st)
{
	*st = (struct stack){0};
	st->distro = val_path_str(spec, "kubernetes.distro");
	st->helm_text = val_path_str(spec, "tools.helm");
	st->hp = semver_parse(st->helm_text, &st->helm) ? helm_procedure_for(&st->helm) : NULL;
	read_kubernetes(spec, st);
	const char *tls = val_path_str(spec, "rancher.tls");
	st->cert_manager = !strcmp(tls, "rancher") || !strcmp(tls, "letsEncrypt");
	if (!semver_parse(val_path_str(spec, "certManager.version"), &st->cm))
		st->cert_manager = false;
	const char *pin = val_path_str(spec, "rancher.chartVersion");
	if (*pin) {
		snprintf(st->chart_text, sizeof(st->chart_text), "%s", pin);
	} else {
		st->chart_default = true;
		default_chart(spec, st);
	}
	st->chart_known = *st->chart_text && chart_version_parse(st->chart_text, &st->chart);
	size_t n;
	const struct rancher_line *lines = rancher_lines(&n);
	st->line = st->chart_known ? rancher_line_for(&st->chart) : NULL;
	/* outside the table: the nearest line's facts; unpinned: the newest */
	st->line_minor = lines[n - 1].minor;
	if (st->line)
		st->line_minor = st->line->minor;
	else if (st->chart_known && st->chart.major == 2 && st->chart.minor < lines[0].minor)
		st->line_minor = lines[0].minor;
}

struct checker {
	stack_report_fn fn;
	void *ctx;
	enum stack_severity worst;
};

static void report(struct checker *c, enum stack_severity sev, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct checker *c, enum stack_severity sev, const char *field, const char *fmt, ...)
{
	if (sev > c->worst)
		c->worst = sev;
	if (!c->fn)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->fn(c->ctx, sev, field, msg);
}

/* Helm against the chart: what its engine cannot render is an error. */
static void check_helm(struct checker *c, const struct stack *st, const struct semver *chart,
		       const char *text, const struct rancher_line *line)
{
	if (!st->hp)
		return;
	if (rancher_chart_has(chart, CHART_LOOKUP) && !st->hp->lookup) {
		report(c, STACK_ERROR, "rancher.chartVersion",
		       "Helm %s cannot render Rancher chart %s: its templates call 'lookup' (from chart %s), "
		       "which Helm 2 and Helm 3.0 do not have; pin chartVersion 2.5.17 or older, or use Helm 3.1 or later",
		       st->helm_text, text, rancher_chart_fact_since(chart, CHART_LOOKUP));
	} else if (rancher_chart_has(chart, CHART_API_V2) && st->hp->refuses_api_v2) {
		report(c, STACK_ERROR, "rancher.chartVersion",
		       "Helm %s refuses Rancher chart %s: its Chart.yaml has apiVersion v2 (from %s)",
		       st->helm_text, text, rancher_chart_fact_since(chart, CHART_API_V2));
	} else if (line && line->helm_min) {
		struct semver min;
		if (semver_parse(line->helm_min, &min) && semver_cmp(&st->helm, &min) < 0)
			report(c, STACK_WARNING, "tools.helm",
			       "Rancher 2.%ld is documented for Helm %s or later (%s); Helm %s is outside that range",
			       line->minor, line->helm_min, line->helm_min_source, st->helm_text);
	}
}

/* The cluster's Kubernetes against the chart's kubeVersion and the line's
 * documented range. */
static void check_kubernetes(struct checker *c, const struct stack *st, const struct semver *chart,
			     const char *text, const struct rancher_line *line)
{
	if (!st->kube_known)
		return;
	const char *below;
	bool certain;
	struct semver b;
	rancher_chart_kube_below(chart, &below, &certain);
	if (below && semver_parse(below, &b) && semver_cmp(&st->kube, &b) >= 0) {
		if (certain)
			report(c, STACK_ERROR, "rancher.chartVersion",
			       "Rancher chart %s declares kubeVersion < %s (chart/Chart.yaml); Helm refuses it on Kubernetes %s (%s)",
			       text, below + 1, st->kube_text, st->kube_source);
		else
			report(c, STACK_WARNING, "rancher.chartVersion",
			       "Rancher chart %s may declare kubeVersion < %s, which excludes Kubernetes %s (%s); rhc's table has only some tags of the line",
			       text, below + 1, st->kube_text, st->kube_source);
	}
	const struct rancher_line *doc = line ? rancher_kube_min(line) : NULL;
	if (doc && semver_parse(doc->kube_min, &b) && semver_cmp(&st->kube, &b) < 0)
		report(c, STACK_WARNING, "kubernetes.version",
		       "Rancher 2.%ld needs Kubernetes %s or later (documented for 2.%ld: %s); Kubernetes %s (%s) is outside that range",
		       line->minor, doc->kube_min + 1, doc->minor, doc->kube_min_source, st->kube_text,
		       st->kube_source);
	if (st->hp && st->hp->kube_below && semver_parse(st->hp->kube_below, &b) &&
	    semver_cmp(&st->kube, &b) >= 0)
		report(c, STACK_ERROR, "tools.helm",
		       "every Rancher chart Helm 2 can render creates a beta Ingress (extensions/v1beta1 or networking.k8s.io/v1beta1), "
		       "which Kubernetes %s and later do not serve; Kubernetes %s (%s) needs Helm 3",
		       st->hp->kube_below + 1, st->kube_text, st->kube_source);
	else if (!rancher_chart_has(chart, CHART_INGRESS_V1) && semver_parse("v1.22.0", &b) &&
		 semver_cmp(&st->kube, &b) >= 0)
		report(c, STACK_ERROR, "rancher.chartVersion",
		       "Rancher chart %s creates an extensions/v1beta1 Ingress (chart/templates/ingress.yaml, up to 2.5.4), which Kubernetes 1.22 and later do not serve; Kubernetes %s (%s) needs a newer chart",
		       text, st->kube_text, st->kube_source);
}

/* cert-manager against the API group the chart speaks. */
static void check_cert_manager(struct checker *c, const struct stack *st, const struct semver *chart,
			       const char *text)
{
	if (!st->cert_manager)
		return;
	if (st->cm.major == 0 && st->cm.minor >= 11 && !rancher_chart_has(chart, CHART_CM_IO))
		report(c, STACK_ERROR, "rancher.chartVersion",
		       "Rancher chart %s creates certmanager.k8s.io/v1alpha1 issuers, which cert-manager 0.11 and later do not serve; "
		       "use chart %s or later, or cert-manager v0.10",
		       text, rancher_chart_fact_since(chart, CHART_CM_IO));
	if (st->cm.major < 1 && rancher_chart_has(chart, CHART_CM_V1_ONLY))
		report(c, STACK_ERROR, "certManager.version",
		       "Rancher chart %s creates only cert-manager.io/v1 issuers (from chart %s); cert-manager v%ld.%ld.%ld does not serve them: use v1.0 or later",
		       text, rancher_chart_fact_since(chart, CHART_CM_V1_ONLY), st->cm.major, st->cm.minor,
		       st->cm.patch);
}

/* The distro against the line: RKE1 under a line no longer documented to
 * run on it (versions.c, rke1_local) is a warning, since nothing in the
 * chart refuses it. */
static void check_distro(struct checker *c, const struct stack *st, const char *text,
			 const struct rancher_line *line)
{
	const struct rancher_line *last = rancher_last_rke1_line();
	if (!st->distro || strcmp(st->distro, "rke1") || !line || !last || line->minor <= last->minor)
		return;
	report(c, STACK_WARNING, "rancher.chartVersion",
	       "Rancher %s is not documented to run on RKE1: Rancher 2.12 stopped managing RKE1 clusters and from 2.13 the install docs "
	       "list K3s, RKE2 and hosted clusters for the cluster Rancher runs on (RKE1 reached end of life on 2025-07-31); "
	       "use distro rke2 or k3s, or a 2.%ld chart",
	       text, last->minor);
}

enum stack_severity stack_check_chart(const struct stack *st, const struct semver *chart,
				      const char *chart_text, stack_report_fn fn, void *ctx)
{
	struct checker c = {fn, ctx, STACK_OK};
	const struct rancher_line *line = rancher_line_for(chart);
	if (!line) {
		size_t n;
		const struct rancher_line *lines = rancher_lines(&n);
		report(&c, STACK_WARNING, "rancher.chartVersion",
		       "Rancher chart %s is not in rhc's table (lines 2.%ld to 2.%ld); what it needs cannot be checked",
		       chart_text, lines[0].minor, lines[n - 1].minor);
	}
	check_helm(&c, st, chart, chart_text, line);
	check_kubernetes(&c, st, chart, chart_text, line);
	check_cert_manager(&c, st, chart, chart_text);
	check_distro(&c, st, chart_text, line);
	return c.worst;
}

bool stack_workload_exists(const struct stack *st, const char *workload)
{
	const struct rancher_workload *w = rancher_workload(workload);
	return w && rancher_workload_exists(w, st->line_minor);
}

bool stack_workload_local(const struct stack *st, const char *workload)
{
	const struct rancher_workload *w = rancher_workload(workload);
	return w && rancher_workload_exists(w, st->line_minor) &&
	       rancher_workload_in_local(w, st->line_minor);
}

const char *stack_agent_tls_mode(const struct stack *st, const struct val *spec)
{
	if (!st->chart_known || !rancher_chart_has(&st->chart, CHART_AGENT_TLS_MODE))
		return "";
	const char *set = val_path_str(spec, "rancher.agentTLSMode");
	if (*set)
		return set;
	/* strict trusts only Rancher's own CA: Let's Encrypt certificates need
	 * the system store (docs "TLS Settings", Agent TLS Enforcement) */
	return !strcmp(val_path_str(spec, "rancher.tls"), "letsEncrypt") ? "system-store" : "strict";
}

const char *stack_ingress_class(const struct val *spec, const struct stack *st)
{
	const char *set = val_path_str(spec, "rancher.ingressClass");
	if (*set)
		return set;
	/* the distro's ingress (versions.c), by its class name: RKE1's and
	 * RKE2's ingress-nginx are class nginx, Traefik's is traefik */
	const char *ingress = val_path_str(spec, "kubernetes.ingress");
	if (!strcmp(ingress, "default"))
		ingress = distro_default_ingress(val_path_str(spec, "kubernetes.distro"), &st->kube);
	return !strcmp(ingress, "none") ? "" : ingress;
}

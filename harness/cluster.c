/* rhc verify --cluster: asks the Kubernetes API, through libcurl, whether the
 * install is what DIR's spec.json says. One round of checks, or with --wait
 * rounds under a bounded backoff until nothing is left that waiting can fix.
 *
 * This file writes to stderr itself, the one exception to "only main.c
 * prints": --wait's progress lines and the --verbose trace must appear while
 * rhc waits, before main.c prints the report. Neither ever holds a secret. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compile.h"
#include "json.h"
#include "kubeapi.h"
#include "kubeconfig.h"
#include "lower.h"
#include "progress.h"
#include "verify.h"
#include "verify_ctx.h"
#include "versions.h"

#define SPEC_MAX_BYTES ((size_t)64 << 20)
#define BACKOFF_MAX_S 15

/* One round of checks into its own report, so --wait keeps only the last. */
struct round {
	const struct verify_options *opt;
	const struct val *spec;
	const struct val *view;
	const struct kube_auth *auth;
	struct kube_client client;
	struct arena a;
	struct report r;
	bool permanent;	     /* a FAIL that waiting cannot fix */
	struct buf pending;  /* what is not ready yet, for the progress line */
	const struct node *rancher; /* the rancher Deployment, when found */
	struct semver version;	    /* Rancher's; major -1 when unknown */
	const char *coredns_entry;  /* the hosts entry manifests/coredns-hosts.yaml has, or NULL */
};

static void add(struct round *rd, enum check_status st, const char *check, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void add(struct round *rd, enum check_status st, const char *check, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	report_add(&rd->r, st, check, NULL, 0, "%s", msg);
}

static void pass(struct round *rd, const char *check, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void skip(struct round *rd, const char *check, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void broken(struct round *rd, const char *check, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void not_ready(struct round *rd, const char *check, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void pass(struct round *rd, const char *check, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(rd, CHECK_PASS, check, fmt, ap);
	va_end(ap);
}

static void skip(struct round *rd, const char *check, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(rd, CHECK_SKIP, check, fmt, ap);
	va_end(ap);
}

/* A failure that no amount of waiting repairs: stops --wait. */
static void broken(struct round *rd, const char *check, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(rd, CHECK_FAIL, check, fmt, ap);
	va_end(ap);
	rd->permanent = true;
}

/* A failure an install in progress has: WHAT goes on the progress line. */
static void not_ready(struct round *rd, const char *check, const char *what, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(rd, CHECK_FAIL, check, fmt, ap);
	va_end(ap);
	buf_printf(&rd->pending, "%s%s", rd->pending.len ? "; " : "", what);
}

/* Reports an answer that is not KUBE_OK (404 is the caller's business). */
static void failed_get(struct round *rd, const char *check, const char *what, const struct kube_answer *ans)
{
	if (kube_answer_transient(ans))
		not_ready(rd, check, what, "%s: %s", what, ans->why);
	else
		broken(rd, check, "%s: %s", what, ans->why);
}

static void get(struct round *rd, const char *path, struct kube_answer *ans)
{
	kube_get(&rd->client, &rd->a, path, ans);
}

static long long ready_count(const struct node *obj, const char *path)
{
	const char *s = kube_path_str(obj, path);
	return s ? strtoll(s, NULL, 10) : 0;
}

/* The Available condition of a Deployment: true, or why not in *WHY. */
static bool available(struct round *rd, const struct node *dep, const char **why)
{
	const struct node *conds = node_path(dep, "status.conditions");
	for (const struct node *c = conds && conds->kind == NODE_SEQ ? conds->first : NULL; c; c = c->next) {
		const char *type = kube_scalar(c, "type"), *status = kube_scalar(c, "status");
		if (!type || strcmp(type, "Available"))
			continue;
		if (status && !strcmp(status, "True"))
			return true;
		const char *reason = kube_scalar(c, "reason"), *msg = kube_scalar(c, "message");
		*why = arena_printf(&rd->a, "Available=%s (%s%s%s)", status ? status : "?", reason ? reason : "",
				    reason && msg ? ": " : "", msg ? msg : "");
		return false;
	}
	*why = "no Available condition yet";
	return false;
}

static const char *ns_path(struct round *rd, const char *group, const char *ns, const char *res, const char *name)
{
	return arena_printf(&rd->a, "/%s/namespaces/%s/%s/%s", group, ns, res, name);
}

/* /version, and its distance from tools.kubectl. False: nothing else can run. */
static bool check_api(struct round *rd)
{
	struct kube_answer ans;
	get(rd, "/version", &ans);
	const char *git = ans.outcome == KUBE_OK ? kube_scalar(ans.obj, "gitVersion") : NULL;
	if (ans.outcome != KUBE_OK) {
		failed_get(rd, "cluster-api", "API", &ans);
		return false;
	}
	if (!git) {
		broken(rd, "cluster-api", "GET /version at %s has no gitVersion: is this a Kubernetes API server?",
		       rd->auth->server);
		return false;
	}
	pass(rd, "cluster-api", "%s answers: Kubernetes %s", rd->auth->server, git);
	const char *kubectl = val_path_str(rd->spec, "tools.kubectl");
	struct semver s, k;
	if (!semver_parse(git, &s) || !semver_parse(kubectl, &k)) {
		broken(rd, "cluster-version", "cannot compare server %s with tools.kubectl %s", git, kubectl);
		return true;
	}
	long skew = labs(s.minor - k.minor);
	if (s.major == k.major && skew <= 1)
		pass(rd, "cluster-version", "server %s, tools.kubectl %s: within one minor", git, kubectl);
	else
		broken(rd, "cluster-version", "server %s, tools.kubectl %s: expected within one minor; found %s",
		       git, kubectl, s.major != k.major ? "another major" : arena_printf(&rd->a, "%ld minors apart", skew));
	return true;
}

static void check_namespace(struct round *rd, const char *ns)
{
	struct kube_answer ans;
	get(rd, arena_printf(&rd->a, "/api/v1/namespaces/%s", ns), &ans);
	const char *what = arena_printf(&rd->a, "namespace %s", ns);
	if (ans.outcome == KUBE_HTTP && ans.status == 404) {
		not_ready(rd, "cluster-namespace", arena_printf(&rd->a, "%s missing", what),
			  "%s: expected to exist; not found (helm.sh creates it)", what);
		return;
	}
	if (ans.outcome != KUBE_OK) {
		failed_get(rd, "cluster-namespace", what, &ans);
		return;
	}
	/* "exist and are Active": a namespace being deleted (Terminating), or
	 * an answer without a phase, is not */
	const char *phase = kube_path_str(ans.obj, "status.phase");
	if (!phase || strcmp(phase, "Active"))
		not_ready(rd, "cluster-namespace", arena_printf(&rd->a, "%s %s", what, phase ? phase : "without a phase"),
			  "%s: expected Active; found %s", what, phase ? phase : "no status.phase");
	else
		pass(rd, "cluster-namespace", "%s exists (Active)", what);
}

/* A Deployment Available with at least WANT ready replicas (0: its own
 * spec.replicas). Returns the object when it was found. */
static const struct node *check_deployment(struct round *rd, const char *check, const char *ns,
					   const char *name, long long want)
{
	struct kube_answer ans;
	get(rd, ns_path(rd, "apis/apps/v1", ns, "deployments", name), &ans);
	const char *what = arena_printf(&rd->a, "deployment %s/%s", ns, name);
	if (ans.outcome == KUBE_HTTP && ans.status == 404) {
		not_ready(rd, check, arena_printf(&rd->a, "%s missing", what), "%s: expected Available; not found", what);
		return NULL;
	}
	if (ans.outcome != KUBE_OK) {
		failed_get(rd, check, what, &ans);
		return NULL;
	}
	long long ready = ready_count(ans.obj, "status.readyReplicas");
	long long wanted = want ? want : ready_count(ans.obj, "spec.replicas");
	const char *why = NULL;
	bool avail = available(rd, ans.obj, &why);
	if (avail && ready >= wanted)
		pass(rd, check, "%s: Available, %lld/%lld replicas ready", what, ready, wanted);
	else
		not_ready(rd, check, arena_printf(&rd->a, "%s %lld/%lld ready", name, ready, wanted),
			  "%s: expected Available with %lld ready replicas; found %s, %lld ready", what, wanted,
			  avail ? "Available" : why, ready);
	return ans.obj;
}

static void check_cert_manager(struct round *rd)
{
	static const char *const deployments[] = {"cert-manager", "cert-manager-webhook", "cert-manager-cainjector"};
	if (!val_path_bool(rd->view, "certManager.needed")) {
		skip(rd, "cluster-cert-manager", "rancher.tls '%s' does not use cert-manager",
		     val_path_str(rd->spec, "rancher.tls"));
		return;
	}
	for (size_t i = 0; i < sizeof(deployments) / sizeof(deployments[0]); i++)
		check_deployment(rd, "cluster-cert-manager", "cert-manager", deployments[i], 0);
}

/* Rancher's version from its image tag (rancher/rancher:v2.9.2), else from
 * the chart label (rancher-2.9.2). */
static void rancher_version(struct round *rd, const struct node *dep)
{
	rd->version = (struct semver){-1, 0, 0};
	const struct node *cs = node_path(dep, "spec.template.spec.containers");
	for (const struct node *c = cs && cs->kind == NODE_SEQ ? cs->first : NULL; c; c = c->next) {
		const char *image = kube_scalar(c, "image");
		const char *slash = image ? strrchr(image, '/') : NULL;
		const char *colon = image ? strchr(slash ? slash : image, ':') : NULL;
		if (!colon)
			continue;
		char *tag = arena_strndup(&rd->a, colon + 1, strcspn(colon + 1, "@"));
		if (semver_parse(tag, &rd->version))
			return;
	}
	const struct node *labels = node_path(dep, "metadata.labels");
	const char *chart = kube_scalar(labels, "chart") ? kube_scalar(labels, "chart") : kube_scalar(labels, "helm.sh/chart");
	if (chart && !strncmp(chart, "rancher-", 8)) {
		const char *v = arena_printf(&rd->a, "v%s", chart + 8);
		if (!semver_parse(v, &rd->version))
			rd->version = (struct semver){-1, 0, 0};
	}
}

static void check_rancher(struct round *rd)
{
	long long replicas = val_path_int(rd->spec, "rancher.replicas");
	rd->rancher = check_deployment(rd, "cluster-rancher", "cattle-system", "rancher", replicas);
	rd->version = (struct semver){-1, 0, 0};
	if (!rd->rancher)
		return;
	rancher_version(rd, rd->rancher);
	const char *spec_replicas = kube_path_str(rd->rancher, "spec.replicas");
	if (spec_replicas && strtoll(spec_replicas, NULL, 10) != replicas)
		broken(rd, "cluster-rancher", "deployment cattle-system/rancher: expected replicas %lld "
		       "(rancher.replicas); found %s", replicas, spec_replicas);
}

/* Every host the Ingress names: its rules and its TLS section. */
static void ingress_hosts(const struct node *ing, const char *want, struct buf *found, size_t *n, size_t *wrong)
{
	const struct node *rules = node_path(ing, "spec.rules"), *tls = node_path(ing, "spec.tls");
	for (const struct node *r = rules && rules->kind == NODE_SEQ ? rules->first : NULL; r; r = r->next) {
		const char *h = kube_scalar(r, "host");
		buf_printf(found, "%s%s", found->len ? ", " : "", h ? h : "(any host)");
		(*n)++;
		*wrong += !h || strcmp(h, want);
	}
	for (const struct node *t = tls && tls->kind == NODE_SEQ ? tls->first : NULL; t; t = t->next) {
		const struct node *hs = node_member(t, "hosts");
		for (const struct node *h = hs && hs->kind == NODE_SEQ ? hs->first : NULL; h; h = h->next)
			if (h->kind == NODE_SCALAR && strcmp(h->text, want)) {
				buf_printf(found, "%stls %s", found->len ? ", " : "", h->text);
				(*wrong)++;
			}
	}
}

static void check_ingress(struct round *rd)
{
	/* networking.k8s.io/v1 from Kubernetes 1.19; the older groups for the
	 * walk-through's clusters */
	static const char *const groups[] = {"apis/networking.k8s.io/v1", "apis/networking.k8s.io/v1beta1",
					     "apis/extensions/v1beta1"};
	const char *host = val_path_str(rd->spec, "rancher.hostname");
	struct kube_answer ans = {0};
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		get(rd, ns_path(rd, groups[i], "cattle-system", "ingresses", "rancher"), &ans);
		if (!(ans.outcome == KUBE_HTTP && ans.status == 404))
			break;
	}
	const char *what = "ingress cattle-system/rancher";
	if (ans.outcome == KUBE_HTTP && ans.status == 404) {
		not_ready(rd, "cluster-ingress", "ingress missing", "%s: expected host %s; not found", what, host);
		return;
	}
	if (ans.outcome != KUBE_OK) {
		failed_get(rd, "cluster-ingress", what, &ans);
		return;
	}
	struct buf found = {0};
	size_t n = 0, wrong = 0;
	ingress_hosts(ans.obj, host, &found, &n, &wrong);
	if (n && !wrong)
		pass(rd, "cluster-ingress", "%s serves %s", what, host);
	else
		broken(rd, "cluster-ingress", "%s: expected host %s (rancher.hostname); found %s", what, host,
		       found.len ? found.data : "no rules");
	buf_free(&found);
}

/* The workload's row when the running Rancher no longer deploys it in its
 * local cluster (versions.c), else NULL. */
static const struct rancher_workload *retired_in(const struct round *rd, const char *workload)
{
	const struct rancher_workload *w = rancher_workload(workload);
	if (!w || rd->version.major != 2 || rancher_workload_in_local(w, rd->version.minor))
		return NULL;
	return w;
}

/* Equal as addresses (2001:db8::1 = 2001:db8:0:0::1), else as text. */
static bool same_ip(const char *a, const char *b)
{
	unsigned char x[16], y[16];
	int af = strchr(a, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(af, a, x) == 1 && inet_pton(af, b, y) == 1)
		return !memcmp(x, y, af == AF_INET6 ? 16 : 4);
	return !strcmp(a, b);
}

/* The hostAliases of one pod template: exactly one entry names the host,
 * and with the spec's IP. Strategic merge keys entries by IP, so an old
 * patch with another IP stays beside the new one: reported as stale. */
static void check_aliases_of(struct round *rd, const char *what, const struct node *obj)
{
	const char *host = val_path_str(rd->spec, "rancher.hostname"), *ip = val_path_str(rd->view, "hostAliases.ip");
	const struct node *aliases = node_path(obj, "spec.template.spec.hostAliases");
	size_t good = 0;
	struct buf others = {0};
	for (const struct node *e = aliases && aliases->kind == NODE_SEQ ? aliases->first : NULL; e; e = e->next) {
		const struct node *names = node_member(e, "hostnames");
		const char *eip = kube_scalar(e, "ip");
		bool named = false;
		for (const struct node *h = names && names->kind == NODE_SEQ ? names->first : NULL; h; h = h->next)
			named |= h->kind == NODE_SCALAR && !strcmp(h->text, host);
		if (named && eip && same_ip(eip, ip))
			good++;
		else if (named)
			buf_printf(&others, "%s%s -> %s", others.len ? ", " : "", host, eip ? eip : "(no ip)");
	}
	if (good == 1 && !others.len)
		pass(rd, "cluster-hostaliases", "%s: %s -> %s, exactly once", what, host, ip);
	else if (good && others.len)
		broken(rd, "cluster-hostaliases", "%s: expected only %s -> %s; found stale %s beside it "
		       "(a strategic merge patch keeps entries for other IPs: remove them)", what, host, ip, others.data);
	else if (others.len)
		broken(rd, "cluster-hostaliases", "%s: expected %s -> %s; found %s", what, host, ip, others.data);
	else if (good > 1)
		broken(rd, "cluster-hostaliases", "%s: expected %s -> %s once; found it %zu times", what, host, ip, good);
	else
		not_ready(rd, "cluster-hostaliases", arena_printf(&rd->a, "%s unpatched", what),
			  "%s: expected hostAliases %s -> %s; found none for %s (run patch.sh)", what, host, ip, host);
	buf_free(&others);
}

static void check_workload_aliases(struct round *rd, const char *workload, const char *kind)
{
	bool ds = !strcmp(kind, "daemonset");
	const char *what = arena_printf(&rd->a, "%s cattle-system/%s", kind, workload);
	const struct node *obj = !strcmp(workload, "rancher") ? rd->rancher : NULL;
	struct kube_answer ans = {0};
	if (!obj) {
		get(rd, ns_path(rd, "apis/apps/v1", "cattle-system", ds ? "daemonsets" : "deployments", workload), &ans);
		obj = ans.outcome == KUBE_OK ? ans.obj : NULL;
	}
	if (obj) {
		check_aliases_of(rd, what, obj);
		return;
	}
	const struct rancher_workload *gone = retired_in(rd, workload);
	bool is_agent = !strncmp(workload, "cattle-", 7);
	if (ans.outcome == KUBE_HTTP && ans.status == 404 && gone)
		skip(rd, "cluster-hostaliases", "%s: Rancher v%ld.%ld.%ld does not deploy it in the local cluster "
		     "(none since v2.%ld); nothing to patch", what, rd->version.major, rd->version.minor,
		     rd->version.patch, gone->local_until ? gone->local_until : gone->removed);
	else if (ans.outcome == KUBE_HTTP && ans.status == 404 && is_agent && rd->version.major < 0)
		skip(rd, "cluster-hostaliases", "%s: not found, and Rancher's version, which decides whether the "
		     "local cluster has it, is unknown", what);
	else if (ans.outcome == KUBE_HTTP && ans.status == 404)
		not_ready(rd, "cluster-hostaliases", arena_printf(&rd->a, "%s missing", workload),
			  "%s: expected hostAliases %s -> %s; not found%s", what, val_path_str(rd->spec, "rancher.hostname"),
			  val_path_str(rd->view, "hostAliases.ip"),
			  is_agent ? " (the agents appear after Rancher's first-run setup; run patch.sh then)" : "");
	else
		failed_get(rd, "cluster-hostaliases", what, &ans);
}

static void check_aliases(struct round *rd)
{
	const char *mode = val_path_str(rd->view, "hostAliases.mode");
	const struct val *patches = val_path(rd->view, "hostAliases.patches");
	if (!strcmp(mode, "off")) {
		skip(rd, "cluster-hostaliases", "hostAliases is off in the spec (enabled: false or mode off)");
		return;
	}
	if (!strcmp(mode, "coredns")) {
		skip(rd, "cluster-hostaliases", "hostAliases.mode is coredns: no workload is patched; "
		     "cluster-coredns checks the entry");
		return;
	}
	if (!patches || !patches->count) {
		skip(rd, "cluster-hostaliases", "no workload to patch for this chart line");
		return;
	}
	for (const struct val *p = patches->first; p; p = p->next)
		check_workload_aliases(rd, val_path_str(p, "workload"), val_path_str(p, "kind"));
}

/* LINE without its leading and trailing blanks, in the arena. */
static const char *trimmed(struct arena *a, const char *line, size_t len)
{
	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	return arena_strndup(a, line, len);
}

/* Whether LINE is a hosts entry naming HOST: an address, then names, one
 * of them HOST (the hosts plugin's format, as /etc/hosts). */
static bool entry_for(const char *line, const char *host)
{
	unsigned char addr[16];
	size_t n = strcspn(line, " \t");
	char first[64];
	if (!n || n >= sizeof(first))
		return false;
	memcpy(first, line, n);
	first[n] = '\0';
	if (inet_pton(AF_INET, first, addr) != 1 && inet_pton(AF_INET6, first, addr) != 1)
		return false;
	size_t hl = strlen(host);
	for (const char *p = line + n; *p;) {
		p += strspn(p, " \t");
		size_t w = strcspn(p, " \t");
		if (w == hl && !strncmp(p, host, hl))
			return true;
		p += w;
	}
	return false;
}

/* The hosts entry for HOST in TEXT's lines: the first, trimmed, or NULL.
 * With FOUND, every other entry for HOST is listed there. */
static const char *scan_entries(struct arena *a, const char *text, const char *host, const char *want,
				size_t *good, struct buf *found)
{
	const char *first = NULL;
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		const char *line = trimmed(a, l, len);
		if (entry_for(line, host)) {
			if (!first)
				first = line;
			if (want && !strcmp(line, want))
				(*good)++;
			else if (found)
				buf_printf(found, "%s'%s'", found->len ? ", " : "", line);
		}
		l = nl ? nl + 1 : NULL;
	}
	return first;
}

/* hostAliases.mode coredns: the entry manifests/coredns-hosts.yaml carries
 * is in the cluster. rke2: the HelmChartConfig rke2-coredns, its
 * valuesContent (the chart's servers list with a hosts plugin); k3s: the
 * coredns-custom ConfigMap's HOSTNAME.server block. A missing object is an
 * install in progress (install.sh places the manifest; the server applies
 * it); an object without the entry, or with another address, was written by
 * something else, which waiting does not change. */
static void check_coredns(struct round *rd)
{
	const char *mode = val_path_str(rd->view, "hostAliases.mode");
	if (strcmp(mode, "coredns")) {
		skip(rd, "cluster-coredns", !strcmp(mode, "off")
			     ? "hostAliases is off in the spec (enabled: false or mode off)"
			     : "hostAliases.mode is %s: the entry is in the workloads' hostAliases", mode);
		return;
	}
	const char *host = val_path_str(rd->spec, "rancher.hostname"), *want = rd->coredns_entry;
	if (!want) {
		broken(rd, "cluster-coredns", "manifests/coredns-hosts.yaml, rendered from spec.json, has no hosts entry "
		       "for %s to look for", host);
		return;
	}
	bool rke2 = val_path_bool(rd->view, "cluster.coredns_rke2");
	const char *key = val_path_str(rd->view, "hostAliases.coredns_key");
	const char *what = rke2 ? "helmchartconfig kube-system/rke2-coredns" : "configmap kube-system/coredns-custom";
	struct kube_answer ans;
	get(rd, rke2 ? ns_path(rd, "apis/helm.cattle.io/v1", "kube-system", "helmchartconfigs", "rke2-coredns")
		     : ns_path(rd, "api/v1", "kube-system", "configmaps", "coredns-custom"), &ans);
	if (ans.outcome == KUBE_HTTP && ans.status == 404) {
		not_ready(rd, "cluster-coredns", arena_printf(&rd->a, "%s missing", what),
			  "%s: expected the hosts entry '%s'; not found (install.sh places manifests/coredns-hosts.yaml "
			  "on every server, which applies it)", what, want);
		return;
	}
	if (ans.outcome != KUBE_OK) {
		failed_get(rd, "cluster-coredns", what, &ans);
		return;
	}
	const char *text = rke2 ? kube_path_str(ans.obj, "spec.valuesContent")
				: kube_scalar(node_member(ans.obj, "data"), key);
	if (!text) {
		broken(rd, "cluster-coredns", "%s: expected %s with the hosts entry '%s'; found no %s", what,
		       rke2 ? "spec.valuesContent" : arena_printf(&rd->a, "data key %s", key), want,
		       rke2 ? "valuesContent" : "such key");
		return;
	}
	size_t good = 0;
	struct buf others = {0};
	scan_entries(&rd->a, text, host, want, &good, &others);
	if (good == 1 && !others.len)
		pass(rd, "cluster-coredns", "%s: '%s', exactly once", what, want);
	else if (good && others.len)
		broken(rd, "cluster-coredns", "%s: expected only '%s'; found stale %s beside it", what, want, others.data);
	else if (others.len)
		broken(rd, "cluster-coredns", "%s: expected '%s'; found %s", what, want, others.data);
	else if (good > 1)
		broken(rd, "cluster-coredns", "%s: expected '%s' once; found it %zu times", what, want, good);
	else
		broken(rd, "cluster-coredns", "%s: expected the hosts entry '%s'; found no entry for %s", what, want, host);
	buf_free(&others);
}

static bool has_port(const struct val *spec, long long port)
{
	const struct val *ports = val_path(spec, "loadBalancer.ports");
	for (const struct val *p = ports ? ports->first : NULL; p; p = p->next)
		if (p->i == port)
			return true;
	return false;
}

/* https://HOSTNAME/ping through the LB: proves the route, not the
 * certificate (Rancher's own CA is not in this host's trust store). A LB
 * this host cannot reach is a SKIP: verify may run far from it. */
static void check_ping(struct round *rd)
{
	const char *host = val_path_str(rd->spec, "rancher.hostname"), *lb = val_path_str(rd->spec, "loadBalancer.address");
	if (!has_port(rd->spec, 443)) {
		skip(rd, "cluster-ping", "loadBalancer.ports has no 443");
		return;
	}
	bool v6 = strchr(lb, ':') != NULL;
	struct http_request req = {
		.url = arena_printf(&rd->a, "https://%s/ping", host),
		.resolve = arena_printf(&rd->a, "%s:443:%s%s%s", host, v6 ? "[" : "", lb, v6 ? "]" : ""),
		.insecure = true,
		.connect_timeout_ms = 3000,
		.timeout_ms = 10000,
		.max_body = 4096,
		.trace = rd->client.trace,
		.trace_ctx = rd->client.trace_ctx,
	};
	struct http_response resp;
	int rc = http_do(&req, &resp);
	const char *body = resp.body.data ? resp.body.data : "";
	if (rc && (resp.failure == HTTP_FAIL_CONNECT || resp.failure == HTTP_FAIL_TIMEOUT))
		skip(rd, "cluster-ping", "https://%s/ping: the load balancer %s:443 is not reachable from here (%s)",
		     host, lb, resp.error);
	else if (rc)
		not_ready(rd, "cluster-ping", "ping", "https://%s/ping through %s:443: %s", host, lb, resp.error);
	else if (resp.status == 200 && !strcmp(body, "pong"))
		pass(rd, "cluster-ping", "https://%s/ping through %s:443 answers pong", host, lb);
	else
		not_ready(rd, "cluster-ping", "ping", "https://%s/ping through %s:443: expected 200 'pong'; found %ld '%.40s'",
			  host, lb, resp.status, body);
	http_response_free(&resp);
}

static void run_round(struct round *rd)
{
	if (!check_api(rd)) {
		skip(rd, "cluster", "the other cluster checks need the API to answer");
		return;
	}
	check_namespace(rd, "cattle-system");
	if (val_path_bool(rd->view, "certManager.needed"))
		check_namespace(rd, "cert-manager");
	check_cert_manager(rd);
	check_rancher(rd);
	check_ingress(rd);
	check_aliases(rd);
	check_coredns(rd);
	check_ping(rd);
}

/* A line for stderr: the credentials redacted, control characters escaped
 * (a header from the server may carry both). */
static void print_clean(const char *const *secrets, const char *prefix, const char *text)
{
	char *clean = report_redact(text, secrets);
	struct buf b = {0};
	buf_puts(&b, prefix);
	report_escape(&b, clean);
	buf_putc(&b, '\n');
	fwrite(b.data, 1, b.len, stderr);
	buf_free(&b);
	free(clean);
}

static void trace_line(void *ctx, char kind, const char *line, size_t len)
{
	const char *const *secrets = ctx;
	progress_clear(); /* a trace line must not land after the waiting line */
	char *text = strndup(line, len);
	char prefix[3] = {kind, ' ', '\0'};
	if (!text)
		abort();
	print_clean(secrets, prefix, text);
	free(text);
}

static void copy_report(const struct report *from, struct report *to)
{
	for (size_t i = 0; i < from->count; i++) {
		const struct check *c = &from->items[i];
		report_add(to, c->status, c->name, c->file, c->line, "%s", c->message);
	}
}

/* spec.json through the same passes verify_dir uses: the schema and rules,
 * then lower for the derived values (alias IP, patched workloads). */
static bool load_spec(const char *dir, struct arena *a, const struct val **spec, const struct val **view)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/spec.json", dir);
	size_t len;
	char why[READ_WHY];
	char *data = kube_read_file(path, SPEC_MAX_BYTES, &len, why);
	if (!data)
		return false;
	struct diags d = {0};
	const struct node *root = json_parse(a, "spec.json", data, len, &d);
	*spec = root ? compile_check_tree(a, "spec.json", root, &d) : NULL;
	*view = *spec && !d.errors ? lower_spec(a, *spec) : NULL;
	diags_free(&d);
	free(data);
	return *view != NULL;
}

static long now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The outcome of the waiting itself, after the last round's checks. */
static void wait_summary(const struct round *rd, int rounds, long waited, struct report *r)
{
	if (!rd->opt->wait_s)
		return;
	if (!rd->r.failed)
		report_add(r, CHECK_PASS, "cluster-wait", NULL, 0, "ready after %ld s (%d round%s of checks)", waited,
			   rounds, rounds == 1 ? "" : "s");
	else if (rd->permanent)
		report_add(r, CHECK_SKIP, "cluster-wait", NULL, 0, "stopped waiting after %ld s: a failure above "
			   "cannot go away by waiting", waited);
	else
		report_add(r, CHECK_FAIL, "cluster-wait", NULL, 0, "still not ready after %ld s (--wait %d s): %s",
			   waited, rd->opt->wait_s, rd->pending.data ? rd->pending.data : "");
}

static void round_free(struct round *rd)
{
	report_free(&rd->r);
	buf_free(&rd->pending);
	arena_free(&rd->a);
}

/* Rounds until all pass, a failure cannot heal, or --wait runs out; the
 * backoff doubles from 1 s up to BACKOFF_MAX_S and never sleeps past the
 * deadline. Only the last round's checks reach R. */
static void poll_cluster(const struct round *proto, struct report *r)
{
	long start = now_s(), deadline = start + proto->opt->wait_s;
	int backoff = 1;
	for (int rounds = 1;; rounds++) {
		struct round rd = *proto;
		run_round(&rd);
		long left = deadline - now_s();
		if (!rd.r.failed || rd.permanent || left <= 0) {
			progress_clear();
			copy_report(&rd.r, r);
			wait_summary(&rd, rounds, now_s() - start, r);
			round_free(&rd);
			return;
		}
		int nap = backoff < left ? backoff : (int)left;
		/* the pending list quotes the server: redacted and escaped like any line */
		char *clean = report_redact(rd.pending.data ? rd.pending.data : "failures above",
					    proto->client.trace_ctx);
		struct buf pending = {0};
		report_escape(&pending, clean);
		free(clean);
		const char *waiting_on = pending.data ? pending.data : "";
		if (progress_on()) {
			/* on a terminal: one line, its clock ticking through the nap */
			for (int s = 0; s < nap; s++) {
				progress_show(true, "rhc verify --cluster: %ld s of %d s, next check in %d s: %s",
					      now_s() - start, proto->opt->wait_s, nap - s, waiting_on);
				sleep(1);
			}
			progress_show(true, "rhc verify --cluster: %ld s of %d s, checking: %s",
				      now_s() - start, proto->opt->wait_s, waiting_on);
		} else {
			fprintf(stderr, "rhc verify --cluster: not ready after %ld s of %d s: %s; next check in %d s\n",
				now_s() - start, proto->opt->wait_s, waiting_on, nap);
			sleep((unsigned)nap);
		}
		buf_free(&pending);
		round_free(&rd);
		backoff = backoff * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : backoff * 2;
	}
}

int verify_cluster(const char *dir, const struct verify_options *opt, struct report *r)
{
	struct arena a = {0};
	const struct val *spec, *view;
	if (!load_spec(dir, &a, &spec, &view)) {
		report_add(r, CHECK_FAIL, "cluster", "spec.json", 0, "missing or invalid: the cluster checks need it");
		arena_free(&a);
		return 0;
	}
	const char *no_http = http_global_init();
	if (no_http) {
		report_add(r, CHECK_FAIL, "cluster", NULL, 0, "%s", no_http);
		arena_free(&a);
		return 0;
	}
	struct kube_select sel = {opt->kubeconfig, opt->context, opt->allow_exec};
	struct kube_auth auth;
	char err[1024];
	if (kubeconfig_resolve(&sel, &auth, err, sizeof(err))) {
		report_add(r, CHECK_FAIL, "kubeconfig", NULL, 0, "%s", err);
		arena_free(&a);
		return 0;
	}
	const char *const *secrets = kube_secrets(&auth, &a);
	report_add(r, CHECK_PASS, "kubeconfig", auth.file, 0, "context '%s': cluster '%s' at %s, user '%s' with %s%s",
		   auth.context, auth.cluster, auth.server, auth.user ? auth.user : "", auth.via,
		   auth.insecure ? " (server certificate NOT verified: insecure-skip-tls-verify)" : "");
	struct round proto = {
		.opt = opt,
		.spec = spec,
		.view = view,
		.auth = &auth,
		.client = {.auth = &auth, .trace = opt->verbose ? trace_line : NULL, .trace_ctx = (void *)secrets},
	};
	/* the entry to look for, as this rhc renders the manifest from spec.json */
	if (!strcmp(val_path_str(view, "hostAliases.mode"), "coredns")) {
		size_t len;
		char *manifest = verify_rendering_of(spec, view, "manifests/coredns-hosts.yaml", &len);
		if (manifest) {
			size_t unused = 0;
			proto.coredns_entry = scan_entries(&a, arena_strndup(&a, manifest, len),
							   val_path_str(spec, "rancher.hostname"), NULL, &unused, NULL);
			free(manifest);
		}
	}
	size_t from = r->count;
	poll_cluster(&proto, r);
	/* whatever a server sent back (a Status message, a condition) may echo
	 * the credentials: nothing reaches the report with them */
	report_redact_from(r, from, secrets);
	kube_auth_free(&auth);
	arena_free(&a);
	return 0;
}

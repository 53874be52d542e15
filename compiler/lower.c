#include "lower.h"

#include <string.h>

#include "stack.h"
#include "versions.h"

static const char *bracketed(struct arena *a, const char *address)
{
	return strchr(address, ':') ? arena_printf(a, "[%s]", address) : address;
}

static struct val *lower_tools(struct arena *a, const struct val *spec)
{
	struct tool_urls urls;
	const char *helm = val_path_str(spec, "tools.helm");
	tool_urls_for(val_path_str(spec, "tools.os"), val_path_str(spec, "tools.arch"),
		      val_path_str(spec, "tools.kubectl"), val_path_str(spec, "tools.rke"), helm, &urls);
	struct val *t = val_new(a, VAL_MAP);
	val_set_str(a, t, "kubectl_url", urls.kubectl);
	val_set_str(a, t, "rke_url", urls.rke);
	val_set_str(a, t, "rke_file", urls.rke_file);
	val_set_str(a, t, "rke_sums", urls.rke_sums);
	val_set_str(a, t, "helm_url", urls.helm);
	val_set_str(a, t, "helm_tarball", urls.helm_tarball);
	val_set_str(a, t, "helm_member", urls.helm_member);
	val_set_bool(a, t, "rke", !strcmp(val_path_str(spec, "kubernetes.distro"), "rke1"));
	return t;
}

static struct val *lower_helm(struct arena *a, const struct val *spec)
{
	struct semver v = {0, 0, 0};
	semver_parse(val_path_str(spec, "tools.helm"), &v);
	const struct helm_procedure *p = helm_procedure_for(&v);
	struct val *h = val_new(a, VAL_MAP);
	val_set_bool(a, h, "tiller", p && p->tiller);
	val_set_bool(a, h, "create_namespace", p && p->create_namespace);
	val_set_int(a, h, "major", v.major);
	val_set_str(a, h, "tiller_image",
		    p && p->tiller_image ? arena_printf(a, "%s:%s", p->tiller_image, val_path_str(spec, "tools.helm")) : "");
	return h;
}

static struct val *lower_cert_manager(struct arena *a, const struct val *spec)
{
	const char *version = val_path_str(spec, "certManager.version");
	const char *tls = val_path_str(spec, "rancher.tls");
	struct semver v = {0, 0, 0};
	semver_parse(version, &v);
	const struct cert_manager_procedure *p = cert_manager_procedure_for(&v);
	char url[256];
	cert_manager_crds_url(p, version, &v, url, sizeof(url));
	struct val *c = val_new(a, VAL_MAP);
	/* Only Rancher-generated and Let's Encrypt certificates need cert-manager. */
	val_set_bool(a, c, "needed", !strcmp(tls, "rancher") || !strcmp(tls, "letsEncrypt"));
	val_set_str(a, c, "crds_url", url);
	val_set_bool(a, c, "label_namespace", p->crds == CM_CRDS_MANIFEST_LABEL);
	val_set_bool(a, c, "validate_false", p->crds == CM_CRDS_MANIFEST);
	/* values/cert-manager.yaml: how the chart installs the CRDs */
	val_set_bool(a, c, "install_crds", p->crds == CM_CRDS_INSTALL_CRDS);
	val_set_bool(a, c, "crds_enabled", p->crds == CM_CRDS_ENABLED);
	return c;
}

/* The chart, pinned, and the values values/rancher.yaml carries: only
 * those the chart version has. */
static struct val *lower_rancher(struct arena *a, const struct val *spec, const struct stack *st)
{
	const char *repo = val_path_str(spec, "rancher.repo");
	const char *tls = val_path_str(spec, "rancher.tls");
	const bool known = st->chart_known;
	struct val *r = val_new(a, VAL_MAP);
	val_set_str(a, r, "repo_name", arena_printf(a, "rancher-%s", repo));
	val_set_str(a, r, "repo_url", arena_printf(a, "https://releases.rancher.com/server-charts/%s", repo));
	val_set_str(a, r, "chart", arena_printf(a, "rancher-%s/rancher", repo));
	val_set_str(a, r, "chart_version", st->chart_text);
	val_set_int(a, r, "line", st->line_minor);
	const bool le = !strcmp(tls, "letsEncrypt");
	const char *source = le ? "letsEncrypt" : !strcmp(tls, "secret") ? "secret" : "";
	const char *cls = val_path_str(spec, "rancher.ingressClass");
	const char *class_name = *cls && known && rancher_chart_has(&st->chart, CHART_INGRESS_CLASS_NAME) ? cls : "";
	val_set_str(a, r, "tls_source", source);
	val_set_str(a, r, "ingress_class_name", class_name);
	val_set_bool(a, r, "ingress", *source || *class_name);
	val_set_str(a, r, "le_ingress_class",
		    le && (!known || rancher_chart_has(&st->chart, CHART_LE_INGRESS_CLASS)) ? stack_ingress_class(spec) : "");
	val_set_str(a, r, "agent_tls_mode", stack_agent_tls_mode(st, spec));
	val_set_bool(a, r, "tls_secret", !strcmp(tls, "secret"));
	val_set_bool(a, r, "tls_external", !strcmp(tls, "external"));
	val_set_bool(a, r, "tls_letsencrypt", le);
	return r;
}

static struct val *lower_lb(struct arena *a, const struct val *spec, const struct val *nodes)
{
	struct val *lb = val_new(a, VAL_MAP);
	const char *balance = val_path_str(spec, "loadBalancer.balance");
	val_set_bool(a, lb, "least_conn", !strcmp(balance, "least_conn"));
	val_set_bool(a, lb, "hash", !strcmp(balance, "hash"));
	struct val *workers = val_add(lb, "workers", val_new(a, VAL_LIST));
	/* Docker's default bridge gives a container no IPv6 route: with an
	 * IPv6 LB or upstream the container shares the host's network, and
	 * nginx listens on [::] too (SPEC.md, Current stacks). */
	bool ipv6 = strchr(val_path_str(spec, "loadBalancer.address"), ':') != NULL;
	for (const struct val *n = nodes->first; n; n = n->next) {
		if (!val_list_has(val_get(n, "roles"), "worker"))
			continue;
		ipv6 |= strchr(val_path_str(n, "address"), ':') != NULL;
		/* A worker is its spec node plus "host": the map's members are host
		 * followed by the node's own members, shared, not copied (100,000
		 * workers would take 10 MB more). Nothing may append to it. */
		const char *address = val_path_str(n, "address");
		const char *host = bracketed(a, address);
		struct val *h = val_str_borrowed(a, host, strlen(host));
		h->key = "host";
		h->next = n->first;
		struct val *w = val_add(workers, NULL, val_new(a, VAL_MAP));
		w->first = h;
		w->last = n->last;
		w->count = n->count + 1;
	}
	val_set_bool(a, lb, "ipv6", ipv6);
	/* nginx needs about 1 KiB of shared zone per upstream server (measured
	 * with nginx 1.22: 197 servers fit in 256k, 997 in 1m, not in 768k). */
	val_set_str(a, lb, "zone_size", arena_printf(a, "%zuk", 64 + (size_t)workers->count));
	struct val *ups = val_add(lb, "upstreams", val_new(a, VAL_LIST));
	const struct val *ports = val_path(spec, "loadBalancer.ports");
	for (const struct val *p = ports ? ports->first : NULL; p; p = p->next) {
		struct val *u = val_add(ups, NULL, val_new(a, VAL_MAP));
		val_set_str(a, u, "name", arena_printf(a, "rancher_servers_%lld", p->i));
		val_set_int(a, u, "port", p->i);
		val_set_str(a, u, "publish", arena_printf(a, "%lld:%lld", p->i, p->i));
	}
	return lb;
}

/* One patch per workload: the spec's list, or every workload the chart
 * line has. local: patch.sh patches it in the Rancher server cluster;
 * the others run only in downstream clusters (RUNBOOK.md). */
static struct val *lower_aliases(struct arena *a, const struct val *spec, const struct stack *st)
{
	struct val *h = val_new(a, VAL_MAP);
	const char *ip = val_path_str(spec, "hostAliases.ip");
	val_set_str(a, h, "ip", *ip ? ip : val_path_str(spec, "loadBalancer.address"));
	struct val *patches = val_add(h, "patches", val_new(a, VAL_LIST));
	struct val *local = val_add(h, "local", val_new(a, VAL_LIST));
	struct val *downstream = val_add(h, "downstream", val_new(a, VAL_LIST));
	const struct val *wanted = val_path(spec, "hostAliases.workloads");
	if (!val_path_bool(spec, "hostAliases.enabled"))
		return h;
	size_t n;
	const struct rancher_workload *rows = rancher_workloads(&n);
	for (size_t i = 0; i < n; i++) {
		const struct rancher_workload *w = &rows[i];
		if (wanted && wanted->count ? !val_list_has(wanted, w->name) : !stack_workload_exists(st, w->name))
			continue;
		/* a val sits in one list: the patch goes in twice */
		struct val *lists[] = {patches, stack_workload_local(st, w->name) ? local : downstream};
		for (size_t k = 0; k < 2; k++) {
			struct val *p = val_add(lists[k], NULL, val_new(a, VAL_MAP));
			val_set_str(a, p, "workload", w->name);
			val_set_str(a, p, "kind", w->kind);
			val_set_str(a, p, "file", arena_printf(a, "patches/%s.json", w->name));
		}
	}
	return h;
}

/* kind has control-plane and worker nodes only, and runs etcd on its
 * control planes: a node with controlplane or etcd is a control plane. The
 * first node with the worker role takes the LB's ports and the ingress
 * controller, as the LB forwards to the workers. Helm 2 specs get no
 * rehearsal: tiller and Helm 2 charts do not run on the Kubernetes
 * versions kind builds node images for. */
static struct val *lower_rehearsal(struct arena *a, const struct val *spec, const struct val *helm)
{
	struct val *r = val_new(a, VAL_MAP);
	val_set_bool(a, r, "enabled", !val_path_bool(helm, "tiller") && val_path_int(helm, "major") >= 3);
	val_set_str(a, r, "cluster", arena_printf(a, "rhc-%s", val_path_str(spec, "name")));
	struct val *nodes = val_add(r, "nodes", val_new(a, VAL_LIST));
	if (!val_path_bool(r, "enabled"))
		return r; /* not rendered: no per-node view (45 MB at 100,000 nodes) */
	bool ingress_taken = false;
	for (const struct val *n = val_get(spec, "nodes")->first; n; n = n->next) {
		const struct val *roles = val_get(n, "roles");
		bool cp = val_list_has(roles, "controlplane") || val_list_has(roles, "etcd");
		bool worker = val_list_has(roles, "worker");
		struct val *k = val_add(nodes, NULL, val_new(a, VAL_MAP));
		val_set_str(a, k, "name", val_path_str(n, "name"));
		val_set_str(a, k, "role", cp ? "control-plane" : "worker");
		val_set_str(a, k, "worker", worker ? "true" : "false"); /* a label value: a string */
		val_set_bool(a, k, "ingress", worker && !ingress_taken);
		ingress_taken |= worker;
	}
	struct val *ports = val_add(r, "ports", val_new(a, VAL_LIST));
	const struct val *lb = val_path(spec, "loadBalancer.ports");
	for (const struct val *p = lb ? lb->first : NULL; p; p = p->next)
		val_add(ports, NULL, val_int(a, p->i));
	return r;
}

struct val *lower_spec(struct arena *a, const struct val *spec)
{
	struct val *view = val_new(a, VAL_MAP);
	struct val *rhc = val_add(view, "rhc", val_new(a, VAL_MAP));
	val_set_str(a, rhc, "version", RHC_VERSION);
	val_add(view, "spec", (struct val *)spec)->key = "spec";
	val_add(view, "tools", lower_tools(a, spec));
	struct val *helm = val_add(view, "helm", lower_helm(a, spec));
	val_add(view, "certManager", lower_cert_manager(a, spec));
	struct stack st;
	stack_read(spec, &st);
	val_add(view, "rancher", lower_rancher(a, spec, &st));
	val_add(view, "lb", lower_lb(a, spec, val_get(spec, "nodes")));
	val_add(view, "hostAliases", lower_aliases(a, spec, &st));
	val_add(view, "rehearsal", lower_rehearsal(a, spec, helm));
	return view;
}

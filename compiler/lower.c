#include "lower.h"

#include <stdlib.h>
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

/* An image as the registry holds it: IMAGE (as the public registries name
 * it) under REG, a Docker Hub official image under library/ (nginx:1.30.3
 * -> REG/library/nginx:1.30.3), the way rancher-load-images.sh tags what
 * it pushes. IMAGE unchanged without a registry. */
static const char *mirrored(struct arena *a, const char *reg, const char *image)
{
	if (!*reg)
		return image;
	return arena_printf(a, "%s/%s%s", reg, strchr(image, '/') ? "" : "library/", image);
}

static bool registry_airgapped(const struct val *spec)
{
	const char *g = val_path_str(spec, "registry.airgapped");
	return !strcmp(g, "true") || (!strcmp(g, "default") && *val_path_str(spec, "registry.address"));
}

static void add_image(struct arena *a, struct val *list, const char *image)
{
	if (!val_list_has(list, image))
		val_add(list, NULL, val_str(a, image));
}

static int by_string(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The list sorted (images.txt is deterministic whatever the order found). */
static void sort_strings(struct arena *a, struct val *list)
{
	size_t n = (size_t)list->count, i = 0;
	if (n < 2)
		return;
	const char **v = arena_alloc(a, n * sizeof(*v));
	for (const struct val *e = list->first; e; e = e->next)
		v[i++] = e->s;
	qsort(v, n, sizeof(*v), by_string);
	i = 0;
	for (struct val *e = list->first; e; e = e->next, i++) {
		e->s = v[i];
		e->len = strlen(v[i]);
	}
}

/* registry.*: the address every image comes from (empty: public), whether
 * the build is air-gapped, and the images it names, for images.txt. */
static struct val *lower_registry(struct arena *a, const struct val *spec, const struct stack *st)
{
	struct val *r = val_new(a, VAL_MAP);
	const char *reg = val_path_str(spec, "registry.address");
	const char *ca = val_path_str(spec, "registry.caFile");
	val_set_bool(a, r, "enabled", *reg != '\0');
	val_set_str(a, r, "address", reg);
	val_set_bool(a, r, "airgapped", registry_airgapped(spec));
	val_set_bool(a, r, "online", !registry_airgapped(spec));
	val_set_str(a, r, "ca_file", ca);
	val_set_bool(a, r, "mirror_cn", !strcmp(val_path_str(spec, "registry.installMirror"), "cn"));
	val_set_str(a, r, "endpoint", arena_printf(a, "https://%s", reg));
	/* registries.yaml is for containerd on rke2/k3s nodes */
	val_set_bool(a, r, "node_file", *reg && strcmp(val_path_str(spec, "kubernetes.distro"), "rke1"));
	val_set_str(a, r, "rancher_tag", st->chart_known ? arena_printf(a, "v%ld.%ld.%ld", st->chart.major, st->chart.minor,
									   st->chart.patch) : "");
	struct val *images = val_add(r, "images", val_new(a, VAL_LIST));
	add_image(a, images, val_path_str(spec, "loadBalancer.image"));
	if (st->chart_known)
		add_image(a, images, arena_printf(a, "rancher/rancher:v%ld.%ld.%ld", st->chart.major, st->chart.minor,
						  st->chart.patch));
	if (st->cert_manager) {
		const char *version = val_path_str(spec, "certManager.version");
		const bool le = !strcmp(val_path_str(spec, "rancher.tls"), "letsEncrypt");
		size_t n;
		const struct cert_manager_image *rows = cert_manager_images(&n);
		for (size_t i = 0; i < n; i++)
			if (cert_manager_image_in(&rows[i], &st->cm) && (le || !rows[i].acme))
				add_image(a, images, arena_printf(a, "%s:%s", rows[i].image, version));
	}
	sort_strings(a, images);
	return r;
}

/* Where helm.sh takes the charts from (charts.source): a repository it
 * adds (repo, mirror) or files in charts.dir (dir), named as `helm pull`
 * names them: NAME-VERSION.tgz, VERSION as the chart's Chart.yaml has it
 * (helm pkg/chartutil/save.go; cert-manager's versions carry the 'v',
 * Rancher's do not). */
#define CHARTS_MIRROR_REPO "rhc-mirror"

static struct val *lower_charts(struct arena *a, const struct val *spec)
{
	const char *source = val_path_str(spec, "charts.source");
	struct val *c = val_new(a, VAL_MAP);
	val_set_bool(a, c, "from_repo", !strcmp(source, "repo"));
	val_set_bool(a, c, "from_dir", !strcmp(source, "dir"));
	val_set_bool(a, c, "from_mirror", !strcmp(source, "mirror"));
	val_set_bool(a, c, "add_repo", strcmp(source, "dir") != 0);
	val_set_str(a, c, "mirror_repo", CHARTS_MIRROR_REPO);
	return c;
}

/* The chart argument of `helm upgrade --install` for chart NAME from the
 * public repository REPO: REPO/NAME, the mirror's, or the file name. */
static void set_chart(struct arena *a, struct val *m, const struct val *spec, const char *repo,
		      const char *name, const char *version)
{
	const char *source = val_path_str(spec, "charts.source");
	const char *file = arena_printf(a, "%s-%s.tgz", name, version);
	val_set_str(a, m, "chart", !strcmp(source, "mirror") ? arena_printf(a, CHARTS_MIRROR_REPO "/%s", name)
				   : !strcmp(source, "dir")  ? file
							     : arena_printf(a, "%s/%s", repo, name));
	val_set_str(a, m, "chart_file", file);
	val_set_str(a, m, "repo_chart", arena_printf(a, "%s/%s", repo, name));
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
	set_chart(a, c, spec, "jetstack", "cert-manager", version);
	/* Only Rancher-generated and Let's Encrypt certificates need cert-manager. */
	val_set_bool(a, c, "needed", !strcmp(tls, "rancher") || !strcmp(tls, "letsEncrypt"));
	val_set_str(a, c, "crds_url", url);
	val_set_bool(a, c, "label_namespace", p->crds == CM_CRDS_MANIFEST_LABEL);
	val_set_bool(a, c, "validate_false", p->crds == CM_CRDS_MANIFEST);
	/* values/cert-manager.yaml: how the chart installs the CRDs */
	val_set_bool(a, c, "install_crds", p->crds == CM_CRDS_INSTALL_CRDS);
	val_set_bool(a, c, "crds_enabled", p->crds == CM_CRDS_ENABLED);
	/* with a registry: every image of this release from it */
	const char *reg = val_path_str(spec, "registry.address");
	struct val *images = val_add(c, "images", val_new(a, VAL_LIST));
	size_t n;
	const struct cert_manager_image *rows = cert_manager_images(&n);
	for (size_t i = 0; i < n && *reg; i++) {
		if (!cert_manager_image_in(&rows[i], &v) || (rows[i].acme && strcmp(tls, "letsEncrypt")))
			continue;
		struct val *m = val_add(images, NULL, val_new(a, VAL_MAP));
		val_set_bool(a, m, "controller", !*rows[i].component);
		val_set_str(a, m, "component", rows[i].component);
		val_set_str(a, m, "repository", mirrored(a, reg, rows[i].image));
	}
	val_set_bool(a, c, "no_values", (p->crds == CM_CRDS_MANIFEST_LABEL || p->crds == CM_CRDS_MANIFEST) && !images->count);
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
	/* Rancher's Chart.yaml versions have no 'v'; Helm takes --version either way */
	const char *bare = st->chart_text[0] == 'v' ? st->chart_text + 1 : st->chart_text;
	set_chart(a, r, spec, arena_printf(a, "rancher-%s", repo), "rancher", bare);
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
		    le && (!known || rancher_chart_has(&st->chart, CHART_LE_INGRESS_CLASS)) ? stack_ingress_class(spec, st) : "");
	val_set_str(a, r, "agent_tls_mode", stack_agent_tls_mode(st, spec));
	val_set_bool(a, r, "tls_secret", !strcmp(tls, "secret"));
	val_set_bool(a, r, "tls_external", !strcmp(tls, "external"));
	val_set_bool(a, r, "tls_letsencrypt", le);
	/* with a registry: systemDefaultRegistry, and Rancher's own image by the
	 * chart's value names: image.registry/repository from 2.12.3, before
	 * it rancherImage, which carries the registry itself */
	const char *reg = val_path_str(spec, "registry.address");
	const bool image_values = !known || rancher_chart_has(&st->chart, CHART_IMAGE_VALUES);
	val_set_bool(a, r, "image_values", *reg && image_values);
	val_set_str(a, r, "rancher_image", *reg && !image_values ? mirrored(a, reg, "rancher/rancher") : "");
	val_set_bool(a, r, "bundled_system_chart", registry_airgapped(spec));
	return r;
}

/* A node as the load balancer lists it: its spec node plus "host", sharing
 * the node's members rather than copying them (100,000 workers would take
 * 10 MB more). Nothing may append to it. */
static void add_target(struct arena *a, struct val *list, const struct val *n)
{
	const char *host = bracketed(a, val_path_str(n, "address"));
	struct val *h = val_str_borrowed(a, host, strlen(host));
	h->key = "host";
	h->next = n->first;
	struct val *w = val_add(list, NULL, val_new(a, VAL_MAP));
	w->first = h;
	w->last = n->last;
	w->count = n->count + 1;
}

static bool is_server(const struct val *n)
{
	const struct val *roles = val_get(n, "roles");
	return val_list_has(roles, "controlplane") || val_list_has(roles, "etcd");
}

static void add_upstream(struct arena *a, struct val *ups, long long port, bool ingress, size_t targets)
{
	struct val *u = val_add(ups, NULL, val_new(a, VAL_MAP));
	val_set_str(a, u, "name", arena_printf(a, "rancher_servers_%lld", port));
	val_set_int(a, u, "port", port);
	val_set_str(a, u, "publish", arena_printf(a, "%lld:%lld", port, port));
	val_set_bool(a, u, "ingress", ingress);
	/* nginx needs about 1 KiB of shared zone per upstream server (measured
	 * with nginx 1.22: 197 servers fit in 256k, 997 in 1m, not in 768k). */
	val_set_str(a, u, "zone_size", arena_printf(a, "%zuk", 64 + targets));
}

/* The ingress ports go to the worker nodes (where the ingress controller
 * runs); rke2 adds its supervisor port 9345 and the API 6443, k3s the API,
 * both to the server nodes. */
static struct val *lower_lb(struct arena *a, const struct val *spec, const struct val *nodes)
{
	struct val *lb = val_new(a, VAL_MAP);
	const char *balance = val_path_str(spec, "loadBalancer.balance");
	const char *distro = val_path_str(spec, "kubernetes.distro");
	val_set_str(a, lb, "image", mirrored(a, val_path_str(spec, "registry.address"), val_path_str(spec, "loadBalancer.image")));
	val_set_bool(a, lb, "least_conn", !strcmp(balance, "least_conn"));
	val_set_bool(a, lb, "hash", !strcmp(balance, "hash"));
	struct val *workers = val_add(lb, "workers", val_new(a, VAL_LIST));
	struct val *servers = val_add(lb, "servers", val_new(a, VAL_LIST));
	bool api = strcmp(distro, "rke1") != 0;
	/* Docker's default bridge gives a container no IPv6 route: with an
	 * IPv6 LB or upstream the container shares the host's network, and
	 * nginx listens on [::] too (SPEC.md, Current stacks). */
	bool ipv6 = strchr(val_path_str(spec, "loadBalancer.address"), ':') != NULL;
	for (const struct val *n = nodes->first; n; n = n->next) {
		bool worker = val_list_has(val_get(n, "roles"), "worker"), server = api && is_server(n);
		if (worker)
			add_target(a, workers, n);
		if (server)
			add_target(a, servers, n);
		ipv6 |= (worker || server) && strchr(val_path_str(n, "address"), ':') != NULL;
	}
	val_set_bool(a, lb, "ipv6", ipv6);
	struct val *ups = val_add(lb, "upstreams", val_new(a, VAL_LIST));
	const struct val *ports = val_path(spec, "loadBalancer.ports");
	for (const struct val *p = ports ? ports->first : NULL; p; p = p->next)
		add_upstream(a, ups, p->i, true, (size_t)workers->count);
	if (!strcmp(distro, "rke2"))
		add_upstream(a, ups, 9345, false, (size_t)servers->count);
	if (api)
		add_upstream(a, ups, 6443, false, (size_t)servers->count);
	return lb;
}

/* hostAliases.mode resolved: enabled false is off; default is patch for
 * rke1 (the walk-through's way) and coredns where rhc writes the cluster's
 * CoreDNS configuration (rke2, k3s). */
static const char *alias_mode(const struct val *spec)
{
	const char *mode = val_path_str(spec, "hostAliases.mode");
	if (!val_path_bool(spec, "hostAliases.enabled"))
		return "off";
	if (strcmp(mode, "default"))
		return mode;
	return strcmp(val_path_str(spec, "kubernetes.distro"), "rke1") ? "coredns" : "patch";
}

/* One patch per workload: the spec's list, or every workload the chart
 * line has. local: patch.sh patches it in the Rancher server cluster;
 * the others run only in downstream clusters (RUNBOOK.md). */
static struct val *lower_aliases(struct arena *a, const struct val *spec, const struct stack *st)
{
	struct val *h = val_new(a, VAL_MAP);
	const char *ip = val_path_str(spec, "hostAliases.ip");
	const char *mode = alias_mode(spec);
	val_set_str(a, h, "ip", *ip ? ip : val_path_str(spec, "loadBalancer.address"));
	val_set_str(a, h, "mode", mode);
	val_set_bool(a, h, "coredns", !strcmp(mode, "coredns"));
	/* k3s imports coredns-custom's *.server keys as server blocks */
	val_set_str(a, h, "coredns_key", arena_printf(a, "%s.server", val_path_str(spec, "rancher.hostname")));
	struct val *patches = val_add(h, "patches", val_new(a, VAL_LIST));
	struct val *local = val_add(h, "local", val_new(a, VAL_LIST));
	struct val *downstream = val_add(h, "downstream", val_new(a, VAL_LIST));
	const struct val *wanted = val_path(spec, "hostAliases.workloads");
	if (strcmp(mode, "patch"))
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

/* What differs between RKE2 and K3s on a node: where things live, how the
 * installer is told the release and the node type, what the services are
 * called. From the RKE2 docs (install/methods.md, install/configuration.md,
 * reference/server_config.md) and the K3s docs (installation/configuration,
 * reference/env-variables). */
struct node_distro {
	const char *distro;
	const char *config_dir;	   /* config.yaml and the token file */
	const char *manifests_dir; /* auto-applied by every server */
	const char *install_url;
	const char *version_env;   /* the installer's pinned-release variable */
	const char *type_env;	   /* the installer's node-type variable */
	const char *server_type, *agent_type;
	const char *server_service, *agent_service;
	const char *kubeconfig;	   /* written by the first server */
	long long join_port;	   /* where joining nodes register */
	const char *default_token_env;
	const char *cn_install_url; /* the installer on the documented China mirror */
	const char *mirror_env;	    /* the variable that points it at the mirror's artifacts */
	const char *artifacts_dir;  /* air-gapped: the installer and release artifacts on the node */
};
static const struct node_distro node_distros[] = {
	{"rke2", "/etc/rancher/rke2", "/var/lib/rancher/rke2/server/manifests", "https://get.rke2.io",
	 "INSTALL_RKE2_VERSION", "INSTALL_RKE2_TYPE", "server", "agent", "rke2-server", "rke2-agent",
	 "/etc/rancher/rke2/rke2.yaml", 9345, "RKE2_TOKEN", "https://rancher-mirror.rancher.cn/rke2/install.sh",
	 "INSTALL_RKE2_MIRROR", "/root/rke2-artifacts"},
	{"k3s", "/etc/rancher/k3s", "/var/lib/rancher/k3s/server/manifests", "https://get.k3s.io",
	 "INSTALL_K3S_VERSION", "INSTALL_K3S_EXEC", "server", "agent", "k3s", "k3s-agent",
	 "/etc/rancher/k3s/k3s.yaml", 6443, "K3S_TOKEN", "https://rancher-mirror.rancher.cn/k3s/k3s-install.sh",
	 "INSTALL_K3S_MIRROR", "/root/k3s-artifacts"},
};

static const struct node_distro *node_distro_for(const char *distro)
{
	for (size_t i = 0; i < sizeof(node_distros) / sizeof(node_distros[0]); i++)
		if (!strcmp(node_distros[i].distro, distro))
			return &node_distros[i];
	return NULL;
}

static void add_node(struct arena *a, struct val *list, const struct val *n, const struct node_distro *nd,
		     bool server, bool first)
{
	struct val *m = val_add(list, NULL, val_new(a, VAL_MAP));
	const char *internal = val_path_str(n, "internalAddress");
	bool worker = val_list_has(val_get(n, "roles"), "worker");
	val_set_str(a, m, "name", val_path_str(n, "name"));
	val_set_str(a, m, "address", val_path_str(n, "address"));
	val_set_str(a, m, "scp_host", bracketed(a, val_path_str(n, "address")));
	val_set_str(a, m, "user", val_path_str(n, "user"));
	val_set_str(a, m, "node_ip", *internal ? internal : val_path_str(n, "address"));
	val_set_bool(a, m, "server", server);
	val_set_bool(a, m, "agent", !server);
	val_set_bool(a, m, "first", first);
	val_set_bool(a, m, "join", !first);
	/* a server without the worker role keeps workloads off it */
	val_set_bool(a, m, "taint", server && !worker);
	val_set_str(a, m, "type", server ? nd->server_type : nd->agent_type);
	val_set_str(a, m, "service", server ? nd->server_service : nd->agent_service);
}

/* rke2/k3s: the per-node view (first server, the other servers, then the
 * agents: the order cluster.sh installs them in) and the values every
 * node's files share. */
static struct val *lower_cluster(struct arena *a, const struct val *spec, const struct val *aliases,
				 const struct stack *st)
{
	struct val *c = val_new(a, VAL_MAP);
	const char *distro = val_path_str(spec, "kubernetes.distro");
	const char *name = val_path_str(spec, "name");
	const struct node_distro *nd = node_distro_for(distro);
	bool rke2 = !strcmp(distro, "rke2"), k3s = !strcmp(distro, "k3s");
	val_set_bool(a, c, "rke1", !nd);
	val_set_bool(a, c, "per_node", nd != NULL);
	val_set_bool(a, c, "rke2", rke2);
	val_set_bool(a, c, "k3s", k3s);
	val_set_str(a, c, "distro", distro);
	val_set_str(a, c, "kubeconfig", nd ? arena_printf(a, "kube_config_%s.yaml", name)
					   : "kube_config_rancher-cluster.yml");
	bool coredns = val_path_bool(aliases, "coredns");
	val_set_bool(a, c, "coredns_rke2", rke2 && coredns);
	val_set_bool(a, c, "coredns_k3s", k3s && coredns);
	struct val *nodes = val_add(c, "nodes", val_new(a, VAL_LIST));
	/* the release the stack resolved: the spec's, else the table's default */
	const char *version = st->kube_text;
	struct semver v = {0, 0, 0};
	const struct distro_release *row = nd ? distro_release_for(distro, version) : NULL;
	semver_parse(version, &v);
	const char *ingress = val_path_str(spec, "kubernetes.ingress");
	if (!strcmp(ingress, "default"))
		ingress = distro_default_ingress(distro, &v);
	val_set_str(a, c, "ingress", ingress);
	if (!nd)
		return c;
	val_set_str(a, c, "release", version);
	val_set_str(a, c, "kubernetes", arena_printf(a, "v%ld.%ld.%ld", v.major, v.minor, v.patch));
	val_set_str(a, c, "coredns_chart", row && row->coredns_chart ? row->coredns_chart : "");
	val_set_str(a, c, "config_dir", nd->config_dir);
	val_set_str(a, c, "config_file", arena_printf(a, "%s/config.yaml", nd->config_dir));
	val_set_str(a, c, "token_file", arena_printf(a, "%s/join-token", nd->config_dir));
	val_set_str(a, c, "manifests_dir", nd->manifests_dir);
	val_set_str(a, c, "manifest_file", arena_printf(a, "%s/rhc-coredns-hosts.yaml", nd->manifests_dir));
	const bool cn = !strcmp(val_path_str(spec, "registry.installMirror"), "cn");
	val_set_str(a, c, "install_url", cn ? nd->cn_install_url : nd->install_url);
	val_set_str(a, c, "mirror_env", cn ? nd->mirror_env : "");
	val_set_str(a, c, "artifacts_dir", nd->artifacts_dir);
	val_set_str(a, c, "registries_file", arena_printf(a, "%s/registries.yaml", nd->config_dir));
	val_set_str(a, c, "version_env", nd->version_env);
	val_set_str(a, c, "type_env", nd->type_env);
	val_set_str(a, c, "remote_kubeconfig", nd->kubeconfig);
	/* "~/" means the admin's home, which a quoted word would not expand */
	const char *key = val_path_str(spec, "kubernetes.sshKeyPath");
	bool home = !strncmp(key, "~/", 2);
	val_set_bool(a, c, "key_in_home", home);
	val_set_str(a, c, "key_path", home ? key + 2 : key);
	const char *token_env = val_path_str(spec, "kubernetes.tokenEnv");
	val_set_str(a, c, "token_env", *token_env ? token_env : nd->default_token_env);
	const char *lb = bracketed(a, val_path_str(spec, "loadBalancer.address"));
	val_set_str(a, c, "join_url", arena_printf(a, "https://%s:%lld", lb, nd->join_port));
	val_set_str(a, c, "api_url", arena_printf(a, "https://%s:6443", lb));
	/* RKE2 names its ingress choices ingress-nginx, traefik and none (rke2-docs
	 * reference/server_config.md, ingress-controller); K3s only disables its
	 * Traefik. The choice is always written, so the release's default can
	 * change without changing the cluster. */
	val_set_str(a, c, "ingress_controller", !strcmp(ingress, "nginx") ? "ingress-nginx" : ingress);
	val_set_bool(a, c, "k3s_no_traefik", k3s && !strcmp(ingress, "none"));
	const char *cni = val_path_str(spec, "kubernetes.cni");
	val_set_str(a, c, "rke2_cni", rke2 && strcmp(cni, "default") ? cni : "");
	val_set_bool(a, c, "k3s_no_flannel", k3s && !strcmp(cni, "none"));
	struct val *san = val_add(c, "tls_san", val_new(a, VAL_LIST));
	val_add(san, NULL, val_str(a, val_path_str(spec, "loadBalancer.address")));
	const struct val *extra = val_path(spec, "kubernetes.tlsSan");
	for (const struct val *e = extra ? extra->first : NULL; e; e = e->next)
		if (!val_list_has(san, e->s))
			val_add(san, NULL, val_str(a, e->s));
	bool snapshot = val_path_bool(spec, "kubernetes.etcd.snapshot");
	val_set_bool(a, c, "etcd_snapshot", snapshot);
	char cron[32] = "";
	long count = 0;
	const char *why;
	if (snapshot)
		etcd_schedule(val_path_str(spec, "kubernetes.etcd.creation"),
			      val_path_str(spec, "kubernetes.etcd.retention"), cron, sizeof(cron), &count, &why);
	val_set_str(a, c, "etcd_cron", cron);
	val_set_int(a, c, "etcd_retention", count);
	const struct val *all = val_get(spec, "nodes");
	const struct val *first = NULL;
	for (const struct val *n = all->first; n && !first; n = n->next)
		if (is_server(n))
			first = n;
	if (first)
		add_node(a, nodes, first, nd, true, true);
	for (const struct val *n = all->first; n; n = n->next)
		if (n != first && is_server(n))
			add_node(a, nodes, n, nd, true, false);
	for (const struct val *n = all->first; n; n = n->next)
		if (!is_server(n))
			add_node(a, nodes, n, nd, false, false);
	return c;
}

/* kind has control-plane and worker nodes only, and runs etcd on its
 * control planes: a node with controlplane or etcd is a control plane. The
 * first node with the worker role takes the LB's ports and the ingress
 * controller, as the LB forwards to the workers. Helm 2 specs get no
 * rehearsal: tiller and Helm 2 charts do not run on the Kubernetes
 * versions kind builds node images for. */
static struct val *lower_rehearsal(struct arena *a, const struct val *spec, const struct val *helm,
				   const struct stack *st)
{
	struct val *r = val_new(a, VAL_MAP);
	val_set_bool(a, r, "enabled", !val_path_bool(helm, "tiller") && val_path_int(helm, "major") >= 3);
	/* air-gapped builds reach no public host; kind and its ingress do, so
	 * such a build rehearses on an existing cluster only */
	val_set_bool(a, r, "kind", !registry_airgapped(spec));
	val_set_bool(a, r, "kind_config", val_path_bool(r, "enabled") && val_path_bool(r, "kind"));
	val_set_str(a, r, "cluster", arena_printf(a, "rhc-%s", val_path_str(spec, "name")));
	/* What the spec's own cluster runs, for run.sh to compare with the
	 * rehearsal cluster (and tests/cluster/rehearse-local.sh to pick one):
	 * its Kubernetes, and the kubeVersion bound of the pinned chart from the
	 * same table the checks use ("" when the table has none for it). */
	val_set_str(a, r, "kubernetes", st->kube_known ? st->kube_text : "");
	val_set_str(a, r, "kubernetes_source", st->kube_source);
	const char *below = NULL;
	bool certain = false;
	if (st->chart_known)
		rancher_chart_kube_below(&st->chart, &below, &certain);
	val_set_str(a, r, "kube_below", below && certain ? below + 1 : "");
	struct val *nodes = val_add(r, "nodes", val_new(a, VAL_LIST));
	if (!val_path_bool(r, "kind_config"))
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
	val_add(view, "charts", lower_charts(a, spec));
	val_add(view, "certManager", lower_cert_manager(a, spec));
	struct stack st;
	stack_read(spec, &st);
	val_add(view, "rancher", lower_rancher(a, spec, &st));
	val_add(view, "registry", lower_registry(a, spec, &st));
	val_add(view, "lb", lower_lb(a, spec, val_get(spec, "nodes")));
	struct val *aliases = val_add(view, "hostAliases", lower_aliases(a, spec, &st));
	val_add(view, "cluster", lower_cluster(a, spec, aliases, &st));
	val_add(view, "rehearsal", lower_rehearsal(a, spec, helm, &st));
	return view;
}

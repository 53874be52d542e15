/* Air-gapped and mirrored installs: the checks between the registry the
 * spec names and every place an image or a download is named.
 *
 * public-host: an air-gapped build reaches no public host. Every word of
 * every script is read: a known public host anywhere in it (get.rke2.io,
 * charts.jetstack.io, ...) or a URL whose host is none of the spec's own
 * (the registry, charts.url, the load balancer, the nodes, loopback) fails.
 * registry: every image reference carries the registry, and the registry
 * in the nodes' config.yaml, registries.yaml and the chart values is the
 * spec's. */
#include <stdio.h>
#include <string.h>

#include "load.h"
#include "verify_ctx.h"
#include "versions.h"

/* Hosts an air-gapped install must not name: the projects' installers,
 * release downloads, chart repositories and public registries. */
static const char *const public_hosts[] = {
	"get.rke2.io",	 "update.rke2.io", "get.k3s.io",	    "update.k3s.io",	   "rancher-mirror.rancher.cn",
	"github.com",	 "githubusercontent.com", "dl.k8s.io",	    "get.helm.sh",	   "charts.helm.sh",
	"charts.jetstack.io", "releases.rancher.com", "ghcr.io", "quay.io", "docker.io", "registry.k8s.io",
	"gcr.io",
};

static const char *scalar_at(const struct node *map, const char *key)
{
	const struct node *v = node_member(map, key);
	return v && v->kind == NODE_SCALAR ? v->text : NULL;
}

/* host[:port] of URL (after "://"), into BUF. */
static void url_host(const char *url, char *buf, size_t len)
{
	size_t n = 0;
	for (const char *p = url; *p && n + 1 < len; p++) {
		if (!(*p == '.' || *p == '-' || *p == ':' || *p == '[' || *p == ']' || (*p >= '0' && *p <= '9') ||
		      (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			break;
		buf[n++] = *p;
	}
	buf[n] = '\0';
}

/* Whether HOST (host[:port]) is one of the spec's own. */
static bool own_host(const struct verify_ctx *c, const char *host)
{
	char name[256];
	snprintf(name, sizeof(name), "%s", host);
	const char *reg = val_path_str(c->spec, "registry.address");
	if (*reg && !strcmp(host, reg))
		return true;
	char curl[256];
	const char *url = val_path_str(c->spec, "charts.url");
	const char *s = strstr(url, "://");
	url_host(s ? s + 3 : "", curl, sizeof(curl));
	if (*curl && !strcmp(host, curl))
		return true;
	/* an address with a port: compare the address ([v6]:port or v4:port) */
	char *end = name[0] == '[' ? strchr(name, ']') : strrchr(name, ':');
	if (name[0] == '[' && end)
		memmove(name, name + 1, (size_t)(end - name - 1)), name[end - name - 1] = '\0';
	else if (end && strchr(name, ':') == end)
		*end = '\0';
	if (!strcmp(name, "127.0.0.1") || !strcmp(name, val_path_str(c->spec, "loadBalancer.address")))
		return true;
	const struct val *nodes = val_get(c->spec, "nodes");
	for (const struct val *n = nodes ? nodes->first : NULL; n; n = n->next)
		if (!strcmp(name, val_path_str(n, "address")) || !strcmp(name, val_path_str(n, "internalAddress")))
			return true;
	return false;
}

static void check_public_hosts(struct verify_ctx *c)
{
	size_t failed = c->r->failed, words = 0;
	for (size_t si = 0; si < c->nscripts; si++) {
		const struct script *s = &c->scripts[si];
		for (size_t li = 0; li < s->nlines; li++) {
			const struct shell_line *l = &s->lines[li];
			for (size_t wi = 0; wi < l->nwords; wi++, words++) {
				const char *w = l->words[wi].text, *bad = NULL;
				for (size_t h = 0; h < sizeof(public_hosts) / sizeof(public_hosts[0]) && !bad; h++)
					if (strstr(w, public_hosts[h]))
						bad = public_hosts[h];
				char host[256] = "";
				const char *scheme = strstr(w, "://");
				if (!bad && scheme) {
					url_host(scheme + 3, host, sizeof(host));
					if (*host && !own_host(c, host))
						bad = host;
				}
				if (bad)
					report_add(c->r, CHECK_FAIL, "public-host", s->file->path, l->line,
						   "names %s; an air-gapped install reaches no public host", bad);
			}
		}
	}
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "public-host", NULL, 0,
			   "%zu words of %zu scripts name no host but the spec's own", words, c->nscripts);
}

/* VALUE is REG itself (WHOLE) or an image under it, REG/PATH. */
static bool under(const char *value, const char *reg, bool whole)
{
	size_t n = strlen(reg);
	if (!value)
		return false;
	return whole ? !strcmp(value, reg) : !strncmp(value, reg, n) && value[n] == '/' && value[n + 1];
}

static void expect(struct verify_ctx *c, bool ok, const char *path, int line, const char *what, const char *found,
		   const char *reg)
{
	if (!ok)
		report_add(c->r, CHECK_FAIL, "registry", path, line, "%s is '%s'; spec.json's registry is %s", what,
			   found ? found : "(none)", reg);
}

static const struct node *yaml_of(struct verify_ctx *c, const char *path)
{
	const struct outfile *f = verify_file(c, path);
	struct diags d = {0};
	const struct node *root = f ? load_yaml(&c->a, path, f->data, f->len, &d) : NULL;
	diags_free(&d);
	return root;
}

static void check_registry_refs(struct verify_ctx *c)
{
	const char *reg = val_path_str(c->spec, "registry.address");
	size_t failed = c->r->failed, places = 0;
	/* the load balancer's image */
	const struct script *lb = verify_script(c, "lb-nginx.sh");
	for (size_t i = 0; lb && i < lb->nlines; i++) {
		const struct shell_line *l = &lb->lines[i];
		if (l->nwords == 1 && !strncmp(l->words[0].text, "image=", 6)) {
			places++;
			expect(c, under(l->words[0].text + 6, reg, false), "lb-nginx.sh", l->line, "the LB image",
			       l->words[0].text + 6, reg);
		}
	}
	/* every node's system-default-registry */
	for (size_t i = 0; i < c->nconfigs; i++, places++) {
		const char *v = scalar_at(c->configs[i].yaml, "system-default-registry");
		const struct node *n = node_member(c->configs[i].yaml, "system-default-registry");
		expect(c, under(v, reg, true), c->configs[i].file->path, n ? n->line : 0, "system-default-registry", v, reg);
	}
	/* registries.yaml: the registry a mirror of itself and of docker.io, its CA */
	if (c->nconfigs) {
		const struct node *ry = yaml_of(c, "registries.yaml");
		const struct node *mirrors = node_member(ry, "mirrors");
		const char *endpoint = arena_printf(&c->a, "https://%s", reg);
		static const char *const names[] = {"docker.io", NULL};
		for (size_t k = 0; k < 2; k++, places++) {
			const struct node *m = node_member(mirrors, names[k] ? names[k] : reg);
			const struct node *ep = node_member(m, "endpoint");
			const struct node *first = ep && ep->kind == NODE_SEQ ? ep->first : NULL;
			const char *got = first && first->kind == NODE_SCALAR ? first->text : NULL;
			expect(c, got && !strcmp(got, endpoint) && ep->count == 1, "registries.yaml", m ? m->line : 0,
			       arena_printf(&c->a, "the mirror endpoint of %s", names[k] ? names[k] : reg), got, reg);
		}
		const char *ca = val_path_str(c->spec, "registry.caFile");
		const struct node *tls = node_member(node_member(node_member(ry, "configs"), reg), "tls");
		const char *got = scalar_at(tls, "ca_file");
		if (*ca || got) {
			places++;
			if (!got || strcmp(got, ca))
				report_add(c->r, CHECK_FAIL, "registry", "registries.yaml", tls ? tls->line : 0,
					   "the CA of %s is '%s'; spec.json's caFile is '%s'", reg, got ? got : "(none)", ca);
		}
	}
	/* Rancher: systemDefaultRegistry, and its own image by the chart's values */
	const struct node *rv = yaml_of(c, "values/rancher.yaml");
	const char *sdr = scalar_at(rv, "systemDefaultRegistry");
	const struct node *sdn = node_member(rv, "systemDefaultRegistry");
	expect(c, under(sdr, reg, true), "values/rancher.yaml", sdn ? sdn->line : 0, "systemDefaultRegistry", sdr, reg);
	places++;
	if (val_path_bool(c->view, "rancher.image_values")) {
		const char *ir = scalar_at(node_member(rv, "image"), "registry");
		expect(c, under(ir, reg, true), "values/rancher.yaml", 0, "image.registry", ir, reg);
	} else {
		const char *ri = scalar_at(rv, "rancherImage");
		expect(c, under(ri, reg, false), "values/rancher.yaml", 0, "rancherImage", ri, reg);
	}
	places++;
	if (val_path_bool(c->view, "registry.airgapped")) {
		const char *b = scalar_at(rv, "useBundledSystemChart");
		if (!b || strcmp(b, "true"))
			report_add(c->r, CHECK_FAIL, "registry", "values/rancher.yaml", 0,
				   "air-gapped, but useBundledSystemChart is not true: Rancher would fetch its system charts from git");
	}
	/* cert-manager: every image its release has, from the registry */
	if (val_path_bool(c->view, "certManager.needed")) {
		const struct node *cv = yaml_of(c, "values/cert-manager.yaml");
		struct semver v = {0, 0, 0};
		semver_parse(val_path_str(c->spec, "certManager.version"), &v);
		const bool le = !strcmp(val_path_str(c->spec, "rancher.tls"), "letsEncrypt");
		size_t n;
		const struct cert_manager_image *rows = cert_manager_images(&n);
		for (size_t i = 0; i < n; i++) {
			if (!cert_manager_image_in(&rows[i], &v) || (rows[i].acme && !le))
				continue;
			const struct node *owner = *rows[i].component ? node_member(cv, rows[i].component) : cv;
			const char *repo = scalar_at(node_member(owner, "image"), "repository");
			places++;
			expect(c, under(repo, reg, false), "values/cert-manager.yaml", 0,
			       arena_printf(&c->a, "%s%simage.repository", rows[i].component, *rows[i].component ? "." : ""),
			       repo, reg);
		}
	}
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "registry", NULL, 0, "%zu places name %s, and every image is under it", places,
			   reg);
}

void check_airgap(struct verify_ctx *c)
{
	if (!c->spec || !c->view)
		return;
	if (val_path_bool(c->view, "registry.airgapped"))
		check_public_hosts(c);
	if (val_path_bool(c->view, "registry.enabled"))
		check_registry_refs(c);
}

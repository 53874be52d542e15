/* The programs that consume the artefacts, run on them: nginx -t, kubectl
 * patch --local, shellcheck. Each is used when on PATH; a missing one is a
 * SKIP with the reason, or a FAIL under --require-tools. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "run.h"
#include "verify_ctx.h"

#define STREAM_MODULE "/usr/lib/nginx/modules/ngx_stream_module.so"

static bool have_tool(struct verify_ctx *c, const char *check, const char *tool, const char *package)
{
	if (run_have(tool))
		return true;
	report_add(c->r, c->opt->require_tools ? CHECK_FAIL : CHECK_SKIP, check, NULL, 0,
		   "%s is not on PATH (Debian package: %s)", tool, package);
	return false;
}

/* nginx's first complaint is the one that matters. */
static const char *first_line(struct buf *b)
{
	if (!b->len)
		return "";
	char *nl = strchr(b->data, '\n');
	if (nl)
		*nl = '\0';
	/* drop nginx's "2026/01/01 00:00:00 [emerg] 12#12: " prefix: it never repeats */
	char *level = strstr(b->data, "] ");
	char *colon = level ? strstr(level, ": ") : NULL;
	return colon && b->data[0] >= '0' && b->data[0] <= '9' ? colon + 2 : b->data;
}

/* nginx -t on the private copy, included unchanged by a wrapper that only
 * loads the stream module and keeps the pid file private; in the sandbox, so
 * listen 80/443 needs no privilege and a path in the file (error_log,
 * access_log) can be neither created nor written: the file system is
 * read-only there but for the workspace. */
static void check_nginx(struct verify_ctx *c)
{
	if (!verify_file(c, "nginx.conf") || !have_tool(c, "nginx -t", "nginx", "nginx"))
		return;
	const char *dir = arena_printf(&c->a, "%s/nginx", c->ws);
	const char *wrapper = arena_printf(&c->a, "%s/wrapper.conf", dir);
	FILE *f = mkdir(dir, 0755) || chmod(dir, 0755) ? NULL : fopen(wrapper, "wx");
	if (!f) {
		report_add(c->r, CHECK_FAIL, "nginx -t", "nginx.conf", 0, "cannot write %s", wrapper);
		return;
	}
	if (access(STREAM_MODULE, R_OK) == 0)
		fprintf(f, "load_module %s;\n", STREAM_MODULE);
	/* paths as nginx sees them: the workspace is SANDBOX_DIR there */
	fprintf(f, "pid %s/nginx/nginx.pid;\ninclude %s/out/nginx.conf;\n", SANDBOX_DIR, SANDBOX_DIR);
	bool written = fclose(f) == 0 && chmod(wrapper, 0644) == 0 && sandbox_prepare(c->ws) == 0;
	char nginx[4096];
	if (!run_find("nginx", nginx, sizeof(nginx)))
		snprintf(nginx, sizeof(nginx), "nginx");
	const char *argv[] = {nginx, "-t", "-q", "-p", SANDBOX_DIR "/nginx", "-c", SANDBOX_DIR "/nginx/wrapper.conf",
			      "-e", "stderr", NULL};
	struct sandbox box = {.rw_dir = c->ws, .read_only = "out"};
	struct run_opts o = {.sandbox = &box, .timeout_s = 30};
	struct buf err = {0};
	int rc = written ? run_capture(argv, &o, NULL, &err) : -1;
	if (rc == 0)
		report_add(c->r, CHECK_PASS, "nginx -t", "nginx.conf", 0, "accepted by nginx with the stream module");
	else
		report_add(c->r, CHECK_FAIL, "nginx -t", "nginx.conf", 0, "%s", err.len ? first_line(&err) : "rejected");
	buf_free(&err);
}

static const char deployment[] =
	"apiVersion: apps/v1\nkind: %s\nmetadata:\n  name: %s\n  namespace: cattle-system\n"
	"spec:\n  selector:\n    matchLabels:\n      app: %s\n  template:\n    metadata:\n"
	"      labels:\n        app: %s\n    spec:\n      containers:\n        - name: %s\n"
	"          image: rancher/rancher\n";

/* kubectl patch --local of each patch onto a minimal manifest of its kind;
 * the hostAliases that result must be the spec's, exactly. */
static void check_kubectl(struct verify_ctx *c)
{
	const struct val *patches = c->view ? val_path(c->view, "hostAliases.patches") : NULL;
	if (!patches || !patches->count || !have_tool(c, "kubectl patch", "kubectl", "kubernetes-client"))
		return;
	const char *tmp = arena_printf(&c->a, "%s/kubectl", c->ws);
	if (mkdir(tmp, 0700))
		return;
	const char *host = val_path_str(c->spec, "rancher.hostname");
	const char *ip = val_path_str(c->view, "hostAliases.ip");
	for (const struct val *p = patches->first; p; p = p->next) {
		const char *file = val_path_str(p, "file"), *name = val_path_str(p, "workload");
		bool ds = !strcmp(val_path_str(p, "kind"), "daemonset");
		const struct outfile *f = verify_file(c, file);
		if (!f) {
			report_add(c->r, CHECK_FAIL, "kubectl patch", file, 0, "missing");
			continue;
		}
		const char *manifest = arena_printf(&c->a, "%s/%s.yaml", tmp, name);
		FILE *m = fopen(manifest, "w");
		if (!m)
			continue;
		fprintf(m, deployment, ds ? "DaemonSet" : "Deployment", name, name, name, name);
		fclose(m);
		/* --local still loads a client config: the user's may be broken
		 * or point anywhere, and nothing here needs one */
		const char *argv[] = {"kubectl", "patch", "--local", "--kubeconfig", "/dev/null", "-f", manifest,
				      "--type", "strategic", "-p", f->data, "-o", "json", NULL};
		struct buf out = {0}, err = {0};
		int rc = run_capture(argv, NULL, &out, &err);
		if (rc != 0) {
			report_add(c->r, CHECK_FAIL, "kubectl patch", file, 0, "kubectl patch --local failed: %s",
				   err.len ? err.data : "no message");
		} else {
			struct diags d = {0};
			struct arena a = {0};
			const struct node *obj = json_parse(&a, "kubectl output", out.data ? out.data : "", out.len, &d);
			const struct node *aliases = node_path(obj, "spec.template.spec.hostAliases");
			const struct node *e = aliases && aliases->kind == NODE_SEQ && aliases->count == 1 ? aliases->first : NULL;
			const struct node *eip = node_member(e, "ip"), *names = node_member(e, "hostnames");
			bool ok = eip && !strcmp(eip->text, ip) && names && names->kind == NODE_SEQ &&
				  names->count == 1 && !strcmp(names->first->text, host);
			if (ok)
				report_add(c->r, CHECK_PASS, "kubectl patch", file, 0, "%s %s gets hostAliases %s -> %s",
					   ds ? "daemonset" : "deployment", name, host, ip);
			else
				report_add(c->r, CHECK_FAIL, "kubectl patch", file, 0,
					   "after kubectl patch --local, hostAliases is not exactly [{ip: %s, hostnames: [%s]}]", ip, host);
			diags_free(&d);
			arena_free(&a);
		}
		buf_free(&out);
		buf_free(&err);
	}
}

/* One shellcheck for every script (each start costs more than the check),
 * its gcc-format lines ("FILE:LINE:COL: ...") handed back to their file. */
static void check_shellcheck(struct verify_ctx *c)
{
	if (!c->nscripts || !have_tool(c, "shellcheck", "shellcheck", "shellcheck"))
		return;
	const char **argv = arena_alloc(&c->a, (c->nscripts + 3) * sizeof(*argv));
	size_t n = 0;
	argv[n++] = "shellcheck";
	argv[n++] = "--format=gcc";
	for (size_t i = 0; i < c->nscripts; i++)
		argv[n++] = c->scripts[i].file->path; /* the private copy, named as in the directory */
	argv[n] = NULL;
	struct run_opts o = {.cwd = arena_printf(&c->a, "%s/out", c->ws)};
	struct buf out = {0};
	int rc = run_capture(argv, &o, &out, NULL);
	const char *text = out.data ? out.data : "";
	for (size_t i = 0; i < c->nscripts; i++) {
		const char *path = c->scripts[i].file->path;
		size_t plen = strlen(path);
		struct buf mine = {0};
		for (const char *l = text; *l;) {
			size_t len = strcspn(l, "\n");
			if (len > plen && !strncmp(l, path, plen) && l[plen] == ':')
				buf_printf(&mine, "%s%.*s", mine.len ? "\n" : "", (int)len, l);
			l += len + (l[len] == '\n');
		}
		if (mine.len)
			report_add(c->r, CHECK_FAIL, "shellcheck", path, 0, "%s", mine.data);
		else if (rc == 0 || rc == 1) /* 1: findings, none in this file */
			report_add(c->r, CHECK_PASS, "shellcheck", path, 0, "clean");
		else
			report_add(c->r, CHECK_FAIL, "shellcheck", path, 0, "shellcheck failed (exit %d): %.200s", rc, text);
		buf_free(&mine);
	}
	buf_free(&out);
}

void check_real_tools(struct verify_ctx *c)
{
	check_nginx(c);
	check_kubectl(c);
	check_shellcheck(c);
}

/* The argv check: each script runs with docker, helm, kubectl, curl, wget,
 * tar, ln, sudo and install replaced by recorders, and the argument vectors
 * they receive are compared with what the spec implies: a value is one
 * argument, intact, whatever it contains. curl and tar recorders write
 * stand-in binaries that print where they came from, so tools.sh's checksum
 * and version checks run for real on them.
 *
 * The scripts are what is being checked, so nothing in them is trusted: a
 * script that names a program by absolute path is not run at all, and the
 * rest run in the sandbox (sandbox.h) on the private copy: no network, the
 * file system read-only but for the workspace, and no program directory
 * visible, so the only programs are the recorders and the few tools bound
 * into the workspace's bin/ (below). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "run.h"
#include "verify_ctx.h"

#define RECORD_FIELD "\037"
#define RECORD_END "\036"
#define CANARY "rhc-canary-Pa55w0rd-not-for-argv"

static const char *const recorded[] = {"docker", "helm", "kubectl", "curl", "wget",
				       "tar",	 "ln",	 "sudo",    "install", "mv"};

/* The real programs the scripts (and the recorders) may use, bound
 * read-only into bin/: shell built-ins aside, nothing else exists there. */
static const char *const allowed[] = {"bash", "sh", "basename", "dirname", "cat", "cut", "sha256sum",
				      "mkdir", "chmod", "rm", "mktemp", "env", "tr", "head", "grep", "sed", "awk"};

/* Calls no rhc script makes, whatever the spec: a recorder never runs them,
 * but their presence is a FAIL of its own. NULL-ended argument prefixes,
 * matched anywhere in the argument list after the program's name. */
static const struct {
	const char *program;
	const char *args[3];
	const char *why;
} forbidden[] = {
	{"kubectl", {"delete", NULL}, "deletes from the cluster"},
	{"kubectl", {"--user=system:anonymous", NULL}, "grants a role to anonymous users"},
	{"kubectl", {"--group=system:unauthenticated", NULL}, "grants a role to unauthenticated users"},
	{"kubectl", {"--group=system:anonymous", NULL}, "grants a role to anonymous users"},
	{"helm", {"delete", NULL}, "deletes a release"},
	{"helm", {"uninstall", NULL}, "deletes a release"},
};

/* Records "NAME\037arg1\037arg2...\036" and imitates the few side effects the
 * scripts rely on. Written after a "#!WS/bin/sh" line. */
static const char recorder[] =
	"name=${0##*/}\n"
	"{ printf '%s' \"$name\"; for a in \"$@\"; do printf '\\037%s' \"$a\"; done; printf '\\036'; } >>\"$RHC_RECORD_LOG\"\n"
	"stand_in() { printf '#!%s\\necho %s\\n' \"$RHC_SH\" \"$1\"; }\n"
	"case \"$name\" in\n"
	"curl)\n"
	"  out=; url=\n"
	"  while [ $# -gt 0 ]; do case \"$1\" in -o) out=\"$2\"; shift 2;; *) url=\"$1\"; shift;; esac; done\n"
	"  case \"$url\" in\n"
	"  *.sha256) stand_in \"${url%.sha256}\" | sha256sum | cut -d' ' -f1 >\"$out\";;\n"
	/* a release's sha256sum.txt: "SUM NAME" for each asset */
	"  */sha256sum.txt) for f in rke_linux-amd64 rke_linux-arm64 rke_darwin-amd64 rke_darwin-arm64; do\n"
	"      printf '%s %s\\n' \"$(stand_in \"${url%/sha256sum.txt}/$f\" | sha256sum | cut -d' ' -f1)\" \"$f\"; done >\"$out\";;\n"
	"  *) stand_in \"$url\" >\"$out\";;\n"
	"  esac;;\n"
	"tar)\n"
	"  archive=\"$2\"; member=\"$3\"\n"
	"  mkdir -p \"$(dirname \"$member\")\"; stand_in \"$archive\" >\"$member\"; chmod 0755 \"$member\";;\n"
	"esac\n"
	"exit 0\n";

struct call {
	char **argv; /* argv[0] is the recorder's name */
	size_t argc;
	const char *script;
};

struct calls {
	struct call *v;
	size_t n;
};

static bool write_text(const char *path, const char *head, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "wx");
	if (!f)
		return false;
	bool ok = fputs(head, f) >= 0 && fputs(text, f) >= 0;
	ok &= fclose(f) == 0;
	return ok && chmod(path, mode) == 0;
}

static void parse_log(struct verify_ctx *c, const char *log, size_t len, const char *script,
		      struct calls *calls)
{
	const char *p = log, *end = log + len;
	while (p < end) {
		const char *rec_end = memchr(p, RECORD_END[0], (size_t)(end - p));
		if (!rec_end)
			break;
		struct call call = {.script = script};
		size_t fields = 1;
		for (const char *q = p; q < rec_end; q++)
			fields += *q == RECORD_FIELD[0];
		call.argv = arena_alloc(&c->a, (fields + 1) * sizeof(char *));
		const char *f = p;
		while (call.argc < fields) {
			const char *fe = memchr(f, RECORD_FIELD[0], (size_t)(rec_end - f));
			if (!fe)
				fe = rec_end;
			call.argv[call.argc++] = arena_strndup(&c->a, f, (size_t)(fe - f));
			f = fe + 1;
		}
		struct call *v = realloc(calls->v, (calls->n + 1) * sizeof(*v));
		if (!v)
			abort();
		calls->v = v;
		calls->v[calls->n++] = call;
		p = rec_end + 1;
	}
}

/* The first word of a script line that names a program by absolute path,
 * in a command position; NULL when there is none. */
static const struct shell_word *absolute_program(const struct shell_line *l)
{
	static const char *const starts[] = {";", "|", "&", "&&", "||", "(", "!", "{", "then", "do", "else",
					      "elif", "if", "while", "until", "exec", "command", "time", NULL};
	bool command = true;
	for (size_t i = 0; i < l->nwords; i++) {
		const struct shell_word *w = &l->words[i];
		if (command && w->text[0] == '/')
			return w;
		bool start = false;
		for (const char *const *s = starts; *s && !start; s++)
			start = !strcmp(w->text, *s) && (w->nparts == 1 && w->parts[0].quote == SHELL_BARE);
		/* an assignment before the command keeps the command position */
		command = start || (command && strchr(w->text, '=') && w->text[0] != '=');
	}
	return NULL;
}

static char *join(struct verify_ctx *c, const struct call *k);

static bool run_recorded(struct verify_ctx *c, const struct script *sc, struct calls *calls)
{
	const char *script = sc->file->path;
	for (size_t i = 0; i < sc->nlines; i++) {
		const struct shell_word *w = absolute_program(&sc->lines[i]);
		if (w) {
			report_add(c->r, CHECK_FAIL, "argv", script, sc->lines[i].line,
				   "runs %.*s%s by absolute path; verify runs only its recorders, so this script is not run",
				   80, w->text, strlen(w->text) > 80 ? "..." : "");
			return false;
		}
	}
	struct arena *a = &c->a;
	const char *ws = SANDBOX_DIR; /* the workspace, as the script sees it */
	size_t index = (size_t)(sc - c->scripts);
	const char *log = arena_printf(a, "%s/log/%zu", c->ws, index);
	const char *pw_var = val_path_str(c->spec, "rancher.bootstrapPasswordEnv");
	const char *env[] = {
		arena_printf(a, "PATH=%s/bin", ws),
		arena_printf(a, "RHC_RECORD_LOG=%s/log/%zu", ws, index),
		arena_printf(a, "RHC_SH=%s/bin/sh", ws),
		arena_printf(a, "BIN=%s/links", ws),
		arena_printf(a, "TOOLS_DIR=%s/tools", ws),
		arena_printf(a, "HOME=%s/home", ws),
		arena_printf(a, "TMPDIR=%s/tmp", ws),
		arena_printf(a, "KUBECONFIG=%s/kubeconfig", ws),
		arena_printf(a, "CHARTS_DIR=%s/charts", ws), /* stand-in chart files (charts.source dir) */
		arena_printf(a, "%s=%s", *pw_var ? pw_var : "RHC_NO_PASSWORD", CANARY),
		"LC_ALL=C",
		NULL,
	};
	const char *path = arena_printf(a, "%s/out/%s", ws, script);
	const char *argv[] = {"bash", path, NULL};
	const char **bind = arena_alloc(a, (2 * sizeof(allowed) / sizeof(allowed[0]) + 1) * sizeof(*bind));
	size_t nb = 0;
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		char host[64];
		snprintf(host, sizeof(host), "/usr/bin/%s", allowed[i]);
		if (access(host, X_OK))
			snprintf(host, sizeof(host), "/bin/%s", allowed[i]);
		if (access(host, X_OK))
			continue;
		bind[nb++] = arena_strdup(a, host);
		bind[nb++] = allowed[i];
	}
	bind[nb] = NULL;
	struct sandbox box = {.rw_dir = c->ws, .read_only = "out", .hide_programs = true, .bind = bind};
	struct run_opts o = {.cwd = arena_printf(a, "%s/work", ws), .env = env, .timeout_s = 30, .sandbox = &box};
	struct buf err = {0};
	int rc = run_capture(argv, &o, NULL, &err);
	if (rc != 0)
		report_add(c->r, CHECK_FAIL, "argv", script, 0, "exited %d under the recorders: %s", rc,
			   err.len ? err.data : "");
	buf_free(&err);
	int fd = open(log, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	struct buf b = {.limit = VERIFY_MAX_FILE};
	struct stat st;
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode)) {
		char chunk[8192];
		ssize_t n;
		while ((n = read(fd, chunk, sizeof(chunk))) > 0 && !buf_failed(&b))
			buf_put(&b, chunk, (size_t)n);
	}
	if (fd >= 0)
		close(fd);
	parse_log(c, b.data && !buf_failed(&b) ? b.data : "", buf_failed(&b) ? 0 : b.len, script, calls);
	buf_free(&b);
	return rc == 0;
}

/* Each recorded call that no rhc script makes is a FAIL. */
static void expect_no_forbidden(struct verify_ctx *c, const struct calls *calls)
{
	for (size_t i = 0; i < calls->n; i++) {
		const struct call *k = &calls->v[i];
		for (size_t f = 0; f < sizeof(forbidden) / sizeof(forbidden[0]); f++) {
			if (strcmp(k->argv[0], forbidden[f].program))
				continue;
			for (size_t at = 1; at < k->argc; at++) {
				size_t m = 0;
				while (forbidden[f].args[m] && at + m < k->argc && !strcmp(k->argv[at + m], forbidden[f].args[m]))
					m++;
				if (!forbidden[f].args[m]) {
					report_add(c->r, CHECK_FAIL, "argv", k->script, 0, "%s: %s", forbidden[f].why, join(c, k));
					break;
				}
			}
		}
	}
}

static bool argv_has_pair(const struct call *k, const char *flag, const char *value)
{
	for (size_t i = 1; i + 1 < k->argc; i++)
		if (!strcmp(k->argv[i], flag) && !strcmp(k->argv[i + 1], value))
			return true;
	return false;
}

/* FLAG followed by a path ending in /SUFFIX (helm.sh names files from its
 * own directory). */
static bool argv_has_file(const struct call *k, const char *flag, const char *suffix)
{
	size_t n = strlen(suffix);
	for (size_t i = 1; i + 1 < k->argc; i++) {
		size_t len = strlen(k->argv[i + 1]);
		if (!strcmp(k->argv[i], flag) && len > n && k->argv[i + 1][len - n - 1] == '/' &&
		    !strcmp(k->argv[i + 1] + len - n, suffix))
			return true;
	}
	return false;
}

static bool argv_has(const struct call *k, const char *arg)
{
	for (size_t i = 1; i < k->argc; i++)
		if (!strcmp(k->argv[i], arg))
			return true;
	return false;
}

static const struct call *find_call(const struct calls *calls, const char *script, const char *name,
				    const char *arg1, const char *containing)
{
	const struct call *found = NULL;
	for (size_t i = 0; i < calls->n; i++) {
		const struct call *k = &calls->v[i];
		if (strcmp(k->script, script) || strcmp(k->argv[0], name))
			continue;
		if (arg1 && (k->argc < 2 || strcmp(k->argv[1], arg1)))
			continue;
		if (containing && !argv_has(k, containing))
			continue;
		found = k;
	}
	return found;
}

static char *join(struct verify_ctx *c, const struct call *k)
{
	struct buf b = {0};
	for (size_t i = 0; i < k->argc; i++)
		buf_printf(&b, "%s[%s]", i ? " " : "", k->argv[i]);
	char *s = arena_strndup(&c->a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

/* lb-nginx.sh: the docker run that starts the LB, exactly. */
static void expect_lb(struct verify_ctx *c, const struct calls *calls)
{
	const struct call *run = find_call(calls, "lb-nginx.sh", "docker", "run", "-d");
	const char *conf = val_path_str(c->spec, "loadBalancer.configPath");
	const char *mount = arena_printf(&c->a, "%s:/etc/nginx/nginx.conf:ro", conf);
	const char *want[80];
	size_t n = 0;
	want[n++] = "docker", want[n++] = "run", want[n++] = "-d", want[n++] = "--name";
	want[n++] = val_path_str(c->spec, "loadBalancer.container");
	want[n++] = "--restart=unless-stopped";
	const struct val *ups = val_path(c->view, "lb.upstreams");
	if (val_path_bool(c->view, "lb.ipv6"))
		want[n++] = "--network", want[n++] = "host";
	for (const struct val *u = ups ? ups->first : NULL; u && n < 70 && !val_path_bool(c->view, "lb.ipv6"); u = u->next)
		want[n++] = "-p", want[n++] = val_path_str(u, "publish");
	want[n++] = "-v", want[n++] = mount, want[n++] = val_path_str(c->view, "lb.image");
	bool same = run && run->argc == n;
	for (size_t i = 0; same && i < n; i++)
		same = !strcmp(run->argv[i], want[i]);
	if (same)
		report_add(c->r, CHECK_PASS, "argv", "lb-nginx.sh", 0, "docker run: %zu arguments as the spec implies", n);
	else
		report_add(c->r, CHECK_FAIL, "argv", "lb-nginx.sh", 0, "docker run got %s",
			   run ? join(c, run) : "no call");
	/* the candidate beside the config, tested, then moved over it */
	const char *candidate = arena_printf(&c->a, "%s.rhc-new", conf);
	const char *tested = arena_printf(&c->a, "%s:/etc/nginx/nginx.conf:ro", candidate);
	const struct call *inst = find_call(calls, "lb-nginx.sh", "install", NULL, NULL);
	const struct call *test = find_call(calls, "lb-nginx.sh", "docker", "run", "--rm");
	const struct call *mv = find_call(calls, "lb-nginx.sh", "mv", NULL, NULL);
	if (!inst || strcmp(inst->argv[inst->argc - 1], candidate))
		report_add(c->r, CHECK_FAIL, "argv", "lb-nginx.sh", 0, "nginx.conf is not written to %s first", candidate);
	if (!test || !argv_has_pair(test, "-v", tested) || !argv_has(test, "-t"))
		report_add(c->r, CHECK_FAIL, "argv", "lb-nginx.sh", 0, "the candidate %s is not tested with nginx -t", candidate);
	if (!mv || mv->argc < 3 || strcmp(mv->argv[mv->argc - 2], candidate) || strcmp(mv->argv[mv->argc - 1], conf))
		report_add(c->r, CHECK_FAIL, "argv", "lb-nginx.sh", 0, "the tested config is not moved to %s", conf);
}

/* The chart argument helm.sh gives helm for KEY (rancher, certManager):
 * the repository's chart, or the stand-in file under CHARTS_DIR. */
static const char *chart_arg(struct verify_ctx *c, const char *key)
{
	const char *chart = val_path_str(c->view, arena_printf(&c->a, "%s.chart", key));
	if (!val_path_bool(c->view, "charts.from_dir"))
		return chart;
	return arena_printf(&c->a, "%s/charts/%s", SANDBOX_DIR, chart);
}

/* helm.sh: Rancher and cert-manager installs carry the spec's values, each
 * one argument; the bootstrap password never appears in an argument. */
static void expect_helm(struct verify_ctx *c, const struct calls *calls)
{
	size_t failed = c->r->failed;
	const bool dir = val_path_bool(c->view, "charts.from_dir");
	const char *chart = chart_arg(c, "rancher");
	const struct call *r = find_call(calls, "helm.sh", "helm", "upgrade", chart);
	if (!r) {
		report_add(c->r, CHECK_FAIL, "argv", "helm.sh", 0, "no helm upgrade of %s", chart);
		return;
	}
	/* the same syntax for Helm 2, 3 and 4: upgrade --install RELEASE CHART */
	if (r->argc < 5 || strcmp(r->argv[2], "--install") || strcmp(r->argv[3], "rancher") || strcmp(r->argv[4], chart))
		report_add(c->r, CHECK_FAIL, "argv", "helm.sh", 0, "the Rancher release is not 'upgrade --install rancher %s': %s",
			   chart, join(c, r));
	if (argv_has(r, "--reuse-values"))
		report_add(c->r, CHECK_FAIL, "argv", "helm.sh", 0, "--reuse-values keeps the old release's values across chart versions");
	if (!argv_has_pair(r, "--namespace", "cattle-system"))
		report_add(c->r, CHECK_FAIL, "argv", "helm.sh", 0, "Rancher is not installed into cattle-system");
	if (!argv_has_file(r, "-f", "values/rancher.yaml"))
		report_add(c->r, CHECK_FAIL, "argv", "helm.sh", 0, "Rancher install lacks -f values/rancher.yaml");
	const char *cv = val_path_str(c->view, "rancher.chart_version");
	if (*cv && !dir && !argv_has_pair(r, "--version", cv))
		report_add(c->r, CHECK_FAIL, "argv", "helm.sh", 0, "Rancher chart version %s not pinned", cv);
	if (*val_path_str(c->spec, "rancher.bootstrapPasswordEnv") &&
	    !argv_has_pair(r, "--set-file", "bootstrapPassword=/dev/fd/3"))
		report_add(c->r, CHECK_FAIL, "argv", "helm.sh", 0, "the bootstrap password is not passed through a file descriptor");
	if (val_path_bool(c->view, "certManager.needed")) {
		const char *cm_chart = chart_arg(c, "certManager");
		const struct call *cm = find_call(calls, "helm.sh", "helm", "upgrade", cm_chart);
		const char *version = val_path_str(c->spec, "certManager.version");
		if (!cm || (!dir && !argv_has_pair(cm, "--version", version)) || !argv_has(cm, "--install") ||
		    !argv_has_file(cm, "-f", "values/cert-manager.yaml"))
			report_add(c->r, CHECK_FAIL, "argv", "helm.sh", 0,
				   "no helm upgrade --install of %s --version %s -f values/cert-manager.yaml", cm_chart, version);
		const char *url = val_path_str(c->view, "certManager.crds_url");
		if (*url && !find_call(calls, "helm.sh", "kubectl", "apply", url))
			report_add(c->r, CHECK_FAIL, "argv", "helm.sh", 0, "no kubectl apply of %s", url);
	}
	if (val_path_bool(c->view, "helm.tiller")) {
		const struct call *init = find_call(calls, "helm.sh", "helm", "init", NULL);
		const char *image = val_path_str(c->view, "helm.tiller_image");
		if (!init || !argv_has_pair(init, "--tiller-image", image))
			report_add(c->r, CHECK_FAIL, "argv", "helm.sh", 0, "helm init without --tiller-image %s", image);
	}
	for (size_t i = 0; i < calls->n; i++)
		for (size_t k = 0; k < calls->v[i].argc; k++)
			if (strstr(calls->v[i].argv[k], CANARY))
				report_add(c->r, CHECK_FAIL, "argv", calls->v[i].script, 0,
					   "the bootstrap password appears in the arguments of %s", calls->v[i].argv[0]);
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "argv", "helm.sh", 0, "helm upgrade --install rancher: %s", join(c, r));
}

/* patch.sh: one kubectl patch per workload, of the right kind, whose patch
 * argument is the hostAliases the spec implies. */
static void expect_patches(struct verify_ctx *c, const struct calls *calls)
{
	size_t failed = c->r->failed, got = 0;
	const struct val *patches = val_path(c->view, "hostAliases.local");
	const char *host = val_path_str(c->spec, "rancher.hostname");
	const char *ip = val_path_str(c->view, "hostAliases.ip");
	for (size_t i = 0; i < calls->n; i++) {
		const struct call *k = &calls->v[i];
		if (strcmp(k->script, "patch.sh") || strcmp(k->argv[0], "kubectl") || !argv_has(k, "patch"))
			continue;
		got++;
		const char *kind = k->argc > 4 ? k->argv[4] : "", *name = k->argc > 5 ? k->argv[5] : "";
		bool known = false;
		for (const struct val *p = patches ? patches->first : NULL; p; p = p->next)
			known |= !strcmp(val_path_str(p, "workload"), name) && !strcmp(val_path_str(p, "kind"), kind);
		if (!known || !argv_has_pair(k, "-n", "cattle-system"))
			report_add(c->r, CHECK_FAIL, "argv", "patch.sh", 0, "unexpected patch call %s", join(c, k));
		const char *patch = k->argc > 9 && !strcmp(k->argv[8], "--patch") ? k->argv[9] : "";
		struct diags d = {0};
		struct arena a = {0};
		const struct node *root = json_parse(&a, "patch argument", patch, strlen(patch), &d);
		const struct node *al = node_path(root, "spec.template.spec.hostAliases");
		const struct node *e = al && al->kind == NODE_SEQ && al->count == 1 ? al->first : NULL;
		const struct node *eip = node_member(e, "ip"), *names = node_member(e, "hostnames");
		if (!eip || strcmp(eip->text, ip) || !names || names->count != 1 || strcmp(names->first->text, host))
			report_add(c->r, CHECK_FAIL, "argv", "patch.sh", 0, "%s %s is patched with something other than %s -> %s",
				   kind, name, host, ip);
		diags_free(&d);
		arena_free(&a);
	}
	if (patches && got != patches->count)
		report_add(c->r, CHECK_FAIL, "argv", "patch.sh", 0, "%zu kubectl patch calls for %zu workloads", got, (size_t)patches->count);
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "argv", "patch.sh", 0, "%zu workloads patched with %s -> %s", got, host, ip);
}

/* tools.sh: fetches exactly the spec's URLs, links the three tools. */
static void expect_tools(struct verify_ctx *c, const struct calls *calls)
{
	size_t failed = c->r->failed;
	const char *want[8];
	size_t n = 0;
	const char *k = val_path_str(c->view, "tools.kubectl_url"), *h = val_path_str(c->view, "tools.helm_url");
	want[n++] = k, want[n++] = arena_printf(&c->a, "%s.sha256", k);
	if (val_path_bool(c->view, "tools.rke"))
		want[n++] = val_path_str(c->view, "tools.rke_url"), want[n++] = val_path_str(c->view, "tools.rke_sums");
	want[n++] = h, want[n++] = arena_printf(&c->a, "%s.sha256", h);
	size_t fetched = 0;
	for (size_t i = 0; i < calls->n; i++) {
		const struct call *call = &calls->v[i];
		if (strcmp(call->script, "tools.sh") || strcmp(call->argv[0], "curl"))
			continue;
		fetched++;
		const char *url = call->argv[call->argc - 1];
		bool expected = false;
		for (size_t w = 0; w < n; w++)
			expected |= !strcmp(url, want[w]);
		if (!expected)
			report_add(c->r, CHECK_FAIL, "argv", "tools.sh", 0, "fetches %s, which the spec does not imply", url);
	}
	if (fetched != n)
		report_add(c->r, CHECK_FAIL, "argv", "tools.sh", 0, "%zu downloads; the spec implies %zu", fetched, n);
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "argv", "tools.sh", 0, "%zu downloads, each the spec's URL", fetched);
}

/* WS/bin: the recorders, and empty files the allowed programs are bound onto
 * inside the sandbox; the rest of the workspace the scripts may write. */
static bool make_bin(struct verify_ctx *c)
{
	static const char *const dirs[] = {"bin", "work", "links", "tools", "home", "tmp", "log", "charts"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		const char *d = arena_printf(&c->a, "%s/%s", c->ws, dirs[i]);
		if (mkdir(d, 0755) || chmod(d, 0755))
			return false;
	}
	const char *head = "#!" SANDBOX_DIR "/bin/sh\n";
	for (size_t i = 0; i < sizeof(recorded) / sizeof(recorded[0]); i++)
		if (!write_text(arena_printf(&c->a, "%s/bin/%s", c->ws, recorded[i]), head, recorder, 0755))
			return false;
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (!write_text(arena_printf(&c->a, "%s/bin/%s", c->ws, allowed[i]), "", "", 0755))
			return false;
	/* charts.source dir: helm.sh checks its chart files exist; the
	 * recorder never reads them. Names from the view, which spec.json's
	 * patterns bound to letters, digits, '.', '-'. */
	static const char *const charts[] = {"rancher.chart_file", "certManager.chart_file"};
	for (size_t i = 0; val_path_bool(c->view, "charts.from_dir") && i < 2; i++) {
		const char *name = val_path_str(c->view, charts[i]);
		if (*name && !strchr(name, '/') &&
		    !write_text(arena_printf(&c->a, "%s/charts/%s", c->ws, name), "", "stand-in\n", 0644))
			return false;
	}
	return sandbox_prepare(c->ws) == 0;
}

void check_argv(struct verify_ctx *c)
{
	if (!c->spec || !c->nscripts) {
		report_add(c->r, CHECK_SKIP, "argv", NULL, 0, "needs spec.json and the scripts");
		return;
	}
	if (!make_bin(c)) {
		report_add(c->r, CHECK_FAIL, "argv", NULL, 0, "cannot prepare the recorders in %s: %s", c->ws,
			   strerror(errno));
		return;
	}
	struct calls calls = {0};
	/* rehearsal/run.sh drives kind and rhc itself, cluster.sh ssh and the
	 * nodes' install.sh systemd on the machine it runs on: not replayed here */
	for (size_t i = 0; i < c->nscripts; i++) {
		const char *script = c->scripts[i].file->path;
		if (strcmp(script, "rehearsal/run.sh") && strcmp(script, "cluster.sh") && strncmp(script, "nodes/", 6))
			run_recorded(c, &c->scripts[i], &calls);
	}
	expect_no_forbidden(c, &calls);
	if (verify_script(c, "lb-nginx.sh"))
		expect_lb(c, &calls);
	if (verify_script(c, "helm.sh"))
		expect_helm(c, &calls);
	if (verify_script(c, "patch.sh"))
		expect_patches(c, &calls);
	if (verify_script(c, "tools.sh"))
		expect_tools(c, &calls);
	free(calls.v);
}

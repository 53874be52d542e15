#include "verify.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compile.h"
#include "json.h"
#include "load.h"
#include "lower.h"
#include "manifest.h"
#include "run.h"
#include "sha256.h"
#include "verify_ctx.h"

#define VERIFY_MAX_FILES 1000

/* rehearsal/run.sh, cluster.sh and each nodes/NODE/install.sh are parsed,
 * shellchecked and quote-checked like the rest; the argv check runs only the
 * four install scripts of the admin and LB hosts (argv.c). */
static bool is_script(const char *path)
{
	static const char *const names[] = {"tools.sh", "lb-nginx.sh", "helm.sh", "patch.sh",
					    "rehearsal/run.sh", "cluster.sh"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(path, names[i]))
			return true;
	size_t n = strlen(path);
	return !strncmp(path, "nodes/", 6) && n > 11 && !strcmp(path + n - 11, "/install.sh");
}

/* A file under nodes/ named NAME: its NODE, or NULL. */
static const char *node_file(struct arena *a, const char *path, const char *name)
{
	size_t n = strlen(path), k = strlen(name);
	if (strncmp(path, "nodes/", 6) || n <= 7 + k || strcmp(path + n - k, name) || path[n - k - 1] != '/')
		return NULL;
	const char *node = path + 6;
	size_t len = (size_t)(path + n - k - 1 - node);
	return memchr(node, '/', len) ? NULL : arena_strndup(a, node, len);
}

const struct outfile *verify_file(const struct verify_ctx *c, const char *path)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (!strcmp(c->files[i].path, path))
			return &c->files[i];
	return NULL;
}

const struct script *verify_script(const struct verify_ctx *c, const char *path)
{
	for (size_t i = 0; i < c->nscripts; i++)
		if (!strcmp(c->scripts[i].file->path, path))
			return &c->scripts[i];
	return NULL;
}

const struct shell_line *script_find(const struct script *s, const char *const *prefix, size_t from,
				     size_t *index)
{
	for (size_t i = from; s && i < s->nlines; i++) {
		const struct shell_line *l = &s->lines[i];
		size_t k = 0;
		while (prefix[k] && k < l->nwords && !strcmp(l->words[k].text, prefix[k]))
			k++;
		if (!prefix[k]) {
			if (index)
				*index = i;
			return l;
		}
	}
	return NULL;
}

static int read_file(const char *path, struct outfile *f)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return -1;
	struct buf b = {.limit = VERIFY_MAX_FILE};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_put(&b, chunk, n);
	int err = ferror(fp);
	fclose(fp);
	if (err || buf_failed(&b)) {
		buf_free(&b);
		errno = err ? EIO : EFBIG;
		return -1;
	}
	f->data = buf_take(&b, &f->len);
	return 0;
}

static int load_dir(struct verify_ctx *c, const char *rel)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s%s%s", c->dir, *rel ? "/" : "", rel);
	DIR *dp = opendir(path);
	if (!dp)
		return -1;
	struct dirent *e;
	int rc = 0;
	while (!rc && (e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char sub[2048], full[8192];
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		snprintf(full, sizeof(full), "%s/%s", c->dir, sub);
		struct stat st;
		if (lstat(full, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			rc = load_dir(c, sub);
			continue;
		}
		if (c->nfiles == VERIFY_MAX_FILES) {
			errno = EFBIG;
			rc = -1;
			break;
		}
		struct outfile *f = &c->files[c->nfiles];
		*f = (struct outfile){.path = arena_strdup(&c->a, sub), .mode = st.st_mode & 07777};
		if (!S_ISREG(st.st_mode)) {
			f->data = calloc(1, 1);
		} else if (read_file(full, f)) {
			rc = -1;
			break;
		}
		c->nfiles++;
	}
	closedir(dp);
	return rc;
}

static int by_path(const void *x, const void *y)
{
	return strcmp(((const struct outfile *)x)->path, ((const struct outfile *)y)->path);
}

/* MANIFEST: every listed file present with its sha256, nothing unlisted. */
static void check_integrity(struct verify_ctx *c)
{
	const struct outfile *m = verify_file(c, "MANIFEST");
	if (!m) {
		report_add(c->r, CHECK_FAIL, "integrity", "MANIFEST", 0, "missing: this is not an rhc output directory, or MANIFEST was deleted");
		return;
	}
	size_t failed = c->r->failed;
	struct manifest man;
	struct diags d = {0};
	manifest_parse(&c->a, "MANIFEST", m->data, m->len, &man, &d);
	for (size_t i = 0; i < d.count; i++)
		report_add(c->r, CHECK_FAIL, "integrity", "MANIFEST", d.items[i].line, "%s", d.items[i].message);
	diags_free(&d);
	bool *seen = calloc(c->nfiles + 1, sizeof(*seen));
	if (!seen)
		abort();
	for (size_t i = 0; i < man.count; i++) {
		const char *path = man.entries[i].path;
		const struct outfile *f = verify_file(c, path);
		if (!f) {
			report_add(c->r, CHECK_FAIL, "integrity", path, 0, "listed in MANIFEST but missing");
			continue;
		}
		seen[f - c->files] = true;
		char hex[65];
		sha256_hex(f->data, f->len, hex);
		if (strcmp(hex, man.entries[i].sha256)) {
			((struct outfile *)f)->changed = true;
			report_add(c->r, CHECK_FAIL, "integrity", path, 0,
				   "changed since rhc wrote it (sha256 differs from MANIFEST); checked below as it is");
		}
	}
	for (size_t i = 0; i < c->nfiles; i++)
		if (!seen[i] && strcmp(c->files[i].path, "MANIFEST"))
			report_add(c->r, CHECK_FAIL, "integrity", c->files[i].path, 0, "not listed in MANIFEST");
	free(seen);
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "integrity", "MANIFEST", 0, "%zu files match their sha256", man.count);
}

/* Each parse diagnostic becomes one FAIL naming its file and line. */
static bool report_diags(struct verify_ctx *c, const char *check, struct diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		report_add(c->r, d->items[i].severity == DIAG_ERROR ? CHECK_FAIL : CHECK_PASS, check,
			   d->items[i].file, d->items[i].line, "%s%s%s", d->items[i].path ? d->items[i].path : "",
			   d->items[i].path ? ": " : "", d->items[i].message);
	bool ok = d->errors == 0;
	diags_free(d);
	return ok;
}

static void parse_spec(struct verify_ctx *c)
{
	const struct outfile *f = verify_file(c, "spec.json");
	if (!f) {
		report_add(c->r, CHECK_FAIL, "parse", "spec.json", 0, "missing: the checks against the spec are skipped");
		return;
	}
	struct diags d = {0};
	struct node *root = json_parse(&c->a, f->path, f->data, f->len, &d);
	struct val *spec = root ? compile_check_tree(&c->a, f->path, root, &d) : NULL;
	if (report_diags(c, "parse", &d) && spec) {
		c->spec = spec;
		c->view = lower_spec(&c->a, spec);
		report_add(c->r, CHECK_PASS, "parse", "spec.json", 0, "a valid resolved spec");
	}
}

static void parse_artefacts(struct verify_ctx *c)
{
	struct diags d = {0};
	const struct outfile *f = verify_file(c, "nginx.conf");
	if (f) {
		c->nginx = nginx_conf_parse(&c->a, f->path, f->data, f->len, &d);
		if (report_diags(c, "parse", &d))
			report_add(c->r, CHECK_PASS, "parse", f->path, 0, "nginx configuration grammar");
		else
			c->nginx = NULL;
	}
	f = verify_file(c, "rancher-cluster.yml");
	if (f) {
		c->rke = load_yaml(&c->a, f->path, f->data, f->len, &d);
		if (report_diags(c, "parse", &d))
			report_add(c->r, CHECK_PASS, "parse", f->path, 0, "YAML, one mapping");
	}
	for (size_t i = 0; i < c->nfiles; i++) {
		f = &c->files[i];
		if (strncmp(f->path, "patches/", 8))
			continue;
		struct node *patch = json_parse(&c->a, f->path, f->data, f->len, &d);
		if (report_diags(c, "parse", &d) && patch)
			report_add(c->r, CHECK_PASS, "parse", f->path, 0, "strict JSON, no duplicate keys");
	}
	c->configs = arena_alloc(&c->a, (c->nfiles + 1) * sizeof(*c->configs));
	for (size_t i = 0; i < c->nfiles; i++) {
		f = &c->files[i];
		const char *node = node_file(&c->a, f->path, "config.yaml");
		bool manifest = !strncmp(f->path, "manifests/", 10);
		if (!node && !manifest)
			continue;
		const struct node *yaml = load_yaml(&c->a, f->path, f->data, f->len, &d);
		if (!report_diags(c, "parse", &d) || !yaml)
			continue;
		report_add(c->r, CHECK_PASS, "parse", f->path, 0, "YAML, one mapping");
		if (node)
			c->configs[c->nconfigs++] = (struct node_config){f, node, yaml};
	}
	c->scripts = arena_alloc(&c->a, (c->nfiles + 1) * sizeof(*c->scripts));
	for (size_t i = 0; i < c->nfiles; i++) {
		f = &c->files[i];
		if (!is_script(f->path))
			continue;
		struct script *s = &c->scripts[c->nscripts++];
		s->file = f;
		s->nlines = shell_split(&c->a, f->data, f->len, &s->lines);
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", c->dir, f->path);
		const char *argv[] = {"bash", "-n", path, NULL};
		struct buf err = {0};
		int rc = run_capture(argv, NULL, NULL, &err);
		if (rc == 0)
			report_add(c->r, CHECK_PASS, "parse", f->path, 0, "bash -n");
		else
			report_add(c->r, CHECK_FAIL, "parse", f->path, 0, "bash -n: %s",
				   err.len ? err.data : "failed");
		buf_free(&err);
	}
}

int verify_dir(const char *dir, const struct verify_options *opt, struct report *r)
{
	static const struct verify_options defaults = {0};
	struct verify_ctx c = {.dir = dir, .opt = opt ? opt : &defaults, .r = r};
	struct stat st;
	if (stat(dir, &st))
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	c.files = calloc(VERIFY_MAX_FILES, sizeof(*c.files));
	if (!c.files)
		abort();
	int rc = load_dir(&c, "");
	if (!rc) {
		qsort(c.files, c.nfiles, sizeof(*c.files), by_path);
		check_integrity(&c);
		parse_spec(&c);
		parse_artefacts(&c);
		check_consistency(&c);
		check_distro_artefacts(&c);
		check_real_tools(&c);
		check_argv(&c);
	}
	for (size_t i = 0; i < c.nfiles; i++)
		free(c.files[i].data);
	free(c.files);
	arena_free(&c.a);
	return rc;
}

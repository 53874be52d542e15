#include "verify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compile.h"
#include "emit.h"
#include "json.h"
#include "load.h"
#include "lower.h"
#include "manifest.h"
#include "readfile.h"
#include "run.h"
#include "sha256.h"
#include "verify_ctx.h"

/* Entries of a built directory: an rke2/k3s build has a directory and up to
 * three files per node (config.yaml, install.sh, registries.yaml), and the
 * loader admits LOAD_MAX_STREAMED_ITEMS nodes; the rest is a few dozen. */
#define VERIFY_MAX_FILES (4 * (size_t)LOAD_MAX_STREAMED_ITEMS + 1000)

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

static const struct outfile *find_entry(const struct verify_ctx *c, const char *path)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (!strcmp(c->files[i].path, path))
			return &c->files[i];
	return NULL;
}

const struct outfile *verify_file(const struct verify_ctx *c, const char *path)
{
	const struct outfile *f = find_entry(c, path);
	return f && !f->problem ? f : NULL;
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

/* Reads the regular file NAME of directory DFD into F (readfile.h); anything
 * else is noted in F->problem and reported by the integrity check. */
static void read_entry(struct verify_ctx *c, int dfd, const char *name, struct outfile *f, mode_t mode)
{
	f->mode = mode & 07777;
	size_t left = VERIFY_MAX_TOTAL - c->total;
	char why[READ_WHY];
	f->data = read_regular(dfd, name, O_NOFOLLOW, left < VERIFY_MAX_FILE ? left : VERIFY_MAX_FILE, &f->len, why);
	if (f->data) {
		c->total += f->len;
		return;
	}
	f->problem = arena_printf(&c->a, "%s; not read%s", why,
				  errno == EFBIG && left < VERIFY_MAX_FILE ? " (the directory's files are limited in total)" : "");
	f->data = calloc(1, 1);
	if (!f->data)
		abort();
}

static struct outfile *add_entry(struct verify_ctx *c, bool dir)
{
	struct outfile **v = dir ? &c->dirs : &c->files;
	size_t *n = dir ? &c->ndirs : &c->nfiles;
	struct outfile *nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		abort();
	*v = nv;
	nv[*n] = (struct outfile){0};
	return &nv[(*n)++];
}

/* Every entry under DFD, by file descriptor (no path buffer, so no length
 * limit but the file system's); REL names DFD relative to the top. */
static int load_dir(struct verify_ctx *c, int dfd, const char *rel, int depth)
{
	DIR *dp = fdopendir(dfd);
	if (!dp) {
		close(dfd);
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while (!rc && (e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (c->nfiles + c->ndirs >= VERIFY_MAX_FILES) {
			errno = EFBIG;
			rc = -1;
			break;
		}
		const char *sub = *rel ? arena_printf(&c->a, "%s/%s", rel, e->d_name) : arena_strdup(&c->a, e->d_name);
		struct stat st;
		if (fstatat(dirfd(dp), e->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			struct outfile *f = add_entry(c, false);
			*f = (struct outfile){.path = (char *)sub, .data = calloc(1, 1),
					      .problem = arena_printf(&c->a, "cannot be read: %s", strerror(errno))};
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			struct outfile *d = add_entry(c, true);
			*d = (struct outfile){.path = (char *)sub, .mode = st.st_mode & 07777};
			int sfd = depth < VERIFY_MAX_DEPTH
					  ? openat(dirfd(dp), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
					  : -1;
			if (sfd < 0)
				d->problem = depth < VERIFY_MAX_DEPTH ? "cannot be opened"
								      : "is nested too deep; not read";
			else
				rc = load_dir(c, sfd, sub, depth + 1);
			continue;
		}
		struct outfile *f = add_entry(c, false);
		f->path = (char *)sub;
		read_entry(c, dirfd(dp), e->d_name, f, st.st_mode);
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
	const struct outfile *m = find_entry(c, "MANIFEST");
	if (!m) {
		report_add(c->r, CHECK_FAIL, "integrity", "MANIFEST", 0, "missing: this is not an rhc output directory, or MANIFEST was deleted");
		return;
	}
	size_t failed = c->r->failed;
	for (size_t i = 0; i < c->nfiles; i++)
		if (c->files[i].problem)
			report_add(c->r, CHECK_FAIL, "integrity", c->files[i].path, 0, "%s", c->files[i].problem);
	for (size_t i = 0; i < c->ndirs; i++)
		if (c->dirs[i].problem)
			report_add(c->r, CHECK_FAIL, "integrity", c->dirs[i].path, 0, "%s", c->dirs[i].problem);
	if (m->problem) /* named above: MANIFEST itself could not be read */
		return;
	struct manifest man;
	struct diags d = {0};
	manifest_parse(&c->a, "MANIFEST", m->data, m->len, &man, &d);
	c->manifest_version = man.version;
	c->manifest_spec = man.spec_sha256;
	for (size_t i = 0; i < d.count; i++)
		report_add(c->r, CHECK_FAIL, "integrity", "MANIFEST", d.items[i].line, "%s", d.items[i].message);
	diags_free(&d);
	bool *seen = calloc(c->nfiles + 1, sizeof(*seen));
	if (!seen)
		abort();
	for (size_t i = 0; i < man.count; i++) {
		const char *path = man.entries[i].path;
		const struct outfile *f = find_entry(c, path);
		if (!f) {
			report_add(c->r, CHECK_FAIL, "integrity", path, 0, "listed in MANIFEST but missing");
			continue;
		}
		seen[f - c->files] = true;
		if (f->problem)
			continue; /* named above */
		char hex[65];
		sha256_hex(f->data, f->len, hex);
		if (strcmp(hex, man.entries[i].sha256)) {
			((struct outfile *)f)->changed = true;
			report_add(c->r, CHECK_FAIL, "integrity", path, 0,
				   "changed since rhc wrote it (sha256 differs from MANIFEST); checked below as it is");
		}
	}
	for (size_t i = 0; i < c->nfiles; i++)
		if (!seen[i] && strcmp(c->files[i].path, "MANIFEST") && !c->files[i].problem)
			report_add(c->r, CHECK_FAIL, "integrity", c->files[i].path, 0, "not listed in MANIFEST");
	free(seen);
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "integrity", "MANIFEST", 0, "%zu files match their sha256", man.count);
}

/* Each parse diagnostic becomes one FAIL naming its file and line, with
 * the line of F it points at and a caret under the column. */
static bool report_diags(struct verify_ctx *c, const char *check, struct diags *d,
			 const struct outfile *f)
{
	if (f)
		diags_quote(d, f->path, f->data, f->len);
	struct buf quote = {0};
	for (size_t i = 0; i < d->count; i++) {
		report_add(c->r, d->items[i].severity == DIAG_ERROR ? CHECK_FAIL : CHECK_PASS, check,
			   d->items[i].file, d->items[i].line, "%s%s%s", d->items[i].path ? d->items[i].path : "",
			   d->items[i].path ? ": " : "", d->items[i].message);
		quote.len = 0;
		diag_format_quote(&d->items[i], &quote);
		if (quote.len)
			report_detail(c->r, quote.data);
	}
	buf_free(&quote);
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
	if (report_diags(c, "parse", &d, f) && spec) {
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
		if (report_diags(c, "parse", &d, f))
			report_add(c->r, CHECK_PASS, "parse", f->path, 0, "nginx configuration grammar");
		else
			c->nginx = NULL;
	}
	f = verify_file(c, "rancher-cluster.yml");
	if (f) {
		c->rke = load_yaml(&c->a, f->path, f->data, f->len, &d);
		if (report_diags(c, "parse", &d, f))
			report_add(c->r, CHECK_PASS, "parse", f->path, 0, "YAML, one mapping");
	}
	for (size_t i = 0; i < c->nfiles; i++) {
		f = &c->files[i];
		if (strncmp(f->path, "patches/", 8) || f->problem)
			continue;
		struct node *patch = json_parse(&c->a, f->path, f->data, f->len, &d);
		if (report_diags(c, "parse", &d, f) && patch)
			report_add(c->r, CHECK_PASS, "parse", f->path, 0, "strict JSON, no duplicate keys");
	}
	c->configs = arena_alloc(&c->a, (c->nfiles + 1) * sizeof(*c->configs));
	for (size_t i = 0; i < c->nfiles; i++) {
		f = &c->files[i];
		const char *node = node_file(&c->a, f->path, "config.yaml");
		bool manifest = !strncmp(f->path, "manifests/", 10);
		if ((!node && !manifest) || f->problem)
			continue;
		const struct node *yaml = load_yaml(&c->a, f->path, f->data, f->len, &d);
		if (!report_diags(c, "parse", &d, f) || !yaml)
			continue;
		report_add(c->r, CHECK_PASS, "parse", f->path, 0, "YAML, one mapping");
		if (node)
			c->configs[c->nconfigs++] = (struct node_config){f, node, yaml};
	}
	c->scripts = arena_alloc(&c->a, (c->nfiles + 1) * sizeof(*c->scripts));
	for (size_t i = 0; i < c->nfiles; i++) {
		f = &c->files[i];
		if (!is_script(f->path) || f->problem)
			continue;
		struct script *s = &c->scripts[c->nscripts++];
		s->file = f;
		s->nlines = shell_split(&c->a, f->data, f->len, &s->lines);
		const char *path = arena_printf(&c->a, "%s/out/%s", c->ws, f->path);
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

/* In $TMPDIR when set, else /tmp: a new private directory NAME-XXXXXX. */
char *verify_mkdtemp(struct arena *a, const char *name)
{
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	char *path = arena_printf(a, "%s/%s-XXXXXX", base, name);
	return mkdtemp(path);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

void verify_rmtree(const char *dir)
{
	if (dir)
		nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static bool write_copy(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return false;
	if (fchmod(fd, 0644)) { /* whatever the umask: the sandbox's user reads it */
		close(fd);
		return false;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return !close(fd) && done == len;
}

/* WS/out: the regular files read from DIR, as read. */
static bool make_workspace(struct verify_ctx *c)
{
	char *ws = verify_mkdtemp(&c->a, "rhc-verify");
	if (!ws)
		return false;
	c->ws = ws;
	emit_remove_on_interrupt(ws);
	if (chmod(ws, 0755) || mkdir(arena_printf(&c->a, "%s/out", ws), 0755))
		return false;
	if (chmod(arena_printf(&c->a, "%s/out", ws), 0755))
		return false;
	for (size_t i = 0; i < c->ndirs; i++) {
		const char *d = arena_printf(&c->a, "%s/out/%s", ws, c->dirs[i].path);
		if ((mkdir(d, 0755) && errno != EEXIST) || chmod(d, 0755))
			return false;
	}
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct outfile *f = &c->files[i];
		if (!f->problem && !write_copy(arena_printf(&c->a, "%s/out/%s", ws, f->path), f->data, f->len))
			return false;
	}
	return true;
}

static int by_path_dirs(const void *x, const void *y)
{
	return by_path(x, y);
}

/* Directories get 0755 whatever the umask (emit.c). */
static void check_dir_modes(struct verify_ctx *c)
{
	for (size_t i = 0; i < c->ndirs; i++)
		if (!c->dirs[i].problem && c->dirs[i].mode != 0755)
			report_add(c->r, CHECK_FAIL, "render", c->dirs[i].path, 0, "directory mode %04o, expected 0755",
				   (unsigned)c->dirs[i].mode);
}

int verify_dir(const char *dir, const struct verify_options *opt, struct report *r)
{
	static const struct verify_options defaults = {0};
	struct verify_ctx c = {.dir = dir, .opt = opt ? opt : &defaults, .r = r};
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	int rc = load_dir(&c, dfd, "", 0);
	if (!rc) {
		qsort(c.files, c.nfiles, sizeof(*c.files), by_path);
		qsort(c.dirs, c.ndirs, sizeof(*c.dirs), by_path_dirs);
		check_integrity(&c);
		parse_spec(&c);
		check_rendering(&c);
		check_dir_modes(&c);
		if (!make_workspace(&c)) {
			report_add(r, CHECK_FAIL, "verify", NULL, 0, "cannot make a private copy of %s in %s: %s", dir,
				   c.ws ? c.ws : "$TMPDIR", strerror(errno));
		} else {
			parse_artefacts(&c);
			check_consistency(&c);
			check_distro_artefacts(&c);
			check_airgap(&c);
			check_real_tools(&c);
			check_argv(&c);
		}
	}
	verify_rmtree(c.ws);
	if (c.ws)
		emit_interrupts_release();
	for (size_t i = 0; i < c.nfiles; i++)
		free(c.files[i].data);
	free(c.files);
	free(c.dirs);
	arena_free(&c.a);
	return rc;
}

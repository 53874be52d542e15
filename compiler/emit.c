#include "emit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WRITEBACK_CHUNK ((off_t)4 << 20)

/* snprintf into a path buffer; false when it does not fit. */
static bool path_printf(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool path_printf(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < len;
}

static struct loc file_loc(const char *path)
{
	return (struct loc){path, 0, 0, 0};
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = fsync(fd) == 0;
	close(fd);
	return ok;
}

/* Reads up to N bytes, fewer only at the end of the file; -1 on error. */
static ssize_t read_full(int fd, char *p, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* DIR holds a MANIFEST that starts "rhc " (read no further: it may be big). */
static bool made_by_rhc(const char *dir)
{
	char path[4096], head[4];
	if (!path_printf(path, sizeof(path), "%s/MANIFEST", dir))
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read_full(fd, head, sizeof(head));
	close(fd);
	return n == 4 && !memcmp(head, "rhc ", 4);
}

static bool dir_is_empty(const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return false;
	struct dirent *e;
	bool empty = true;
	while (empty && (e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(dp);
	return empty;
}

/* The parent directory of DIR, for fsync after the rename. */
static void parent_of(const char *dir, char *out, size_t len)
{
	snprintf(out, len, "%s", dir);
	char *slash = strrchr(out, '/');
	while (slash && slash[1] == '\0' && slash > out) {
		*slash = '\0';
		slash = strrchr(out, '/');
	}
	if (!slash)
		snprintf(out, len, ".");
	else if (slash == out)
		out[1] = '\0';
	else
		*slash = '\0';
}

/* The temp directory being filled, and the file open in it. */
struct emit_writer {
	struct sink sink;
	struct diags *d;
	const char *dir;
	size_t dlen; /* DIR without trailing slashes */
	bool exists; /* DIR is there, to be exchanged */
	char tmp[4096];
	char path[4096]; /* the open file */
	int fd; /* -1: none open */
	int mode;
	off_t written; /* bytes in the open file */
	off_t queued;  /* of which handed to writeback */
	bool failed;
	size_t nfiles;
	char **subdirs; /* made under tmp, to fsync before the swap */
	size_t nsubdirs;
};

static struct emit_writer *writer_of(struct sink *s)
{
	return (struct emit_writer *)s; /* struct sink is the first member */
}

/* Makes the parent directories of REL inside the temp directory, each
 * remembered so it is synced before the swap. */
static bool make_parents(struct emit_writer *w, const char *rel)
{
	char path[4096];
	for (const char *slash = strchr(rel, '/'); slash; slash = strchr(slash + 1, '/')) {
		if (!path_printf(path, sizeof(path), "%s/%.*s", w->tmp, (int)(slash - rel), rel)) {
			errno = ENAMETOOLONG;
			return false;
		}
		if (mkdir(path, 0755)) {
			if (errno != EEXIST)
				return false;
			continue;
		}
		char **v = realloc(w->subdirs, (w->nsubdirs + 1) * sizeof(*v));
		char *copy = strdup(path);
		if (!v || !copy)
			abort();
		w->subdirs = v;
		w->subdirs[w->nsubdirs++] = copy;
	}
	return true;
}

/* Reports WHAT went wrong with the open file; the writer stays failed. */
static bool writer_fail(struct emit_writer *w, const char *what, const char *why)
{
	diags_error(w->d, file_loc(w->path), NULL, "%s: %s", what, why);
	w->failed = true;
	return false;
}

static bool writer_begin(struct sink *s, const char *rel, int mode)
{
	struct emit_writer *w = writer_of(s);
	if (w->failed)
		return false;
	if (!path_printf(w->path, sizeof(w->path), "%s/%s", w->tmp, rel))
		return writer_fail(w, "cannot create directory", strerror(ENAMETOOLONG));
	if (!make_parents(w, rel))
		return writer_fail(w, "cannot create directory", strerror(errno));
	w->fd = open(w->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (w->fd < 0)
		return writer_fail(w, "cannot create", strerror(errno));
	w->mode = mode;
	w->written = w->queued = 0;
	return true;
}

static bool writer_write(struct sink *s, const char *data, size_t len)
{
	struct emit_writer *w = writer_of(s);
	if (w->failed || w->fd < 0)
		return false;
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(w->fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return writer_fail(w, "cannot write", n < 0 ? strerror(errno) : "short write");
		done += (size_t)n;
	}
	w->written += (off_t)len;
	/* Start writeback every few MB, so the fsync at the end of a large file
	 * waits for its tail, not for all of it, while rendering goes on.
	 * Advisory: an error here shows up at fsync. */
	if (w->written - w->queued >= WRITEBACK_CHUNK) {
		sync_file_range(w->fd, w->queued, w->written - w->queued, SYNC_FILE_RANGE_WRITE);
		w->queued = w->written;
	}
	return true;
}

/* Closes the open file; OK: after setting its mode and syncing it. */
static bool writer_end(struct sink *s, bool ok)
{
	struct emit_writer *w = writer_of(s);
	if (w->fd < 0)
		return !w->failed;
	int fd = w->fd;
	w->fd = -1;
	if (!ok || w->failed) {
		close(fd); /* abandoned: the temp directory goes as a whole */
		return !w->failed;
	}
	/* Modes do not depend on the caller's umask. */
	if (fchmod(fd, (mode_t)w->mode) || fsync(fd)) {
		int err = errno;
		close(fd);
		return writer_fail(w, "cannot finish writing", strerror(err));
	}
	if (close(fd))
		return writer_fail(w, "cannot write", strerror(errno));
	w->nfiles++;
	return true;
}

/* Why DIR may not be replaced, or NULL. */
static const char *refusal(const char *dir, bool force, bool *exists)
{
	struct stat st;
	*exists = lstat(dir, &st) == 0;
	if (*exists && S_ISLNK(st.st_mode))
		return "output path is a symbolic link; give the directory it points to";
	if (*exists && !S_ISDIR(st.st_mode))
		return "output path exists and is not a directory";
	if (*exists && !force && !made_by_rhc(dir) && !dir_is_empty(dir))
		return "refusing to replace a directory rhc did not make (no rhc MANIFEST); use --force";
	return NULL;
}

struct emit_writer *emit_open(const char *dir, bool force, struct diags *d, enum emit_status *st)
{
	bool exists;
	const char *why = refusal(dir, force, &exists);
	if (why) {
		diags_error(d, file_loc(dir), NULL, "%s", why);
		*st = EMIT_REFUSED;
		return NULL;
	}
	struct emit_writer *w = calloc(1, sizeof(*w));
	if (!w)
		abort();
	w->sink = (struct sink){writer_begin, writer_write, writer_end};
	w->d = d;
	w->dir = dir;
	w->exists = exists;
	w->fd = -1;
	w->dlen = strlen(dir);
	while (w->dlen > 1 && dir[w->dlen - 1] == '/')
		w->dlen--;
	snprintf(w->tmp, sizeof(w->tmp), "%.*s.rhc-tmp-%ld", (int)w->dlen, dir, (long)getpid());
	remove_tree(w->tmp);
	if (mkdir(w->tmp, 0755)) {
		diags_error(d, file_loc(w->tmp), NULL, "cannot create the temporary directory: %s",
			    strerror(errno));
		free(w);
		*st = EMIT_IO;
		return NULL;
	}
	chmod(w->tmp, 0755);
	*st = EMIT_OK;
	return w;
}

struct sink *emit_writer_sink(struct emit_writer *w)
{
	return &w->sink;
}

/* Syncs the temp directory's tree, then exchanges it with DIR. */
static bool swap_in(struct emit_writer *w)
{
	for (size_t i = w->nsubdirs; i-- > 0;)
		fsync_path(w->subdirs[i]); /* deepest first: made after their parents */
	fsync_path(w->tmp);
	const char *dir = w->dir;
	int rc = w->exists ? renameat2(AT_FDCWD, w->tmp, AT_FDCWD, dir, RENAME_EXCHANGE)
			   : rename(w->tmp, dir);
	if (rc && w->exists && (errno == EINVAL || errno == ENOSYS)) {
		/* No atomic exchange on this file system: move the old one aside first. */
		char old[4096];
		snprintf(old, sizeof(old), "%.*s.rhc-old-%ld", (int)w->dlen, dir, (long)getpid());
		rc = rename(dir, old);
		if (!rc && (rc = rename(w->tmp, dir)))
			rename(old, dir);
		if (!rc)
			remove_tree(old);
	} else if (!rc && w->exists) {
		remove_tree(w->tmp); /* now holds the old output */
	}
	if (rc) {
		diags_error(w->d, file_loc(dir), NULL, "cannot move the new output into place: %s",
			    strerror(errno));
		return false;
	}
	char parent[4096];
	parent_of(dir, parent, sizeof(parent));
	fsync_path(parent);
	return true;
}

enum emit_status emit_close(struct emit_writer *w, bool commit, size_t *nfiles)
{
	if (w->fd >= 0)
		writer_end(&w->sink, false);
	bool ok = commit && !w->failed && swap_in(w);
	if (!ok)
		remove_tree(w->tmp);
	enum emit_status st = w->failed || (commit && !ok) ? EMIT_IO : EMIT_OK;
	if (nfiles)
		*nfiles = w->nfiles;
	for (size_t i = 0; i < w->nsubdirs; i++)
		free(w->subdirs[i]);
	free(w->subdirs);
	free(w);
	return st;
}

struct listing {
	char **paths;
	size_t count;
};

static void list_files(const char *root, const char *rel, struct listing *l)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	DIR *dp = opendir(path);
	if (!dp)
		return;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char sub[4096], full[8192];
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		snprintf(full, sizeof(full), "%s/%s", root, sub);
		struct stat st;
		if (lstat(full, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			list_files(root, sub, l);
			continue;
		}
		char **v = realloc(l->paths, (l->count + 1) * sizeof(*v));
		if (!v)
			abort();
		l->paths = v;
		l->paths[l->count++] = strdup(sub);
	}
	closedir(dp);
}

/* A file of DIR compared with what the spec renders, as the bytes come. */
enum verdict { SAME, MISSING, DIFFERS };

struct emit_checker {
	struct sink sink;
	const char *dir;
	bool no_dir;
	char path[4096]; /* the file being compared */
	int fd;
	int mode;
	enum verdict verdict;
	char *chunk; /* SINK_CHUNK bytes read back at a time */
	struct diags found; /* reported only if the whole spec rendered */
	char **seen; /* every artefact path, to name the extra files */
	size_t nseen;
};

static struct emit_checker *checker_of(struct sink *s)
{
	return (struct emit_checker *)s; /* struct sink is the first member */
}

static bool checker_begin(struct sink *s, const char *rel, int mode)
{
	struct emit_checker *c = checker_of(s);
	char **v = realloc(c->seen, (c->nseen + 1) * sizeof(*v));
	char *copy = strdup(rel);
	if (!v || !copy)
		abort();
	c->seen = v;
	c->seen[c->nseen++] = copy;
	c->mode = mode;
	c->verdict = SAME;
	snprintf(c->path, sizeof(c->path), "%s/%s", c->dir, rel);
	c->fd = c->no_dir ? -1 : open(c->path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0)
		c->verdict = MISSING;
	return true;
}

static bool checker_write(struct sink *s, const char *data, size_t len)
{
	struct emit_checker *c = checker_of(s);
	while (c->verdict == SAME && len) {
		size_t want = len < SINK_CHUNK ? len : SINK_CHUNK;
		ssize_t n = read_full(c->fd, c->chunk, want);
		if (n < 0)
			c->verdict = MISSING; /* unreadable counts as missing, as it always has */
		else if ((size_t)n < want || memcmp(c->chunk, data, want))
			c->verdict = DIFFERS;
		data += want, len -= want;
	}
	return true;
}

/* Notes the file just compared, unless it is the same. */
static void checker_report(struct emit_checker *c)
{
	struct stat st;
	if (c->verdict == MISSING)
		diags_error(&c->found, file_loc(c->path), NULL, "missing");
	else if (c->verdict == DIFFERS)
		diags_error(&c->found, file_loc(c->path), NULL, "differs from what the spec renders");
	else if (fstat(c->fd, &st) == 0 && (int)(st.st_mode & 07777) != c->mode)
		diags_error(&c->found, file_loc(c->path), NULL, "mode %04o, expected %04o",
			    (unsigned)(st.st_mode & 07777), (unsigned)c->mode);
}

static bool checker_end(struct sink *s, bool ok)
{
	struct emit_checker *c = checker_of(s);
	if (c->verdict == SAME) {
		char extra;
		ssize_t n = read_full(c->fd, &extra, 1); /* anything past the end differs */
		c->verdict = n < 0 ? MISSING : n > 0 ? DIFFERS : SAME;
	}
	/* A file that did not render, or no DIR at all: nothing to say per file. */
	if (ok && !c->no_dir)
		checker_report(c);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	return true;
}

struct emit_checker *emit_check_open(const char *dir)
{
	struct emit_checker *c = calloc(1, sizeof(*c));
	char *chunk = malloc(SINK_CHUNK);
	if (!c || !chunk)
		abort();
	c->sink = (struct sink){checker_begin, checker_write, checker_end};
	c->dir = dir;
	c->chunk = chunk;
	c->fd = -1;
	struct stat st;
	c->no_dir = stat(dir, &st) || !S_ISDIR(st.st_mode);
	return c;
}

struct sink *emit_checker_sink(struct emit_checker *c)
{
	return &c->sink;
}

static bool seen(const struct emit_checker *c, const char *rel)
{
	for (size_t k = 0; k < c->nseen; k++)
		if (!strcmp(c->seen[k], rel))
			return true;
	return false;
}

/* Names each file of DIR that is not an artefact of this spec. */
static void report_extra(const struct emit_checker *c, struct diags *d)
{
	struct listing l = {0};
	list_files(c->dir, "", &l);
	for (size_t i = 0; i < l.count; i++) {
		if (!seen(c, l.paths[i])) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", c->dir, l.paths[i]);
			diags_error(d, file_loc(path), NULL, "not an artefact of this spec");
		}
		free(l.paths[i]);
	}
	free(l.paths);
}

enum emit_status emit_check_close(struct emit_checker *c, bool rendered, struct diags *d)
{
	if (c->fd >= 0)
		close(c->fd);
	size_t before = d->errors;
	if (rendered && c->no_dir) {
		diags_error(d, file_loc(c->dir), NULL, "no output directory to compare with");
	} else if (rendered) {
		for (size_t i = 0; i < c->found.count; i++)
			diags_error(d, file_loc(c->found.items[i].file), NULL, "%s",
				    c->found.items[i].message);
		report_extra(c, d);
	}
	enum emit_status st = d->errors == before ? EMIT_OK : EMIT_DIFFERS;
	diags_free(&c->found);
	for (size_t i = 0; i < c->nseen; i++)
		free(c->seen[i]);
	free(c->seen);
	free(c->chunk);
	free(c);
	return st;
}

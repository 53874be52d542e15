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
	return (struct loc){path, 0, 0};
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

/* Makes the parent directories of PATH (inside ROOT). */
static bool make_parents(const char *root, const char *rel)
{
	char path[4096];
	for (const char *slash = strchr(rel, '/'); slash; slash = strchr(slash + 1, '/')) {
		if (!path_printf(path, sizeof(path), "%s/%.*s", root, (int)(slash - rel), rel) ||
		    (mkdir(path, 0755) && errno != EEXIST))
			return false;
	}
	return true;
}

static bool write_file(const char *root, const struct artefact *f, struct diags *d)
{
	char path[4096];
	if (!path_printf(path, sizeof(path), "%s/%s", root, f->path) || !make_parents(root, f->path)) {
		diags_error(d, file_loc(path), NULL, "cannot create directory: %s", strerror(errno));
		return false;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		diags_error(d, file_loc(path), NULL, "cannot create: %s", strerror(errno));
		return false;
	}
	size_t done = 0;
	while (done < f->len) {
		ssize_t n = write(fd, f->data + done, f->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			diags_error(d, file_loc(path), NULL, "cannot write: %s",
				    n < 0 ? strerror(errno) : "short write");
			close(fd);
			return false;
		}
		done += (size_t)n;
	}
	/* Modes do not depend on the caller's umask. */
	if (fchmod(fd, (mode_t)f->mode) || fsync(fd)) {
		diags_error(d, file_loc(path), NULL, "cannot finish writing: %s", strerror(errno));
		close(fd);
		return false;
	}
	if (close(fd)) {
		diags_error(d, file_loc(path), NULL, "cannot write: %s", strerror(errno));
		return false;
	}
	return true;
}

static char *read_small(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	bool err = ferror(f);
	fclose(f);
	if (err || buf_failed(&b)) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b, len);
}

static bool made_by_rhc(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/MANIFEST", dir);
	size_t len = 0;
	char *m = read_small(path, &len);
	bool ok = m && len >= 4 && !memcmp(m, "rhc ", 4);
	free(m);
	return ok;
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

enum emit_status emit_write(const char *dir, const struct artefacts *files, bool force,
			    struct diags *d)
{
	struct stat st;
	bool exists = lstat(dir, &st) == 0;
	if (exists && S_ISLNK(st.st_mode)) {
		diags_error(d, file_loc(dir), NULL,
			    "output path is a symbolic link; give the directory it points to");
		return EMIT_REFUSED;
	}
	if (exists && !S_ISDIR(st.st_mode)) {
		diags_error(d, file_loc(dir), NULL, "output path exists and is not a directory");
		return EMIT_REFUSED;
	}
	if (exists && !force && !made_by_rhc(dir) && !dir_is_empty(dir)) {
		diags_error(d, file_loc(dir), NULL,
			    "refusing to replace a directory rhc did not make (no rhc MANIFEST); use --force");
		return EMIT_REFUSED;
	}
	char tmp[4096], parent[4096];
	size_t dlen = strlen(dir);
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	snprintf(tmp, sizeof(tmp), "%.*s.rhc-tmp-%ld", (int)dlen, dir, (long)getpid());
	parent_of(dir, parent, sizeof(parent));
	remove_tree(tmp);
	if (mkdir(tmp, 0755)) {
		diags_error(d, file_loc(tmp), NULL, "cannot create the temporary directory: %s",
			    strerror(errno));
		return EMIT_IO;
	}
	chmod(tmp, 0755);
	for (size_t i = 0; i < files->count; i++) {
		if (!write_file(tmp, &files->items[i], d)) {
			remove_tree(tmp);
			return EMIT_IO;
		}
	}
	for (size_t i = 0; i < files->count; i++) {
		/* fsync each subdirectory once its files are written. */
		const char *slash = strrchr(files->items[i].path, '/');
		if (slash) {
			char sub[4096];
			if (path_printf(sub, sizeof(sub), "%s/%.*s", tmp,
					(int)(slash - files->items[i].path), files->items[i].path))
				fsync_path(sub);
		}
	}
	fsync_path(tmp);
	int rc = exists ? renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE)
			: rename(tmp, dir);
	if (rc && exists && (errno == EINVAL || errno == ENOSYS)) {
		/* No atomic exchange on this file system: move the old one aside first. */
		char old[4096];
		snprintf(old, sizeof(old), "%.*s.rhc-old-%ld", (int)dlen, dir, (long)getpid());
		rc = rename(dir, old);
		if (!rc && (rc = rename(tmp, dir)))
			rename(old, dir);
		if (!rc)
			remove_tree(old);
	} else if (!rc && exists) {
		remove_tree(tmp); /* now holds the old output */
	}
	if (rc) {
		diags_error(d, file_loc(dir), NULL, "cannot move the new output into place: %s",
			    strerror(errno));
		remove_tree(tmp);
		return EMIT_IO;
	}
	fsync_path(parent);
	return EMIT_OK;
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

enum emit_status emit_check(const char *dir, const struct artefacts *files, struct diags *d)
{
	size_t before = d->errors;
	struct stat st;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		diags_error(d, file_loc(dir), NULL, "no output directory to compare with");
		return EMIT_DIFFERS;
	}
	for (size_t i = 0; i < files->count; i++) {
		const struct artefact *f = &files->items[i];
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, f->path);
		size_t len = 0;
		char *have = read_small(path, &len);
		if (!have)
			diags_error(d, file_loc(path), NULL, "missing");
		else if (len != f->len || memcmp(have, f->data, len))
			diags_error(d, file_loc(path), NULL, "differs from what the spec renders");
		else if (stat(path, &st) == 0 && (int)(st.st_mode & 07777) != f->mode)
			diags_error(d, file_loc(path), NULL, "mode %04o, expected %04o",
				    (unsigned)(st.st_mode & 07777), (unsigned)f->mode);
		free(have);
	}
	struct listing l = {0};
	list_files(dir, "", &l);
	for (size_t i = 0; i < l.count; i++) {
		bool known = false;
		for (size_t k = 0; k < files->count && !known; k++)
			known = !strcmp(files->items[k].path, l.paths[i]);
		if (!known) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", dir, l.paths[i]);
			diags_error(d, file_loc(path), NULL, "not an artefact of this spec");
		}
		free(l.paths[i]);
	}
	free(l.paths);
	return d->errors == before ? EMIT_OK : EMIT_DIFFERS;
}

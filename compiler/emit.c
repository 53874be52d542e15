#include "emit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

/* Opens NAME in directory DFD for reading only if it is a regular file:
 * without blocking or following a link, so a FIFO there cannot hang rhc.
 * -1 otherwise (errno EINVAL for another kind of file). */
static int open_regular(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) || !S_ISREG(st.st_mode))) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/* Why DIR does not look like rhc's output, or NULL when it holds a regular
 * MANIFEST that starts "rhc " (read no further: it may be big). */
static const char *not_rhc(const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return "it cannot be opened";
	int fd = open_regular(dfd, "MANIFEST");
	int err = errno;
	close(dfd);
	if (fd < 0)
		return err == EINVAL || err == ELOOP ? "MANIFEST is not a regular file" : "no rhc MANIFEST";
	char head[4];
	ssize_t n = read_full(fd, head, sizeof(head));
	close(fd);
	return n == 4 && !memcmp(head, "rhc ", 4) ? NULL : "no rhc MANIFEST";
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
	if (!path_printf(out, len, "%s", dir)) {
		path_printf(out, len, ".");
		return;
	}
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
	bool force;  /* --force: replace whatever is at DIR */
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
		if (chmod(path, 0755)) /* whatever the umask */
			return false;
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
	const char *why = *exists && !force && !dir_is_empty(dir) ? not_rhc(dir) : NULL;
	if (why) {
		static char msg[160];
		snprintf(msg, sizeof(msg), "refusing to replace a directory rhc did not make (%s); use --force", why);
		return msg;
	}
	return NULL;
}

/* The temp directory a signal must not leave behind. Async-signal-safe
 * removal: raw getdents64, unlinkat and a fixed depth (rhc's tree is
 * shallow), no allocation. */
static char signal_tmp[4096];
static const int catch_signals[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction saved_actions[3];

static void remove_at(int dfd, int depth)
{
	char buf[4096];
	for (;;) {
		long n = syscall(SYS_getdents64, dfd, buf, sizeof(buf));
		if (n <= 0)
			return;
		bool removed = false;
		for (long off = 0; off < n;) {
			struct dirent64_raw {
				unsigned long long ino;
				long long off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *e = (struct dirent64_raw *)(buf + off);
			off += e->reclen;
			if (!strcmp(e->name, ".") || !strcmp(e->name, ".."))
				continue;
			if (e->type == DT_DIR && depth < 16) {
				int sub = openat(dfd, e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (sub >= 0) {
					remove_at(sub, depth + 1);
					close(sub);
				}
				removed |= unlinkat(dfd, e->name, AT_REMOVEDIR) == 0;
			} else {
				removed |= unlinkat(dfd, e->name, 0) == 0;
			}
		}
		if (removed)
			lseek(dfd, 0, SEEK_SET); /* entries moved under us: read again */
	}
}

static void on_signal(int sig)
{
	int fd = signal_tmp[0] ? open(signal_tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (fd >= 0) {
		remove_at(fd, 0);
		close(fd);
		rmdir(signal_tmp);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void emit_remove_on_interrupt(const char *tmp)
{
	path_printf(signal_tmp, sizeof(signal_tmp), "%s", tmp);
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < 3; i++)
		sigaddset(&sa.sa_mask, catch_signals[i]);
	for (size_t i = 0; i < 3; i++)
		sigaction(catch_signals[i], &sa, &saved_actions[i]);
}

void emit_interrupts_release(void)
{
	for (size_t i = 0; i < 3; i++)
		sigaction(catch_signals[i], &saved_actions[i], NULL);
	signal_tmp[0] = '\0';
}

/* Blocks (or unblocks) the interrupts around the swap: once the trees are
 * exchanged, the temp name holds the old output, not ours to remove. */
static void hold_interrupts(bool hold)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < 3; i++)
		sigaddset(&set, catch_signals[i]);
	sigprocmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

/* NAME is "BASE.rhc-tmp-PID" or "BASE.rhc-old-PID" of a process that is gone. */
static bool stale(const char *name, const char *base, size_t blen)
{
	if (strncmp(name, base, blen) || (strncmp(name + blen, ".rhc-tmp-", 9) && strncmp(name + blen, ".rhc-old-", 9)))
		return false;
	const char *digits = name + blen + 9;
	char *end;
	long pid = strtol(digits, &end, 10);
	if (!*digits || *end || pid <= 0 || pid == (long)getpid())
		return false;
	return kill((pid_t)pid, 0) && errno == ESRCH;
}

/* A build killed with SIGKILL (or a power cut) leaves its temp directory:
 * the next build beside the same DIR removes those of dead processes. */
static void remove_stale(const char *dir, size_t dlen)
{
	char parent[4096];
	parent_of(dir, parent, sizeof(parent));
	const char *base = dir;
	for (size_t i = 0; i < dlen; i++)
		if (dir[i] == '/')
			base = dir + i + 1;
	size_t blen = (size_t)(dir + dlen - base);
	DIR *dp = opendir(parent);
	if (!dp || !blen) {
		if (dp)
			closedir(dp);
		return;
	}
	struct dirent *e;
	while ((e = readdir(dp))) {
		struct stat st;
		char path[4096];
		if (stale(e->d_name, base, blen) && path_printf(path, sizeof(path), "%s/%s", parent, e->d_name) &&
		    !lstat(path, &st) && S_ISDIR(st.st_mode))
			remove_tree(path);
	}
	closedir(dp);
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
	w->force = force;
	w->fd = -1;
	w->dlen = strlen(dir);
	while (w->dlen > 1 && dir[w->dlen - 1] == '/')
		w->dlen--;
	if (!path_printf(w->tmp, sizeof(w->tmp), "%.*s.rhc-tmp-%ld", (int)w->dlen, dir, (long)getpid())) {
		diags_error(d, file_loc(dir), NULL, "output path is too long for its temporary directory: %s",
			    strerror(ENAMETOOLONG));
		free(w);
		*st = EMIT_IO;
		return NULL;
	}
	remove_stale(dir, w->dlen);
	struct stat old;
	if (!lstat(w->tmp, &old) && S_ISDIR(old.st_mode))
		remove_tree(w->tmp); /* our PID's, from a process long gone */
	emit_remove_on_interrupt(w->tmp);
	if (mkdir(w->tmp, 0755) || chmod(w->tmp, 0755)) {
		diags_error(d, file_loc(w->tmp), NULL, "cannot create the temporary directory: %s",
			    strerror(errno));
		emit_interrupts_release();
		free(w);
		*st = EMIT_IO;
		return NULL;
	}
	*st = EMIT_OK;
	return w;
}

struct sink *emit_writer_sink(struct emit_writer *w)
{
	return &w->sink;
}

/* After the exchange, OLD holds what was at DIR: it must still be rhc's
 * output (or empty), as it was when the build began. Someone may have put
 * their own directory there meanwhile; then it goes back. */
static bool still_ours(struct emit_writer *w, const char *old)
{
	const char *why = w->force || dir_is_empty(old) ? NULL : not_rhc(old);
	if (!why)
		return true;
	diags_error(w->d, file_loc(w->dir), NULL,
		    "was replaced during the build by a directory rhc did not make (%s); it is left in place "
		    "and nothing was written (use --force to replace it)", why);
	return false;
}

/* Syncs the temp directory's tree, then exchanges it with DIR. */
static bool swap_in(struct emit_writer *w)
{
	for (size_t i = w->nsubdirs; i-- > 0;)
		fsync_path(w->subdirs[i]); /* deepest first: made after their parents */
	fsync_path(w->tmp);
	const char *dir = w->dir;
	hold_interrupts(true);
	/* DIR may have appeared or gone since emit_open: exchange when it is
	 * there, else a rename that never replaces. */
	int rc = renameat2(AT_FDCWD, w->tmp, AT_FDCWD, dir, RENAME_EXCHANGE);
	bool exchanged = rc == 0;
	if (rc && errno == ENOENT)
		rc = renameat2(AT_FDCWD, w->tmp, AT_FDCWD, dir, RENAME_NOREPLACE);
	if (rc && (errno == EINVAL || errno == ENOSYS)) {
		/* No atomic exchange on this file system: move the old one aside first. */
		char old[4096];
		rc = -1;
		errno = ENAMETOOLONG;
		if (path_printf(old, sizeof(old), "%.*s.rhc-old-%ld", (int)w->dlen, dir, (long)getpid())) {
			rc = rename(dir, old);
			if (rc && errno == ENOENT)
				rc = rename(w->tmp, dir);
			else if (!rc && !still_ours(w, old))
				rc = rename(old, dir) ? -1 : 1;
			else if (!rc && (rc = rename(w->tmp, dir)))
				rename(old, dir);
			else if (!rc)
				remove_tree(old);
		}
	} else if (exchanged && !still_ours(w, w->tmp)) {
		/* put theirs back; ours stays at the temp name and is removed */
		rc = renameat2(AT_FDCWD, w->tmp, AT_FDCWD, dir, RENAME_EXCHANGE) ? -1 : 1;
		if (rc < 0) {
			diags_error(w->d, file_loc(w->tmp), NULL, "holds that directory now: it could not be put back");
			w->tmp[0] = '\0'; /* never removed */
		}
	} else if (exchanged) {
		remove_tree(w->tmp); /* now holds the old output */
	}
	hold_interrupts(false);
	if (rc < 0)
		diags_error(w->d, file_loc(dir), NULL, "cannot move the new output into place: %s",
			    strerror(errno));
	if (rc)
		return false;
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
	emit_interrupts_release();
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

/* Every non-directory under DFD (REL names it), by file descriptor: no path
 * buffer, so no length limit. */
static void list_files(int dfd, const char *rel, struct listing *l, int depth)
{
	DIR *dp = fdopendir(dfd);
	if (!dp) {
		close(dfd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = NULL;
		if (asprintf(&sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name) < 0)
			abort();
		struct stat st;
		int sfd;
		if (!fstatat(dirfd(dp), e->d_name, &st, AT_SYMLINK_NOFOLLOW) && S_ISDIR(st.st_mode) && depth < 32 &&
		    (sfd = openat(dirfd(dp), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
			list_files(sfd, sub, l, depth + 1);
			free(sub);
			continue;
		}
		char **v = realloc(l->paths, (l->count + 1) * sizeof(*v));
		if (!v)
			abort();
		l->paths = v;
		l->paths[l->count++] = sub;
	}
	closedir(dp);
}

/* A file of DIR compared with what the spec renders, as the bytes come. */
enum verdict { SAME, MISSING, DIFFERS, NOT_REGULAR, TOO_LONG };

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
	if (!path_printf(c->path, sizeof(c->path), "%s/%s", c->dir, rel)) {
		c->fd = -1;
		c->verdict = TOO_LONG;
		return true;
	}
	/* a FIFO or device in DIR is a difference, never something to wait on */
	c->fd = c->no_dir ? -1 : open_regular(AT_FDCWD, c->path);
	if (c->fd < 0)
		c->verdict = errno == EINVAL || errno == ELOOP ? NOT_REGULAR : MISSING;
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
	else if (c->verdict == NOT_REGULAR)
		diags_error(&c->found, file_loc(c->path), NULL, "not a regular file");
	else if (c->verdict == TOO_LONG)
		diags_error(&c->found, file_loc(c->dir), NULL, "path too long: %s", strerror(ENAMETOOLONG));
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
	int dfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0)
		list_files(dfd, "", &l, 0);
	for (size_t i = 0; i < l.count; i++) {
		if (!seen(c, l.paths[i])) {
			char *path = NULL;
			if (asprintf(&path, "%s/%s", c->dir, l.paths[i]) < 0)
				abort();
			diags_error(d, file_loc(path), NULL, "not an artefact of this spec");
			free(path);
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

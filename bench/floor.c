/* The floor for `rhc build`: what writing rhc's output costs when the bytes
 * are already in memory. Reads every file of a reference rhc output
 * directory first (untimed), then, RUNS times, writes the same files the
 * same way rhc's emit.c does — DIR.floor-tmp-PID beside DIR, each file
 * created 0600 with O_EXCL, written (writeback started per full 4 MB),
 * fchmod to its mode, fsync'd and closed
 * in path order; subdirectories and the temp directory fsync'd; renamed to
 * DIR; the parent fsync'd — and prints the seconds each write took, one per
 * line. DIR is removed before each run (untimed), so every run takes the
 * rename path of a first build, as the benchmark's rhc runs do.
 *
 * Usage: floor REFDIR DIR [RUNS]        (cc -O2 -std=c11 floor.c -o floor) */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WRITEBACK_CHUNK ((size_t)4 << 20)

struct file {
	char *path; /* relative to the output directory */
	char *data;
	size_t len;
	mode_t mode;
};

static struct file *files;
static size_t nfiles;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "floor: %s %s: %s\n", what, path, strerror(errno));
	exit(3);
}

/* snprintf into a path buffer; a path that does not fit is fatal. */
static void path_printf(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void path_printf(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		fprintf(stderr, "floor: path too long: %s\n", out);
		exit(3);
	}
}

static void load(const char *root, const char *rel)
{
	char path[4096];
	path_printf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	DIR *dp = opendir(path);
	if (!dp)
		die("cannot open", path);
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char sub[4096], full[8192];
		path_printf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		path_printf(full, sizeof(full), "%s/%s", root, sub);
		struct stat st;
		if (lstat(full, &st))
			die("cannot stat", full);
		if (S_ISDIR(st.st_mode)) {
			load(root, sub);
			continue;
		}
		int fd = open(full, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die("cannot open", full);
		char *data = malloc((size_t)st.st_size + 1);
		size_t got = 0;
		while (data && got < (size_t)st.st_size) {
			ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
			if (n <= 0)
				die("cannot read", full);
			got += (size_t)n;
		}
		close(fd);
		files = realloc(files, (nfiles + 1) * sizeof(*files));
		if (!data || !files)
			die("out of memory for", full);
		files[nfiles++] = (struct file){strdup(sub), data, got, st.st_mode & 07777};
	}
	closedir(dp);
}

static int by_path(const void *x, const void *y)
{
	return strcmp(((const struct file *)x)->path, ((const struct file *)y)->path);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd))
		die("cannot fsync", path);
	close(fd);
}

static void make_parents(const char *root, const char *rel)
{
	char path[4096];
	for (const char *slash = strchr(rel, '/'); slash; slash = strchr(slash + 1, '/')) {
		path_printf(path, sizeof(path), "%s/%.*s", root, (int)(slash - rel), rel);
		if (mkdir(path, 0755) && errno != EEXIST)
			die("cannot create", path);
	}
}

static void write_all(const char *dir, const char *tmp, const char *parent)
{
	if (mkdir(tmp, 0755))
		die("cannot create", tmp);
	chmod(tmp, 0755);
	for (size_t i = 0; i < nfiles; i++) {
		char path[8192];
		path_printf(path, sizeof(path), "%s/%s", tmp, files[i].path);
		make_parents(tmp, files[i].path);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			die("cannot create", path);
		size_t done = 0, queued = 0;
		while (done < files[i].len) {
			ssize_t n = write(fd, files[i].data + done, files[i].len - done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				die("cannot write", path);
			done += (size_t)n;
		}
		/* as emit.c: writeback started for every full 4 MB before the fsync */
		for (; files[i].len - queued >= WRITEBACK_CHUNK; queued += WRITEBACK_CHUNK)
			sync_file_range(fd, (off_t)queued, WRITEBACK_CHUNK, SYNC_FILE_RANGE_WRITE);
		if (fchmod(fd, files[i].mode) || fsync(fd) || close(fd))
			die("cannot finish", path);
	}
	for (size_t i = 0; i < nfiles; i++) {
		const char *slash = strrchr(files[i].path, '/');
		if (slash) {
			char sub[8192];
			path_printf(sub, sizeof(sub), "%s/%.*s", tmp, (int)(slash - files[i].path), files[i].path);
			fsync_dir(sub);
		}
	}
	fsync_dir(tmp);
	if (rename(tmp, dir))
		die("cannot rename to", dir);
	fsync_dir(parent);
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fputs("usage: floor REFDIR DIR [RUNS]\n", stderr);
		return 2;
	}
	const char *dir = argv[2];
	int runs = argc == 4 ? atoi(argv[3]) : 1;
	load(argv[1], "");
	qsort(files, nfiles, sizeof(*files), by_path);

	char tmp[4096], parent[4096];
	path_printf(tmp, sizeof(tmp), "%s.floor-tmp-%ld", dir, (long)getpid());
	path_printf(parent, sizeof(parent), "%s", dir);
	char *slash = strrchr(parent, '/');
	if (!slash)
		path_printf(parent, sizeof(parent), ".");
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';

	for (int r = 0; r < runs; r++) {
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS); /* untimed, like the rhc runs */
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		write_all(dir, tmp, parent);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("%.9f\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	for (size_t i = 0; i < nfiles; i++)
		free(files[i].path), free(files[i].data);
	free(files);
	return 0;
}

/* The nginx child of a rehearsal: a private prefix in a temp directory
 * (config, pid file, error log), nginx in the foreground in its own process
 * group, stopped by signalling that group. Nothing here names a system
 * nginx's pid file or uses `nginx -s`, so a system nginx is never touched.
 * SIGINT, SIGTERM and SIGHUP kill the group at once and are reported by
 * lb_interrupted; the caller then unwinds and cleans up. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lb.h"
#include "run.h"

#define STREAM_MODULE "/usr/lib/nginx/modules/ngx_stream_module.so"
#define LB_START_MS 5000 /* nginx must listen within this */
#define LB_STOP_MS 3000	 /* then SIGKILL */

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t nginx_group; /* 0 when no nginx runs */
static struct sigaction saved[3];
static const int handled[3] = {SIGINT, SIGTERM, SIGHUP};

static void on_signal(int sig)
{
	got_signal = sig;
	if (nginx_group > 0)
		kill(-(pid_t)nginx_group, SIGKILL);
}

void lb_signals_install(struct lb *lb)
{
	(void)lb;
	got_signal = 0;
	nginx_group = 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: a signal cuts waits short */
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(handled[i], &sa, &saved[i]);
}

void lb_signals_restore(void)
{
	for (int i = 0; i < 3; i++)
		sigaction(handled[i], &saved[i], NULL);
}

int lb_interrupted(void)
{
	return got_signal;
}

/* PATH first; then Debian's /usr/sbin, which a normal user's PATH often lacks. */
const char *lb_nginx_find(void)
{
	static char found[4096];
	return run_find("nginx", found, sizeof(found));
}

/* In $TMPDIR when set, else /tmp. The path goes into nginx.conf unquoted:
 * a TMPDIR with other characters than these is not used. */
int lb_tmp_make(struct lb *lb)
{
	const char *base = getenv("TMPDIR");
	if (!base || *base != '/' || strlen(base) > LB_TMP_MAX - 20 ||
	    base[strspn(base, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-")])
		base = "/tmp";
	snprintf(lb->tmp, sizeof(lb->tmp), "%s/rhc-lb-XXXXXX", base);
	if (!mkdtemp(lb->tmp)) {
		lb->tmp[0] = '\0';
		return -1;
	}
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

void lb_tmp_remove(struct lb *lb)
{
	if (lb->tmp[0])
		nftw(lb->tmp, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	lb->tmp[0] = '\0';
}

static int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved_errno = errno;
			close(fd);
			errno = saved_errno;
			return -1;
		}
		data += n, len -= (size_t)n;
	}
	return close(fd);
}

/* TMP/lb.conf: the rehearsal copy. TMP/nginx.conf: a wrapper that loads the
 * stream module and keeps the pid file private, then includes the copy. */
int lb_conf_write(struct lb *lb)
{
	struct buf b = {0};
	buf_printf(&b, "# %s/nginx.conf for rhc verify --lb: only addresses and ports changed\n", lb->dir);
	lb_conf_format(lb->conf, 0, &b);
	char path[LB_PATH_MAX];
	snprintf(path, sizeof(path), "%s/lb.conf", lb->tmp);
	int rc = buf_failed(&b) ? -1 : write_file(path, b.data, b.len);
	buf_free(&b);
	if (rc)
		return -1;
	char wrapper[3 * LB_PATH_MAX];
	int n = snprintf(wrapper, sizeof(wrapper), "load_module %s;\npid %s/nginx.pid;\ninclude %s/lb.conf;\n",
			 STREAM_MODULE, lb->tmp, lb->tmp);
	snprintf(path, sizeof(path), "%s/nginx.conf", lb->tmp);
	return write_file(path, wrapper, (size_t)n);
}

/* The last "[emerg]" or "[alert]" line of FILE (else its last line), with
 * nginx's "2026/01/01 00:00:00 [emerg] 12#12: " prefix dropped. */
static void last_complaint(const char *file, char *out, size_t cap)
{
	char data[16384];
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, data, sizeof(data) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	data[n] = '\0';
	char *pick = NULL, *last = NULL;
	for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
		last = line;
		if (strstr(line, "[emerg]") || strstr(line, "[alert]"))
			pick = line;
	}
	pick = pick ? pick : last;
	if (!pick)
		return;
	char *level = strstr(pick, "] ");
	char *colon = level ? strstr(level, ": ") : NULL;
	snprintf(out, cap, "%s", colon ? colon + 2 : pick);
}

static bool pid_file_written(const struct lb *lb)
{
	char path[LB_PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/nginx.pid", lb->tmp);
	return stat(path, &st) == 0 && st.st_size > 0;
}

static pid_t spawn(struct lb *lb)
{
	char prefix[LB_PATH_MAX], conf[LB_PATH_MAX], log[LB_PATH_MAX], out[LB_PATH_MAX];
	snprintf(prefix, sizeof(prefix), "%s/", lb->tmp);
	snprintf(conf, sizeof(conf), "%s/nginx.conf", lb->tmp);
	snprintf(log, sizeof(log), "%s/error.log", lb->tmp);
	snprintf(out, sizeof(out), "%s/stderr.log", lb->tmp);
	const char *argv[] = {lb->nginx, "-p", prefix, "-c", conf, "-e", log, "-g", "daemon off;", NULL};
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int err = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (in < 0 || err < 0) {
		if (in >= 0)
			close(in);
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* rhc killed outright (SIGKILL, the OOM killer) takes nginx's master along */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		setpgid(0, 0);
		dup2(in, 0);
		dup2(err, 1);
		dup2(err, 2);
		execv(argv[0], (char *const *)argv);
		_exit(RUN_NOT_FOUND);
	}
	if (pid > 0)
		setpgid(pid, pid); /* either side may win the race; both set it */
	close(in);
	close(err);
	return pid;
}

/* nginx writes its pid file after it has bound every listen, so the file
 * means clients can connect (workers take them from the backlog). */
int lb_nginx_start(struct lb *lb, char *why, size_t cap)
{
	char pid_path[LB_PATH_MAX];
	snprintf(pid_path, sizeof(pid_path), "%s/nginx.pid", lb->tmp);
	unlink(pid_path);
	pid_t pid = spawn(lb);
	if (pid < 0) {
		snprintf(why, cap, "cannot start %s: %s", lb->nginx, strerror(errno));
		return -1;
	}
	lb->pid = pid;
	nginx_group = pid;
	long deadline = lb_now_ms() + LB_START_MS;
	while (!pid_file_written(lb)) {
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			lb->pid = 0;
			nginx_group = 0;
			char file[LB_PATH_MAX];
			snprintf(why, cap, "nginx exited with status %d",
				 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
			snprintf(file, sizeof(file), "%s/stderr.log", lb->tmp);
			last_complaint(file, why, cap);
			snprintf(file, sizeof(file), "%s/error.log", lb->tmp);
			last_complaint(file, why, cap);
			return -1;
		}
		if (lb_interrupted() || lb_now_ms() > deadline) {
			snprintf(why, cap, lb_interrupted() ? "interrupted" : "nginx did not listen within %d ms", LB_START_MS);
			lb_nginx_stop(lb);
			return -1;
		}
		lb_sleep_ms(10);
	}
	return 0;
}

void lb_nginx_stop(struct lb *lb)
{
	if (lb->pid > 0) {
		pid_t pid = lb->pid;
		int status;
		kill(-pid, SIGTERM);
		long deadline = lb_now_ms() + LB_STOP_MS;
		pid_t got;
		while ((got = waitpid(pid, &status, WNOHANG)) == 0 && lb_now_ms() < deadline)
			lb_sleep_ms(10);
		if (got != pid) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
		}
		/* a worker left over keeps the group (and its id) alive: still ours */
		if (kill(-pid, 0) == 0)
			kill(-pid, SIGKILL);
		lb->pid = 0;
		nginx_group = 0;
	}
	if (lb->log_fd >= 0)
		close(lb->log_fd);
	lb->log_fd = -1;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* MARKER inside LINE, not as part of a longer address or port. */
static bool mentions(const char *line, size_t len, const char *marker)
{
	size_t m = strlen(marker);
	for (const char *p = line; (p = memmem(p, len - (size_t)(p - line), marker, m)); p++) {
		bool left = p == line || (!is_digit(p[-1]) && p[-1] != '.');
		bool right = (size_t)(p - line) + m == len || !is_digit(p[m]);
		if (left && right)
			return true;
	}
	return false;
}

/* "2026/01/01 00:00:00 [error] 12#12: *1 connect() ..." -> 12 */
static void count_try(struct lb_tries *t, const char *line, size_t len)
{
	const char *p = memmem(line, len, "] ", 2);
	long pid = p ? strtol(p + 2, NULL, 10) : 0;
	size_t i = 0;
	while (i < t->n && t->pid[i] != pid)
		i++;
	if (i == t->n && t->n < sizeof(t->pid) / sizeof(t->pid[0]))
		t->pid[t->n++] = pid;
	if (i < t->n)
		t->count[i]++;
	t->total++;
}

int lb_log_refused(struct lb *lb, const char *marker, struct lb_tries *t)
{
	if (lb->log_fd < 0) {
		char path[LB_PATH_MAX];
		snprintf(path, sizeof(path), "%s/error.log", lb->tmp);
		lb->log_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (lb->log_fd < 0)
			return 0;
	}
	int count = 0;
	char chunk[65536];
	ssize_t n;
	while ((n = pread(lb->log_fd, chunk, sizeof(chunk), lb->log_off)) > 0) {
		/* whole lines only: nginx writes each with one write() */
		size_t used = 0;
		for (char *nl; (nl = memchr(chunk + used, '\n', (size_t)n - used)); used = (size_t)(nl - chunk) + 1) {
			size_t len = (size_t)(nl - chunk) - used;
			const char *line = chunk + used;
			if (!memmem(line, len, "connect()", 9) || !mentions(line, len, marker))
				continue;
			count++;
			if (t)
				count_try(t, line, len);
		}
		if (!used)
			break; /* one line longer than the chunk, or a partial line */
		lb->log_off += (off_t)used;
	}
	return count;
}

#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

const char *run_find(const char *name, char *out, size_t len)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 && (size_t)snprintf(out, len, "%s", name) < len ? out : NULL;
	const char *path = getenv("PATH");
	char dirs[8192];
	snprintf(dirs, sizeof(dirs), "%s:/usr/sbin:/sbin", path ? path : "");
	for (const char *p = dirs; *p;) {
		size_t n = strcspn(p, ":");
		int w = snprintf(out, len, "%.*s/%s", (int)n, p, name);
		if (n && w > 0 && (size_t)w < len && access(out, X_OK) == 0)
			return out;
		p += n + (p[n] == ':');
	}
	return NULL;
}

bool run_have(const char *name)
{
	char path[4096];
	return run_find(name, path, sizeof(path)) != NULL;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int run_capture(const char *const *argv, const struct run_opts *o, struct buf *out, struct buf *err)
{
	static const struct run_opts none = {0};
	if (!o)
		o = &none;
	int pout[2], perr[2], pin[2];
	if (pipe2(pout, O_CLOEXEC) || pipe2(perr, O_CLOEXEC) || pipe2(pin, O_CLOEXEC))
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* rhc gone (a signal), the child goes too: nothing it was
		 * checking runs on unwatched */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		setpgid(0, 0);
		if (o->sandbox && sandbox_enter(o->sandbox))
			_exit(RUN_NO_SANDBOX);
		if (o->cwd && chdir(o->cwd))
			_exit(126);
		if (o->env)
			environ = (char **)o->env;
		execvp(argv[0], (char *const *)argv);
		_exit(errno == ENOENT ? RUN_NOT_FOUND : 126);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	/* Small inputs only (patch JSON): write before reading. */
	if (o->input) {
		size_t left = strlen(o->input);
		const char *p = o->input;
		signal(SIGPIPE, SIG_IGN);
		while (left) {
			ssize_t n = write(pin[1], p, left);
			if (n <= 0)
				break;
			p += n, left -= (size_t)n;
		}
	}
	close(pin[1]);
	long deadline = now_ms() + 1000L * (o->timeout_s ? o->timeout_s : 60);
	struct pollfd fds[2] = {{pout[0], POLLIN, 0}, {perr[0], POLLIN, 0}};
	struct buf *sinks[2] = {out, err};
	int open_fds = 2;
	bool timed_out = false;
	while (open_fds) {
		long left = deadline - now_ms();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(fds, 2, (int)left) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char chunk[8192];
			ssize_t n = read(fds[i].fd, chunk, sizeof(chunk));
			if (n > 0) {
				if (sinks[i])
					buf_put(sinks[i], chunk, (size_t)n);
			} else {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	if (timed_out)
		kill(-pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out)
		return RUN_TIMED_OUT;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

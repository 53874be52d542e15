/* The backends: one listener per node and upstream port, on the node's own
 * loopback address, all served by one thread with a poll loop. Each answers
 * with its node's name, so a client sees which node served it: plain TCP
 * writes the name and closes; port 80 reads one HTTP/1.1 request and sends
 * the name as the body. The main thread changes a backend's mode (up, down
 * = listener closed, hung = accepts and never answers) through
 * lb_backend_set; the thread owns every socket once it runs. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lb.h"

#define LB_POLL_MS 100	    /* how soon the thread sees a stop or a mode change */
#define LB_REQUEST_MS 5000  /* an HTTP request must arrive within this */
#define LB_SET_WAIT_S 2	    /* lb_backend_set waits this long for the thread */

static int listen_on(const char *addr, int port, int *bound)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	socklen_t len = sizeof(sa);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 128) || getsockname(fd, (struct sockaddr *)&sa, &len)) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	*bound = ntohs(sa.sin_port);
	return fd;
}

int lb_backends_bind(struct lb *lb)
{
	for (size_t i = 0; i < lb->nbackends; i++) {
		struct lb_backend *b = &lb->backends[i];
		b->fd = listen_on(lb->nodes[b->node].addr, 0, &b->bport);
		if (b->fd < 0)
			return -1;
	}
	return 0;
}

static void answer(struct lb *lb, int fd, size_t b)
{
	const char *name = lb->nodes[lb->backends[b].node].name;
	char out[512];
	int n;
	if (lb->backends[b].http)
		n = snprintf(out, sizeof(out),
			     "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
			     "Connection: close\r\n\r\n%s",
			     strlen(name), name);
	else
		n = snprintf(out, sizeof(out), "%s", name);
	/* a fresh socket's buffer takes these few bytes at once */
	if (n > 0)
		(void)!send(fd, out, (size_t)n < sizeof(out) ? (size_t)n : sizeof(out) - 1, MSG_NOSIGNAL);
	close(fd);
}

/* Removes connection I (the last one takes its place); closes it unless
 * ANSWERED already did. */
static void conn_drop(struct lb *lb, size_t i, bool close_it)
{
	if (close_it)
		close(lb->conns[i].fd);
	lb->conns[i] = lb->conns[--lb->nconns];
}

static void conn_read(struct lb *lb, size_t i)
{
	struct lb_conn *c = &lb->conns[i];
	char scratch[1024];
	size_t room = sizeof(c->req) - 1 - c->got;
	bool keep = !c->hung && room > 0;
	ssize_t n = recv(c->fd, keep ? c->req + c->got : scratch, keep ? room : sizeof(scratch), 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_drop(lb, i, true);
		return;
	}
	if (!keep)
		return; /* a hung backend swallows what it gets */
	c->got += (size_t)n;
	if (memmem(c->req, c->got, "\r\n\r\n", 4)) {
		answer(lb, c->fd, c->backend);
		conn_drop(lb, i, false);
	} else if (c->got == sizeof(c->req) - 1) {
		conn_drop(lb, i, true); /* no request line this long is ours */
	}
}

static void accept_all(struct lb *lb, size_t b)
{
	for (;;) {
		int fd = accept4(lb->backends[b].fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		/* applied is written only by this thread: reading it needs no lock */
		enum lb_mode mode = lb->backends[b].applied;
		if (mode == LB_UP && !lb->backends[b].http) {
			answer(lb, fd, b);
			continue;
		}
		if (lb->nconns == LB_MAX_CONNS) {
			close(fd);
			continue;
		}
		lb->conns[lb->nconns++] = (struct lb_conn){
			.fd = fd, .backend = b, .deadline_ms = lb_now_ms() + LB_REQUEST_MS, .hung = mode == LB_HUNG};
	}
}

/* Under mu: brings each backend to the mode the main thread wants. */
static void apply_modes(struct lb *lb)
{
	for (size_t i = 0; i < lb->nbackends; i++) {
		struct lb_backend *b = &lb->backends[i];
		if (b->mode == b->applied)
			continue;
		if (b->mode == LB_DOWN && b->fd >= 0) {
			close(b->fd);
			b->fd = -1;
		}
		if (b->mode != LB_DOWN && b->fd < 0) {
			int port;
			b->fd = listen_on(lb->nodes[b->node].addr, b->bport, &port);
			b->error = b->fd < 0 ? errno : 0;
		}
		if (b->applied == LB_HUNG)
			for (size_t k = lb->nconns; k-- > 0;)
				if (lb->conns[k].backend == i && lb->conns[k].hung)
					conn_drop(lb, k, true);
		b->applied = b->mode;
	}
	pthread_cond_broadcast(&lb->cv);
}

static void serve_once(struct lb *lb, struct pollfd *pfd, size_t *who)
{
	size_t n = 0;
	pfd[n++] = (struct pollfd){lb->wake[0], POLLIN, 0};
	for (size_t i = 0; i < lb->nbackends; i++)
		if (lb->backends[i].fd >= 0) {
			who[n] = i;
			pfd[n++] = (struct pollfd){lb->backends[i].fd, POLLIN, 0};
		}
	size_t conns_at = n, nconns = lb->nconns;
	for (size_t i = 0; i < nconns; i++)
		pfd[n++] = (struct pollfd){lb->conns[i].fd, POLLIN, 0};
	if (poll(pfd, n, LB_POLL_MS) <= 0)
		return;
	if (pfd[0].revents) {
		char drain[64];
		while (read(lb->wake[0], drain, sizeof(drain)) > 0)
			;
	}
	/* backwards: conn_drop moves the last connection, which is done */
	for (size_t i = nconns; i-- > 0;)
		if (pfd[conns_at + i].revents)
			conn_read(lb, i);
	for (size_t k = 1; k < conns_at; k++)
		if (pfd[k].revents)
			accept_all(lb, who[k]);
	long now = lb_now_ms();
	for (size_t i = lb->nconns; i-- > 0;)
		if (!lb->conns[i].hung && now > lb->conns[i].deadline_ms)
			conn_drop(lb, i, true);
}

static void *backend_main(void *arg)
{
	struct lb *lb = arg;
	size_t cap = 1 + lb->nbackends + LB_MAX_CONNS;
	struct pollfd *pfd = calloc(cap, sizeof(*pfd));
	size_t *who = calloc(cap, sizeof(*who));
	if (!pfd || !who)
		abort();
	for (;;) {
		pthread_mutex_lock(&lb->mu);
		apply_modes(lb);
		bool stop = lb->stop;
		pthread_mutex_unlock(&lb->mu);
		if (stop)
			break;
		serve_once(lb, pfd, who);
	}
	while (lb->nconns)
		conn_drop(lb, lb->nconns - 1, true);
	free(pfd);
	free(who);
	return NULL;
}

int lb_backends_start(struct lb *lb)
{
	pthread_condattr_t attr;
	if (pipe2(lb->wake, O_NONBLOCK | O_CLOEXEC))
		return -1;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&lb->cv, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&lb->mu, NULL);
	/* signals go to the main thread, whose waits they cut short */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	int rc = pthread_create(&lb->thread, NULL, backend_main, lb);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		pthread_cond_destroy(&lb->cv);
		pthread_mutex_destroy(&lb->mu);
		close(lb->wake[0]);
		close(lb->wake[1]);
		errno = rc;
		return -1;
	}
	lb->thread_started = true;
	return 0;
}

static void wake(struct lb *lb)
{
	char c = 1;
	(void)!write(lb->wake[1], &c, 1);
}

int lb_backend_set(struct lb *lb, size_t i, enum lb_mode mode)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += LB_SET_WAIT_S;
	pthread_mutex_lock(&lb->mu);
	lb->backends[i].mode = mode;
	pthread_mutex_unlock(&lb->mu);
	wake(lb);
	pthread_mutex_lock(&lb->mu);
	int rc = 0;
	while (lb->backends[i].applied != mode && !rc)
		rc = pthread_cond_timedwait(&lb->cv, &lb->mu, &until);
	int err = lb->backends[i].applied != mode ? ETIMEDOUT : lb->backends[i].error;
	pthread_mutex_unlock(&lb->mu);
	errno = err;
	return err ? -1 : 0;
}

void lb_backends_stop(struct lb *lb)
{
	if (lb->thread_started) {
		pthread_mutex_lock(&lb->mu);
		lb->stop = true;
		pthread_mutex_unlock(&lb->mu);
		wake(lb);
		pthread_join(lb->thread, NULL);
		lb->thread_started = false;
		pthread_cond_destroy(&lb->cv);
		pthread_mutex_destroy(&lb->mu);
		close(lb->wake[0]);
		close(lb->wake[1]);
	}
	for (size_t i = 0; i < lb->nbackends; i++)
		if (lb->backends[i].fd >= 0) {
			close(lb->backends[i].fd);
			lb->backends[i].fd = -1;
		}
}

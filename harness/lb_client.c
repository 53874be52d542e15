/* Clients of the rehearsal: one connection through the load balancer, the
 * answer mapped to the node that gave it. Every wait has a deadline. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "lb.h"

long lb_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void lb_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL); /* a signal ends it early: callers check lb_interrupted */
}

static int wait_for(int fd, short events, long deadline)
{
	for (;;) {
		long left = deadline - lb_now_ms();
		if (left <= 0)
			return 0;
		struct pollfd p = {fd, events, 0};
		int rc = poll(&p, 1, (int)left);
		if (rc != 0 || lb_now_ms() >= deadline)
			return rc;
	}
}

/* A connection to 127.0.0.1:PORT from SRC (NULL: any), or -1 with ERR. */
static int tcp_open(const char *src, int port, long deadline, char *err, size_t cap)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, cap, "socket: %s", strerror(errno));
		return -1;
	}
	struct sockaddr_in from = {.sin_family = AF_INET};
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (src && (inet_pton(AF_INET, src, &from.sin_addr) != 1 || bind(fd, (struct sockaddr *)&from, sizeof(from)))) {
		snprintf(err, cap, "bind %s: %s", src, strerror(errno));
		close(fd);
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) && errno != EINPROGRESS) {
		snprintf(err, cap, "connect: %s", strerror(errno));
		close(fd);
		return -1;
	}
	int rc = wait_for(fd, POLLOUT, deadline), soerr = 0;
	socklen_t len = sizeof(soerr);
	if (rc <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) || soerr) {
		snprintf(err, cap, "connect: %s", rc == 0 ? "timed out" : strerror(soerr ? soerr : errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads until the peer closes: 0, 1 when DEADLINE came first, -1 on error. */
static int read_to_eof(int fd, long deadline, char *buf, size_t cap, size_t *len)
{
	*len = 0;
	for (;;) {
		int rc = wait_for(fd, POLLIN, deadline);
		if (rc == 0)
			return 1;
		if (rc < 0)
			return -1;
		char scratch[256];
		bool room = *len < cap - 1;
		ssize_t n = recv(fd, room ? buf + *len : scratch, room ? cap - 1 - *len : sizeof(scratch), 0);
		if (n == 0)
			break;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (n > 0 && room)
			*len += (size_t)n;
	}
	buf[*len] = '\0';
	return 0;
}

static int node_named(const struct lb *lb, const char *text, size_t len)
{
	for (size_t i = 0; i < lb->nnodes; i++)
		if (strlen(lb->nodes[i].name) == len && !memcmp(lb->nodes[i].name, text, len))
			return (int)i;
	return -1;
}

static void by_curl(struct lb *lb, const struct lb_listen *l, long timeout_ms, struct lb_answer *ans)
{
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", l->lport);
	struct http_request req = {.url = url, .timeout_ms = timeout_ms, .connect_timeout_ms = timeout_ms,
				   .max_body = LB_NAME_MAX};
	struct http_response resp;
	if (http_do(&req, &resp))
		snprintf(ans->error, sizeof(ans->error), "%s", resp.error);
	else if (resp.status != 200)
		snprintf(ans->error, sizeof(ans->error), "HTTP status %ld", resp.status);
	else if ((ans->node = node_named(lb, resp.body.data ? resp.body.data : "", resp.body.len)) < 0)
		snprintf(ans->error, sizeof(ans->error), "an answer from no node: %.64s",
			 resp.body.data ? resp.body.data : "");
	http_response_free(&resp);
}

static void by_socket(struct lb *lb, const struct lb_listen *l, const char *src, long deadline, bool http,
		      struct lb_answer *ans)
{
	int fd = tcp_open(src, l->lport, deadline, ans->error, sizeof(ans->error));
	if (fd < 0)
		return;
	if (http) {
		char req[128];
		int n = snprintf(req, sizeof(req),
				 "GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", l->lport);
		(void)!send(fd, req, (size_t)n, MSG_NOSIGNAL);
	}
	char buf[1024];
	size_t len;
	int rc = read_to_eof(fd, deadline, buf, sizeof(buf), &len);
	close(fd);
	const char *body = buf;
	if (rc == 0 && http) {
		const char *end = strstr(buf, "\r\n\r\n");
		body = strncmp(buf, "HTTP/1.1 200 ", 13) || !end ? NULL : end + 4;
		len = body ? len - (size_t)(body - buf) : 0;
	}
	if (rc == 1) {
		ans->timed_out = true;
		snprintf(ans->error, sizeof(ans->error), "no answer within the client's limit");
	} else if (rc < 0) {
		snprintf(ans->error, sizeof(ans->error), "read: %s", strerror(errno));
	} else if (!body) {
		snprintf(ans->error, sizeof(ans->error), "not an HTTP 200 response");
	} else if (!len) {
		snprintf(ans->error, sizeof(ans->error), "closed without an answer");
	} else if ((ans->node = node_named(lb, body, len)) < 0) {
		snprintf(ans->error, sizeof(ans->error), "an answer from no node: %.64s", body);
	}
}

void lb_connect(struct lb *lb, const struct lb_listen *l, const char *src, long timeout_ms, bool raw,
		struct lb_answer *ans)
{
	memset(ans, 0, sizeof(*ans));
	ans->node = -1;
	long start = lb_now_ms();
	if (l->http && !raw && !src)
		by_curl(lb, l, timeout_ms, ans);
	else
		by_socket(lb, l, src, start + timeout_ms, l->http && !raw, ans);
	ans->seconds = (double)(lb_now_ms() - start) / 1000.0;
}

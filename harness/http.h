/* HTTP(S) client for verify: the Kubernetes API and requests through the
 * load balancer. The only file that includes curl/curl.h; libcurl itself is
 * loaded at run time (see http.c). Certificates and keys are handed to
 * libcurl from memory, never written to disk. */
#ifndef RHC_HTTP_H
#define RHC_HTTP_H
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct http_request {
	const char *method;	    /* NULL: GET */
	const char *url;
	const char *const *headers; /* "Name: value", NULL-terminated, or NULL */
	const char *body;	    /* request body or NULL */
	size_t body_len;
	/* TLS: PEM blobs (NULL: unused) */
	const char *ca_pem;
	size_t ca_len;
	const char *cert_pem;
	size_t cert_len;
	const char *key_pem;
	size_t key_len;
	bool insecure;		/* skip server certificate verification */
	const char *bearer;	/* Authorization: Bearer TOKEN */
	const char *user;	/* basic auth */
	const char *password;
	const char *resolve;	/* "HOST:PORT:ADDRESS", as curl --resolve */
	long timeout_ms;	/* whole request; 0: 10 s */
	long connect_timeout_ms; /* 0: 5 s */
	size_t max_body;	/* 0: 16 MiB */
	/* --verbose: called per line of curl's trace: KIND '*' for curl's notes,
	 * '>' for request headers, '<' for response headers. Authorization and
	 * cookie values arrive redacted; bodies and TLS data never arrive. */
	void (*trace)(void *ctx, char kind, const char *line, size_t len);
	void *trace_ctx;
};

/* Why no usable response arrived, so callers can tell a cluster that is not
 * up yet (connect, timeout) from one that will never answer right. */
enum http_failure {
	HTTP_FAIL_NONE,
	HTTP_FAIL_CONNECT, /* refused, unreachable, cannot resolve */
	HTTP_FAIL_TIMEOUT,
	HTTP_FAIL_TLS,	   /* handshake, certificate, key */
	HTTP_FAIL_PARTIAL, /* the body was cut short */
	HTTP_FAIL_OTHER,
};

struct http_response {
	long status;	 /* HTTP status, 0 when no response */
	struct buf body; /* owned: http_response_free */
	char error[256]; /* why there is no response (curl's words) */
	double seconds;	 /* total time */
	enum http_failure failure;
};

/* Performs R. Returns 0 when a response arrived (any status), -1 otherwise
 * (connection refused, TLS failure, timeout, body over max_body) with
 * RESP->error set. */
int http_do(const struct http_request *r, struct http_response *resp);
void http_response_free(struct http_response *resp);
/* Loads libcurl (dlopen, on first call) and runs its global init, once per
 * process, from any thread; http_do calls it too. Returns NULL when libcurl
 * is usable, else why not (dlerror's words); the answer never changes. */
const char *http_global_init(void);

#endif

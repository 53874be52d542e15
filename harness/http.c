#include "http.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTTP_DEFAULT_MAX_BODY ((size_t)16 << 20)
#define CURL_SONAME "libcurl.so.4"

/* libcurl is loaded on first use, not linked: linking it makes the dynamic
 * loader map and relocate its ~30 dependent libraries at every start of rhc,
 * `rhc build` included, which never makes a request. These are the only
 * libcurl functions rhc calls; load_curl fills them in with dlsym. */
static struct {
	__typeof__(curl_global_init) *global_init;
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_perform) *easy_perform;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_slist_append) *slist_append;
	__typeof__(curl_slist_free_all) *slist_free_all;
} curl;

#define CURL_SYM(f) {"curl_" #f, &curl.f}
static const struct {
	const char *name;
	void *slot; /* a member of curl */
} curl_syms[] = {
	CURL_SYM(global_init),	CURL_SYM(easy_init),	 CURL_SYM(easy_setopt),
	CURL_SYM(easy_perform), CURL_SYM(easy_getinfo),	 CURL_SYM(easy_strerror),
	CURL_SYM(easy_cleanup), CURL_SYM(slist_append), CURL_SYM(slist_free_all),
};
#undef CURL_SYM

/* dlsym returns void *; POSIX guarantees it converts to a function pointer. */
_Static_assert(sizeof(void *) == sizeof(curl.easy_init), "function pointers are not the size of void *");

static char curl_error[256]; /* why libcurl is unusable; empty: it is usable */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void load_curl(void)
{
	/* RTLD_LOCAL: libcurl's symbols stay out of the global namespace */
	void *lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(curl_error, sizeof(curl_error), "cannot load " CURL_SONAME " (Debian package: libcurl4): %s",
			 dlerror());
		return;
	}
	for (size_t i = 0; i < sizeof(curl_syms) / sizeof(curl_syms[0]); i++) {
		void *fn = dlsym(lib, curl_syms[i].name);
		if (!fn) {
			snprintf(curl_error, sizeof(curl_error), CURL_SONAME " has no %s: %s", curl_syms[i].name,
				 dlerror());
			return; /* lib stays loaded: harmless, and the error sticks */
		}
		memcpy(curl_syms[i].slot, &fn, sizeof(fn));
	}
	CURLcode rc = curl.global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK)
		snprintf(curl_error, sizeof(curl_error), "libcurl's global init failed: %s", curl.easy_strerror(rc));
}

struct sink {
	struct buf *b;
	size_t max;
	bool over; /* the body passed max: the error says so */
};

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
	struct sink *s = user;
	size_t len = size * n;
	if (s->b->len + len > s->max) {
		s->over = true;
		return 0; /* makes curl fail with CURLE_WRITE_ERROR */
	}
	buf_put(s->b, p, len);
	return buf_failed(s->b) ? 0 : len;
}

/* Headers whose values are credentials: a trace shows only their names. */
static const char *const secret_headers[] = {"authorization", "proxy-authorization", "cookie",
					     "set-cookie"};

static bool is_secret_header(const char *line, size_t len)
{
	for (size_t i = 0; i < sizeof(secret_headers) / sizeof(secret_headers[0]); i++) {
		size_t n = strlen(secret_headers[i]);
		if (len > n && line[n] == ':' && !strncasecmp(line, secret_headers[i], n))
			return true;
	}
	return false;
}

static void trace_lines(const struct http_request *r, char kind, const char *p, size_t size)
{
	while (size) {
		const char *nl = memchr(p, '\n', size);
		size_t n = nl ? (size_t)(nl - p) : size;
		size_t shown = n && p[n - 1] == '\r' ? n - 1 : n;
		if (!shown) {
			/* the blank line that ends a header block */
		} else if (kind != '*' && is_secret_header(p, shown)) {
			char redacted[64];
			size_t name = (size_t)((const char *)memchr(p, ':', shown) - p);
			int len = snprintf(redacted, sizeof(redacted), "%.*s: <redacted>", (int)name, p);
			r->trace(r->trace_ctx, kind, redacted, (size_t)len < sizeof(redacted) ? (size_t)len : sizeof(redacted) - 1);
		} else {
			r->trace(r->trace_ctx, kind, p, shown);
		}
		p += n + (nl != NULL);
		size -= n + (nl != NULL);
	}
}

/* curl's debug callback: notes and headers only; bodies and TLS bytes are
 * never handed on (they can carry tokens and keys). */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *user)
{
	(void)h;
	const struct http_request *r = user;
	char kind = type == CURLINFO_TEXT ? '*' : type == CURLINFO_HEADER_OUT ? '>' : type == CURLINFO_HEADER_IN ? '<' : 0;
	if (kind)
		trace_lines(r, kind, data, size);
	return 0;
}

static enum http_failure classify(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:
		return HTTP_FAIL_NONE;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return HTTP_FAIL_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_FAIL_TIMEOUT;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
		return HTTP_FAIL_TLS;
	case CURLE_PARTIAL_FILE:
		return HTTP_FAIL_PARTIAL;
	default:
		return HTTP_FAIL_OTHER;
	}
}

const char *http_global_init(void)
{
	pthread_once(&curl_once, load_curl);
	return curl_error[0] ? curl_error : NULL;
}

int http_do(const struct http_request *r, struct http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	const char *unusable = http_global_init();
	if (unusable) {
		snprintf(resp->error, sizeof(resp->error), "%s", unusable);
		resp->failure = HTTP_FAIL_OTHER;
		return -1;
	}
	CURL *h = curl.easy_init();
	if (!h) {
		snprintf(resp->error, sizeof(resp->error), "cannot start libcurl");
		return -1;
	}
	struct curl_slist *headers = NULL, *resolve = NULL;
	struct sink sink = {&resp->body, r->max_body ? r->max_body : HTTP_DEFAULT_MAX_BODY, false};
	curl.easy_setopt(h, CURLOPT_URL, r->url);
	curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, r->timeout_ms ? r->timeout_ms : 10000L);
	curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, r->connect_timeout_ms ? r->connect_timeout_ms : 5000L);
	curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl.easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	curl.easy_setopt(h, CURLOPT_ERRORBUFFER, resp->error);
	if (r->method)
		curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, r->method);
	if (r->body) {
		curl.easy_setopt(h, CURLOPT_POSTFIELDS, r->body);
		curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)r->body_len);
	}
	for (const char *const *hd = r->headers; hd && *hd; hd++)
		headers = curl.slist_append(headers, *hd);
	if (r->bearer) {
		/* any length: OIDC tokens run to several kB */
		size_t n = strlen(r->bearer) + sizeof("Authorization: Bearer ");
		char *auth = malloc(n);
		if (!auth)
			abort();
		snprintf(auth, n, "Authorization: Bearer %s", r->bearer);
		headers = curl.slist_append(headers, auth);
		explicit_bzero(auth, n);
		free(auth);
	}
	if (headers)
		curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	if (r->user) {
		curl.easy_setopt(h, CURLOPT_USERNAME, r->user);
		curl.easy_setopt(h, CURLOPT_PASSWORD, r->password ? r->password : "");
	}
	if (r->resolve) {
		resolve = curl.slist_append(NULL, r->resolve);
		curl.easy_setopt(h, CURLOPT_RESOLVE, resolve);
	}
	if (r->ca_pem) {
		struct curl_blob blob = {(void *)r->ca_pem, r->ca_len, CURL_BLOB_COPY};
		curl.easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (r->cert_pem) {
		struct curl_blob blob = {(void *)r->cert_pem, r->cert_len, CURL_BLOB_COPY};
		curl.easy_setopt(h, CURLOPT_SSLCERT_BLOB, &blob);
		curl.easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
	}
	if (r->key_pem) {
		struct curl_blob blob = {(void *)r->key_pem, r->key_len, CURL_BLOB_COPY};
		curl.easy_setopt(h, CURLOPT_SSLKEY_BLOB, &blob);
		curl.easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
	}
	if (r->insecure) {
		curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (r->trace) {
		curl.easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
		curl.easy_setopt(h, CURLOPT_DEBUGDATA, (void *)r);
		curl.easy_setopt(h, CURLOPT_VERBOSE, 1L);
	}
	CURLcode rc = curl.easy_perform(h);
	resp->failure = classify(rc);
	curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	curl.easy_getinfo(h, CURLINFO_TOTAL_TIME, &resp->seconds);
	if (rc != CURLE_OK && !resp->error[0])
		snprintf(resp->error, sizeof(resp->error), "%s", curl.easy_strerror(rc));
	if (rc == CURLE_WRITE_ERROR && sink.over)
		snprintf(resp->error, sizeof(resp->error), "response body over %zu bytes", sink.max);
	curl.slist_free_all(headers);
	curl.slist_free_all(resolve);
	curl.easy_cleanup(h);
	return rc == CURLE_OK ? 0 : -1;
}

void http_response_free(struct http_response *resp)
{
	buf_free(&resp->body);
}

#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#define HTTP_DEFAULT_MAX_BODY ((size_t)16 << 20)

struct sink {
	struct buf *b;
	size_t max;
};

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
	struct sink *s = user;
	size_t len = size * n;
	if (s->b->len + len > s->max)
		return 0; /* makes curl fail with CURLE_WRITE_ERROR */
	buf_put(s->b, p, len);
	return buf_failed(s->b) ? 0 : len;
}

void http_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int http_do(const struct http_request *r, struct http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(resp->error, sizeof(resp->error), "cannot start libcurl");
		return -1;
	}
	struct curl_slist *headers = NULL, *resolve = NULL;
	char auth[4096];
	struct sink sink = {&resp->body, r->max_body ? r->max_body : HTTP_DEFAULT_MAX_BODY};
	curl_easy_setopt(h, CURLOPT_URL, r->url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, r->timeout_ms ? r->timeout_ms : 10000L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, r->connect_timeout_ms ? r->connect_timeout_ms : 5000L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, resp->error);
	if (r->method)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r->method);
	if (r->body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)r->body_len);
	}
	for (const char *const *hd = r->headers; hd && *hd; hd++)
		headers = curl_slist_append(headers, *hd);
	if (r->bearer) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", r->bearer);
		headers = curl_slist_append(headers, auth);
		memset(auth, 0, sizeof(auth));
	}
	if (headers)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	if (r->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, r->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, r->password ? r->password : "");
	}
	if (r->resolve) {
		resolve = curl_slist_append(NULL, r->resolve);
		curl_easy_setopt(h, CURLOPT_RESOLVE, resolve);
	}
	if (r->ca_pem) {
		struct curl_blob blob = {(void *)r->ca_pem, r->ca_len, CURL_BLOB_COPY};
		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (r->cert_pem) {
		struct curl_blob blob = {(void *)r->cert_pem, r->cert_len, CURL_BLOB_COPY};
		curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &blob);
		curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
	}
	if (r->key_pem) {
		struct curl_blob blob = {(void *)r->key_pem, r->key_len, CURL_BLOB_COPY};
		curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &blob);
		curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
	}
	if (r->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &resp->seconds);
	if (rc != CURLE_OK && !resp->error[0])
		snprintf(resp->error, sizeof(resp->error), "%s", curl_easy_strerror(rc));
	if (rc == CURLE_WRITE_ERROR && resp->body.len >= sink.max)
		snprintf(resp->error, sizeof(resp->error), "response body over %zu bytes", sink.max);
	curl_slist_free_all(headers);
	curl_slist_free_all(resolve);
	curl_easy_cleanup(h);
	return rc == CURLE_OK ? 0 : -1;
}

void http_response_free(struct http_response *resp)
{
	buf_free(&resp->body);
}

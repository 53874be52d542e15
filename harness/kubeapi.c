#include "kubeapi.h"

#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "json.h"

#define KUBE_MAX_BODY ((size_t)8 << 20)

const char *kube_path_str(const struct node *obj, const char *path)
{
	const struct node *v = node_path(obj, path);
	return v && v->kind == NODE_SCALAR && !(v->plain && !strcmp(v->text, "null")) ? v->text : NULL;
}

static void no_answer(const struct kube_client *c, const char *path, const struct http_response *resp,
		      struct kube_answer *ans)
{
	const char *server = c->auth->server;
	ans->outcome = KUBE_NO_ANSWER;
	ans->failure = resp->failure;
	switch (resp->failure) {
	case HTTP_FAIL_TLS:
		snprintf(ans->why, sizeof(ans->why), "TLS with %s failed: %s (%s)", server, resp->error,
			 c->auth->ca.data ? "is the kubeconfig's certificate-authority the cluster's CA?"
					  : "the kubeconfig gives no certificate-authority, so the system's CAs were used");
		break;
	case HTTP_FAIL_PARTIAL:
		snprintf(ans->why, sizeof(ans->why), "the answer to GET %s was cut short: %s", path, resp->error);
		break;
	case HTTP_FAIL_CONNECT:
	case HTTP_FAIL_TIMEOUT:
		snprintf(ans->why, sizeof(ans->why), "no answer from %s: %s", server, resp->error);
		break;
	default:
		snprintf(ans->why, sizeof(ans->why), "GET %s failed: %s", path, resp->error);
		break;
	}
}

/* An error status with the API's Status message when the body is one. */
static void http_error(const struct kube_client *c, struct arena *a, const char *path,
		       const struct http_response *resp, struct kube_answer *ans)
{
	struct diags d = {0};
	const struct node *st = resp->body.len ? json_parse(a, path, resp->body.data, resp->body.len, &d) : NULL;
	diags_free(&d);
	const char *kind = kube_path_str(st, "kind"), *msg = kube_path_str(st, "message");
	ans->outcome = KUBE_HTTP;
	ans->obj = st;
	if (!kind || strcmp(kind, "Status") || !msg)
		msg = "the answer is not a Kubernetes Status";
	if (resp->status == 401)
		snprintf(ans->why, sizeof(ans->why), "401 Unauthorized: %s rejected the credentials "
			 "(user '%s', %s): %s", c->auth->server, c->auth->user ? c->auth->user : "",
			 c->auth->via ? c->auth->via : "", msg);
	else if (resp->status == 403)
		snprintf(ans->why, sizeof(ans->why), "403 Forbidden: %s", msg);
	else if (resp->status == 404)
		snprintf(ans->why, sizeof(ans->why), "404 Not Found: %s", msg);
	else
		snprintf(ans->why, sizeof(ans->why), "HTTP %ld from GET %s: %s", resp->status, path, msg);
}

static void parse_body(struct arena *a, const char *path, const struct http_response *resp,
		       struct kube_answer *ans)
{
	struct diags d = {0};
	const struct node *obj = json_parse(a, path, resp->body.data ? resp->body.data : "", resp->body.len, &d);
	if (obj && obj->kind == NODE_MAP) {
		ans->outcome = KUBE_OK;
		ans->obj = obj;
	} else {
		ans->outcome = KUBE_BAD_ANSWER;
		if (d.count)
			snprintf(ans->why, sizeof(ans->why), "the answer to GET %s is not JSON (%d:%d: %s): "
				 "is this a Kubernetes API server?", path, d.items[0].line, d.items[0].col,
				 d.items[0].message);
		else
			snprintf(ans->why, sizeof(ans->why), "the answer to GET %s is not a JSON object", path);
	}
	diags_free(&d);
}

void kube_get(const struct kube_client *c, struct arena *a, const char *path, struct kube_answer *ans)
{
	const struct kube_auth *k = c->auth;
	static const char *const headers[] = {"Accept: application/json", NULL};
	char *url = arena_printf(a, "%s%s", k->server, path);
	struct http_request req = {
		.url = url,
		.headers = headers,
		.ca_pem = k->ca.data,
		.ca_len = k->ca.len,
		.cert_pem = k->cert.data,
		.cert_len = k->cert.len,
		.key_pem = k->key.data,
		.key_len = k->key.len,
		.insecure = k->insecure,
		.bearer = k->token,
		.user = k->username,
		.password = k->username ? k->password : NULL,
		.timeout_ms = c->timeout_ms,
		.max_body = KUBE_MAX_BODY,
		.trace = c->trace,
		.trace_ctx = c->trace_ctx,
	};
	struct http_response resp;
	*ans = (struct kube_answer){0};
	if (c->trace) {
		const char *line = arena_printf(a, "GET %s", url);
		c->trace(c->trace_ctx, '=', line, strlen(line));
	}
	int rc = http_do(&req, &resp);
	ans->status = resp.status;
	if (rc)
		no_answer(c, path, &resp, ans);
	else if (resp.status < 200 || resp.status >= 300)
		http_error(c, a, path, &resp, ans);
	else
		parse_body(a, path, &resp, ans);
	if (c->trace) {
		const char *line = arena_printf(a, "-> %ld, %zu bytes, %.3f s", resp.status, resp.body.len, resp.seconds);
		c->trace(c->trace_ctx, '=', line, strlen(line));
	}
	http_response_free(&resp);
}

bool kube_answer_transient(const struct kube_answer *ans)
{
	if (ans->outcome == KUBE_NO_ANSWER)
		return ans->failure == HTTP_FAIL_CONNECT || ans->failure == HTTP_FAIL_TIMEOUT;
	if (ans->outcome == KUBE_HTTP)
		return ans->status == 429 || ans->status >= 500;
	return false;
}

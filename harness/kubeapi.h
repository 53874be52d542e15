/* A small Kubernetes API client over harness/http.h: GET a path and get back
 * the parsed JSON object, or a reason that says what went wrong in the
 * user's terms: no answer (connect, TLS, timeout, cut short), an HTTP status
 * with the API's own Status message, or an answer that is not JSON. */
#ifndef RHC_KUBEAPI_H
#define RHC_KUBEAPI_H
#include <stdbool.h>

#include "arena.h"
#include "http.h"
#include "kubeconfig.h"
#include "node.h"

enum kube_outcome {
	KUBE_OK,	 /* 2xx and a JSON object */
	KUBE_NO_ANSWER,	 /* see failure */
	KUBE_HTTP,	 /* status 3xx..5xx */
	KUBE_BAD_ANSWER, /* 2xx, but not a JSON object */
};

struct kube_answer {
	enum kube_outcome outcome;
	long status;		 /* HTTP status, 0 without an answer */
	enum http_failure failure;
	const struct node *obj;	 /* KUBE_OK (and a Status on KUBE_HTTP): in the caller's arena */
	char why[512];		 /* all but KUBE_OK: one sentence, never a secret */
};

struct kube_client {
	const struct kube_auth *auth; /* borrowed */
	/* --verbose, or NULL: curl's lines (see http.h) and, per request, '='
	 * lines with the URL and the status, size and time of the answer */
	void (*trace)(void *ctx, char kind, const char *line, size_t len);
	void *trace_ctx;
	long timeout_ms; /* per request; 0: 10 s */
};

/* GET PATH ("/apis/apps/v1/...") from the client's server into ANS. */
void kube_get(const struct kube_client *c, struct arena *a, const char *path, struct kube_answer *ans);

/* True when asking again later may help: no connection yet, a timeout, or
 * the API says so (429, 5xx). */
bool kube_answer_transient(const struct kube_answer *ans);

/* The scalar at dotted PATH (see node_path), or NULL; a JSON null is NULL. */
const char *kube_path_str(const struct node *obj, const char *path);

#endif

#include "kubeconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "escape.h"
#include "json.h"
#include "load.h"
#include "run.h"

#define KC_MAX_FILES 32
#define CRED_MAX_BYTES ((size_t)1 << 20)
#define EXEC_MAX_ARGS 64
#define EXEC_TIMEOUT_S 60
#define EXEC_V1 "client.authentication.k8s.io/v1"
#define EXEC_V1BETA1 "client.authentication.k8s.io/v1beta1"

extern char **environ;

struct kc_file {
	const char *path;
	char *data; /* owned, wiped on free: it may hold tokens and keys */
	size_t len;
	const struct node *root; /* NULL: an empty file */
};

/* One resolution: the files read, in kubectl's order, and where errors go. */
struct kc {
	struct arena a;
	struct kc_file files[KC_MAX_FILES];
	size_t n;
	const char *where; /* how the files were chosen, for messages */
	char *err;
	size_t errlen;
};

static int fail(struct kc *kc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct kc *kc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(kc->err, kc->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		abort();
	return p;
}

static void wipe_free(char *p, size_t n)
{
	if (p)
		explicit_bzero(p, n);
	free(p);
}

const char *kube_scalar(const struct node *map, const char *key)
{
	const struct node *v = node_member(map, key);
	if (!v || v->kind != NODE_SCALAR || node_is_null(v))
		return NULL;
	return v->text;
}

/* A scalar that is set and not empty. */
static const char *given(const struct node *map, const char *key)
{
	const char *s = kube_scalar(map, key);
	return s && *s ? s : NULL;
}

char *kube_read_file(const char *path, size_t max, size_t *len, char why[READ_WHY])
{
	return read_regular(AT_FDCWD, path, 0, max, len, why);
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

char *kube_base64_decode(const char *s, size_t n, size_t *len)
{
	char *out = malloc(n / 4 * 3 + 4);
	if (!out)
		abort();
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0, pad = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' || c == '\r')
			continue;
		int v = c == '=' ? -2 : b64_value(c);
		if (v == -2) {
			pad++;
			continue;
		}
		if (v < 0 || pad)
			goto bad;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (bits >= 6 || pad > 2)
		goto bad;
	out[o] = '\0';
	*len = o;
	return out;
bad:
	wipe_free(out, n / 4 * 3 + 4);
	return NULL;
}

static void base64_encode(struct buf *out, const char *s, size_t n)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)(unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		buf_putc(out, abc[(v >> 18) & 63]);
		buf_putc(out, abc[(v >> 12) & 63]);
		buf_putc(out, i + 1 < n ? abc[(v >> 6) & 63] : '=');
		buf_putc(out, i + 2 < n ? abc[v & 63] : '=');
	}
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

/* Reads and parses PATH once; a missing file is skipped unless MUST_EXIST. */
static const struct node *duplicate_key(const struct node *n);

static int kc_add(struct kc *kc, const char *path, bool must_exist)
{
	for (size_t i = 0; i < kc->n; i++)
		if (!strcmp(kc->files[i].path, path))
			return 0;
	if (kc->n == KC_MAX_FILES)
		return fail(kc, "%s names more than %d kubeconfig files", kc->where, KC_MAX_FILES);
	size_t len;
	char why[READ_WHY];
	char *data = kube_read_file(path, KUBECONFIG_MAX_BYTES, &len, why);
	if (!data) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return fail(kc, "%s: cannot read the kubeconfig: %s", path, why);
	}
	struct kc_file *f = &kc->files[kc->n++];
	*f = (struct kc_file){.path = arena_strdup(&kc->a, path), .data = data, .len = len};
	if (blank(data, len))
		return 0;
	struct diags d = {0};
	f->root = load_yaml(&kc->a, f->path, data, len, &d);
	int rc = 0;
	if (!f->root && d.count)
		rc = fail(kc, "%s:%d:%d: %s", f->path, d.items[0].line, d.items[0].col, d.items[0].message);
	else if (!f->root)
		rc = fail(kc, "%s: not a kubeconfig", f->path);
	const struct node *dup = rc ? NULL : duplicate_key(f->root);
	if (dup)
		rc = fail(kc, "%s:%d:%d: duplicate key '%.64s'; kubectl refuses that too", f->path, dup->line,
			  dup->col, dup->text);
	diags_free(&d);
	return rc;
}

static int kc_load_env(struct kc *kc, const char *env)
{
	char *list = arena_strdup(&kc->a, env);
	kc->where = "$KUBECONFIG";
	for (char *p = list; p;) {
		char *colon = strchr(p, ':');
		if (colon)
			*colon = '\0';
		if (*p && kc_add(kc, p, false))
			return -1;
		p = colon ? colon + 1 : NULL;
	}
	if (!kc->n)
		return fail(kc, "$KUBECONFIG (%s) names no kubeconfig file that exists", env);
	return 0;
}

static int kc_load(struct kc *kc, const struct kube_select *sel)
{
	if (sel->kubeconfig) {
		kc->where = sel->kubeconfig;
		return kc_add(kc, sel->kubeconfig, true);
	}
	const char *env = getenv("KUBECONFIG");
	if (env && *env)
		return kc_load_env(kc, env);
	const char *home = getenv("HOME");
	if (!home || !*home)
		return fail(kc, "no kubeconfig: pass --kubeconfig, or set KUBECONFIG or HOME");
	const char *path = arena_printf(&kc->a, "%s/.kube/config", home);
	kc->where = path;
	if (kc_add(kc, path, false))
		return -1;
	if (!kc->n)
		return fail(kc, "%s does not exist: pass --kubeconfig F or set KUBECONFIG", path);
	return 0;
}

/* Entry NAME of list LIST ("clusters", "contexts", "users"): its ITEM member
 * ("cluster", ...). kubectl's merge: the first file that defines it wins.
 * *FROM is that file, or NULL when no file defines NAME. */
static const struct node *kc_find(const struct kc *kc, const char *list, const char *item,
				  const char *name, const struct kc_file **from)
{
	*from = NULL;
	for (size_t i = 0; i < kc->n; i++) {
		const struct node *l = node_member(kc->files[i].root, list);
		for (const struct node *e = l && l->kind == NODE_SEQ ? l->first : NULL; e; e = e->next) {
			const char *n = kube_scalar(e, "name");
			if (n && !strcmp(n, name)) {
				*from = &kc->files[i];
				return node_member(e, item);
			}
		}
	}
	return NULL;
}

/* kubectl resolves relative paths against the kubeconfig file's directory. */
static const char *kc_path(struct kc *kc, const struct kc_file *f, const char *p)
{
	if (p[0] == '/')
		return p;
	const char *slash = strrchr(f->path, '/');
	if (!slash)
		return p;
	return arena_printf(&kc->a, "%.*s/%s", (int)(slash - f->path), f->path, p);
}

/* One PEM (or token) from FIELD-data (base64) or FIELD (a file); both is an
 * error, as in kubectl. WHAT names the entry in messages. */
static int kc_blob(struct kc *kc, const struct kc_file *f, const struct node *m, const char *field,
		   const char *what, struct kube_blob *out)
{
	char data_key[64];
	snprintf(data_key, sizeof(data_key), "%s-data", field);
	const char *data = given(m, data_key), *file = given(m, field);
	if (data && file)
		return fail(kc, "%s: %s sets both %s and %s; kubectl refuses that too", f->path, what,
			    data_key, field);
	if (data) {
		out->data = kube_base64_decode(data, strlen(data), &out->len);
		if (!out->data)
			return fail(kc, "%s: %s: %s is not valid base64", f->path, what, data_key);
	} else if (file) {
		const char *path = kc_path(kc, f, file);
		char why[READ_WHY];
		out->data = kube_read_file(path, CRED_MAX_BYTES, &out->len, why);
		if (!out->data)
			return fail(kc, "%s: %s: %s %s: %s", f->path, what, field, path, why);
	}
	return 0;
}

static int parse_bool(struct kc *kc, const struct kc_file *f, const struct node *m, const char *key,
		      const char *what, bool *out)
{
	const char *s = kube_scalar(m, key);
	*out = false;
	if (!s || !strcmp(s, "false"))
		return 0;
	if (!strcmp(s, "true"))
		return (*out = true), 0;
	return fail(kc, "%s: %s: %s is '%s', not true or false", f->path, what, key, s);
}

/* The string fields kubectl reads from a cluster or user entry: a mapping
 * or list there is refused (kubectl refuses it too), never taken as unset,
 * which would quietly make a token into anonymous access. */
static const char *const string_fields[] = {
	"server", "certificate-authority", "certificate-authority-data", "tls-server-name", "proxy-url",
	"token", "tokenFile", "username", "password", "client-certificate", "client-certificate-data",
	"client-key", "client-key-data", NULL,
};

static int check_strings(struct kc *kc, const struct kc_file *f, const struct node *m, const char *what)
{
	for (const char *const *k = string_fields; *k; k++) {
		const struct node *v = node_member(m, *k);
		if (v && v->kind != NODE_SCALAR)
			return fail(kc, "%s:%d:%d: %s: %s is a %s, not a string; kubectl refuses that too", f->path,
				    v->line, v->col, what, *k, v->kind == NODE_MAP ? "mapping" : "list");
	}
	return 0;
}

static int by_key_text(const void *x, const void *y)
{
	const struct node *a = *(const struct node *const *)x, *b = *(const struct node *const *)y;
	int c = strcmp(a->key->text, b->key->text);
	return c ? c : (a->line != b->line ? a->line - b->line : a->col - b->col);
}

/* The second occurrence of a key repeated in any mapping under N, or NULL:
 * which one a reader takes differs (kubectl refuses the file). */
static const struct node *duplicate_key(const struct node *n)
{
	if (!n || n->kind == NODE_SCALAR)
		return NULL;
	const struct node *dup = NULL;
	if (n->kind == NODE_MAP && n->count > 1) {
		const struct node **v = malloc(n->count * sizeof(*v));
		if (!v)
			abort();
		size_t k = 0;
		for (const struct node *c = n->first; c; c = c->next)
			if (c->key && k < n->count)
				v[k++] = c;
		qsort(v, k, sizeof(*v), by_key_text);
		for (size_t i = 1; i < k && !dup; i++)
			if (!strcmp(v[i]->key->text, v[i - 1]->key->text))
				dup = v[i]->key;
		free(v);
	}
	for (const struct node *c = n->first; c && !dup; c = c->next)
		dup = duplicate_key(c);
	return dup;
}

static int resolve_cluster(struct kc *kc, const struct kc_file *f, const struct node *cl,
			   const char *name, struct kube_auth *auth)
{
	const char *what = arena_printf(&kc->a, "cluster '%s'", name);
	if (check_strings(kc, f, cl, what))
		return -1;
	const char *server = given(cl, "server");
	if (!server)
		return fail(kc, "%s: %s has no server", f->path, what);
	if (strncmp(server, "https://", 8) && strncmp(server, "http://", 7))
		return fail(kc, "%s: %s: server '%s' is not an http(s) URL", f->path, what, server);
	const char *host = strstr(server, "://") + 3;
	if (memchr(host, '@', strcspn(host, "/")))
		return fail(kc, "%s: %s: the server URL carries credentials (user@host); put them in "
			    "the user entry", f->path, what); /* and the URL is not repeated */
	auth->server = xstrdup(server);
	size_t n = strlen(auth->server);
	while (n && auth->server[n - 1] == '/')
		auth->server[--n] = '\0';
	if (given(cl, "tls-server-name") || given(cl, "proxy-url"))
		return fail(kc, "%s: %s: tls-server-name and proxy-url are not supported by rhc", f->path, what);
	if (parse_bool(kc, f, cl, "insecure-skip-tls-verify", what, &auth->insecure))
		return -1;
	if (auth->insecure && (given(cl, "certificate-authority") || given(cl, "certificate-authority-data")))
		return fail(kc, "%s: %s: a certificate authority together with insecure-skip-tls-verify "
			    "is not allowed (kubectl refuses it too)", f->path, what);
	return kc_blob(kc, f, cl, "certificate-authority", what, &auth->ca);
}

/* Builds the environment of a credential plugin: ours, with OVERRIDE
 * ("NAME=value", NULL-ended) replacing same-named variables. */
static const char **plugin_env(struct kc *kc, const char *const *override)
{
	size_t n = 0, k = 0;
	while (environ[n])
		n++;
	while (override[k])
		k++;
	const char **env = arena_alloc(&kc->a, (n + k + 1) * sizeof(*env));
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		bool replaced = false;
		for (size_t j = 0; j < k && !replaced; j++) {
			size_t len = strcspn(override[j], "=") + 1;
			replaced = !strncmp(environ[i], override[j], len);
		}
		if (!replaced)
			env[o++] = environ[i];
	}
	for (size_t j = 0; j < k; j++)
		env[o++] = override[j];
	env[o] = NULL;
	return env;
}

static const char *first_line(struct kc *kc, const struct buf *b)
{
	if (!b->len)
		return "no message";
	size_t n = strcspn(b->data, "\r\n");
	return arena_strndup(&kc->a, b->data, n > 200 ? 200 : n);
}

/* Runs a credential program; its stdout is returned in OUT (the caller
 * wipes it). Fails with a message naming the program, never its output. */
static int run_plugin(struct kc *kc, const char *const *argv, const char *const *env_over,
		      const char *user, const char *hint, struct buf *out)
{
	struct run_opts o = {.env = plugin_env(kc, env_over), .timeout_s = EXEC_TIMEOUT_S};
	struct buf err = {.limit = 65536};
	*out = (struct buf){.limit = CRED_MAX_BYTES};
	int rc = run_capture(argv, &o, out, &err);
	const char *msg = first_line(kc, &err);
	buf_free(&err);
	if (rc == 0 && !buf_failed(out))
		return 0;
	if (rc == RUN_NOT_FOUND || rc == -1)
		return fail(kc, "credential program '%s' for user '%s' cannot be run%s%s", argv[0], user,
			    hint ? ": " : "", hint ? hint : "");
	if (rc == RUN_TIMED_OUT)
		return fail(kc, "credential program '%s' for user '%s' did not finish in %d s", argv[0],
			    user, EXEC_TIMEOUT_S);
	if (rc == 0)
		return fail(kc, "credential program '%s' for user '%s' printed more than 1 MiB", argv[0], user);
	return fail(kc, "credential program '%s' for user '%s' exited %d: %s", argv[0], user, rc, msg);
}

static const char *exec_info(struct kc *kc, const char *api, bool cluster_info, const struct kube_auth *auth)
{
	struct buf b = {0};
	buf_puts(&b, "KUBERNETES_EXEC_INFO={\"apiVersion\":\"");
	buf_puts(&b, api);
	buf_puts(&b, "\",\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":false");
	if (cluster_info) {
		buf_puts(&b, ",\"cluster\":{\"server\":");
		escape_json_string(&b, auth->server, strlen(auth->server));
		buf_printf(&b, ",\"insecure-skip-tls-verify\":%s", auth->insecure ? "true" : "false");
		if (auth->ca.data) {
			buf_puts(&b, ",\"certificate-authority-data\":\"");
			base64_encode(&b, auth->ca.data, auth->ca.len);
			buf_putc(&b, '"');
		}
		buf_putc(&b, '}');
	}
	buf_puts(&b, "}}");
	const char *s = arena_strdup(&kc->a, b.data ? b.data : "");
	buf_free(&b);
	return s;
}

/* What an ExecCredential's status hands over: a token, or a client
 * certificate and key (PEM text, not base64). */
static int take_exec_credential(struct kc *kc, const struct node *cred, const char *api,
				const char *cmd, const char *user, struct kube_auth *auth)
{
	const char *kind = kube_scalar(cred, "kind"), *version = kube_scalar(cred, "apiVersion");
	if (!kind || strcmp(kind, "ExecCredential") || !version || strcmp(version, api))
		return fail(kc, "credential program '%s' for user '%s' did not print an ExecCredential of %s",
			    cmd, user, api);
	const struct node *status = node_member(cred, "status");
	const char *token = given(status, "token");
	const char *cert = given(status, "clientCertificateData"), *key = given(status, "clientKeyData");
	if (!token && !(cert && key))
		return fail(kc, "credential program '%s' for user '%s': its ExecCredential has neither "
			    "status.token nor status.clientCertificateData and clientKeyData", cmd, user);
	if (token) {
		wipe_free(auth->token, auth->token ? strlen(auth->token) : 0);
		auth->token = xstrdup(token);
	}
	if (cert && key) {
		wipe_free(auth->cert.data, auth->cert.len);
		wipe_free(auth->key.data, auth->key.len);
		auth->cert = (struct kube_blob){xstrdup(cert), strlen(cert)};
		auth->key = (struct kube_blob){xstrdup(key), strlen(key)};
	}
	return 0;
}

static int parse_plugin_output(struct kc *kc, struct buf *out, const char *cmd, const char *user,
			       const struct node **doc)
{
	struct diags d = {0};
	*doc = json_parse(&kc->a, cmd, out->data ? out->data : "", out->len, &d);
	diags_free(&d); /* the messages may quote the output: never shown */
	if (out->data)
		explicit_bzero(out->data, out->len);
	buf_free(out);
	if (!*doc)
		return fail(kc, "credential program '%s' for user '%s' did not print JSON", cmd, user);
	return 0;
}

static int run_exec(struct kc *kc, const struct kc_file *f, const struct node *exec, const char *user,
		    struct kube_auth *auth)
{
	const char *api = kube_scalar(exec, "apiVersion"), *cmd = given(exec, "command");
	const char *mode = kube_scalar(exec, "interactiveMode"), *hint = given(exec, "installHint");
	if (!cmd)
		return fail(kc, "%s: user '%s': exec has no command", f->path, user);
	if (!api || (strcmp(api, EXEC_V1) && strcmp(api, EXEC_V1BETA1)))
		return fail(kc, "%s: user '%s': exec apiVersion '%s' is not %s or %s", f->path, user,
			    api ? api : "", EXEC_V1, EXEC_V1BETA1);
	if (mode && !strcmp(mode, "Always"))
		return fail(kc, "%s: user '%s': exec interactiveMode Always needs a terminal; rhc runs "
			    "credential programs without one", f->path, user);
	const char *argv[EXEC_MAX_ARGS + 2] = {strchr(cmd, '/') ? kc_path(kc, f, cmd) : cmd};
	size_t argc = 1;
	const struct node *args = node_member(exec, "args");
	for (const struct node *a = args && args->kind == NODE_SEQ ? args->first : NULL; a; a = a->next) {
		if (argc > EXEC_MAX_ARGS || a->kind != NODE_SCALAR)
			return fail(kc, "%s: user '%s': exec args must be at most %d strings", f->path, user, EXEC_MAX_ARGS);
		argv[argc++] = a->text;
	}
	const char *over[EXEC_MAX_ARGS + 2];
	size_t k = 0;
	const struct node *env = node_member(exec, "env");
	for (const struct node *e = env && env->kind == NODE_SEQ ? env->first : NULL; e && k < EXEC_MAX_ARGS; e = e->next)
		if (given(e, "name"))
			over[k++] = arena_printf(&kc->a, "%s=%s", given(e, "name"),
						 kube_scalar(e, "value") ? kube_scalar(e, "value") : "");
	const char *ci = kube_scalar(exec, "provideClusterInfo");
	over[k++] = exec_info(kc, api, ci && !strcmp(ci, "true"), auth);
	over[k] = NULL;
	struct buf out;
	const struct node *doc;
	if (run_plugin(kc, argv, over, user, hint, &out) ||
	    parse_plugin_output(kc, &out, cmd, user, &doc))
		return -1;
	return take_exec_credential(kc, doc, api, cmd, user, auth);
}

/* "{.credential.access_token}" -> that member of DOC. */
static const char *json_path(const struct node *doc, const char *path, struct arena *a)
{
	size_t n = strlen(path);
	if (n < 3 || path[0] != '{' || path[1] != '.' || path[n - 1] != '}')
		return NULL;
	char *p = arena_strndup(a, path + 2, n - 3);
	const struct node *v = doc;
	for (char *part = strtok(p, "."); part && v; part = strtok(NULL, "."))
		v = node_member(v, part);
	return v && v->kind == NODE_SCALAR ? v->text : NULL;
}

/* The legacy auth-provider users (gcp, oidc, azure): a cmd-path program as
 * kubectl's gcp provider runs it, else the cached id-token/access-token. */
static int run_auth_provider(struct kc *kc, const struct kc_file *f, const struct node *ap,
			     const char *user, struct kube_auth *auth)
{
	const struct node *config = node_member(ap, "config");
	const char *name = given(ap, "name") ? given(ap, "name") : "?";
	const char *cmd = given(config, "cmd-path"), *token = NULL;
	if (cmd) {
		const char *argv[EXEC_MAX_ARGS + 2] = {cmd};
		size_t argc = 1;
		char *args = arena_strdup(&kc->a, given(config, "cmd-args") ? given(config, "cmd-args") : "");
		for (char *w = strtok(args, " "); w && argc <= EXEC_MAX_ARGS; w = strtok(NULL, " "))
			argv[argc++] = w;
		const char *none[] = {NULL};
		struct buf out;
		const struct node *doc;
		if (run_plugin(kc, argv, none, user, NULL, &out) || parse_plugin_output(kc, &out, cmd, user, &doc))
			return -1;
		const char *key = given(config, "token-key") ? given(config, "token-key") : "{.access_token}";
		token = json_path(doc, key, &kc->a);
	} else {
		token = given(config, "id-token") ? given(config, "id-token") : given(config, "access-token");
	}
	if (!token || !*token)
		return fail(kc, "%s: user '%s': auth-provider '%s' gave rhc no token", f->path, user, name);
	wipe_free(auth->token, auth->token ? strlen(auth->token) : 0);
	auth->token = xstrdup(token);
	return 0;
}

static char *trimmed(char *s, size_t *len)
{
	while (*len && strchr(" \t\r\n", s[*len - 1]))
		s[--*len] = '\0';
	return s;
}

/* Static credentials: client certificate and key, token or token file,
 * basic auth. kubectl allows one of token and basic auth, not both. */
static int static_credentials(struct kc *kc, const struct kc_file *f, const struct node *u,
			      const char *what, struct kube_auth *auth)
{
	if (check_strings(kc, f, u, what))
		return -1;
	const char *token = given(u, "token"), *token_file = given(u, "tokenFile");
	const char *username = given(u, "username"), *password = given(u, "password");
	if ((token || token_file) && (username || password))
		return fail(kc, "%s: %s has more than one authentication method (token and basic auth); "
			    "kubectl refuses that too", f->path, what);
	if (kc_blob(kc, f, u, "client-certificate", what, &auth->cert) ||
	    kc_blob(kc, f, u, "client-key", what, &auth->key))
		return -1;
	if (!auth->cert.data != !auth->key.data)
		return fail(kc, "%s: %s has a client %s without a client %s", f->path, what,
			    auth->cert.data ? "certificate" : "key", auth->cert.data ? "key" : "certificate");
	if (token_file) {
		/* as in client-go, a readable token file wins over token */
		const char *path = kc_path(kc, f, token_file);
		size_t len;
		char why[READ_WHY];
		char *t = kube_read_file(path, CRED_MAX_BYTES, &len, why);
		if (!t)
			return fail(kc, "%s: %s: tokenFile %s: %s", f->path, what, path, why);
		auth->token = trimmed(t, &len);
	} else if (token) {
		auth->token = xstrdup(token);
	}
	if (username)
		auth->username = xstrdup(username);
	if (password)
		auth->password = xstrdup(password);
	return 0;
}

/* "a client certificate and a bearer token from ...": for messages. */
static void describe(struct kube_auth *auth, const char *plugin)
{
	struct buf b = {0};
	if (auth->cert.data)
		buf_puts(&b, "a client certificate");
	if (auth->token)
		buf_printf(&b, "%sa bearer token", b.len ? " and " : "");
	if (auth->username)
		buf_printf(&b, "%sbasic auth as '%s'", b.len ? " and " : "", auth->username);
	if (plugin)
		buf_printf(&b, " from %s", plugin);
	if (!b.len)
		buf_puts(&b, "no credentials (anonymous)");
	auth->via = xstrdup(b.data);
	buf_free(&b);
}

static int resolve_user(struct kc *kc, const struct kc_file *f, const struct node *u, const char *name,
			const struct kube_select *sel, struct kube_auth *auth)
{
	const char *what = arena_printf(&kc->a, "user '%s'", name);
	const struct node *exec = node_member(u, "exec"), *ap = node_member(u, "auth-provider");
	if (exec && node_is_null(exec))
		exec = NULL;
	if (ap && node_is_null(ap))
		ap = NULL;
	if (exec && ap)
		return fail(kc, "%s: %s has both exec and auth-provider; kubectl refuses that too", f->path, what);
	if (static_credentials(kc, f, u, what, auth))
		return -1;
	const char *plugin = NULL;
	if (exec || ap) {
		const char *prog = exec ? given(exec, "command") : given(ap, "name");
		plugin = arena_printf(&kc->a, "%s '%s'", exec ? "the exec credential program" : "auth-provider",
				      prog ? prog : "?");
		if (!sel->allow_exec)
			return fail(kc, "%s: %s gets its credentials from %s; rhc runs credential programs "
				    "only with --allow-exec", f->path, what, plugin);
		if (exec ? run_exec(kc, f, exec, name, auth) : run_auth_provider(kc, f, ap, name, auth))
			return -1;
	}
	describe(auth, plugin);
	return 0;
}

static const char *current_context(const struct kc *kc)
{
	for (size_t i = 0; i < kc->n; i++) {
		const char *c = given(kc->files[i].root, "current-context");
		if (c)
			return c;
	}
	return NULL;
}

static int kc_resolve(struct kc *kc, const struct kube_select *sel, struct kube_auth *auth)
{
	const char *ctx = sel->context ? sel->context : current_context(kc);
	if (!ctx)
		return fail(kc, "%s sets no current-context: pass --context NAME", kc->where);
	const struct kc_file *cf, *clf, *uf;
	const struct node *context = kc_find(kc, "contexts", "context", ctx, &cf);
	if (!cf)
		return fail(kc, "context '%s' is not in %s", ctx, kc->where);
	auth->file = xstrdup(cf->path);
	auth->context = xstrdup(ctx);
	const char *cluster = given(context, "cluster"), *user = given(context, "user");
	if (!cluster)
		return fail(kc, "%s: context '%s' names no cluster", cf->path, ctx);
	const struct node *cl = kc_find(kc, "clusters", "cluster", cluster, &clf);
	if (!clf)
		return fail(kc, "context '%s' names cluster '%s', which %s does not define", ctx, cluster, kc->where);
	auth->cluster = xstrdup(cluster);
	if (resolve_cluster(kc, clf, cl, cluster, auth))
		return -1;
	if (!user) {
		describe(auth, NULL);
		return 0;
	}
	const struct node *u = kc_find(kc, "users", "user", user, &uf);
	if (!uf)
		return fail(kc, "context '%s' names user '%s', which %s does not define", ctx, user, kc->where);
	auth->user = xstrdup(user);
	return resolve_user(kc, uf, u, user, sel, auth);
}

int kubeconfig_resolve(const struct kube_select *sel, struct kube_auth *auth, char *err, size_t errlen)
{
	struct kc kc = {.err = err, .errlen = errlen};
	memset(auth, 0, sizeof(*auth));
	err[0] = '\0';
	int rc = kc_load(&kc, sel);
	if (!rc)
		rc = kc_resolve(&kc, sel, auth);
	if (rc)
		kube_auth_free(auth);
	for (size_t i = 0; i < kc.n; i++)
		wipe_free(kc.files[i].data, kc.files[i].len);
	arena_free(&kc.a);
	return rc;
}

void kube_auth_free(struct kube_auth *auth)
{
	free(auth->file);
	free(auth->context);
	free(auth->cluster);
	free(auth->user);
	free(auth->server);
	free(auth->ca.data);
	free(auth->cert.data);
	wipe_free(auth->key.data, auth->key.len);
	wipe_free(auth->token, auth->token ? strlen(auth->token) : 0);
	free(auth->username);
	wipe_free(auth->password, auth->password ? strlen(auth->password) : 0);
	free(auth->via);
	memset(auth, 0, sizeof(*auth));
}

const char *const *kube_secrets(const struct kube_auth *auth, struct arena *a)
{
	size_t lines = 0;
	for (size_t i = 0; auth->key.data && i < auth->key.len; i++)
		lines += auth->key.data[i] == '\n';
	const char **v = arena_alloc(a, (lines + 8) * sizeof(*v));
	size_t n = 0;
	struct buf b = {0};
	if (auth->token)
		v[n++] = auth->token;
	if (auth->password) {
		v[n++] = auth->password;
		char *pair = arena_printf(a, "%s:%s", auth->username ? auth->username : "", auth->password);
		base64_encode(&b, pair, strlen(pair));
		v[n++] = arena_strndup(a, b.data ? b.data : "", b.len);
		explicit_bzero(pair, strlen(pair));
		buf_free(&b);
	}
	if (auth->key.data) {
		v[n++] = arena_strndup(a, auth->key.data, auth->key.len);
		base64_encode(&b, auth->key.data, auth->key.len);
		v[n++] = arena_strndup(a, b.data ? b.data : "", b.len);
		buf_free(&b);
		for (const char *p = auth->key.data, *end = p + auth->key.len; p < end;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
			if (len >= 16 && strncmp(p, "-----", 5))
				v[n++] = arena_strndup(a, p, len);
			p += len + 1;
		}
	}
	v[n] = NULL;
	return v;
}

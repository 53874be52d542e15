/* kubeconfig: which API server to ask, with which credentials, chosen the
 * way kubectl chooses: --kubeconfig F alone; else every file in $KUBECONFIG
 * (':'-separated, missing files ignored, the first file to define a name or
 * current-context wins); else ~/.kube/config. Read with rhc's YAML loader.
 *
 * A struct kube_auth owns every string and blob in it; kube_auth_free wipes
 * the secrets (token, password, client key) before freeing them. Error
 * messages name files, fields and entries, never a secret's value. */
#ifndef RHC_KUBECONFIG_H
#define RHC_KUBECONFIG_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "readfile.h"

#include "node.h"

#define KUBECONFIG_MAX_BYTES ((size_t)4 << 20)

struct kube_blob {
	char *data; /* PEM bytes, NUL-terminated; NULL: none */
	size_t len;
};

struct kube_auth {
	char *file;    /* the kubeconfig file that holds the context */
	char *context;
	char *cluster;
	char *user;
	char *server;  /* without a trailing '/' */
	struct kube_blob ca;
	bool insecure; /* insecure-skip-tls-verify */
	struct kube_blob cert;
	struct kube_blob key;
	char *token;
	char *username;
	char *password;
	char *via;     /* how the user authenticates, for messages */
};

struct kube_select {
	const char *kubeconfig; /* --kubeconfig: only this file */
	const char *context;	/* --context, else current-context */
	bool allow_exec;	/* run exec / auth-provider commands */
};

/* Resolves SEL into AUTH (zeroed first). Returns 0, or -1 with the reason in
 * ERR; AUTH is then empty. */
int kubeconfig_resolve(const struct kube_select *sel, struct kube_auth *auth, char *err,
		       size_t errlen);
void kube_auth_free(struct kube_auth *auth);

/* The strings of AUTH no output may carry, NULL-ended, for report_redact:
 * the token, the password and user:password in base64 (a Basic header), the
 * client key whole, in base64, and line by line. Allocated in A. */
const char *const *kube_secrets(const struct kube_auth *auth, struct arena *a);

/* The text of scalar member KEY, or NULL when absent, null or not a scalar. */
const char *kube_scalar(const struct node *map, const char *key);

/* Reads the regular file PATH, at most MAX bytes (readfile.h), into a
 * NUL-terminated buffer the caller frees. NULL with errno set and the reason
 * in WHY. */
char *kube_read_file(const char *path, size_t max, size_t *len, char why[READ_WHY]);

/* Decodes base64 (standard alphabet, padding optional, line breaks
 * ignored) into a NUL-terminated buffer the caller frees; NULL if invalid. */
char *kube_base64_decode(const char *s, size_t n, size_t *len);

#endif

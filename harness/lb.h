/* rhc verify --lb, inside harness/lb*.c: DIR's nginx.conf run by the real
 * nginx on loopback, in front of backends inside rhc. One struct lb owns
 * everything a rehearsal makes: its arena (the conf tree, names), the backend
 * listeners and their thread, the nginx process and its temp directory.
 * lb_backends_stop, lb_nginx_stop and lb_tmp_remove release them, and each
 * is safe to call when its part never started. */
#ifndef RHC_LB_H
#define RHC_LB_H
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "arena.h"
#include "nginx_conf.h"
#include "report.h"
#include "val.h"
#include "verify.h"

#define LB_MAX_NODES 1000     /* distinct upstream hosts */
#define LB_MAX_BACKENDS 4096  /* node x port listeners */
#define LB_MAX_LISTENS 64     /* forwarded ports (the schema's maxItems) */
#define LB_MAX_CONNS 256      /* backend connections open at once */
#define LB_NAME_MAX 128	      /* longest answer a backend gives */
#define LB_ERROR_MAX 256      /* a client's reason for no answer */
#define LB_TMP_MAX 200	      /* the temp directory's path */
#define LB_PATH_MAX (LB_TMP_MAX + 32) /* a file in it */

enum lb_mode { LB_UP, LB_DOWN, LB_HUNG };

/* One distinct host of the upstream servers, and its stand-in. */
struct lb_node {
	const char *host; /* as nginx.conf writes it: IPv6 in brackets */
	const char *name; /* what its backends answer: the worker's name */
	bool worker;	  /* a worker node of spec.json */
	bool server;	  /* rke2/k3s: a server node, behind the API ports */
	char addr[INET_ADDRSTRLEN]; /* its own loopback address, 127.0.x.y */
};

/* One listener: a node on one upstream port. */
struct lb_backend {
	size_t node;
	long port;	       /* the port nginx.conf names */
	bool http;	       /* port 80: answers one HTTP/1.1 response */
	int bport;	       /* where it listens on its node's address */
	int fd;		       /* listener, -1 while down; the thread's once it runs */
	enum lb_mode mode;     /* wanted by the main thread (under mu) */
	enum lb_mode applied;  /* what the thread has done (under mu) */
	int error;	       /* errno of a failed re-listen, 0 when fine */
};

/* A `server ADDR:PORT` argument of an upstream, and the backend it becomes. */
struct lb_ref {
	struct nginx_arg *arg;
	size_t backend;
};

/* One forwarded port: a `listen` of a stream server block. */
struct lb_listen {
	long port;		   /* as nginx.conf listens */
	int lport;		   /* where nginx listens instead, on 127.0.0.1 */
	struct nginx_arg *arg;	   /* the listen argument, rewritten */
	const struct nginx_directive *server;	/* its stream server block */
	const struct nginx_directive *upstream; /* its proxy_pass target or NULL */
	bool http;		   /* port 80: clients speak HTTP */
};

struct lb_conn {
	int fd;
	size_t backend;
	size_t got;		/* request bytes read (HTTP) */
	char req[1024];
	long deadline_ms;
	bool hung;		/* accepted by a hung backend: never answered */
};

struct lb {
	struct arena a;
	const struct verify_options *opt;
	struct report *r;
	const char *dir;
	const struct val *spec; /* spec.json, checked */
	const struct val *view; /* lower_spec(spec) */
	struct nginx_directive *conf;
	struct lb_node *nodes;
	size_t nnodes;
	struct lb_backend *backends;
	size_t nbackends;
	struct lb_ref *refs;
	size_t nrefs;
	struct lb_listen listens[LB_MAX_LISTENS];
	size_t nlistens;
	/* the backend thread */
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop; /* under mu */
	int wake[2];
	struct lb_conn conns[LB_MAX_CONNS]; /* the thread's */
	size_t nconns;
	/* nginx */
	const char *nginx; /* the binary */
	char tmp[LB_TMP_MAX]; /* private prefix, "" until made */
	pid_t pid;	   /* master (and process group), 0 when not running */
	int log_fd;	   /* TMP/error.log, -1 when not open */
	off_t log_off;	   /* bytes of it already read */
};

/* lb_conf.c: the parsed nginx.conf -> nodes, backends, listens; then the
 * addresses and ports rewritten in the tree, which is written back out. */
int lb_conf_collect(struct lb *lb);
int lb_conf_assign_listens(struct lb *lb);
void lb_conf_assign_servers(struct lb *lb);
void lb_conf_format(const struct nginx_directive *d, int depth, struct buf *out);
/* "host:port" -> port, 0 when none; "[v6]:port" too. */
long lb_port_of(const char *arg);
/* nginx time ("5s", "10m", "500ms", "1h30m"; bare digits are seconds) in
 * milliseconds, -1 when unreadable. */
long lb_time_ms(const char *s);
/* The first directive NAME among BLOCK's children, or in its stream block,
 * or NULL. */
const struct nginx_directive *lb_setting(const struct nginx_directive *block, const char *name);

/* lb_backend.c: listeners on the nodes' loopback addresses and one thread
 * that answers them. */
int lb_backends_bind(struct lb *lb);
int lb_backends_start(struct lb *lb);
/* Sets backend I to MODE and waits (bounded) until the thread applied it.
 * 0, or -1 when it could not (errno). */
int lb_backend_set(struct lb *lb, size_t i, enum lb_mode mode);
void lb_backends_stop(struct lb *lb);

/* lb_nginx.c: the private prefix, the nginx child, its error log, signals. */
const char *lb_nginx_find(void);
int lb_tmp_make(struct lb *lb);
void lb_tmp_remove(struct lb *lb);
int lb_conf_write(struct lb *lb);
/* Starts nginx and waits (bounded) until it listens. 0, or -1 with WHY. */
int lb_nginx_start(struct lb *lb, char *why, size_t cap);
void lb_nginx_stop(struct lb *lb);
/* Refused tries to one server, per nginx worker process. */
struct lb_tries {
	long pid[1024]; /* worker_processes is at most 1024 (the schema's) */
	int count[1024];
	size_t n;
	int total;
};
/* Adds to T (may be NULL) the lines nginx logged since the last call that
 * report a failed connect() to MARKER ("127.0.0.2:40123"); returns how
 * many there were. */
int lb_log_refused(struct lb *lb, const char *marker, struct lb_tries *t);
void lb_signals_install(struct lb *lb);
void lb_signals_restore(void);
int lb_interrupted(void); /* the signal that arrived, 0 if none */

/* lb_client.c: one connection through the load balancer. */
struct lb_answer {
	int node;	 /* the node that answered, -1 when none did */
	bool timed_out;	 /* nothing within the client's limit */
	double seconds;	 /* connect to end */
	char error[LB_ERROR_MAX]; /* why there is no answer */
};
/* Through listen L, from source address SRC (NULL: 127.0.0.1); HTTP ports
 * by libcurl (from 127.0.0.1) or a raw HTTP/1.1 request (from SRC, which
 * libcurl through http.h cannot bind); other ports plain TCP, reading the
 * answer until the server closes. RAW forces plain TCP on any port. */
void lb_connect(struct lb *lb, const struct lb_listen *l, const char *src, long timeout_ms, bool raw,
		struct lb_answer *ans);
long lb_now_ms(void);
void lb_sleep_ms(long ms);

#endif

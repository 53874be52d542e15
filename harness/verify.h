/* rhc verify: proves a built output directory right, reading only what is in
 * it (a user may have edited it, or built it with another rhc). */
#ifndef RHC_VERIFY_H
#define RHC_VERIFY_H
#include <stdbool.h>

#include "report.h"

struct verify_options {
	bool require_tools; /* a missing real tool is a FAIL, not a SKIP */
	bool lb;	    /* --lb: rehearse nginx.conf in a real nginx on loopback */
	bool cluster;	    /* --cluster: check a live cluster through its API */
	const char *kubeconfig; /* --kubeconfig F (else $KUBECONFIG, ~/.kube/config) */
	const char *context;	/* --context C (else current-context) */
	int wait_s;		/* --wait DURATION in seconds; 0: check once */
	bool allow_exec;	/* --allow-exec: run exec credential plugins */
	bool verbose;		/* --verbose: trace requests (never secrets) */
	bool rehearsal;		/* --rehearsal: a rehearsal cluster, not behind the
				 * spec's LB and without a Rancher process */
};

/* Runs the static and real-tool checks on DIR into R. Returns 0 when the
 * checks ran (see R->failed), or -1 when DIR cannot be read (errno set). */
int verify_dir(const char *dir, const struct verify_options *opt, struct report *r);

/* --lb (harness/lb.c): runs DIR's nginx.conf in a real nginx on loopback
 * against backends inside rhc; balancing and failover checks into R.
 * Returns 0 when it ran, -1 on an I/O error (errno set). */
int verify_lb(const char *dir, const struct verify_options *opt, struct report *r);

/* --cluster (harness/cluster.c): asks the Kubernetes API whether the install
 * is what DIR's spec.json says. Returns 0 when it ran, -1 on an I/O error. */
int verify_cluster(const char *dir, const struct verify_options *opt, struct report *r);

#endif

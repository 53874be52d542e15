/* A sandbox for the programs verify runs on artefacts (the scripts under
 * recorders, nginx -t): new user, mount, network, PID, IPC and UTS
 * namespaces; the whole file system read-only except one private directory;
 * no network at all (a fresh network namespace whose loopback is down); as
 * root, the process ends as nobody with no capability. Optionally the usual program
 * directories are hidden under empty read-only mounts, so only the programs
 * bound into the private directory's bin/ can run: a script line that names
 * /usr/bin/curl finds nothing there. */
#ifndef RHC_SANDBOX_H
#define RHC_SANDBOX_H
#include <stdbool.h>

#define SANDBOX_UID 65534 /* nobody, when verify runs as root */
/* Where the private directory appears inside: paths handed to the program
 * (its argv, cwd, environment) name it so, whatever it is on the host. */
#define SANDBOX_DIR "/tmp"

struct sandbox {
	const char *rw_dir;    /* the one writable path, mounted at SANDBOX_DIR */
	const char *read_only; /* a subdirectory of rw_dir that stays read-only, or NULL */
	bool hide_programs;    /* cover /usr/bin, /usr/sbin, /usr/local/bin, /usr/local/sbin */
	const char *const *bind; /* NULL-ended pairs (host program, name in SANDBOX_DIR/bin) */
};

/* In a forked child, before exec. Returns 0 in the process that goes on to
 * exec (the first process of the new PID namespace; the caller's process
 * waits for it and exits with its status). On failure writes the reason to
 * stderr and returns -1. */
int sandbox_enter(const struct sandbox *s);

/* Makes the tree under DIR usable by the sandbox's user: as root, owned by
 * SANDBOX_UID. 0 or -1 with errno. */
int sandbox_prepare(const char *dir);

#endif

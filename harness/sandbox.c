#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_BINDS 32

static const char *const program_dirs[] = {"/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin",
					   "/bin", "/sbin"};

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	int err = errno;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dprintf(2, "rhc sandbox: %s: %s\n", msg, strerror(err));
	return -1;
}

static int write_proc(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* The last step as root: nobody for good, so no signal, ptrace or file of
 * the host's root is within reach. */
static int drop_root(void)
{
	if (setgroups(0, NULL) || setresgid(SANDBOX_UID, SANDBOX_UID, SANDBOX_UID) ||
	    setresuid(SANDBOX_UID, SANDBOX_UID, SANDBOX_UID))
		return fail("cannot become uid %d", SANDBOX_UID);
	return 0;
}

static int map_ids(uid_t uid, gid_t gid)
{
	char map[64];
	if (write_proc("/proc/self/setgroups", "deny"))
		return fail("setgroups deny");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_proc("/proc/self/uid_map", map))
		return fail("uid_map");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if (write_proc("/proc/self/gid_map", map))
		return fail("gid_map");
	return 0;
}

static int hide(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return 0;
	if (mount("rhc-hidden", dir, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555"))
		return fail("hide %s", dir);
	return 0;
}

/* The file system: every mount read-only, the private directory (cloned
 * first, so it keeps its write access) on top of SANDBOX_DIR, where the
 * sandbox's user reaches it whatever the directories above it on the host. */
static int lock_down(const struct sandbox *s)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return fail("make mounts private");
	int rw = open_tree(AT_FDCWD, s->rw_dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (rw < 0)
		return fail("clone %s", s->rw_dir);
	int bin_fd[MAX_BINDS];
	size_t nbind = 0;
	for (const char *const *b = s->bind; b && b[0] && nbind < MAX_BINDS; b += 2) {
		bin_fd[nbind] = open_tree(AT_FDCWD, b[0], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (bin_fd[nbind] < 0)
			return fail("clone %s", b[0]);
		nbind++;
	}
	/* ports below 1024 for nginx -t's listen 80, in this network namespace only */
	write_proc("/proc/sys/net/ipv4/ip_unprivileged_port_start", "0");
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID};
	if (mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &ro, sizeof(ro)))
		return fail("make / read-only");
	if (s->hide_programs)
		for (size_t i = 0; i < sizeof(program_dirs) / sizeof(program_dirs[0]); i++)
			if (hide(program_dirs[i]))
				return -1;
	if (move_mount(rw, "", AT_FDCWD, SANDBOX_DIR, MOVE_MOUNT_F_EMPTY_PATH))
		return fail("mount %s on %s", s->rw_dir, SANDBOX_DIR);
	close(rw);
	if (s->read_only) {
		/* what is checked stays as it was read: no script rewrites another */
		char ro_dir[256];
		snprintf(ro_dir, sizeof(ro_dir), "%s/%s", SANDBOX_DIR, s->read_only);
		if (mount(ro_dir, ro_dir, NULL, MS_BIND, NULL) ||
		    mount(NULL, ro_dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID, NULL))
			return fail("make %s read-only", ro_dir);
	}
	size_t i = 0;
	for (const char *const *b = s->bind; b && b[0] && i < nbind; b += 2, i++) {
		char target[256];
		if ((size_t)snprintf(target, sizeof(target), "%s/bin/%s", SANDBOX_DIR, b[1]) >= sizeof(target)) {
			errno = ENAMETOOLONG;
			return fail("bind %s", b[1]);
		}
		if (move_mount(bin_fd[i], "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH))
			return fail("bind %s", target);
		close(bin_fd[i]);
	}
	return 0;
}

int sandbox_enter(const struct sandbox *s)
{
	/* Root needs no user namespace to set up the mounts, and ends as nobody
	 * with no capability at all; anyone else gets the capabilities for the
	 * setup from a user namespace of their own, and keeps nothing outside it. */
	bool root = geteuid() == 0;
	int flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (unshare(root ? flags : flags | CLONE_NEWUSER))
		return fail("new namespaces");
	if ((!root && map_ids(uid, gid)) || lock_down(s))
		return -1;
	/* The first child is PID 1 of the new namespace: when it ends, the
	 * kernel kills whatever it left behind (no orphan outlives the check). */
	pid_t pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid > 0) {
		int status = 0;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* A /proc of this namespace only: the host's processes are out of sight. */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return fail("mount /proc");
	if (root && drop_root())
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return fail("no_new_privs");
	umask(022); /* files the scripts make stay readable to the recorders, whatever rhc's umask */
	return 0;
}

static int chown_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return lchown(path, SANDBOX_UID, SANDBOX_UID);
}

int sandbox_prepare(const char *dir)
{
	if (geteuid() != 0)
		return 0;
	return nftw(dir, chown_one, 16, FTW_PHYS);
}

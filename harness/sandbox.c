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

static bool under_sandbox_dir(const char *mp)
{
	size_t n = strlen(SANDBOX_DIR);
	return !strncmp(mp, SANDBOX_DIR, n) && (mp[n] == '\0' || mp[n] == '/');
}

/* The flags a read-only remount must keep: in a user namespace a mount's
 * nosuid, nodev, noexec and atime settings are locked to what they were. */
static unsigned long kept_flags(const char *opts)
{
	static const struct {
		const char *name;
		unsigned long flag;
	} table[] = {{"nosuid", MS_NOSUID}, {"nodev", MS_NODEV}, {"noexec", MS_NOEXEC},
		     {"noatime", MS_NOATIME}, {"nodiratime", MS_NODIRATIME}, {"relatime", MS_RELATIME}};
	unsigned long flags = 0;
	for (const char *p = opts; *p;) {
		size_t n = strcspn(p, ",");
		for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
			if (strlen(table[i].name) == n && !strncmp(p, table[i].name, n))
				flags |= table[i].flag;
		p += n + (p[n] == ',');
	}
	return flags & (MS_NOATIME | MS_RELATIME) ? flags : flags | MS_STRICTATIME;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

/* Every mount of this namespace read-only, but those at SANDBOX_DIR (ours).
 * Plain mount(2) calls, so that older kernels and valgrind follow. */
static int remount_all_read_only(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return fail("read /proc/self/mountinfo");
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	while (!rc && getline(&line, &cap, f) > 0) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... */
		char *field[6];
		char *save = NULL, *p = line;
		size_t n = 0;
		for (char *t; n < 6 && (t = strtok_r(p, " ", &save)); p = NULL)
			field[n++] = t;
		if (n < 6)
			continue;
		unescape(field[4]);
		if (under_sandbox_dir(field[4]))
			continue;
		unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | kept_flags(field[5]);
		/* gone, or out of reach for us and so for the sandbox's user too */
		if (mount("none", field[4], "none", flags, NULL) && errno != ENOENT && errno != EACCES)
			rc = fail("make %s read-only", field[4]);
	}
	free(line);
	fclose(f);
	return rc;
}

static int bind_path(const char *from, const char *to, bool read_only)
{
	if (mount(from, to, "none", MS_BIND | MS_REC, NULL))
		return fail("bind %s on %s", from, to);
	if (read_only && mount("none", to, "none", MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID, NULL))
		return fail("make %s read-only", to);
	return 0;
}

/* The file system: the private directory bound on SANDBOX_DIR (where the
 * sandbox's user reaches it whatever the directories above it on the host)
 * with the allowed programs bound read-only into its bin/; then every other
 * mount read-only and the program directories hidden. */
static int lock_down(const struct sandbox *s)
{
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL))
		return fail("make mounts private");
	if (bind_path(s->rw_dir, SANDBOX_DIR, false))
		return -1;
	if (s->read_only) {
		/* what is checked stays as it was read: no script rewrites another */
		char ro_dir[256];
		snprintf(ro_dir, sizeof(ro_dir), "%s/%s", SANDBOX_DIR, s->read_only);
		if (bind_path(ro_dir, ro_dir, true))
			return -1;
	}
	for (const char *const *b = s->bind; b && b[0]; b += 2) {
		char target[256];
		if ((size_t)snprintf(target, sizeof(target), "%s/bin/%s", SANDBOX_DIR, b[1]) >= sizeof(target)) {
			errno = ENAMETOOLONG;
			return fail("bind %s", b[1]);
		}
		if (bind_path(b[0], target, true))
			return -1;
	}
	/* ports below 1024 for nginx -t's listen 80, in this network namespace only */
	write_proc("/proc/sys/net/ipv4/ip_unprivileged_port_start", "0");
	if (remount_all_read_only())
		return -1;
	if (s->hide_programs)
		for (size_t i = 0; i < sizeof(program_dirs) / sizeof(program_dirs[0]); i++)
			if (hide(program_dirs[i]))
				return -1;
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

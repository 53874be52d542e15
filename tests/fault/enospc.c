/* LD_PRELOAD shim for tests: once RHC_FAULT_WRITE_BUDGET bytes have been
 * written to regular files, write() fails with ENOSPC, as on a full disk;
 * with RHC_FAULT_SIGNAL=N it raises signal N there instead (a build
 * interrupted half way).
 * Lets the suite prove a failed build loses nothing without a real full
 * file system (which needs privileges CI may not have). */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

ssize_t write(int fd, const void *buf, size_t n);

static long long budget = -2;

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real_write)(int, const void *, size_t);
	if (!real_write)
		real_write = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (budget == -2) {
		const char *b = getenv("RHC_FAULT_WRITE_BUDGET");
		budget = b ? atoll(b) : -1;
	}
	struct stat st;
	if (budget >= 0 && fd > 2 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if ((long long)n > budget) {
			const char *sig = getenv("RHC_FAULT_SIGNAL");
			if (sig)
				raise(atoi(sig));
			errno = ENOSPC;
			return -1;
		}
		budget -= (long long)n;
	}
	return real_write(fd, buf, n);
}

/* RHC_FAULT_BEFORE_SWAP=CMD: runs CMD (sh -c) before the first renameat2,
 * i.e. just before rhc build swaps its output into place: lets a test put
 * another directory at DIR during the build. */
int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)
{
	static int (*real)(int, const char *, int, const char *, unsigned int);
	static int done;
	if (!real)
		real = (int (*)(int, const char *, int, const char *, unsigned int))dlsym(RTLD_NEXT, "renameat2");
	const char *cmd = getenv("RHC_FAULT_BEFORE_SWAP");
	if (cmd && !done++ && system(cmd) != 0)
		return errno = EIO, -1;
	return real(olddirfd, oldpath, newdirfd, newpath, flags);
}

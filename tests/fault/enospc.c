/* LD_PRELOAD shim for tests: once RHC_FAULT_WRITE_BUDGET bytes have been
 * written to regular files, write() fails with ENOSPC, as on a full disk.
 * Lets the suite prove a failed build loses nothing without a real full
 * file system (which needs privileges CI may not have). */
#include <dlfcn.h>
#include <errno.h>
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
			errno = ENOSPC;
			return -1;
		}
		budget -= (long long)n;
	}
	return real_write(fd, buf, n);
}

#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t m)
{
	return S_ISFIFO(m) ? " (a FIFO)" : S_ISCHR(m) || S_ISBLK(m) ? " (a device)" : S_ISSOCK(m) ? " (a socket)"
	       : S_ISDIR(m) ? " (a directory)" : "";
}

char *read_regular(int dfd, const char *path, int flags, size_t max, size_t *len, char why[READ_WHY])
{
	int fd = openat(dfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | flags);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		int err = errno;
		snprintf(why, READ_WHY, "%s", err == ELOOP && (flags & O_NOFOLLOW) ? "is a symbolic link, not a regular file"
										 : strerror(err));
		if (fd >= 0)
			close(fd);
		errno = err;
		return NULL;
	}
	char *data = NULL;
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, READ_WHY, "is not a regular file%s", kind_of(st.st_mode));
		errno = EINVAL;
	} else if ((unsigned long long)st.st_size > max) {
		snprintf(why, READ_WHY, "is %lld bytes, more than the %zu %s", (long long)st.st_size,
			 max >= (1 << 20) ? max >> 20 : max, max >= (1 << 20) ? "MiB it may be" : "bytes it may be");
		errno = EFBIG;
	} else {
		size_t want = (size_t)st.st_size, got = 0;
		data = malloc(want + 1);
		if (!data)
			abort();
		/* never past the size fstat gave: a file that grows is cut there */
		while (got < want) {
			ssize_t n = read(fd, data + got, want - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				int err = n < 0 ? errno : EIO;
				snprintf(why, READ_WHY, "%s", n < 0 ? strerror(err) : "became shorter while it was read");
				free(data);
				data = NULL;
				errno = err;
				break;
			}
			got += (size_t)n;
		}
		if (data) {
			data[got] = '\0';
			*len = got;
		}
	}
	int err = errno;
	close(fd);
	errno = err;
	return data;
}

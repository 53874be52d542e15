/* Every file verify reads (a directory's files, a kubeconfig and the files
 * it names, spec.json for --lb and --cluster) comes through here: opened
 * without blocking and without a controlling terminal, its type and size
 * checked by fstat before a byte is read, so a FIFO, /dev/zero or a 10 GB
 * sparse file is refused at once, by name. */
#ifndef RHC_READFILE_H
#define RHC_READFILE_H
#include <stddef.h>

#define READ_WHY 160

/* Reads the regular file PATH (relative to directory DFD, or AT_FDCWD) whole
 * into a NUL-terminated buffer the caller frees. FLAGS: extra open flags
 * (O_NOFOLLOW). At most MAX bytes: a larger file is not read. NULL on
 * failure with errno set and the reason in WHY ("is not a regular file (a
 * FIFO)", "is 10737418240 bytes, more than 4194304", or strerror). */
char *read_regular(int dfd, const char *path, int flags, size_t max, size_t *len, char why[READ_WHY]);

#endif

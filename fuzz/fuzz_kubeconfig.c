/* verify --cluster's kubeconfig reader: any bytes as a kubeconfig file
 * (handed over through a memfd, so nothing touches the disk), with exec
 * plugins refused, and the base64 decoder it uses for certificate data. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kubeconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 0;
	free(kube_base64_decode((const char *)data, size, &len));
	int fd = memfd_create("kubeconfig", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		char path[64], err[512];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		struct kube_select sel = {.kubeconfig = path, .allow_exec = false};
		struct kube_auth auth;
		if (kubeconfig_resolve(&sel, &auth, err, sizeof(err)) == 0 && !auth.server)
			abort(); /* resolved, but with no server to ask */
		kube_auth_free(&auth);
	}
	close(fd);
	return 0;
}

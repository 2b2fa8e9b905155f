// SPDX-License-Identifier: LGPL-2.1 OR MIT
/* device.c - libmpcsign: the /dev/mpcsign ioctl wrappers. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "libmpcsign.h"

struct mpcsign {
	int fd;
};

int mpcsign_open(struct mpcsign **out, const char *path)
{
	struct mpcsign *h;
	int fd;

	if (!out)
		return -EINVAL;
	*out = NULL;
	fd = open(path ? path : MPCSIGN_DEFAULT_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	h = calloc(1, sizeof(*h));
	if (!h) {
		close(fd);
		return -ENOMEM;
	}
	h->fd = fd;
	*out = h;
	return 0;
}

void mpcsign_close(struct mpcsign *h)
{
	if (!h)
		return;
	close(h->fd);
	free(h);
}

int mpcsign_fd(const struct mpcsign *h)
{
	return h ? h->fd : -EBADF;
}

int mpcsign_get_info(struct mpcsign *h, struct mpcsign_info *info)
{
	if (!h || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	if (ioctl(h->fd, MPCSIGN_IOC_GET_INFO, info) < 0)
		return -errno;
	return 0;
}

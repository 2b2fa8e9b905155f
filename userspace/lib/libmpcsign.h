/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * libmpcsign.h - the public API of libmpcsign.
 *
 * A thin libc wrapper over the /dev/mpcsign ioctls and the "mpcsign" generic
 * netlink family, plus the public (coordinator-side) computations of the
 * core.  Every function returns 0 (or a non-negative count) on success and a
 * negative errno on failure; errno itself is left as the syscall set it.
 */
#ifndef LIBMPCSIGN_H
#define LIBMPCSIGN_H

#include <stddef.h>
#include <stdint.h>
#include <linux/mpcsign.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MPCSIGN_DEFAULT_PATH "/dev/mpcsign"

struct mpcsign;		/* an open handle on the device */

/* Open the device (path NULL = /dev/mpcsign).  *out set on success. */
int mpcsign_open(struct mpcsign **out, const char *path);
void mpcsign_close(struct mpcsign *h);
/* The device's file descriptor (for poll or raw ioctls). */
int mpcsign_fd(const struct mpcsign *h);

/* MPCSIGN_IOC_GET_INFO; info->size/flags/reserved are set by the library. */
int mpcsign_get_info(struct mpcsign *h, struct mpcsign_info *info);

/* The same data over generic netlink (MPCSIGN_CMD_GET_INFO), via libnl. */
int mpcsign_nl_get_info(struct mpcsign_info *info);

#ifdef __cplusplus
}
#endif
#endif

/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mpcsign - threshold-signing key store: the userspace ABI.
 *
 * Shared by the kernel module (kmod/) and userspace (userspace/lib).
 * Documentation/uapi.rst explains the rules; in short:
 *
 *  - Every ioctl argument struct starts with "__u32 size; __u32 flags;".
 *    size is sizeof() of the struct as the caller knows it.  The kernel
 *    accepts any size >= the first published size of that struct
 *    (MPCSIGN_*_SIZE_VER0); fields the kernel does not know must be zero
 *    (-E2BIG otherwise), fields the caller does not know are treated as
 *    zero.  On output the kernel writes min(size, its own size) bytes.
 *    The ioctl number is matched on type and number only, so the size
 *    encoded by _IOWR() is that of the current struct and callers built
 *    against an older header keep working.
 *  - flags and every reserved field must be zero (-EINVAL otherwise).
 *  - Pointers to user memory are __aligned_u64; lengths are __u32.
 *  - Errors are negative errnos, each documented at its command.
 *
 * Generic netlink family MPCSIGN_GENL_NAME carries management and
 * monitoring; the attribute tree of each command is documented below.
 */
#ifndef _UAPI_LINUX_MPCSIGN_H
#define _UAPI_LINUX_MPCSIGN_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define MPCSIGN_ABI_VERSION	1
#define MPCSIGN_DEVICE_NAME	"mpcsign"	/* /dev/mpcsign */
#define MPCSIGN_IOC_MAGIC	0xC5	/* free in Documentation/userspace-api/ioctl/ioctl-number.rst */
#define MPCSIGN_VERSION_LEN	32

/**
 * struct mpcsign_info - MPCSIGN_IOC_GET_INFO
 * @size:		in: sizeof(struct mpcsign_info) as the caller knows it
 * @flags:		in: must be 0
 * @abi_version:	out: MPCSIGN_ABI_VERSION of the module
 * @max_keys:		out: key shares the module holds at most (all users)
 * @max_nonces:		out: outstanding secret nonces at most (all users)
 * @max_signers:	out: signers in one signing session at most
 * @max_msg_len:	out: longest message to sign, in bytes
 * @max_participants:	out: participants n in one DKG session at most
 * @module_version:	out: NUL-terminated module version string
 * @reserved:		in: must be 0; out: 0
 *
 * Errors: -EFAULT bad pointer; -EINVAL size < MPCSIGN_INFO_SIZE_VER0,
 * size > PAGE_SIZE, flags or reserved nonzero; -E2BIG nonzero bytes past the
 * kernel's struct.
 */
struct mpcsign_info {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 max_keys;
	__u32 max_nonces;
	__u32 max_signers;
	__u32 max_msg_len;
	__u32 max_participants;
	char module_version[MPCSIGN_VERSION_LEN];
	__aligned_u64 reserved[4];
};
#define MPCSIGN_INFO_SIZE_VER0	96

/* ioctl numbers: 0x00-0x0f module, 0x10-0x2f keys and signing, 0x30-0x4f DKG */
#define MPCSIGN_IOC_GET_INFO	_IOWR(MPCSIGN_IOC_MAGIC, 0x00, struct mpcsign_info)

/*
 * Generic netlink.
 *
 * MPCSIGN_CMD_GET_INFO (no request attributes; unprivileged) replies with:
 *   MPCSIGN_A_ABI_VERSION	u32
 *   MPCSIGN_A_MODULE_VERSION	NUL-terminated string
 *   MPCSIGN_A_MAX_KEYS		u32
 *   MPCSIGN_A_MAX_NONCES	u32
 *   MPCSIGN_A_MAX_SIGNERS	u32
 *   MPCSIGN_A_MAX_MSG_LEN	u32
 *   MPCSIGN_A_MAX_PARTICIPANTS	u32
 * Unknown request attributes are rejected (-EINVAL, strict validation).
 */
#define MPCSIGN_GENL_NAME	"mpcsign"
#define MPCSIGN_GENL_VERSION	1

enum mpcsign_genl_cmd {
	MPCSIGN_CMD_UNSPEC,
	MPCSIGN_CMD_GET_INFO,
	__MPCSIGN_CMD_MAX,
};
#define MPCSIGN_CMD_MAX (__MPCSIGN_CMD_MAX - 1)

enum mpcsign_genl_attr {
	MPCSIGN_A_UNSPEC,
	MPCSIGN_A_ABI_VERSION,
	MPCSIGN_A_MODULE_VERSION,
	MPCSIGN_A_MAX_KEYS,
	MPCSIGN_A_MAX_NONCES,
	MPCSIGN_A_MAX_SIGNERS,
	MPCSIGN_A_MAX_MSG_LEN,
	MPCSIGN_A_MAX_PARTICIPANTS,
	__MPCSIGN_A_MAX,
};
#define MPCSIGN_A_MAX (__MPCSIGN_A_MAX - 1)

#endif /* _UAPI_LINUX_MPCSIGN_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * mpcsign_test.c - kselftests of the mpcsign module (run in the VM with the
 * module loaded, as root).  Uses the kernel's kselftest_harness.h.
 *
 * Covers: the device node and its permissions, MPCSIGN_IOC_GET_INFO and its
 * ABI rules (unknown ioctl, sizes, flags, reserved fields, extension tail,
 * bad pointers, no uninitialised bytes), GET_INFO over generic netlink, and
 * the load-time self-test log line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <grp.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include "kselftest_harness.h"
#include "libmpcsign.h"

#define DEV "/dev/mpcsign"
#define NOBODY 65534

static unsigned int read_param(const char *name)
{
	char path[128], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/mpcsign/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return (unsigned int)strtoul(buf, NULL, 10);
}

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", DEV, strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST(device_node_is_root_only)
{
	struct stat st;

	ASSERT_EQ(0, stat(DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(10, major(st.st_rdev));	/* misc device */
}

TEST_F(dev, get_info)
{
	struct mpcsign_info info;

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	ASSERT_EQ(0, ioctl(self->fd, MPCSIGN_IOC_GET_INFO, &info));
	EXPECT_EQ(MPCSIGN_ABI_VERSION, info.abi_version);
	EXPECT_EQ(sizeof(info), info.size);
	EXPECT_STREQ("0.1.0", info.module_version);
	EXPECT_EQ(read_param("max_keys"), info.max_keys);
	EXPECT_EQ(read_param("max_nonces"), info.max_nonces);
	EXPECT_EQ(read_param("max_signers"), info.max_signers);
	EXPECT_EQ(read_param("max_msg_len"), info.max_msg_len);
	EXPECT_EQ(read_param("max_participants"), info.max_participants);
	EXPECT_LT(0, info.max_keys);
	EXPECT_LE(100, info.max_participants);
	EXPECT_EQ(0, info.reserved[0] | info.reserved[1] | info.reserved[2] | info.reserved[3]);
}

TEST_F(dev, get_info_library_matches_raw_ioctl)
{
	struct mpcsign_info a, b;
	struct mpcsign *h;

	ASSERT_EQ(0, mpcsign_open(&h, NULL));
	ASSERT_EQ(0, mpcsign_get_info(h, &a));
	mpcsign_close(h);
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	ASSERT_EQ(0, ioctl(self->fd, MPCSIGN_IOC_GET_INFO, &b));
	EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));
}

TEST_F(dev, unknown_ioctl_is_enotty)
{
	struct mpcsign_info info = { .size = sizeof(info) };

	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(MPCSIGN_IOC_MAGIC, 0x7f, struct mpcsign_info), &info));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR('x', 0x00, struct mpcsign_info), &info));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IO(MPCSIGN_IOC_MAGIC, 0x01), 0));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(dev, bad_size_is_einval)
{
	uint8_t buf[8192] = { 0 };
	struct mpcsign_info *info = (struct mpcsign_info *)buf;
	const uint32_t sizes[] = { 0, 4, 8, MPCSIGN_INFO_SIZE_VER0 - 1, 4097, 0xffffffff };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(buf, 0, sizeof(buf));
		info->size = sizes[i];
		EXPECT_EQ(-1, ioctl(self->fd, MPCSIGN_IOC_GET_INFO, buf)) TH_LOG("size %u", sizes[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("size %u", sizes[i]);
	}
}

TEST_F(dev, nonzero_flags_or_reserved_is_einval)
{
	struct mpcsign_info info;
	int i;

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MPCSIGN_IOC_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	for (i = 0; i < 4; i++) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		info.reserved[i] = 1ULL << (i * 9);
		EXPECT_EQ(-1, ioctl(self->fd, MPCSIGN_IOC_GET_INFO, &info));
		EXPECT_EQ(EINVAL, errno);
	}
}

TEST_F(dev, larger_struct_extension_rules)
{
	uint8_t buf[sizeof(struct mpcsign_info) + 64];
	struct mpcsign_info *info = (struct mpcsign_info *)buf;
	size_t i;

	/* a newer caller with a zero tail: accepted, the tail left zero */
	memset(buf, 0, sizeof(buf));
	info->size = sizeof(buf);
	ASSERT_EQ(0, ioctl(self->fd, MPCSIGN_IOC_GET_INFO, buf));
	EXPECT_EQ(MPCSIGN_ABI_VERSION, info->abi_version);
	EXPECT_EQ(sizeof(struct mpcsign_info), info->size);
	for (i = sizeof(struct mpcsign_info); i < sizeof(buf); i++)
		EXPECT_EQ(0, buf[i]);
	/* a nonzero byte the kernel does not know: E2BIG */
	memset(buf, 0, sizeof(buf));
	info->size = sizeof(buf);
	buf[sizeof(buf) - 1] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MPCSIGN_IOC_GET_INFO, buf));
	EXPECT_EQ(E2BIG, errno);
}

TEST_F(dev, every_output_byte_written)
{
	struct mpcsign_info info;
	uint8_t *p = (uint8_t *)&info;
	size_t i, off;

	/* fill the output fields with a pattern: the kernel must overwrite them */
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	memset(&info.abi_version, 0xa5, offsetof(struct mpcsign_info, reserved) -
	       offsetof(struct mpcsign_info, abi_version));
	ASSERT_EQ(0, ioctl(self->fd, MPCSIGN_IOC_GET_INFO, &info));
	off = offsetof(struct mpcsign_info, module_version) + strlen(info.module_version);
	for (i = off; i < offsetof(struct mpcsign_info, reserved); i++)
		EXPECT_EQ(0, p[i]) TH_LOG("byte %zu not cleared", i);
}

TEST_F(dev, bad_pointer_is_efault)
{
	void *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, page);
	EXPECT_EQ(-1, ioctl(self->fd, MPCSIGN_IOC_GET_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MPCSIGN_IOC_GET_INFO, page));
	EXPECT_EQ(EFAULT, errno);
	munmap(page, 4096);
}

/* A read-only descriptor may look (GET_INFO, *_INFO, LIST) but not change. */
TEST(read_only_descriptor_cannot_change_anything)
{
	struct mpcsign_info info;
	struct mpcsign_nonce_gen ng;
	struct mpcsign_host_key hk;
	int fd = open(DEV, O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	EXPECT_EQ(0, ioctl(fd, MPCSIGN_IOC_GET_INFO, &info));
	memset(&ng, 0, sizeof(ng));
	ng.size = sizeof(ng);
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_NONCE_GEN, &ng));
	EXPECT_EQ(EBADF, errno);
	memset(&hk, 0, sizeof(hk));
	hk.size = sizeof(hk);
	EXPECT_EQ(-1, ioctl(fd, MPCSIGN_IOC_HOST_KEY_CREATE, &hk));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(fd, _IOWR(MPCSIGN_IOC_MAGIC, 0x7f, struct mpcsign_info), &info));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
}

TEST(unprivileged_user_is_denied)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct mpcsign *h;
		int fd;

		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(10);
		fd = open(DEV, O_RDWR);
		if (fd >= 0)
			_exit(11);
		if (errno != EACCES)
			_exit(12);
		if (mpcsign_open(&h, NULL) != -EACCES)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST(netlink_get_info_matches_ioctl)
{
	struct mpcsign_info a, b;
	struct mpcsign *h;

	ASSERT_EQ(0, mpcsign_open(&h, NULL));
	ASSERT_EQ(0, mpcsign_get_info(h, &a));
	mpcsign_close(h);
	ASSERT_EQ(0, mpcsign_nl_get_info(&b));
	EXPECT_EQ(a.abi_version, b.abi_version);
	EXPECT_STREQ(a.module_version, b.module_version);
	EXPECT_EQ(a.max_keys, b.max_keys);
	EXPECT_EQ(a.max_nonces, b.max_nonces);
	EXPECT_EQ(a.max_signers, b.max_signers);
	EXPECT_EQ(a.max_msg_len, b.max_msg_len);
	EXPECT_EQ(a.max_participants, b.max_participants);
}

/* Send GET_INFO with or without an attribute; return the kernel's answer. */
static int nl_get_info_raw(int with_attr)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg = nlmsg_alloc();
	int family, ret = -ENOMEM;

	if (!sk || !msg)
		goto out;
	ret = genl_connect(sk);
	if (ret < 0)
		goto out;
	family = genl_ctrl_resolve(sk, MPCSIGN_GENL_NAME);
	ret = family;
	if (family < 0)
		goto out;
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, MPCSIGN_CMD_GET_INFO,
		    MPCSIGN_GENL_VERSION);
	if (with_attr)
		nla_put_u32(msg, MPCSIGN_A_MAX_KEYS, 5);
	ret = nl_send_auto(sk, msg);
	if (ret >= 0)
		ret = nl_recvmsgs_default(sk);	/* the NLMSG_ERROR answer, if any */
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	return ret;
}

TEST(netlink_get_info_rejects_attributes)
{
	EXPECT_EQ(0, nl_get_info_raw(0));
	EXPECT_EQ(-NLE_INVAL, nl_get_info_raw(1));
}

TEST(selftest_logged_at_load)
{
	char rec[2048];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	int found = 0;
	ssize_t n;

	ASSERT_LE(0, fd);
	while ((n = read(fd, rec, sizeof(rec) - 1)) != 0) {
		if (n < 0) {
			if (errno == EPIPE)
				continue;	/* overwritten records */
			break;
		}
		rec[n] = 0;
		if (strstr(rec, "mpcsign: self-test passed"))
			found = 1;
	}
	close(fd);
	EXPECT_TRUE(found);
}

TEST_HARNESS_MAIN

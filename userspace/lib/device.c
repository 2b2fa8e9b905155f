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

/* ioctl that returns -errno; the struct is written back either way */
static int do_ioctl(struct mpcsign *h, unsigned long cmd, void *arg)
{
	if (!h)
		return -EINVAL;
	return ioctl(h->fd, cmd, arg) < 0 ? -errno : 0;
}

int mpcsign_key_import(struct mpcsign *h, uint32_t my_id, uint32_t t, uint32_t n,
		       const uint8_t secshare[32], const uint8_t thresh_pk[33],
		       const uint8_t (*pubshares)[33], uint32_t *handle)
{
	struct mpcsign_key_import ki;
	int ret;

	if (!secshare || !thresh_pk || !pubshares || !handle)
		return -EINVAL;
	memset(&ki, 0, sizeof(ki));
	ki.size = sizeof(ki);
	ki.my_id = my_id;
	ki.t = t;
	ki.n = n;
	ki.pubshares = (uintptr_t)pubshares;
	ki.pubshares_len = n * 33;
	memcpy(ki.secshare, secshare, 32);
	memcpy(ki.thresh_pk, thresh_pk, 33);
	ret = do_ioctl(h, MPCSIGN_IOC_KEY_IMPORT, &ki);
	if (!ret)
		*handle = ki.handle;
	explicit_bzero(&ki, sizeof(ki));
	return ret;
}

int mpcsign_key_info(struct mpcsign *h, uint32_t handle, struct mpcsign_key_info *out,
		     uint8_t (*pubshares)[33], size_t max)
{
	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->handle = handle;
	if (pubshares) {
		out->pubshares = (uintptr_t)pubshares;
		out->pubshares_len = max * 33 > UINT32_MAX ? UINT32_MAX : (uint32_t)(max * 33);
	}
	return do_ioctl(h, MPCSIGN_IOC_KEY_INFO, out);
}

int mpcsign_key_delete(struct mpcsign *h, uint32_t handle)
{
	struct mpcsign_key_delete kd;

	memset(&kd, 0, sizeof(kd));
	kd.size = sizeof(kd);
	kd.handle = handle;
	return do_ioctl(h, MPCSIGN_IOC_KEY_DELETE, &kd);
}

int mpcsign_nonce_gen(struct mpcsign *h, uint32_t key_handle,
		      const struct mpcsign_nonce_opts *opts, uint8_t pubnonce[66],
		      uint32_t *nonce_handle)
{
	struct mpcsign_nonce_gen ng;
	int ret;

	if (!pubnonce || !nonce_handle)
		return -EINVAL;
	memset(&ng, 0, sizeof(ng));
	ng.size = sizeof(ng);
	ng.key_handle = key_handle;
	if (opts) {
		if (opts->msg_len > UINT32_MAX || opts->extra_in_len > UINT32_MAX)
			return -E2BIG;
		if (opts->has_msg) {
			ng.flags |= MPCSIGN_NONCE_F_MSG;
			ng.msg = (uintptr_t)opts->msg;
			ng.msg_len = (uint32_t)opts->msg_len;
		}
		if (opts->extra_in) {
			ng.flags |= MPCSIGN_NONCE_F_EXTRA_IN;
			ng.extra_in = (uintptr_t)opts->extra_in;
			ng.extra_in_len = (uint32_t)opts->extra_in_len;
		}
		if (opts->thresh_pk_x) {
			ng.flags |= MPCSIGN_NONCE_F_THRESH_PK;
			memcpy(ng.thresh_pk_x, opts->thresh_pk_x, 32);
		}
	}
	ret = do_ioctl(h, MPCSIGN_IOC_NONCE_GEN, &ng);
	if (!ret) {
		memcpy(pubnonce, ng.pubnonce, 66);
		*nonce_handle = ng.nonce_handle;
	}
	return ret;
}

int mpcsign_sign(struct mpcsign *h, uint32_t nonce_handle,
		 const struct mpcsign_session *s, uint8_t psig[32], uint32_t *blame)
{
	struct mpcsign_sign sg;
	int ret;

	if (!s || !psig || !s->aggnonce)
		return -EINVAL;
	if (s->msg_len > UINT32_MAX)
		return -E2BIG;
	memset(&sg, 0, sizeof(sg));
	sg.size = sizeof(sg);
	sg.nonce_handle = nonce_handle;
	sg.num_signers = s->num_signers;
	sg.ids = (uintptr_t)s->ids;
	sg.pubshares = (uintptr_t)s->pubshares;
	sg.num_tweaks = s->num_tweaks;
	sg.tweaks = (uintptr_t)s->tweaks;
	sg.tweak_xonly = s->tweak_xonly;
	sg.msg = (uintptr_t)s->msg;
	sg.msg_len = (uint32_t)s->msg_len;
	memcpy(sg.aggnonce, s->aggnonce, 66);
	ret = do_ioctl(h, MPCSIGN_IOC_SIGN, &sg);
	/* the kernel reports a blame only when the core ran (detail != 0) */
	if (blame)
		*blame = ret && sg.detail ? sg.blame : MPCSIGN_BLAME_NONE;
	if (!ret)
		memcpy(psig, sg.psig, 32);
	return ret;
}

int mpcsign_host_key_sign(struct mpcsign *h, uint32_t handle, const uint8_t msg32[32],
			  uint8_t sig[64])
{
	struct mpcsign_host_key_sign a;
	int ret;

	if (!msg32 || !sig)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.handle = handle;
	memcpy(a.msg, msg32, sizeof(a.msg));
	ret = do_ioctl(h, MPCSIGN_IOC_HOST_KEY_SIGN, &a);
	if (!ret)
		memcpy(sig, a.sig, sizeof(a.sig));
	return ret;
}

int mpcsign_host_key_lookup(struct mpcsign *h, const uint8_t hostpubkey[33],
			    uint32_t *handle)
{
	struct mpcsign_host_key_lookup a;
	int ret;

	if (!hostpubkey || !handle)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	memcpy(a.hostpubkey, hostpubkey, sizeof(a.hostpubkey));
	ret = do_ioctl(h, MPCSIGN_IOC_HOST_KEY_LOOKUP, &a);
	if (!ret)
		*handle = a.handle;
	return ret;
}

int mpcsign_key_lookup(struct mpcsign *h, const uint8_t thresh_pk[33], const uint32_t *my_id,
		       uint32_t *handle, uint32_t *found_id)
{
	struct mpcsign_key_lookup a;
	int ret;

	if (!thresh_pk || !handle)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	memcpy(a.thresh_pk, thresh_pk, sizeof(a.thresh_pk));
	if (my_id) {
		a.flags = MPCSIGN_LOOKUP_F_ID;
		a.my_id = *my_id;
	}
	ret = do_ioctl(h, MPCSIGN_IOC_KEY_LOOKUP, &a);
	if (!ret) {
		*handle = a.handle;
		if (found_id)
			*found_id = a.my_id;
	}
	return ret;
}

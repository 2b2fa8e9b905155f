// SPDX-License-Identifier: LGPL-2.1 OR MIT
/* netlink.c - libmpcsign: the "mpcsign" generic netlink family, via libnl. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include "libmpcsign.h"

struct nl_reply {
	struct mpcsign_info *info;
	int seen;
	int err;
};

static int get_info_cb(struct nl_msg *msg, void *arg)
{
	struct nl_reply *r = arg;
	struct nlattr *tb[MPCSIGN_A_MAX + 1];
	struct mpcsign_info *info = r->info;
	int ret;

	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, MPCSIGN_A_MAX, NULL);
	if (ret < 0) {
		r->err = -EBADMSG;
		return NL_STOP;
	}
	if (!tb[MPCSIGN_A_ABI_VERSION] || !tb[MPCSIGN_A_MODULE_VERSION]) {
		r->err = -EBADMSG;
		return NL_STOP;
	}
	info->abi_version = nla_get_u32(tb[MPCSIGN_A_ABI_VERSION]);
	strncpy(info->module_version, nla_get_string(tb[MPCSIGN_A_MODULE_VERSION]),
		sizeof(info->module_version) - 1);
#define GET_U32(attr, field) \
	do { if (tb[attr]) info->field = nla_get_u32(tb[attr]); } while (0)
	GET_U32(MPCSIGN_A_MAX_KEYS, max_keys);
	GET_U32(MPCSIGN_A_MAX_NONCES, max_nonces);
	GET_U32(MPCSIGN_A_MAX_SIGNERS, max_signers);
	GET_U32(MPCSIGN_A_MAX_MSG_LEN, max_msg_len);
	GET_U32(MPCSIGN_A_MAX_PARTICIPANTS, max_participants);
#undef GET_U32
	r->seen = 1;
	return NL_OK;
}

static int nl_err_to_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_INVAL:
		return -EINVAL;
	default:
		return -EIO;
	}
}

int mpcsign_nl_get_info(struct mpcsign_info *info)
{
	struct nl_reply r = { .info = info };
	struct nl_sock *sk;
	struct nl_msg *msg = NULL;
	int family, ret;

	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	ret = genl_connect(sk);
	if (ret < 0) {
		ret = nl_err_to_errno(ret);
		goto out;
	}
	family = genl_ctrl_resolve(sk, MPCSIGN_GENL_NAME);
	if (family < 0) {
		ret = -ENOENT;	/* module not loaded */
		goto out;
	}
	ret = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, get_info_cb, &r);
	if (ret < 0) {
		ret = nl_err_to_errno(ret);
		goto out;
	}
	msg = nlmsg_alloc();
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
			 MPCSIGN_CMD_GET_INFO, MPCSIGN_GENL_VERSION)) {
		ret = -ENOMEM;
		goto out;
	}
	ret = nl_send_auto(sk, msg);
	if (ret < 0) {
		ret = nl_err_to_errno(ret);
		goto out;
	}
	ret = nl_recvmsgs_default(sk);
	if (ret < 0)
		ret = nl_err_to_errno(ret);
	else if (r.err)
		ret = r.err;
	else if (!r.seen)
		ret = -EBADMSG;
	else
		ret = 0;
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	return ret;
}

/* --- audit events ---------------------------------------------------------------- */

struct mpcsign_audit {
	struct nl_sock *sk;
	struct mpcsign_audit_record *ev;	/* where the callback puts the next event */
	int got;
};

static int audit_cb(struct nl_msg *msg, void *arg)
{
	struct mpcsign_audit *a = arg;
	struct nlattr *tb[MPCSIGN_A_MAX + 1];
	struct mpcsign_audit_record *ev = a->ev;

	if (!ev || a->got)
		return NL_SKIP;	/* one event per call; later ones wait in the socket */
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, MPCSIGN_A_MAX, NULL) < 0 ||
	    !tb[MPCSIGN_A_AUDIT_EVENT])
		return NL_SKIP;
	memset(ev, 0, sizeof(*ev));
	ev->event = nla_get_u32(tb[MPCSIGN_A_AUDIT_EVENT]);
	if (tb[MPCSIGN_A_RESULT])
		ev->result = (int32_t)nla_get_u32(tb[MPCSIGN_A_RESULT]);
	if (tb[MPCSIGN_A_KEY])
		ev->key = nla_get_u32(tb[MPCSIGN_A_KEY]);
	if (tb[MPCSIGN_A_NONCE])
		ev->nonce = nla_get_u32(tb[MPCSIGN_A_NONCE]);
	if (tb[MPCSIGN_A_UID])
		ev->uid = nla_get_u32(tb[MPCSIGN_A_UID]);
	if (tb[MPCSIGN_A_PID])
		ev->pid = nla_get_u32(tb[MPCSIGN_A_PID]);
	if (tb[MPCSIGN_A_MSG_HASH] && nla_len(tb[MPCSIGN_A_MSG_HASH]) == 32) {
		memcpy(ev->msg_hash, nla_data(tb[MPCSIGN_A_MSG_HASH]), 32);
		ev->has_msg_hash = 1;
	}
	a->got = 1;
	return NL_OK;
}

int mpcsign_audit_open(struct mpcsign_audit **out)
{
	struct mpcsign_audit *a;
	int grp, ret;

	if (!out)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->sk = nl_socket_alloc();
	if (!a->sk) {
		free(a);
		return -ENOMEM;
	}
	nl_socket_disable_seq_check(a->sk);
	ret = genl_connect(a->sk);
	if (ret < 0) {
		ret = nl_err_to_errno(ret);
		goto fail;
	}
	grp = genl_ctrl_resolve_grp(a->sk, MPCSIGN_GENL_NAME, MPCSIGN_GENL_MCGRP_AUDIT);
	if (grp < 0) {
		ret = -ENOENT;
		goto fail;
	}
	ret = nl_socket_add_membership(a->sk, grp);
	if (ret < 0) {
		ret = ret == -NLE_PERM ? -EPERM : nl_err_to_errno(ret);
		goto fail;
	}
	nl_socket_modify_cb(a->sk, NL_CB_VALID, NL_CB_CUSTOM, audit_cb, a);
	*out = a;
	return 0;
fail:
	nl_socket_free(a->sk);
	free(a);
	return ret;
}

int mpcsign_audit_next(struct mpcsign_audit *a, struct mpcsign_audit_record *ev,
		       int timeout_ms)
{
	struct pollfd pfd;
	int ret;

	if (!a || !ev)
		return -EINVAL;
	a->ev = ev;
	a->got = 0;
	while (!a->got) {
		pfd.fd = nl_socket_get_fd(a->sk);
		pfd.events = POLLIN;
		ret = poll(&pfd, 1, timeout_ms);
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return -ETIMEDOUT;
		ret = nl_recvmsgs_default(a->sk);
		if (ret < 0)
			return nl_err_to_errno(ret);
	}
	a->ev = NULL;
	return 0;
}

void mpcsign_audit_close(struct mpcsign_audit *a)
{
	if (!a)
		return;
	nl_socket_free(a->sk);
	free(a);
}

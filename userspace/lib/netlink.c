// SPDX-License-Identifier: LGPL-2.1 OR MIT
/* netlink.c - libmpcsign: the "mpcsign" generic netlink family, via libnl. */
#include <errno.h>
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

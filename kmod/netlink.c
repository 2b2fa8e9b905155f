// SPDX-License-Identifier: GPL-2.0
/*
 * netlink.c - the "mpcsign" generic netlink family (management/monitoring).
 * The attribute tree of each command is documented in the UAPI header.
 */
#include <linux/module.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <net/genetlink.h>
#include "internal.h"
#include "core/hash.h"

static const struct nla_policy mpcsign_genl_policy[MPCSIGN_A_MAX + 1] = {
	[MPCSIGN_A_ABI_VERSION] = { .type = NLA_U32 },
	[MPCSIGN_A_MODULE_VERSION] = { .type = NLA_NUL_STRING,
				       .len = MPCSIGN_VERSION_LEN - 1 },
	[MPCSIGN_A_MAX_KEYS] = { .type = NLA_U32 },
	[MPCSIGN_A_MAX_NONCES] = { .type = NLA_U32 },
	[MPCSIGN_A_MAX_SIGNERS] = { .type = NLA_U32 },
	[MPCSIGN_A_MAX_MSG_LEN] = { .type = NLA_U32 },
	[MPCSIGN_A_MAX_PARTICIPANTS] = { .type = NLA_U32 },
	[MPCSIGN_A_AUDIT_EVENT] = { .type = NLA_U32 },
	[MPCSIGN_A_RESULT] = { .type = NLA_S32 },
	[MPCSIGN_A_KEY] = { .type = NLA_U32 },
	[MPCSIGN_A_NONCE] = { .type = NLA_U32 },
	[MPCSIGN_A_MSG_HASH] = NLA_POLICY_EXACT_LEN(32),
	[MPCSIGN_A_UID] = { .type = NLA_U32 },
	[MPCSIGN_A_PID] = { .type = NLA_U32 },
};

enum { MPCSIGN_MCGRP_AUDIT_IDX };

static const struct genl_multicast_group mpcsign_mcgrps[] = {
	[MPCSIGN_MCGRP_AUDIT_IDX] = {
		.name = MPCSIGN_GENL_MCGRP_AUDIT,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static struct genl_family mpcsign_genl_family;

static int mpcsign_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct mpcsign_info mi;
	struct sk_buff *msg;
	void *hdr;

	/* GET_INFO takes no attributes */
	if (nlmsg_attrlen(info->nlhdr, GENL_HDRLEN) > 0) {
		GENL_SET_ERR_MSG(info, "GET_INFO takes no attributes");
		return -EINVAL;
	}
	memset(&mi, 0, sizeof(mi));
	mpcsign_fill_info(&mi);

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &mpcsign_genl_family, 0,
				MPCSIGN_CMD_GET_INFO);
	if (!hdr)
		goto nla_fail;
	if (nla_put_u32(msg, MPCSIGN_A_ABI_VERSION, mi.abi_version) ||
	    nla_put_string(msg, MPCSIGN_A_MODULE_VERSION, mi.module_version) ||
	    nla_put_u32(msg, MPCSIGN_A_MAX_KEYS, mi.max_keys) ||
	    nla_put_u32(msg, MPCSIGN_A_MAX_NONCES, mi.max_nonces) ||
	    nla_put_u32(msg, MPCSIGN_A_MAX_SIGNERS, mi.max_signers) ||
	    nla_put_u32(msg, MPCSIGN_A_MAX_MSG_LEN, mi.max_msg_len) ||
	    nla_put_u32(msg, MPCSIGN_A_MAX_PARTICIPANTS, mi.max_participants))
		goto nla_fail;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_fail:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_small_ops mpcsign_genl_ops[] = {
	{
		.cmd = MPCSIGN_CMD_GET_INFO,
		.doit = mpcsign_nl_get_info,
	},
};

static struct genl_family mpcsign_genl_family __ro_after_init = {
	.name = MPCSIGN_GENL_NAME,
	.version = MPCSIGN_GENL_VERSION,
	.maxattr = MPCSIGN_A_MAX,
	.policy = mpcsign_genl_policy,
	.module = THIS_MODULE,
	.small_ops = mpcsign_genl_ops,
	.n_small_ops = ARRAY_SIZE(mpcsign_genl_ops),
	.mcgrps = mpcsign_mcgrps,
	.n_mcgrps = ARRAY_SIZE(mpcsign_mcgrps),
	.netnsok = true,
};

/*
 * Report an event to the audit group (no-op without listeners).  For SIGN,
 * the SHA-256 of msg is sent; msg NULL with msg_len 0 means "not read" (no
 * hash attribute); an empty message is a non-NULL msg with msg_len 0.
 * Process context (GFP_KERNEL).
 */
void mpcsign_audit(u32 event, int result, u32 key, u32 nonce, const u8 *msg,
		   size_t msg_len)
{
	struct sk_buff *skb;
	u8 hash[32];
	void *hdr;

	if (!genl_has_listeners(&mpcsign_genl_family, &init_net, MPCSIGN_MCGRP_AUDIT_IDX))
		return;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &mpcsign_genl_family, 0, MPCSIGN_CMD_AUDIT_EVENT);
	if (!hdr)
		goto fail;
	if (nla_put_u32(skb, MPCSIGN_A_AUDIT_EVENT, event) ||
	    nla_put_s32(skb, MPCSIGN_A_RESULT, result) ||
	    nla_put_u32(skb, MPCSIGN_A_KEY, key) ||
	    nla_put_u32(skb, MPCSIGN_A_NONCE, nonce) ||
	    nla_put_u32(skb, MPCSIGN_A_UID, from_kuid_munged(&init_user_ns, current_euid())) ||
	    nla_put_u32(skb, MPCSIGN_A_PID, task_tgid_nr(current)))
		goto fail;
	if (event == MPCSIGN_AUDIT_SIGN && msg) {
		mpc_sha256(hash, msg, msg_len);
		if (nla_put(skb, MPCSIGN_A_MSG_HASH, sizeof(hash), hash))
			goto fail;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&mpcsign_genl_family, skb, 0, MPCSIGN_MCGRP_AUDIT_IDX, GFP_KERNEL);
	return;
fail:
	nlmsg_free(skb);
}

int mpcsign_genl_init(void)
{
	return genl_register_family(&mpcsign_genl_family);
}

void mpcsign_genl_exit(void)
{
	genl_unregister_family(&mpcsign_genl_family);
}

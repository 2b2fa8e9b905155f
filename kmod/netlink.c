// SPDX-License-Identifier: GPL-2.0
/*
 * netlink.c - the "mpcsign" generic netlink family (management/monitoring).
 * The attribute tree of each command is documented in the UAPI header.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include "internal.h"

static const struct nla_policy mpcsign_genl_policy[MPCSIGN_A_MAX + 1] = {
	[MPCSIGN_A_ABI_VERSION] = { .type = NLA_U32 },
	[MPCSIGN_A_MODULE_VERSION] = { .type = NLA_NUL_STRING,
				       .len = MPCSIGN_VERSION_LEN - 1 },
	[MPCSIGN_A_MAX_KEYS] = { .type = NLA_U32 },
	[MPCSIGN_A_MAX_NONCES] = { .type = NLA_U32 },
	[MPCSIGN_A_MAX_SIGNERS] = { .type = NLA_U32 },
	[MPCSIGN_A_MAX_MSG_LEN] = { .type = NLA_U32 },
	[MPCSIGN_A_MAX_PARTICIPANTS] = { .type = NLA_U32 },
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
	.netnsok = true,
};

int mpcsign_genl_init(void)
{
	return genl_register_family(&mpcsign_genl_family);
}

void mpcsign_genl_exit(void)
{
	genl_unregister_family(&mpcsign_genl_family);
}

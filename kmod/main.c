// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - mpcsign module entry: parameters, bring-up and tear-down.
 *
 * Parts come up in order (self-test, core tables, device, netlink) and
 * are unwound in reverse by the goto ladder.  Nothing is registered before
 * the self-test passed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include "internal.h"
#include "core/ecmult.h"

struct mpcsign_limits mpcsign_limits = {
	.max_keys = 1024,
	.max_nonces = 4096,
	.max_signers = 256,
	.max_msg_len = 65536,
	.max_participants = 256,
	.max_threshold = 256,
	.max_host_keys = 64,
	.max_dkg_sessions = 16,
	.uid_max_keys = 256,
	.uid_max_nonces = 1024,
	.uid_max_host_keys = 16,
	.uid_max_dkg_sessions = 8,
};

module_param_named(max_keys, mpcsign_limits.max_keys, uint, 0444);
MODULE_PARM_DESC(max_keys, "Key shares held at most (default 1024)");
module_param_named(max_nonces, mpcsign_limits.max_nonces, uint, 0444);
MODULE_PARM_DESC(max_nonces, "Outstanding secret nonces at most (default 4096)");
module_param_named(max_signers, mpcsign_limits.max_signers, uint, 0444);
MODULE_PARM_DESC(max_signers, "Signers in one signing session at most (default 256)");
module_param_named(max_msg_len, mpcsign_limits.max_msg_len, uint, 0444);
MODULE_PARM_DESC(max_msg_len, "Longest message to sign in bytes (default 65536)");
module_param_named(max_participants, mpcsign_limits.max_participants, uint, 0444);
MODULE_PARM_DESC(max_participants, "DKG participants n at most (default 256)");
module_param_named(max_threshold, mpcsign_limits.max_threshold, uint, 0444);
MODULE_PARM_DESC(max_threshold, "DKG threshold t at most (default 256)");
module_param_named(max_host_keys, mpcsign_limits.max_host_keys, uint, 0444);
MODULE_PARM_DESC(max_host_keys, "Host keys held at most (default 64)");
module_param_named(max_dkg_sessions, mpcsign_limits.max_dkg_sessions, uint, 0444);
MODULE_PARM_DESC(max_dkg_sessions, "Concurrent DKG sessions at most (default 16)");
module_param_named(uid_max_keys, mpcsign_limits.uid_max_keys, uint, 0444);
MODULE_PARM_DESC(uid_max_keys, "Key shares one uid may hold (default 256; CAP_SYS_ADMIN: no limit)");
module_param_named(uid_max_nonces, mpcsign_limits.uid_max_nonces, uint, 0444);
MODULE_PARM_DESC(uid_max_nonces, "Outstanding nonces of one uid (default 1024)");
module_param_named(uid_max_host_keys, mpcsign_limits.uid_max_host_keys, uint, 0444);
MODULE_PARM_DESC(uid_max_host_keys, "Host keys of one uid (default 16)");
module_param_named(uid_max_dkg_sessions, mpcsign_limits.uid_max_dkg_sessions, uint, 0444);
MODULE_PARM_DESC(uid_max_dkg_sessions, "DKG sessions of one uid (default 8)");

void mpcsign_fill_info(struct mpcsign_info *info)
{
	info->abi_version = MPCSIGN_ABI_VERSION;
	info->max_keys = mpcsign_limits.max_keys;
	info->max_nonces = mpcsign_limits.max_nonces;
	info->max_signers = mpcsign_limits.max_signers;
	info->max_msg_len = mpcsign_limits.max_msg_len;
	info->max_participants = mpcsign_limits.max_participants;
	strscpy(info->module_version, MPCSIGN_MODULE_VERSION,
		sizeof(info->module_version));
}

/*
 * Bounds on the parameters themselves: no size computation can overflow,
 * and no single ioctl or walk over a store (under its lock, or from the PM
 * notifier) runs unboundedly long.  The core's work grows as u^2 for SIGN
 * (u signers, no scheduling point inside) and as n^2 (hashing) plus n
 * ECDHs and t^2 point additions for a DKG step, with a scheduling point per
 * participant (mpc_cond_resched) and no lock shared with other sessions
 * held (dkg.c): seconds of CPU at n = t = 1024, in pieces of about a
 * millisecond.
 */
#define MPCSIGN_CAP_SIGNERS	1024
#define MPCSIGN_CAP_PARTICIPANTS 1024
#define MPCSIGN_CAP_OBJECTS	65536	/* keys, nonces */
#define MPCSIGN_CAP_HOST_KEYS	4096
#define MPCSIGN_CAP_SESSIONS	1024

static int mpcsign_check_limits(void)
{
	struct mpcsign_limits *l = &mpcsign_limits;

	if (!l->max_keys || !l->max_nonces || l->max_signers < 1 ||
	    !l->max_host_keys || !l->max_dkg_sessions || !l->max_threshold ||
	    l->max_keys > MPCSIGN_CAP_OBJECTS || l->max_nonces > MPCSIGN_CAP_OBJECTS ||
	    l->max_signers > MPCSIGN_CAP_SIGNERS || l->max_msg_len > (16u << 20) ||
	    l->max_participants < 2 || l->max_participants > MPCSIGN_CAP_PARTICIPANTS ||
	    l->max_threshold > MPCSIGN_CAP_PARTICIPANTS ||
	    l->max_host_keys > MPCSIGN_CAP_HOST_KEYS ||
	    l->max_dkg_sessions > MPCSIGN_CAP_SESSIONS ||
	    !l->uid_max_keys || !l->uid_max_nonces || !l->uid_max_host_keys ||
	    !l->uid_max_dkg_sessions) {
		pr_err("module parameter out of range (max_keys, max_nonces <= %u; max_signers, max_participants, max_threshold <= %u; max_host_keys <= %u; max_dkg_sessions <= %u; max_msg_len <= 16 MiB; none 0, nor a uid_max_*)\n",
		       MPCSIGN_CAP_OBJECTS, MPCSIGN_CAP_SIGNERS, MPCSIGN_CAP_HOST_KEYS,
		       MPCSIGN_CAP_SESSIONS);
		return -EINVAL;
	}
	return 0;
}

static int __init mpcsign_init(void)
{
	int ret;

	ret = mpcsign_check_limits();
	if (ret)
		return ret;

	ret = mpc_ecmult_init();
	if (ret)
		return ret;
	ret = mpcsign_selftest();
	if (ret) {
		pr_err("self-test failed, refusing to load\n");
		goto err_core;
	}
	pr_info("self-test passed\n");
	/* the device last: once it is registered, it can be used */
	ret = mpcsign_pm_init();
	if (ret)
		goto err_core;
	ret = mpcsign_genl_init();
	if (ret)
		goto err_pm;
	ret = mpcsign_device_init();
	if (ret)
		goto err_genl;
	pr_info("loaded, ABI %d, version %s\n", MPCSIGN_ABI_VERSION,
		MPCSIGN_MODULE_VERSION);
	return 0;

err_genl:
	mpcsign_genl_exit();
err_pm:
	mpcsign_pm_exit();
err_core:
	mpc_ecmult_exit();
	return ret;
}

static void __exit mpcsign_exit(void)
{
	mpcsign_device_exit();
	mpcsign_genl_exit();
	mpcsign_pm_exit();
	mpcsign_dkg_exit();
	mpcsign_keystore_exit();
	mpcsign_quota_exit();
	mpc_ecmult_exit();
	pr_info("unloaded\n");
}

module_init(mpcsign_init);
module_exit(mpcsign_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mpcsign: threshold-signing key store (FROST / ChillDKG)");
MODULE_AUTHOR("mpcsign developers");
MODULE_VERSION(MPCSIGN_MODULE_VERSION);

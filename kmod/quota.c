// SPDX-License-Identifier: GPL-2.0
/*
 * quota.c - per-uid limits on the objects a caller can make.
 *
 * The global limits (max_keys, max_nonces, max_host_keys, max_dkg_sessions)
 * bound kernel memory; these bound what one uid can take of them, so that
 * one user (or one runaway service) cannot use up the store for the others.
 * Callers with CAP_SYS_ADMIN are counted but not limited.  Over the limit:
 * -EDQUOT, as for keyring quotas.
 *
 * Counts live in an xarray indexed by the uid (in the initial namespace),
 * one small entry per uid that holds anything, freed when its counts are all
 * zero.  Charging allocates the entry beforehand (process context), so the
 * xarray lock is only held for the lookup and the counters.
 */
#include <linux/slab.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>
#include "internal.h"

struct mpcsign_uid_use {
	unsigned int n[MPCSIGN_QUOTA_KINDS];
};

static DEFINE_XARRAY(mpcsign_uid_uses);

static unsigned int mpcsign_quota_limit(enum mpcsign_quota_kind kind)
{
	switch (kind) {
	case MPCSIGN_QUOTA_KEYS:
		return mpcsign_limits.uid_max_keys;
	case MPCSIGN_QUOTA_NONCES:
		return mpcsign_limits.uid_max_nonces;
	case MPCSIGN_QUOTA_HOST_KEYS:
		return mpcsign_limits.uid_max_host_keys;
	default:
		return mpcsign_limits.uid_max_dkg_sessions;
	}
}

int mpcsign_quota_charge(kuid_t uid, enum mpcsign_quota_kind kind, bool admin)
{
	unsigned long id = from_kuid(&init_user_ns, uid);
	struct mpcsign_uid_use *use, *fresh;
	int ret = 0;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	xa_lock(&mpcsign_uid_uses);
	use = xa_load(&mpcsign_uid_uses, id);
	if (!use) {
		ret = -ENOMEM;
		if (!fresh)
			goto out;
		ret = xa_err(__xa_store(&mpcsign_uid_uses, id, fresh, GFP_ATOMIC));
		if (ret)
			goto out;
		use = fresh;
		fresh = NULL;
	}
	if (!admin && use->n[kind] >= mpcsign_quota_limit(kind)) {
		ret = -EDQUOT;
		goto out;
	}
	use->n[kind]++;
out:
	xa_unlock(&mpcsign_uid_uses);
	kfree(fresh);
	return ret;
}

void mpcsign_quota_uncharge(kuid_t uid, enum mpcsign_quota_kind kind)
{
	unsigned long id = from_kuid(&init_user_ns, uid);
	struct mpcsign_uid_use *use, *dead = NULL;
	int k;

	xa_lock(&mpcsign_uid_uses);
	use = xa_load(&mpcsign_uid_uses, id);
	if (!WARN_ON_ONCE(!use || !use->n[kind])) {
		use->n[kind]--;
		for (k = 0; k < MPCSIGN_QUOTA_KINDS && !use->n[k]; k++)
			;
		if (k == MPCSIGN_QUOTA_KINDS) {
			__xa_erase(&mpcsign_uid_uses, id);
			dead = use;
		}
	}
	xa_unlock(&mpcsign_uid_uses);
	kfree(dead);
}

/* At unload every object is gone, so is every entry: one left is a bug. */
void mpcsign_quota_exit(void)
{
	struct mpcsign_uid_use *use;
	unsigned long idx;

	xa_for_each(&mpcsign_uid_uses, idx, use) {
		WARN_ONCE(1, "mpcsign: uid %lu still charged at unload\n", idx);
		kfree(use);
	}
	xa_destroy(&mpcsign_uid_uses);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * pm.c - secrets and system sleep.
 *
 * Hibernation writes all of RAM, key shares and host secrets included, to
 * the swap device: it is refused (-EBUSY) while the module holds any key
 * share, host key or DKG session.  Before any suspend or hibernation every
 * outstanding secret nonce is wiped: a nonce must never outlive a machine
 * state that could be resumed twice (a restored image, a cloned VM).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/notifier.h>
#include <linux/suspend.h>
#include "internal.h"

static int mpcsign_pm_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	switch (action) {
	case PM_HIBERNATION_PREPARE:
		mpcsign_keystore_wipe_nonces();
		if (mpcsign_keystore_count() || mpcsign_dkg_count()) {
			pr_warn("hibernation refused: key shares or host keys are held (they would be written to disk)\n");
			return notifier_from_errno(-EBUSY);
		}
		return NOTIFY_OK;
	case PM_SUSPEND_PREPARE:
		mpcsign_keystore_wipe_nonces();
		return NOTIFY_OK;
	default:
		return NOTIFY_DONE;
	}
}

static struct notifier_block mpcsign_pm_nb = {
	.notifier_call = mpcsign_pm_notify,
};

int mpcsign_pm_init(void)
{
	return register_pm_notifier(&mpcsign_pm_nb);
}

void mpcsign_pm_exit(void)
{
	unregister_pm_notifier(&mpcsign_pm_nb);
}

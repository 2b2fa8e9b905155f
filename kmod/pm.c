// SPDX-License-Identifier: GPL-2.0
/*
 * pm.c - secrets and system sleep.
 *
 * Hibernation writes all of RAM, key shares and host secrets included, to
 * the swap device: it is refused (-EBUSY) while the module holds any key
 * share, host key or DKG session.  Before any suspend (or an allowed
 * hibernation) every outstanding secret nonce is wiped: a nonce must never
 * outlive a machine state that could be resumed twice (a restored image, a
 * cloned VM).
 *
 * The kernel calls the notifier before it freezes processes, so ioctls may
 * still run: every ioctl that makes a secret runs under
 * mpcsign_sleep_sem (read) and fails with -EBUSY while mpcsign_sleeping is
 * set.  PREPARE takes the semaphore for writing (waiting for the ioctls in
 * flight), sets the flag, and only then counts and wipes; POST clears it.
 * The kernel sends POST after a failed PREPARE only to the notifiers before
 * the one that failed (notifier_call_chain_robust), so when we refuse we
 * clear the flag ourselves.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/notifier.h>
#include <linux/suspend.h>
#include "internal.h"

static DECLARE_RWSEM(mpcsign_sleep_sem);
static bool mpcsign_sleeping;	/* under mpcsign_sleep_sem */

bool mpcsign_sleep_enter_ioctl(void)
{
	down_read(&mpcsign_sleep_sem);
	if (!mpcsign_sleeping)
		return true;
	up_read(&mpcsign_sleep_sem);
	return false;
}

void mpcsign_sleep_leave_ioctl(void)
{
	up_read(&mpcsign_sleep_sem);
}

static void mpcsign_set_sleeping(bool on)
{
	down_write(&mpcsign_sleep_sem);
	mpcsign_sleeping = on;
	up_write(&mpcsign_sleep_sem);
}

static int mpcsign_pm_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	switch (action) {
	case PM_HIBERNATION_PREPARE:
		mpcsign_set_sleeping(true);
		/* refuse before wiping: a refused attempt costs no signing session */
		if (mpcsign_keystore_count() || mpcsign_dkg_count()) {
			pr_warn("hibernation refused: key shares or host keys are held (they would be written to disk)\n");
			mpcsign_set_sleeping(false);	/* no POST for us */
			return notifier_from_errno(-EBUSY);
		}
		mpcsign_keystore_wipe_nonces();
		return NOTIFY_OK;
	case PM_SUSPEND_PREPARE:
		mpcsign_set_sleeping(true);
		mpcsign_keystore_wipe_nonces();
		return NOTIFY_OK;
	case PM_POST_HIBERNATION:
	case PM_POST_SUSPEND:
		mpcsign_set_sleeping(false);
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

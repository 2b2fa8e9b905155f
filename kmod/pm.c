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
 * still run.  Every ioctl that makes a secret is counted in flight
 * (mpcsign_sleep_enter_ioctl) and fails with -EBUSY once a sleep has begun.
 * PREPARE marks the sleep begun, then waits for the ioctls in flight to end,
 * at most MPCSIGN_SLEEP_WAIT: an ioctl can be stalled indefinitely in a
 * user-memory fault (a FUSE or userfaultfd page), and a stalled caller must
 * not hang the machine's suspend, so after the wait the sleep is refused
 * (-EBUSY) instead.  Only then does it count and wipe.  POST ends the sleep.
 * The kernel sends POST after a failed PREPARE only to the notifiers before
 * the one that failed (notifier_call_chain_robust), so when we refuse we end
 * it ourselves.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/notifier.h>
#include <linux/spinlock.h>
#include <linux/suspend.h>
#include <linux/wait.h>
#include "internal.h"

#define MPCSIGN_SLEEP_WAIT (2 * HZ)

static DEFINE_SPINLOCK(mpcsign_sleep_lock);
static DECLARE_WAIT_QUEUE_HEAD(mpcsign_sleep_wq);
static unsigned int mpcsign_inflight;	/* under mpcsign_sleep_lock */
static bool mpcsign_sleeping;		/* under mpcsign_sleep_lock */

bool mpcsign_sleep_enter_ioctl(void)
{
	bool ok;

	spin_lock(&mpcsign_sleep_lock);
	ok = !mpcsign_sleeping;
	if (ok)
		mpcsign_inflight++;
	spin_unlock(&mpcsign_sleep_lock);
	return ok;
}

void mpcsign_sleep_leave_ioctl(void)
{
	bool idle;

	spin_lock(&mpcsign_sleep_lock);
	idle = !--mpcsign_inflight;
	spin_unlock(&mpcsign_sleep_lock);
	if (idle)
		wake_up(&mpcsign_sleep_wq);
}

static bool mpcsign_idle(void)
{
	bool idle;

	spin_lock(&mpcsign_sleep_lock);
	idle = !mpcsign_inflight;
	spin_unlock(&mpcsign_sleep_lock);
	return idle;
}

static void mpcsign_set_sleeping(bool on)
{
	spin_lock(&mpcsign_sleep_lock);
	mpcsign_sleeping = on;
	spin_unlock(&mpcsign_sleep_lock);
}

/* Begin a sleep: no new secret-making ioctl, none in flight (or -EBUSY). */
static int mpcsign_sleep_begin(void)
{
	mpcsign_set_sleeping(true);
	if (wait_event_timeout(mpcsign_sleep_wq, mpcsign_idle(), MPCSIGN_SLEEP_WAIT))
		return 0;
	mpcsign_set_sleeping(false);	/* refused: no POST for us */
	pr_warn("system sleep refused: an ioctl that makes a secret did not finish\n");
	return -EBUSY;
}

static int mpcsign_pm_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	int ret;

	switch (action) {
	case PM_HIBERNATION_PREPARE:
		ret = mpcsign_sleep_begin();
		if (ret)
			return notifier_from_errno(ret);
		/* refuse before wiping: a refused attempt costs no signing session */
		if (mpcsign_keystore_count() || mpcsign_dkg_count()) {
			pr_warn("hibernation refused: key shares or host keys are held (they would be written to disk)\n");
			mpcsign_set_sleeping(false);	/* no POST for us */
			return notifier_from_errno(-EBUSY);
		}
		mpcsign_keystore_wipe_nonces();
		return NOTIFY_OK;
	case PM_SUSPEND_PREPARE:
		ret = mpcsign_sleep_begin();
		if (ret)
			return notifier_from_errno(ret);
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

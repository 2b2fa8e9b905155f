// SPDX-License-Identifier: GPL-2.0
/*
 * mpc_canary.c - the test of the debug kernel's detectors.
 *
 * Loaded by the VM's /init on the debug kernel with bug=NAME[,NAME...]
 * (MPC_CANARY on the kernel command line, tests/vm/debug-canary.sh), it
 * commits each named bug once at load time, so that the run must report it:
 *
 *   leak     a kmalloc()'d block whose only pointer is dropped (kmemleak)
 *   sleep    might_sleep() under a spinlock (DEBUG_ATOMIC_SLEEP)
 *   lockdep  two mutexes taken in both orders, one after the other, which
 *            never deadlocks here but could with two threads (lockdep's
 *            "possible circular locking dependency"); lockdep is off after it
 *   uaf      a read of a kfree()'d block (KASAN; panics the guest)
 *   ubsan    an array index one past the end (UBSAN bounds; panics the guest)
 *
 * Never part of the module under test; only built against the debug kernel.
 */
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "comma-separated bugs to commit at load: leak,sleep,lockdep,uaf,ubsan");

static DEFINE_MUTEX(canary_a);
static DEFINE_MUTEX(canary_b);
static DEFINE_SPINLOCK(canary_lock);
static int canary_array[4];

static noinline void canary_leak(void)
{
	void *p = kmalloc(200, GFP_KERNEL);

	if (!p)
		return;
	memset(p, 0x5a, 200);
	pr_info("mpc_canary: leak: 200 bytes at a pointer now forgotten\n");
	/* the only copy of p dies here */
}

static noinline void canary_sleep(void)
{
	pr_info("mpc_canary: sleep: might_sleep() under a spinlock\n");
	spin_lock(&canary_lock);
	might_sleep();
	spin_unlock(&canary_lock);
}

static noinline void canary_lockdep(void)
{
	pr_info("mpc_canary: lockdep: a then b, then b then a\n");
	mutex_lock(&canary_a);
	mutex_lock(&canary_b);
	mutex_unlock(&canary_b);
	mutex_unlock(&canary_a);

	mutex_lock(&canary_b);
	mutex_lock(&canary_a);
	mutex_unlock(&canary_a);
	mutex_unlock(&canary_b);
}

static noinline int canary_uaf(void)
{
	char *p = kmalloc(64, GFP_KERNEL);
	int v;

	if (!p)
		return -ENOMEM;
	memset(p, 1, 64);
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	pr_info("mpc_canary: uaf: reading a freed block\n");
	v = READ_ONCE(p[8]);
	return v;
}

static noinline int canary_ubsan(void)
{
	int i = ARRAY_SIZE(canary_array);

	OPTIMIZER_HIDE_VAR(i);
	pr_info("mpc_canary: ubsan: index %d of an array of %zu\n", i, ARRAY_SIZE(canary_array));
	return canary_array[i];
}

static int __init canary_init(void)
{
	char *list, *cur, *name;
	int ret = 0;

	list = kstrdup(bug, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while ((name = strsep(&cur, ",")) != NULL) {
		if (!*name)
			continue;
		if (!strcmp(name, "leak")) {
			canary_leak();
		} else if (!strcmp(name, "sleep")) {
			canary_sleep();
		} else if (!strcmp(name, "lockdep")) {
			canary_lockdep();
		} else if (!strcmp(name, "uaf")) {
			pr_info("mpc_canary: uaf read %d (not reached with kasan.fault=panic)\n", canary_uaf());
		} else if (!strcmp(name, "ubsan")) {
			pr_info("mpc_canary: ubsan read %d (not reached with panic_on_warn)\n", canary_ubsan());
		} else {
			pr_err("mpc_canary: unknown bug '%s' (leak, sleep, lockdep, uaf, ubsan)\n", name);
			ret = -EINVAL;
			break;
		}
	}
	kfree(list);
	return ret;
}

static void __exit canary_exit(void)
{
}

module_init(canary_init);
module_exit(canary_exit);
MODULE_DESCRIPTION("mpcsign test VM: known bugs for the debug kernel's detectors");
MODULE_LICENSE("GPL");

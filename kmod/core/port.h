/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * port.h - the one portability header of the mpcsign core.
 *
 * Everything under kmod/core/ is plain C that builds both into mpcsign.ko
 * and into userspace test, fuzz and bench binaries.  Core files include
 * only this header (and other core headers); no other kernel or libc
 * header is allowed in core code.
 */
#ifndef MPC_PORT_H
#define MPC_PORT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sched.h>
static inline void *mpc_alloc(size_t n)
{
	return kvzalloc(n, GFP_KERNEL);
}
static inline void mpc_free_sensitive(void *p, size_t n)
{
	kvfree_sensitive(p, n);
}
#else
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
static inline void memzero_explicit(void *p, size_t n)
{
	memset(p, 0, n);
	/* keep the compiler from eliding the memset */
	__asm__ __volatile__("" : : "r"(p) : "memory");
}
static inline void *mpc_alloc(size_t n)
{
	return calloc(1, n);
}
static inline void mpc_free_sensitive(void *p, size_t n)
{
	if (p) {
		memzero_explicit(p, n);
		free(p);
	}
}
#ifndef likely
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#endif

typedef unsigned __int128 mpc_u128;

/*
 * Write attributes with the double-underscore names (__noinline__,
 * __always_inline__, __aligned__): the kernel defines "noinline" etc. as
 * macros, so __attribute__((noinline)) does not compile there.  The
 * userspace core build defines them the same way to catch it early.
 */
#define MPC_NOINLINE __attribute__((__noinline__))

/*
 * MPC_VERIFY_CHECK(cond): internal invariant, checked only in the VERIFY
 * userspace build (-DMPC_VERIFY); compiled out elsewhere.
 */
#if defined(MPC_VERIFY) && !defined(__KERNEL__)
#define MPC_VERIFY_CHECK(c) assert(c)
#else
#define MPC_VERIFY_CHECK(c) do { } while (0)
#endif

/*
 * Value barrier: stops the compiler from turning a mask computation back
 * into a branch.  Use it on every secret-derived 0/1 flag before it becomes
 * a mask.
 */
static inline uint64_t mpc_value_barrier_u64(uint64_t v)
{
	__asm__("" : "+r"(v));
	return v;
}

/*
 * mpc_declassify(p, n): the n bytes at p are the public result of a secret
 * computation (a validity flag, an output, a protocol-public value).  It does
 * nothing in the kernel and in normal userspace builds; the constant-time
 * tests set mpc_declassify_hook to valgrind's "make defined" so that the
 * code after a declassification may branch on the value.
 */
#ifdef __KERNEL__
static inline void mpc_declassify(const void *p, size_t n)
{
}
#else
extern void (*mpc_declassify_hook)(const void *p, size_t n);	/* port.c */
static inline void mpc_declassify(const void *p, size_t n)
{
	if (mpc_declassify_hook)
		mpc_declassify_hook(p, n);
}
#endif

/*
 * mpc_cond_resched(): a scheduling point, called once per participant in
 * the DKG's loops over n (each iteration is at most an ECDH, a signature
 * check or a hash of public data; never inside secret-dependent code).  In
 * the kernel it is cond_resched(): a step at n = 1024 runs for seconds and
 * must not keep the CPU from other tasks (the core is only called from
 * process context, with at most a sleeping lock held).  Nothing in
 * userspace.
 */
#ifdef __KERNEL__
static inline void mpc_cond_resched(void)
{
	cond_resched();
}
#else
static inline void mpc_cond_resched(void)
{
}
#endif

/* Constant-time compare: 0 if equal, nonzero otherwise. */
static inline int mpc_memneq(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d != 0;
}

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - shared declarations of the mpcsign module (kmod/).
 */
#ifndef MPCSIGN_INTERNAL_H
#define MPCSIGN_INTERNAL_H

#include <linux/types.h>
#include <linux/bug.h>
#include <linux/uidgid.h>
#include <linux/mpcsign.h>

#define MPCSIGN_MODULE_VERSION "0.1.0"

struct file;

/* Limits (module parameters, see main.c). */
struct mpcsign_limits {
	unsigned int max_keys;
	unsigned int max_nonces;
	unsigned int max_signers;
	unsigned int max_msg_len;
	unsigned int max_participants;
	unsigned int max_threshold;
	unsigned int max_host_keys;
	unsigned int max_dkg_sessions;
	/* what one uid may hold (quota.c; CAP_SYS_ADMIN callers are not limited) */
	unsigned int uid_max_keys;
	unsigned int uid_max_nonces;
	unsigned int uid_max_host_keys;
	unsigned int uid_max_dkg_sessions;
};
extern struct mpcsign_limits mpcsign_limits;

/* quota.c: per-uid counts of the objects each uid owns */
enum mpcsign_quota_kind {
	MPCSIGN_QUOTA_KEYS,
	MPCSIGN_QUOTA_NONCES,
	MPCSIGN_QUOTA_HOST_KEYS,
	MPCSIGN_QUOTA_SESSIONS,
	MPCSIGN_QUOTA_KINDS
};
/* Count one more object of uid (-EDQUOT past its limit unless admin; -ENOMEM). */
int mpcsign_quota_charge(kuid_t uid, enum mpcsign_quota_kind kind, bool admin);
void mpcsign_quota_uncharge(kuid_t uid, enum mpcsign_quota_kind kind);
void mpcsign_quota_exit(void);

/* Fill the GET_INFO answer (shared by the ioctl and netlink paths). */
void mpcsign_fill_info(struct mpcsign_info *info);

/*
 * Copy an extensible ioctl struct in: reads the leading size field, checks
 * min_size <= size <= PAGE_SIZE, copies with copy_struct_from_user() (bytes
 * past ksize must be zero), and checks that flags has no bit outside
 * allowed_flags.  Returns the user size or a negative errno.
 */
long mpcsign_copy_struct_in(void *kstruct, size_t ksize, size_t min_size,
			    const void __user *uarg, u32 allowed_flags);
/* Copy out min(usize, ksize) bytes. */
int mpcsign_copy_struct_out(void __user *uarg, size_t usize, const void *kstruct,
			    size_t ksize);

/*
 * The ioctl layer (device.c).  One table row per ioctl says its argument
 * struct, its first published size, its allowed flags and its rules
 * (read-only, makes a secret, admin only, no answer).  The dispatcher copies
 * the struct in, calls the handler on the kernel copy, copies the struct
 * back (on success, or on failure when the handler set out_on_error: a
 * blame or a needed size to report), and wipes the kernel copy.
 *
 * Publication: an ioctl that creates an object (key share, nonce, host
 * key, DKG session) makes it with its handle reserved but unpublished
 * (xa_alloc of a NULL entry: lookups, deletes and walks do not see it) and
 * hands it to mpcsign_ioc_pend().  Only after the answer reached the caller
 * (every copy to user memory done) does the dispatcher commit it: the
 * object appears under the handle the caller now knows.  On any failure,
 * the struct's copy-out included, it aborts: the object is freed, its
 * handle released and its quota uncharged, as if the call never happened.
 * At most one object per call.
 */
struct mpcsign_pending_ops {
	void (*commit)(void *obj);		/* publish under the reserved handle */
	void (*abort)(void *obj, int err);	/* free, release, uncharge */
};

struct mpcsign_ioc {
	struct file *file;
	void *cmd;			/* the kernel copy of the argument struct */
	size_t usize;			/* the caller's size of it */
	bool out_on_error;		/* copy the struct back on failure too */
	const struct mpcsign_pending_ops *pend_ops;
	void *pend;
};

static inline void mpcsign_ioc_pend(struct mpcsign_ioc *ioc,
				    const struct mpcsign_pending_ops *ops, void *obj)
{
	WARN_ON_ONCE(ioc->pend_ops);
	ioc->pend_ops = ops;
	ioc->pend = obj;
}

/* keystore.c: key shares, secret nonces and their ioctls */
long mpcsign_ioc_key_import(struct mpcsign_ioc *ioc);
long mpcsign_ioc_key_info(struct mpcsign_ioc *ioc);
long mpcsign_ioc_key_delete(struct mpcsign_ioc *ioc);
long mpcsign_ioc_nonce_gen(struct mpcsign_ioc *ioc);
long mpcsign_ioc_sign(struct mpcsign_ioc *ioc);
long mpcsign_ioc_key_lookup(struct mpcsign_ioc *ioc);
void mpcsign_keystore_exit(void);
/* An open file of the device is released: wipe the nonces made through it. */
void mpcsign_keystore_release(const struct file *file);
/* Wipe every outstanding secret nonce; number of key shares held. */
void mpcsign_keystore_wipe_nonces(void);
unsigned int mpcsign_keystore_count(void);
/*
 * Make a key share inside the kernel (DKG, recovery), pending on ioc: its
 * handle (*handle) is reserved and published when the ioctl commits.
 */
int mpcsign_key_add(struct mpcsign_ioc *ioc, u32 my_id, u32 t, u32 n,
		    const u8 secshare[MPCSIGN_SCALAR_LEN],
		    const u8 thresh_pk[MPCSIGN_POINT_LEN], const u8 *pubshares,
		    u32 *handle);

/* dkg.c: host keys, DKG sessions, recovery */
long mpcsign_ioc_host_key_create(struct mpcsign_ioc *ioc);
long mpcsign_ioc_host_key_import(struct mpcsign_ioc *ioc);
long mpcsign_ioc_host_key_info(struct mpcsign_ioc *ioc);
long mpcsign_ioc_host_key_delete(struct mpcsign_ioc *ioc);
long mpcsign_ioc_host_key_list(struct mpcsign_ioc *ioc);
long mpcsign_ioc_host_key_sign(struct mpcsign_ioc *ioc);
long mpcsign_ioc_host_key_lookup(struct mpcsign_ioc *ioc);
long mpcsign_ioc_dkg_step1(struct mpcsign_ioc *ioc);
long mpcsign_ioc_dkg_step2(struct mpcsign_ioc *ioc);
long mpcsign_ioc_dkg_finalize(struct mpcsign_ioc *ioc);
long mpcsign_ioc_dkg_investigate(struct mpcsign_ioc *ioc);
long mpcsign_ioc_dkg_abort(struct mpcsign_ioc *ioc);
long mpcsign_ioc_recover(struct mpcsign_ioc *ioc);
long mpcsign_ioc_recovery_ack_sign(struct mpcsign_ioc *ioc);
void mpcsign_dkg_exit(void);
/* An open file is released: end the DKG sessions begun through it. */
void mpcsign_dkg_release(const struct file *file);
/* Host keys + DKG sessions held. */
unsigned int mpcsign_dkg_count(void);

/* pm.c: no hibernation with secrets held; nonces wiped before any sleep */
int mpcsign_pm_init(void);
void mpcsign_pm_exit(void);
/* Around every ioctl that makes a secret: false = a system sleep is under
 * way (the ioctl fails with -EBUSY); true must be paired with leave. */
bool mpcsign_sleep_enter_ioctl(void);
void mpcsign_sleep_leave_ioctl(void);

int mpcsign_device_init(void);
void mpcsign_device_exit(void);
int mpcsign_genl_init(void);
/* Audit multicast (netlink.c); msg/msg_len only for MPCSIGN_AUDIT_SIGN. */
void mpcsign_audit(u32 event, int result, u32 key, u32 nonce, const u8 *msg,
		   size_t msg_len);
void mpcsign_genl_exit(void);
/* Known-answer self-test of the core; 0 or -EINVAL (refuses the load). */
int mpcsign_selftest(void);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - shared declarations of the mpcsign module (kmod/).
 */
#ifndef MPCSIGN_INTERNAL_H
#define MPCSIGN_INTERNAL_H

#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/mpcsign.h>

#define MPCSIGN_MODULE_VERSION "0.1.0"

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

/* keystore.c: key shares, secret nonces and their ioctls */
long mpcsign_ioc_key_import(void __user *uarg);
long mpcsign_ioc_key_info(void __user *uarg);
long mpcsign_ioc_key_delete(void __user *uarg);
long mpcsign_ioc_nonce_gen(struct file *file, void __user *uarg);
long mpcsign_ioc_sign(void __user *uarg);
long mpcsign_ioc_key_lookup(void __user *uarg);
void mpcsign_keystore_exit(void);
/* An open file of the device is released: wipe the nonces made through it. */
void mpcsign_keystore_release(const struct file *file);
/* Wipe every outstanding secret nonce; number of key shares held. */
void mpcsign_keystore_wipe_nonces(void);
unsigned int mpcsign_keystore_count(void);
/* Add a key share made inside the kernel (DKG, recovery); *handle out. */
int mpcsign_key_add(u32 my_id, u32 t, u32 n, const u8 secshare[MPCSIGN_SCALAR_LEN],
		    const u8 thresh_pk[MPCSIGN_POINT_LEN], const u8 *pubshares,
		    u32 *handle);

/* dkg.c: host keys, DKG sessions, recovery */
long mpcsign_ioc_host_key(unsigned int nr, void __user *uarg);
long mpcsign_ioc_host_key_list(void __user *uarg);
long mpcsign_ioc_host_key_sign(void __user *uarg);
long mpcsign_ioc_host_key_lookup(void __user *uarg);
long mpcsign_ioc_dkg_step1(struct file *file, void __user *uarg);
long mpcsign_ioc_dkg_step2(void __user *uarg);
long mpcsign_ioc_dkg_finalize(void __user *uarg);
long mpcsign_ioc_dkg_investigate(void __user *uarg);
long mpcsign_ioc_dkg_abort(void __user *uarg);
long mpcsign_ioc_recover(void __user *uarg);
long mpcsign_ioc_recovery_ack_sign(void __user *uarg);
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

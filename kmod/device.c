// SPDX-License-Identifier: GPL-2.0
/*
 * device.c - the /dev/mpcsign misc device and its ioctl dispatch.
 *
 * Every ioctl struct is extensible by size (see Documentation/uapi.rst):
 * commands are matched on type and number only; the struct's own size
 * field says how much the caller passed.  mpcsign_ioctl_ops[] is the one
 * list of ioctls and their rules; mpcsign_ioctl_run() the one path they
 * take (copy in, handler on the kernel copy, copy out, publish or roll
 * back: see internal.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/uaccess.h>
#include <linux/module.h>
#include <linux/build_bug.h>
#include <linux/capability.h>
#include <linux/nospec.h>
#include "internal.h"

static_assert(sizeof(struct mpcsign_info) == MPCSIGN_INFO_SIZE_VER0);

long mpcsign_copy_struct_in(void *kstruct, size_t ksize, size_t min_size,
			    const void __user *uarg, u32 allowed_flags)
{
	u32 usize, flags;
	int ret;

	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize < min_size || usize > PAGE_SIZE)
		return -EINVAL;
	ret = copy_struct_from_user(kstruct, ksize, uarg, usize);
	if (ret)
		goto fail;		/* -EFAULT, or -E2BIG for a nonzero tail */
	/* the header of every struct: __u32 size; __u32 flags; */
	memcpy(&flags, (u8 *)kstruct + sizeof(u32), sizeof(flags));
	ret = -EINVAL;
	if (flags & ~allowed_flags)
		goto fail;
	return usize;
fail:
	/* import structs carry secrets: leave nothing of a rejected one */
	memzero_explicit(kstruct, ksize);
	return ret;
}

int mpcsign_copy_struct_out(void __user *uarg, size_t usize, const void *kstruct,
			    size_t ksize)
{
	if (copy_to_user(uarg, kstruct, min(usize, ksize)))
		return -EFAULT;
	return 0;
}

static long mpcsign_ioc_get_info(struct mpcsign_ioc *ioc)
{
	struct mpcsign_info *info = ioc->cmd;

	if (memchr_inv(info->reserved, 0, sizeof(info->reserved)))
		return -EINVAL;
	/* every output byte is set: no kernel stack bytes reach userspace */
	memset(info, 0, sizeof(*info));
	mpcsign_fill_info(info);
	return 0;
}

/* Rules of an ioctl (struct mpcsign_ioctl_op.flags). */
#define MPCSIGN_IOC_READ_ONLY		BIT(0)	/* allowed on a read-only descriptor */
#define MPCSIGN_IOC_MAKES_SECRET	BIT(1)	/* refused (-EBUSY) during a system sleep */
#define MPCSIGN_IOC_ADMIN		BIT(2)	/* CAP_SYS_ADMIN only (-EPERM) */
#define MPCSIGN_IOC_NO_ANSWER		BIT(3)	/* the struct is input only: never copied back */

struct mpcsign_ioctl_op {
	long (*fn)(struct mpcsign_ioc *ioc);
	u16 size;		/* the module's struct */
	u16 min_size;		/* its first published size (MPCSIGN_*_SIZE_VER0) */
	u32 allowed_flags;	/* bits of the struct's flags field the command knows */
	u32 flags;		/* MPCSIGN_IOC_* */
};

/* Every argument struct, for the kernel copy on the dispatcher's stack. */
union mpcsign_ioc_buf {
	struct mpcsign_info info;
	struct mpcsign_key_import key_import;
	struct mpcsign_key_info key_info;
	struct mpcsign_key_delete key_delete;
	struct mpcsign_nonce_gen nonce_gen;
	struct mpcsign_sign sign;
	struct mpcsign_key_lookup key_lookup;
	struct mpcsign_host_key host_key;
	struct mpcsign_host_key_list host_key_list;
	struct mpcsign_host_key_sign host_key_sign;
	struct mpcsign_host_key_lookup host_key_lookup;
	struct mpcsign_dkg_step1 dkg_step1;
	struct mpcsign_dkg_step2 dkg_step2;
	struct mpcsign_dkg_output dkg_output;
	struct mpcsign_dkg_investigate dkg_investigate;
	struct mpcsign_dkg_abort dkg_abort;
	struct mpcsign_recovery_ack recovery_ack;
};

/*
 * One row per ioctl: the command's encoded size must be its struct's, the
 * first published size at most the struct's, and the struct must fit the
 * buffer (checked at build time).
 */
#define MPCSIGN_IOCTL(_name, _fn, _struct, _ver0, _aflags, _flags)			\
	[_IOC_NR(MPCSIGN_IOC_##_name)] = {						\
		.fn = _fn,								\
		.size = sizeof(_struct) +						\
			BUILD_BUG_ON_ZERO(_IOC_SIZE(MPCSIGN_IOC_##_name) != sizeof(_struct)) + \
			BUILD_BUG_ON_ZERO(sizeof(_struct) > sizeof(union mpcsign_ioc_buf)), \
		.min_size = (_ver0) + BUILD_BUG_ON_ZERO((_ver0) > sizeof(_struct)),	\
		.allowed_flags = _aflags,						\
		.flags = _flags,							\
	}

#define RO	MPCSIGN_IOC_READ_ONLY
#define SECRET	MPCSIGN_IOC_MAKES_SECRET
#define ADMIN	MPCSIGN_IOC_ADMIN
#define NO_ANSWER MPCSIGN_IOC_NO_ANSWER

static const struct mpcsign_ioctl_op mpcsign_ioctl_ops[] = {
	MPCSIGN_IOCTL(GET_INFO, mpcsign_ioc_get_info, struct mpcsign_info,
		      MPCSIGN_INFO_SIZE_VER0, 0, RO),
	MPCSIGN_IOCTL(KEY_IMPORT, mpcsign_ioc_key_import, struct mpcsign_key_import,
		      MPCSIGN_KEY_IMPORT_SIZE_VER0, 0, SECRET | ADMIN),
	MPCSIGN_IOCTL(KEY_INFO, mpcsign_ioc_key_info, struct mpcsign_key_info,
		      MPCSIGN_KEY_INFO_SIZE_VER0, 0, RO),
	MPCSIGN_IOCTL(KEY_DELETE, mpcsign_ioc_key_delete, struct mpcsign_key_delete,
		      MPCSIGN_KEY_DELETE_SIZE_VER0, 0, NO_ANSWER),
	MPCSIGN_IOCTL(NONCE_GEN, mpcsign_ioc_nonce_gen, struct mpcsign_nonce_gen,
		      MPCSIGN_NONCE_GEN_SIZE_VER0, MPCSIGN_NONCE_F_ALL, SECRET),
	MPCSIGN_IOCTL(SIGN, mpcsign_ioc_sign, struct mpcsign_sign,
		      MPCSIGN_SIGN_SIZE_VER0, 0, 0),
	MPCSIGN_IOCTL(KEY_LOOKUP, mpcsign_ioc_key_lookup, struct mpcsign_key_lookup,
		      MPCSIGN_KEY_LOOKUP_SIZE_VER0, MPCSIGN_LOOKUP_F_ID, RO),
	MPCSIGN_IOCTL(HOST_KEY_CREATE, mpcsign_ioc_host_key_create, struct mpcsign_host_key,
		      MPCSIGN_HOST_KEY_SIZE_VER0, 0, SECRET),
	MPCSIGN_IOCTL(HOST_KEY_IMPORT, mpcsign_ioc_host_key_import, struct mpcsign_host_key,
		      MPCSIGN_HOST_KEY_SIZE_VER0, 0, SECRET | ADMIN),
	MPCSIGN_IOCTL(HOST_KEY_INFO, mpcsign_ioc_host_key_info, struct mpcsign_host_key,
		      MPCSIGN_HOST_KEY_SIZE_VER0, 0, RO),
	MPCSIGN_IOCTL(HOST_KEY_DELETE, mpcsign_ioc_host_key_delete, struct mpcsign_host_key,
		      MPCSIGN_HOST_KEY_SIZE_VER0, 0, NO_ANSWER),
	MPCSIGN_IOCTL(HOST_KEY_LIST, mpcsign_ioc_host_key_list, struct mpcsign_host_key_list,
		      MPCSIGN_HOST_KEY_LIST_SIZE_VER0, 0, RO),
	/* uses the host secret but makes none and creates nothing (uapi.rst) */
	MPCSIGN_IOCTL(HOST_KEY_SIGN, mpcsign_ioc_host_key_sign, struct mpcsign_host_key_sign,
		      MPCSIGN_HOST_KEY_SIGN_SIZE_VER0, 0, 0),
	MPCSIGN_IOCTL(HOST_KEY_LOOKUP, mpcsign_ioc_host_key_lookup,
		      struct mpcsign_host_key_lookup, MPCSIGN_HOST_KEY_LOOKUP_SIZE_VER0, 0, RO),
	MPCSIGN_IOCTL(DKG_STEP1, mpcsign_ioc_dkg_step1, struct mpcsign_dkg_step1,
		      MPCSIGN_DKG_STEP1_SIZE_VER0, 0, SECRET),
	MPCSIGN_IOCTL(DKG_STEP2, mpcsign_ioc_dkg_step2, struct mpcsign_dkg_step2,
		      MPCSIGN_DKG_STEP2_SIZE_VER0, 0, SECRET),
	MPCSIGN_IOCTL(DKG_FINALIZE, mpcsign_ioc_dkg_finalize, struct mpcsign_dkg_output,
		      MPCSIGN_DKG_OUTPUT_SIZE_VER0, 0, SECRET),
	MPCSIGN_IOCTL(DKG_INVESTIGATE, mpcsign_ioc_dkg_investigate,
		      struct mpcsign_dkg_investigate, MPCSIGN_DKG_INVESTIGATE_SIZE_VER0, 0, 0),
	MPCSIGN_IOCTL(DKG_ABORT, mpcsign_ioc_dkg_abort, struct mpcsign_dkg_abort,
		      MPCSIGN_DKG_ABORT_SIZE_VER0, 0, NO_ANSWER),
	MPCSIGN_IOCTL(RECOVER, mpcsign_ioc_recover, struct mpcsign_dkg_output,
		      MPCSIGN_DKG_OUTPUT_SIZE_VER0, 0, SECRET),
	MPCSIGN_IOCTL(RECOVERY_ACK_SIGN, mpcsign_ioc_recovery_ack_sign,
		      struct mpcsign_recovery_ack, MPCSIGN_RECOVERY_ACK_SIZE_VER0,
		      MPCSIGN_ACK_F_PARAMS, 0),
};

#undef RO
#undef SECRET
#undef ADMIN
#undef NO_ANSWER

/*
 * Copy in, run, answer, then publish or roll back (see internal.h): the
 * one path of every ioctl.  The kernel copy is wiped whatever happens
 * (import structs carry secrets).
 */
static long mpcsign_ioctl_run(const struct mpcsign_ioctl_op *op, struct file *file,
			      void __user *uarg)
{
	union mpcsign_ioc_buf buf;
	struct mpcsign_ioc ioc = { .file = file, .cmd = &buf };
	long usize, ret;

	usize = mpcsign_copy_struct_in(&buf, op->size, op->min_size, uarg, op->allowed_flags);
	if (usize < 0)
		return usize;
	ioc.usize = usize;
	ret = op->fn(&ioc);
	if (!(op->flags & MPCSIGN_IOC_NO_ANSWER) && (!ret || ioc.out_on_error)) {
		/* the header of every struct: the module's size goes back */
		buf.info.size = op->size;
		if (mpcsign_copy_struct_out(uarg, usize, &buf, op->size))
			ret = -EFAULT;
	}
	if (ioc.pend_ops) {
		if (ret)
			ioc.pend_ops->abort(ioc.pend, ret);
		else
			ioc.pend_ops->commit(ioc.pend);
	}
	memzero_explicit(&buf, op->size);
	return ret;
}

static long mpcsign_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	const struct mpcsign_ioctl_op *op;
	unsigned int nr = _IOC_NR(cmd);
	long ret;

	if (_IOC_TYPE(cmd) != MPCSIGN_IOC_MAGIC || nr >= ARRAY_SIZE(mpcsign_ioctl_ops))
		return -ENOTTY;
	op = &mpcsign_ioctl_ops[array_index_nospec(nr, ARRAY_SIZE(mpcsign_ioctl_ops))];
	if (!op->fn)
		return -ENOTTY;
	/* a read-only descriptor may look, not change or use anything */
	if (!(file->f_mode & FMODE_WRITE) && !(op->flags & MPCSIGN_IOC_READ_ONLY))
		return -EBADF;
	if ((op->flags & MPCSIGN_IOC_ADMIN) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!(op->flags & MPCSIGN_IOC_MAKES_SECRET))
		return mpcsign_ioctl_run(op, file, uarg);
	if (!mpcsign_sleep_enter_ioctl())
		return -EBUSY;
	ret = mpcsign_ioctl_run(op, file, uarg);
	mpcsign_sleep_leave_ioctl();
	return ret;
}

/*
 * Secret nonces and DKG sessions live no longer than the open file they were
 * made through: a signer or participant that exits (or crashes) leaves no
 * secret state behind.  Key shares and host keys stay (they are the store).
 */
static int mpcsign_release(struct inode *inode, struct file *file)
{
	mpcsign_keystore_release(file);
	mpcsign_dkg_release(file);
	return 0;
}

static const struct file_operations mpcsign_fops = {
	.owner = THIS_MODULE,
	.release = mpcsign_release,
	.unlocked_ioctl = mpcsign_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice mpcsign_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = MPCSIGN_DEVICE_NAME,
	.fops = &mpcsign_fops,
	.mode = 0600,		/* root only; a udev rule may grant a group */
};

int mpcsign_device_init(void)
{
	return misc_register(&mpcsign_misc);
}

void mpcsign_device_exit(void)
{
	misc_deregister(&mpcsign_misc);
}

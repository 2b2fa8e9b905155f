// SPDX-License-Identifier: GPL-2.0
/*
 * device.c - the /dev/mpcsign misc device and its ioctl dispatch.
 *
 * Every ioctl struct is extensible by size (see Documentation/uapi.rst):
 * commands are matched on type and number only; the struct's own size
 * field says how much the caller passed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/uaccess.h>
#include <linux/module.h>
#include <linux/build_bug.h>
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

static bool mpcsign_mem_is_zero(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

static long mpcsign_ioc_get_info(void __user *uarg)
{
	struct mpcsign_info info;
	long usize;

	usize = mpcsign_copy_struct_in(&info, sizeof(info),
				       MPCSIGN_INFO_SIZE_VER0, uarg, 0);
	if (usize < 0)
		return usize;
	if (!mpcsign_mem_is_zero(info.reserved, sizeof(info.reserved)))
		return -EINVAL;
	/* every output byte is set: no kernel stack bytes reach userspace */
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	mpcsign_fill_info(&info);
	return mpcsign_copy_struct_out(uarg, usize, &info, sizeof(info));
}

static long mpcsign_dispatch(struct file *file, unsigned int nr, void __user *uarg)
{
	switch (nr) {
	case _IOC_NR(MPCSIGN_IOC_GET_INFO):
		return mpcsign_ioc_get_info(uarg);
	case _IOC_NR(MPCSIGN_IOC_KEY_IMPORT):
		return mpcsign_ioc_key_import(uarg);
	case _IOC_NR(MPCSIGN_IOC_KEY_INFO):
		return mpcsign_ioc_key_info(uarg);
	case _IOC_NR(MPCSIGN_IOC_KEY_DELETE):
		return mpcsign_ioc_key_delete(uarg);
	case _IOC_NR(MPCSIGN_IOC_NONCE_GEN):
		return mpcsign_ioc_nonce_gen(file, uarg);
	case _IOC_NR(MPCSIGN_IOC_SIGN):
		return mpcsign_ioc_sign(uarg);
	case _IOC_NR(MPCSIGN_IOC_KEY_LOOKUP):
		return mpcsign_ioc_key_lookup(uarg);
	case _IOC_NR(MPCSIGN_IOC_HOST_KEY_CREATE):
	case _IOC_NR(MPCSIGN_IOC_HOST_KEY_IMPORT):
	case _IOC_NR(MPCSIGN_IOC_HOST_KEY_INFO):
	case _IOC_NR(MPCSIGN_IOC_HOST_KEY_DELETE):
		return mpcsign_ioc_host_key(nr, uarg);
	case _IOC_NR(MPCSIGN_IOC_HOST_KEY_LIST):
		return mpcsign_ioc_host_key_list(uarg);
	case _IOC_NR(MPCSIGN_IOC_HOST_KEY_SIGN):
		return mpcsign_ioc_host_key_sign(uarg);
	case _IOC_NR(MPCSIGN_IOC_HOST_KEY_LOOKUP):
		return mpcsign_ioc_host_key_lookup(uarg);
	case _IOC_NR(MPCSIGN_IOC_DKG_STEP1):
		return mpcsign_ioc_dkg_step1(file, uarg);
	case _IOC_NR(MPCSIGN_IOC_DKG_STEP2):
		return mpcsign_ioc_dkg_step2(uarg);
	case _IOC_NR(MPCSIGN_IOC_DKG_FINALIZE):
		return mpcsign_ioc_dkg_finalize(uarg);
	case _IOC_NR(MPCSIGN_IOC_DKG_INVESTIGATE):
		return mpcsign_ioc_dkg_investigate(uarg);
	case _IOC_NR(MPCSIGN_IOC_DKG_ABORT):
		return mpcsign_ioc_dkg_abort(uarg);
	case _IOC_NR(MPCSIGN_IOC_RECOVER):
		return mpcsign_ioc_recover(uarg);
	case _IOC_NR(MPCSIGN_IOC_RECOVERY_ACK_SIGN):
		return mpcsign_ioc_recovery_ack_sign(uarg);
	default:
		return -ENOTTY;
	}
}

/* ioctls that only read: allowed on a descriptor opened read-only */
static bool mpcsign_ioc_read_only(unsigned int nr)
{
	return nr == _IOC_NR(MPCSIGN_IOC_GET_INFO) || nr == _IOC_NR(MPCSIGN_IOC_KEY_INFO) ||
	       nr == _IOC_NR(MPCSIGN_IOC_HOST_KEY_INFO) ||
	       nr == _IOC_NR(MPCSIGN_IOC_HOST_KEY_LIST) ||
	       nr == _IOC_NR(MPCSIGN_IOC_KEY_LOOKUP) ||
	       nr == _IOC_NR(MPCSIGN_IOC_HOST_KEY_LOOKUP);
}

/* ioctls that make a secret (refused while a system sleep is under way) */
static bool mpcsign_ioc_makes_secret(unsigned int nr)
{
	return nr == _IOC_NR(MPCSIGN_IOC_KEY_IMPORT) || nr == _IOC_NR(MPCSIGN_IOC_NONCE_GEN) ||
	       nr == _IOC_NR(MPCSIGN_IOC_HOST_KEY_CREATE) ||
	       nr == _IOC_NR(MPCSIGN_IOC_HOST_KEY_IMPORT) ||
	       nr == _IOC_NR(MPCSIGN_IOC_DKG_STEP1) || nr == _IOC_NR(MPCSIGN_IOC_DKG_STEP2) ||
	       nr == _IOC_NR(MPCSIGN_IOC_DKG_FINALIZE) || nr == _IOC_NR(MPCSIGN_IOC_RECOVER);
}

static bool mpcsign_ioc_known(unsigned int nr)
{
	return mpcsign_ioc_read_only(nr) || mpcsign_ioc_makes_secret(nr) ||
	       nr == _IOC_NR(MPCSIGN_IOC_KEY_DELETE) || nr == _IOC_NR(MPCSIGN_IOC_SIGN) ||
	       nr == _IOC_NR(MPCSIGN_IOC_HOST_KEY_DELETE) ||
	       nr == _IOC_NR(MPCSIGN_IOC_DKG_INVESTIGATE) ||
	       nr == _IOC_NR(MPCSIGN_IOC_DKG_ABORT) ||
	       nr == _IOC_NR(MPCSIGN_IOC_RECOVERY_ACK_SIGN) ||
	       nr == _IOC_NR(MPCSIGN_IOC_HOST_KEY_SIGN);
}

static long mpcsign_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	unsigned int nr = _IOC_NR(cmd);
	long ret;

	if (_IOC_TYPE(cmd) != MPCSIGN_IOC_MAGIC || !mpcsign_ioc_known(nr))
		return -ENOTTY;
	/* a read-only descriptor may look, not change anything */
	if (!(file->f_mode & FMODE_WRITE) && !mpcsign_ioc_read_only(nr))
		return -EBADF;
	if (!mpcsign_ioc_makes_secret(nr))
		return mpcsign_dispatch(file, nr, uarg);
	if (!mpcsign_sleep_enter_ioctl())
		return -EBUSY;
	ret = mpcsign_dispatch(file, nr, uarg);
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

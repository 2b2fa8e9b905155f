// SPDX-License-Identifier: GPL-2.0
/*
 * dkg.c - host keys, ChillDKG participant sessions and recovery.
 *
 * Host keys (the ChillDKG host secret, 32 bytes) are made by the kernel RNG
 * (or restored from an owner-held backup by CAP_SYS_ADMIN) and never leave
 * the kernel.  A DKG session holds the participant state between
 * DKG_STEP1, DKG_STEP2 and DKG_FINALIZE; FINALIZE puts the new key share
 * straight into the key store (keystore.c), so the share never exists
 * outside the kernel.  RECOVER re-creates it from the host key and the
 * public recovery data.
 *
 * Locking and lifetimes (the rules; lockdep_assert_held() checks them):
 *
 *  - mpcsign_dkg_lock, one mutex, guards the membership of the two
 *    xarrays: every lookup that takes a reference, every publication of a
 *    reserved handle, every erase, every walk (LIST, LOOKUP, the release of
 *    a file, HOST_KEY_DELETE, unload), and each session's "dead" flag.  It
 *    is held for nothing else: never across protocol work (a DKG step at
 *    n = 1024 runs for seconds), user-memory access or a wait for
 *    randomness.  So one caller's long step never makes another's wait.
 *  - Host keys and sessions are reference counted.  The xarray holds one
 *    reference; a call holds one from its lookup to its end; a session
 *    holds one of its host key.  The last put wipes and frees the object
 *    and gives its count and quota back; a put takes no lock, so it may
 *    happen under mpcsign_dkg_lock (but not under the session's own lock,
 *    which it frees).
 *  - A host key never changes once made (secret, public key, owner,
 *    handle): holding a reference is enough to read it.  HOST_KEY_SIGN,
 *    RECOVER and RECOVERY_ACK_SIGN run on a reference alone.
 *  - Each session has its own mutex, s->lock, for its stage and protocol
 *    state (s->st): STEP2, FINALIZE and INVESTIGATE run under it, so calls
 *    on one session are serialised and calls on different sessions run side
 *    by side.  Its n, t, my_id, owner, file and host key are fixed when it
 *    is made.  STEP1 works on a session nobody else can see yet.
 *  - Lock order: s->lock, then mpcsign_dkg_lock (a step that ends its
 *    session takes the global lock to erase it).  Never the reverse.
 *  - A session taken out of its xarray (DKG_ABORT, HOST_KEY_DELETE, the
 *    end of its file, a final step) is marked dead; a call that already
 *    holds a reference finishes (its own answer), later ones see -ENOENT;
 *    the state is wiped when the last reference goes.
 *  - Counts (mpcsign_nhostkeys, mpcsign_nsessions) are atomics, charged
 *    with the quota before the work and given back by the last put.
 *
 * Time: every loop over the n participants in the core has a scheduling
 * point (mpc_cond_resched), so a long step yields the CPU; the documented
 * caps bound one ioctl's work (Documentation/uapi.rst).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <linux/build_bug.h>
#include "internal.h"
#include "core/chilldkg_errno.h"
#include "core/bip340.h"
#include "core/hash.h"

static_assert(sizeof(struct mpcsign_host_key) == MPCSIGN_HOST_KEY_SIZE_VER0);
static_assert(sizeof(struct mpcsign_host_key_list) == MPCSIGN_HOST_KEY_LIST_SIZE_VER0);
static_assert(sizeof(struct mpcsign_dkg_step1) == MPCSIGN_DKG_STEP1_SIZE_VER0);
static_assert(sizeof(struct mpcsign_dkg_step2) == MPCSIGN_DKG_STEP2_SIZE_VER0);
static_assert(sizeof(struct mpcsign_dkg_output) == MPCSIGN_DKG_OUTPUT_SIZE_VER0);
static_assert(sizeof(struct mpcsign_dkg_investigate) == MPCSIGN_DKG_INVESTIGATE_SIZE_VER0);
static_assert(sizeof(struct mpcsign_dkg_abort) == MPCSIGN_DKG_ABORT_SIZE_VER0);
static_assert(sizeof(struct mpcsign_recovery_ack) == MPCSIGN_RECOVERY_ACK_SIZE_VER1);
static_assert(sizeof(struct mpcsign_host_key_sign) == MPCSIGN_HOST_KEY_SIGN_SIZE_VER0);
static_assert(sizeof(struct mpcsign_host_key_lookup) == MPCSIGN_HOST_KEY_LOOKUP_SIZE_VER0);
/* the UAPI kinds are the core's error codes */
#define SAME_KIND(u, c) static_assert((int)(u) == (int)(c))
SAME_KIND(MPCSIGN_DKG_INVALID_ARG, MPC_DKG_ERR_INVALID_ARG);
SAME_KIND(MPCSIGN_DKG_NOMEM, MPC_DKG_ERR_NOMEM);
SAME_KIND(MPCSIGN_DKG_HOST_SECKEY, MPC_DKG_ERR_HOST_SECKEY);
SAME_KIND(MPCSIGN_DKG_THRESHOLD_OR_COUNT, MPC_DKG_ERR_THRESHOLD_OR_COUNT);
SAME_KIND(MPCSIGN_DKG_INVALID_HOSTPUBKEY, MPC_DKG_ERR_INVALID_HOSTPUBKEY);
SAME_KIND(MPCSIGN_DKG_DUPLICATE_HOSTPUBKEY, MPC_DKG_ERR_DUPLICATE_HOSTPUBKEY);
SAME_KIND(MPCSIGN_DKG_RANDOMNESS, MPC_DKG_ERR_RANDOMNESS);
SAME_KIND(MPCSIGN_DKG_RECOVERY_DATA, MPC_DKG_ERR_RECOVERY_DATA);
SAME_KIND(MPCSIGN_DKG_INVALID_RECOVERY_ACK, MPC_DKG_ERR_INVALID_RECOVERY_ACK);
SAME_KIND(MPCSIGN_DKG_FAULTY_PARTICIPANT, MPC_DKG_ERR_FAULTY_PARTICIPANT);
SAME_KIND(MPCSIGN_DKG_FAULTY_PARTICIPANT_OR_COORDINATOR,
	  MPC_DKG_ERR_FAULTY_PARTICIPANT_OR_COORDINATOR);
SAME_KIND(MPCSIGN_DKG_FAULTY_COORDINATOR, MPC_DKG_ERR_FAULTY_COORDINATOR);
SAME_KIND(MPCSIGN_DKG_UNKNOWN_FAULTY, MPC_DKG_ERR_UNKNOWN_FAULTY_PARTICIPANT_OR_COORDINATOR);
SAME_KIND(MPCSIGN_DKG_STATE, MPC_DKG_ERR_STATE);
SAME_KIND(MPCSIGN_DKG_INTERNAL, MPC_DKG_ERR_INTERNAL);

/* The common head of host keys and sessions: a handle and its owner. */
struct dkg_obj {
	u32 handle;
	kuid_t owner;
};

struct mpcsign_hostkey {
	struct dkg_obj obj;	/* first */
	struct kref ref;
	bool counted;		/* in mpcsign_nhostkeys and its owner's quota */
	u8 seckey[32];		/* secret */
	u8 pubkey[MPCSIGN_POINT_LEN];
};

enum { DKG_STAGE_STEP1 = 1, DKG_STAGE_STEP2, DKG_STAGE_INVESTIGATE };

struct mpcsign_dkg_session {
	struct dkg_obj obj;	/* first */
	struct kref ref;
	struct mutex lock;	/* stage and st */
	bool dead;		/* out of the xarray: under mpcsign_dkg_lock */
	bool counted;		/* in mpcsign_nsessions and its owner's quota */
	struct mpcsign_hostkey *hk;	/* holds a reference */
	u32 stage;		/* under lock (read early with READ_ONCE) */
	u32 my_id, t, n;
	const struct file *file;	/* the open file it was begun through (a tag) */
	struct mpc_dkg_pstate st;	/* secret, under lock: wiped by mpc_dkg_pstate_clear */
};

static DEFINE_MUTEX(mpcsign_dkg_lock);
static DEFINE_XARRAY_ALLOC1(mpcsign_hostkeys);
static DEFINE_XARRAY_ALLOC1(mpcsign_sessions);
static u32 mpcsign_hostkey_next, mpcsign_session_next;	/* under mpcsign_dkg_lock */
static atomic_t mpcsign_nhostkeys = ATOMIC_INIT(0);
static atomic_t mpcsign_nsessions = ATOMIC_INIT(0);

/* May sleep (under a mutex at most); no audit record for a non-admin. */
static bool may_use(kuid_t owner)
{
	return uid_eq(current_euid(), owner) ||
	       ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN);
}

static bool dkg_is_admin(void)
{
	return ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN);
}

/*
 * Count one more object against max (the module's limit) and the caller's
 * quota; -ENOSPC / -EDQUOT.  Given back by dkg_uncount().
 */
static int dkg_count(atomic_t *count, unsigned int max, enum mpcsign_quota_kind kind,
		     kuid_t owner)
{
	int ret;

	if (atomic_inc_return(count) > max) {
		atomic_dec(count);
		return -ENOSPC;
	}
	ret = mpcsign_quota_charge(owner, kind, dkg_is_admin());
	if (ret)
		atomic_dec(count);
	return ret;
}

static void dkg_uncount(atomic_t *count, enum mpcsign_quota_kind kind, kuid_t owner)
{
	atomic_dec(count);
	mpcsign_quota_uncharge(owner, kind);
}

/* Core error -> errno, and the blame for userspace. */
static int dkg_errno(int err, const struct mpc_dkg_error *e, struct mpcsign_dkg_blame *b)
{
	b->kind = err;
	b->participant = e->participant_id;
	b->participant2 = e->participant_id2;
	b->reason = e->reason;
	return mpc_dkg_errno(err);
}

static void blame_none(struct mpcsign_dkg_blame *b)
{
	b->kind = 0;
	b->participant = MPCSIGN_BLAME_NONE;
	b->participant2 = MPCSIGN_BLAME_NONE;
	b->reason = 0;
}

/* Copy len bytes from user memory into a new kernel buffer (len <= max). */
static void *copy_in(u64 uptr, size_t len, size_t max, int *err)
{
	void *buf;

	*err = 0;
	if (len > max) {
		*err = -E2BIG;
		return NULL;
	}
	buf = kvmalloc(len ? len : 1, GFP_KERNEL);
	if (!buf) {
		*err = -ENOMEM;
		return NULL;
	}
	if (len && copy_from_user(buf, u64_to_user_ptr(uptr), len)) {
		kvfree(buf);
		*err = -EFAULT;
		return NULL;
	}
	return buf;
}

/* ---- host keys ---------------------------------------------------------- */

static void hostkey_release(struct kref *ref)
{
	struct mpcsign_hostkey *hk = container_of(ref, struct mpcsign_hostkey, ref);

	if (hk->counted)
		dkg_uncount(&mpcsign_nhostkeys, MPCSIGN_QUOTA_HOST_KEYS, hk->obj.owner);
	kfree_sensitive(hk);
}

static void hostkey_put(struct mpcsign_hostkey *hk)
{
	kref_put(&hk->ref, hostkey_release);
}

/* Under mpcsign_dkg_lock: a published host key the caller may use (no reference). */
static struct mpcsign_hostkey *hostkey_find_locked(u32 handle, int *err)
{
	struct mpcsign_hostkey *hk;

	lockdep_assert_held(&mpcsign_dkg_lock);
	hk = xa_load(&mpcsign_hostkeys, handle);
	if (!hk) {
		*err = -ENOENT;
		return NULL;
	}
	if (!may_use(hk->obj.owner)) {
		*err = -EACCES;
		return NULL;
	}
	return hk;
}

/* A host key the caller may use, with a reference; -ENOENT / -EACCES. */
static struct mpcsign_hostkey *hostkey_get(u32 handle, int *err)
{
	struct mpcsign_hostkey *hk;

	mutex_lock(&mpcsign_dkg_lock);
	hk = hostkey_find_locked(handle, err);
	if (hk)
		kref_get(&hk->ref);
	mutex_unlock(&mpcsign_dkg_lock);
	return hk;
}

/* Publish a host key under its reserved handle (the caller has the answer). */
static void hostkey_commit(void *obj)
{
	struct mpcsign_hostkey *hk = obj;

	mutex_lock(&mpcsign_dkg_lock);
	/* the reference we made it with becomes the xarray's */
	WARN_ON_ONCE(xa_is_err(xa_store(&mpcsign_hostkeys, hk->obj.handle, hk, GFP_KERNEL)));
	mutex_unlock(&mpcsign_dkg_lock);
}

static void hostkey_abort(void *obj, int err)
{
	struct mpcsign_hostkey *hk = obj;

	mutex_lock(&mpcsign_dkg_lock);
	xa_erase(&mpcsign_hostkeys, hk->obj.handle);	/* the reservation */
	mutex_unlock(&mpcsign_dkg_lock);
	hostkey_put(hk);
}

static const struct mpcsign_pending_ops hostkey_pending = {
	.commit = hostkey_commit,
	.abort = hostkey_abort,
};

/* Make a host key from k->hostseckey (wiped), pending on ioc. */
static long host_key_create(struct mpcsign_ioc *ioc, struct mpcsign_host_key *k)
{
	struct mpcsign_hostkey *hk;
	struct mpc_dkg_error e;
	int ret, err;

	hk = kzalloc(sizeof(*hk), GFP_KERNEL_ACCOUNT);
	if (!hk) {
		memzero_explicit(k->hostseckey, sizeof(k->hostseckey));
		return -ENOMEM;
	}
	kref_init(&hk->ref);
	hk->obj.owner = current_euid();
	/* the caller's backup (import), or fresh randomness drawn before */
	memcpy(hk->seckey, k->hostseckey, sizeof(hk->seckey));
	memzero_explicit(k->hostseckey, sizeof(k->hostseckey));
	err = mpc_dkg_hostpubkey_gen(hk->pubkey, hk->seckey, &e);
	ret = -EINVAL;		/* an imported secret that is not a valid key */
	if (err)
		goto fail;
	ret = dkg_count(&mpcsign_nhostkeys, mpcsign_limits.max_host_keys,
			MPCSIGN_QUOTA_HOST_KEYS, hk->obj.owner);
	if (ret)
		goto fail;
	hk->counted = true;	/* from here on the release gives it back */
	/* a reserved handle: invisible until hostkey_commit() */
	mutex_lock(&mpcsign_dkg_lock);
	ret = xa_alloc_cyclic(&mpcsign_hostkeys, &hk->obj.handle, NULL, xa_limit_31b,
			      &mpcsign_hostkey_next, GFP_KERNEL);
	mutex_unlock(&mpcsign_dkg_lock);
	if (ret < 0) {
		ret = ret == -EBUSY ? -ENOSPC : ret;
		goto fail;
	}
	k->handle = hk->obj.handle;
	k->owner_uid = from_kuid_munged(current_user_ns(), hk->obj.owner);
	memcpy(k->hostpubkey, hk->pubkey, sizeof(k->hostpubkey));
	mpcsign_ioc_pend(ioc, &hostkey_pending, hk);
	return 0;
fail:
	hostkey_put(hk);
	return ret;
}

/* The common checks of the four struct mpcsign_host_key ioctls. */
static int host_key_args(const struct mpcsign_host_key *k, bool import, bool create)
{
	if (k->owner_uid || memchr_inv(k->hostpubkey, 0, sizeof(k->hostpubkey)) ||
	    memchr_inv(k->reserved1, 0, sizeof(k->reserved1)) ||
	    memchr_inv(k->reserved, 0, sizeof(k->reserved)) ||
	    ((import || create) && k->handle) ||
	    (!import && memchr_inv(k->hostseckey, 0, sizeof(k->hostseckey))))
		return -EINVAL;
	return 0;
}

long mpcsign_ioc_host_key_create(struct mpcsign_ioc *ioc)
{
	struct mpcsign_host_key *k = ioc->cmd;
	int ret = host_key_args(k, false, true);

	if (ret)
		return ret;
	/* may wait for the CRNG: no lock held */
	ret = get_random_bytes_wait(k->hostseckey, sizeof(k->hostseckey));
	if (ret)
		return ret;
	return host_key_create(ioc, k);
}

/* CAP_SYS_ADMIN: checked by the dispatcher (MPCSIGN_IOC_ADMIN) */
long mpcsign_ioc_host_key_import(struct mpcsign_ioc *ioc)
{
	struct mpcsign_host_key *k = ioc->cmd;
	int ret = host_key_args(k, true, false);

	if (ret)
		return ret;
	return host_key_create(ioc, k);
}

long mpcsign_ioc_host_key_info(struct mpcsign_ioc *ioc)
{
	struct mpcsign_host_key *k = ioc->cmd;
	struct mpcsign_hostkey *hk;
	int ret = host_key_args(k, false, false);

	if (ret)
		return ret;
	hk = hostkey_get(k->handle, &ret);
	if (!hk)
		return ret;
	k->owner_uid = from_kuid_munged(current_user_ns(), hk->obj.owner);
	memcpy(k->hostpubkey, hk->pubkey, sizeof(k->hostpubkey));
	hostkey_put(hk);
	return 0;
}

/* Under mpcsign_dkg_lock: take s out of its xarray, once; drops that reference. */
static void session_unpublish_locked(struct mpcsign_dkg_session *s);

long mpcsign_ioc_host_key_delete(struct mpcsign_ioc *ioc)
{
	struct mpcsign_host_key *k = ioc->cmd;
	struct mpcsign_dkg_session *s;
	struct mpcsign_hostkey *hk;
	unsigned long idx;
	int ret = host_key_args(k, false, false);

	if (ret)
		return ret;
	mutex_lock(&mpcsign_dkg_lock);
	hk = hostkey_find_locked(k->handle, &ret);
	if (hk) {
		xa_erase(&mpcsign_hostkeys, hk->obj.handle);
		/* the DKG sessions that run under a host key die with it */
		xa_for_each(&mpcsign_sessions, idx, s)
			if (s->hk == hk)
				session_unpublish_locked(s);
	}
	mutex_unlock(&mpcsign_dkg_lock);
	if (hk)
		hostkey_put(hk);	/* the xarray's; calls in flight hold theirs */
	return ret;
}

long mpcsign_ioc_host_key_list(struct mpcsign_ioc *ioc)
{
	struct mpcsign_host_key_list *kl = ioc->cmd;
	struct mpcsign_hostkey *hk;
	unsigned long idx;
	u32 count = 0, *buf = NULL;
	int ret = 0;

	if (kl->count || memchr_inv(kl->reserved, 0, sizeof(kl->reserved)) ||
	    (kl->max && !kl->handles))
		return -EINVAL;
	/* collect under the lock, copy out after it (no user access under it) */
	kl->max = min(kl->max, mpcsign_limits.max_host_keys);
	if (kl->max) {
		buf = kvcalloc(kl->max, sizeof(*buf), GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	mutex_lock(&mpcsign_dkg_lock);
	xa_for_each(&mpcsign_hostkeys, idx, hk) {
		if (!may_use(hk->obj.owner))
			continue;
		if (count < kl->max)
			buf[count] = hk->obj.handle;
		count++;
	}
	mutex_unlock(&mpcsign_dkg_lock);
	if (buf && copy_to_user(u64_to_user_ptr(kl->handles), buf,
				min(count, kl->max) * sizeof(*buf)))
		ret = -EFAULT;
	kvfree(buf);
	kl->count = count;
	return ret;
}

/*
 * HOST_KEY_SIGN: a BIP340 signature by the host key over
 * m = TaggedHash(MPCSIGN_TRANSPORT_TAG, msg), m formed here, on a reference
 * to the host key (no lock held); every temporary is wiped.  It makes no
 * secret and creates nothing, so it is not refused during a system sleep
 * (like RECOVERY_ACK_SIGN); it does use a secret, so a read-only descriptor
 * may not call it.
 */
long mpcsign_ioc_host_key_sign(struct mpcsign_ioc *ioc)
{
	struct mpcsign_host_key_sign *a = ioc->cmd;
	struct mpcsign_hostkey *hk;
	struct mpc_bip340_keypair kp;
	u8 m[32], aux[32];
	int ret, ok;

	if (a->reserved0 || memchr_inv(a->sig, 0, sizeof(a->sig)) ||
	    memchr_inv(a->reserved, 0, sizeof(a->reserved)))
		return -EINVAL;
	/* may wait for the CRNG: no lock held */
	ret = get_random_bytes_wait(aux, sizeof(aux));
	if (ret)
		return ret;
	hk = hostkey_get(a->handle, &ret);
	if (!hk)
		goto out;
	mpc_tagged_hash(m, MPCSIGN_TRANSPORT_TAG, sizeof(MPCSIGN_TRANSPORT_TAG) - 1,
			a->msg, sizeof(a->msg));
	ok = mpc_bip340_keypair_create(&kp, hk->seckey);
	ok &= mpc_bip340_sign(a->sig, m, sizeof(m), &kp, aux);
	mpc_bip340_keypair_clear(&kp);
	/* BIP340's advice: check before handing it out (a fault must not leak d) */
	ret = ok && mpc_bip340_verify(a->sig, m, sizeof(m), hk->pubkey + 1) ? 0 : -EIO;
	if (ret)
		memset(a->sig, 0, sizeof(a->sig));
	hostkey_put(hk);
out:
	memzero_explicit(aux, sizeof(aux));
	memzero_explicit(m, sizeof(m));
	return ret;
}

/* HOST_KEY_LOOKUP: the handle of a host public key the caller may use. */
long mpcsign_ioc_host_key_lookup(struct mpcsign_ioc *ioc)
{
	struct mpcsign_host_key_lookup *a = ioc->cmd;
	struct mpcsign_hostkey *hk;
	unsigned long idx;
	u32 handle = 0;
	int ret = -ENOENT;

	if (a->handle || memchr_inv(a->reserved1, 0, sizeof(a->reserved1)) ||
	    memchr_inv(a->reserved, 0, sizeof(a->reserved)))
		return -EINVAL;
	/* one walk of at most max_host_keys entries; an imported backup may
	 * give a second handle for the same identity: -ENOTUNIQ then */
	mutex_lock(&mpcsign_dkg_lock);
	xa_for_each(&mpcsign_hostkeys, idx, hk) {
		if (memcmp(hk->pubkey, a->hostpubkey, sizeof(a->hostpubkey)) ||
		    !may_use(hk->obj.owner))
			continue;
		if (!ret) {
			ret = -ENOTUNIQ;
			break;
		}
		handle = hk->obj.handle;
		ret = 0;
	}
	mutex_unlock(&mpcsign_dkg_lock);
	a->handle = ret ? 0 : handle;
	return ret;
}

/* ---- sessions ------------------------------------------------------------- */

static void session_release(struct kref *ref)
{
	struct mpcsign_dkg_session *s = container_of(ref, struct mpcsign_dkg_session, ref);

	mpc_dkg_pstate_clear(&s->st);
	if (s->hk)
		hostkey_put(s->hk);
	if (s->counted)
		dkg_uncount(&mpcsign_nsessions, MPCSIGN_QUOTA_SESSIONS, s->obj.owner);
	mutex_destroy(&s->lock);
	kfree_sensitive(s);
}

static void session_put(struct mpcsign_dkg_session *s)
{
	kref_put(&s->ref, session_release);
}

static void session_unpublish_locked(struct mpcsign_dkg_session *s)
{
	lockdep_assert_held(&mpcsign_dkg_lock);
	if (s->dead)
		return;
	WRITE_ONCE(s->dead, true);
	xa_erase(&mpcsign_sessions, s->obj.handle);
	session_put(s);		/* the xarray's reference */
}

/*
 * A session the caller may use, with a reference; -ENOENT / -EACCES, and
 * -EALREADY if it is not at stage (checked again under its lock).
 */
static struct mpcsign_dkg_session *session_get(u32 handle, u32 stage, int *err)
{
	struct mpcsign_dkg_session *s;

	*err = 0;
	mutex_lock(&mpcsign_dkg_lock);
	s = xa_load(&mpcsign_sessions, handle);
	if (!s)
		*err = -ENOENT;
	else if (!may_use(s->obj.owner))
		*err = -EACCES;
	else if (stage && READ_ONCE(s->stage) != stage)
		*err = -EALREADY;
	else
		kref_get(&s->ref);
	mutex_unlock(&mpcsign_dkg_lock);
	return *err ? NULL : s;
}

/* Under s->lock: is the session still alive and at stage? */
static int session_check_locked(struct mpcsign_dkg_session *s, u32 stage)
{
	lockdep_assert_held(&s->lock);
	if (READ_ONCE(s->dead))
		return -ENOENT;	/* ended while we waited for its lock */
	return s->stage == stage ? 0 : -EALREADY;
}

/* Under s->lock, from a step: the session ends (its state is wiped at the last put). */
static void session_end_locked(struct mpcsign_dkg_session *s)
{
	lockdep_assert_held(&s->lock);
	mutex_lock(&mpcsign_dkg_lock);
	session_unpublish_locked(s);
	mutex_unlock(&mpcsign_dkg_lock);
}

/*
 * Publish a session under its reserved handle (the caller has the answer),
 * unless its host key was deleted meanwhile: it dies with it, as the
 * published ones do.
 */
static void session_commit(void *obj)
{
	struct mpcsign_dkg_session *s = obj;
	bool orphan;

	mutex_lock(&mpcsign_dkg_lock);
	orphan = xa_load(&mpcsign_hostkeys, s->hk->obj.handle) != s->hk;
	if (orphan) {
		WRITE_ONCE(s->dead, true);
		xa_erase(&mpcsign_sessions, s->obj.handle);
	} else {
		/* the reference we made it with becomes the xarray's */
		WARN_ON_ONCE(xa_is_err(xa_store(&mpcsign_sessions, s->obj.handle, s,
						GFP_KERNEL)));
	}
	mutex_unlock(&mpcsign_dkg_lock);
	if (orphan)
		session_put(s);
}

static void session_abort(void *obj, int err)
{
	struct mpcsign_dkg_session *s = obj;

	mutex_lock(&mpcsign_dkg_lock);
	WRITE_ONCE(s->dead, true);
	xa_erase(&mpcsign_sessions, s->obj.handle);	/* the reservation */
	mutex_unlock(&mpcsign_dkg_lock);
	session_put(s);
}

static const struct mpcsign_pending_ops session_pending = {
	.commit = session_commit,
	.abort = session_abort,
};

long mpcsign_ioc_dkg_step1(struct mpcsign_ioc *ioc)
{
	struct mpcsign_dkg_step1 *a = ioc->cmd;
	struct mpcsign_dkg_session *s = NULL;
	struct mpcsign_hostkey *hk;
	struct mpc_dkg_params p;
	struct mpc_dkg_error e = { MPC_DKG_NOBODY, MPC_DKG_NOBODY, 0 };
	u8 *hostpubkeys = NULL, *pmsg1 = NULL, rnd[32];
	size_t pmsg1_len;
	u32 i;
	int ret, err;

	if (a->session || a->reserved0 || memchr_inv(&a->blame, 0, sizeof(a->blame)) ||
	    memchr_inv(a->reserved, 0, sizeof(a->reserved)))
		return -EINVAL;
	if (a->n > mpcsign_limits.max_participants || a->t > mpcsign_limits.max_threshold)
		return -E2BIG;
	if (a->t < 1 || a->t > a->n) {
		/* the spec's ThresholdOrCountError, reported as such */
		blame_none(&a->blame);
		a->blame.kind = MPCSIGN_DKG_THRESHOLD_OR_COUNT;
		ioc->out_on_error = true;
		return -EINVAL;
	}
	pmsg1_len = mpc_dkg_pmsg1_len(a->n, a->t);
	if (a->pmsg1_len < pmsg1_len)
		return -ENOSPC;
	hostpubkeys = copy_in(a->hostpubkeys, (size_t)a->n * MPCSIGN_POINT_LEN, SIZE_MAX, &err);
	if (err)
		return err;
	hk = hostkey_get(a->host_key, &ret);
	if (!hk)
		goto out;
	ret = -ENOMEM;
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s) {
		hostkey_put(hk);
		goto out;
	}
	kref_init(&s->ref);
	mutex_init(&s->lock);
	s->hk = hk;		/* the session holds our reference from here on */
	s->obj.owner = current_euid();
	pmsg1 = kvmalloc(pmsg1_len, GFP_KERNEL);
	if (!pmsg1)
		goto out;
	/* the limits and the quota before the work */
	ret = dkg_count(&mpcsign_nsessions, mpcsign_limits.max_dkg_sessions,
			MPCSIGN_QUOTA_SESSIONS, s->obj.owner);
	if (ret)
		goto out;
	s->counted = true;	/* from here on the release gives it back */
	blame_none(&a->blame);
	ret = get_random_bytes_wait(rnd, sizeof(rnd));	/* may wait: no lock held */
	if (ret)
		goto out;
	/* our position among the host keys (participant_step1 checks it too) */
	for (i = 0; i < a->n; i++)
		if (!memcmp(hostpubkeys + (size_t)i * MPCSIGN_POINT_LEN, hk->pubkey,
			    MPCSIGN_POINT_LEN))
			break;
	s->my_id = i;
	p.hostpubkeys = hostpubkeys;
	p.n = a->n;
	p.t = a->t;
	/* the session is ours alone until published: no lock for the work */
	err = mpc_dkg_participant_step1(&s->st, pmsg1, pmsg1_len, hk->seckey, &p, rnd, &e);
	memzero_explicit(rnd, sizeof(rnd));
	ret = dkg_errno(err, &e, &a->blame);
	if (ret) {
		/* only a protocol failure is reported in the struct: any other
		 * error (-ERESTARTSYS included) leaves the caller's struct as it
		 * was, so a restarted call sees its own input again */
		ioc->out_on_error = a->blame.kind != 0;
		goto out;
	}
	s->file = ioc->file;
	s->stage = DKG_STAGE_STEP1;
	s->t = a->t;
	s->n = a->n;
	/* a reserved handle: published once the caller has pmsg1 and the handle */
	mutex_lock(&mpcsign_dkg_lock);
	ret = xa_alloc_cyclic(&mpcsign_sessions, &s->obj.handle, NULL, xa_limit_31b,
			      &mpcsign_session_next, GFP_KERNEL);
	mutex_unlock(&mpcsign_dkg_lock);
	if (ret < 0) {
		ret = ret == -EBUSY ? -ENOSPC : ret;
		goto out;
	}
	ret = 0;
	a->session = s->obj.handle;
	a->pmsg1_len = pmsg1_len;
	mpcsign_ioc_pend(ioc, &session_pending, s);
	s = NULL;
	/* a fault here ends the pending session */
	if (copy_to_user(u64_to_user_ptr(a->pmsg1), pmsg1, pmsg1_len))
		ret = -EFAULT;
out:
	if (s)
		session_put(s);		/* wipes, gives back, drops the host key */
	memzero_explicit(rnd, sizeof(rnd));
	kvfree(pmsg1);
	kvfree(hostpubkeys);
	return ret;
}

long mpcsign_ioc_dkg_step2(struct mpcsign_ioc *ioc)
{
	struct mpcsign_dkg_step2 *a = ioc->cmd;
	struct mpcsign_dkg_session *s;
	struct mpc_dkg_error e = { MPC_DKG_NOBODY, MPC_DKG_NOBODY, 0 };
	u8 *cmsg1, aux[32];
	int ret, err;

	if (memchr_inv(a->pmsg2, 0, sizeof(a->pmsg2)) ||
	    memchr_inv(&a->blame, 0, sizeof(a->blame)) ||
	    memchr_inv(a->reserved, 0, sizeof(a->reserved)))
		return -EINVAL;
	blame_none(&a->blame);
	s = session_get(a->session, DKG_STAGE_STEP1, &ret);
	if (!s)
		return ret;
	/* the session's cmsg1 size bounds the copy (not the module's limits) */
	cmsg1 = copy_in(a->cmsg1, a->cmsg1_len, mpc_dkg_cmsg1_len(s->n, s->t), &err);
	if (err == -E2BIG) {
		/* longer than this session's cmsg1: malformed, as the core says */
		a->blame.kind = MPCSIGN_DKG_INVALID_ARG;
		ioc->out_on_error = true;
		err = -EINVAL;
	}
	if (err) {
		session_put(s);
		return err;
	}
	ioc->out_on_error = true;
	get_random_bytes(aux, sizeof(aux));
	mutex_lock(&s->lock);
	ret = session_check_locked(s, DKG_STAGE_STEP1);
	if (ret)
		goto out;
	err = mpc_dkg_participant_step2(&s->st, a->pmsg2, s->hk->seckey, cmsg1, a->cmsg1_len,
					aux, &e);
	ret = dkg_errno(err, &e, &a->blame);
	if (!ret)
		WRITE_ONCE(s->stage, DKG_STAGE_STEP2);
	else if (err == MPC_DKG_ERR_UNKNOWN_FAULTY_PARTICIPANT_OR_COORDINATOR)
		WRITE_ONCE(s->stage, DKG_STAGE_INVESTIGATE);
	else if (err != MPC_DKG_ERR_INVALID_ARG)
		session_end_locked(s);	/* a protocol failure: the state is dead */
out:
	mutex_unlock(&s->lock);
	session_put(s);
	memzero_explicit(aux, sizeof(aux));
	kvfree(cmsg1);
	return ret;
}

/*
 * Make the key share of a DKG / recovery result (pending on ioc: published
 * once the caller has the answer) and fill the output.  No lock held (it
 * copies to user memory); the key store has its own locking.
 */
static int output_to_key(struct mpcsign_ioc *ioc, struct mpcsign_dkg_output *a,
			 struct mpc_dkg_output *o, u32 my_id, u32 t, u32 n)
{
	int ret;

	ret = mpcsign_key_add(ioc, my_id, t, n, o->secshare, o->thresh_pk, o->pubshares,
			      &a->key);
	memzero_explicit(o->secshare, sizeof(o->secshare));
	if (ret)
		return ret;
	if (copy_to_user(u64_to_user_ptr(a->pubshares), o->pubshares, o->pubshares_len)) {
		a->key = 0;	/* the pending key is dropped: no handle to report */
		return -EFAULT;
	}
	a->pubshares_len = o->pubshares_len;
	a->my_id = my_id;
	a->t = t;
	a->n = n;
	memcpy(a->thresh_pk, o->thresh_pk, sizeof(a->thresh_pk));
	return 0;
}

static int output_args_check(struct mpcsign_dkg_output *a)
{
	if (a->key || a->my_id || a->t || a->n || memchr_inv(a->thresh_pk, 0, sizeof(a->thresh_pk)) ||
	    memchr_inv(a->reserved1, 0, sizeof(a->reserved1)) ||
	    memchr_inv(&a->blame, 0, sizeof(a->blame)) ||
	    memchr_inv(a->reserved, 0, sizeof(a->reserved)))
		return -EINVAL;
	blame_none(&a->blame);
	return 0;
}

long mpcsign_ioc_dkg_finalize(struct mpcsign_ioc *ioc)
{
	struct mpcsign_dkg_output *a = ioc->cmd;
	struct mpcsign_dkg_session *s;
	struct mpc_dkg_output o = { };
	struct mpc_dkg_error e = { MPC_DKG_NOBODY, MPC_DKG_NOBODY, 0 };
	u8 *cmsg2 = NULL, *rd = NULL;
	size_t rd_len;
	u32 n, t, my_id;
	int ret, err;

	if (a->host_key || output_args_check(a))
		return -EINVAL;
	ioc->out_on_error = true;
	s = session_get(a->session, DKG_STAGE_STEP2, &ret);
	if (!s)
		return ret;
	/* sizes from the session, user memory read without any lock */
	n = s->n;
	t = s->t;
	my_id = s->my_id;
	rd_len = mpc_dkg_recovery_data_len(n, t);
	ret = -ENOSPC;
	if (a->recovery_data_len < rd_len || a->pubshares_len < (u64)n * MPCSIGN_POINT_LEN)
		goto out_put;
	ret = -EINVAL;
	if (a->cmsg2_len != mpc_dkg_cmsg2_len(n))
		goto out_put;
	cmsg2 = copy_in(a->cmsg2, a->cmsg2_len, a->cmsg2_len, &ret);
	if (ret)
		goto out_put;
	ret = -ENOMEM;
	rd = kvmalloc(rd_len, GFP_KERNEL);
	o.pubshares_len = (size_t)n * MPCSIGN_POINT_LEN;
	o.pubshares = kvmalloc(o.pubshares_len, GFP_KERNEL);
	if (!rd || !o.pubshares)
		goto out_put;

	mutex_lock(&s->lock);
	ret = session_check_locked(s, DKG_STAGE_STEP2);
	if (!ret) {
		err = mpc_dkg_participant_finalize(&s->st, cmsg2, a->cmsg2_len, &o, rd, rd_len,
						   &e);
		ret = dkg_errno(err, &e, &a->blame);
		/* success or not, the state went to its one participant_finalize */
		session_end_locked(s);
	}
	mutex_unlock(&s->lock);
	session_put(s);
	s = NULL;
	if (ret)
		goto out_put;
	/*
	 * The recovery data goes out first: if the key store is full, or an
	 * output (the struct itself included) cannot be written and the new
	 * key is dropped, the share can still be re-created later with
	 * RECOVER from the host key and this data.
	 */
	a->recovery_data_len = rd_len;
	ret = copy_to_user(u64_to_user_ptr(a->recovery_data), rd, rd_len) ? -EFAULT : 0;
	if (!ret)
		ret = output_to_key(ioc, a, &o, my_id, t, n);
out_put:
	if (s)
		session_put(s);
	memzero_explicit(o.secshare, sizeof(o.secshare));
	kvfree(o.pubshares);
	kvfree(rd);
	kvfree(cmsg2);
	return ret;
}

long mpcsign_ioc_dkg_investigate(struct mpcsign_ioc *ioc)
{
	struct mpcsign_dkg_investigate *a = ioc->cmd;
	struct mpcsign_dkg_session *s;
	struct mpc_dkg_error e = { MPC_DKG_NOBODY, MPC_DKG_NOBODY, 0 };
	u8 *cinv = NULL;
	int ret, err;

	if (memchr_inv(&a->blame, 0, sizeof(a->blame)) ||
	    memchr_inv(a->reserved, 0, sizeof(a->reserved)))
		return -EINVAL;
	blame_none(&a->blame);
	ioc->out_on_error = true;
	s = session_get(a->session, DKG_STAGE_INVESTIGATE, &ret);
	if (!s)
		return ret;
	ret = -EINVAL;
	if (a->cinv_len != mpc_dkg_cinv_len(s->n))
		goto out_put;
	cinv = copy_in(a->cinv, a->cinv_len, a->cinv_len, &ret);
	if (ret)
		goto out_put;
	mutex_lock(&s->lock);
	ret = session_check_locked(s, DKG_STAGE_INVESTIGATE);
	if (!ret) {
		err = mpc_dkg_participant_investigate(&s->st, cinv, a->cinv_len, &e);
		ret = dkg_errno(err, &e, &a->blame);
		if (!ret)
			ret = -EIO;	/* investigation never succeeds */
		session_end_locked(s);
	}
	mutex_unlock(&s->lock);
out_put:
	session_put(s);
	kvfree(cinv);
	return ret;
}

long mpcsign_ioc_dkg_abort(struct mpcsign_ioc *ioc)
{
	struct mpcsign_dkg_abort *a = ioc->cmd;
	struct mpcsign_dkg_session *s;
	int ret = 0;

	if (a->reserved0 || memchr_inv(a->reserved, 0, sizeof(a->reserved)))
		return -EINVAL;
	/* a step in flight on it finishes; the state is wiped after it */
	mutex_lock(&mpcsign_dkg_lock);
	s = xa_load(&mpcsign_sessions, a->session);
	if (!s)
		ret = -ENOENT;
	else if (!may_use(s->obj.owner))
		ret = -EACCES;
	else
		session_unpublish_locked(s);
	mutex_unlock(&mpcsign_dkg_lock);
	return ret;
}

/* Recover from recovery data under a host key; fills o, p and my_id. */
static int recover_core(struct mpcsign_hostkey *hk, const u8 *rd, size_t rd_len,
			struct mpc_dkg_output *o, struct mpc_dkg_params *p, u32 *my_id,
			struct mpcsign_dkg_blame *b)
{
	struct mpc_dkg_error e = { MPC_DKG_NOBODY, MPC_DKG_NOBODY, 0 };
	u32 n, t, i;
	int err, ret;

	if (!mpc_dkg_recovery_data_dims(rd, rd_len, &n, &t)) {
		b->kind = MPC_DKG_ERR_RECOVERY_DATA;
		return -EILSEQ;
	}
	if (n > mpcsign_limits.max_participants || t > mpcsign_limits.max_threshold)
		return -E2BIG;
	o->pubshares_len = (size_t)n * MPCSIGN_POINT_LEN;
	o->pubshares = kvmalloc(o->pubshares_len, GFP_KERNEL);
	if (!o->pubshares)
		return -ENOMEM;
	err = mpc_dkg_participant_recover(o, p, hk->seckey, rd, rd_len, &e);
	ret = dkg_errno(err, &e, b);
	if (ret)
		return ret;
	for (i = 0; i < p->n; i++)
		if (!memcmp(p->hostpubkeys + (size_t)i * MPCSIGN_POINT_LEN, hk->pubkey,
			    MPCSIGN_POINT_LEN))
			break;
	if (i == p->n) {	/* recover already checked this; be sure */
		b->kind = MPC_DKG_ERR_HOST_SECKEY;
		return -EKEYREJECTED;
	}
	*my_id = i;
	return 0;
}

static size_t max_rd_len(void)
{
	return mpc_dkg_recovery_data_len(mpcsign_limits.max_participants,
					 mpcsign_limits.max_participants);
}

long mpcsign_ioc_recover(struct mpcsign_ioc *ioc)
{
	struct mpcsign_dkg_output *a = ioc->cmd;
	struct mpcsign_hostkey *hk;
	struct mpc_dkg_output o = { };
	struct mpc_dkg_params p;
	u8 *rd = NULL;
	u32 my_id = 0;
	int ret;

	if (a->session || a->cmsg2 || a->cmsg2_len || output_args_check(a))
		return -EINVAL;
	rd = copy_in(a->recovery_data, a->recovery_data_len, max_rd_len(), &ret);
	if (ret)
		return ret;
	ioc->out_on_error = true;
	hk = hostkey_get(a->host_key, &ret);
	if (!hk)
		goto out;
	/* on a reference alone: no lock for the work */
	ret = recover_core(hk, rd, a->recovery_data_len, &o, &p, &my_id, &a->blame);
	hostkey_put(hk);
	/* p points into rd (ours) */
	if (!ret && a->pubshares_len < o.pubshares_len)
		ret = -ENOSPC;
	if (!ret)
		ret = output_to_key(ioc, a, &o, my_id, p.t, p.n);
out:
	memzero_explicit(o.secshare, sizeof(o.secshare));
	kvfree(o.pubshares);
	kvfree(rd);
	return ret;
}

long mpcsign_ioc_recovery_ack_sign(struct mpcsign_ioc *ioc)
{
	struct mpcsign_recovery_ack *a = ioc->cmd;
	struct mpcsign_hostkey *hk;
	struct mpc_dkg_output o = { };
	struct mpc_dkg_params p;
	struct mpc_dkg_error e = { MPC_DKG_NOBODY, MPC_DKG_NOBODY, 0 };
	u8 *rd = NULL, *hpk = NULL, aux[32];
	bool with_params;
	u32 my_id;
	int ret, err;

	if (memchr_inv(a->sig, 0, sizeof(a->sig)) || memchr_inv(&a->blame, 0, sizeof(a->blame)) ||
	    memchr_inv(a->reserved, 0, sizeof(a->reserved)))
		return -EINVAL;
	with_params = a->flags & MPCSIGN_ACK_F_PARAMS;
	if (with_params ? ioc->usize < MPCSIGN_RECOVERY_ACK_SIZE_VER1 :
			  a->t || a->n || a->hostpubkeys)
		return -EINVAL;
	if (with_params && a->n > mpcsign_limits.max_participants)
		return -E2BIG;
	blame_none(&a->blame);
	if (with_params) {
		hpk = copy_in(a->hostpubkeys, (size_t)a->n * MPCSIGN_POINT_LEN, SIZE_MAX, &ret);
		if (ret)
			return ret;
	}
	rd = copy_in(a->recovery_data, a->recovery_data_len, max_rd_len(), &ret);
	if (ret) {
		kvfree(hpk);
		return ret;
	}
	ioc->out_on_error = true;
	hk = hostkey_get(a->host_key, &ret);
	if (!hk)
		goto out;
	/* on a reference alone: no lock for the work */
	ret = recover_core(hk, rd, a->recovery_data_len, &o, &p, &my_id, &a->blame);
	if (ret)
		goto out_put;
	/* the spec: recovery data that does not match the caller's params */
	if (with_params && (p.t != a->t || p.n != a->n ||
			    memcmp(p.hostpubkeys, hpk, (size_t)a->n * MPCSIGN_POINT_LEN))) {
		a->blame.kind = MPC_DKG_ERR_RECOVERY_DATA;
		ret = -EILSEQ;
		goto out_put;
	}
	get_random_bytes(aux, sizeof(aux));
	err = mpc_dkg_participant_recovery_ack_sign(a->sig, hk->seckey, rd, a->recovery_data_len,
						    &p, aux, &e);
	memzero_explicit(aux, sizeof(aux));
	ret = dkg_errno(err, &e, &a->blame);
out_put:
	hostkey_put(hk);
out:
	memzero_explicit(o.secshare, sizeof(o.secshare));
	kvfree(o.pubshares);
	kvfree(rd);
	kvfree(hpk);
	return ret;
}

/*
 * An open file is released: its sessions end (a call in flight on one of
 * them through another descriptor finishes first; the state is wiped at
 * its last put).  Only the global lock, for the walk.
 */
void mpcsign_dkg_release(const struct file *file)
{
	struct mpcsign_dkg_session *s;
	unsigned long idx;

	mutex_lock(&mpcsign_dkg_lock);
	xa_for_each(&mpcsign_sessions, idx, s)
		if (s->file == file)
			session_unpublish_locked(s);
	mutex_unlock(&mpcsign_dkg_lock);
}

unsigned int mpcsign_dkg_count(void)
{
	return atomic_read(&mpcsign_nhostkeys) + atomic_read(&mpcsign_nsessions);
}

/* At unload no call is in flight: every put here is the last. */
void mpcsign_dkg_exit(void)
{
	struct mpcsign_dkg_session *s;
	struct mpcsign_hostkey *hk;
	unsigned long idx;

	mutex_lock(&mpcsign_dkg_lock);
	xa_for_each(&mpcsign_sessions, idx, s)
		session_unpublish_locked(s);
	xa_for_each(&mpcsign_hostkeys, idx, hk) {
		xa_erase(&mpcsign_hostkeys, idx);
		hostkey_put(hk);
	}
	mutex_unlock(&mpcsign_dkg_lock);
	WARN_ON(atomic_read(&mpcsign_nhostkeys) || atomic_read(&mpcsign_nsessions));
}

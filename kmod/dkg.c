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
 * Locking: one mutex, mpcsign_dkg_lock, guards both xarrays and every
 * object in them.  DKG is rare and interactive; serialising it keeps the
 * state machine simple.  The mutex is never held across user-memory access
 * (a caller stalled in a page fault would stall every other caller) nor
 * while waiting for randomness: inputs are copied in before it is taken
 * (sized from the session by session_dims(), re-checked under the mutex),
 * outputs are copied out after it is dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/capability.h>
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
	u8 seckey[32];		/* secret */
	u8 pubkey[MPCSIGN_POINT_LEN];
};

enum { DKG_STAGE_STEP1 = 1, DKG_STAGE_STEP2, DKG_STAGE_INVESTIGATE };

struct mpcsign_dkg_session {
	struct dkg_obj obj;	/* first */
	u32 host_key;		/* handle of the host key it runs under */
	u32 stage;
	u32 my_id, t, n;
	const struct file *file;	/* the open file it was begun through (a tag) */
	struct mpc_dkg_pstate st;	/* secret: wiped by mpc_dkg_pstate_clear */
};

static DEFINE_MUTEX(mpcsign_dkg_lock);
static DEFINE_XARRAY_ALLOC1(mpcsign_hostkeys);
static DEFINE_XARRAY_ALLOC1(mpcsign_sessions);
static u32 mpcsign_hostkey_next, mpcsign_session_next;
static unsigned int mpcsign_nhostkeys, mpcsign_nsessions;	/* under the lock */

/* Called under the DKG mutex (may sleep); no audit record for a non-admin. */
static bool may_use(kuid_t owner)
{
	return uid_eq(current_euid(), owner) ||
	       ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN);
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

static void hostkey_free(struct mpcsign_hostkey *hk)
{
	mpcsign_nhostkeys--;
	mpcsign_quota_uncharge(hk->obj.owner, MPCSIGN_QUOTA_HOST_KEYS);
	kfree_sensitive(hk);
}

static bool dkg_is_admin(void)
{
	return ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN);
}

/* Look up a host key or session the caller may use; -ENOENT / -EACCES. */
static void *dkg_obj_get(struct xarray *xa, u32 handle, int *err)
{
	struct dkg_obj *o;

	lockdep_assert_held(&mpcsign_dkg_lock);
	o = xa_load(xa, handle);
	if (!o) {
		*err = -ENOENT;
		return NULL;
	}
	if (!may_use(o->owner)) {
		*err = -EACCES;
		return NULL;
	}
	return o;
}

static struct mpcsign_hostkey *hostkey_get(u32 handle, int *err)
{
	return dkg_obj_get(&mpcsign_hostkeys, handle, err);
}

/* Publish a host key under its reserved handle (the caller has the answer). */
static void hostkey_commit(void *obj)
{
	struct mpcsign_hostkey *hk = obj;

	mutex_lock(&mpcsign_dkg_lock);
	WARN_ON_ONCE(xa_is_err(xa_store(&mpcsign_hostkeys, hk->obj.handle, hk, GFP_KERNEL)));
	mutex_unlock(&mpcsign_dkg_lock);
}

static void hostkey_abort(void *obj, int err)
{
	struct mpcsign_hostkey *hk = obj;

	mutex_lock(&mpcsign_dkg_lock);
	xa_erase(&mpcsign_hostkeys, hk->obj.handle);	/* the reservation */
	hostkey_free(hk);
	mutex_unlock(&mpcsign_dkg_lock);
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
	if (!hk)
		return -ENOMEM;
	hk->obj.owner = current_euid();
	/* the caller's backup (import), or fresh randomness drawn before */
	memcpy(hk->seckey, k->hostseckey, sizeof(hk->seckey));
	memzero_explicit(k->hostseckey, sizeof(k->hostseckey));
	err = mpc_dkg_hostpubkey_gen(hk->pubkey, hk->seckey, &e);
	if (err) {
		kfree_sensitive(hk);
		return -EINVAL;	/* an imported secret that is not a valid key */
	}
	mutex_lock(&mpcsign_dkg_lock);
	ret = -ENOSPC;
	if (mpcsign_nhostkeys >= mpcsign_limits.max_host_keys)
		goto fail;
	ret = mpcsign_quota_charge(hk->obj.owner, MPCSIGN_QUOTA_HOST_KEYS, dkg_is_admin());
	if (ret)
		goto fail;
	/* a reserved handle: invisible until hostkey_commit() */
	ret = xa_alloc_cyclic(&mpcsign_hostkeys, &hk->obj.handle, NULL, xa_limit_31b,
			      &mpcsign_hostkey_next, GFP_KERNEL);
	if (ret < 0) {
		mpcsign_quota_uncharge(hk->obj.owner, MPCSIGN_QUOTA_HOST_KEYS);
		ret = ret == -EBUSY ? -ENOSPC : ret;
		goto fail;
	}
	mpcsign_nhostkeys++;	/* from here on hostkey_free() undoes it */
	mutex_unlock(&mpcsign_dkg_lock);
	k->handle = hk->obj.handle;
	k->owner_uid = from_kuid_munged(current_user_ns(), hk->obj.owner);
	memcpy(k->hostpubkey, hk->pubkey, sizeof(k->hostpubkey));
	mpcsign_ioc_pend(ioc, &hostkey_pending, hk);
	return 0;
fail:
	mutex_unlock(&mpcsign_dkg_lock);
	kfree_sensitive(hk);
	return ret;
}

/* The DKG sessions that run under a host key die with it. */
static void sessions_of_hostkey_free(u32 host_key);

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
	/* may wait for the CRNG: before the mutex */
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
	mutex_lock(&mpcsign_dkg_lock);
	hk = hostkey_get(k->handle, &ret);
	if (hk) {
		k->owner_uid = from_kuid_munged(current_user_ns(), hk->obj.owner);
		memcpy(k->hostpubkey, hk->pubkey, sizeof(k->hostpubkey));
	}
	mutex_unlock(&mpcsign_dkg_lock);
	return ret;
}

long mpcsign_ioc_host_key_delete(struct mpcsign_ioc *ioc)
{
	struct mpcsign_host_key *k = ioc->cmd;
	struct mpcsign_hostkey *hk;
	int ret = host_key_args(k, false, false);

	if (ret)
		return ret;
	mutex_lock(&mpcsign_dkg_lock);
	hk = hostkey_get(k->handle, &ret);
	if (hk) {
		xa_erase(&mpcsign_hostkeys, hk->obj.handle);
		sessions_of_hostkey_free(hk->obj.handle);
		hostkey_free(hk);
	}
	mutex_unlock(&mpcsign_dkg_lock);
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
 * m = TaggedHash(MPCSIGN_TRANSPORT_TAG, msg), m formed here.  The secret is
 * copied out under the mutex and used after it (signing is short, but no
 * reason to hold every DKG caller for it); every temporary is wiped.  It
 * makes no secret and creates nothing, so it is not refused during a system
 * sleep (like RECOVERY_ACK_SIGN); it does use a secret, so a read-only
 * descriptor may not call it.
 */
long mpcsign_ioc_host_key_sign(struct mpcsign_ioc *ioc)
{
	struct mpcsign_host_key_sign *a = ioc->cmd;
	struct mpcsign_hostkey *hk;
	struct mpc_bip340_keypair kp;
	u8 seckey[32], m[32], aux[32], xonly[32];
	int ret, ok;

	if (a->reserved0 || memchr_inv(a->sig, 0, sizeof(a->sig)) ||
	    memchr_inv(a->reserved, 0, sizeof(a->reserved)))
		return -EINVAL;
	/* may wait for the CRNG: before the mutex */
	ret = get_random_bytes_wait(aux, sizeof(aux));
	if (ret)
		return ret;
	mutex_lock(&mpcsign_dkg_lock);
	hk = hostkey_get(a->handle, &ret);
	if (hk) {
		memcpy(seckey, hk->seckey, sizeof(seckey));
		memcpy(xonly, hk->pubkey + 1, sizeof(xonly));
	}
	mutex_unlock(&mpcsign_dkg_lock);
	if (!hk)
		goto out;
	mpc_tagged_hash(m, MPCSIGN_TRANSPORT_TAG, sizeof(MPCSIGN_TRANSPORT_TAG) - 1,
			a->msg, sizeof(a->msg));
	ok = mpc_bip340_keypair_create(&kp, seckey);
	ok &= mpc_bip340_sign(a->sig, m, sizeof(m), &kp, aux);
	mpc_bip340_keypair_clear(&kp);
	/* BIP340's advice: check before handing it out (a fault must not leak d) */
	ret = ok && mpc_bip340_verify(a->sig, m, sizeof(m), xonly) ? 0 : -EIO;
	if (ret)
		memset(a->sig, 0, sizeof(a->sig));
out:
	memzero_explicit(seckey, sizeof(seckey));
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

static void session_free(struct mpcsign_dkg_session *s)
{
	mpc_dkg_pstate_clear(&s->st);
	mpcsign_nsessions--;
	mpcsign_quota_uncharge(s->obj.owner, MPCSIGN_QUOTA_SESSIONS);
	kfree_sensitive(s);
}

static void sessions_of_hostkey_free(u32 host_key)
{
	struct mpcsign_dkg_session *s;
	unsigned long idx;

	lockdep_assert_held(&mpcsign_dkg_lock);
	xa_for_each(&mpcsign_sessions, idx, s) {
		if (s->host_key == host_key) {
			xa_erase(&mpcsign_sessions, idx);
			session_free(s);
		}
	}
}

static struct mpcsign_dkg_session *session_get(u32 handle, int *err)
{
	return dkg_obj_get(&mpcsign_sessions, handle, err);
}

static void session_end(struct mpcsign_dkg_session *s)
{
	xa_erase(&mpcsign_sessions, s->obj.handle);
	session_free(s);
}

/*
 * The n and t of a session in the given stage, looked up under the mutex
 * and released again: the caller sizes and copies its input from user
 * memory without holding the mutex, then takes it again and re-checks.
 */
static int session_dims(u32 handle, u32 stage, u32 *n, u32 *t)
{
	struct mpcsign_dkg_session *s;
	int ret;

	mutex_lock(&mpcsign_dkg_lock);
	s = session_get(handle, &ret);
	if (s) {
		ret = s->stage == stage ? 0 : -EALREADY;
		*n = s->n;
		*t = s->t;
	}
	mutex_unlock(&mpcsign_dkg_lock);
	return ret;
}

/*
 * Under the mutex again: the session, if it is still in that stage and has
 * the n and t the caller sized its input by (a session ended in between
 * and its handle reused by another: -EAGAIN, the new one left alone).
 */
static struct mpcsign_dkg_session *session_get_stage(u32 handle, u32 stage, u32 n, u32 t,
						     int *err)
{
	struct mpcsign_dkg_session *s = session_get(handle, err);

	if (s && s->stage != stage) {
		*err = -EALREADY;
		return NULL;
	}
	if (s && (s->n != n || s->t != t)) {
		*err = -EAGAIN;
		return NULL;
	}
	return s;
}

/*
 * Publish a session under its reserved handle (the caller has the answer),
 * unless its host key was deleted meanwhile: it dies with it, as the
 * published ones did.
 */
static void session_commit(void *obj)
{
	struct mpcsign_dkg_session *s = obj;

	mutex_lock(&mpcsign_dkg_lock);
	if (xa_load(&mpcsign_hostkeys, s->host_key)) {
		WARN_ON_ONCE(xa_is_err(xa_store(&mpcsign_sessions, s->obj.handle, s,
						GFP_KERNEL)));
	} else {
		xa_erase(&mpcsign_sessions, s->obj.handle);
		session_free(s);
	}
	mutex_unlock(&mpcsign_dkg_lock);
}

static void session_abort(void *obj, int err)
{
	struct mpcsign_dkg_session *s = obj;

	mutex_lock(&mpcsign_dkg_lock);
	xa_erase(&mpcsign_sessions, s->obj.handle);	/* the reservation */
	session_free(s);
	mutex_unlock(&mpcsign_dkg_lock);
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
	bool charged = false;
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
	ret = -ENOMEM;
	pmsg1 = kvmalloc(pmsg1_len, GFP_KERNEL);
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!pmsg1 || !s)
		goto out_nolock;
	blame_none(&a->blame);
	ret = get_random_bytes_wait(rnd, sizeof(rnd));	/* may wait: before the mutex */
	if (ret)
		goto out_nolock;

	mutex_lock(&mpcsign_dkg_lock);
	hk = hostkey_get(a->host_key, &ret);
	if (!hk)
		goto out;
	ret = -ENOSPC;
	if (mpcsign_nsessions >= mpcsign_limits.max_dkg_sessions)
		goto out;
	s->obj.owner = current_euid();
	ret = mpcsign_quota_charge(s->obj.owner, MPCSIGN_QUOTA_SESSIONS, dkg_is_admin());
	if (ret)
		goto out;
	charged = true;		/* until reserved; then session_free uncharges */
	/* our position among the host keys (participant_step1 checks it too) */
	for (i = 0; i < a->n; i++)
		if (!memcmp(hostpubkeys + (size_t)i * MPCSIGN_POINT_LEN, hk->pubkey,
			    MPCSIGN_POINT_LEN))
			break;
	s->my_id = i;
	p.hostpubkeys = hostpubkeys;
	p.n = a->n;
	p.t = a->t;
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
	/* a reserved handle: published once the caller has pmsg1 and the handle */
	ret = xa_alloc_cyclic(&mpcsign_sessions, &s->obj.handle, NULL, xa_limit_31b,
			      &mpcsign_session_next, GFP_KERNEL);
	if (ret < 0) {
		ret = ret == -EBUSY ? -ENOSPC : ret;
		goto out;
	}
	ret = 0;
	mpcsign_nsessions++;	/* from here on session_free() undoes it all */
	s->host_key = hk->obj.handle;
	s->file = ioc->file;
	s->stage = DKG_STAGE_STEP1;
	s->t = a->t;
	s->n = a->n;
	a->session = s->obj.handle;
	a->pmsg1_len = pmsg1_len;
	mpcsign_ioc_pend(ioc, &session_pending, s);
	s = NULL;
out:
	mutex_unlock(&mpcsign_dkg_lock);
out_nolock:
	if (s) {
		if (charged)
			mpcsign_quota_uncharge(s->obj.owner, MPCSIGN_QUOTA_SESSIONS);
		mpc_dkg_pstate_clear(&s->st);
		kfree_sensitive(s);
	}
	/* user memory only after the unlock; a fault ends the pending session */
	if (!ret && copy_to_user(u64_to_user_ptr(a->pmsg1), pmsg1, pmsg1_len))
		ret = -EFAULT;
	memzero_explicit(rnd, sizeof(rnd));
	kvfree(pmsg1);
	kvfree(hostpubkeys);
	return ret;
}

long mpcsign_ioc_dkg_step2(struct mpcsign_ioc *ioc)
{
	struct mpcsign_dkg_step2 *a = ioc->cmd;
	struct mpcsign_dkg_session *s;
	struct mpcsign_hostkey *hk;
	struct mpc_dkg_error e = { MPC_DKG_NOBODY, MPC_DKG_NOBODY, 0 };
	u8 *cmsg1, aux[32];
	u32 n, t;
	int ret, err;

	if (memchr_inv(a->pmsg2, 0, sizeof(a->pmsg2)) ||
	    memchr_inv(&a->blame, 0, sizeof(a->blame)) ||
	    memchr_inv(a->reserved, 0, sizeof(a->reserved)))
		return -EINVAL;
	blame_none(&a->blame);
	/* the session's cmsg1 size bounds the copy (not the module's limits) */
	ret = session_dims(a->session, DKG_STAGE_STEP1, &n, &t);
	if (ret)
		return ret;
	cmsg1 = copy_in(a->cmsg1, a->cmsg1_len, mpc_dkg_cmsg1_len(n, t), &err);
	if (err == -E2BIG) {
		/* longer than this session's cmsg1: malformed, as the core says */
		a->blame.kind = MPCSIGN_DKG_INVALID_ARG;
		ioc->out_on_error = true;
		return -EINVAL;
	}
	if (err)
		return err;
	ioc->out_on_error = true;
	mutex_lock(&mpcsign_dkg_lock);
	s = session_get_stage(a->session, DKG_STAGE_STEP1, n, t, &ret);
	if (!s)
		goto out;
	hk = hostkey_get(s->host_key, &ret);
	if (!hk)
		goto out;
	get_random_bytes(aux, sizeof(aux));
	err = mpc_dkg_participant_step2(&s->st, a->pmsg2, hk->seckey, cmsg1, a->cmsg1_len,
					aux, &e);
	memzero_explicit(aux, sizeof(aux));
	ret = dkg_errno(err, &e, &a->blame);
	if (!ret)
		s->stage = DKG_STAGE_STEP2;
	else if (err == MPC_DKG_ERR_UNKNOWN_FAULTY_PARTICIPANT_OR_COORDINATOR)
		s->stage = DKG_STAGE_INVESTIGATE;
	else if (err != MPC_DKG_ERR_INVALID_ARG)
		session_end(s);	/* a protocol failure: the state is dead */
out:
	mutex_unlock(&mpcsign_dkg_lock);
	kvfree(cmsg1);
	return ret;
}

/*
 * Make the key share of a DKG / recovery result (pending on ioc: published
 * once the caller has the answer) and fill the output.  Called without the
 * DKG mutex (it copies to user memory); the key store has its own locking.
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
	u32 n, t, my_id = 0;
	int ret, err;

	if (a->host_key || output_args_check(a))
		return -EINVAL;
	ioc->out_on_error = true;
	/* sizes from the session, user memory read without the mutex */
	ret = session_dims(a->session, DKG_STAGE_STEP2, &n, &t);
	if (ret)
		goto out_nolock;
	rd_len = mpc_dkg_recovery_data_len(n, t);
	ret = -ENOSPC;
	if (a->recovery_data_len < rd_len || a->pubshares_len < (u64)n * MPCSIGN_POINT_LEN)
		goto out_nolock;
	ret = -EINVAL;
	if (a->cmsg2_len != mpc_dkg_cmsg2_len(n))
		goto out_nolock;
	cmsg2 = copy_in(a->cmsg2, a->cmsg2_len, a->cmsg2_len, &ret);
	if (ret)
		goto out_nolock;
	ret = -ENOMEM;
	rd = kvmalloc(rd_len, GFP_KERNEL);
	o.pubshares_len = (size_t)n * MPCSIGN_POINT_LEN;
	o.pubshares = kvmalloc(o.pubshares_len, GFP_KERNEL);
	if (!rd || !o.pubshares)
		goto out_nolock;

	mutex_lock(&mpcsign_dkg_lock);
	s = session_get_stage(a->session, DKG_STAGE_STEP2, n, t, &ret);
	if (!s) {
		mutex_unlock(&mpcsign_dkg_lock);
		goto out_nolock;
	}
	err = mpc_dkg_participant_finalize(&s->st, cmsg2, a->cmsg2_len, &o, rd, rd_len, &e);
	ret = dkg_errno(err, &e, &a->blame);
	my_id = s->my_id;
	/* success or not, the state went to its one participant_finalize */
	session_end(s);
	mutex_unlock(&mpcsign_dkg_lock);
	if (ret)
		goto out_nolock;
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
out_nolock:
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
	u32 n, t;
	int ret, err;

	if (memchr_inv(&a->blame, 0, sizeof(a->blame)) ||
	    memchr_inv(a->reserved, 0, sizeof(a->reserved)))
		return -EINVAL;
	blame_none(&a->blame);
	ioc->out_on_error = true;
	ret = session_dims(a->session, DKG_STAGE_INVESTIGATE, &n, &t);
	if (ret)
		goto out_nolock;
	ret = -EINVAL;
	if (a->cinv_len != mpc_dkg_cinv_len(n))
		goto out_nolock;
	cinv = copy_in(a->cinv, a->cinv_len, a->cinv_len, &ret);
	if (ret)
		goto out_nolock;
	mutex_lock(&mpcsign_dkg_lock);
	s = session_get_stage(a->session, DKG_STAGE_INVESTIGATE, n, t, &ret);
	if (!s)
		goto out;
	err = mpc_dkg_participant_investigate(&s->st, cinv, a->cinv_len, &e);
	ret = dkg_errno(err, &e, &a->blame);
	if (!ret)
		ret = -EIO;	/* investigation never succeeds */
	session_end(s);
out:
	mutex_unlock(&mpcsign_dkg_lock);
out_nolock:
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
	mutex_lock(&mpcsign_dkg_lock);
	s = session_get(a->session, &ret);
	if (s)
		session_end(s);
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
	mutex_lock(&mpcsign_dkg_lock);
	hk = hostkey_get(a->host_key, &ret);
	if (!hk)
		goto out;
	ret = recover_core(hk, rd, a->recovery_data_len, &o, &p, &my_id, &a->blame);
	mutex_unlock(&mpcsign_dkg_lock);
	/* p points into rd (ours): usable after the unlock */
	if (!ret && a->pubshares_len < o.pubshares_len)
		ret = -ENOSPC;
	if (!ret)
		ret = output_to_key(ioc, a, &o, my_id, p.t, p.n);
	goto done;
out:
	mutex_unlock(&mpcsign_dkg_lock);
done:
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
	mutex_lock(&mpcsign_dkg_lock);
	hk = hostkey_get(a->host_key, &ret);
	if (!hk)
		goto out;
	ret = recover_core(hk, rd, a->recovery_data_len, &o, &p, &my_id, &a->blame);
	if (ret)
		goto out;
	/* the spec: recovery data that does not match the caller's params */
	if (with_params && (p.t != a->t || p.n != a->n ||
			    memcmp(p.hostpubkeys, hpk, (size_t)a->n * MPCSIGN_POINT_LEN))) {
		a->blame.kind = MPC_DKG_ERR_RECOVERY_DATA;
		ret = -EILSEQ;
		goto out;
	}
	get_random_bytes(aux, sizeof(aux));
	err = mpc_dkg_participant_recovery_ack_sign(a->sig, hk->seckey, rd, a->recovery_data_len,
						    &p, aux, &e);
	memzero_explicit(aux, sizeof(aux));
	ret = dkg_errno(err, &e, &a->blame);
out:
	mutex_unlock(&mpcsign_dkg_lock);
	memzero_explicit(o.secshare, sizeof(o.secshare));
	kvfree(o.pubshares);
	kvfree(rd);
	kvfree(hpk);
	return ret;
}

/*
 * Without the DKG mutex (a caller stuck in a user-memory fault under it must
 * not block system sleep): the PM notifier calls this once no ioctl that
 * makes secrets is in flight and new ones are refused (pm.c), so the counts
 * are stable.
 */
void mpcsign_dkg_release(const struct file *file)
{
	struct mpcsign_dkg_session *s;
	unsigned long idx;

	mutex_lock(&mpcsign_dkg_lock);
	xa_for_each(&mpcsign_sessions, idx, s)
		if (s->file == file)
			session_end(s);
	mutex_unlock(&mpcsign_dkg_lock);
}

unsigned int mpcsign_dkg_count(void)
{
	return READ_ONCE(mpcsign_nhostkeys) + READ_ONCE(mpcsign_nsessions);
}

void mpcsign_dkg_exit(void)
{
	struct mpcsign_dkg_session *s;
	struct mpcsign_hostkey *hk;
	unsigned long idx;

	mutex_lock(&mpcsign_dkg_lock);
	xa_for_each(&mpcsign_sessions, idx, s) {
		xa_erase(&mpcsign_sessions, idx);
		session_free(s);
	}
	xa_for_each(&mpcsign_hostkeys, idx, hk) {
		xa_erase(&mpcsign_hostkeys, idx);
		hostkey_free(hk);
	}
	mutex_unlock(&mpcsign_dkg_lock);
}

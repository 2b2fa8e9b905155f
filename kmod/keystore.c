// SPDX-License-Identifier: GPL-2.0
/*
 * keystore.c - key shares and secret nonces in kernel memory, and the
 * ioctls that use them (KEY_IMPORT, KEY_INFO, KEY_DELETE, NONCE_GEN, SIGN).
 *
 * Objects and lifetimes:
 *  - struct mpcsign_key: a FROST key share.  Lives in mpcsign_keys (an
 *    xarray, handle = index) and is reference counted: the xarray holds one
 *    reference, every outstanding nonce one, every ioctl in flight one.
 *    The last put wipes the share (kfree_sensitive).
 *  - struct mpcsign_nonce: a secret nonce bound to one key.  Lives in
 *    mpcsign_nonces.  SIGN takes it out of the xarray under the xarray lock
 *    (so exactly one caller can ever get it), and it is wiped and freed
 *    before SIGN returns, whatever the outcome.  KEY_DELETE and module
 *    unload wipe the nonces of a key the same way.
 *
 * Locking: the two xarrays' own locks (xa_lock) guard lookup + ownership
 * check + erase; object contents are immutable after insertion except the
 * key's "dead" flag (set once by KEY_DELETE) and the atomic counters.
 * No secret is ever printed, sent over netlink or copied to userspace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/kref.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <linux/build_bug.h>
#include "internal.h"
#include "core/ecmult.h"
#include "core/frost.h"

static_assert(sizeof(struct mpcsign_key_import) == MPCSIGN_KEY_IMPORT_SIZE_VER0);
static_assert(sizeof(struct mpcsign_key_info) == MPCSIGN_KEY_INFO_SIZE_VER0);
static_assert(sizeof(struct mpcsign_key_delete) == MPCSIGN_KEY_DELETE_SIZE_VER0);
static_assert(sizeof(struct mpcsign_nonce_gen) == MPCSIGN_NONCE_GEN_SIZE_VER0);
static_assert(sizeof(struct mpcsign_sign) == MPCSIGN_SIGN_SIZE_VER0);
static_assert(sizeof(struct mpcsign_key_lookup) == MPCSIGN_KEY_LOOKUP_SIZE_VER0);

struct mpcsign_key {
	struct kref ref;
	u32 handle;
	kuid_t owner;
	u32 my_id, t, n;
	bool dead;			/* deleted: no new nonces, no signing */
	bool counted;			/* counted in mpcsign_nkeys and its uid's quota */
	atomic_t nonces;		/* outstanding nonces of this key */
	u8 secshare[MPCSIGN_SCALAR_LEN];	/* secret */
	u8 pubshare[MPCSIGN_POINT_LEN];
	u8 thresh_pk[MPCSIGN_POINT_LEN];
	u8 (*pubshares)[MPCSIGN_POINT_LEN];	/* n entries, by identifier */
};

struct mpcsign_nonce {
	u32 handle;
	kuid_t owner;
	struct mpcsign_key *key;	/* holds a reference */
	const struct file *file;	/* the open file it was made through (a tag) */
	struct list_head wipe;		/* on a local list while being wiped */
	u8 secnonce[MPC_FROST_SECNONCE_LEN];	/* secret */
};

static DEFINE_XARRAY_ALLOC1(mpcsign_keys);
static DEFINE_XARRAY_ALLOC1(mpcsign_nonces);
static u32 mpcsign_key_next, mpcsign_nonce_next;
static atomic_t mpcsign_nkeys = ATOMIC_INIT(0);
static atomic_t mpcsign_nnonces = ATOMIC_INIT(0);

static void mpcsign_key_release(struct kref *ref)
{
	struct mpcsign_key *key = container_of(ref, struct mpcsign_key, ref);

	kvfree(key->pubshares);
	if (key->counted) {
		atomic_dec(&mpcsign_nkeys);
		mpcsign_quota_uncharge(key->owner, MPCSIGN_QUOTA_KEYS);
	}
	kfree_sensitive(key);
}

static void mpcsign_key_put(struct mpcsign_key *key)
{
	kref_put(&key->ref, mpcsign_key_release);
}

/*
 * May the caller use an object of owner?  admin is the caller's
 * CAP_SYS_ADMIN, found with mpcsign_is_admin() before any spinlock is taken
 * (LSM hooks must not run under one).
 */
static bool mpcsign_may_use(kuid_t owner, bool admin)
{
	return uid_eq(current_euid(), owner) || admin;
}

static bool mpcsign_is_admin(void)
{
	return ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN);
}

/* Look up a key and take a reference; -ENOENT / -EACCES. */
static struct mpcsign_key *mpcsign_key_get(u32 handle)
{
	bool admin = mpcsign_is_admin();
	struct mpcsign_key *key;

	xa_lock(&mpcsign_keys);
	key = xa_load(&mpcsign_keys, handle);
	if (key)
		kref_get(&key->ref);
	xa_unlock(&mpcsign_keys);
	if (!key)
		return ERR_PTR(-ENOENT);
	if (!mpcsign_may_use(key->owner, admin)) {
		mpcsign_key_put(key);
		return ERR_PTR(-EACCES);
	}
	return key;
}

/* Wipe and free a nonce that is no longer in the xarray. */
static void mpcsign_nonce_free(struct mpcsign_nonce *nonce)
{
	atomic_dec(&nonce->key->nonces);
	atomic_dec(&mpcsign_nnonces);
	mpcsign_quota_uncharge(nonce->owner, MPCSIGN_QUOTA_NONCES);
	mpcsign_key_put(nonce->key);
	kfree_sensitive(nonce);
}

/*
 * Erase and wipe every nonce of key (all keys if key is NULL) made through
 * file (any file if file is NULL).
 */
static void mpcsign_nonces_wipe(struct mpcsign_key *key, const struct file *file)
{
	struct mpcsign_nonce *nonce, *tmp;
	unsigned long idx;
	LIST_HEAD(doomed);

	/*
	 * Erase under the lock (a nonce still in the xarray cannot be freed by
	 * anyone else), free after it: freeing may end in kvfree.
	 */
	xa_lock(&mpcsign_nonces);
	xa_for_each(&mpcsign_nonces, idx, nonce) {
		if ((key && nonce->key != key) || (file && nonce->file != file))
			continue;
		__xa_erase(&mpcsign_nonces, idx);
		list_add(&nonce->wipe, &doomed);
	}
	xa_unlock(&mpcsign_nonces);
	list_for_each_entry_safe(nonce, tmp, &doomed, wipe)
		mpcsign_nonce_free(nonce);
}

/* Lagrange coefficient of x_j = ids[j] + 1 among xs at the point x (public). */
static void mpcsign_lagrange_at(mpc_scalar *r, const u32 *ids, u32 count, u32 j,
				u32 x)
{
	mpc_scalar num, den, a, b, tmp;
	u32 m;

	mpc_scalar_set_int(&num, 1);
	mpc_scalar_set_int(&den, 1);
	for (m = 0; m < count; m++) {
		if (m == j)
			continue;
		/* (x - x_m) / (x_j - x_m) */
		mpc_scalar_set_int(&a, x);
		mpc_scalar_set_int(&tmp, ids[m] + 1);
		mpc_scalar_negate(&tmp, &tmp);
		mpc_scalar_add(&a, &a, &tmp);
		mpc_scalar_mul(&num, &num, &a);
		mpc_scalar_set_int(&b, ids[j] + 1);
		mpc_scalar_add(&b, &b, &tmp);
		mpc_scalar_mul(&den, &den, &b);
	}
	mpc_scalar_inverse_var(&den, &den);
	mpc_scalar_mul(r, &num, &den);
}

/*
 * Check that the n public shares lie on one polynomial of degree t-1 whose
 * value at 0 is thresh_pk: interpolate from the shares of ids 0..t-1 at 0
 * and at every other id.  O((n - t + 1) * t) point operations; import only.
 */
static int mpcsign_check_pubshares(const struct mpcsign_key *key)
{
	u32 t = key->t, n = key->n, j, k;
	mpc_ge *pts = NULL, expect;
	mpc_scalar *sc = NULL;
	u32 *ids = NULL;
	mpc_gej sum, exp_j;
	int ret = -ENOMEM;

	pts = kvcalloc(t, sizeof(*pts), GFP_KERNEL);
	sc = kvcalloc(t, sizeof(*sc), GFP_KERNEL);
	ids = kvcalloc(t, sizeof(*ids), GFP_KERNEL);
	if (!pts || !sc || !ids)
		goto out;
	ret = -EINVAL;
	for (j = 0; j < t; j++) {
		ids[j] = j;
		if (!mpc_ge_parse_compressed(&pts[j], key->pubshares[j]))
			goto out;
	}
	/* k == n stands for the threshold key at x = 0 */
	for (k = t; k <= n; k++) {
		const u8 *want = k == n ? key->thresh_pk : key->pubshares[k];
		u32 x = k == n ? 0 : k + 1;

		if (!mpc_ge_parse_compressed(&expect, want))
			goto out;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto out;
		}
		cond_resched();
		for (j = 0; j < t; j++)
			mpcsign_lagrange_at(&sc[j], ids, t, j, x);
		if (mpc_ecmult_multi_var(&sum, pts, sc, t, NULL)) {
			ret = -ENOMEM;
			goto out;
		}
		mpc_gej_set_ge(&exp_j, &expect);
		if (!mpc_gej_eq_var(&sum, &exp_j))
			goto out;
	}
	ret = 0;
out:
	kvfree(pts);
	kvfree(sc);
	kvfree(ids);
	return ret;
}

/*
 * Count a key against the limits and its owner's quota and reserve its
 * handle (key->handle): a NULL entry, invisible to lookups, deletes and
 * walks until mpcsign_key_commit() stores the key there.
 */
static int mpcsign_key_reserve(struct mpcsign_key *key)
{
	int ret;

	if (atomic_inc_return(&mpcsign_nkeys) > mpcsign_limits.max_keys) {
		atomic_dec(&mpcsign_nkeys);
		return -ENOSPC;
	}
	ret = mpcsign_quota_charge(key->owner, MPCSIGN_QUOTA_KEYS, mpcsign_is_admin());
	if (ret) {
		atomic_dec(&mpcsign_nkeys);
		return ret;
	}
	key->counted = true;	/* from here on the release uncounts it */
	ret = xa_alloc_cyclic(&mpcsign_keys, &key->handle, NULL, xa_limit_31b,
			      &mpcsign_key_next, GFP_KERNEL);
	if (ret < 0)
		return ret == -EBUSY ? -ENOSPC : ret;
	return 0;
}

/*
 * The caller has its answer: publish.  Once published, another thread may
 * delete and free the key at once, so it is not touched after the store.
 * Storing into the reserved slot allocates nothing.
 */
static void mpcsign_key_commit(void *obj)
{
	struct mpcsign_key *key = obj;
	u32 handle = key->handle;

	WARN_ON_ONCE(xa_is_err(xa_store(&mpcsign_keys, handle, key, GFP_KERNEL)));
	mpcsign_audit(MPCSIGN_AUDIT_KEY_ADD, 0, handle, 0, NULL, 0);
}

/* The answer did not reach the caller: the key never existed. */
static void mpcsign_key_abort(void *obj, int err)
{
	struct mpcsign_key *key = obj;

	xa_erase(&mpcsign_keys, key->handle);	/* the reservation */
	mpcsign_key_put(key);			/* wipes, uncounts, uncharges */
}

static const struct mpcsign_pending_ops mpcsign_key_pending = {
	.commit = mpcsign_key_commit,
	.abort = mpcsign_key_abort,
};

/* Reserve key's handle and leave it pending on ioc (or put it on failure). */
static int mpcsign_key_pend(struct mpcsign_ioc *ioc, struct mpcsign_key *key, u32 *handle)
{
	int ret = mpcsign_key_reserve(key);

	if (ret) {
		mpcsign_key_put(key);
		return ret;
	}
	*handle = key->handle;
	mpcsign_ioc_pend(ioc, &mpcsign_key_pending, key);
	return 0;
}

/*
 * Make a key object from a share and its public data (pubshares: n entries,
 * copied).  Checks that secshare is a valid scalar whose public share is
 * pubshares[my_id]; check_poly also checks that the public shares
 * interpolate to thresh_pk (for imports; DKG output is consistent by
 * construction).  Not yet inserted.
 */
static struct mpcsign_key *mpcsign_key_new(u32 my_id, u32 t, u32 n,
					   const u8 secshare[MPCSIGN_SCALAR_LEN],
					   const u8 thresh_pk[MPCSIGN_POINT_LEN],
					   const u8 *pubshares, bool check_poly)
{
	struct mpcsign_key *key;
	mpc_scalar s;
	mpc_gej pj;
	mpc_ge p;
	int ret = -ENOMEM;

	key = kzalloc(sizeof(*key), GFP_KERNEL_ACCOUNT);
	if (!key)
		return ERR_PTR(-ENOMEM);
	kref_init(&key->ref);
	key->pubshares = kvmalloc_array(n, MPCSIGN_POINT_LEN, GFP_KERNEL_ACCOUNT);
	if (!key->pubshares)
		goto fail;
	memcpy(key->pubshares, pubshares, (size_t)n * MPCSIGN_POINT_LEN);
	key->owner = current_euid();
	key->my_id = my_id;
	key->t = t;
	key->n = n;
	memcpy(key->secshare, secshare, sizeof(key->secshare));
	memcpy(key->thresh_pk, thresh_pk, sizeof(key->thresh_pk));

	ret = -EINVAL;
	if (!mpc_scalar_set_b32_seckey(&s, key->secshare))
		goto fail;
	mpc_ecmult_gen(&pj, &s);
	mpc_ge_set_gej(&p, &pj);
	mpc_ge_serialize_compressed(key->pubshare, &p);
	if (memcmp(key->pubshare, key->pubshares[key->my_id], MPCSIGN_POINT_LEN))
		goto fail;
	if (check_poly) {
		ret = mpcsign_check_pubshares(key);
		if (ret)
			goto fail;
	}
	mpc_scalar_clear(&s);
	mpc_gej_clear(&pj);
	return key;
fail:
	mpc_scalar_clear(&s);
	mpc_gej_clear(&pj);
	mpcsign_key_put(key);
	return ERR_PTR(ret);
}

int mpcsign_key_add(struct mpcsign_ioc *ioc, u32 my_id, u32 t, u32 n,
		    const u8 secshare[MPCSIGN_SCALAR_LEN],
		    const u8 thresh_pk[MPCSIGN_POINT_LEN], const u8 *pubshares,
		    u32 *handle)
{
	struct mpcsign_key *key;

	if (t < 1 || t > n || my_id >= n)
		return -EINVAL;
	key = mpcsign_key_new(my_id, t, n, secshare, thresh_pk, pubshares, false);
	if (IS_ERR(key))
		return PTR_ERR(key);
	return mpcsign_key_pend(ioc, key, handle);
}

long mpcsign_ioc_key_import(struct mpcsign_ioc *ioc)
{
	struct mpcsign_key_import *ki = ioc->cmd;
	struct mpcsign_key *key;
	u8 *pubshares = NULL;
	int ret;

	/* CAP_SYS_ADMIN: checked by the dispatcher (MPCSIGN_IOC_ADMIN) */
	ret = -EINVAL;
	if (ki->reserved0 || ki->handle || memchr_inv(ki->reserved1, 0, sizeof(ki->reserved1)) ||
	    memchr_inv(ki->reserved, 0, sizeof(ki->reserved)))
		goto out;
	if (ki->t < 1 || ki->t > ki->n || ki->my_id >= ki->n)
		goto out;
	if (ki->n > mpcsign_limits.max_signers) {
		ret = -E2BIG;
		goto out;
	}
	if ((u64)ki->pubshares_len != (u64)ki->n * MPCSIGN_POINT_LEN)
		goto out;
	ret = -ENOMEM;
	pubshares = kvmalloc(ki->pubshares_len, GFP_KERNEL);
	if (!pubshares)
		goto out;
	ret = -EFAULT;
	if (copy_from_user(pubshares, u64_to_user_ptr(ki->pubshares), ki->pubshares_len))
		goto out;
	key = mpcsign_key_new(ki->my_id, ki->t, ki->n, ki->secshare, ki->thresh_pk,
			      pubshares, true);
	if (IS_ERR(key)) {
		ret = PTR_ERR(key);
		goto out;
	}
	/* published once the caller has the handle (a copy-out fault frees it) */
	ret = mpcsign_key_pend(ioc, key, &ki->handle);
out:
	memzero_explicit(ki->secshare, sizeof(ki->secshare));
	kvfree(pubshares);
	return ret;
}

long mpcsign_ioc_key_info(struct mpcsign_ioc *ioc)
{
	struct mpcsign_key_info *ki = ioc->cmd;
	struct mpcsign_key *key;
	int ret;

	if (ki->my_id || ki->t || ki->n || ki->owner_uid || ki->nonces ||
	    memchr_inv(ki->thresh_pk, 0, sizeof(ki->thresh_pk)) ||
	    memchr_inv(ki->reserved1, 0, sizeof(ki->reserved1)) ||
	    memchr_inv(ki->reserved, 0, sizeof(ki->reserved)))
		return -EINVAL;
	key = mpcsign_key_get(ki->handle);
	if (IS_ERR(key))
		return PTR_ERR(key);
	ret = 0;
	if (ki->pubshares) {
		if ((u64)ki->pubshares_len < (u64)key->n * MPCSIGN_POINT_LEN)
			ret = -ENOSPC;	/* the struct still says how much is needed */
		else if (copy_to_user(u64_to_user_ptr(ki->pubshares), key->pubshares,
				      key->n * MPCSIGN_POINT_LEN))
			ret = -EFAULT;
	}
	if (ret == -EFAULT)
		goto out;
	ki->my_id = key->my_id;
	ki->t = key->t;
	ki->n = key->n;
	ki->owner_uid = from_kuid_munged(current_user_ns(), key->owner);
	ki->nonces = atomic_read(&key->nonces);
	ki->pubshares_len = key->n * MPCSIGN_POINT_LEN;
	memcpy(ki->thresh_pk, key->thresh_pk, sizeof(ki->thresh_pk));
	ioc->out_on_error = true;	/* -ENOSPC reports the size */
out:
	mpcsign_key_put(key);
	return ret;
}

long mpcsign_ioc_key_delete(struct mpcsign_ioc *ioc)
{
	struct mpcsign_key_delete kd = *(struct mpcsign_key_delete *)ioc->cmd;
	struct mpcsign_key *key;
	bool admin = mpcsign_is_admin();

	if (kd.reserved0 || memchr_inv(kd.reserved, 0, sizeof(kd.reserved)))
		return -EINVAL;
	xa_lock(&mpcsign_keys);
	key = xa_load(&mpcsign_keys, kd.handle);
	if (!key) {
		xa_unlock(&mpcsign_keys);
		return -ENOENT;
	}
	if (!mpcsign_may_use(key->owner, admin)) {
		xa_unlock(&mpcsign_keys);
		return -EACCES;
	}
	__xa_erase(&mpcsign_keys, kd.handle);
	/* under the nonces' lock: see the publication in NONCE_GEN */
	xa_lock(&mpcsign_nonces);
	WRITE_ONCE(key->dead, true);
	xa_unlock(&mpcsign_nonces);
	xa_unlock(&mpcsign_keys);
	mpcsign_nonces_wipe(key, NULL);
	mpcsign_audit(MPCSIGN_AUDIT_KEY_DELETE, 0, key->handle, 0, NULL, 0);
	mpcsign_key_put(key);		/* the xarray's reference */
	return 0;
}

/*
 * KEY_LOOKUP: the handle of the share of thresh_pk (and my_id with
 * MPCSIGN_LOOKUP_F_ID) among the keys the caller may use.  One walk of at
 * most max_keys entries under the xarray lock (no allocation, no user
 * access); more than one match is -ENOTUNIQ, whatever they are (several
 * participants' shares, or the same share twice after a second RECOVER).
 */
long mpcsign_ioc_key_lookup(struct mpcsign_ioc *ioc)
{
	struct mpcsign_key_lookup *klp = ioc->cmd;
	struct mpcsign_key_lookup kl = *klp;
	struct mpcsign_key *key;
	bool admin = mpcsign_is_admin(), by_id;
	unsigned long idx;
	int ret = -ENOENT;

	by_id = kl.flags & MPCSIGN_LOOKUP_F_ID;
	if (kl.handle || kl.reserved0 || (!by_id && kl.my_id) ||
	    memchr_inv(kl.reserved1, 0, sizeof(kl.reserved1)) ||
	    memchr_inv(kl.reserved, 0, sizeof(kl.reserved)))
		return -EINVAL;
	xa_lock(&mpcsign_keys);
	xa_for_each(&mpcsign_keys, idx, key) {
		if (memcmp(key->thresh_pk, kl.thresh_pk, sizeof(kl.thresh_pk)) ||
		    (by_id && key->my_id != kl.my_id) || !mpcsign_may_use(key->owner, admin))
			continue;
		if (!ret) {
			ret = -ENOTUNIQ;
			break;
		}
		kl.handle = key->handle;
		kl.my_id = key->my_id;
		ret = 0;
	}
	xa_unlock(&mpcsign_keys);
	if (!ret)
		*klp = kl;
	return ret;
}

/* Copy an optional user buffer of len bytes (len <= max) into kernel memory. */
static void *mpcsign_copy_buf(u64 uptr, u32 len, u32 max, int *err)
{
	void *buf;

	*err = 0;
	if (len > max) {
		*err = -E2BIG;
		return NULL;
	}
	if (!len)
		return NULL;
	buf = kvmalloc(len, GFP_KERNEL);
	if (!buf) {
		*err = -ENOMEM;
		return NULL;
	}
	if (copy_from_user(buf, u64_to_user_ptr(uptr), len)) {
		kvfree(buf);
		*err = -EFAULT;
		return NULL;
	}
	return buf;
}

/*
 * A nonce whose answer reached the caller: publish it under its reserved
 * handle.  KEY_DELETE sets key->dead under this lock before it wipes the
 * key's nonces, so either it sees this nonce or we see "dead" here (and
 * the nonce dies at once: the caller's handle then finds nothing, as after
 * a delete).  After the unlock the nonce may be taken and freed at once.
 */
static void mpcsign_nonce_commit(void *obj)
{
	struct mpcsign_nonce *nonce = obj;
	struct mpcsign_key *key = nonce->key;
	u32 handle = nonce->handle, khandle = key->handle;
	bool dead;

	xa_lock(&mpcsign_nonces);
	dead = READ_ONCE(key->dead);
	if (dead)
		__xa_erase(&mpcsign_nonces, handle);
	else
		WARN_ON_ONCE(xa_is_err(__xa_store(&mpcsign_nonces, handle, nonce, GFP_ATOMIC)));
	xa_unlock(&mpcsign_nonces);
	mpcsign_audit(MPCSIGN_AUDIT_NONCE_GEN, dead ? -ENOENT : 0, khandle, handle, NULL, 0);
	if (dead)
		mpcsign_nonce_free(nonce);
}

static void mpcsign_nonce_abort(void *obj, int err)
{
	struct mpcsign_nonce *nonce = obj;

	mpcsign_audit(MPCSIGN_AUDIT_NONCE_GEN, err, nonce->key->handle, nonce->handle, NULL, 0);
	xa_erase(&mpcsign_nonces, nonce->handle);	/* the reservation */
	mpcsign_nonce_free(nonce);
}

static const struct mpcsign_pending_ops mpcsign_nonce_pending = {
	.commit = mpcsign_nonce_commit,
	.abort = mpcsign_nonce_abort,
};

long mpcsign_ioc_nonce_gen(struct mpcsign_ioc *ioc)
{
	struct mpcsign_nonce_gen *ng = ioc->cmd;
	struct mpcsign_nonce *nonce = NULL;
	struct mpcsign_key *key;
	u8 *msg = NULL, *extra = NULL, rand[32];
	int ret, err;

	if (ng->nonce_handle ||
	    memchr_inv(ng->reserved1, 0, sizeof(ng->reserved1)) ||
	    memchr_inv(ng->reserved, 0, sizeof(ng->reserved)) ||
	    memchr_inv(ng->pubnonce, 0, sizeof(ng->pubnonce)))
		return -EINVAL;
	if (!(ng->flags & MPCSIGN_NONCE_F_MSG) && (ng->msg || ng->msg_len))
		return -EINVAL;
	if (!(ng->flags & MPCSIGN_NONCE_F_EXTRA_IN) && (ng->extra_in || ng->extra_in_len))
		return -EINVAL;
	if (!(ng->flags & MPCSIGN_NONCE_F_THRESH_PK) &&
	    memchr_inv(ng->thresh_pk_x, 0, sizeof(ng->thresh_pk_x)))
		return -EINVAL;

	key = mpcsign_key_get(ng->key_handle);
	if (IS_ERR(key))
		return PTR_ERR(key);
	ret = -ENOENT;
	if (READ_ONCE(key->dead))
		goto out;
	msg = mpcsign_copy_buf(ng->msg, ng->msg_len, mpcsign_limits.max_msg_len, &err);
	if (err) {
		ret = err;
		goto out;
	}
	extra = mpcsign_copy_buf(ng->extra_in, ng->extra_in_len,
				 mpcsign_limits.max_msg_len, &err);
	if (err) {
		ret = err;
		goto out;
	}
	ret = -ENOMEM;
	nonce = kzalloc(sizeof(*nonce), GFP_KERNEL_ACCOUNT);
	if (!nonce)
		goto out;
	if (atomic_inc_return(&mpcsign_nnonces) > mpcsign_limits.max_nonces) {
		atomic_dec(&mpcsign_nnonces);
		kfree(nonce);
		nonce = NULL;
		ret = -ENOSPC;
		goto out;
	}
	nonce->owner = current_euid();
	ret = mpcsign_quota_charge(nonce->owner, MPCSIGN_QUOTA_NONCES, mpcsign_is_admin());
	if (ret) {
		atomic_dec(&mpcsign_nnonces);
		kfree(nonce);
		nonce = NULL;
		goto out;
	}
	/* from here on mpcsign_nonce_free() undoes it all */
	atomic_inc(&key->nonces);
	kref_get(&key->ref);
	nonce->key = key;
	nonce->file = ioc->file;

	ret = get_random_bytes_wait(rand, sizeof(rand));	/* a seeded CRNG */
	if (ret) {
		memzero_explicit(rand, sizeof(rand));
		goto out;
	}
	ret = mpc_frost_nonce_gen(nonce->secnonce, ng->pubnonce, rand,
				  key->secshare, key->pubshare,
				  ng->flags & MPCSIGN_NONCE_F_THRESH_PK ? ng->thresh_pk_x : NULL,
				  !!(ng->flags & MPCSIGN_NONCE_F_MSG), msg, ng->msg_len,
				  ng->flags & MPCSIGN_NONCE_F_EXTRA_IN ? extra : NULL,
				  ng->extra_in_len);
	memzero_explicit(rand, sizeof(rand));
	if (ret) {
		ret = -EIO;	/* negligible probability: a zero nonce */
		goto out;
	}
	/* a reserved handle: published by the dispatcher once the caller has it */
	ret = xa_alloc_cyclic(&mpcsign_nonces, &nonce->handle, NULL, xa_limit_31b,
			      &mpcsign_nonce_next, GFP_KERNEL);
	if (ret < 0) {
		ret = ret == -EBUSY ? -ENOSPC : ret;
		goto out;
	}
	ret = 0;
	ng->nonce_handle = nonce->handle;
	mpcsign_ioc_pend(ioc, &mpcsign_nonce_pending, nonce);
	nonce = NULL;
out:
	if (nonce)
		mpcsign_nonce_free(nonce);
	kvfree(msg);
	kvfree(extra);
	mpcsign_key_put(key);
	return ret;
}

/* Are pubshares[i] the key's own validated public shares of ids[i]? */
static bool mpcsign_session_uses_key_shares(const struct mpcsign_key *key, const u32 *ids,
					    const u8 *pubshares, u32 u)
{
	u32 i;

	for (i = 0; i < u; i++)
		if (ids[i] >= key->n ||
		    memcmp(pubshares + (size_t)i * MPCSIGN_POINT_LEN,
			   key->pubshares[ids[i]], MPCSIGN_POINT_LEN))
			return false;
	return true;
}

/* Take a nonce out of the store (exactly one caller can). */
static struct mpcsign_nonce *mpcsign_nonce_take(u32 handle)
{
	bool admin = mpcsign_is_admin();
	struct mpcsign_nonce *nonce;

	xa_lock(&mpcsign_nonces);
	nonce = xa_load(&mpcsign_nonces, handle);
	if (!nonce) {
		xa_unlock(&mpcsign_nonces);
		return ERR_PTR(-ENOENT);
	}
	if (!mpcsign_may_use(nonce->owner, admin)) {
		xa_unlock(&mpcsign_nonces);
		return ERR_PTR(-EACCES);
	}
	__xa_erase(&mpcsign_nonces, handle);
	xa_unlock(&mpcsign_nonces);
	return nonce;
}

static int mpcsign_frost_errno(int err)
{
	switch (err) {
	case MPC_FROST_OK:
		return 0;
	case MPC_FROST_ERR_AGGNONCE:
		return -EBADMSG;
	case MPC_FROST_ERR_LIMIT:
		return -E2BIG;
	case MPC_FROST_ERR_INTERNAL:
	case MPC_FROST_ERR_NONCE_ZERO:
		return -EIO;
	default:
		return -EINVAL;
	}
}

long mpcsign_ioc_sign(struct mpcsign_ioc *ioc)
{
	struct mpcsign_sign *sgp = ioc->cmd;
	struct mpcsign_sign sg = *sgp;
	struct mpcsign_nonce *nonce;
	struct mpcsign_key *key;
	struct mpc_frost_signers signers;
	struct mpc_frost_tweaks tweaks;
	struct mpc_frost_session_ctx ctx;
	struct mpc_frost_limits lim;
	u8 is_xonly[MPCSIGN_MAX_TWEAKS];
	u8 *msg = NULL, *tw = NULL, *pubshares = NULL;
	u32 *ids = NULL, k;
	size_t blame = MPC_FROST_NO_BLAME;
	bool msg_read = false;
	int ret, err;

	if (memchr_inv(sg.reserved1, 0, sizeof(sg.reserved1)) ||
	    memchr_inv(sg.reserved, 0, sizeof(sg.reserved)) ||
	    memchr_inv(sg.psig, 0, sizeof(sg.psig)) || sg.blame || sg.detail)
		return -EINVAL;
	if (!sg.num_signers)
		return -EINVAL;
	if (sg.num_signers > mpcsign_limits.max_signers ||
	    sg.num_tweaks > MPCSIGN_MAX_TWEAKS || sg.msg_len > mpcsign_limits.max_msg_len)
		return -E2BIG;
	if (sg.num_tweaks < 64 && sg.tweak_xonly >> sg.num_tweaks)
		return -EINVAL;

	/* from here on the nonce is consumed, whatever happens */
	nonce = mpcsign_nonce_take(sg.nonce_handle);
	if (IS_ERR(nonce))
		return PTR_ERR(nonce);
	key = nonce->key;
	ret = -ENOENT;
	if (READ_ONCE(key->dead))
		goto out;

	ids = mpcsign_copy_buf(sg.ids, sg.num_signers * sizeof(u32), U32_MAX, &err);
	if (!err)
		pubshares = mpcsign_copy_buf(sg.pubshares,
					     sg.num_signers * MPCSIGN_POINT_LEN,
					     U32_MAX, &err);
	if (!err)
		tw = mpcsign_copy_buf(sg.tweaks, sg.num_tweaks * 32, U32_MAX, &err);
	if (!err)
		msg = mpcsign_copy_buf(sg.msg, sg.msg_len, U32_MAX, &err);
	msg_read = !err;
	if (err) {
		ret = err;
		goto out;
	}
	for (k = 0; k < sg.num_tweaks; k++)
		is_xonly[k] = (sg.tweak_xonly >> k) & 1;

	signers.n = key->n;
	signers.t = key->t;
	signers.u = sg.num_signers;
	signers.ids = ids;
	signers.pubshares = (const u8 (*)[MPC_FROST_PUBSHARE_LEN])pubshares;
	signers.thresh_pk = key->thresh_pk;
	tweaks.tweak = tw;
	tweaks.tweak_len = sg.num_tweaks * 32;
	tweaks.is_xonly = is_xonly;
	tweaks.n_is_xonly = sg.num_tweaks;
	ctx.signers = &signers;
	ctx.aggnonce = sg.aggnonce;
	ctx.tweaks = sg.num_tweaks ? &tweaks : NULL;
	ctx.msg = msg;
	ctx.msglen = sg.msg_len;
	lim.max_signers = mpcsign_limits.max_signers;
	lim.max_tweaks = MPCSIGN_MAX_TWEAKS;
	lim.max_msglen = mpcsign_limits.max_msg_len;

	/*
	 * The key's n public shares were validated when it was made (import or
	 * DKG).  If the session names exactly those shares, the core may skip
	 * re-checking that they interpolate to the threshold key; otherwise
	 * the full BIP-445 checks run and report the spec's errors.
	 */
	err = mpc_frost_sign_ex(sg.psig, nonce->secnonce, key->secshare, key->my_id,
				&ctx, &lim,
				mpcsign_session_uses_key_shares(key, ids, pubshares,
								sg.num_signers) ?
				MPC_FROST_SIGN_TRUSTED_SIGNERS : 0, &blame);
	ret = mpcsign_frost_errno(err);
	sg.detail = err;
	sg.blame = blame == MPC_FROST_NO_BLAME || blame > U32_MAX ?
		   MPCSIGN_BLAME_NONE : (u32)blame;
	/* on failure: the reason, and the psig all zero */
	if (ret)
		memset(sg.psig, 0, sizeof(sg.psig));
	*sgp = sg;
	ioc->out_on_error = true;
out:
	/* every consumed nonce is reported, whatever the outcome */
	mpcsign_audit(MPCSIGN_AUDIT_SIGN, ret, key->handle, nonce->handle,
		      msg_read ? (msg ? msg : (const u8 *)"") : NULL,
		      msg_read ? sg.msg_len : 0);
	memzero_explicit(nonce->secnonce, sizeof(nonce->secnonce));
	mpcsign_nonce_free(nonce);
	memzero_explicit(&sg, sizeof(sg));
	kvfree(ids);
	kvfree(pubshares);
	kvfree(tw);
	kvfree(msg);
	return ret;
}

/* The open file goes away: so do the secret nonces made through it. */
void mpcsign_keystore_release(const struct file *file)
{
	mpcsign_nonces_wipe(NULL, file);
}

void mpcsign_keystore_wipe_nonces(void)
{
	mpcsign_nonces_wipe(NULL, NULL);
}

unsigned int mpcsign_keystore_count(void)
{
	return atomic_read(&mpcsign_nkeys);
}

void mpcsign_keystore_exit(void)
{
	struct mpcsign_key *key;
	unsigned long idx;

	mpcsign_nonces_wipe(NULL, NULL);
	xa_for_each(&mpcsign_keys, idx, key) {
		xa_erase(&mpcsign_keys, idx);
		mpcsign_key_put(key);
	}
}

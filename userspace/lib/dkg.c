// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * dkg.c - libmpcsign: host keys and ChillDKG.  The participant side is the
 * kernel's (ioctls); the coordinator side runs here, from the same core.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include "libmpcsign.h"
#include "core/chilldkg_errno.h"

static int dev_ioctl(struct mpcsign *h, unsigned long cmd, void *arg)
{
	int fd = mpcsign_fd(h);

	if (fd < 0)
		return -EINVAL;
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

/*
 * The kernel fills the blame only when a protocol step ran; an ioctl refused
 * before that leaves the zeroed input (kind 0): report "nobody", not
 * participant 0.
 */
static void put_blame(struct mpcsign_dkg_blame *out, const struct mpcsign_dkg_blame *b)
{
	if (!out)
		return;
	*out = *b;
	if (b->kind == MPCSIGN_DKG_OK) {
		out->participant = MPCSIGN_BLAME_NONE;
		out->participant2 = MPCSIGN_BLAME_NONE;
		out->reason = 0;
	}
}

size_t mpcsign_dkg_pmsg1_len(uint32_t n, uint32_t t)
{
	return mpc_dkg_pmsg1_len(n, t);
}

size_t mpcsign_dkg_cmsg1_len(uint32_t n, uint32_t t)
{
	return mpc_dkg_cmsg1_len(n, t);
}

size_t mpcsign_dkg_cmsg2_len(uint32_t n)
{
	return mpc_dkg_cmsg2_len(n);
}

size_t mpcsign_dkg_cinv_len(uint32_t n)
{
	return mpc_dkg_cinv_len(n);
}

size_t mpcsign_dkg_recovery_data_len(uint32_t n, uint32_t t)
{
	return mpc_dkg_recovery_data_len(n, t);
}

/* --- host keys ------------------------------------------------------------------ */

static int host_key_call(struct mpcsign *h, unsigned long cmd, struct mpcsign_host_key *k)
{
	k->size = sizeof(*k);
	return dev_ioctl(h, cmd, k);
}

int mpcsign_host_key_create(struct mpcsign *h, uint32_t *handle, uint8_t hostpubkey[33])
{
	struct mpcsign_host_key k;
	int ret;

	memset(&k, 0, sizeof(k));
	ret = host_key_call(h, MPCSIGN_IOC_HOST_KEY_CREATE, &k);
	if (!ret) {
		*handle = k.handle;
		memcpy(hostpubkey, k.hostpubkey, 33);
	}
	return ret;
}

int mpcsign_host_key_import(struct mpcsign *h, const uint8_t hostseckey[32],
			    uint32_t *handle, uint8_t hostpubkey[33])
{
	struct mpcsign_host_key k;
	int ret;

	memset(&k, 0, sizeof(k));
	memcpy(k.hostseckey, hostseckey, 32);
	ret = host_key_call(h, MPCSIGN_IOC_HOST_KEY_IMPORT, &k);
	if (!ret) {
		*handle = k.handle;
		memcpy(hostpubkey, k.hostpubkey, 33);
	}
	explicit_bzero(&k, sizeof(k));
	return ret;
}

int mpcsign_host_key_info(struct mpcsign *h, uint32_t handle, uint8_t hostpubkey[33],
			  uint32_t *owner_uid)
{
	struct mpcsign_host_key k;
	int ret;

	memset(&k, 0, sizeof(k));
	k.handle = handle;
	ret = host_key_call(h, MPCSIGN_IOC_HOST_KEY_INFO, &k);
	if (!ret) {
		if (hostpubkey)
			memcpy(hostpubkey, k.hostpubkey, 33);
		if (owner_uid)
			*owner_uid = k.owner_uid;
	}
	return ret;
}

int mpcsign_host_key_delete(struct mpcsign *h, uint32_t handle)
{
	struct mpcsign_host_key k;

	memset(&k, 0, sizeof(k));
	k.handle = handle;
	return host_key_call(h, MPCSIGN_IOC_HOST_KEY_DELETE, &k);
}

int mpcsign_host_key_list(struct mpcsign *h, uint32_t *handles, uint32_t max,
			  uint32_t *count)
{
	struct mpcsign_host_key_list kl;
	int ret;

	memset(&kl, 0, sizeof(kl));
	kl.size = sizeof(kl);
	kl.handles = (uintptr_t)handles;
	kl.max = handles ? max : 0;
	ret = dev_ioctl(h, MPCSIGN_IOC_HOST_KEY_LIST, &kl);
	if (!ret && count)
		*count = kl.count;
	return ret;
}

/* --- DKG, participant ----------------------------------------------------------- */

int mpcsign_dkg_step1(struct mpcsign *h, uint32_t host_key, uint32_t t, uint32_t n,
		      const uint8_t (*hostpubkeys)[33], uint8_t *pmsg1, size_t pmsg1_cap,
		      size_t *pmsg1_len, uint32_t *session, struct mpcsign_dkg_blame *blame)
{
	struct mpcsign_dkg_step1 a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.host_key = host_key;
	a.t = t;
	a.n = n;
	a.hostpubkeys = (uintptr_t)hostpubkeys;
	a.pmsg1 = (uintptr_t)pmsg1;
	a.pmsg1_len = pmsg1_cap > UINT32_MAX ? UINT32_MAX : (uint32_t)pmsg1_cap;
	ret = dev_ioctl(h, MPCSIGN_IOC_DKG_STEP1, &a);
	put_blame(blame, &a.blame);
	if (!ret) {
		*session = a.session;
		*pmsg1_len = a.pmsg1_len;
	}
	return ret;
}

int mpcsign_dkg_step2(struct mpcsign *h, uint32_t session, const uint8_t *cmsg1,
		      size_t cmsg1_len, uint8_t pmsg2[64], struct mpcsign_dkg_blame *blame)
{
	struct mpcsign_dkg_step2 a;
	int ret;

	if (cmsg1_len > UINT32_MAX)
		return -E2BIG;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.session = session;
	a.cmsg1 = (uintptr_t)cmsg1;
	a.cmsg1_len = (uint32_t)cmsg1_len;
	ret = dev_ioctl(h, MPCSIGN_IOC_DKG_STEP2, &a);
	put_blame(blame, &a.blame);
	if (!ret)
		memcpy(pmsg2, a.pmsg2, 64);
	return ret;
}

static void result_in(struct mpcsign_dkg_output *a, const struct mpcsign_dkg_result *res)
{
	a->pubshares = (uintptr_t)res->pubshares;
	a->pubshares_len = res->pubshares_cap * 33 > UINT32_MAX ? UINT32_MAX :
			   (uint32_t)(res->pubshares_cap * 33);
}

static void result_out(struct mpcsign_dkg_result *res, const struct mpcsign_dkg_output *a)
{
	res->key = a->key;
	res->my_id = a->my_id;
	res->t = a->t;
	res->n = a->n;
	memcpy(res->thresh_pk, a->thresh_pk, 33);
}

int mpcsign_dkg_finalize(struct mpcsign *h, uint32_t session, const uint8_t *cmsg2,
			 size_t cmsg2_len, struct mpcsign_dkg_result *res,
			 struct mpcsign_dkg_blame *blame)
{
	struct mpcsign_dkg_output a;
	int ret;

	if (!res || cmsg2_len > UINT32_MAX)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.session = session;
	a.cmsg2 = (uintptr_t)cmsg2;
	a.cmsg2_len = (uint32_t)cmsg2_len;
	a.recovery_data = (uintptr_t)res->recovery_data;
	a.recovery_data_len = res->recovery_data_cap > UINT32_MAX ? UINT32_MAX :
			      (uint32_t)res->recovery_data_cap;
	result_in(&a, res);
	ret = dev_ioctl(h, MPCSIGN_IOC_DKG_FINALIZE, &a);
	put_blame(blame, &a.blame);
	res->recovery_data_len = a.recovery_data_len;
	if (!ret)
		result_out(res, &a);
	return ret;
}

int mpcsign_dkg_investigate(struct mpcsign *h, uint32_t session, const uint8_t *cinv,
			    size_t cinv_len, struct mpcsign_dkg_blame *blame)
{
	struct mpcsign_dkg_investigate a;
	int ret;

	if (cinv_len > UINT32_MAX)
		return -E2BIG;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.session = session;
	a.cinv = (uintptr_t)cinv;
	a.cinv_len = (uint32_t)cinv_len;
	ret = dev_ioctl(h, MPCSIGN_IOC_DKG_INVESTIGATE, &a);
	put_blame(blame, &a.blame);
	return ret;
}

int mpcsign_dkg_abort(struct mpcsign *h, uint32_t session)
{
	struct mpcsign_dkg_abort a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.session = session;
	return dev_ioctl(h, MPCSIGN_IOC_DKG_ABORT, &a);
}

int mpcsign_recover(struct mpcsign *h, uint32_t host_key, const uint8_t *recovery_data,
		    size_t recovery_data_len, struct mpcsign_dkg_result *res,
		    struct mpcsign_dkg_blame *blame)
{
	struct mpcsign_dkg_output a;
	int ret;

	if (!res || recovery_data_len > UINT32_MAX)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.host_key = host_key;
	a.recovery_data = (uintptr_t)recovery_data;
	a.recovery_data_len = (uint32_t)recovery_data_len;
	result_in(&a, res);
	ret = dev_ioctl(h, MPCSIGN_IOC_RECOVER, &a);
	put_blame(blame, &a.blame);
	if (!ret)
		result_out(res, &a);
	return ret;
}

int mpcsign_recovery_ack_sign_params(struct mpcsign *h, uint32_t host_key,
				     const uint8_t *recovery_data, size_t recovery_data_len,
				     const struct mpcsign_dkg_params *params, uint8_t sig[64],
				     struct mpcsign_dkg_blame *blame)
{
	struct mpcsign_recovery_ack a;
	int ret;

	if (!sig || (params && !params->hostpubkeys))
		return -EINVAL;
	if (recovery_data_len > UINT32_MAX)
		return -E2BIG;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.host_key = host_key;
	a.recovery_data = (uintptr_t)recovery_data;
	a.recovery_data_len = (uint32_t)recovery_data_len;
	if (params) {
		a.flags = MPCSIGN_ACK_F_PARAMS;
		a.t = params->t;
		a.n = params->n;
		a.hostpubkeys = (uintptr_t)params->hostpubkeys;
	}
	ret = dev_ioctl(h, MPCSIGN_IOC_RECOVERY_ACK_SIGN, &a);
	put_blame(blame, &a.blame);
	if (!ret)
		memcpy(sig, a.sig, 64);
	return ret;
}

int mpcsign_recovery_ack_sign(struct mpcsign *h, uint32_t host_key,
			      const uint8_t *recovery_data, size_t recovery_data_len,
			      uint8_t sig[64], struct mpcsign_dkg_blame *blame)
{
	return mpcsign_recovery_ack_sign_params(h, host_key, recovery_data, recovery_data_len,
						NULL, sig, blame);
}

/* --- DKG, coordinator ---------------------------------------------------------- */

struct mpcsign_dkg_coord {
	struct mpc_dkg_params p;
	struct mpc_dkg_cstate st;
	uint8_t *hostpubkeys;
};

/* Core error -> errno, as the module maps it (Documentation/uapi.rst). */
static int coord_errno(int err, const struct mpc_dkg_error *e, struct mpcsign_dkg_blame *b)
{
	if (b) {
		b->kind = err;
		b->participant = e->participant_id;
		b->participant2 = e->participant_id2;
		b->reason = e->reason;
	}
	return mpc_dkg_errno(err);
}

int mpcsign_dkg_coord_new(struct mpcsign_dkg_coord **out, uint32_t t, uint32_t n,
			  const uint8_t (*hostpubkeys)[33])
{
	struct mpcsign_dkg_coord *c;
	struct mpc_dkg_error e;

	if (!out || !hostpubkeys || !n)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->hostpubkeys = malloc((size_t)n * 33);
	if (!c->hostpubkeys) {
		free(c);
		return -ENOMEM;
	}
	memcpy(c->hostpubkeys, hostpubkeys, (size_t)n * 33);
	c->p.hostpubkeys = c->hostpubkeys;
	c->p.n = n;
	c->p.t = t;
	if (mpc_dkg_params_validate(&c->p, &e)) {
		mpcsign_dkg_coord_free(c);
		return -EINVAL;
	}
	*out = c;
	return 0;
}

void mpcsign_dkg_coord_free(struct mpcsign_dkg_coord *c)
{
	if (!c)
		return;
	mpc_dkg_cstate_clear(&c->st);
	free(c->hostpubkeys);
	free(c);
}

int mpcsign_dkg_coord_step1(struct mpcsign_dkg_coord *c, const uint8_t *const *pmsgs1,
			    const size_t *lens, uint8_t **cmsg1, size_t *cmsg1_len,
			    struct mpcsign_dkg_blame *blame)
{
	struct mpc_dkg_error e = { MPC_DKG_NOBODY, MPC_DKG_NOBODY, 0 };
	size_t len = mpc_dkg_cmsg1_len(c->p.n, c->p.t);
	uint8_t *buf = malloc(len);
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = coord_errno(mpc_dkg_coordinator_step1(&c->st, buf, len, pmsgs1, lens, c->p.n,
						    &c->p, &e), &e, blame);
	if (ret) {
		free(buf);
		return ret;
	}
	*cmsg1 = buf;
	*cmsg1_len = len;
	return 0;
}

int mpcsign_dkg_coord_finalize(struct mpcsign_dkg_coord *c, const uint8_t (*pmsgs2)[64],
			       uint8_t **cmsg2, size_t *cmsg2_len, uint8_t **recovery_data,
			       size_t *recovery_data_len, uint8_t thresh_pk[33],
			       struct mpcsign_dkg_blame *blame)
{
	struct mpc_dkg_error e = { MPC_DKG_NOBODY, MPC_DKG_NOBODY, 0 };
	struct mpc_dkg_output o;
	size_t c2len = mpc_dkg_cmsg2_len(c->p.n), rdlen = mpc_dkg_recovery_data_len(c->p.n, c->p.t);
	const uint8_t **ptrs = calloc(c->p.n, sizeof(*ptrs));
	size_t *lens = calloc(c->p.n, sizeof(*lens));
	uint8_t *c2 = malloc(c2len), *rd = malloc(rdlen);
	uint32_t i;
	int ret = -ENOMEM;

	memset(&o, 0, sizeof(o));
	o.pubshares_len = (size_t)c->p.n * 33;
	o.pubshares = malloc(o.pubshares_len);
	if (!ptrs || !lens || !c2 || !rd || !o.pubshares)
		goto out;
	for (i = 0; i < c->p.n; i++) {
		ptrs[i] = pmsgs2[i];
		lens[i] = 64;
	}
	ret = coord_errno(mpc_dkg_coordinator_finalize(&c->st, c2, c2len, &o, rd, rdlen, ptrs,
						       lens, c->p.n, &e), &e, blame);
	if (ret)
		goto out;
	memcpy(thresh_pk, o.thresh_pk, 33);
	*cmsg2 = c2;
	*cmsg2_len = c2len;
	*recovery_data = rd;
	*recovery_data_len = rdlen;
	c2 = rd = NULL;
out:
	free(ptrs);
	free(lens);
	free(c2);
	free(rd);
	free(o.pubshares);
	return ret;
}

int mpcsign_dkg_coord_investigate(struct mpcsign_dkg_coord *c, const uint8_t *const *pmsgs1,
				  const size_t *lens, uint8_t **cinvs, size_t *cinvs_len)
{
	struct mpc_dkg_error e = { MPC_DKG_NOBODY, MPC_DKG_NOBODY, 0 };
	size_t len = mpc_dkg_cinv_len(c->p.n) * c->p.n;
	uint8_t *buf = malloc(len);
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = coord_errno(mpc_dkg_coordinator_investigate(buf, len, pmsgs1, lens, c->p.n,
							  &c->p, &e), &e, NULL);
	if (ret) {
		free(buf);
		return ret;
	}
	*cinvs = buf;
	*cinvs_len = len;
	return 0;
}

/* the recovery data does not match the caller's params (the spec's RecoveryDataError) */
static void blame_recovery_data(struct mpcsign_dkg_blame *blame)
{
	const struct mpcsign_dkg_blame rdb = { MPCSIGN_DKG_RECOVERY_DATA, MPCSIGN_BLAME_NONE,
					       MPCSIGN_BLAME_NONE, 0 };

	put_blame(blame, &rdb);
}

static int acks_verify(const uint8_t *recovery_data, size_t recovery_data_len,
		       const struct mpcsign_dkg_params *want, const uint8_t (*acks)[64],
		       uint32_t n, struct mpcsign_dkg_blame *blame)
{
	struct mpc_dkg_error e = { MPC_DKG_NOBODY, MPC_DKG_NOBODY, 0 };
	struct mpc_dkg_output o;
	struct mpc_dkg_params p;
	const uint8_t **ptrs = calloc(n ? n : 1, sizeof(*ptrs));
	size_t *lens = calloc(n ? n : 1, sizeof(*lens));
	uint32_t rn, rt, i;
	int ret = -ENOMEM;

	put_blame(blame, &(struct mpcsign_dkg_blame){ 0 });
	memset(&o, 0, sizeof(o));
	if (!ptrs || !lens)
		goto out;
	ret = -EINVAL;
	if (!recovery_data || !acks || (want && !want->hostpubkeys))
		goto out;
	ret = -EILSEQ;
	if (!mpc_dkg_recovery_data_dims(recovery_data, recovery_data_len, &rn, &rt))
		goto out;
	ret = want ? -EILSEQ : -EINVAL;	/* with params: data of another n */
	if (rn != n) {
		if (want)
			blame_recovery_data(blame);
		goto out;
	}
	ret = -ENOMEM;
	o.pubshares_len = (size_t)n * 33;
	o.pubshares = malloc(o.pubshares_len);
	if (!o.pubshares)
		goto out;
	/* the recovery data's own (certified) parameters ... */
	ret = coord_errno(mpc_dkg_coordinator_recover(&o, &p, recovery_data, recovery_data_len,
						      &e), &e, blame);
	if (ret)
		goto out;
	/* ... must be the caller's, when the caller has them */
	if (want && (want->t != p.t || want->n != p.n ||
		     memcmp(want->hostpubkeys, p.hostpubkeys, (size_t)p.n * 33))) {
		blame_recovery_data(blame);
		ret = -EILSEQ;
		goto out;
	}
	for (i = 0; i < n; i++) {
		ptrs[i] = acks[i];
		lens[i] = 64;
	}
	ret = coord_errno(mpc_dkg_participant_recovery_acks_verify(recovery_data,
								   recovery_data_len, &p, ptrs,
								   lens, n, &e), &e, blame);
out:
	free(ptrs);
	free(lens);
	free(o.pubshares);
	return ret;
}

int mpcsign_dkg_acks_verify(const uint8_t *recovery_data, size_t recovery_data_len,
			    const uint8_t (*acks)[64], uint32_t n,
			    struct mpcsign_dkg_blame *blame)
{
	return acks_verify(recovery_data, recovery_data_len, NULL, acks, n, blame);
}

int mpcsign_dkg_acks_verify_params(const uint8_t *recovery_data, size_t recovery_data_len,
				   const struct mpcsign_dkg_params *params,
				   const uint8_t (*acks)[64], struct mpcsign_dkg_blame *blame)
{
	if (!params)
		return -EINVAL;
	return acks_verify(recovery_data, recovery_data_len, params, acks, params->n, blame);
}

int mpcsign_dkg_coord_recover(const uint8_t *recovery_data, size_t recovery_data_len,
			      struct mpcsign_dkg_public *out, struct mpcsign_dkg_blame *blame)
{
	struct mpc_dkg_error e = { MPC_DKG_NOBODY, MPC_DKG_NOBODY, 0 };
	struct mpc_dkg_output o;
	struct mpc_dkg_params p;
	uint32_t n, t;
	int ret;

	put_blame(blame, &(struct mpcsign_dkg_blame){ 0 });
	if (!recovery_data || !out || (out->pubshares_cap && !out->pubshares) ||
	    (out->hostpubkeys_cap && !out->hostpubkeys))
		return -EINVAL;
	if (!mpc_dkg_recovery_data_dims(recovery_data, recovery_data_len, &n, &t))
		return -EILSEQ;
	if (out->pubshares_cap < (size_t)n * 33 ||
	    (out->hostpubkeys && out->hostpubkeys_cap < (size_t)n * 33))
		return -ENOSPC;
	memset(&o, 0, sizeof(o));
	o.pubshares = out->pubshares;
	o.pubshares_len = (size_t)n * 33;
	ret = coord_errno(mpc_dkg_coordinator_recover(&o, &p, recovery_data, recovery_data_len,
						      &e), &e, blame);
	if (ret)
		return ret;
	out->n = p.n;
	out->t = p.t;
	memcpy(out->thresh_pk, o.thresh_pk, 33);
	if (out->hostpubkeys)
		memcpy(out->hostpubkeys, p.hostpubkeys, (size_t)n * 33);
	return 0;
}

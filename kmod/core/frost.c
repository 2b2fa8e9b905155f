// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * frost.c - FROST threshold signing for BIP340 signatures (BIP-445).
 *
 * The algorithms follow the text of BIP-445 step by step, in the order the
 * BIP checks things, so that each failure reports the same reason (and the
 * same blamed list position) as the reference implementation.
 *
 * Secret data (secret share, secret nonce, NonceGen's rand) only goes
 * through the constant-time primitives: hashing, mpc_scalar_* arithmetic,
 * mpc_scalar_cond_negate, mpc_ecmult_gen and mpc_ge_set_gej.  Everything
 * else (signer lists, nonces, tweaks, partial signatures) is public and
 * handled with the variable-time functions.  No function allocates; lists
 * of size u are scanned in O(u^2) without copies.
 */
#include "frost.h"
#include "ecmult.h"
#include "hash.h"

#define MPC_FROST_NOINLINE __attribute__((__noinline__))
#define TAG(s) (s), (sizeof(s) - 1)

static const uint8_t zero33[33];

/*
 * SHA-256 midstates of the BIP-445 tagged-hash prefixes (the state after
 * SHA256(tag) || SHA256(tag)), from mpc_sha256_tag_midstate(); the BIP-445
 * vectors (NonceGen, Sign, DeterministicSign) check every one of them.
 */
static const uint32_t mid_aux[8] = {	/* BIP0445/aux */
	0x6897b3bb, 0x24ab32cd, 0x8385f8b3, 0x80744f87,
	0x870e6f29, 0x914402ee, 0x6cc9c84f, 0xbf1cfc30,
};
static const uint32_t mid_nonce[8] = {	/* BIP0445/nonce */
	0xa34747ff, 0xa20c4bad, 0xd452f789, 0x0651a105,
	0xa0cae9c6, 0x17277455, 0xd4261055, 0x3ad88e5d,
};
static const uint32_t mid_noncecoef[8] = {	/* BIP0445/noncecoef */
	0xa6687fc2, 0x5e7130fb, 0x1c834a5d, 0x7ee95ba4,
	0xa821f6c2, 0x0db494b1, 0x4f41cb22, 0x086be37a,
};
static const uint32_t mid_det_nonce[8] = {	/* BIP0445/deterministic/nonce */
	0xd094c45a, 0xf3445a15, 0x3b066846, 0x6aec495c,
	0x168c4c9d, 0x0642a3e8, 0x449b6c6e, 0xf201cc53,
};

static const struct mpc_frost_limits default_limits = {
	.max_signers = MPC_FROST_DEFAULT_MAX_SIGNERS,
	.max_tweaks = MPC_FROST_DEFAULT_MAX_TWEAKS,
	.max_msglen = MPC_FROST_DEFAULT_MAX_MSGLEN,
};

static void set_blame(size_t *blame, size_t v)
{
	if (blame)
		*blame = v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static void scalar_set_u64(mpc_scalar *r, uint64_t v)
{
	uint8_t b[32] = { 0 };

	put_be64(b + 24, v);
	mpc_scalar_set_b32(r, b);
}

/* --- error strings ----------------------------------------------------------- */

static const char *const err_str[MPC_FROST_ERR_COUNT_] = {
	[MPC_FROST_OK] = "success",
	[MPC_FROST_ERR_PUBNONCE] = "invalid public nonce",
	[MPC_FROST_ERR_AGGNONCE] = "invalid aggregate nonce (coordinator)",
	[MPC_FROST_ERR_AGGOTHERNONCE] = "invalid aggregate of the other signers' nonces (coordinator)",
	[MPC_FROST_ERR_PSIG] = "partial signature out of range",
	[MPC_FROST_VERIFY_FAIL] = "partial signature does not verify",
	[MPC_FROST_ERR_THRESHOLD] = "threshold t must satisfy 1 <= t <= n",
	[MPC_FROST_ERR_SIGNER_COUNT] = "the number of signers must be between t and n",
	[MPC_FROST_ERR_ID_RANGE] = "participant identifier out of range",
	[MPC_FROST_ERR_PUBSHARE] = "invalid public share",
	[MPC_FROST_ERR_ID_DUPLICATE] = "duplicate participant identifier",
	[MPC_FROST_ERR_KEY_MATERIAL] = "the provided key material is incorrect",
	[MPC_FROST_ERR_THRESH_PK] = "invalid threshold public key",
	[MPC_FROST_ERR_TWEAK_LEN] = "a tweak must be a 32-byte array",
	[MPC_FROST_ERR_TWEAK_COUNT] = "tweaks and is_xonly must have the same length",
	[MPC_FROST_ERR_TWEAK_RANGE] = "tweak value out of range",
	[MPC_FROST_ERR_TWEAK_INFINITY] = "the result of tweaking cannot be infinity",
	[MPC_FROST_ERR_SECNONCE1] = "first secnonce value out of range",
	[MPC_FROST_ERR_SECNONCE2] = "second secnonce value out of range",
	[MPC_FROST_ERR_SECSHARE] = "secret share out of range",
	[MPC_FROST_ERR_MY_PUBSHARE] = "the signer's pubshare is not in the list of pubshares",
	[MPC_FROST_ERR_MY_ID] = "the signer's id is not in the list of identifiers",
	[MPC_FROST_ERR_PSIG_COUNT] = "psigs and ids must have the same length",
	[MPC_FROST_ERR_PUBNONCE_COUNT] = "pubnonces and ids must have the same length",
	[MPC_FROST_ERR_SIGNER_INDEX] = "signer index out of range",
	[MPC_FROST_ERR_LIMIT] = "a count or length exceeds the limits",
	[MPC_FROST_ERR_ARG] = "invalid argument",
	[MPC_FROST_ERR_NONCE_ZERO] = "derived scalar is zero",
	[MPC_FROST_ERR_INTERNAL] = "partial signature failed self-verification",
};

const char *mpc_frost_strerror(int err)
{
	if (err < 0 || err >= MPC_FROST_ERR_COUNT_ || !err_str[err])
		return "unknown error";
	return err_str[err];
}

const char *mpc_frost_contrib(int err)
{
	switch (err) {
	case MPC_FROST_ERR_PUBNONCE:
		return "pubnonce";
	case MPC_FROST_ERR_AGGNONCE:
		return "aggnonce";
	case MPC_FROST_ERR_AGGOTHERNONCE:
		return "aggothernonce";
	case MPC_FROST_ERR_PSIG:
	case MPC_FROST_VERIFY_FAIL:
		return "psig";
	case MPC_FROST_ERR_PUBSHARE:
		return "pubshare";
	default:
		return NULL;
	}
}

/* --- helpers ----------------------------------------------------------------- */

static int check_limits(const struct mpc_frost_limits *lim, size_t u,
			size_t ntweaks, size_t msglen)
{
	if (!lim)
		lim = &default_limits;
	if (u > lim->max_signers || u > 0xffffffffu || ntweaks > lim->max_tweaks ||
	    msglen > lim->max_msglen)
		return MPC_FROST_ERR_LIMIT;
	return MPC_FROST_OK;
}

/* Shape of the tweak list; *v = number of tweaks. */
static int tweaks_check(const struct mpc_frost_tweaks *tw, size_t *v)
{
	*v = 0;
	if (!tw)
		return MPC_FROST_OK;
	if (tw->tweak_len % MPC_FROST_TWEAK_LEN)
		return MPC_FROST_ERR_TWEAK_LEN;
	if (tw->tweak_len / MPC_FROST_TWEAK_LEN != tw->n_is_xonly)
		return MPC_FROST_ERR_TWEAK_COUNT;
	if (tw->n_is_xonly && (!tw->tweak || !tw->is_xonly))
		return MPC_FROST_ERR_ARG;
	*v = tw->n_is_xonly;
	return MPC_FROST_OK;
}

/* Argument and limit checks shared by every session-level entry point. */
static int session_args(const struct mpc_frost_signers *sc,
			const struct mpc_frost_tweaks *tw, const uint8_t *msg,
			size_t msglen, const struct mpc_frost_limits *lim)
{
	size_t v;
	int ret;

	if (!sc || (msglen && !msg))
		return MPC_FROST_ERR_ARG;
	ret = tweaks_check(tw, &v);
	if (ret)
		return ret;
	ret = check_limits(lim, sc->u, v, msglen);
	if (ret)
		return ret;
	if (!sc->thresh_pk || (sc->u && (!sc->ids || !sc->pubshares)))
		return MPC_FROST_ERR_ARG;
	return MPC_FROST_OK;
}

/* cpoint_ext: 33 zero bytes decode to infinity. */
static int parse_point_ext(mpc_ge *r, const uint8_t in[33])
{
	if (!memcmp(in, zero33, 33)) {
		mpc_ge_set_infinity(r);
		return 1;
	}
	return mpc_ge_parse_compressed(r, in);
}

/* cbytes_ext of a Jacobian point (public). */
static void serialize_ext_var(uint8_t out[33], mpc_gej *a)
{
	mpc_ge p;

	if (mpc_gej_is_infinity(a)) {
		memset(out, 0, 33);
		return;
	}
	mpc_ge_set_gej_var(&p, a);
	mpc_ge_serialize_compressed(out, &p);
}

/*
 * out = cbytes(k*G) if out, *pt = k*G if pt; k secret and nonzero.  Constant
 * time; the result is public.
 */
static void point_gen(uint8_t out[33], mpc_ge *pt, const mpc_scalar *k)
{
	mpc_gej rj;
	mpc_ge r;

	mpc_ecmult_gen(&rj, k);
	mpc_ge_set_gej(&r, &rj);
	mpc_declassify(&r, sizeof(r));
	if (out)
		mpc_ge_serialize_compressed(out, &r);
	if (pt)
		*pt = r;
	mpc_gej_clear(&rj);
	mpc_ge_clear(&r);
}

/* Position of the first id that occurs earlier in the list, or NO_BLAME. */
static size_t find_duplicate(const uint32_t *ids, size_t u)
{
	size_t i, j;

	for (i = 1; i < u; i++)
		for (j = 0; j < i; j++)
			if (ids[i] == ids[j])
				return i;
	return MPC_FROST_NO_BLAME;
}

static int id_in_list(const uint32_t *ids, size_t u, uint32_t id)
{
	size_t i;

	for (i = 0; i < u; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/*
 * Hash SerializeIds(ids): the ids in ascending order (duplicates kept), as
 * 4-byte big-endian integers.  Selection without a copy: O(u^2).
 */
static void hash_sorted_ids(struct mpc_sha256 *h, const uint32_t *ids, size_t u)
{
	size_t done = 0, i, cnt;
	uint64_t prev = 0;
	int first = 1;
	uint32_t min;
	uint8_t b[4];

	while (done < u) {
		int found = 0;

		min = 0;
		for (i = 0; i < u; i++) {
			if (!first && ids[i] <= prev)
				continue;
			if (!found || ids[i] < min) {
				min = ids[i];
				found = 1;
			}
		}
		if (!found)
			break;	/* not reached: done < u means some id > prev */
		cnt = 0;
		for (i = 0; i < u; i++)
			cnt += ids[i] == min;
		put_be32(b, min);
		for (i = 0; i < cnt; i++)
			mpc_sha256_update(h, b, 4);
		done += cnt;
		prev = min;
		first = 0;
	}
}

/* DeriveInterpolatingValue without the membership / duplicate checks. */
static void lagrange_var(mpc_scalar *lam, const uint32_t *ids, size_t u,
			 uint32_t my_id)
{
	mpc_scalar num, den, t;
	size_t j;

	mpc_scalar_set_int(&num, 1);
	mpc_scalar_set_int(&den, 1);
	for (j = 0; j < u; j++) {
		if (ids[j] == my_id)
			continue;
		scalar_set_u64(&t, (uint64_t)ids[j] + 1);
		mpc_scalar_mul(&num, &num, &t);
		if (ids[j] > my_id) {
			scalar_set_u64(&t, (uint64_t)(ids[j] - my_id));
		} else {
			scalar_set_u64(&t, (uint64_t)(my_id - ids[j]));
			mpc_scalar_negate(&t, &t);
		}
		mpc_scalar_mul(&den, &den, &t);
	}
	mpc_scalar_inverse_var(&den, &den);
	mpc_scalar_mul(lam, &num, &den);
}

int mpc_frost_lagrange(mpc_scalar *lambda, const uint32_t *ids, size_t u,
		       uint32_t my_id)
{
	if (!lambda || (u && !ids))
		return MPC_FROST_ERR_ARG;
	if (!id_in_list(ids, u, my_id))
		return MPC_FROST_ERR_MY_ID;
	if (find_duplicate(ids, u) != MPC_FROST_NO_BLAME)
		return MPC_FROST_ERR_ID_DUPLICATE;
	lagrange_var(lambda, ids, u, my_id);
	return MPC_FROST_OK;
}

/* --- signers context ----------------------------------------------------------- */

/*
 * The interpolation check of ValidateSignersCtx with small integers.  With
 * num_i = prod_{j != i} (id_j + 1) and den_i = prod_{j != i} (id_j - id_i)
 * (integers), lambda_i = num_i / den_i mod n.  For D = lcm_i |den_i| and
 * c_i = num_i * D / den_i (an integer), sum lambda_i P_i = Q if and only if
 * sum c_i P_i = D*Q: D < 2^64 < n is invertible modulo the prime group
 * order.  For small signer sets the c_i and D have a few bits, so the check
 * costs a few doublings and additions per point instead of one full
 * variable-base multiplication.  Public data; ids distinct.
 */
#define SMALL_INTERP_MAX_U	24

static int u64_mul(uint64_t *r, uint64_t a, uint64_t b)
{
	return !__builtin_mul_overflow(a, b, r);
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* num_i, |den_i| and the sign of den_i; 0 if a product exceeds 64 bits. */
static int small_frac(uint64_t *num, uint64_t *den, int *neg, const uint32_t *ids,
		      size_t u, size_t i)
{
	uint64_t nm = 1, dn = 1;
	int sg = 0;
	size_t j;

	for (j = 0; j < u; j++) {
		if (j == i)
			continue;
		if (!u64_mul(&nm, nm, (uint64_t)ids[j] + 1))
			return 0;
		if (ids[j] > ids[i]) {
			if (!u64_mul(&dn, dn, (uint64_t)(ids[j] - ids[i])))
				return 0;
		} else {
			if (!u64_mul(&dn, dn, (uint64_t)(ids[i] - ids[j])))
				return 0;
			sg ^= 1;
		}
	}
	*num = nm;
	*den = dn;
	*neg = sg;
	return 1;
}

/* c_i (|c_i| and its sign) for the common multiple D. */
static int small_coef(uint64_t *c, int *neg, const uint32_t *ids, size_t u,
		      size_t i, uint64_t d)
{
	uint64_t nm, dn;

	return small_frac(&nm, &dn, neg, ids, u, i) && u64_mul(c, nm, d / dn);
}

/* *d = D if D and every c_i fit in 64 bits; else 0. */
static int small_interp_setup(uint64_t *d, const uint32_t *ids, size_t u)
{
	uint64_t nm, dn, c, l = 1;
	size_t i;
	int neg;

	if (u > SMALL_INTERP_MAX_U)
		return 0;
	for (i = 0; i < u; i++) {
		if (!small_frac(&nm, &dn, &neg, ids, u, i) ||
		    !u64_mul(&l, l / gcd_u64(l, dn), dn))
			return 0;
	}
	for (i = 0; i < u; i++)
		if (!small_coef(&c, &neg, ids, u, i, l))
			return 0;
	*d = l;
	return 1;
}

/* r = k*p for 0 < k < 2^64, p finite (public; double-and-add). */
static void mul_small_var(mpc_gej *r, const mpc_ge *p, uint64_t k)
{
	int b = 63 - __builtin_clzll(k);

	mpc_gej_set_ge(r, p);
	while (--b >= 0) {
		mpc_gej_double_var(r, r);
		if ((k >> b) & 1)
			mpc_gej_add_ge_var(r, r, p);
	}
}

/*
 * ValidateSignersCtx; sc pointers already checked by session_args.  With
 * trusted, the pubshares are neither decoded nor interpolated (the caller
 * vouches for them, see MPC_FROST_SIGN_TRUSTED_SIGNERS).  If q is not NULL,
 * *have_q says whether *q holds the decoded thresh_pk.
 */
static MPC_FROST_NOINLINE int signers_validate(const struct mpc_frost_signers *sc,
					       int trusted, size_t *blame,
					       mpc_ge *q, int *have_q)
{
	mpc_gej acc, tmp;
	mpc_ge p;
	mpc_scalar lam;
	uint64_t dd = 0, c = 1;
	uint8_t qb[33];
	size_t i, dup;
	int small = 0, neg;

	if (have_q)
		*have_q = 0;
	if (sc->t < 1 || sc->t > sc->n)
		return MPC_FROST_ERR_THRESHOLD;
	if (sc->u < sc->t || sc->u > sc->n)
		return MPC_FROST_ERR_SIGNER_COUNT;
	/*
	 * Range and encoding checks per signer, in list order, then the
	 * duplicate check.  The terms of DeriveThreshPubkey are accumulated in
	 * the same pass when there are no duplicates (with duplicates the
	 * interpolation is undefined and the call fails anyway).
	 */
	dup = find_duplicate(sc->ids, sc->u);
	if (dup == MPC_FROST_NO_BLAME && !trusted)
		small = small_interp_setup(&dd, sc->ids, sc->u);
	mpc_gej_set_infinity(&acc);
	for (i = 0; i < sc->u; i++) {
		if (sc->ids[i] > sc->n - 1) {
			set_blame(blame, i);
			return MPC_FROST_ERR_ID_RANGE;
		}
		if (trusted)
			continue;
		if (!mpc_ge_parse_compressed(&p, sc->pubshares[i])) {
			set_blame(blame, i);
			return MPC_FROST_ERR_PUBSHARE;
		}
		if (dup != MPC_FROST_NO_BLAME)
			continue;
		if (small) {
			small_coef(&c, &neg, sc->ids, sc->u, i, dd);
			if (neg)
				mpc_ge_neg(&p, &p);
			mul_small_var(&tmp, &p, c);
		} else {
			lagrange_var(&lam, sc->ids, sc->u, sc->ids[i]);
			mpc_gej_set_ge(&tmp, &p);
			mpc_ecmult(&tmp, &tmp, &lam, NULL);
		}
		mpc_gej_add_var(&acc, &acc, &tmp);
	}
	if (dup != MPC_FROST_NO_BLAME) {
		set_blame(blame, dup);
		return MPC_FROST_ERR_ID_DUPLICATE;
	}
	if (trusted)
		return MPC_FROST_OK;
	if (mpc_gej_is_infinity(&acc))
		return MPC_FROST_ERR_KEY_MATERIAL;
	if (small) {
		/* a thresh_pk that does not decode is not cbytes() of anything */
		if (!mpc_ge_parse_compressed(&p, sc->thresh_pk))
			return MPC_FROST_ERR_KEY_MATERIAL;
		mul_small_var(&tmp, &p, dd);
		if (!mpc_gej_eq_var(&acc, &tmp))
			return MPC_FROST_ERR_KEY_MATERIAL;
	} else {
		mpc_ge_set_gej_var(&p, &acc);
		mpc_ge_serialize_compressed(qb, &p);
		if (memcmp(qb, sc->thresh_pk, 33))
			return MPC_FROST_ERR_KEY_MATERIAL;
	}
	if (q) {
		*q = p;
		*have_q = 1;
	}
	return MPC_FROST_OK;
}

int mpc_frost_signers_validate(const struct mpc_frost_signers *sc,
			       const struct mpc_frost_limits *lim, size_t *blame)
{
	int ret;

	set_blame(blame, MPC_FROST_NO_BLAME);
	ret = session_args(sc, NULL, NULL, 0, lim);
	if (ret)
		return ret;
	return signers_validate(sc, 0, blame, NULL, NULL);
}

/* --- tweaking ------------------------------------------------------------------ */

int mpc_frost_tweak_ctx_init(struct mpc_frost_tweak_ctx *ctx,
			     const uint8_t thresh_pk[33])
{
	if (!ctx || !thresh_pk)
		return MPC_FROST_ERR_ARG;
	if (!mpc_ge_parse_compressed(&ctx->q, thresh_pk))
		return MPC_FROST_ERR_THRESH_PK;
	ctx->gacc_neg = 0;
	mpc_scalar_set_int(&ctx->tacc, 0);
	return MPC_FROST_OK;
}

int mpc_frost_tweak_ctx_apply(struct mpc_frost_tweak_ctx *ctx,
			      const uint8_t tweak[32], int is_xonly)
{
	mpc_scalar t;
	mpc_gej r, qj;
	int neg;

	if (!ctx || !tweak)
		return MPC_FROST_ERR_ARG;
	neg = is_xonly && !mpc_ge_has_even_y(&ctx->q);
	if (!mpc_scalar_set_b32(&t, tweak))
		return MPC_FROST_ERR_TWEAK_RANGE;
	/* Q' = g*Q + t*G */
	mpc_gej_set_ge(&qj, &ctx->q);
	if (neg)
		mpc_gej_neg(&qj, &qj);
	mpc_ecmult(&r, NULL, NULL, &t);
	mpc_gej_add_var(&r, &r, &qj);
	if (mpc_gej_is_infinity(&r))
		return MPC_FROST_ERR_TWEAK_INFINITY;
	mpc_ge_set_gej_var(&ctx->q, &r);
	/* gacc' = g*gacc, tacc' = t + g*tacc */
	ctx->gacc_neg ^= neg;
	if (neg)
		mpc_scalar_negate(&ctx->tacc, &ctx->tacc);
	mpc_scalar_add(&ctx->tacc, &ctx->tacc, &t);
	return MPC_FROST_OK;
}

static int apply_tweaks(struct mpc_frost_tweak_ctx *ctx,
			const struct mpc_frost_tweaks *tw, size_t *blame)
{
	size_t k, v;
	int ret;

	ret = tweaks_check(tw, &v);
	if (ret)
		return ret;
	for (k = 0; k < v; k++) {
		ret = mpc_frost_tweak_ctx_apply(ctx, tw->tweak + 32 * k,
						tw->is_xonly[k] != 0);
		if (ret) {
			set_blame(blame, k);
			return ret;
		}
	}
	return MPC_FROST_OK;
}

int mpc_frost_tweak_ctx_apply_list(struct mpc_frost_tweak_ctx *ctx,
				   const struct mpc_frost_tweaks *tw,
				   const struct mpc_frost_limits *lim,
				   size_t *blame)
{
	size_t v;
	int ret;

	set_blame(blame, MPC_FROST_NO_BLAME);
	if (!ctx)
		return MPC_FROST_ERR_ARG;
	ret = tweaks_check(tw, &v);
	if (ret)
		return ret;
	ret = check_limits(lim, 0, v, 0);
	if (ret)
		return ret;
	return apply_tweaks(ctx, tw, blame);
}

void mpc_frost_tweak_ctx_xonly_pk(uint8_t out[32],
				  const struct mpc_frost_tweak_ctx *ctx)
{
	mpc_ge_serialize_xonly(out, &ctx->q);
}

void mpc_frost_tweak_ctx_plain_pk(uint8_t out[33],
				  const struct mpc_frost_tweak_ctx *ctx)
{
	mpc_ge_serialize_compressed(out, &ctx->q);
}

/* --- nonce generation ------------------------------------------------------------ */

/*
 * k_i from a prefix hash state: k_i = int(H(prefix || bytes(1, i-1))) mod n,
 * secnonce[32(i-1)..] = k_i, pubnonce[33(i-1)..] = cbytes(k_i*G).
 * Wipes *pre.
 */
/* r = affine a, given zi = 1/a.z (a finite). */
static void gej_to_ge_zinv(mpc_ge *r, const mpc_gej *a, const mpc_fe *zi)
{
	mpc_fe zi2, zi3;

	mpc_fe_sqr(&zi2, zi);
	mpc_fe_mul(&zi3, &zi2, zi);
	mpc_fe_mul(&r->x, &a->x, &zi2);
	mpc_fe_mul(&r->y, &a->y, &zi3);
	mpc_fe_normalize(&r->x);
	mpc_fe_normalize(&r->y);
	r->infinity = 0;
	memzero_explicit(&zi2, sizeof(zi2));
	memzero_explicit(&zi3, sizeof(zi3));
}

/*
 * out = cbytes(k[0]*G) || cbytes(k[1]*G), k[i] secret and nonzero; constant
 * time, one field inversion for both points.  The result is public.
 */
static MPC_FROST_NOINLINE void point_gen2(uint8_t out[66], const mpc_scalar k[2])
{
	mpc_gej a[2];
	mpc_fe z, zi, t;
	mpc_ge p;
	int i;

	mpc_ecmult_gen(&a[0], &k[0]);
	mpc_ecmult_gen(&a[1], &k[1]);
	mpc_fe_mul(&z, &a[0].z, &a[1].z);
	mpc_fe_inv(&zi, &z);
	for (i = 0; i < 2; i++) {
		mpc_fe_mul(&t, &zi, &a[1 - i].z);	/* 1 / a[i].z */
		gej_to_ge_zinv(&p, &a[i], &t);
		mpc_declassify(&p, sizeof(p));
		mpc_ge_serialize_compressed(out + 33 * i, &p);
	}
	mpc_gej_clear(&a[0]);
	mpc_gej_clear(&a[1]);
	mpc_fe_clear(&z);
	mpc_fe_clear(&zi);
	mpc_fe_clear(&t);
	mpc_ge_clear(&p);
}

static int nonces_from_prefix(uint8_t secnonce[64], uint8_t pubnonce[66],
			      struct mpc_sha256 *pre)
{
	struct mpc_sha256 h;
	uint8_t k32[32], b;
	mpc_scalar k[2];
	int i, zero, ret = MPC_FROST_OK;

	for (i = 0; i < 2; i++) {
		h = *pre;
		b = (uint8_t)i;
		mpc_sha256_update(&h, &b, 1);
		mpc_sha256_final(&h, k32);
		mpc_scalar_set_b32(&k[i], k32);
		/* zero has negligible probability; failing reveals nothing else */
		zero = mpc_scalar_is_zero(&k[i]);
		mpc_declassify(&zero, sizeof(zero));
		if (zero) {
			ret = MPC_FROST_ERR_NONCE_ZERO;
			mpc_scalar_set_int(&k[i], 1);
		}
		mpc_scalar_get_b32(secnonce + 32 * i, &k[i]);
	}
	point_gen2(pubnonce, k);
	memzero_explicit(k32, sizeof(k32));
	memzero_explicit(pre, sizeof(*pre));
	mpc_scalar_clear(&k[0]);
	mpc_scalar_clear(&k[1]);
	if (ret) {
		memzero_explicit(secnonce, 64);
		memset(pubnonce, 0, 66);
	}
	return ret;
}

/* out = secret xor hash_{BIP0445/aux}(rand) */
static void xor_aux(uint8_t out[32], const uint8_t secret[32], const uint8_t rand[32])
{
	struct mpc_sha256 h;
	int i;

	mpc_sha256_init_midstate(&h, mid_aux);
	mpc_sha256_update(&h, rand, 32);
	mpc_sha256_final(&h, out);
	for (i = 0; i < 32; i++)
		out[i] ^= secret[i];
}

int mpc_frost_nonce_gen(uint8_t secnonce[64], uint8_t pubnonce[66],
			const uint8_t rand32[32], const uint8_t *secshare,
			const uint8_t *pubshare, const uint8_t *thresh_pk_x,
			int msg_present, const uint8_t *msg, size_t msglen,
			const uint8_t *extra_in, size_t extra_len)
{
	struct mpc_sha256 h;
	uint8_t rnd[32], b[8];

	if (!secnonce || !pubnonce)
		return MPC_FROST_ERR_ARG;
	memzero_explicit(secnonce, 64);
	memset(pubnonce, 0, 66);
	if (!rand32 || (msg_present && msglen && !msg) || (extra_len && !extra_in) ||
	    (uint64_t)extra_len > 0xffffffffu)
		return MPC_FROST_ERR_ARG;

	if (secshare)
		xor_aux(rnd, secshare, rand32);
	else
		memcpy(rnd, rand32, 32);

	mpc_sha256_init_midstate(&h, mid_nonce);
	mpc_sha256_update(&h, rnd, 32);
	memzero_explicit(rnd, sizeof(rnd));
	b[0] = pubshare ? 33 : 0;
	mpc_sha256_update(&h, b, 1);
	if (pubshare)
		mpc_sha256_update(&h, pubshare, 33);
	b[0] = thresh_pk_x ? 32 : 0;
	mpc_sha256_update(&h, b, 1);
	if (thresh_pk_x)
		mpc_sha256_update(&h, thresh_pk_x, 32);
	if (msg_present) {
		b[0] = 1;
		mpc_sha256_update(&h, b, 1);
		put_be64(b, (uint64_t)msglen);
		mpc_sha256_update(&h, b, 8);
		if (msglen)
			mpc_sha256_update(&h, msg, msglen);
	} else {
		b[0] = 0;
		mpc_sha256_update(&h, b, 1);
	}
	put_be32(b, (uint32_t)extra_len);
	mpc_sha256_update(&h, b, 4);
	if (extra_len)
		mpc_sha256_update(&h, extra_in, extra_len);
	return nonces_from_prefix(secnonce, pubnonce, &h);
}

/* --- nonce aggregation ---------------------------------------------------------- */

static int nonce_agg(uint8_t agg[66], const uint8_t *pubnonces, size_t u,
		     size_t *blame)
{
	mpc_gej acc;
	mpc_ge p;
	size_t i;
	int j;

	for (j = 0; j < 2; j++) {
		mpc_gej_set_infinity(&acc);
		for (i = 0; i < u; i++) {
			if (!mpc_ge_parse_compressed(&p, pubnonces + 66 * i + 33 * j)) {
				set_blame(blame, i);
				memset(agg, 0, 66);
				return MPC_FROST_ERR_PUBNONCE;
			}
			mpc_gej_add_ge_var(&acc, &acc, &p);
		}
		serialize_ext_var(agg + 33 * j, &acc);
	}
	return MPC_FROST_OK;
}

int mpc_frost_nonce_agg(uint8_t aggnonce[66], const uint8_t *pubnonces,
			size_t u, const struct mpc_frost_limits *lim,
			size_t *blame)
{
	int ret;

	set_blame(blame, MPC_FROST_NO_BLAME);
	if (!aggnonce || (u && !pubnonces))
		return MPC_FROST_ERR_ARG;
	memset(aggnonce, 0, 66);
	ret = check_limits(lim, u, 0, 0);
	if (ret)
		return ret;
	if (u == 0)
		return MPC_FROST_ERR_PUBNONCE_COUNT;
	return nonce_agg(aggnonce, pubnonces, u, blame);
}

/* --- session values --------------------------------------------------------------- */

/*
 * How session_values() treats the signers context: SV_VALIDATED, the
 * caller just ran ValidateSignersCtx; SV_FULL, run it; SV_TRUSTED, the
 * caller vouches for the key material (MPC_FROST_SIGN_TRUSTED_SIGNERS):
 * only the cheap checks run, and without tweaks thresh_pk is not even
 * decoded (then sv->q is left at infinity: for the signer's internal use
 * only, which needs q_x and q_odd).
 */
#define SV_VALIDATED	0
#define SV_FULL		1
#define SV_TRUSTED	2

/* GetSessionValues. */
static MPC_FROST_NOINLINE int session_values(struct mpc_frost_session_values *sv,
					     const struct mpc_frost_session_ctx *ctx,
					     int mode, size_t *blame)
{
	const struct mpc_frost_signers *sc = ctx->signers;
	struct mpc_frost_tweak_ctx tc;
	struct mpc_sha256 h;
	uint8_t b32[32];
	mpc_ge r1, r2;
	mpc_gej rj;
	size_t v;
	int ret, have_q = 0;

	memset(sv, 0, sizeof(*sv));
	if (mode != SV_VALIDATED) {
		ret = signers_validate(sc, mode == SV_TRUSTED, blame, &tc.q, &have_q);
		if (ret)
			return ret;
	}
	ret = tweaks_check(ctx->tweaks, &v);
	if (ret)
		return ret;
	sv->signers = sc;
	if (mode == SV_TRUSTED && v == 0) {
		/* x and parity of Q straight from the vouched-for encoding */
		if (sc->thresh_pk[0] != 2 && sc->thresh_pk[0] != 3)
			return MPC_FROST_ERR_THRESH_PK;
		mpc_ge_set_infinity(&sv->q);
		sv->q_odd = sc->thresh_pk[0] == 3;
		sv->gacc_neg = 0;
		mpc_scalar_set_int(&sv->tacc, 0);
		memcpy(sv->q_x, sc->thresh_pk + 1, 32);
	} else {
		if (have_q) {
			tc.gacc_neg = 0;
			mpc_scalar_set_int(&tc.tacc, 0);
		} else {
			ret = mpc_frost_tweak_ctx_init(&tc, sc->thresh_pk);
			if (ret)
				return ret;
		}
		ret = apply_tweaks(&tc, ctx->tweaks, blame);
		if (ret)
			return ret;
		sv->q = tc.q;
		sv->q_odd = !mpc_ge_has_even_y(&tc.q);
		sv->gacc_neg = tc.gacc_neg;
		sv->tacc = tc.tacc;
		mpc_ge_serialize_xonly(sv->q_x, &tc.q);
	}

	mpc_sha256_init_midstate(&h, mid_noncecoef);
	hash_sorted_ids(&h, sc->ids, sc->u);
	mpc_sha256_update(&h, ctx->aggnonce, 66);
	mpc_sha256_update(&h, sv->q_x, 32);
	if (ctx->msglen)
		mpc_sha256_update(&h, ctx->msg, ctx->msglen);
	mpc_sha256_final(&h, b32);
	mpc_scalar_set_b32(&sv->b, b32);
	if (mpc_scalar_is_zero(&sv->b))
		return MPC_FROST_ERR_NONCE_ZERO;

	if (!parse_point_ext(&r1, ctx->aggnonce) ||
	    !parse_point_ext(&r2, ctx->aggnonce + 33)) {
		set_blame(blame, MPC_FROST_NO_BLAME);
		return MPC_FROST_ERR_AGGNONCE;
	}
	/* R' = R1 + b*R2; R = G if R' is infinity */
	if (mpc_ge_is_infinity(&r2)) {
		mpc_gej_set_infinity(&rj);
	} else {
		mpc_gej_set_ge(&rj, &r2);
		mpc_ecmult(&rj, &rj, &sv->b, NULL);
	}
	if (!mpc_ge_is_infinity(&r1))
		mpc_gej_add_ge_var(&rj, &rj, &r1);
	if (mpc_gej_is_infinity(&rj))
		sv->r = mpc_ge_generator;
	else
		mpc_ge_set_gej_var(&sv->r, &rj);
	mpc_ge_serialize_xonly(sv->r_x, &sv->r);

	mpc_sha256_tagged_init(&h, TAG("BIP0340/challenge"));
	mpc_sha256_update(&h, sv->r_x, 32);
	mpc_sha256_update(&h, sv->q_x, 32);
	if (ctx->msglen)
		mpc_sha256_update(&h, ctx->msg, ctx->msglen);
	mpc_sha256_final(&h, b32);
	mpc_scalar_set_b32(&sv->e, b32);
	if (mpc_scalar_is_zero(&sv->e))
		return MPC_FROST_ERR_NONCE_ZERO;
	return MPC_FROST_OK;
}

static int session_ctx_args(const struct mpc_frost_session_ctx *ctx,
			    const struct mpc_frost_limits *lim)
{
	if (!ctx || !ctx->aggnonce)
		return MPC_FROST_ERR_ARG;
	return session_args(ctx->signers, ctx->tweaks, ctx->msg, ctx->msglen, lim);
}

int mpc_frost_session_values(struct mpc_frost_session_values *sv,
			     const struct mpc_frost_session_ctx *ctx,
			     const struct mpc_frost_limits *lim, size_t *blame)
{
	int ret;

	set_blame(blame, MPC_FROST_NO_BLAME);
	if (!sv)
		return MPC_FROST_ERR_ARG;
	ret = session_ctx_args(ctx, lim);
	if (ret)
		return ret;
	return session_values(sv, ctx, SV_FULL, blame);
}

/* --- partial signature verification ---------------------------------------------- */

static int pubshare_in_list(const struct mpc_frost_signers *sc,
			    const uint8_t pubshare[33])
{
	size_t i;

	for (i = 0; i < sc->u; i++)
		if (!memcmp(sc->pubshares[i], pubshare, 33))
			return 1;
	return 0;
}

/*
 * The verification equation of PartialSigVerifyInternal on decoded nonces:
 * s*G == Re* + c*P with Re* = +-(R*1 + b*R*2), c = e*lambda*g*gacc, P =
 * cpoint(pubshare).  Checked as cbytes(c^-1 (s*G - Re*)) == pubshare (c is
 * never 0), which needs no decoding of P: a pubshare that does not decode
 * is never equal to an encoding.  Public data.
 */
static MPC_FROST_NOINLINE int psig_equation(const struct mpc_frost_session_values *sv,
					    const mpc_scalar *s, uint32_t my_id,
					    const mpc_ge *r1, const mpc_ge *r2,
					    const uint8_t pubshare[33])
{
	const struct mpc_frost_signers *sc = sv->signers;
	mpc_scalar c, ng;
	mpc_gej rej, x;
	mpc_ge xa;
	uint8_t ser[33];

	mpc_gej_set_ge(&rej, r2);
	mpc_ecmult(&rej, &rej, &sv->b, NULL);
	mpc_gej_add_ge_var(&rej, &rej, r1);
	if (!mpc_ge_has_even_y(&sv->r))
		mpc_gej_neg(&rej, &rej);
	lagrange_var(&c, sc->ids, sc->u, my_id);
	mpc_scalar_mul(&c, &sv->e, &c);
	if (sv->q_odd ^ sv->gacc_neg)
		mpc_scalar_negate(&c, &c);
	/* x = c^-1 s G - c^-1 Re* */
	mpc_scalar_inverse_var(&c, &c);
	mpc_scalar_mul(&ng, s, &c);
	mpc_scalar_negate(&c, &c);
	mpc_ecmult(&x, &rej, &c, &ng);
	if (mpc_gej_is_infinity(&x))
		return MPC_FROST_VERIFY_FAIL;
	mpc_ge_set_gej_var(&xa, &x);
	mpc_ge_serialize_compressed(ser, &xa);
	return memcmp(ser, pubshare, 33) ? MPC_FROST_VERIFY_FAIL : MPC_FROST_OK;
}

/* PartialSigVerifyInternal: MPC_FROST_OK or MPC_FROST_VERIFY_FAIL. Public data. */
static int psig_verify_internal(const struct mpc_frost_session_values *sv,
				const uint8_t psig[32], uint32_t my_id,
				const uint8_t pubnonce[66], const uint8_t pubshare[33])
{
	const struct mpc_frost_signers *sc = sv->signers;
	mpc_scalar s;
	mpc_ge r1, r2;

	if (!mpc_scalar_set_b32(&s, psig))
		return MPC_FROST_VERIFY_FAIL;
	if (!pubshare_in_list(sc, pubshare))
		return MPC_FROST_VERIFY_FAIL;
	if (!id_in_list(sc->ids, sc->u, my_id))
		return MPC_FROST_VERIFY_FAIL;
	if (!mpc_ge_parse_compressed(&r1, pubnonce) ||
	    !mpc_ge_parse_compressed(&r2, pubnonce + 33))
		return MPC_FROST_VERIFY_FAIL;
	return psig_equation(sv, &s, my_id, &r1, &r2, pubshare);
}

int mpc_frost_psig_verify_session(const struct mpc_frost_session_values *sv,
				  const uint8_t psig[32], uint32_t my_id,
				  const uint8_t pubnonce[66],
				  const uint8_t pubshare[33])
{
	if (!sv || !sv->signers || !psig || !pubnonce || !pubshare)
		return MPC_FROST_ERR_ARG;
	return psig_verify_internal(sv, psig, my_id, pubnonce, pubshare);
}

int mpc_frost_partial_sig_verify(const uint8_t psig[32],
				 const uint8_t *pubnonces, size_t n_pubnonces,
				 const struct mpc_frost_signers *sc,
				 const struct mpc_frost_tweaks *tw,
				 const uint8_t *msg, size_t msglen, size_t i,
				 const struct mpc_frost_limits *lim,
				 size_t *blame)
{
	struct mpc_frost_session_values sv;
	struct mpc_frost_session_ctx ctx;
	uint8_t agg[66];
	int ret;

	set_blame(blame, MPC_FROST_NO_BLAME);
	if (!psig || (n_pubnonces && !pubnonces))
		return MPC_FROST_ERR_ARG;
	ret = session_args(sc, tw, msg, msglen, lim);
	if (ret)
		return ret;
	ret = check_limits(lim, n_pubnonces, 0, 0);
	if (ret)
		return ret;
	ret = signers_validate(sc, 0, blame, NULL, NULL);
	if (ret)
		return ret;
	if (n_pubnonces != sc->u)
		return MPC_FROST_ERR_PUBNONCE_COUNT;
	if (i >= sc->u)
		return MPC_FROST_ERR_SIGNER_INDEX;
	ret = nonce_agg(agg, pubnonces, n_pubnonces, blame);
	if (ret)
		return ret;
	ctx.signers = sc;
	ctx.aggnonce = agg;
	ctx.tweaks = tw;
	ctx.msg = msg;
	ctx.msglen = msglen;
	ret = session_values(&sv, &ctx, SV_VALIDATED, blame);
	if (ret)
		return ret;
	ret = psig_verify_internal(&sv, psig, sc->ids[i], pubnonces + 66 * i,
				   sc->pubshares[i]);
	if (ret)
		set_blame(blame, i);
	return ret;
}

/* --- partial signature aggregation --------------------------------------------- */

int mpc_frost_partial_sig_agg_session(uint8_t sig[64], const uint8_t *psigs,
				      size_t n_psigs,
				      const struct mpc_frost_session_values *sv,
				      size_t *blame)
{
	mpc_scalar s, t;
	size_t i;

	set_blame(blame, MPC_FROST_NO_BLAME);
	if (!sig)
		return MPC_FROST_ERR_ARG;
	memset(sig, 0, 64);
	if (!sv || !sv->signers || (n_psigs && !psigs))
		return MPC_FROST_ERR_ARG;
	if (n_psigs != sv->signers->u)
		return MPC_FROST_ERR_PSIG_COUNT;
	mpc_scalar_set_int(&s, 0);
	for (i = 0; i < n_psigs; i++) {
		if (!mpc_scalar_set_b32(&t, psigs + 32 * i)) {
			set_blame(blame, i);
			return MPC_FROST_ERR_PSIG;
		}
		mpc_scalar_add(&s, &s, &t);
	}
	/* s += e*g*tacc */
	mpc_scalar_mul(&t, &sv->e, &sv->tacc);
	if (sv->q_odd)
		mpc_scalar_negate(&t, &t);
	mpc_scalar_add(&s, &s, &t);
	memcpy(sig, sv->r_x, 32);
	mpc_scalar_get_b32(sig + 32, &s);
	return MPC_FROST_OK;
}

int mpc_frost_partial_sig_agg(uint8_t sig[64], const uint8_t *psigs,
			      size_t n_psigs,
			      const struct mpc_frost_session_ctx *ctx,
			      const struct mpc_frost_limits *lim,
			      size_t *blame)
{
	struct mpc_frost_session_values sv;
	int ret;

	set_blame(blame, MPC_FROST_NO_BLAME);
	if (!sig)
		return MPC_FROST_ERR_ARG;
	memset(sig, 0, 64);
	ret = session_ctx_args(ctx, lim);
	if (ret)
		return ret;
	if (n_psigs && !psigs)
		return MPC_FROST_ERR_ARG;
	if (n_psigs != ctx->signers->u)
		return MPC_FROST_ERR_PSIG_COUNT;
	ret = session_values(&sv, ctx, SV_FULL, blame);
	if (ret)
		return ret;
	return mpc_frost_partial_sig_agg_session(sig, psigs, n_psigs, &sv, blame);
}

/* --- signing --------------------------------------------------------------------- */

struct sign_secrets {
	mpc_scalar k1, k2, d, k, s, t, w;
};

/* Position of id in the list, or MPC_FROST_NO_BLAME. */
static size_t id_position(const uint32_t *ids, size_t u, uint32_t id)
{
	size_t i;

	for (i = 0; i < u; i++)
		if (ids[i] == id)
			return i;
	return MPC_FROST_NO_BLAME;
}

/*
 * Sign after the argument checks.
 *
 * The BIP computes pubshare = cbytes(d'*G) to find it in the list, and
 * self-verifies the psig: s*G == K + c*P with K = k*G = +-(R1 + b*R2) of the
 * signer's own pubnonce (recomputed from k1', k2'), c = e*lambda*g*gacc and
 * P = cpoint(pubshare).  Here both checks are one fixed-base multiplication:
 * with k the effective nonce scalar and s = k + c*d', let
 * t = c^-1 (s - k) and T = t*G.  Then s*G = K + c*T holds by construction
 * (c is never 0), so "T = P" is the self-verification equation, and T = d'*G
 * exactly when s was computed with the right share.  With my_id at
 * position pos: if cbytes(T) == pubshares[pos], the BIP's lookup succeeds
 * and its self-verification passes, and the psig is returned.  Otherwise
 * (or if my_id is not listed) d'*G is computed, to return what the BIP
 * returns: MY_PUBSHARE, MY_ID, the psig (our pubshare sits at another
 * position and T equals it) or INTERNAL.
 *
 * Faults: T is derived from the output s, so a fault in d' or in the
 * c*d' term is caught (T != P).  The nonce term k = k1 + b*k2, which the
 * BIP's version checks in the point domain, is computed twice, in
 * different orders, and compared (a transient fault shows as a mismatch).
 * Neither version can see a fault that corrupts k1'/k2' themselves after
 * the secnonce is read (the published pubnonce is not an input of Sign).
 */
static MPC_FROST_NOINLINE int sign_inner(uint8_t psig[32], const uint8_t sn[64],
					 const uint8_t secshare[32], uint32_t my_id,
					 const struct mpc_frost_session_ctx *ctx,
					 int mode, size_t *blame)
{
	const struct mpc_frost_signers *sc = ctx->signers;
	struct mpc_frost_session_values sv;
	struct sign_secrets x;
	uint8_t pubshare[33], tpt[33];
	mpc_scalar c, ci;
	size_t pos;
	int ret, flag;

	memset(&x, 0, sizeof(x));
	ret = session_values(&sv, ctx, mode, blame);
	if (ret)
		return ret;
	/* the validity of secret inputs is public (the error code says it) */
	flag = mpc_scalar_set_b32_seckey(&x.k1, sn);
	mpc_declassify(&flag, sizeof(flag));
	if (!flag) {
		ret = MPC_FROST_ERR_SECNONCE1;
		goto out;
	}
	flag = mpc_scalar_set_b32_seckey(&x.k2, sn + 32);
	mpc_declassify(&flag, sizeof(flag));
	if (!flag) {
		ret = MPC_FROST_ERR_SECNONCE2;
		goto out;
	}
	/* k = -k' if R has odd y (R is public) */
	flag = !mpc_ge_has_even_y(&sv.r);
	mpc_scalar_cond_negate(&x.k1, flag);
	mpc_scalar_cond_negate(&x.k2, flag);
	flag = mpc_scalar_set_b32_seckey(&x.d, secshare);
	mpc_declassify(&flag, sizeof(flag));
	if (!flag) {
		ret = MPC_FROST_ERR_SECSHARE;
		goto out;
	}
	pos = id_position(sc->ids, sc->u, my_id);
	if (pos == MPC_FROST_NO_BLAME) {
		/* the BIP checks the pubshare first */
		point_gen(pubshare, NULL, &x.d);
		ret = pubshare_in_list(sc, pubshare) ? MPC_FROST_ERR_MY_ID :
						       MPC_FROST_ERR_MY_PUBSHARE;
		goto out;
	}
	/* c = e*lambda*g*gacc (public, nonzero); s = k + c*d' with k = k1 + b*k2 */
	lagrange_var(&c, sc->ids, sc->u, my_id);
	mpc_scalar_mul(&c, &sv.e, &c);
	if (sv.q_odd ^ sv.gacc_neg)
		mpc_scalar_negate(&c, &c);
	mpc_scalar_mul(&x.t, &sv.b, &x.k2);
	mpc_scalar_add(&x.k, &x.k1, &x.t);
	mpc_scalar_mul(&x.t, &c, &x.d);
	mpc_scalar_add(&x.s, &x.k, &x.t);
	/* again, in another order: k' = (k2*b + k1); s' = d'*c + k' */
	mpc_scalar_mul(&x.w, &x.k2, &sv.b);
	mpc_scalar_add(&x.w, &x.w, &x.k1);
	flag = mpc_scalar_eq(&x.w, &x.k);
	mpc_scalar_mul(&x.t, &x.d, &c);
	mpc_scalar_add(&x.t, &x.t, &x.w);
	flag &= mpc_scalar_eq(&x.t, &x.s);
	mpc_declassify(&flag, sizeof(flag));	/* a fault indicator */
	mpc_scalar_get_b32(psig, &x.s);
	mpc_declassify(psig, 32);	/* the output */
	/* t = c^-1 (s - k); T = t*G (public: it is P when all is well) */
	mpc_scalar_inverse_var(&ci, &c);
	mpc_scalar_negate(&x.t, &x.k);
	mpc_scalar_add(&x.t, &x.t, &x.s);
	mpc_scalar_mul(&x.t, &x.t, &ci);
	point_gen(tpt, NULL, &x.t);
	if (flag && !memcmp(tpt, sc->pubshares[pos], 33))
		goto out;
	/* what does the BIP's Sign say? */
	point_gen(pubshare, NULL, &x.d);
	if (!pubshare_in_list(sc, pubshare))
		ret = MPC_FROST_ERR_MY_PUBSHARE;
	else if (!flag || memcmp(tpt, pubshare, 33))
		ret = MPC_FROST_ERR_INTERNAL;
out:
	if (ret)
		memset(psig, 0, 32);
	memzero_explicit(&x, sizeof(x));
	return ret;
}

/* Sign, consuming secnonce; mode: SV_* (how to treat the signers context). */
static int sign_consume(uint8_t psig[32], uint8_t secnonce[64],
			const uint8_t secshare[32], uint32_t my_id,
			const struct mpc_frost_session_ctx *ctx,
			const struct mpc_frost_limits *lim, int mode,
			size_t *blame)
{
	uint8_t sn[64];
	int ret;

	set_blame(blame, MPC_FROST_NO_BLAME);
	if (!secnonce)
		return MPC_FROST_ERR_ARG;
	/* consume the secret nonce first, whatever happens next */
	memcpy(sn, secnonce, 64);
	memzero_explicit(secnonce, 64);
	if (psig)
		memset(psig, 0, 32);
	if (!psig || !secshare || mode < 0) {
		ret = MPC_FROST_ERR_ARG;
		goto out;
	}
	ret = session_ctx_args(ctx, lim);
	if (ret)
		goto out;
	ret = sign_inner(psig, sn, secshare, my_id, ctx, mode, blame);
out:
	memzero_explicit(sn, sizeof(sn));
	return ret;
}

int mpc_frost_sign(uint8_t psig[32], uint8_t secnonce[64],
		   const uint8_t secshare[32], uint32_t my_id,
		   const struct mpc_frost_session_ctx *ctx,
		   const struct mpc_frost_limits *lim, size_t *blame)
{
	return sign_consume(psig, secnonce, secshare, my_id, ctx, lim, SV_FULL, blame);
}

int mpc_frost_sign_ex(uint8_t psig[32], uint8_t secnonce[64],
		      const uint8_t secshare[32], uint32_t my_id,
		      const struct mpc_frost_session_ctx *ctx,
		      const struct mpc_frost_limits *lim, unsigned int flags,
		      size_t *blame)
{
	int mode = flags & MPC_FROST_SIGN_TRUSTED_SIGNERS ? SV_TRUSTED : SV_FULL;

	if (flags & ~MPC_FROST_SIGN_TRUSTED_SIGNERS)
		mode = -1;	/* unknown flag: MPC_FROST_ERR_ARG */
	return sign_consume(psig, secnonce, secshare, my_id, ctx, lim, mode, blame);
}

int mpc_frost_deterministic_sign(uint8_t pubnonce[66], uint8_t psig[32],
				 const uint8_t secshare[32], uint32_t my_id,
				 const uint8_t *aggothernonce,
				 const struct mpc_frost_session_ctx *ctx,
				 const uint8_t *rand,
				 const struct mpc_frost_limits *lim,
				 size_t *blame)
{
	const struct mpc_frost_signers *sc;
	struct mpc_frost_session_ctx sctx;
	struct mpc_frost_tweak_ctx tc;
	struct mpc_sha256 h;
	uint8_t sh[32], tpk[32], secnonce[64], agg[66], two[132], b[8];
	int ret;

	set_blame(blame, MPC_FROST_NO_BLAME);
	if (!pubnonce || !psig)
		return MPC_FROST_ERR_ARG;
	memset(pubnonce, 0, 66);
	memset(psig, 0, 32);
	if (!secshare || !ctx)
		return MPC_FROST_ERR_ARG;
	ret = session_args(ctx->signers, ctx->tweaks, ctx->msg, ctx->msglen, lim);
	if (ret)
		return ret;
	sc = ctx->signers;
	/*
	 * The signers context is validated first (as the reference code and
	 * the vectors do: u = 0 with an all-zero aggothernonce is a signer
	 * count error), then the tweaks.
	 */
	ret = signers_validate(sc, 0, blame, NULL, NULL);
	if (ret)
		return ret;
	ret = mpc_frost_tweak_ctx_init(&tc, sc->thresh_pk);
	if (ret)
		return ret;
	ret = apply_tweaks(&tc, ctx->tweaks, blame);
	if (ret)
		return ret;
	mpc_frost_tweak_ctx_xonly_pk(tpk, &tc);

	if (rand)
		xor_aux(sh, secshare, rand);
	else
		memcpy(sh, secshare, 32);
	mpc_sha256_init_midstate(&h, mid_det_nonce);
	mpc_sha256_update(&h, sh, 32);
	memzero_explicit(sh, sizeof(sh));
	put_be32(b, my_id);
	mpc_sha256_update(&h, b, 4);
	put_be32(b, (uint32_t)sc->u);
	mpc_sha256_update(&h, b, 4);
	hash_sorted_ids(&h, sc->ids, sc->u);
	if (aggothernonce)
		mpc_sha256_update(&h, aggothernonce, 66);
	mpc_sha256_update(&h, tpk, 32);
	put_be64(b, (uint64_t)ctx->msglen);
	mpc_sha256_update(&h, b, 8);
	if (ctx->msglen)
		mpc_sha256_update(&h, ctx->msg, ctx->msglen);
	ret = nonces_from_prefix(secnonce, pubnonce, &h);
	if (ret)
		goto out;

	if (aggothernonce) {
		memcpy(two, pubnonce, 66);
		memcpy(two + 66, aggothernonce, 66);
		if (nonce_agg(agg, two, 2, NULL)) {
			ret = MPC_FROST_ERR_AGGOTHERNONCE;
			goto out;
		}
	} else {
		memcpy(agg, pubnonce, 66);
	}
	sctx = *ctx;
	sctx.aggnonce = agg;
	ret = sign_consume(psig, secnonce, secshare, my_id, &sctx, lim, SV_VALIDATED, blame);
out:
	memzero_explicit(secnonce, sizeof(secnonce));
	if (ret)
		memset(pubnonce, 0, 66);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * chilldkg.c - ChillDKG: SimplPedPop, EncPedPop, CertEq, recovery.
 *
 * Byte formats (all integers big endian):
 *   pmsg1  = com[t] (33 each) | pop (64) | pubnonce (33) | enc_shares[n] (32)
 *   cmsg1  = coms_to_secrets[n] | sum_coms_to_nonconst_terms[t-1] | pops[n] (64)
 *            | pubnonces[n] | enc_secshares[n]
 *   pmsg2  = certeq signature (64);  cmsg2 = certificate = n signatures
 *   cinv   = enc_partial_secshares[n] (32) | partial_pubshares[n] (33)
 *   eq_input = t (4) | sum_coms[t] | hostpubkeys[n] | pubnonces[n] | enc_secshares[n]
 *   recovery data = eq_input | certificate
 * Points in commitments may be infinity, encoded as 33 zero bytes.
 *
 * Hashes are BIP340 tagged hashes with tags "BIP DKG/<name>"; proofs of
 * possession are BIP340 signatures with the tag prefix "BIP DKG/pop message"
 * instead of "BIP0340"; CertEq and recovery acknowledgments are plain BIP340
 * signatures over a 33-byte zero-padded tag, the participant id and the data.
 *
 * Secret data (host secret key, seed, polynomial coefficients, shares, ECDH
 * pads, nonces) is handled with constant-time scalar and point operations
 * and wiped after use; variable-time helpers (_var) only see public data.
 */
#include "chilldkg.h"
#include "hash.h"
#include "ecmult.h"

enum {
	ST_EMPTY = 0,
	ST_STEP1 = 0x11d0c001,
	ST_STEP2 = 0x11d0c002,
	ST_INVESTIGATE = 0x11d0c003,
	ST_DONE = 0x11d0c004,
	ST_DEAD = 0x11d0c0ff,
	CST_STEP1 = 0x11d0cc01,
};

#define TAGLEN(s) (s), (sizeof(s) - 1)
#define MSG_PREFIX_LEN 33
#define MSG_HEAD_LEN (MSG_PREFIX_LEN + 4)

static const char *const reason_str[MPC_DKG_R_MAX] = {
	[MPC_DKG_R_NONE] = "",
	[MPC_DKG_R_HOSTSECKEY_INVALID] = "Host secret key is invalid",
	[MPC_DKG_R_HOSTSECKEY_NO_MATCH] = "Host secret key does not match any host public key",
	[MPC_DKG_R_HOSTSECKEY_NOT_STEP1] =
		"Host secret key does not match the one used in participant_step1",
	[MPC_DKG_R_HOSTSECKEY_NO_MATCH_RD] =
		"Host secret key does not match any host public key in the recovery data",
	[MPC_DKG_R_WRONG_PUBNONCE] = "Coordinator replied with wrong pubnonce",
	[MPC_DKG_R_INVALID_PUBNONCE] = "invalid public nonce",
	[MPC_DKG_R_INVALID_COM_TO_SECRET] = "invalid commitment to secret",
	[MPC_DKG_R_INVALID_SUM_COM_NONCONST] = "invalid sum commitment to non-constant term",
	[MPC_DKG_R_INVALID_ENC_SECSHARES] = "invalid encrypted secret shares",
	[MPC_DKG_R_UNEXPECTED_COM_TO_SECRET] =
		"Coordinator sent unexpected first group element for local participant id",
	[MPC_DKG_R_INVALID_COMMITMENT] = "Participant sent invalid commitment",
	[MPC_DKG_R_INVALID_POP] = "Participant sent invalid proof-of-knowledge",
	[MPC_DKG_R_INVALID_SECSHARE] = "Received invalid secshare; consider using "
		"participant_investigate() to determine a faulty party",
	[MPC_DKG_R_CERT_SIG_BY_COORDINATOR] =
		"Coordinator has provided a certificate with an invalid signature",
	[MPC_DKG_R_CERT_SIG_BY_PARTICIPANT] =
		"Participant has provided an invalid signature for the certificate",
	[MPC_DKG_R_INVALID_VSS_COMMITMENT] = "invalid VSS commitment",
	[MPC_DKG_R_INVALID_ENC_SHARE] = "invalid encrypted secret share",
	[MPC_DKG_R_INVALID_ENC_PARTIAL_SECSHARE] = "invalid encrypted partial secshare",
	[MPC_DKG_R_INVALID_PARTIAL_PUBSHARE] = "invalid partial pubshare",
	[MPC_DKG_R_PARTIAL_PUBSHARE_SUM] = "Sum of partial pubshares not equal to pubshare",
	[MPC_DKG_R_ENC_PARTIAL_SECSHARE_SUM] =
		"Sum of encrypted partial secshares not equal to encrypted secshare",
	[MPC_DKG_R_PARTIAL_SECSHARE] = "Participant sent invalid partial secshare",
	[MPC_DKG_R_FIDDLED_OWN_SHARE] = "Coordinator fiddled with the share from me to myself",
	[MPC_DKG_R_RD_DESERIALIZE] = "Failed to deserialize recovery data",
	[MPC_DKG_R_RD_PARAMS] = "Invalid session parameters in recovery data",
	[MPC_DKG_R_RD_CERT] = "Invalid certificate in recovery data",
	[MPC_DKG_R_RD_MISMATCH] = "Recovery data does not match the provided session parameters",
	[MPC_DKG_R_RD_INCONSISTENT] = "Recovery data is inconsistent with the secret share",
	[MPC_DKG_R_INVALID_RECOVERY_ACK] = "Invalid recovery acknowledgment signature",
	[MPC_DKG_R_NEGLIGIBLE] = "Negligible-probability failure",
	[MPC_DKG_R_INFINITY] = "Point at infinity where a valid point is required",
	[MPC_DKG_R_CONSISTENT] =
		"participant_investigate() was called, but all inputs are consistent.",
};

const char *mpc_dkg_reason_str(uint32_t reason)
{
	if (reason >= MPC_DKG_R_MAX || !reason_str[reason])
		return "unknown";
	return reason_str[reason];
}

static int fail(struct mpc_dkg_error *err, int code, uint32_t reason, uint32_t id)
{
	if (err) {
		err->participant_id = id;
		err->participant_id2 = MPC_DKG_NOBODY;
		err->reason = reason;
	}
	return code;
}

static void err_init(struct mpc_dkg_error *err)
{
	if (err) {
		err->participant_id = MPC_DKG_NOBODY;
		err->participant_id2 = MPC_DKG_NOBODY;
		err->reason = MPC_DKG_R_NONE;
	}
}

/* ---- sizes ---- */

size_t mpc_dkg_pmsg1_len(uint32_t n, uint32_t t)
{
	return 33 * (size_t)t + 32 * (size_t)n + 97;
}

size_t mpc_dkg_cmsg1_len(uint32_t n, uint32_t t)
{
	return 162 * (size_t)n + 33 * ((size_t)t - (t > 0));
}

size_t mpc_dkg_cmsg2_len(uint32_t n)
{
	return 64 * (size_t)n;
}

size_t mpc_dkg_cinv_len(uint32_t n)
{
	return 65 * (size_t)n;
}

size_t mpc_dkg_eq_input_len(uint32_t n, uint32_t t)
{
	return 4 + 33 * (size_t)t + 98 * (size_t)n;
}

size_t mpc_dkg_recovery_data_len(uint32_t n, uint32_t t)
{
	return mpc_dkg_eq_input_len(n, t) + 64 * (size_t)n;
}

/* ---- small helpers ---- */

static void put_be32(uint8_t out[4], uint32_t v)
{
	out[0] = v >> 24;
	out[1] = v >> 16;
	out[2] = v >> 8;
	out[3] = v;
}

static uint32_t get_be32(const uint8_t in[4])
{
	return ((uint32_t)in[0] << 24) | ((uint32_t)in[1] << 16) |
	       ((uint32_t)in[2] << 8) | in[3];
}

static int is_zero33(const uint8_t in[33])
{
	uint8_t acc = 0;
	int i;

	for (i = 0; i < 33; i++)
		acc |= in[i];
	return acc == 0;
}

/* Compressed point, 33 zero bytes meaning infinity. Public data. */
static int parse_point_inf(mpc_ge *r, const uint8_t in[33])
{
	if (is_zero33(in)) {
		mpc_ge_set_infinity(r);
		return 1;
	}
	return mpc_ge_parse_compressed(r, in);
}

static void ser_ge_inf(uint8_t out[33], const mpc_ge *a)
{
	if (mpc_ge_is_infinity(a))
		memset(out, 0, 33);
	else
		mpc_ge_serialize_compressed(out, a);
}

/* Serialize a public Jacobian point (infinity as zeros). */
static void ser_gej_inf_var(uint8_t out[33], mpc_gej *a)
{
	mpc_ge g;

	if (mpc_gej_is_infinity(a)) {
		memset(out, 0, 33);
		return;
	}
	mpc_ge_set_gej_var(&g, a);
	ser_ge_inf(out, &g);
}

/*
 * Compressed serialization of a secret point, constant time also in its
 * infinity flag (infinity gives 33 zero bytes, as mpc_ge_serialize_compressed,
 * which branches on the flag).
 */
static void ser_ge_ct(uint8_t out[33], const mpc_ge *a)
{
	mpc_fe x = a->x, y = a->y;
	uint8_t keep = (uint8_t)(mpc_value_barrier_u64((uint64_t)(a->infinity & 1)) - 1);
	int i;

	mpc_fe_normalize(&x);
	mpc_fe_normalize(&y);
	out[0] = (uint8_t)(2 | mpc_fe_is_odd(&y));
	mpc_fe_get_b32(out + 1, &x);
	for (i = 0; i < 33; i++)
		out[i] &= keep;
	mpc_fe_clear(&x);
	mpc_fe_clear(&y);
}

/*
 * k*G serialized compressed, constant time in k (k != 0).  Every caller
 * outputs the point (host public key, pubnonce, VSS commitment), so it is
 * declassified.
 */
static void ser_gen_ct(uint8_t out[33], const mpc_scalar *k)
{
	mpc_gej pj;
	mpc_ge p;

	mpc_ecmult_gen(&pj, k);
	mpc_ge_set_gej(&p, &pj);
	mpc_declassify(&p, sizeof(p));
	mpc_ge_serialize_compressed(out, &p);
	mpc_gej_clear(&pj);
	mpc_ge_clear(&p);
}

/* Alias-free wrappers: r += b (public data). */
static void gej_add_ge(mpc_gej *r, const mpc_ge *b)
{
	mpc_gej tmp;

	mpc_gej_add_ge_var(&tmp, r, b);
	*r = tmp;
}

static void gej_add(mpc_gej *r, const mpc_gej *b)
{
	mpc_gej tmp;

	mpc_gej_add_var(&tmp, r, b);
	*r = tmp;
}

static void gej_double(mpc_gej *r)
{
	mpc_gej tmp;

	mpc_gej_double_var(&tmp, r);
	*r = tmp;
}

/* r = a * x for a small public x, variable time. */
static void gej_mul_small_var(mpc_gej *r, const mpc_gej *a, uint32_t x)
{
	mpc_gej acc;
	int i, started = 0;

	mpc_gej_set_infinity(&acc);
	for (i = 31; i >= 0; i--) {
		if (started)
			gej_double(&acc);
		if ((x >> i) & 1) {
			gej_add(&acc, a);
			started = 1;
		}
	}
	*r = acc;
}

/*
 * VSS evaluation at all of x = 1..n (public data).
 *
 * Horner with a small x costs log2(x) doublings and a few additions per
 * coefficient, n*(t-1) such steps for all n points.  Instead, f is first
 * rewritten in the binomial basis, f(x) = sum_k c_k binom(x, k), where c_k is
 * the k-th forward difference of f at 0; Horner works there too since
 *   x binom(x, k) = (k+1) binom(x, k+1) + k binom(x, k),
 * so multiplying g = sum_k c_k binom(x, k) by x maps c_k to k (c_k + c_{k-1}):
 * about t^2/2 multiplications by small k.  Then f(1), f(2), ... follow from
 * the difference table with t-1 point additions each.  Those t-1 additions
 * are independent, so the table is kept affine and each step's additions
 * share one field inversion (Montgomery's trick); the values come out affine.
 */
struct vss_ws {
	mpc_gej *vals;	/* n: scratch for the caller */
	mpc_gej *c;	/* t: binomial-basis coefficients */
	mpc_ge *ca;	/* t: the difference table, affine */
	mpc_fe *den;	/* t: denominators, then their inverses */
	mpc_fe *pre;	/* t: prefix products */
	mpc_ge *ge;	/* n: f(1..n), affine */
	size_t size;
};

static int vss_ws_alloc(struct vss_ws *w, uint32_t n, uint32_t t)
{
	size_t o_c, o_ca, o_den, o_pre, o_ge;
	uint8_t *p;

	o_c = sizeof(mpc_gej) * (size_t)n;
	o_ca = o_c + sizeof(mpc_gej) * (size_t)t;
	o_den = o_ca + sizeof(mpc_ge) * (size_t)t;
	o_pre = o_den + sizeof(mpc_fe) * (size_t)t;
	o_ge = o_pre + sizeof(mpc_fe) * (size_t)t;
	w->size = o_ge + sizeof(mpc_ge) * (size_t)n;
	p = mpc_alloc(w->size);
	w->vals = (mpc_gej *)p;
	if (!p)
		return 0;
	w->c = (mpc_gej *)(p + o_c);
	w->ca = (mpc_ge *)(p + o_ca);
	w->den = (mpc_fe *)(p + o_den);
	w->pre = (mpc_fe *)(p + o_pre);
	w->ge = (mpc_ge *)(p + o_ge);
	return 1;
}

static void vss_ws_free(struct vss_ws *w)
{
	if (w->vals)
		mpc_free_sensitive(w->vals, w->size);
	w->vals = NULL;
}

/* r = a + b for affine a, b, the general way (one inversion). */
static void ge_add_slow_var(mpc_ge *r, const mpc_ge *a, const mpc_ge *b)
{
	mpc_gej aj, rj;

	mpc_gej_set_ge(&aj, a);
	mpc_gej_add_ge_var(&rj, &aj, b);
	mpc_ge_set_gej_var(r, &rj);
}

/*
 * One step of the affine difference table: ca[k] += ca[k+1] (old values)
 * for k < d, with one inversion.  Coordinates stay magnitude 1.
 */
static void vss_table_step_var(struct vss_ws *w, uint32_t d)
{
	mpc_ge *ca = w->ca;
	mpc_fe inv, t, lam, u;
	uint32_t k;

	/* denominators x2 - x1, 1 for the special cases */
	for (k = 0; k < d; k++) {
		const mpc_ge *p1 = &ca[k], *p2 = &ca[k + 1];

		if (!p1->infinity && !p2->infinity) {
			mpc_fe_negate(&t, &p1->x, 1);
			w->den[k] = p2->x;
			mpc_fe_add(&w->den[k], &t);
			if (!mpc_fe_normalizes_to_zero_var(&w->den[k])) {
				w->pre[k] = w->den[k];
				if (k)
					mpc_fe_mul(&w->pre[k], &w->pre[k - 1], &w->den[k]);
				continue;
			}
		}
		mpc_fe_set_int(&w->den[k], 0);	/* marks the special case */
		if (k)
			w->pre[k] = w->pre[k - 1];
		else
			mpc_fe_set_int(&w->pre[k], 1);
	}
	/* den[k] <- 1/den[k] for the regular ones */
	mpc_fe_inv_var(&inv, &w->pre[d - 1]);
	for (k = d; k-- > 0;) {
		if (mpc_fe_normalizes_to_zero_var(&w->den[k]))
			continue;
		if (k) {
			mpc_fe_mul(&t, &inv, &w->pre[k - 1]);
			mpc_fe_mul(&inv, &inv, &w->den[k]);
		} else {
			t = inv;
		}
		w->den[k] = t;
	}
	/* ascending: ca[k+1] is still the old value when ca[k] is replaced */
	for (k = 0; k < d; k++) {
		mpc_ge *p1 = &ca[k];
		const mpc_ge *p2 = &ca[k + 1];

		if (mpc_fe_normalizes_to_zero_var(&w->den[k])) {
			ge_add_slow_var(p1, p1, p2);
			continue;
		}
		/* lam = (y2 - y1) / (x2 - x1); x3 = lam^2 - x1 - x2;
		 * y3 = lam (x1 - x3) - y1 */
		mpc_fe_negate(&t, &p1->y, 1);
		u = p2->y;
		mpc_fe_add(&u, &t);
		mpc_fe_mul(&lam, &u, &w->den[k]);
		mpc_fe_sqr(&u, &lam);
		mpc_fe_negate(&t, &p1->x, 1);
		mpc_fe_add(&u, &t);
		mpc_fe_negate(&t, &p2->x, 1);
		mpc_fe_add(&u, &t);
		mpc_fe_normalize_weak(&u);		/* x3 */
		mpc_fe_negate(&t, &u, 1);
		mpc_fe_add(&t, &p1->x);
		mpc_fe_mul(&t, &t, &lam);
		p1->x = u;
		mpc_fe_negate(&u, &p1->y, 1);
		mpc_fe_add(&t, &u);
		mpc_fe_normalize_weak(&t);
		p1->y = t;
	}
}

/* w->ge[i] = sum_j (i+1)^j coms[j] for i < n; t >= 1. */
static __attribute__((__noinline__)) void vss_eval_all_var(struct vss_ws *w, const mpc_ge *coms, uint32_t t, uint32_t n)
{
	mpc_gej *c = w->c;
	uint32_t m, k, x;

	/* Horner in the binomial basis: after step m, g has degree m + 1 */
	mpc_gej_set_ge(&c[0], &coms[t - 1]);
	for (m = 0; m + 1 < t; m++) {
		mpc_cond_resched();	/* O(t) point operations per m */
		gej_mul_small_var(&c[m + 1], &c[m], m + 1);
		for (k = m; k >= 1; k--) {
			gej_add(&c[k], &c[k - 1]);
			if (k > 1)
				gej_mul_small_var(&c[k], &c[k], k);
		}
		mpc_gej_set_ge(&c[0], &coms[t - 2 - m]);
	}
	/* c[k] = Delta^k f(0); step the difference table to x = 1..n */
	mpc_ge_set_all_gej_var(w->ca, c, t);
	for (k = 0; k < t; k++) {
		mpc_fe_normalize_weak(&w->ca[k].x);
		mpc_fe_normalize_weak(&w->ca[k].y);
	}
	for (x = 0; x < n; x++) {
		mpc_cond_resched();
		if (t > 1)
			vss_table_step_var(w, t - 1);
		w->ge[x] = w->ca[0];
	}
}

/* Serialize ge[0..n) to out + stride*i (infinity as zeros); returns 1 if
 * none is infinity. */
static int vss_ser_all_var(uint8_t *out, size_t stride, const mpc_ge *ge, uint32_t n)
{
	uint32_t i;
	int ok = 1;

	for (i = 0; i < n; i++) {
		ok &= !mpc_ge_is_infinity(&ge[i]);
		ser_ge_inf(out + stride * (size_t)i, &ge[i]);
	}
	return ok;
}

static void tagged_init(struct mpc_sha256 *h, const char *tag, size_t taglen)
{
	mpc_sha256_tagged_init(h, tag, taglen);
}

/* Hash context of EncPedPop pads: id (4) | t (4) | enckeys (33n). */
static void hash_enc_context(struct mpc_sha256 *h, uint32_t id, uint32_t t,
			     const uint8_t *hostpubkeys, uint32_t n)
{
	uint8_t b[8];

	put_be32(b, id);
	put_be32(b + 4, t);
	mpc_sha256_update(h, b, 8);
	mpc_sha256_update(h, hostpubkeys, 33 * (size_t)n);
}

/*
 * EncPedPop pad between a sender (pubnonce) and a recipient (enckey = host
 * public key, id rid): ECDH of seckey with their_point, constant time.
 */
static void ecdh_pad(mpc_scalar *pad, const mpc_scalar *seckey, const mpc_ge *their_point,
		     const uint8_t sender_pubnonce[33], const uint8_t recipient_enckey[33],
		     uint32_t rid, uint32_t t, const uint8_t *hostpubkeys, uint32_t n)
{
	struct mpc_sha256 h;
	mpc_gej sj;
	mpc_ge s;
	uint8_t buf[33], dh[32];

	mpc_ecmult_const(&sj, their_point, seckey);
	mpc_ge_set_gej(&s, &sj);
	ser_ge_ct(buf, &s);
	mpc_sha256(dh, buf, 33);
	tagged_init(&h, TAGLEN("BIP DKG/encpedpop ecdh"));
	mpc_sha256_update(&h, dh, 32);
	mpc_sha256_update(&h, sender_pubnonce, 33);
	mpc_sha256_update(&h, recipient_enckey, 33);
	hash_enc_context(&h, rid, t, hostpubkeys, n);
	mpc_sha256_final(&h, dh);
	mpc_scalar_set_b32(pad, dh);
	memzero_explicit(dh, sizeof(dh));
	memzero_explicit(buf, sizeof(buf));
	mpc_gej_clear(&sj);
	mpc_ge_clear(&s);
}

/* Pad for the share a participant encrypts to itself. */
static void self_pad(mpc_scalar *pad, const uint8_t hostseckey[32], const uint8_t pubnonce[33],
		     uint32_t id, uint32_t t, const uint8_t *hostpubkeys, uint32_t n)
{
	struct mpc_sha256 h;
	uint8_t out[32];

	tagged_init(&h, TAGLEN("BIP DKG/encaps_multi self_pad"));
	mpc_sha256_update(&h, hostseckey, 32);
	mpc_sha256_update(&h, pubnonce, 33);
	hash_enc_context(&h, id, t, hostpubkeys, n);
	mpc_sha256_final(&h, out);
	mpc_scalar_set_b32(pad, out);
	memzero_explicit(out, sizeof(out));
}

/* ---- BIP340 Schnorr signatures with a configurable tag prefix ---- */

struct msgpart {
	const uint8_t *p;
	size_t len;
};

static void prefixed_tag_init(struct mpc_sha256 *h, const char *prefix, const char *suffix)
{
	char tag[64];
	size_t pl = strlen(prefix), sl = strlen(suffix);

	memcpy(tag, prefix, pl);
	memcpy(tag + pl, suffix, sl);
	tagged_init(h, tag, pl + sl);
}

static void hash_parts(struct mpc_sha256 *h, const struct msgpart *m, size_t nparts)
{
	size_t i;

	for (i = 0; i < nparts; i++)
		mpc_sha256_update(h, m[i].p, m[i].len);
}

/* Sign; ct in sk, aux and the nonce. Returns 1 on success. */
static int schnorr_sign_tagged(uint8_t sig[64], const char *prefix, const struct msgpart *m,
			       size_t nparts, const uint8_t sk[32], const uint8_t aux[32])
{
	struct mpc_sha256 h;
	mpc_scalar d, k, e;
	mpc_gej pj;
	mpc_ge p;
	uint8_t px[32], tbuf[32], hb[32];
	int ok, i;

	ok = mpc_scalar_set_b32_seckey(&d, sk);
	mpc_ecmult_gen(&pj, &d);
	mpc_ge_set_gej(&p, &pj);
	mpc_fe_normalize(&p.x);
	mpc_fe_normalize(&p.y);
	mpc_scalar_cond_negate(&d, mpc_fe_is_odd(&p.y));
	mpc_fe_get_b32(px, &p.x);

	prefixed_tag_init(&h, prefix, "/aux");
	mpc_sha256_update(&h, aux, 32);
	mpc_sha256_final(&h, hb);
	mpc_scalar_get_b32(tbuf, &d);
	for (i = 0; i < 32; i++)
		tbuf[i] ^= hb[i];
	prefixed_tag_init(&h, prefix, "/nonce");
	mpc_sha256_update(&h, tbuf, 32);
	mpc_sha256_update(&h, px, 32);
	hash_parts(&h, m, nparts);
	mpc_sha256_final(&h, hb);
	mpc_scalar_set_b32(&k, hb);
	ok &= !mpc_scalar_is_zero(&k);

	mpc_ecmult_gen(&pj, &k);
	mpc_ge_set_gej(&p, &pj);
	mpc_fe_normalize(&p.x);
	mpc_fe_normalize(&p.y);
	mpc_scalar_cond_negate(&k, mpc_fe_is_odd(&p.y));
	mpc_fe_get_b32(sig, &p.x);

	prefixed_tag_init(&h, prefix, "/challenge");
	mpc_sha256_update(&h, sig, 32);
	mpc_sha256_update(&h, px, 32);
	hash_parts(&h, m, nparts);
	mpc_sha256_final(&h, hb);
	mpc_scalar_set_b32(&e, hb);
	mpc_scalar_mul(&e, &e, &d);
	mpc_scalar_add(&e, &e, &k);
	mpc_scalar_get_b32(sig + 32, &e);

	mpc_scalar_clear(&d);
	mpc_scalar_clear(&k);
	mpc_scalar_clear(&e);
	mpc_gej_clear(&pj);
	mpc_ge_clear(&p);
	memzero_explicit(tbuf, sizeof(tbuf));
	memzero_explicit(hb, sizeof(hb));
	/* the signature is output; its failure (negligible) is reported */
	mpc_declassify(&ok, sizeof(ok));
	if (!ok)
		memset(sig, 0, 64);
	mpc_declassify(sig, 64);
	return ok;
}

/*
 * Verify, variable time (public data); p is lift_x(pk), the caller's if it
 * has the point already.
 */
static int schnorr_verify_pt_var(const uint8_t sig[64], const char *prefix,
				 const struct msgpart *m, size_t nparts, const uint8_t pk[32],
				 const mpc_ge *p)
{
	struct mpc_sha256 h;
	mpc_scalar s, e;
	mpc_ge r;
	mpc_gej pj, rj;
	mpc_fe rx;
	uint8_t hb[32];

	if (!mpc_fe_set_b32(&rx, sig))
		return 0;
	if (!mpc_scalar_set_b32(&s, sig + 32))
		return 0;
	prefixed_tag_init(&h, prefix, "/challenge");
	mpc_sha256_update(&h, sig, 32);
	mpc_sha256_update(&h, pk, 32);
	hash_parts(&h, m, nparts);
	mpc_sha256_final(&h, hb);
	mpc_scalar_set_b32(&e, hb);
	mpc_scalar_negate(&e, &e);
	mpc_gej_set_ge(&pj, p);
	mpc_ecmult(&rj, &pj, &e, &s);
	if (mpc_gej_is_infinity(&rj))
		return 0;
	mpc_ge_set_gej_var(&r, &rj);
	mpc_fe_normalize(&r.x);
	mpc_fe_normalize(&r.y);
	if (mpc_fe_is_odd(&r.y))
		return 0;
	return mpc_fe_equal_var(&r.x, &rx);
}

static int schnorr_verify_tagged_var(const uint8_t sig[64], const char *prefix,
				     const struct msgpart *m, size_t nparts, const uint8_t pk[32])
{
	mpc_ge p;

	if (!mpc_ge_set_xonly(&p, pk))
		return 0;
	return schnorr_verify_pt_var(sig, prefix, m, nparts, pk, &p);
}

/* 33-byte zero-padded "BIP DKG/<name>" followed by the 4-byte id. */
static void msg_head(uint8_t head[MSG_HEAD_LEN], const char *tag, uint32_t id)
{
	size_t l = strlen(tag);

	memset(head, 0, MSG_HEAD_LEN);
	memcpy(head, tag, l);
	put_be32(head + MSG_PREFIX_LEN, id);
}

#define CERTEQ_TAG "BIP DKG/certeq message"
#define RECACK_TAG "BIP DKG/recovery acknowledgment"
#define POP_PREFIX "BIP DKG/pop message"

static int certeq_sign(uint8_t sig[64], const char *tag, const uint8_t hostseckey[32], uint32_t id,
		       const uint8_t *x, size_t xlen, const uint8_t aux[32])
{
	uint8_t head[MSG_HEAD_LEN];
	struct msgpart m[2] = { { head, MSG_HEAD_LEN }, { x, xlen } };

	msg_head(head, tag, id);
	return schnorr_sign_tagged(sig, "BIP0340", m, 2, hostseckey, aux);
}

static int certeq_verify_one_var(const uint8_t sig[64], const char *tag,
				 const uint8_t hostpubkey[33], uint32_t id,
				 const uint8_t *x, size_t xlen)
{
	uint8_t head[MSG_HEAD_LEN];
	struct msgpart m[2] = { { head, MSG_HEAD_LEN }, { x, xlen } };

	msg_head(head, tag, id);
	return schnorr_verify_tagged_var(sig, "BIP0340", m, 2, hostpubkey + 1);
}


/* com: finite; its x-only key lifts to com or -com (no square root needed). */
static int pop_verify_var(const uint8_t pop[64], const mpc_ge *com, uint32_t id)
{
	uint8_t idb[4], px[32];
	struct msgpart m[1] = { { idb, 4 } };
	mpc_ge p = *com;

	put_be32(idb, id);
	mpc_fe_normalize(&p.x);
	mpc_fe_normalize(&p.y);
	if (!mpc_ge_has_even_y(&p))
		mpc_ge_neg(&p, &p);
	mpc_fe_get_b32(px, &p.x);
	return schnorr_verify_pt_var(pop, POP_PREFIX, m, 1, px, &p);
}

/*
 * ---- batch verification of many BIP340 signatures (public data) ----
 *
 * For signatures (r_i, s_i) on keys P_i with challenges e_i, and randomizers
 * a_0 = 1, a_i 128-bit, derived from a hash of all signatures, keys and
 * challenges:  sum a_i R_i + sum (a_i e_i) P_i == (sum a_i s_i) G  with
 * R_i = lift_x(r_i).  Valid signatures always pass; a set with an invalid
 * one passes with probability about 2^-128.  The whole equation is one
 * mpc_ecmult_multi_var (Strauss-wNAF, shared doublings, one inversion; the
 * 128-bit a_i need no GLV split, the G term rides on the same doublings):
 * sum a_i R_i + sum (a_i e_i) P_i - (sum a_i s_i) G == infinity.
 * Signatures go in chunks of BV_CHUNK; when
 * a chunk fails (or memory is short, or it is too small to gain), its
 * signatures are verified one by one, so the first invalid index is still
 * the one reported.
 */
#define BV_CHUNK 32
#define BV_MIN 8		/* below this, one by one is faster */

enum { BV_POP, BV_CERTEQ };

struct bv_src {
	int kind;
	const uint8_t *sigs;		/* 64 bytes each */
	uint32_t skip;			/* index not to verify (or MPC_DKG_NOBODY) */
	const mpc_ge *coms;		/* BV_POP: the keys as points */
	const char *tag;		/* BV_CERTEQ: message tag, keys, data */
	const uint8_t *hostpubkeys;
	const uint8_t *x;
	size_t xlen;
};

struct bv_item {
	mpc_ge r, p;
	mpc_scalar s, e;
	uint8_t pk[32];
};

/* For up to cap <= BV_CHUNK signatures. */
struct bv_ws {
	struct bv_item *it;	/* cap */
	mpc_ge *pts;		/* 2 cap */
	mpc_scalar *sc;		/* 2 cap */
	size_t size;
};

static int bv_ws_alloc(struct bv_ws *w, uint32_t cap)
{
	const size_t np = 2 * (size_t)cap;
	size_t o_pts, o_sc;
	uint8_t *b;

	o_pts = sizeof(struct bv_item) * (size_t)cap;
	o_sc = o_pts + sizeof(mpc_ge) * np;
	w->size = o_sc + sizeof(mpc_scalar) * np;
	b = mpc_alloc(w->size);
	w->it = (struct bv_item *)b;
	if (!b)
		return 0;
	w->pts = (mpc_ge *)(b + o_pts);
	w->sc = (mpc_scalar *)(b + o_sc);
	return 1;
}

static void bv_ws_free(struct bv_ws *w)
{
	if (w->it)
		mpc_free_sensitive(w->it, w->size);
	w->it = NULL;
}

/* Key, R, s and challenge of signature i; 0 if it cannot be valid. */
static __attribute__((__noinline__)) int bv_prepare(struct bv_item *it, const struct bv_src *src, uint32_t i)
{
	const uint8_t *sig = src->sigs + 64 * (size_t)i;
	struct mpc_sha256 h;
	uint8_t hb[32], head[MSG_HEAD_LEN];

	if (src->kind == BV_POP) {
		it->p = src->coms[i];
		mpc_fe_normalize(&it->p.x);
		mpc_fe_normalize(&it->p.y);
		if (!mpc_ge_has_even_y(&it->p))
			mpc_ge_neg(&it->p, &it->p);
		mpc_fe_get_b32(it->pk, &it->p.x);
		prefixed_tag_init(&h, POP_PREFIX, "/challenge");
	} else {
		memcpy(it->pk, src->hostpubkeys + 33 * (size_t)i + 1, 32);
		if (!mpc_ge_set_xonly(&it->p, it->pk))
			return 0;
		prefixed_tag_init(&h, "BIP0340", "/challenge");
	}
	if (!mpc_ge_set_xonly(&it->r, sig) || !mpc_scalar_set_b32(&it->s, sig + 32))
		return 0;
	mpc_sha256_update(&h, sig, 32);
	mpc_sha256_update(&h, it->pk, 32);
	if (src->kind == BV_POP) {
		put_be32(hb, i);
		mpc_sha256_update(&h, hb, 4);
	} else {
		msg_head(head, src->tag, i);
		mpc_sha256_update(&h, head, MSG_HEAD_LEN);
		mpc_sha256_update(&h, src->x, src->xlen);
	}
	mpc_sha256_final(&h, hb);
	mpc_scalar_set_b32(&it->e, hb);
	return 1;
}

static int bv_verify_one(const struct bv_src *src, uint32_t i)
{
	const uint8_t *sig = src->sigs + 64 * (size_t)i;

	if (src->kind == BV_POP)
		return pop_verify_var(sig, &src->coms[i], i);
	return certeq_verify_one_var(sig, src->tag, src->hostpubkeys + 33 * (size_t)i, i,
				     src->x, src->xlen);
}

/* 1 if all signatures in [lo, hi) (but src->skip) pass the batch check. */
static __attribute__((__noinline__)) int bv_batch(struct bv_ws *w, const struct bv_src *src, uint32_t lo, uint32_t hi)
{
	struct mpc_sha256 h;
	mpc_scalar a, gs, tmp;
	mpc_gej lhs;
	uint8_t seed[32], buf[36];
	uint32_t i, m = 0, k;

	for (i = lo; i < hi; i++) {
		mpc_cond_resched();	/* a prepare hashes the whole message */
		if (i == src->skip)
			continue;
		if (!bv_prepare(&w->it[m], src, i))
			return 0;
		m++;
	}
	if (!m)
		return 1;
	mpc_sha256_tagged_init(&h, TAGLEN("mpcsign/batch verify"));
	for (i = lo, k = 0; i < hi; i++) {
		if (i == src->skip)
			continue;
		mpc_sha256_update(&h, src->sigs + 64 * (size_t)i, 64);
		mpc_sha256_update(&h, w->it[k].pk, 32);
		mpc_scalar_get_b32(buf, &w->it[k].e);
		mpc_sha256_update(&h, buf, 32);
		k++;
	}
	mpc_sha256_final(&h, seed);
	mpc_scalar_set_int(&gs, 0);
	for (k = 0; k < m; k++) {
		struct bv_item *it = &w->it[k];

		if (k == 0) {
			mpc_scalar_set_int(&a, 1);
		} else {
			memcpy(buf, seed, 32);
			put_be32(buf + 32, k);
			mpc_sha256(buf, buf, 36);
			memset(buf, 0, 16);	/* 128-bit randomizer */
			mpc_scalar_set_b32(&a, buf);
			if (mpc_scalar_is_zero(&a))
				mpc_scalar_set_int(&a, 1);
		}
		w->pts[2 * k] = it->r;
		w->sc[2 * k] = a;
		w->pts[2 * k + 1] = it->p;
		mpc_scalar_mul(&w->sc[2 * k + 1], &a, &it->e);
		mpc_scalar_mul(&tmp, &a, &it->s);
		mpc_scalar_add(&gs, &gs, &tmp);
	}
	mpc_scalar_negate(&gs, &gs);
	if (mpc_ecmult_multi_var(&lhs, w->pts, w->sc, 2 * (size_t)m, &gs))
		return 0;	/* no memory: verified one by one */
	return mpc_gej_is_infinity(&lhs);
}

/* First index < limit (but src->skip) whose signature is invalid, or limit. */
static __attribute__((__noinline__)) uint32_t bv_first_invalid(const struct bv_src *src, uint32_t limit)
{
	struct bv_ws w = { NULL, NULL, NULL, 0 };
	uint32_t lo, hi, i;
	int have = limit >= BV_MIN && bv_ws_alloc(&w, limit < BV_CHUNK ? limit : BV_CHUNK);

	for (lo = 0; lo < limit; lo = hi) {
		hi = limit - lo > BV_CHUNK ? lo + BV_CHUNK : limit;
		if (have && hi - lo >= BV_MIN && bv_batch(&w, src, lo, hi))
			continue;
		for (i = lo; i < hi; i++) {
			mpc_cond_resched();
			if (i != src->skip && !bv_verify_one(src, i)) {
				bv_ws_free(&w);
				return i;
			}
		}
	}
	bv_ws_free(&w);
	return limit;
}

/* Returns n if all n signatures are valid, else the first invalid index. */
static uint32_t certeq_verify_var(const uint8_t *hostpubkeys, uint32_t n, const uint8_t *x,
				  size_t xlen, const uint8_t *cert)
{
	struct bv_src src = { BV_CERTEQ, cert, MPC_DKG_NOBODY, NULL, CERTEQ_TAG, hostpubkeys,
			      x, xlen };

	return bv_first_invalid(&src, n);
}

/* ---- host keys and parameters ---- */

/* Host secret key -> scalar and compressed public key (ct). */
static int hostkey_load(mpc_scalar *sk, uint8_t pub[33], const uint8_t hostseckey[32])
{
	int ok = mpc_scalar_set_b32_seckey(sk, hostseckey);

	mpc_declassify(&ok, sizeof(ok));	/* the error code says it */
	if (!ok)
		return 0;
	ser_gen_ct(pub, sk);
	return 1;
}

int mpc_dkg_hostpubkey_gen(uint8_t hostpubkey[33], const uint8_t hostseckey[32],
			   struct mpc_dkg_error *err)
{
	mpc_scalar sk;
	int ok;

	err_init(err);
	if (!hostpubkey || !hostseckey)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	ok = hostkey_load(&sk, hostpubkey, hostseckey);
	mpc_scalar_clear(&sk);
	if (!ok) {
		memset(hostpubkey, 0, 33);
		return fail(err, MPC_DKG_ERR_HOST_SECKEY, MPC_DKG_R_HOSTSECKEY_INVALID,
			    MPC_DKG_NOBODY);
	}
	return MPC_DKG_OK;
}

int mpc_dkg_params_validate(const struct mpc_dkg_params *p, struct mpc_dkg_error *err)
{
	uint32_t i, j;
	mpc_ge g;

	err_init(err);
	if (!p)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	if (!(p->t >= 1 && p->t <= p->n))
		return fail(err, MPC_DKG_ERR_THRESHOLD_OR_COUNT, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	if (!p->hostpubkeys)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	for (i = 0; i < p->n; i++) {
		mpc_cond_resched();
		if (!mpc_ge_parse_compressed(&g, p->hostpubkeys + 33 * (size_t)i))
			return fail(err, MPC_DKG_ERR_INVALID_HOSTPUBKEY, MPC_DKG_R_NONE, i);
	}
	for (i = 1; i < p->n; i++) {
		mpc_cond_resched();
		for (j = 0; j < i; j++) {
			if (!memcmp(p->hostpubkeys + 33 * (size_t)i,
				    p->hostpubkeys + 33 * (size_t)j, 33)) {
				fail(err, 0, MPC_DKG_R_NONE, j);
				if (err)
					err->participant_id2 = i;
				return MPC_DKG_ERR_DUPLICATE_HOSTPUBKEY;
			}
		}
	}
	return MPC_DKG_OK;
}

int mpc_dkg_params_hash(uint8_t out[32], const struct mpc_dkg_params *p,
			struct mpc_dkg_error *err)
{
	struct mpc_sha256 h;
	uint8_t tb[4];
	int ret;

	ret = mpc_dkg_params_validate(p, err);
	if (ret)
		return ret;
	put_be32(tb, p->t);
	tagged_init(&h, TAGLEN("BIP DKG/params_hash"));
	mpc_sha256_update(&h, tb, 4);
	mpc_sha256_update(&h, p->hostpubkeys, 33 * (size_t)p->n);
	mpc_sha256_final(&h, out);
	return MPC_DKG_OK;
}

static int find_hostpubkey(const uint8_t *hostpubkeys, uint32_t n, const uint8_t pub[33],
			   uint32_t *id)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (!memcmp(hostpubkeys + 33 * (size_t)i, pub, 33)) {
			*id = i;
			return 1;
		}
	}
	return 0;
}

/* ---- participant state layout ---- */

/*
 * buf: [hostpubkeys 33n][pubnonce 33][com0 33][msg head 37][eq_input E]
 *      [secshare 32][thresh_pk 33][pubshares 33n]
 *      [inv: secshare 32][inv: pubshare 33][inv: enc_secshare 32][pads 32n]
 * The msg head in front of eq_input makes the CertEq message contiguous.
 */
struct playout {
	size_t hpk, pubnonce, com0, head, eq, secshare, tpk, pubshares;
	size_t inv_secshare, inv_pubshare, inv_enc, pads, total;
};

static void playout_get(struct playout *l, uint32_t n, uint32_t t)
{
	size_t o = 0;

	l->hpk = o;		o += 33 * (size_t)n;
	l->pubnonce = o;	o += 33;
	l->com0 = o;		o += 33;
	l->head = o;		o += MSG_HEAD_LEN;
	l->eq = o;		o += mpc_dkg_eq_input_len(n, t);
	l->secshare = o;	o += 32;
	l->tpk = o;		o += 33;
	l->pubshares = o;	o += 33 * (size_t)n;
	l->inv_secshare = o;	o += 32;
	l->inv_pubshare = o;	o += 33;
	l->inv_enc = o;		o += 32;
	l->pads = o;		o += 32 * (size_t)n;
	l->total = o;
}

void mpc_dkg_pstate_clear(struct mpc_dkg_pstate *st)
{
	if (!st)
		return;
	if (st->buf)
		mpc_free_sensitive(st->buf, st->buflen);
	memzero_explicit(st, sizeof(*st));
}

/* n <= 2^32-1 holds by type; all sizes fit a 64-bit size_t. */
static int dims_ok(uint32_t n, uint32_t t)
{
	return sizeof(size_t) >= 8 && t <= n;
}

/* ---- participant step 1 ---- */

static int derive_scalar_checked(mpc_scalar *r, const char *tag, size_t taglen,
				 const uint8_t seed[32], const uint8_t *extra, size_t extralen)
{
	struct mpc_sha256 h;
	uint8_t out[32];
	int ok;

	tagged_init(&h, tag, taglen);
	mpc_sha256_update(&h, seed, 32);
	if (extralen)
		mpc_sha256_update(&h, extra, extralen);
	mpc_sha256_final(&h, out);
	ok = mpc_scalar_set_b32(r, out);
	memzero_explicit(out, sizeof(out));
	return ok;
}

int mpc_dkg_participant_step1(struct mpc_dkg_pstate *st, uint8_t *pmsg1, size_t pmsg1_len,
			      const uint8_t hostseckey[32], const struct mpc_dkg_params *p,
			      const uint8_t random[32], struct mpc_dkg_error *err)
{
	struct mpc_sha256 h;
	struct playout l;
	mpc_scalar sk, secnonce, share, pad, x;
	mpc_scalar *coeffs = NULL;
	mpc_ge enckey;
	uint8_t pub[33], seed[32], aux[32], tb[4], idb[4], rnd_or = 0;
	uint8_t *pubnonce;
	uint32_t id, n, t, i, j;
	int ret, ok = 1;

	err_init(err);
	if (!st || !pmsg1 || !hostseckey || !p || !random || st->stage != ST_EMPTY)
		return fail(err, st && st->stage != ST_EMPTY ? MPC_DKG_ERR_STATE :
			    MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	if (!hostkey_load(&sk, pub, hostseckey)) {
		mpc_scalar_clear(&sk);
		return fail(err, MPC_DKG_ERR_HOST_SECKEY, MPC_DKG_R_HOSTSECKEY_INVALID,
			    MPC_DKG_NOBODY);
	}
	ret = mpc_dkg_params_validate(p, err);
	if (ret)
		goto out_sk;
	n = p->n;
	t = p->t;
	if (!find_hostpubkey(p->hostpubkeys, n, pub, &id)) {
		ret = fail(err, MPC_DKG_ERR_HOST_SECKEY, MPC_DKG_R_HOSTSECKEY_NO_MATCH,
			   MPC_DKG_NOBODY);
		goto out_sk;
	}
	for (i = 0; i < 32; i++)
		rnd_or |= random[i];
	mpc_declassify(&rnd_or, 1);	/* all-zero randomness is an error */
	if (!rnd_or) {
		ret = fail(err, MPC_DKG_ERR_RANDOMNESS, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
		goto out_sk;
	}
	if (!dims_ok(n, t) || pmsg1_len != mpc_dkg_pmsg1_len(n, t)) {
		ret = fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
		goto out_sk;
	}
	playout_get(&l, n, t);
	st->buf = mpc_alloc(l.total);
	coeffs = mpc_alloc(sizeof(*coeffs) * (size_t)t);
	if (!st->buf || !coeffs) {
		ret = fail(err, MPC_DKG_ERR_NOMEM, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
		goto out_free;
	}
	st->buflen = l.total;
	pubnonce = st->buf + l.pubnonce;

	/* seed = H(hostseckey | random | t | hostpubkeys) */
	put_be32(tb, t);
	tagged_init(&h, TAGLEN("BIP DKG/encpedpop seed"));
	mpc_sha256_update(&h, hostseckey, 32);
	mpc_sha256_update(&h, random, 32);
	mpc_sha256_update(&h, tb, 4);
	mpc_sha256_update(&h, p->hostpubkeys, 33 * (size_t)n);
	mpc_sha256_final(&h, seed);
	tagged_init(&h, TAGLEN("BIP DKG/simplpedpop aux"));
	mpc_sha256_update(&h, seed, 32);
	mpc_sha256_final(&h, aux);
	ok &= derive_scalar_checked(&secnonce, TAGLEN("BIP DKG/encpedpop secnonce"), seed, NULL, 0);
	ok &= !mpc_scalar_is_zero(&secnonce);
	ser_gen_ct(pubnonce, &secnonce);

	/* VSS polynomial and commitment */
	for (i = 0; i < t; i++) {
		mpc_cond_resched();
		put_be32(idb, i);
		ok &= derive_scalar_checked(&coeffs[i], TAGLEN("BIP DKG/vss coeffs"), seed, idb, 4);
		ser_gen_ct(pmsg1 + 33 * (size_t)i, &coeffs[i]);
	}
	/* proof of possession of coeffs[0] for message id */
	{
		uint8_t a0[32];
		struct msgpart m[1] = { { idb, 4 } };

		put_be32(idb, id);
		mpc_scalar_get_b32(a0, &coeffs[0]);
		ok &= schnorr_sign_tagged(pmsg1 + 33 * (size_t)t, POP_PREFIX, m, 1, a0, aux);
		memzero_explicit(a0, sizeof(a0));
	}
	memcpy(pmsg1 + 33 * (size_t)t + 64, pubnonce, 33);

	/* encrypted shares f(j+1) + pad_j */
	for (j = 0; j < n; j++) {
		const uint8_t *ek = p->hostpubkeys + 33 * (size_t)j;

		mpc_cond_resched();

		mpc_scalar_set_int(&x, j + 1);
		mpc_scalar_set_int(&share, 0);
		for (i = t; i-- > 0;) {
			mpc_scalar_mul(&share, &share, &x);
			mpc_scalar_add(&share, &share, &coeffs[i]);
		}
		if (j == id) {
			self_pad(&pad, hostseckey, pubnonce, j, t, p->hostpubkeys, n);
		} else {
			mpc_ge_parse_compressed(&enckey, ek);	/* validated above */
			ecdh_pad(&pad, &secnonce, &enckey, pubnonce, ek, j, t, p->hostpubkeys, n);
		}
		mpc_scalar_add(&share, &share, &pad);
		mpc_scalar_get_b32(pmsg1 + 33 * (size_t)t + 97 + 32 * (size_t)j, &share);
		/* the encrypted share is sent */
		mpc_declassify(pmsg1 + 33 * (size_t)t + 97 + 32 * (size_t)j, 32);
	}
	mpc_declassify(&ok, sizeof(ok));	/* negligible failure, reported */
	if (!ok) {
		ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_NEGLIGIBLE, MPC_DKG_NOBODY);
		goto out_free;
	}

	memcpy(st->buf + l.hpk, p->hostpubkeys, 33 * (size_t)n);
	memcpy(st->buf + l.com0, pmsg1, 33);
	st->n = n;
	st->t = t;
	st->id = id;
	st->stage = ST_STEP1;
	ret = MPC_DKG_OK;
	goto out_wipe;

out_free:
	mpc_dkg_pstate_clear(st);
out_wipe:
	if (coeffs)
		mpc_free_sensitive(coeffs, sizeof(*coeffs) * (size_t)t);
	memzero_explicit(seed, sizeof(seed));
	memzero_explicit(aux, sizeof(aux));
	mpc_scalar_clear(&secnonce);
	mpc_scalar_clear(&share);
	mpc_scalar_clear(&pad);
	if (ret && pmsg1 && ret != MPC_DKG_ERR_INVALID_ARG)
		memzero_explicit(pmsg1, pmsg1_len);
out_sk:
	mpc_scalar_clear(&sk);
	return ret;
}

/* ---- participant step 2 ---- */

/* Parse n + (t-1) points of cmsg1 into coms (n+t entries: [0..n) coms to
 * secrets, [n] = their sum (filled later), [n+1..n+t) nonconst sums). */
int mpc_dkg_participant_step2(struct mpc_dkg_pstate *st, uint8_t pmsg2[64],
			      const uint8_t hostseckey[32], const uint8_t *cmsg1, size_t cmsg1_len,
			      const uint8_t aux_rand[32], struct mpc_dkg_error *err)
{
	struct playout l;
	struct vss_ws w = { NULL, NULL, NULL, NULL, NULL, NULL, 0 };
	mpc_scalar sk, pad, sum_pads, secshare, tweak, tmp;
	mpc_ge *coms = NULL, *sum_coms, g;
	mpc_gej acc, pubtweak;
	uint8_t pub[33], buf33[33], hb[32];
	const uint8_t *c_cts, *c_ncs, *c_pops, *c_pns, *c_ess, *hpk;
	uint8_t *eq, *b;
	uint32_t n, t, id, i;
	int ret;

	err_init(err);
	if (!st || !pmsg2 || !hostseckey || !aux_rand || !cmsg1)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	if (!hostkey_load(&sk, pub, hostseckey)) {
		mpc_scalar_clear(&sk);
		return fail(err, MPC_DKG_ERR_HOST_SECKEY, MPC_DKG_R_HOSTSECKEY_INVALID,
			    MPC_DKG_NOBODY);
	}
	if (st->stage != ST_STEP1) {
		ret = fail(err, MPC_DKG_ERR_STATE, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
		goto out_sk;
	}
	n = st->n;
	t = st->t;
	id = st->id;
	b = st->buf;
	playout_get(&l, n, t);
	hpk = b + l.hpk;
	if (memcmp(hpk + 33 * (size_t)id, pub, 33)) {
		ret = fail(err, MPC_DKG_ERR_HOST_SECKEY, MPC_DKG_R_HOSTSECKEY_NOT_STEP1,
			   MPC_DKG_NOBODY);
		goto out_sk;
	}
	if (cmsg1_len != mpc_dkg_cmsg1_len(n, t)) {
		ret = fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
		goto out_sk;
	}
	coms = mpc_alloc(sizeof(*coms) * ((size_t)n + t));
	if (!coms || !vss_ws_alloc(&w, n, t)) {
		if (coms)
			mpc_free_sensitive(coms, sizeof(*coms) * ((size_t)n + t));
		ret = fail(err, MPC_DKG_ERR_NOMEM, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
		goto out_sk;
	}
	/* From here on the step-1 state is consumed. */
	st->stage = ST_DEAD;
	sum_coms = coms + n;
	c_cts = cmsg1;
	c_ncs = c_cts + 33 * (size_t)n;
	c_pops = c_ncs + 33 * ((size_t)t - 1);
	c_pns = c_pops + 64 * (size_t)n;
	c_ess = c_pns + 33 * (size_t)n;

	/* parse */
	for (i = 0; i < n; i++) {
		if (!parse_point_inf(&coms[i], c_cts + 33 * (size_t)i)) {
			ret = fail(err, MPC_DKG_ERR_FAULTY_COORDINATOR,
				   MPC_DKG_R_INVALID_COM_TO_SECRET, MPC_DKG_NOBODY);
			goto out;
		}
	}
	for (i = 1; i < t; i++) {
		if (!parse_point_inf(&sum_coms[i], c_ncs + 33 * (size_t)(i - 1))) {
			ret = fail(err, MPC_DKG_ERR_FAULTY_COORDINATOR,
				   MPC_DKG_R_INVALID_SUM_COM_NONCONST, MPC_DKG_NOBODY);
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		if (!mpc_scalar_set_b32(&tmp, c_ess + 32 * (size_t)i)) {
			ret = fail(err, MPC_DKG_ERR_FAULTY_COORDINATOR,
				   MPC_DKG_R_INVALID_ENC_SECSHARES, MPC_DKG_NOBODY);
			goto out;
		}
	}

	/* EncPedPop: own pubnonce, then decrypt our share */
	if (memcmp(c_pns + 33 * (size_t)id, b + l.pubnonce, 33)) {
		ret = fail(err, MPC_DKG_ERR_FAULTY_COORDINATOR, MPC_DKG_R_WRONG_PUBNONCE,
			   MPC_DKG_NOBODY);
		goto out;
	}
	mpc_scalar_set_int(&sum_pads, 0);
	for (i = 0; i < n; i++) {
		const uint8_t *pn = c_pns + 33 * (size_t)i;

		mpc_cond_resched();
		if (i == id) {
			self_pad(&pad, hostseckey, pn, id, t, hpk, n);
		} else {
			if (!mpc_ge_parse_compressed(&g, pn)) {
				ret = fail(err, MPC_DKG_ERR_FAULTY_PARTICIPANT_OR_COORDINATOR,
					   MPC_DKG_R_INVALID_PUBNONCE, i);
				goto out;
			}
			ecdh_pad(&pad, &sk, &g, pn, hpk + 33 * (size_t)id, id, t, hpk, n);
		}
		mpc_scalar_get_b32(b + l.pads + 32 * (size_t)i, &pad);
		mpc_scalar_add(&sum_pads, &sum_pads, &pad);
	}
	mpc_scalar_set_b32(&secshare, c_ess + 32 * (size_t)id);
	memcpy(b + l.inv_enc, c_ess + 32 * (size_t)id, 32);
	mpc_scalar_negate(&sum_pads, &sum_pads);
	mpc_scalar_add(&secshare, &secshare, &sum_pads);

	/* SimplPedPop */
	if (memcmp(c_cts + 33 * (size_t)id, b + l.com0, 33)) {
		ret = fail(err, MPC_DKG_ERR_FAULTY_COORDINATOR,
			   MPC_DKG_R_UNEXPECTED_COM_TO_SECRET, MPC_DKG_NOBODY);
		goto out;
	}
	/* the first i != id with an infinite commitment or an invalid pop */
	{
		struct bv_src src = { BV_POP, c_pops, id, coms, NULL, NULL, NULL, 0 };
		uint32_t lim, bad;

		for (lim = 0; lim < n; lim++)
			if (lim != id && mpc_ge_is_infinity(&coms[lim]))
				break;
		bad = bv_first_invalid(&src, lim);
		if (bad < lim) {
			ret = fail(err, MPC_DKG_ERR_FAULTY_PARTICIPANT_OR_COORDINATOR,
				   MPC_DKG_R_INVALID_POP, bad);
			goto out;
		}
		if (lim < n) {
			ret = fail(err, MPC_DKG_ERR_FAULTY_PARTICIPANT_OR_COORDINATOR,
				   MPC_DKG_R_INVALID_COMMITMENT, lim);
			goto out;
		}
	}
	mpc_gej_set_infinity(&acc);
	for (i = 0; i < n; i++)
		gej_add_ge(&acc, &coms[i]);
	if (mpc_gej_is_infinity(&acc)) {
		ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_INFINITY, MPC_DKG_NOBODY);
		goto out;
	}
	mpc_ge_set_gej_var(&sum_coms[0], &acc);

	/* eq_input = t | sum_coms | hostpubkeys | pubnonces | enc_secshares */
	eq = b + l.eq;
	put_be32(eq, t);
	ser_ge_inf(eq + 4, &sum_coms[0]);
	memcpy(eq + 4 + 33, c_ncs, 33 * ((size_t)t - 1));
	memcpy(eq + 4 + 33 * (size_t)t, hpk, 33 * (size_t)n);
	memcpy(eq + 4 + 33 * (size_t)t + 33 * (size_t)n, c_pns, 33 * (size_t)n);
	memcpy(eq + 4 + 33 * (size_t)t + 66 * (size_t)n, c_ess, 32 * (size_t)n);

	/* Taproot tweak: H_TapTweak(xonly(sum_coms[0])) */
	{
		mpc_fe x = sum_coms[0].x;

		mpc_fe_normalize(&x);
		mpc_fe_get_b32(hb, &x);
		mpc_tagged_hash(hb, TAGLEN("TapTweak"), hb, 32);
		if (!mpc_scalar_set_b32(&tweak, hb)) {
			ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_NEGLIGIBLE, MPC_DKG_NOBODY);
			goto out;
		}
	}
	mpc_ecmult(&pubtweak, NULL, NULL, &tweak);
	gej_add(&acc, &pubtweak);
	if (mpc_gej_is_infinity(&acc)) {
		ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_INFINITY, MPC_DKG_NOBODY);
		goto out;
	}

	/* All pubshares, untweaked; verify our share against ours (equivalent). */
	vss_eval_all_var(&w, sum_coms, t, n);
	mpc_ecmult_gen(&acc, &secshare);
	mpc_ge_set_gej(&g, &acc);
	ser_ge_ct(buf33, &g);	/* secshare*G, public if valid */
	ser_ge_inf(b + l.inv_pubshare, &w.ge[id]);
	{
		/* share check: secshare*G == pubshare, 0*G == infinity (negligible) */
		int zero = mpc_scalar_is_zero(&secshare);
		int same = !mpc_memneq(buf33, b + l.inv_pubshare, 33);
		int good = (same & !zero) | (zero & is_zero33(b + l.inv_pubshare));

		mpc_declassify(&good, sizeof(good));	/* the outcome is public */
		if (good)
			goto share_ok;
		mpc_scalar_get_b32(b + l.inv_secshare, &secshare);
		st->stage = ST_INVESTIGATE;
		ret = fail(err, MPC_DKG_ERR_UNKNOWN_FAULTY_PARTICIPANT_OR_COORDINATOR,
			   MPC_DKG_R_INVALID_SECSHARE, MPC_DKG_NOBODY);
		goto out;
	}
share_ok:
	/* tweaked outputs */
	mpc_gej_set_ge(&acc, &sum_coms[0]);
	gej_add(&acc, &pubtweak);
	mpc_ge_set_gej_var(&sum_coms[0], &acc);
	mpc_scalar_add(&secshare, &secshare, &tweak);
	mpc_scalar_get_b32(b + l.secshare, &secshare);
	ser_ge_inf(b + l.tpk, &sum_coms[0]);
	for (i = 0; i < n; i++) {
		mpc_gej_set_ge(&w.vals[i], &w.ge[i]);
		gej_add(&w.vals[i], &pubtweak);
	}
	mpc_ge_set_all_gej_var(w.ge, w.vals, n);
	if (!vss_ser_all_var(b + l.pubshares, 33, w.ge, n)) {
		ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_INFINITY, MPC_DKG_NOBODY);
		goto out;
	}

	/* CertEq: sign the transcript */
	if (!certeq_sign(pmsg2, CERTEQ_TAG, hostseckey, id, eq, mpc_dkg_eq_input_len(n, t),
			 aux_rand)) {
		ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_NEGLIGIBLE, MPC_DKG_NOBODY);
		goto out;
	}
	memzero_explicit(b + l.pads, 32 * (size_t)n);
	memzero_explicit(b + l.inv_enc, 32);
	st->stage = ST_STEP2;
	ret = MPC_DKG_OK;
out:
	if (ret != MPC_DKG_OK && st->stage == ST_DEAD) {
		/* wipe secrets of a dead state right away */
		memzero_explicit(b + l.secshare, 32);
		memzero_explicit(b + l.pads, 32 * (size_t)n);
	}
	if (coms)
		mpc_free_sensitive(coms, sizeof(*coms) * ((size_t)n + t));
	vss_ws_free(&w);
	mpc_scalar_clear(&pad);
	mpc_scalar_clear(&sum_pads);
	mpc_scalar_clear(&secshare);
	mpc_scalar_clear(&tmp);
	mpc_gej_clear(&acc);
	mpc_ge_clear(&g);
	memzero_explicit(buf33, sizeof(buf33));
out_sk:
	mpc_scalar_clear(&sk);
	return ret;
}

/* ---- participant finalize / investigate ---- */

static int output_check(const struct mpc_dkg_output *out, uint32_t n)
{
	return out && out->pubshares && out->pubshares_len == 33 * (size_t)n;
}

int mpc_dkg_participant_finalize(struct mpc_dkg_pstate *st, const uint8_t *cmsg2, size_t cmsg2_len,
				 struct mpc_dkg_output *out, uint8_t *recovery_data, size_t rd_len,
				 struct mpc_dkg_error *err)
{
	struct playout l;
	size_t elen;
	uint32_t n, bad;

	err_init(err);
	if (!st || !cmsg2)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	if (st->stage != ST_STEP2)
		return fail(err, MPC_DKG_ERR_STATE, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	n = st->n;
	playout_get(&l, n, st->t);
	elen = mpc_dkg_eq_input_len(n, st->t);
	if (cmsg2_len != mpc_dkg_cmsg2_len(n) || !output_check(out, n) || !recovery_data ||
	    rd_len != elen + cmsg2_len)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	bad = certeq_verify_var(st->buf + l.hpk, n, st->buf + l.eq, elen, cmsg2);
	if (bad != n)
		return fail(err, MPC_DKG_ERR_FAULTY_COORDINATOR, MPC_DKG_R_CERT_SIG_BY_COORDINATOR,
			    MPC_DKG_NOBODY);
	memcpy(out->secshare, st->buf + l.secshare, 32);
	memcpy(out->thresh_pk, st->buf + l.tpk, 33);
	memcpy(out->pubshares, st->buf + l.pubshares, 33 * (size_t)n);
	memcpy(recovery_data, st->buf + l.eq, elen);
	memcpy(recovery_data + elen, cmsg2, cmsg2_len);
	st->stage = ST_DONE;
	return MPC_DKG_OK;
}

int mpc_dkg_participant_investigate(struct mpc_dkg_pstate *st, const uint8_t *cinv, size_t cinv_len,
				    struct mpc_dkg_error *err)
{
	struct playout l;
	mpc_scalar s, sum, pad;
	mpc_ge g, *pps = NULL;
	mpc_gej acc, pj;
	uint8_t buf33[33];
	uint32_t n, id, i;
	int ret;

	err_init(err);
	if (!st || !cinv)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	if (st->stage != ST_INVESTIGATE)
		return fail(err, MPC_DKG_ERR_STATE, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	n = st->n;
	id = st->id;
	playout_get(&l, n, st->t);
	if (cinv_len != mpc_dkg_cinv_len(n))
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	pps = mpc_alloc(sizeof(*pps) * (size_t)n);
	if (!pps)
		return fail(err, MPC_DKG_ERR_NOMEM, MPC_DKG_R_NONE, MPC_DKG_NOBODY);

	mpc_scalar_set_int(&sum, 0);
	for (i = 0; i < n; i++) {
		if (!mpc_scalar_set_b32(&s, cinv + 32 * (size_t)i)) {
			ret = fail(err, MPC_DKG_ERR_FAULTY_COORDINATOR,
				   MPC_DKG_R_INVALID_ENC_PARTIAL_SECSHARE, MPC_DKG_NOBODY);
			goto out;
		}
		mpc_scalar_add(&sum, &sum, &s);
	}
	mpc_gej_set_infinity(&acc);
	for (i = 0; i < n; i++) {
		if (!parse_point_inf(&pps[i], cinv + 32 * (size_t)n + 33 * (size_t)i)) {
			ret = fail(err, MPC_DKG_ERR_FAULTY_COORDINATOR,
				   MPC_DKG_R_INVALID_PARTIAL_PUBSHARE, MPC_DKG_NOBODY);
			goto out;
		}
		gej_add_ge(&acc, &pps[i]);
	}
	ser_gej_inf_var(buf33, &acc);
	if (memcmp(buf33, st->buf + l.inv_pubshare, 33)) {
		ret = fail(err, MPC_DKG_ERR_FAULTY_COORDINATOR, MPC_DKG_R_PARTIAL_PUBSHARE_SUM,
			   MPC_DKG_NOBODY);
		goto out;
	}
	/* sum(partial) == secshare  <=>  sum(enc_partial) == enc_secshare (public) */
	mpc_scalar_set_b32(&s, st->buf + l.inv_enc);
	if (!mpc_scalar_eq(&s, &sum)) {
		ret = fail(err, MPC_DKG_ERR_FAULTY_COORDINATOR, MPC_DKG_R_ENC_PARTIAL_SECSHARE_SUM,
			   MPC_DKG_NOBODY);
		goto out;
	}
	for (i = 0; i < n; i++) {
		int ok;

		mpc_cond_resched();
		mpc_scalar_set_b32(&s, cinv + 32 * (size_t)i);
		mpc_scalar_set_b32(&pad, st->buf + l.pads + 32 * (size_t)i);
		mpc_scalar_negate(&pad, &pad);
		mpc_scalar_add(&s, &s, &pad);
		if (mpc_scalar_is_zero(&s)) {
			ok = mpc_ge_is_infinity(&pps[i]);
		} else {
			mpc_ecmult_gen(&pj, &s);
			mpc_ge_set_gej(&g, &pj);
			mpc_ge_serialize_compressed(buf33, &g);
			ok = !mpc_memneq(buf33, cinv + 32 * (size_t)n + 33 * (size_t)i, 33);
		}
		if (!ok) {
			if (i != id)
				ret = fail(err, MPC_DKG_ERR_FAULTY_PARTICIPANT_OR_COORDINATOR,
					   MPC_DKG_R_PARTIAL_SECSHARE, i);
			else
				ret = fail(err, MPC_DKG_ERR_FAULTY_COORDINATOR,
					   MPC_DKG_R_FIDDLED_OWN_SHARE, MPC_DKG_NOBODY);
			goto out;
		}
	}
	ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_CONSISTENT, MPC_DKG_NOBODY);
out:
	mpc_free_sensitive(pps, sizeof(*pps) * (size_t)n);
	mpc_scalar_clear(&s);
	mpc_scalar_clear(&pad);
	mpc_gej_clear(&pj);
	mpc_ge_clear(&g);
	return ret;
}

/* ---- recovery data ---- */

int mpc_dkg_recovery_data_dims(const uint8_t *rd, size_t len, uint32_t *n, uint32_t *t)
{
	uint64_t tt, rest;

	if (!rd || len < 4)
		return 0;
	tt = get_be32(rd);
	if ((uint64_t)len - 4 < 33 * tt)
		return 0;
	rest = (uint64_t)len - 4 - 33 * tt;
	if (rest % 162 || rest / 162 > 0xffffffffu)
		return 0;
	*t = (uint32_t)tt;
	*n = (uint32_t)(rest / 162);
	return 1;
}

/*
 * Deserialize recovery data as the reference does; fills t, n and, if
 * sum_coms is non-NULL (t entries), the commitment points. Returns 1 if ok.
 */
static int rd_deserialize(const uint8_t *rd, size_t len, uint32_t *n, uint32_t *t,
			  mpc_ge *sum_coms)
{
	mpc_scalar s;
	mpc_ge g;
	uint32_t i;
	const uint8_t *ess;

	if (!mpc_dkg_recovery_data_dims(rd, len, n, t))
		return 0;
	for (i = 0; i < *t; i++)
		if (!parse_point_inf(sum_coms ? &sum_coms[i] : &g, rd + 4 + 33 * (size_t)i))
			return 0;
	ess = rd + 4 + 33 * (size_t)*t + 66 * (size_t)*n;
	for (i = 0; i < *n; i++)
		if (!mpc_scalar_set_b32(&s, ess + 32 * (size_t)i))
			return 0;
	return 1;
}

static int recover(struct mpc_dkg_output *out, struct mpc_dkg_params *params_out,
		   const uint8_t *hostseckey, const uint8_t *rd, size_t rd_len,
		   struct mpc_dkg_error *err)
{
	struct mpc_dkg_params p;
	struct vss_ws w = { NULL, NULL, NULL, NULL, NULL, NULL, 0 };
	mpc_scalar sk, s, pad, tweak;
	mpc_ge *coms = NULL, g;
	mpc_gej acc, pubtweak, pj;
	uint8_t hb[32], pub[33], buf33[33];
	const uint8_t *hpk, *pns, *ess;
	uint32_t n, t, i, id;
	size_t elen;
	int ret, bad;

	err_init(err);
	if (!out || !rd)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	/* n, t first: the allocation is sized from them */
	if (!mpc_dkg_recovery_data_dims(rd, rd_len, &n, &t))
		return fail(err, MPC_DKG_ERR_RECOVERY_DATA, MPC_DKG_R_RD_DESERIALIZE,
			    MPC_DKG_NOBODY);
	coms = mpc_alloc(sizeof(*coms) * ((size_t)t + 1));
	if (!coms)
		return fail(err, MPC_DKG_ERR_NOMEM, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	if (!rd_deserialize(rd, rd_len, &n, &t, coms)) {
		ret = fail(err, MPC_DKG_ERR_RECOVERY_DATA, MPC_DKG_R_RD_DESERIALIZE,
			   MPC_DKG_NOBODY);
		goto out;
	}
	hpk = rd + 4 + 33 * (size_t)t;
	pns = hpk + 33 * (size_t)n;
	ess = pns + 33 * (size_t)n;
	p.hostpubkeys = hpk;
	p.n = n;
	p.t = t;
	if (mpc_dkg_params_validate(&p, NULL)) {
		ret = fail(err, MPC_DKG_ERR_RECOVERY_DATA, MPC_DKG_R_RD_PARAMS, MPC_DKG_NOBODY);
		goto out;
	}
	elen = mpc_dkg_eq_input_len(n, t);
	if (certeq_verify_var(hpk, n, rd, elen, rd + elen) != n) {
		ret = fail(err, MPC_DKG_ERR_RECOVERY_DATA, MPC_DKG_R_RD_CERT, MPC_DKG_NOBODY);
		goto out;
	}
	if (!output_check(out, n)) {
		ret = fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
		goto out;
	}
	if (mpc_ge_is_infinity(&coms[0])) {
		ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_INFINITY, MPC_DKG_NOBODY);
		goto out;
	}
	{
		mpc_fe x = coms[0].x;

		mpc_fe_normalize(&x);
		mpc_fe_get_b32(hb, &x);
		mpc_tagged_hash(hb, TAGLEN("TapTweak"), hb, 32);
		if (!mpc_scalar_set_b32(&tweak, hb)) {
			ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_NEGLIGIBLE, MPC_DKG_NOBODY);
			goto out;
		}
	}
	mpc_ecmult(&pubtweak, NULL, NULL, &tweak);
	mpc_gej_set_ge(&acc, &coms[0]);
	gej_add(&acc, &pubtweak);
	if (mpc_gej_is_infinity(&acc)) {
		ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_INFINITY, MPC_DKG_NOBODY);
		goto out;
	}
	mpc_ge_set_gej_var(&coms[0], &acc);
	ser_ge_inf(out->thresh_pk, &coms[0]);
	if (!vss_ws_alloc(&w, n, t)) {
		ret = fail(err, MPC_DKG_ERR_NOMEM, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
		goto out;
	}
	vss_eval_all_var(&w, coms, t, n);
	i = vss_ser_all_var(out->pubshares, 33, w.ge, n);
	vss_ws_free(&w);
	if (!i) {
		ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_INFINITY, MPC_DKG_NOBODY);
		goto out;
	}
	memset(out->secshare, 0, 32);

	if (hostseckey) {
		if (!hostkey_load(&sk, pub, hostseckey)) {
			ret = fail(err, MPC_DKG_ERR_HOST_SECKEY, MPC_DKG_R_HOSTSECKEY_INVALID,
				   MPC_DKG_NOBODY);
			goto out_sk;
		}
		if (!find_hostpubkey(hpk, n, pub, &id)) {
			ret = fail(err, MPC_DKG_ERR_HOST_SECKEY, MPC_DKG_R_HOSTSECKEY_NO_MATCH_RD,
				   MPC_DKG_NOBODY);
			goto out_sk;
		}
		mpc_scalar_set_b32(&s, ess + 32 * (size_t)id);
		for (i = 0; i < n; i++) {
			const uint8_t *pn = pns + 33 * (size_t)i;

			mpc_cond_resched();
			if (i == id) {
				self_pad(&pad, hostseckey, pn, id, t, hpk, n);
			} else {
				if (!mpc_ge_parse_compressed(&g, pn)) {
					/* certified transcript with an invalid nonce */
					ret = fail(err, MPC_DKG_ERR_RECOVERY_DATA,
						   MPC_DKG_R_INVALID_PUBNONCE, i);
					goto out_sk;
				}
				ecdh_pad(&pad, &sk, &g, pn, hpk + 33 * (size_t)id, id, t, hpk, n);
			}
			mpc_scalar_negate(&pad, &pad);
			mpc_scalar_add(&s, &s, &pad);
		}
		mpc_scalar_add(&s, &s, &tweak);
		/* sanity check against our pubshare */
		mpc_ecmult_gen(&pj, &s);
		mpc_ge_set_gej(&g, &pj);
		ser_ge_ct(buf33, &g);
		bad = mpc_scalar_is_zero(&s) |
		      (mpc_memneq(buf33, out->pubshares + 33 * (size_t)id, 33) != 0);
		mpc_declassify(&bad, sizeof(bad));	/* the outcome is public */
		if (bad) {
			ret = fail(err, MPC_DKG_ERR_RECOVERY_DATA, MPC_DKG_R_RD_INCONSISTENT,
				   MPC_DKG_NOBODY);
			goto out_sk;
		}
		mpc_scalar_get_b32(out->secshare, &s);
	}
	if (params_out)
		*params_out = p;
	ret = MPC_DKG_OK;
out_sk:
	mpc_scalar_clear(&sk);
	mpc_scalar_clear(&s);
	mpc_scalar_clear(&pad);
	mpc_gej_clear(&pj);
	mpc_ge_clear(&g);
	if (ret)
		memzero_explicit(out->secshare, 32);
out:
	mpc_free_sensitive(coms, sizeof(*coms) * ((size_t)t + 1));
	return ret;
}

int mpc_dkg_participant_recover(struct mpc_dkg_output *out, struct mpc_dkg_params *params_out,
				const uint8_t hostseckey[32], const uint8_t *recovery_data,
				size_t rd_len, struct mpc_dkg_error *err)
{
	if (!hostseckey) {
		err_init(err);
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	}
	return recover(out, params_out, hostseckey, recovery_data, rd_len, err);
}

int mpc_dkg_coordinator_recover(struct mpc_dkg_output *out, struct mpc_dkg_params *params_out,
				const uint8_t *recovery_data, size_t rd_len,
				struct mpc_dkg_error *err)
{
	return recover(out, params_out, NULL, recovery_data, rd_len, err);
}

/* Recovery data must deserialize and match params exactly. */
static int rd_match_params(const uint8_t *rd, size_t rd_len, const struct mpc_dkg_params *p,
			   struct mpc_dkg_error *err)
{
	uint32_t n, t;

	if (!rd || !rd_deserialize(rd, rd_len, &n, &t, NULL))
		return fail(err, MPC_DKG_ERR_RECOVERY_DATA, MPC_DKG_R_RD_DESERIALIZE,
			    MPC_DKG_NOBODY);
	if (t != p->t || n != p->n ||
	    memcmp(rd + 4 + 33 * (size_t)t, p->hostpubkeys, 33 * (size_t)n))
		return fail(err, MPC_DKG_ERR_RECOVERY_DATA, MPC_DKG_R_RD_MISMATCH, MPC_DKG_NOBODY);
	return MPC_DKG_OK;
}

int mpc_dkg_participant_recovery_ack_sign(uint8_t sig[64], const uint8_t hostseckey[32],
					  const uint8_t *recovery_data, size_t rd_len,
					  const struct mpc_dkg_params *p, const uint8_t aux_rand[32],
					  struct mpc_dkg_error *err)
{
	mpc_scalar sk;
	uint8_t pub[33];
	uint32_t id;
	int ret;

	err_init(err);
	if (!sig || !hostseckey || !aux_rand)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	if (!hostkey_load(&sk, pub, hostseckey)) {
		ret = fail(err, MPC_DKG_ERR_HOST_SECKEY, MPC_DKG_R_HOSTSECKEY_INVALID,
			   MPC_DKG_NOBODY);
		goto out;
	}
	ret = mpc_dkg_params_validate(p, err);
	if (ret)
		goto out;
	if (!find_hostpubkey(p->hostpubkeys, p->n, pub, &id)) {
		ret = fail(err, MPC_DKG_ERR_HOST_SECKEY, MPC_DKG_R_HOSTSECKEY_NO_MATCH,
			   MPC_DKG_NOBODY);
		goto out;
	}
	ret = rd_match_params(recovery_data, rd_len, p, err);
	if (ret)
		goto out;
	if (!certeq_sign(sig, RECACK_TAG, hostseckey, id, recovery_data, rd_len, aux_rand))
		ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_NEGLIGIBLE, MPC_DKG_NOBODY);
out:
	mpc_scalar_clear(&sk);
	return ret;
}

int mpc_dkg_participant_recovery_acks_verify(const uint8_t *recovery_data, size_t rd_len,
					     const struct mpc_dkg_params *p,
					     const uint8_t *const *acks, const size_t *acks_len,
					     size_t count, struct mpc_dkg_error *err)
{
	uint32_t i;
	int ret;

	ret = mpc_dkg_params_validate(p, err);
	if (ret)
		return ret;
	if (!acks || !acks_len || count != p->n)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	ret = rd_match_params(recovery_data, rd_len, p, err);
	if (ret)
		return ret;
	for (i = 0; i < p->n; i++) {
		mpc_cond_resched();
		if (!acks[i] || acks_len[i] != MPC_DKG_RECOVERY_ACK_LEN)
			return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
		if (!certeq_verify_one_var(acks[i], RECACK_TAG, p->hostpubkeys + 33 * (size_t)i,
					   i, recovery_data, rd_len))
			return fail(err, MPC_DKG_ERR_INVALID_RECOVERY_ACK,
				    MPC_DKG_R_INVALID_RECOVERY_ACK, i);
	}
	return MPC_DKG_OK;
}

/* ---- coordinator ---- */

/* buf: [hostpubkeys inside eq_input...]: [head 37][eq_input][thresh_pk 33][pubshares 33n] */
struct clayout {
	size_t eq, tpk, pubshares, total;
};

static void clayout_get(struct clayout *l, uint32_t n, uint32_t t)
{
	l->eq = MSG_HEAD_LEN;
	l->tpk = l->eq + mpc_dkg_eq_input_len(n, t);
	l->pubshares = l->tpk + 33;
	l->total = l->pubshares + 33 * (size_t)n;
}

void mpc_dkg_cstate_clear(struct mpc_dkg_cstate *st)
{
	if (!st)
		return;
	if (st->buf)
		mpc_free_sensitive(st->buf, st->buflen);
	memzero_explicit(st, sizeof(*st));
}

/* Parse the VSS commitment of a pmsg1 (t points) into coms; 1 if ok. */
static int pmsg1_parse(mpc_ge *coms, const uint8_t *pmsg, uint32_t n, uint32_t t,
		       uint32_t *reason)
{
	mpc_scalar s;
	uint32_t j;

	for (j = 0; j < t; j++) {
		if (!parse_point_inf(&coms[j], pmsg + 33 * (size_t)j)) {
			*reason = MPC_DKG_R_INVALID_VSS_COMMITMENT;
			return 0;
		}
	}
	for (j = 0; j < n; j++) {
		if (!mpc_scalar_set_b32(&s, pmsg + 33 * (size_t)t + 97 + 32 * (size_t)j)) {
			*reason = MPC_DKG_R_INVALID_ENC_SHARE;
			return 0;
		}
	}
	return 1;
}

int mpc_dkg_coordinator_step1(struct mpc_dkg_cstate *st, uint8_t *cmsg1, size_t cmsg1_len,
			      const uint8_t *const *pmsgs1, const size_t *pmsgs1_len, size_t count,
			      const struct mpc_dkg_params *p, struct mpc_dkg_error *err)
{
	struct clayout l;
	struct vss_ws w = { NULL, NULL, NULL, NULL, NULL, NULL, 0 };
	mpc_ge *coms = NULL;
	mpc_gej *sums = NULL, pj;
	mpc_scalar *ess = NULL, s;
	uint8_t *c_cts, *c_ncs, *c_pops, *c_pns, *c_ess, *eq, hb[32];
	uint32_t n, t, i, j, reason;
	int ret;

	err_init(err);
	if (!st || st->stage != ST_EMPTY)
		return fail(err, st ? MPC_DKG_ERR_STATE : MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE,
			    MPC_DKG_NOBODY);
	ret = mpc_dkg_params_validate(p, err);
	if (ret)
		return ret;
	n = p->n;
	t = p->t;
	if (!pmsgs1 || !pmsgs1_len || count != n || !cmsg1 || !dims_ok(n, t) ||
	    cmsg1_len != mpc_dkg_cmsg1_len(n, t))
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	clayout_get(&l, n, t);
	coms = mpc_alloc(sizeof(*coms) * (size_t)t);
	sums = mpc_alloc(sizeof(*sums) * (size_t)t);
	ess = mpc_alloc(sizeof(*ess) * (size_t)n);
	st->buf = mpc_alloc(l.total);
	if (!coms || !sums || !ess || !st->buf || !vss_ws_alloc(&w, n, t)) {
		ret = fail(err, MPC_DKG_ERR_NOMEM, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
		goto fail_state;
	}
	st->buflen = l.total;
	c_cts = cmsg1;
	c_ncs = c_cts + 33 * (size_t)n;
	c_pops = c_ncs + 33 * ((size_t)t - 1);
	c_pns = c_pops + 64 * (size_t)n;
	c_ess = c_pns + 33 * (size_t)n;

	for (j = 0; j < t; j++)
		mpc_gej_set_infinity(&sums[j]);
	for (i = 0; i < n; i++)
		mpc_scalar_set_int(&ess[i], 0);
	for (i = 0; i < n; i++) {
		const uint8_t *pm = pmsgs1[i];

		if (!pm || pmsgs1_len[i] != mpc_dkg_pmsg1_len(n, t)) {
			ret = fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, i);
			goto fail_state;
		}
		if (!pmsg1_parse(coms, pm, n, t, &reason)) {
			ret = fail(err, MPC_DKG_ERR_FAULTY_PARTICIPANT, reason, i);
			goto fail_state;
		}
		for (j = 0; j < t; j++)
			gej_add_ge(&sums[j], &coms[j]);
		memcpy(c_cts + 33 * (size_t)i, pm, 33);
		memcpy(c_pops + 64 * (size_t)i, pm + 33 * (size_t)t, 64);
		memcpy(c_pns + 33 * (size_t)i, pm + 33 * (size_t)t + 64, 33);
		for (j = 0; j < n; j++) {
			mpc_scalar_set_b32(&s, pm + 33 * (size_t)t + 97 + 32 * (size_t)j);
			mpc_scalar_add(&ess[j], &ess[j], &s);
		}
	}
	mpc_ge_set_all_gej_var(coms, sums, t);
	for (j = 1; j < t; j++)
		ser_ge_inf(c_ncs + 33 * (size_t)(j - 1), &coms[j]);
	for (i = 0; i < n; i++)
		mpc_scalar_get_b32(c_ess + 32 * (size_t)i, &ess[i]);

	/* eq_input */
	eq = st->buf + l.eq;
	put_be32(eq, t);
	ser_ge_inf(eq + 4, &coms[0]);
	memcpy(eq + 4 + 33, c_ncs, 33 * ((size_t)t - 1));
	memcpy(eq + 4 + 33 * (size_t)t, p->hostpubkeys, 33 * (size_t)n);
	memcpy(eq + 4 + 33 * (size_t)t + 33 * (size_t)n, c_pns, 33 * (size_t)n);
	memcpy(eq + 4 + 33 * (size_t)t + 66 * (size_t)n, c_ess, 32 * (size_t)n);

	/* output: tweaked sum commitment */
	if (mpc_gej_is_infinity(&sums[0])) {
		ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_INFINITY, MPC_DKG_NOBODY);
		goto fail_state;
	}
	{
		mpc_fe x = coms[0].x;

		mpc_fe_normalize(&x);
		mpc_fe_get_b32(hb, &x);
		mpc_tagged_hash(hb, TAGLEN("TapTweak"), hb, 32);
		if (!mpc_scalar_set_b32(&s, hb)) {
			ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_NEGLIGIBLE, MPC_DKG_NOBODY);
			goto fail_state;
		}
	}
	mpc_ecmult(&pj, NULL, NULL, &s);
	gej_add_ge(&pj, &coms[0]);
	if (mpc_gej_is_infinity(&pj)) {
		ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_INFINITY, MPC_DKG_NOBODY);
		goto fail_state;
	}
	mpc_ge_set_gej_var(&coms[0], &pj);
	ser_ge_inf(st->buf + l.tpk, &coms[0]);
	vss_eval_all_var(&w, coms, t, n);
	if (!vss_ser_all_var(st->buf + l.pubshares, 33, w.ge, n)) {
		ret = fail(err, MPC_DKG_ERR_INTERNAL, MPC_DKG_R_INFINITY, MPC_DKG_NOBODY);
		goto fail_state;
	}
	st->n = n;
	st->t = t;
	st->stage = CST_STEP1;
	ret = MPC_DKG_OK;
	goto out;
fail_state:
	mpc_dkg_cstate_clear(st);
out:
	if (coms)
		mpc_free_sensitive(coms, sizeof(*coms) * (size_t)t);
	if (sums)
		mpc_free_sensitive(sums, sizeof(*sums) * (size_t)t);
	if (ess)
		mpc_free_sensitive(ess, sizeof(*ess) * (size_t)n);
	vss_ws_free(&w);
	return ret;
}

int mpc_dkg_coordinator_finalize(struct mpc_dkg_cstate *st, uint8_t *cmsg2, size_t cmsg2_len,
				 struct mpc_dkg_output *out, uint8_t *recovery_data, size_t rd_len,
				 const uint8_t *const *pmsgs2, const size_t *pmsgs2_len, size_t count,
				 struct mpc_dkg_error *err)
{
	struct clayout l;
	size_t elen;
	uint32_t n, i, bad;

	err_init(err);
	if (!st)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	if (st->stage != CST_STEP1)
		return fail(err, MPC_DKG_ERR_STATE, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	n = st->n;
	clayout_get(&l, n, st->t);
	elen = mpc_dkg_eq_input_len(n, st->t);
	if (!pmsgs2 || !pmsgs2_len || count != n)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	for (i = 0; i < n; i++)
		if (!pmsgs2[i] || pmsgs2_len[i] != MPC_DKG_PMSG2_LEN)
			return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, i);
	if (!cmsg2 || cmsg2_len != mpc_dkg_cmsg2_len(n) || !output_check(out, n) ||
	    !recovery_data || rd_len != elen + cmsg2_len)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	for (i = 0; i < n; i++)
		memcpy(cmsg2 + 64 * (size_t)i, pmsgs2[i], 64);
	bad = certeq_verify_var(st->buf + l.eq + 4 + 33 * (size_t)st->t, n, st->buf + l.eq, elen,
				cmsg2);
	if (bad != n)
		return fail(err, MPC_DKG_ERR_FAULTY_PARTICIPANT, MPC_DKG_R_CERT_SIG_BY_PARTICIPANT,
			    bad);
	memset(out->secshare, 0, 32);
	memcpy(out->thresh_pk, st->buf + l.tpk, 33);
	memcpy(out->pubshares, st->buf + l.pubshares, 33 * (size_t)n);
	memcpy(recovery_data, st->buf + l.eq, elen);
	memcpy(recovery_data + elen, cmsg2, cmsg2_len);
	return MPC_DKG_OK;
}

int mpc_dkg_coordinator_investigate(uint8_t *cinvs, size_t cinvs_len,
				    const uint8_t *const *pmsgs1, const size_t *pmsgs1_len, size_t count,
				    const struct mpc_dkg_params *p, struct mpc_dkg_error *err)
{
	struct vss_ws w = { NULL, NULL, NULL, NULL, NULL, NULL, 0 };
	mpc_ge *coms;
	size_t clen;
	uint32_t n, t, i, j, reason;

	err_init(err);
	if (!p || !pmsgs1 || !pmsgs1_len || !cinvs || count == 0 || count > 0xffffffffu)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	n = (uint32_t)count;
	t = p->t;
	if (!(t >= 1 && t <= n))
		return fail(err, MPC_DKG_ERR_THRESHOLD_OR_COUNT, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	clen = mpc_dkg_cinv_len(n);
	if (!dims_ok(n, t) || cinvs_len / clen != n || cinvs_len % clen)
		return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	coms = mpc_alloc(sizeof(*coms) * (size_t)t);
	if (!coms || !vss_ws_alloc(&w, n, t)) {
		if (coms)
			mpc_free_sensitive(coms, sizeof(*coms) * (size_t)t);
		return fail(err, MPC_DKG_ERR_NOMEM, MPC_DKG_R_NONE, MPC_DKG_NOBODY);
	}
	for (j = 0; j < n; j++) {
		const uint8_t *pm = pmsgs1[j];

		if (!pm || pmsgs1_len[j] != mpc_dkg_pmsg1_len(n, t)) {
			mpc_free_sensitive(coms, sizeof(*coms) * (size_t)t);
			vss_ws_free(&w);
			return fail(err, MPC_DKG_ERR_INVALID_ARG, MPC_DKG_R_NONE, j);
		}
		if (!pmsg1_parse(coms, pm, n, t, &reason)) {
			mpc_free_sensitive(coms, sizeof(*coms) * (size_t)t);
			vss_ws_free(&w);
			return fail(err, MPC_DKG_ERR_FAULTY_PARTICIPANT, reason, j);
		}
		for (i = 0; i < n; i++)
			memcpy(cinvs + clen * (size_t)i + 32 * (size_t)j,
			       pm + 33 * (size_t)t + 97 + 32 * (size_t)i, 32);
		/* partial pubshares f_j(i+1) for all i (infinity allowed) */
		vss_eval_all_var(&w, coms, t, n);
		vss_ser_all_var(cinvs + 32 * (size_t)n + 33 * (size_t)j, clen, w.ge, n);
	}
	mpc_free_sensitive(coms, sizeof(*coms) * (size_t)t);
	vss_ws_free(&w);
	return MPC_DKG_OK;
}

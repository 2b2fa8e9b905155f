// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * modinv.c - constant-time and variable-time modular inversion with the
 * Bernstein-Yang divstep algorithm ("Fast constant-time gcd computation and
 * modular inversion", 2019), in the half-delta variant: delta starts at 1/2
 * (we store zeta = 2*delta, starting at 1), for which 590 divsteps are
 * enough for any 256-bit modulus and input.  We do 10 batches of 62.
 *
 * One divstep on (delta, f, g), f odd:
 *   if delta > 0 and g odd:  (1 - delta, g, (g - f)/2)
 *   else:                    (1 + delta, f, (g + (g mod 2) f)/2)
 * A batch of 62 divsteps only looks at the low 62 bits of f and g and is
 * summarised by a matrix T = [u v; q r] with 2^62 [f'; g'] = T [f; g].
 * The same matrix, divided by 2^62 modulo M, updates the Bezout
 * coefficients d, e (f = d*x, g = e*x mod M): to divide by 2^62 we add the
 * multiple of M that makes the numerator divisible by 2^62 (M^-1 mod 2^62
 * is precomputed), and we add M once more for each negative input so that
 * d, e stay in (-2M, M).  At the end f = +-1 and x^-1 = d * f.
 */
#include "modinv.h"

#define M62 0x3FFFFFFFFFFFFFFFULL

typedef __int128 mpc_i128;

struct trans {
	int64_t u, v, q, r;
};

const struct mpc_modinv_info mpc_modinv_fe = {
	{ { 0x3FFFFFFEFFFFFC2FLL, 0x3FFFFFFFFFFFFFFFLL, 0x3FFFFFFFFFFFFFFFLL,
	    0x3FFFFFFFFFFFFFFFLL, 0xFF } },
	0x27C7F6E22DDACACFULL
};

const struct mpc_modinv_info mpc_modinv_sc = {
	{ { 0x3FD25E8CD0364141LL, 0x2ABB739ABD2280EELL, 0x3FFFFFFFFFFFFFEBLL,
	    0x3FFFFFFFFFFFFFFFLL, 0xFF } },
	0x34F20099AA774EC1ULL
};

void mpc_signed62_from_u64(mpc_signed62 *r, const uint64_t a[4])
{
	r->v[0] = (int64_t)(a[0] & M62);
	r->v[1] = (int64_t)((a[0] >> 62 | a[1] << 2) & M62);
	r->v[2] = (int64_t)((a[1] >> 60 | a[2] << 4) & M62);
	r->v[3] = (int64_t)((a[2] >> 58 | a[3] << 6) & M62);
	r->v[4] = (int64_t)(a[3] >> 56);
}

void mpc_signed62_to_u64(uint64_t r[4], const mpc_signed62 *a)
{
	uint64_t v0 = (uint64_t)a->v[0], v1 = (uint64_t)a->v[1], v2 = (uint64_t)a->v[2];
	uint64_t v3 = (uint64_t)a->v[3], v4 = (uint64_t)a->v[4];

	r[0] = v0 | v1 << 62;
	r[1] = v1 >> 2 | v2 << 60;
	r[2] = v2 >> 4 | v3 << 58;
	r[3] = v3 >> 6 | v4 << 56;
}

/*
 * 62 divsteps on the low bits of f, g; constant time.  Returns the new zeta.
 * One step, with odd = g mod 2 and swap = odd and zeta > 0, is written as
 *   g += (swap ? -f : f) if odd;   f += g if swap;   g /= 2
 * (when swapping, f + (g - f) = g), and the same for the matrix rows:
 *   q += (swap ? -u : u) if odd;   u += q if swap;   u *= 2  (v, r alike).
 */
static int64_t divsteps_62(int64_t zeta, uint64_t f, uint64_t g, struct trans *t)
{
	uint64_t u = 1, v = 0, q = 0, r = 1;
	uint64_t odd, swap;
	int i;

	for (i = 0; i < 62; i++) {
		odd = -(g & 1);
		swap = odd & (uint64_t)((-zeta) >> 63);
		swap = mpc_value_barrier_u64(swap);
		g += ((f ^ swap) - swap) & odd;
		q += ((u ^ swap) - swap) & odd;
		r += ((v ^ swap) - swap) & odd;
		f += g & swap;
		u += q & swap;
		v += r & swap;
		zeta = (int64_t)(((uint64_t)zeta ^ swap) - swap) + 2;
		g >>= 1;
		u <<= 1;
		v <<= 1;
	}
	t->u = (int64_t)u;
	t->v = (int64_t)v;
	t->q = (int64_t)q;
	t->r = (int64_t)r;
	return zeta;
}

/* Same, variable time: skips runs of even g at once. */
static int64_t divsteps_62_var(int64_t zeta, uint64_t f, uint64_t g, struct trans *t)
{
	uint64_t u = 1, v = 0, q = 0, r = 1, tmp;
	int i = 62;

	for (;;) {
		int z = __builtin_ctzll(g | (~0ULL << i));

		g >>= z;
		u <<= z;
		v <<= z;
		zeta += 2 * z;
		i -= z;
		if (i == 0)
			break;
		/* g odd */
		if (zeta > 0) {
			zeta = 2 - zeta;
			tmp = f;
			f = g;
			g = g - tmp;
			tmp = u;
			u = q;
			q = q - tmp;
			tmp = v;
			v = r;
			r = r - tmp;
		} else {
			zeta += 2;
			g += f;
			q += u;
			r += v;
		}
		g >>= 1;
		u <<= 1;
		v <<= 1;
		i--;
		if (i == 0)
			break;
	}
	t->u = (int64_t)u;
	t->v = (int64_t)v;
	t->q = (int64_t)q;
	t->r = (int64_t)r;
	return zeta;
}

/* (f, g) = T (f, g) / 2^62, exact. */
static void update_fg(mpc_signed62 *f, mpc_signed62 *g, const struct trans *t)
{
	const int64_t u = t->u, v = t->v, q = t->q, r = t->r;
	mpc_i128 cf, cg;
	int i;

	cf = (mpc_i128)u * f->v[0] + (mpc_i128)v * g->v[0];
	cg = (mpc_i128)q * f->v[0] + (mpc_i128)r * g->v[0];
	MPC_VERIFY_CHECK(((uint64_t)cf & M62) == 0 && ((uint64_t)cg & M62) == 0);
	cf >>= 62;
	cg >>= 62;
	for (i = 1; i < 5; i++) {
		int64_t fi = f->v[i], gi = g->v[i];

		cf += (mpc_i128)u * fi + (mpc_i128)v * gi;
		cg += (mpc_i128)q * fi + (mpc_i128)r * gi;
		f->v[i - 1] = (int64_t)((uint64_t)cf & M62);
		g->v[i - 1] = (int64_t)((uint64_t)cg & M62);
		cf >>= 62;
		cg >>= 62;
	}
	f->v[4] = (int64_t)cf;
	g->v[4] = (int64_t)cg;
}

/* (d, e) = T (d, e) / 2^62 mod M, keeping both in (-2M, M). ct. */
static void update_de(mpc_signed62 *d, mpc_signed62 *e, const struct trans *t,
		      const struct mpc_modinv_info *m)
{
	const int64_t u = t->u, v = t->v, q = t->q, r = t->r;
	int64_t sd = d->v[4] >> 63, se = e->v[4] >> 63;
	int64_t md, me;
	mpc_i128 cd, ce;
	int i;

	md = (u & sd) + (v & se);
	me = (q & sd) + (r & se);
	cd = (mpc_i128)u * d->v[0] + (mpc_i128)v * e->v[0];
	ce = (mpc_i128)q * d->v[0] + (mpc_i128)r * e->v[0];
	md -= (int64_t)((m->minv62 * (uint64_t)cd + (uint64_t)md) & M62);
	me -= (int64_t)((m->minv62 * (uint64_t)ce + (uint64_t)me) & M62);
	cd += (mpc_i128)m->modulus.v[0] * md;
	ce += (mpc_i128)m->modulus.v[0] * me;
	MPC_VERIFY_CHECK(((uint64_t)cd & M62) == 0 && ((uint64_t)ce & M62) == 0);
	cd >>= 62;
	ce >>= 62;
	for (i = 1; i < 5; i++) {
		int64_t di = d->v[i], ei = e->v[i], mi = m->modulus.v[i];

		cd += (mpc_i128)u * di + (mpc_i128)v * ei + (mpc_i128)mi * md;
		ce += (mpc_i128)q * di + (mpc_i128)r * ei + (mpc_i128)mi * me;
		d->v[i - 1] = (int64_t)((uint64_t)cd & M62);
		e->v[i - 1] = (int64_t)((uint64_t)ce & M62);
		cd >>= 62;
		ce >>= 62;
	}
	d->v[4] = (int64_t)cd;
	e->v[4] = (int64_t)ce;
}

/* r = r + (mask & M), then carry-normalize limbs 0..3 into [0, 2^62) */
static void cond_add_m(mpc_signed62 *r, int64_t mask, const struct mpc_modinv_info *m)
{
	int64_t c = 0;
	int i;

	for (i = 0; i < 5; i++) {
		int64_t x = r->v[i] + (m->modulus.v[i] & mask) + c;

		if (i < 4) {
			c = x >> 62;
			x &= (int64_t)M62;
		}
		r->v[i] = x;
	}
}

static void cond_negate(mpc_signed62 *r, int64_t mask)
{
	int64_t c = 0;
	int i;

	for (i = 0; i < 5; i++) {
		int64_t x = ((r->v[i] ^ mask) - mask) + c;

		if (i < 4) {
			c = x >> 62;
			x &= (int64_t)M62;
		}
		r->v[i] = x;
	}
}

/* d in (-2M, M), f = +-1: r = d * f mod M in [0, M) */
static void finish(mpc_signed62 *d, const mpc_signed62 *f, const struct mpc_modinv_info *m)
{
	int64_t fneg = f->v[4] >> 63;

	/* d (top limb carries the sign; make limbs canonical first) */
	cond_add_m(d, 0, m);
	cond_add_m(d, d->v[4] >> 63, m);	/* (-M, M) */
	cond_negate(d, fneg);			/* (-M, M) */
	cond_add_m(d, d->v[4] >> 63, m);	/* [0, M) */
}

void mpc_modinv64(mpc_signed62 *x, const struct mpc_modinv_info *m)
{
	mpc_signed62 d = { { 0, 0, 0, 0, 0 } }, e = { { 1, 0, 0, 0, 0 } };
	mpc_signed62 f = m->modulus, g = *x;
	struct trans t;
	int64_t zeta = 1;
	int i;

	for (i = 0; i < 10; i++) {
		zeta = divsteps_62(zeta, (uint64_t)f.v[0], (uint64_t)g.v[0], &t);
		update_de(&d, &e, &t, m);
		update_fg(&f, &g, &t);
	}
	MPC_VERIFY_CHECK((g.v[0] | g.v[1] | g.v[2] | g.v[3] | g.v[4]) == 0);
	finish(&d, &f, m);
	*x = d;
	memzero_explicit(&e, sizeof(e));
	memzero_explicit(&f, sizeof(f));
	memzero_explicit(&g, sizeof(g));
	memzero_explicit(&d, sizeof(d));
	memzero_explicit(&t, sizeof(t));
}

void mpc_modinv64_var(mpc_signed62 *x, const struct mpc_modinv_info *m)
{
	mpc_signed62 d = { { 0, 0, 0, 0, 0 } }, e = { { 1, 0, 0, 0, 0 } };
	mpc_signed62 f = m->modulus, g = *x;
	struct trans t;
	int64_t zeta = 1;

	while (g.v[0] | g.v[1] | g.v[2] | g.v[3] | g.v[4]) {
		zeta = divsteps_62_var(zeta, (uint64_t)f.v[0], (uint64_t)g.v[0], &t);
		update_de(&d, &e, &t, m);
		update_fg(&f, &g, &t);
	}
	finish(&d, &f, m);
	*x = d;
}

// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * modinv.c - x^-1 mod M for an odd 256-bit M, by the "divstep" gcd
 * iteration of D. J. Bernstein and B.-Y. Yang, "Fast constant-time gcd
 * computation and modular inversion", TCHES 2019(3).
 *
 * The mathematics used here, all from that paper:
 *
 *   divstep(delta, f, g) = (1 - delta, g, (g - f) / 2)   if delta > 0, g odd
 *                          (1 + delta, f, (g + (g mod 2) f) / 2)  otherwise
 *
 * keeps f odd and gcd(f, g) unchanged.  Theorem 11.2: from delta = 1, f odd
 * and |f|, |g| <= 2^d (d >= 46), g is 0 after floor((49 d + 57) / 17)
 * divsteps, and then f = +-gcd.  We start from f = M, g = x (d = 256), so
 * 741 divsteps always suffice; with gcd(M, x) = 1 the final f is +-1.
 *
 * Each divstep is linear in (f, g): 2 (f', g') = S (f, g) with S one of
 * [0 2; -1 1], [2 0; 0 1], [2 0; 1 1].  A run of k divsteps therefore is
 * 2^k (f_k, g_k) = T (f_0, g_0) with an integer matrix T, and the choices in
 * the run depend only on delta and on f_0, g_0 mod 2^k (the paper's
 * "jumping" idea).  Carrying the same matrices along the Bezout
 * coefficients d, e with f = d x, g = e x (mod M), starting from d = 0,
 * e = 1, ends with +-1 = d x, so x^-1 = +-d mod M.
 *
 * Our organisation of the work:
 *
 *  - big numbers are five signed radix-2^57 limbs (limbs 0..3 in
 *    [0, 2^57), limb 4 carries the sign), so a run of 57 divsteps divides
 *    by exactly one limb; 13 runs of 57 are the 741 divsteps;
 *
 *  - within a run, the rows of the matrix are not doubled at each divstep
 *    (2^i f_i = a f_0 + b g_0) but kept scaled by 2^(57 - i), i.e. halved
 *    whenever g is halved: row_f = (a, b) 2^(57 - i) is an integer, equal
 *    to (a, b) when i = 57, and a divstep does exactly the same to a row
 *    as to the number itself: swap, negate, add, halve;
 *
 *  - constant time, a run is three blocks of 19 divsteps; a block packs a
 *    number's low bits and its scaled row into one 64-bit word (below),
 *    so that one divstep is under twenty word operations on two words; the
 *    three block matrices are multiplied into the run's matrix;
 *
 *  - variable time, a run of 57 works on f and g mod 2^64 and the rows in
 *    words of their own, and takes a run of z zero bits of g as z divsteps
 *    at once; it stops after the run that makes g = 0;
 *
 *  - d and e are not kept reduced: each run adds the multiple k M of M, k
 *    in [-2^56, 2^56), that makes T (d, e) divisible by 2^57, so |d| and
 *    |e| grow by at most M/2 per run and stay below 7.5 M < 2^259; the
 *    result is reduced once at the end.
 *
 * The packed block words.  In a block of 19 divsteps the row of f scaled
 * by 2^(19 - i) is (a', b'), and we store
 *
 *   F = f_lo + 2^20 a' + 2^41 b'
 *
 * and likewise G for g, f_lo and g_lo being f_0 and g_0 mod 2^19 at the
 * start.  These are exact integers (|F| < 2^61, no field is cut out of the
 * word until the end) and a divstep acts on F and G as on f and g, the
 * halving being exact as all three parts are even.  The low part stays
 * f_lo' = (a f_lo + b g_lo) / 2^i, congruent to f_i mod 2^(19 - i): enough
 * to give the parity of g_i for i < 19.  At the end of the block
 * |f_lo'| < 2^19 and |a|, |b| <= 2^19, so the fields, 20, 21 and 23 bits
 * wide, are read back exactly after adding half of each lower field's
 * range (see unpack_row()).
 */
#include "modinv.h"

typedef __int128 mi_s128;

#define LIMB_BITS	57
#define LIMB_MASK	(((uint64_t)1 << LIMB_BITS) - 1)
#define BLOCK_STEPS	19		/* divsteps per packed block */
#define RUN_BLOCKS	3		/* 3 * 19 = 57 = LIMB_BITS */
#define RUNS		13		/* 13 * 57 = 741 divsteps (Theorem 11.2) */
#define LOW_MASK	(((uint64_t)1 << BLOCK_STEPS) - 1)
#define FIELD_A		20		/* bit offset of a' in a packed word */
#define FIELD_B		41		/* bit offset of b' */

/* n = sum w[i] 2^(57 i); w[0..3] in [0, 2^57) after every operation */
struct mi_num {
	int64_t w[5];
};

/* a run's or block's matrix: 2^k f' = ff f + fg g, 2^k g' = gf f + gg g */
struct mi_mat {
	int64_t ff, fg, gf, gg;
};

const struct mpc_modinv_mod mpc_modinv_p = {
	.limb = { 0x1fffffefffffc2fLL, 0x1ffffffffffffffLL, 0x1ffffffffffffffLL,
		  0x1ffffffffffffffLL, 0xfffffffLL },
	.inv57 = 0x1c7f6e22ddacacfULL,
};

const struct mpc_modinv_mod mpc_modinv_n = {
	.limb = { 0x1d25e8cd0364141LL, 0x16e7357a4501ddfLL, 0x1ffffffffffaeabLL,
		  0x1ffffffffffffffLL, 0xfffffffLL },
	.inv57 = 0xf20099aa774ec1ULL,
};

/* arithmetic shift right of a word holding a signed value */
static inline uint64_t sar(uint64_t v, unsigned int s)
{
	return (uint64_t)((int64_t)v >> s);
}

/* the low 57 bits of v as a signed number in [-2^56, 2^56) */
static inline int64_t signed57(uint64_t v)
{
	return (int64_t)(v << (64 - LIMB_BITS)) >> (64 - LIMB_BITS);
}

/* --- packed blocks of 19 divsteps ------------------------------------------ */

/*
 * Words of a fresh block: f's row is (1, 0), g's is (0, 1), both scaled by
 * 2^19; fw, gw are f and g mod 2^64 (only their low 19 bits are used).
 */
static inline void pack(uint64_t *pf, uint64_t *pg, uint64_t fw, uint64_t gw)
{
	*pf = (fw & LOW_MASK) + ((uint64_t)1 << (BLOCK_STEPS + FIELD_A));
	*pg = (gw & LOW_MASK) + ((uint64_t)1 << (BLOCK_STEPS + FIELD_B));
}

/*
 * Read (a, b) out of a packed word after 19 divsteps.  With the low part l
 * in (-2^19, 2^19) and a, b in [-2^19, 2^19]: w + 2^19 has a nonnegative
 * low field below 2^20, so bits 20.. of it are a + 2^21 b exactly, and
 * a's field, 21 bits, holds a; adding 2^40 too makes the two lower fields
 * together nonnegative and below 2^41, leaving b alone above bit 41.
 */
static inline void unpack_row(int64_t *a, int64_t *b, uint64_t w)
{
	uint64_t h = w + ((uint64_t)1 << (FIELD_A - 1));

	*a = (int64_t)(h << (64 - FIELD_B)) >> (64 - FIELD_B + FIELD_A);
	*b = (int64_t)(h + ((uint64_t)1 << (FIELD_B - 1))) >> FIELD_B;
}

#ifdef MPC_VERIFY
/* the rows read out of packed words f, g are the block's matrix */
static int check_row(int64_t a, int64_t b, uint64_t w, uint64_t fw, uint64_t gw)
{
	uint64_t l = (uint64_t)a * (fw & LOW_MASK) + (uint64_t)b * (gw & LOW_MASK);

	return (l & LOW_MASK) == 0 && (a < 0 ? -a : a) + (b < 0 ? -b : b) <= (1 << BLOCK_STEPS) &&
	       w == sar(l, BLOCK_STEPS) + ((uint64_t)a << FIELD_A) + ((uint64_t)b << FIELD_B);
}

static int check_rows(const struct mi_mat *t, uint64_t f, uint64_t g, uint64_t fw, uint64_t gw)
{
	return check_row(t->ff, t->fg, f, fw, gw) && check_row(t->gf, t->gg, g, fw, gw);
}
#endif

/*
 * 19 divsteps, constant time.  One divstep on the words f, g:
 *   g odd, delta > 0 ("sw"):  f, g = g, (g - f) / 2;  delta = 1 - delta
 *   g odd, delta <= 0:        g = (g + f) / 2;        delta = 1 + delta
 *   g even:                   g = g / 2;              delta = 1 + delta
 * f is odd, and we keep fh = (f - 1) / 2 instead: for odd g = 2 gh + 1,
 * (g + f) / 2 = gh + fh + 1 and (g - f) / 2 = gh - fh = gh + (~fh + 1), so
 * g' = gh + (g odd ? (fh ^ pos) + 1 : 0) with pos the mask "delta > 0",
 * and a swap makes fh = gh.  After the divstep delta > 0 holds exactly
 * when there was no swap and delta was >= 0.  Written this way, the
 * dependency chain from one g to the next is four operations.
 */
static void block_ct(int64_t *delta, uint64_t fw, uint64_t gw, struct mi_mat *t)
{
	uint64_t f, g, fh, dl = (uint64_t)*delta;
	uint64_t pos = sar(0 - dl, 63);
	int i;

	pack(&f, &g, fw, gw);
	fh = sar(f, 1);
	for (i = 0; i < BLOCK_STEPS; i++) {
		uint64_t xs = (fh ^ pos) + 1;
		uint64_t nonneg = ~sar(dl, 63);
		uint64_t gh = sar(g, 1);
		uint64_t odd = 0 - mpc_value_barrier_u64(g & 1);
		uint64_t sw = odd & pos;

		fh ^= (fh ^ gh) & sw;
		g = gh + (xs & odd);
		dl = (dl ^ sw) - (sw - 1);	/* sw ? 1 - delta : 1 + delta */
		pos = nonneg & ~sw;
	}
	f = fh * 2 + 1;
	*delta = (int64_t)dl;
	unpack_row(&t->ff, &t->fg, f);
	unpack_row(&t->gf, &t->gg, g);
	MPC_VERIFY_CHECK(check_rows(t, f, g, fw, gw));
}

/*
 * 57 divsteps, variable time, on f and g mod 2^64 (after i divsteps only
 * their bits below 57 - i matter) and the rows of the run's matrix, scaled
 * by 2^(57 - i) as in the packed blocks but in words of their own.  A run
 * of z zero bits of g is z divsteps at once: g = g / 2^z, delta += z.  An
 * odd g takes one divstep, whose halving is merged with the zero run that
 * follows: h = g - f (swap) or g + f is even, and g = h / 2^ctz(h).
 * Setting bit "left" caps every run at the end of the 57.
 */
static void run57_var(int64_t *delta, uint64_t f, uint64_t g, struct mi_mat *t)
{
	int64_t fa = (int64_t)1 << LIMB_BITS, fb = 0, ga = 0, gb = (int64_t)1 << LIMB_BITS;
	int64_t dl = *delta;
	unsigned int left = LIMB_BITS, z;

	z = (unsigned int)__builtin_ctzll(g | ((uint64_t)1 << left));
	g >>= z;
	ga >>= z;
	gb >>= z;
	dl += z;
	left -= z;
	while (left) {
		uint64_t h;
		int64_t ha, hb;

		if (dl > 0) {
			h = g - f;
			ha = ga - fa;
			hb = gb - fb;
			f = g;
			fa = ga;
			fb = gb;
			dl = -dl;
		} else {
			h = g + f;
			ha = ga + fa;
			hb = gb + fb;
		}
		z = (unsigned int)__builtin_ctzll(h | ((uint64_t)1 << left));
		g = h >> z;
		ga = ha >> z;
		gb = hb >> z;
		dl += z;
		left -= z;
	}
	*delta = dl;
	t->ff = fa;
	t->fg = fb;
	t->gf = ga;
	t->gg = gb;
}

/* r = b a: the matrix of block a followed by block b */
static inline void mat_after(struct mi_mat *r, const struct mi_mat *b, const struct mi_mat *a)
{
	struct mi_mat s;

	s.ff = b->ff * a->ff + b->fg * a->gf;
	s.fg = b->ff * a->fg + b->fg * a->gg;
	s.gf = b->gf * a->ff + b->gg * a->gf;
	s.gg = b->gf * a->fg + b->gg * a->gg;
	*r = s;
}

/*
 * One run of 57 divsteps from f, g mod 2^64, constant time: its matrix
 * (entries at most 2^57 in absolute value).  Between blocks, the low words
 * move on by the block matrix: (ff f + fg g) / 2^19 is exact, and its low
 * 45 bits (26 after the second block) are right, more than the 19 a block
 * reads.
 */
static void run57_ct(int64_t *delta, uint64_t fw, uint64_t gw, struct mi_mat *t)
{
	struct mi_mat b;
	int k;

	block_ct(delta, fw, gw, &b);
	*t = b;
	for (k = 1; k < RUN_BLOCKS; k++) {
		uint64_t nf = (uint64_t)b.ff * fw + (uint64_t)b.fg * gw;
		uint64_t ng = (uint64_t)b.gf * fw + (uint64_t)b.gg * gw;

		MPC_VERIFY_CHECK((nf & LOW_MASK) == 0 && (ng & LOW_MASK) == 0);
		fw = nf >> BLOCK_STEPS;
		gw = ng >> BLOCK_STEPS;
		block_ct(delta, fw, gw, &b);
		mat_after(t, &b, t);
	}
}

/* --- big numbers ------------------------------------------------------------ */

static inline uint64_t low64(const struct mi_num *a)
{
	return (uint64_t)a->w[0] | (uint64_t)a->w[1] << LIMB_BITS;
}

/* (f, g) = t (f, g) / 2^57, exact by the choice of t */
static void apply_fg(struct mi_num *f, struct mi_num *g, const struct mi_mat *t)
{
	mi_s128 cf, cg;
	int i;

	cf = (mi_s128)t->ff * f->w[0] + (mi_s128)t->fg * g->w[0];
	cg = (mi_s128)t->gf * f->w[0] + (mi_s128)t->gg * g->w[0];
	MPC_VERIFY_CHECK(((uint64_t)cf & LIMB_MASK) == 0 && ((uint64_t)cg & LIMB_MASK) == 0);
	cf >>= LIMB_BITS;
	cg >>= LIMB_BITS;
	for (i = 1; i < 5; i++) {
		cf += (mi_s128)t->ff * f->w[i] + (mi_s128)t->fg * g->w[i];
		cg += (mi_s128)t->gf * f->w[i] + (mi_s128)t->gg * g->w[i];
		f->w[i - 1] = (int64_t)((uint64_t)cf & LIMB_MASK);
		g->w[i - 1] = (int64_t)((uint64_t)cg & LIMB_MASK);
		cf >>= LIMB_BITS;
		cg >>= LIMB_BITS;
	}
	f->w[4] = (int64_t)cf;
	g->w[4] = (int64_t)cg;
}

/*
 * One row of the Bezout update: r = (ca a + cb b + k M) / 2^57 with k the
 * signed 57-bit number that makes the division exact:
 * k = -(ca a + cb b) M^-1 mod 2^57.
 */
static inline void bezout_row(mi_s128 *acc, int64_t *k, int64_t ca, int64_t cb,
			      const struct mi_num *a, const struct mi_num *b,
			      const struct mpc_modinv_mod *m)
{
	mi_s128 c = (mi_s128)ca * a->w[0] + (mi_s128)cb * b->w[0];

	*k = signed57((0 - (uint64_t)c) * m->inv57);
	c += (mi_s128)*k * m->limb[0];
	MPC_VERIFY_CHECK(((uint64_t)c & LIMB_MASK) == 0);
	*acc = c >> LIMB_BITS;
}

/* (d, e) = (t (d, e) + (kd, ke) M) / 2^57 */
static void apply_de(struct mi_num *d, struct mi_num *e, const struct mi_mat *t,
		     const struct mpc_modinv_mod *m)
{
	mi_s128 cd, ce;
	int64_t kd, ke;
	int i;

	bezout_row(&cd, &kd, t->ff, t->fg, d, e, m);
	bezout_row(&ce, &ke, t->gf, t->gg, d, e, m);
	for (i = 1; i < 5; i++) {
		cd += (mi_s128)t->ff * d->w[i] + (mi_s128)t->fg * e->w[i] +
		      (mi_s128)kd * m->limb[i];
		ce += (mi_s128)t->gf * d->w[i] + (mi_s128)t->gg * e->w[i] +
		      (mi_s128)ke * m->limb[i];
		d->w[i - 1] = (int64_t)((uint64_t)cd & LIMB_MASK);
		e->w[i - 1] = (int64_t)((uint64_t)ce & LIMB_MASK);
		cd >>= LIMB_BITS;
		ce >>= LIMB_BITS;
	}
	d->w[4] = (int64_t)cd;
	e->w[4] = (int64_t)ce;
}

static void num_from_u64(struct mi_num *r, const uint64_t a[4])
{
	r->w[0] = (int64_t)(a[0] & LIMB_MASK);
	r->w[1] = (int64_t)((a[0] >> 57 | a[1] << 7) & LIMB_MASK);
	r->w[2] = (int64_t)((a[1] >> 50 | a[2] << 14) & LIMB_MASK);
	r->w[3] = (int64_t)((a[2] >> 43 | a[3] << 21) & LIMB_MASK);
	r->w[4] = (int64_t)(a[3] >> 36);
}

static void num_to_u64(uint64_t r[4], const struct mi_num *a)
{
	uint64_t w0 = (uint64_t)a->w[0], w1 = (uint64_t)a->w[1], w2 = (uint64_t)a->w[2];
	uint64_t w3 = (uint64_t)a->w[3], w4 = (uint64_t)a->w[4];

	r[0] = w0 | w1 << 57;
	r[1] = w1 >> 7 | w2 << 50;
	r[2] = w2 >> 14 | w3 << 43;
	r[3] = w3 >> 21 | w4 << 36;
}

/* r = r - c M if that is >= 0 (constant time) */
static void sub_if_ge(struct mi_num *r, const struct mpc_modinv_mod *m, int64_t c)
{
	struct mi_num t;
	int64_t carry = 0;
	uint64_t keep;
	int i;

	for (i = 0; i < 4; i++) {
		carry += r->w[i] - c * m->limb[i];
		t.w[i] = (int64_t)((uint64_t)carry & LIMB_MASK);
		carry >>= LIMB_BITS;
	}
	t.w[4] = carry + r->w[4] - c * m->limb[4];
	keep = sar((uint64_t)t.w[4], 63);	/* r < c M */
	for (i = 0; i < 5; i++)
		r->w[i] = (int64_t)(((uint64_t)r->w[i] & keep) | ((uint64_t)t.w[i] & ~keep));
}

/*
 * r = (f < 0 ? -d : d) mod M, for f = +-1 and |d| < 7.5 M: add 8 M, which
 * gives a number in (0, 16 M), then take away 8 M, 4 M, 2 M and M where
 * they fit.
 */
static void finish(uint64_t r[4], const struct mi_num *d, const struct mi_num *f,
		   const struct mpc_modinv_mod *m)
{
	uint64_t neg = sar((uint64_t)f->w[4], 63);
	struct mi_num s;
	int64_t carry = 0;
	int i;

	for (i = 0; i < 4; i++) {
		carry += (int64_t)(((uint64_t)d->w[i] ^ neg) - neg) + 8 * m->limb[i];
		s.w[i] = (int64_t)((uint64_t)carry & LIMB_MASK);
		carry >>= LIMB_BITS;
	}
	s.w[4] = carry + (int64_t)(((uint64_t)d->w[4] ^ neg) - neg) + 8 * m->limb[4];
	MPC_VERIFY_CHECK(s.w[4] >= 0 && s.w[4] < ((int64_t)1 << 33));
	sub_if_ge(&s, m, 8);
	sub_if_ge(&s, m, 4);
	sub_if_ge(&s, m, 2);
	sub_if_ge(&s, m, 1);
	num_to_u64(r, &s);
	memzero_explicit(&s, sizeof(s));
}

#ifdef MPC_VERIFY
static int num_is(const struct mi_num *a, int64_t v)
{
	int64_t lo = (int64_t)((uint64_t)v & LIMB_MASK);
	int64_t mid = v < 0 ? (int64_t)LIMB_MASK : 0;

	return a->w[0] == lo && a->w[1] == mid && a->w[2] == mid && a->w[3] == mid &&
	       a->w[4] == (v < 0 ? -1 : 0);
}
#endif

static inline int num_is_zero_var(const struct mi_num *a)
{
	return !(a->w[0] | a->w[1] | a->w[2] | a->w[3] | a->w[4]);
}

static inline __attribute__((__always_inline__))
void modinv_core(uint64_t r[4], const uint64_t x[4], const struct mpc_modinv_mod *m, int var)
{
	struct mi_num f, g, d, e;
	struct mi_mat t;
	int64_t delta = 1;
	int i;

	for (i = 0; i < 5; i++) {
		f.w[i] = m->limb[i];
		d.w[i] = 0;
		e.w[i] = 0;
	}
	e.w[0] = 1;
	num_from_u64(&g, x);
	for (i = 0; i < RUNS; i++) {
		if (var)
			run57_var(&delta, low64(&f), low64(&g), &t);
		else
			run57_ct(&delta, low64(&f), low64(&g), &t);
		apply_fg(&f, &g, &t);
		apply_de(&d, &e, &t, m);
		if (var && num_is_zero_var(&g))
			break;
	}
	MPC_VERIFY_CHECK(num_is(&g, 0));
	MPC_VERIFY_CHECK(num_is(&f, 1) || num_is(&f, -1) || num_is(&d, 0));
	finish(r, &d, &f, m);
	memzero_explicit(&f, sizeof(f));
	memzero_explicit(&g, sizeof(g));
	memzero_explicit(&d, sizeof(d));
	memzero_explicit(&e, sizeof(e));
	memzero_explicit(&t, sizeof(t));
}

void mpc_modinv_ct(uint64_t r[4], const uint64_t x[4], const struct mpc_modinv_mod *m)
{
	modinv_core(r, x, m, 0);
}

void mpc_modinv_var(uint64_t r[4], const uint64_t x[4], const struct mpc_modinv_mod *m)
{
	modinv_core(r, x, m, 1);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_ioctl_test.c - a structured, seeded fuzzer of the /dev/mpcsign ioctls
 * (runs in the test VM with the module loaded; see Documentation/testing.rst).
 *
 * Valid flows (key import from a dealer, FROST signing, host keys, ChillDKG
 * among 3 host keys, recovery, recovery acks, host key signatures, lookups,
 * deletes) are mixed with mutated and random calls: every command and
 * unknown ones, boundary sizes, random flags and reserved fields, NULL,
 * unmapped, read-only, misaligned and page-straddling pointers for the
 * struct and for every inner buffer, stale and foreign handles, a read-only
 * descriptor.  First as root, then as uid/gid 65534 (the device opened as
 * root, then privileges dropped: the module goes by the effective uid).
 *
 * Every call is checked on its own:
 *  - the errno is one that the UAPI documents for that command;
 *  - nothing is written before the struct, past the caller's size, or past
 *    an output buffer's declared size (guard bytes), and nothing at all into
 *    a struct tail the module does not know;
 *  - a call that fails leaves the object counts as they were (no key, host
 *    key or nonce made by a failing call: probed by KEY_INFO on the next
 *    handles, HOST_KEY_LIST's count and KEY_INFO's nonce counts);
 *  - a nonce that was consumed never signs again (-ENOENT forever);
 *  - every signature that succeeds verifies (libsecp256k1);
 *  - mutations that must not change the meaning (placement, alignment, a
 *    zero tail) give the same result as the plain call, and those that must
 *    fail give their specific errno.
 * Counts per command and errno are printed at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "fuzz_util.h"

#define DEV "/dev/mpcsign"
#define NOBODY 65534
#define PG 4096

/* ---- commands and the errnos each may give (UAPI header, uapi.rst) ---------- */

enum {
	C_GET_INFO, C_KEY_IMPORT, C_KEY_INFO, C_KEY_DELETE, C_NONCE_GEN, C_SIGN,
	C_KEY_LOOKUP, C_HK_CREATE, C_HK_IMPORT, C_HK_INFO, C_HK_DELETE, C_HK_LIST,
	C_HK_SIGN, C_HK_LOOKUP, C_STEP1, C_STEP2, C_FINALIZE, C_INVESTIGATE, C_ABORT,
	C_RECOVER, C_ACK, C_UNKNOWN, C_N
};

/* the general rules: size/flags/reserved (EINVAL), tail (E2BIG), pointers */
#define E_HDR EINVAL, E2BIG, EFAULT
/* DKG: the protocol's errnos (enum mpcsign_dkg_kind) and the object ones */
#define E_DKG E_HDR, ENOMEM, ENOENT, EACCES, ENOSPC, EDQUOT, EKEYREJECTED, EBADMSG, \
	EPROTO, EREMOTEIO, EILSEQ, EALREADY, EAGAIN

static const int e_get_info[] = { E_HDR, 0 };
static const int e_key_import[] = { E_HDR, EPERM, ENOSPC, ENOMEM, EBUSY, 0 };
static const int e_key_info[] = { E_HDR, ENOENT, EACCES, ENOSPC, 0 };
static const int e_key_delete[] = { E_HDR, ENOENT, EACCES, 0 };
static const int e_nonce_gen[] = { E_HDR, ENOENT, EACCES, ENOSPC, EDQUOT, ENOMEM, EBUSY, 0 };
static const int e_sign[] = { E_HDR, ENOENT, EACCES, EBADMSG, EIO, ENOMEM, 0 };
static const int e_key_lookup[] = { E_HDR, ENOENT, ENOTUNIQ, 0 };
static const int e_host_key[] = { E_HDR, EPERM, ENOSPC, EDQUOT, ENOENT, EACCES, ENOMEM, EBUSY, 0 };
static const int e_hk_list[] = { E_HDR, ENOMEM, 0 };
static const int e_hk_sign[] = { E_HDR, ENOENT, EACCES, 0 };
static const int e_hk_lookup[] = { E_HDR, ENOENT, 0 };
static const int e_dkg[] = { E_DKG, EBUSY, 0 };
static const int e_investigate[] = { E_DKG, EIO, 0 };	/* EIO: never succeeds */
static const int e_unknown[] = { ENOTTY, 0 };

#ifdef MPCSIGN_IOC_HOST_KEY_SIGN
#define HAVE_NEW_IOCTLS 1
#else
#define HAVE_NEW_IOCTLS 0
/* declared by the header that adds them (k's change); same layout */
struct mpcsign_host_key_sign {
	__u32 size, flags, handle, reserved0;
	__u8 msg[32];
	__u8 sig[64];
	__aligned_u64 reserved[2];
};
struct mpcsign_host_key_lookup {
	__u32 size, flags;
	__u8 hostpubkey[33];
	__u8 reserved1[3];
	__u32 handle;
	__aligned_u64 reserved[2];
};
struct mpcsign_key_lookup {
	__u32 size, flags;
	__u8 thresh_pk[33];
	__u8 reserved1[3];
	__u32 my_id, handle, reserved0;
	__aligned_u64 reserved[2];
};
#define MPCSIGN_HOST_KEY_SIGN_SIZE_VER0 128
#define MPCSIGN_HOST_KEY_LOOKUP_SIZE_VER0 64
#define MPCSIGN_KEY_LOOKUP_SIZE_VER0 72
#define MPCSIGN_LOOKUP_F_ID 1u
#define MPCSIGN_TRANSPORT_TAG "mpcsign/transport/v1"
#define MPCSIGN_IOC_KEY_LOOKUP _IOWR(MPCSIGN_IOC_MAGIC, 0x15, struct mpcsign_key_lookup)
#define MPCSIGN_IOC_HOST_KEY_SIGN _IOWR(MPCSIGN_IOC_MAGIC, 0x35, struct mpcsign_host_key_sign)
#define MPCSIGN_IOC_HOST_KEY_LOOKUP _IOWR(MPCSIGN_IOC_MAGIC, 0x36, struct mpcsign_host_key_lookup)
#endif

struct cmd {
	const char *name;
	unsigned long req;
	size_t ksize, ver0;
	const int *errs;
	int read_only;		/* allowed on an O_RDONLY descriptor */
	int no_copy_out;	/* success writes nothing back */
	int implemented;
};

#define CMD(id, nm, rq, st, v0, er, ro, nco) \
	[id] = { nm, rq, sizeof(struct st), v0, er, ro, nco, 1 }
static struct cmd cmds[C_N] = {
	CMD(C_GET_INFO, "GET_INFO", MPCSIGN_IOC_GET_INFO, mpcsign_info, MPCSIGN_INFO_SIZE_VER0, e_get_info, 1, 0),
	CMD(C_KEY_IMPORT, "KEY_IMPORT", MPCSIGN_IOC_KEY_IMPORT, mpcsign_key_import, MPCSIGN_KEY_IMPORT_SIZE_VER0, e_key_import, 0, 0),
	CMD(C_KEY_INFO, "KEY_INFO", MPCSIGN_IOC_KEY_INFO, mpcsign_key_info, MPCSIGN_KEY_INFO_SIZE_VER0, e_key_info, 1, 0),
	CMD(C_KEY_DELETE, "KEY_DELETE", MPCSIGN_IOC_KEY_DELETE, mpcsign_key_delete, MPCSIGN_KEY_DELETE_SIZE_VER0, e_key_delete, 0, 1),
	CMD(C_NONCE_GEN, "NONCE_GEN", MPCSIGN_IOC_NONCE_GEN, mpcsign_nonce_gen, MPCSIGN_NONCE_GEN_SIZE_VER0, e_nonce_gen, 0, 0),
	CMD(C_SIGN, "SIGN", MPCSIGN_IOC_SIGN, mpcsign_sign, MPCSIGN_SIGN_SIZE_VER0, e_sign, 0, 0),
	CMD(C_KEY_LOOKUP, "KEY_LOOKUP", MPCSIGN_IOC_KEY_LOOKUP, mpcsign_key_lookup, MPCSIGN_KEY_LOOKUP_SIZE_VER0, e_key_lookup, 1, 0),
	CMD(C_HK_CREATE, "HOST_KEY_CREATE", MPCSIGN_IOC_HOST_KEY_CREATE, mpcsign_host_key, MPCSIGN_HOST_KEY_SIZE_VER0, e_host_key, 0, 0),
	CMD(C_HK_IMPORT, "HOST_KEY_IMPORT", MPCSIGN_IOC_HOST_KEY_IMPORT, mpcsign_host_key, MPCSIGN_HOST_KEY_SIZE_VER0, e_host_key, 0, 0),
	CMD(C_HK_INFO, "HOST_KEY_INFO", MPCSIGN_IOC_HOST_KEY_INFO, mpcsign_host_key, MPCSIGN_HOST_KEY_SIZE_VER0, e_host_key, 1, 0),
	CMD(C_HK_DELETE, "HOST_KEY_DELETE", MPCSIGN_IOC_HOST_KEY_DELETE, mpcsign_host_key, MPCSIGN_HOST_KEY_SIZE_VER0, e_host_key, 0, 1),
	CMD(C_HK_LIST, "HOST_KEY_LIST", MPCSIGN_IOC_HOST_KEY_LIST, mpcsign_host_key_list, MPCSIGN_HOST_KEY_LIST_SIZE_VER0, e_hk_list, 1, 0),
	CMD(C_HK_SIGN, "HOST_KEY_SIGN", MPCSIGN_IOC_HOST_KEY_SIGN, mpcsign_host_key_sign, MPCSIGN_HOST_KEY_SIGN_SIZE_VER0, e_hk_sign, 0, 0),
	CMD(C_HK_LOOKUP, "HOST_KEY_LOOKUP", MPCSIGN_IOC_HOST_KEY_LOOKUP, mpcsign_host_key_lookup, MPCSIGN_HOST_KEY_LOOKUP_SIZE_VER0, e_hk_lookup, 1, 0),
	CMD(C_STEP1, "DKG_STEP1", MPCSIGN_IOC_DKG_STEP1, mpcsign_dkg_step1, MPCSIGN_DKG_STEP1_SIZE_VER0, e_dkg, 0, 0),
	CMD(C_STEP2, "DKG_STEP2", MPCSIGN_IOC_DKG_STEP2, mpcsign_dkg_step2, MPCSIGN_DKG_STEP2_SIZE_VER0, e_dkg, 0, 0),
	CMD(C_FINALIZE, "DKG_FINALIZE", MPCSIGN_IOC_DKG_FINALIZE, mpcsign_dkg_output, MPCSIGN_DKG_OUTPUT_SIZE_VER0, e_dkg, 0, 0),
	CMD(C_INVESTIGATE, "DKG_INVESTIGATE", MPCSIGN_IOC_DKG_INVESTIGATE, mpcsign_dkg_investigate, MPCSIGN_DKG_INVESTIGATE_SIZE_VER0, e_investigate, 0, 0),
	CMD(C_ABORT, "DKG_ABORT", MPCSIGN_IOC_DKG_ABORT, mpcsign_dkg_abort, MPCSIGN_DKG_ABORT_SIZE_VER0, e_dkg, 0, 1),
	CMD(C_RECOVER, "RECOVER", MPCSIGN_IOC_RECOVER, mpcsign_dkg_output, MPCSIGN_DKG_OUTPUT_SIZE_VER0, e_dkg, 0, 0),
	CMD(C_ACK, "RECOVERY_ACK_SIGN", MPCSIGN_IOC_RECOVERY_ACK_SIGN, mpcsign_recovery_ack, MPCSIGN_RECOVERY_ACK_SIZE_VER0, e_dkg, 0, 0),
	[C_UNKNOWN] = { "unknown", 0, 64, 8, e_unknown, 1, 1, 1 },
};

static int errno_allowed(int c, int e, int rofd)
{
	const int *p;

	if (e == 0)
		return 1;
	if (!cmds[c].implemented)
		return e == ENOTTY;
	if (rofd && e == EBADF && !cmds[c].read_only)	/* ioctls that change state */
		return 1;
	for (p = cmds[c].errs; *p; p++)
		if (*p == e)
			return 1;
	return 0;
}

/* ---- state of one run (root, then a copy in the unprivileged child) ------- */

#define MAXG 12
#define MAXHK 8
#define MAXDEAD 4096

struct grp {
	int used, dkg;
	struct fz_group g;
	uint32_t hk[FZ_MAXN];		/* DKG: host key handle of participant i */
	uint8_t rd[1024];		/* DKG: recovery data */
	size_t rd_len;
};

struct hkey {
	uint32_t handle;
	uint8_t pub[33];
};

struct nonce {
	uint32_t handle, key;
};

struct run {
	int fd, rofd, root;
	struct fz_rng rng;
	struct grp grp[MAXG];
	struct hkey hk[MAXHK];
	int nhk;
	struct nonce out[64];	/* outstanding nonces */
	int nout;
	uint32_t dead_nonce[MAXDEAD];	/* consumed or wiped: ENOENT forever */
	int ndead;
	uint32_t stale_key[64], stale_hk[64];	/* deleted handles */
	int nstale_key, nstale_hk;
	uint32_t foreign_key[MAXG * FZ_MAXN], foreign_hk[MAXHK];	/* another uid's */
	int nforeign_key, nforeign_hk;
	uint32_t key_hwm;		/* highest key handle known to exist(ed) */
	unsigned long iters, leaks, sigs_ok, dkgs_ok, rounds_aborted, investigations;
	struct fz_counts cnt[C_N];
};

static struct run *R;

/* ---- user memory: the struct and inner buffers in guarded places ----------- */

enum { P_NORMAL, P_MISALIGN, P_PAGEEND, P_RO, P_NULL, P_UNMAPPED, P_KERNEL, P_PARTIAL, P_N };
static const char *const place_name[P_N] = {
	"normal", "misaligned", "page-end", "read-only", "NULL", "unmapped", "kernel", "partial"
};

#define GUARD 0xa5
#define NSLOT 10
#define SLOT_PAGES 3		/* two RW pages then PROT_NONE */

static uint8_t *arena;		/* [RW][RW][NONE]: the struct */
static uint8_t *ro_page;	/* toggled PROT_READ for read-only placements */
static uint8_t *none_page;	/* never mapped readable */
static uint8_t *slots;		/* NSLOT x SLOT_PAGES pages for inner buffers */
static uint8_t big[70000];	/* inner buffers too large for a slot */

struct bufrec {
	int kind, slot;
	uint8_t *p;		/* where the data is */
	size_t len;		/* declared length */
	int ro;
};
static struct bufrec bufs[NSLOT];
static int nbufs;

static void mem_init(void)
{
	arena = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_page = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	none_page = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	slots = mmap(NULL, NSLOT * SLOT_PAGES * PG, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED || ro_page == MAP_FAILED || none_page == MAP_FAILED ||
	    slots == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	mprotect(arena + 2 * PG, PG, PROT_NONE);
	for (int i = 0; i < NSLOT; i++)
		mprotect(slots + (i * SLOT_PAGES + 2) * PG, PG, PROT_NONE);
}

enum { B_NORMAL, B_MISALIGN, B_PAGEEND, B_RO, B_NULL, B_UNMAPPED, B_KERNEL, B_SHORT, B_N };
static const char *const bkind_name[B_N] = {
	"normal", "misaligned", "page-end", "read-only", "NULL", "unmapped", "kernel", "short"
};

/*
 * An inner buffer of kind k holding len bytes of data (NULL: zeros), for
 * input or output.  Guard bytes before and after it are checked by
 * bufs_check().  Returns the user pointer value.
 */
static uint64_t mkbuf(int k, const void *data, size_t len)
{
	struct bufrec *b;
	uint8_t *s;
	size_t off;

	if (k == B_NULL)
		return 0;
	if (k == B_UNMAPPED)
		return (uintptr_t)none_page;
	if (k == B_KERNEL)
		return 0xffff888000001000ull;
	if (len > 2 * PG - 128 || nbufs == NSLOT) {
		if (len > sizeof(big))
			len = sizeof(big);
		if (data)
			memcpy(big, data, len);
		else
			memset(big, 0, len);
		return (uintptr_t)big;
	}
	b = &bufs[nbufs];
	b->slot = nbufs++;
	s = slots + b->slot * SLOT_PAGES * PG;
	memset(s, GUARD, 2 * PG);
	switch (k) {
	case B_MISALIGN:
		off = 64 + 1 + (len & 3);
		break;
	case B_PAGEEND:
		off = 2 * PG - len;
		break;
	case B_SHORT:		/* the last bytes of the declared length unmapped */
		off = 2 * PG - (len ? len - 1 : 0);
		if (len < 2)
			off = 2 * PG - 1;
		break;
	default:
		off = 64;
	}
	b->kind = k;
	b->p = s + off;
	b->len = len;
	b->ro = k == B_RO;
	if (k == B_SHORT) {
		size_t avail = 2 * PG - off;

		if (data)
			memcpy(b->p, data, avail < len ? avail : len);
		else
			memset(b->p, 0, avail < len ? avail : len);
	} else if (data) {
		memcpy(b->p, data, len);
	} else {
		memset(b->p, 0, len);
	}
	if (b->ro)
		mprotect(s, 2 * PG, PROT_READ);
	return (uintptr_t)b->p;
}

/*
 * Set by the garbage calls, whose structs declare random capacities (a
 * HOST_KEY_LIST max of 3 with a 6-byte buffer): the kernel may rightly write
 * as far as the struct says, so only writes before a buffer count there.
 */
static int g_capacity_unknown;

/* Check guards, unprotect; returns 0 if clean.  what: context for messages. */
static int bufs_check(const char *what)
{
	int bad = 0;

	for (int i = 0; i < nbufs; i++) {
		struct bufrec *b = &bufs[i];
		uint8_t *s = slots + b->slot * SLOT_PAGES * PG;
		size_t j, end = (size_t)(b->p - s) + b->len;

		if (b->ro)
			mprotect(s, 2 * PG, PROT_READ | PROT_WRITE);
		for (j = 0; j < (size_t)(b->p - s); j++)
			if (s[j] != GUARD) {
				fz_fail("%s: byte written %zu before an inner buffer (%s, len %zu)",
					what, (size_t)(b->p - s) - j, bkind_name[b->kind], b->len);
				bad = 1;
				break;
			}
		for (j = end; !g_capacity_unknown && j < 2 * PG; j++)
			if (s[j] != GUARD) {
				fz_fail("%s: byte written %zu past an inner buffer (%s, len %zu)",
					what, j - end, bkind_name[b->kind], b->len);
				bad = 1;
				break;
			}
	}
	return bad;
}

static void bufs_reset(void)
{
	nbufs = 0;
}

/*
 * An inner buffer of a valid call made bad: the call must give EFAULT.
 * out: 1 = an output buffer (read-only is bad too), 2 = NULL means
 * something else there (KEY_INFO: not wanted; HOST_KEY_LIST: EINVAL).
 */
static int g_inner_bad;
/* a retry of a flow's call after a mutation: the plain call, nothing bad */
static int g_retry;
/* what call_mut expected of the last call (-1: the plain result) */
static int g_last_expect;

static uint64_t ibuf(int m, int out, int good, const void *data, size_t len)
{
	static const int bad_in[] = { B_NULL, B_UNMAPPED, B_KERNEL, B_SHORT };
	static const int bad_out[] = { B_NULL, B_UNMAPPED, B_KERNEL, B_SHORT, B_RO };
	int k;

	if (m != 0 /* M_NONE */ || g_retry || g_inner_bad || !len || !fz_chance(&R->rng, 8))
		return mkbuf(good, data, len);
	k = out & 1 ? bad_out[fz_below(&R->rng, 5)] : bad_in[fz_below(&R->rng, 4)];
	if ((k == B_SHORT && len < 2) || (k == B_NULL && (out & 2)))
		k = B_UNMAPPED;
	g_inner_bad = 1;
	return mkbuf(k, data, len);
}

/* data of inner buffer i (for outputs) */
static uint8_t *buf_data(uint64_t ptr)
{
	return (uint8_t *)(uintptr_t)ptr;
}

static int has_guard_region(int place)
{
	return place == P_NORMAL || place == P_MISALIGN || place == P_RO;
}

/*
 * Make the call.  st holds len bytes of the struct as the caller sees it
 * (len >= 8; the size field inside says usize).  The result struct is copied
 * back into st.  Checks: errno documented, guards before/after, tail not
 * written.  Returns 0 or a positive errno.
 */
static int call(int c, unsigned long req, int fd, void *st, size_t len, int place)
{
	uint8_t *base, *p = NULL, before[8192];
	size_t off = 0, ksize = cmds[c].ksize, wr_limit, j;
	uint32_t usize;
	int ret, e, ro = 0;
	char what[96];

	memcpy(&usize, st, 4);
	if (len > 8000)
		len = 8000;
	memcpy(before, st, len);
	switch (place) {
	case P_NULL:
		p = NULL;
		break;
	case P_UNMAPPED:
		p = none_page;
		break;
	case P_KERNEL:
		p = (uint8_t *)(uintptr_t)0xffff888000002000ull;
		break;
	case P_RO:
		base = ro_page;
		memset(base, GUARD, 2 * PG);
		off = 64;
		p = base + off;
		memcpy(p, st, len);
		mprotect(base, 2 * PG, PROT_READ);
		ro = 1;
		break;
	default:
		base = arena;
		memset(base, GUARD, 2 * PG);
		if (place == P_MISALIGN)
			off = 64 + 1 + (R->iters % 7);
		else if (place == P_PAGEEND)
			off = 2 * PG - len;
		else if (place == P_PARTIAL)
			off = 2 * PG - (len > 8 ? 4 + (R->iters % (len - 4)) : 4);
		else
			off = 64;
		p = base + off;
		memcpy(p, st, place == P_PARTIAL ? 2 * PG - off : len);
	}
	ret = ioctl(fd, req, p);
	e = ret < 0 ? errno : 0;
	if (ret > 0) {
		fz_fail("%s returned %d (positive)", cmds[c].name, ret);
		e = 0;
	}
	if (ro)
		mprotect(ro_page, 2 * PG, PROT_READ | PROT_WRITE);
	snprintf(what, sizeof(what), "%s (size %u, %s)", cmds[c].name, usize, place_name[place]);
	fz_count(&R->cnt[c], e);
	if (!errno_allowed(c, e, fd == R->rofd))
		fz_fail("%s: errno %s is not documented for it", what, fz_errname(e));
	if (p && (place == P_NORMAL || place == P_MISALIGN || place == P_RO ||
		  place == P_PAGEEND)) {
		base = ro ? ro_page : arena;
		for (j = 0; j < off; j++)
			if (base[j] != GUARD) {
				fz_fail("%s: byte written %zu before the struct", what, off - j);
				break;
			}
		if (has_guard_region(place))
			for (j = off + len; j < 2 * PG; j++)
				if (base[j] != GUARD) {
					fz_fail("%s: byte written %zu past the caller's size",
						what, j - off - len);
					break;
				}
		/* bytes past the module's struct (a tail the caller knows) untouched */
		wr_limit = usize < ksize ? usize : ksize;
		for (j = wr_limit; j < len; j++)
			if (p[j] != before[j]) {
				fz_fail("%s: byte %zu past min(size, struct) changed", what, j);
				break;
			}
		memcpy(st, p, len);
	}
	if (ro && e == 0 && !cmds[c].no_copy_out && c != C_UNKNOWN)
		fz_fail("%s: succeeded although its struct was read-only", what);
	if ((place == P_NULL || place == P_UNMAPPED || place == P_KERNEL) && e != EFAULT &&
	    e != ENOTTY && e != EBADF && e != EPERM)
		fz_fail("%s: %s for an unreadable struct (EFAULT expected)", what, fz_errname(e));
	return e;
}

/* ---- invariants: object counts ------------------------------------------------ */

static int key_info(uint32_t handle, struct mpcsign_key_info *ki)
{
	memset(ki, 0, sizeof(*ki));
	ki->size = sizeof(*ki);
	ki->handle = handle;
	return ioctl(R->fd, MPCSIGN_IOC_KEY_INFO, ki) ? errno : 0;
}

/* keys that were there before we started (another test's), not ours */
static uint32_t key_base[64];
static int nkey_base;

static int model_has_key(uint32_t h)
{
	for (int i = 0; i < nkey_base; i++)
		if (key_base[i] == h)
			return 1;
	for (int i = 0; i < MAXG; i++)
		if (R->grp[i].used)
			for (uint32_t k = 0; k < R->grp[i].g.n; k++)
				if (R->grp[i].g.handle[k] == h)
					return 1;
	for (int i = 0; i < R->nforeign_key; i++)
		if (R->foreign_key[i] == h)
			return 1;
	return 0;
}

static void key_delete_raw(uint32_t h)
{
	struct mpcsign_key_delete kd = { .size = sizeof(kd), .handle = h };

	ioctl(R->fd, MPCSIGN_IOC_KEY_DELETE, &kd);
}

/*
 * After a call that may make a key: a key at a handle nobody was told of
 * is an orphan (cyclic handles: the next ones after the highest known).
 */
static void keys_probe(const char *after, int err, uint32_t new_handle)
{
	struct mpcsign_key_info ki;
	uint32_t h, top = new_handle > R->key_hwm ? new_handle : R->key_hwm;

	for (h = R->key_hwm + 1; h <= top + 2; h++) {
		int e;

		if (h == new_handle)
			continue;
		e = key_info(h, &ki);
		if (e == ENOENT || model_has_key(h))
			continue;
		R->leaks++;
		fz_fail("orphan key share: handle %u exists (KEY_INFO: %s, owner %u) after %s "
			"returned %s, and nobody was told its handle", h, fz_errname(e),
			ki.owner_uid, after, fz_errname(err));
		key_delete_raw(h);
		if (h > top)
			top = h;
	}
	if (top > R->key_hwm)
		R->key_hwm = top;
}

static void hk_forget(uint32_t h);

/* host keys that were there before we started (other tests', if any) */
static uint32_t hk_base[64];
static int nhk_base;

static int hk_known(uint32_t h)
{
	for (int j = 0; j < R->nhk; j++)
		if (R->hk[j].handle == h)
			return 1;
	for (int j = 0; j < R->nforeign_hk; j++)
		if (R->foreign_hk[j] == h)
			return 1;
	for (int j = 0; R->root && j < nhk_base; j++)
		if (hk_base[j] == h)
			return 1;
	return 0;
}

/*
 * The host keys listed are exactly ours (and, for root, the foreign and
 * baseline ones): an extra one is an orphan, a missing one was deleted by a
 * call that reported failure.
 */
static void hks_check(const char *after, int err)
{
	uint32_t handles[64];
	struct mpcsign_host_key_list kl = { .size = sizeof(kl), .max = 64 };

	kl.handles = (uintptr_t)handles;
	if (ioctl(R->fd, MPCSIGN_IOC_HOST_KEY_LIST, &kl)) {
		fz_fail("HOST_KEY_LIST: %s", fz_errname(errno));
		return;
	}
	for (uint32_t i = 0; i < kl.count && i < 64; i++) {
		struct mpcsign_host_key hk = { .size = sizeof(hk), .handle = handles[i] };

		if (hk_known(handles[i]))
			continue;
		R->leaks++;
		fz_fail("orphan host key %u (listed, nobody was told of it) after %s returned %s",
			handles[i], after, fz_errname(err));
		ioctl(R->fd, MPCSIGN_IOC_HOST_KEY_DELETE, &hk);
	}
	for (int j = R->nhk - 1; j >= 0; j--) {
		uint32_t i;

		for (i = 0; i < kl.count && i < 64; i++)
			if (handles[i] == R->hk[j].handle)
				break;
		if (i < kl.count && i < 64)
			continue;
		fz_fail("host key %u is gone after %s returned %s", R->hk[j].handle, after,
			fz_errname(err));
		hk_forget(R->hk[j].handle);
	}
}

static int outstanding_of(uint32_t key)
{
	int n = 0;

	for (int i = 0; i < R->nout; i++)
		n += R->out[i].key == key;
	return n;
}

static void nonce_dead(uint32_t h)
{
	if (R->ndead < MAXDEAD)
		R->dead_nonce[R->ndead++] = h;
	else
		R->dead_nonce[fz_below(&R->rng, MAXDEAD)] = h;
}

static void nonce_remove(int i)
{
	nonce_dead(R->out[i].handle);
	R->out[i] = R->out[--R->nout];
}

/* KEY_INFO's nonce count against the model */
static void nonces_check(uint32_t key, const char *after, int err)
{
	struct mpcsign_key_info ki;
	int e = key_info(key, &ki);

	if (e)
		return;
	if ((int)ki.nonces != outstanding_of(key)) {
		fz_fail("key %u: %u outstanding nonces, %d expected, after %s returned %s", key,
			ki.nonces, outstanding_of(key), after, fz_errname(err));
		R->leaks++;
	}
}

/* ---- model helpers -------------------------------------------------------------- */

static struct grp *grp_new(void)
{
	for (int i = 0; i < MAXG; i++)
		if (!R->grp[i].used) {
			memset(&R->grp[i], 0, sizeof(R->grp[i]));
			R->grp[i].used = 1;
			return &R->grp[i];
		}
	return NULL;
}

static int nkeys(void)
{
	int n = 0;

	for (int i = 0; i < MAXG; i++)
		if (R->grp[i].used)
			for (uint32_t k = 0; k < R->grp[i].g.n; k++)
				n += !!R->grp[i].g.handle[k];
	return n;
}

static void key_forget(uint32_t h)
{
	for (int i = 0; i < MAXG; i++)
		for (uint32_t k = 0; R->grp[i].used && k < R->grp[i].g.n; k++)
			if (R->grp[i].g.handle[k] == h)
				R->grp[i].g.handle[k] = 0;
	for (int i = R->nout - 1; i >= 0; i--)
		if (R->out[i].key == h)
			nonce_remove(i);
	if (R->nstale_key < 64)
		R->stale_key[R->nstale_key++] = h;
	else
		R->stale_key[fz_below(&R->rng, 64)] = h;
}

static void grp_gc(void)
{
	for (int i = 0; i < MAXG; i++) {
		struct grp *g = &R->grp[i];
		int any = 0;

		if (!g->used)
			continue;
		for (uint32_t k = 0; k < g->g.n; k++)
			any |= !!g->g.handle[k];
		if (!any && !(g->dkg && g->rd_len))
			g->used = 0;
	}
}

static void hk_forget(uint32_t h)
{
	for (int i = 0; i < R->nhk; i++)
		if (R->hk[i].handle == h) {
			R->hk[i] = R->hk[--R->nhk];
			break;
		}
	/* DKG groups that need this host key for recovery lose that ability */
	for (int i = 0; i < MAXG; i++)
		if (R->grp[i].used && R->grp[i].dkg)
			for (uint32_t k = 0; k < R->grp[i].g.n; k++)
				if (R->grp[i].hk[k] == h)
					R->grp[i].rd_len = 0;
	if (R->nstale_hk < 64)
		R->stale_hk[R->nstale_hk++] = h;
}

/* a handle for a garbage call: ours, stale, foreign, or random */
static uint32_t pick_key_handle(void)
{
	uint32_t have[MAXG * FZ_MAXN];
	int n = 0;

	for (int i = 0; i < MAXG; i++)
		for (uint32_t k = 0; R->grp[i].used && k < R->grp[i].g.n; k++)
			if (R->grp[i].g.handle[k])
				have[n++] = R->grp[i].g.handle[k];
	switch (fz_below(&R->rng, 6)) {
	case 0:
	case 1:
		if (n)
			return have[fz_below(&R->rng, n)];
		/* fall through */
	case 2:
		if (R->nstale_key)
			return R->stale_key[fz_below(&R->rng, R->nstale_key)];
		/* fall through */
	case 3:
		if (R->nforeign_key)
			return R->foreign_key[fz_below(&R->rng, R->nforeign_key)];
		/* fall through */
	case 4:
		return 0;
	default:	/* far from any handle in use */
		return 0x40000000u + (uint32_t)fz_below(&R->rng, 0x3fffffff);
	}
}

static uint32_t pick_hk_handle(void)
{
	switch (fz_below(&R->rng, 5)) {
	case 0:
	case 1:
		if (R->nhk)
			return R->hk[fz_below(&R->rng, R->nhk)].handle;
		/* fall through */
	case 2:
		if (R->nstale_hk)
			return R->stale_hk[fz_below(&R->rng, R->nstale_hk)];
		/* fall through */
	case 3:
		if (R->nforeign_hk)
			return R->foreign_hk[fz_below(&R->rng, R->nforeign_hk)];
		return 0;
	default:
		return 0x40000000u + (uint32_t)fz_below(&R->rng, 0x3fffffff);
	}
}

static uint32_t pick_nonce_handle(void)
{
	if (R->nout && fz_chance(&R->rng, 2))
		return R->out[fz_below(&R->rng, R->nout)].handle;
	if (R->ndead && fz_chance(&R->rng, 2))
		return R->dead_nonce[fz_below(&R->rng, R->ndead)];
	return fz_chance(&R->rng, 2) ? 0 : 0x40000000u + (uint32_t)fz_below(&R->rng, 0x3fffffff);
}

/* ---- mutations of a valid call -------------------------------------------------- */

enum {
	M_NONE,
	/* must not change the result */
	M_MISALIGN, M_PAGEEND, M_ZERO_TAIL, M_ALT_REQ,
	/* must fail with their own errno */
	M_RO, M_NULL, M_UNMAPPED, M_PARTIAL, M_SMALL, M_HUGE, M_TAIL, M_FLAGS, M_RESERVED,
	M_RO_FD,
	M_N
};
static const char *const mut_name[M_N] = {
	"none", "misaligned", "page-end", "zero-tail", "other-ioctl-size", "read-only",
	"NULL", "unmapped", "partial", "size<VER0", "size>PAGE", "nonzero-tail", "flags",
	"reserved", "read-only-fd"
};

/* the offset of a reserved field that must be zero, per command */
static size_t reserved_off(int c)
{
	switch (c) {
	case C_GET_INFO: return offsetof(struct mpcsign_info, reserved);
	case C_KEY_IMPORT: return offsetof(struct mpcsign_key_import, reserved);
	case C_KEY_INFO: return offsetof(struct mpcsign_key_info, reserved);
	case C_KEY_DELETE: return offsetof(struct mpcsign_key_delete, reserved);
	case C_NONCE_GEN: return offsetof(struct mpcsign_nonce_gen, reserved);
	case C_SIGN: return offsetof(struct mpcsign_sign, reserved);
	case C_KEY_LOOKUP: return offsetof(struct mpcsign_key_lookup, reserved);
	case C_HK_CREATE: case C_HK_IMPORT: case C_HK_INFO: case C_HK_DELETE:
		return offsetof(struct mpcsign_host_key, reserved);
	case C_HK_LIST: return offsetof(struct mpcsign_host_key_list, reserved);
	case C_HK_SIGN: return offsetof(struct mpcsign_host_key_sign, reserved);
	case C_HK_LOOKUP: return offsetof(struct mpcsign_host_key_lookup, reserved);
	case C_STEP1: return offsetof(struct mpcsign_dkg_step1, reserved);
	case C_STEP2: return offsetof(struct mpcsign_dkg_step2, reserved);
	case C_FINALIZE: case C_RECOVER: return offsetof(struct mpcsign_dkg_output, reserved);
	case C_INVESTIGATE: return offsetof(struct mpcsign_dkg_investigate, reserved);
	case C_ABORT: return offsetof(struct mpcsign_dkg_abort, reserved);
	case C_ACK: return offsetof(struct mpcsign_recovery_ack, reserved);
	}
	return 8;
}

static uint32_t allowed_flags(int c)
{
	return c == C_NONCE_GEN ? MPCSIGN_NONCE_F_ALL : c == C_ACK ? MPCSIGN_ACK_F_PARAMS :
	       c == C_KEY_LOOKUP ? MPCSIGN_LOOKUP_F_ID : 0;
}

/*
 * Make a valid call of command c with struct st (ksize bytes, size set),
 * applying mutation m.  *expect gets the errno the mutation must give (-1:
 * the plain call's result, whatever it is; -2: any documented error, or
 * success if the call writes nothing back).  Returns the result.
 */
static int call_mut(int c, void *st, int m, int *expect)
{
	uint8_t buf[8192];
	size_t len = cmds[c].ksize;
	uint32_t usize = (uint32_t)len;
	int place = P_NORMAL, fd = R->fd;
	unsigned long req = cmds[c].req;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, st, len);
	*expect = -1;
	switch (m) {
	case M_MISALIGN: place = P_MISALIGN; break;
	case M_PAGEEND: place = P_PAGEEND; break;
	case M_ZERO_TAIL:	/* up to exactly PAGE_SIZE: allowed */
		len = fz_chance(&R->rng, 4) ? PG : len + 8 * (1 + fz_below(&R->rng, 64));
		usize = (uint32_t)len;
		break;
	case M_ALT_REQ:	/* type and number only are matched */
		req = _IOC(_IOC_NONE, MPCSIGN_IOC_MAGIC, _IOC_NR(req), 0);
		break;
	case M_RO:	/* may fail (EFAULT); call() fails a success that wrote nothing */
		place = P_RO;
		*expect = -2;
		break;
	case M_NULL: place = P_NULL; *expect = EFAULT; break;
	case M_UNMAPPED: place = P_UNMAPPED; *expect = EFAULT; break;
	case M_PARTIAL: place = P_PARTIAL; *expect = EFAULT; break;
	case M_SMALL:
		usize = (uint32_t)cmds[c].ver0 - 1 - fz_below(&R->rng, (uint32_t)cmds[c].ver0);
		*expect = EINVAL;
		break;
	case M_HUGE:
		usize = fz_chance(&R->rng, 2) ? PG + 1 + fz_below(&R->rng, 100) : 0xffffffffu;
		*expect = EINVAL;
		break;
	case M_TAIL:
		len += 8 * (1 + fz_below(&R->rng, 16));
		usize = (uint32_t)len;
		buf[cmds[c].ksize + fz_below(&R->rng, (uint32_t)(len - cmds[c].ksize))] =
			1 + fz_below(&R->rng, 255);
		*expect = E2BIG;
		break;
	case M_FLAGS: {
		uint32_t f, bad = ~allowed_flags(c);

		do
			f = (uint32_t)fz_next(&R->rng) & bad;
		while (!f);
		buf[4] |= f & 0xff; buf[5] |= (f >> 8) & 0xff; buf[6] |= (f >> 16) & 0xff;
		buf[7] |= f >> 24;
		*expect = EINVAL;
		break;
	}
	case M_RESERVED:
		buf[reserved_off(c) + fz_below(&R->rng, 16)] = 1 + fz_below(&R->rng, 255);
		*expect = EINVAL;
		break;
	case M_RO_FD:
		fd = R->rofd;
		*expect = cmds[c].read_only ? -1 : EBADF;
		break;
	}
	memcpy(buf, &usize, 4);
	/* imports check the capability first */
	if (!R->root && (c == C_KEY_IMPORT || c == C_HK_IMPORT) && *expect != EBADF)
		*expect = EPERM;
	if (g_inner_bad) {	/* an inner buffer of an otherwise valid call */
		g_inner_bad = 0;
		if (*expect == -1)
			*expect = -3;
	}
	{
		int e = call(c, req, fd, buf, len, place);

		if (place != P_NULL && place != P_UNMAPPED && place != P_PARTIAL)
			memcpy(st, buf, cmds[c].ksize);
		if (*expect >= 0 && e != *expect)
			fz_fail("%s with mutation %s: %s, %s expected", cmds[c].name, mut_name[m],
				fz_errname(e), fz_errname(*expect));
		if (*expect == -3 && e != EFAULT && e != ENOSPC && e != EDQUOT && e != EPERM)
			fz_fail("%s with a bad inner buffer: %s, EFAULT expected", cmds[c].name,
				fz_errname(e));
		g_last_expect = *expect;
		g_retry = 0;
		return e;
	}
}

static int pick_mut(void)
{
	if (!fz_chance(&R->rng, 3))
		return M_NONE;
	return 1 + fz_below(&R->rng, M_N - 1);
}

/* the size field in the struct says what the module knows (or ours) */
static void set_size(void *st, size_t n)
{
	uint32_t v = (uint32_t)n;

	memcpy(st, &v, 4);
}

/* ---- flows ---------------------------------------------------------------------- */

static int import_share(struct fz_group *g, uint32_t i, int m)
{
	struct mpcsign_key_import ki;
	uint8_t pubs[FZ_MAXN * 33];
	int e, expect, bk = B_NORMAL;

	memcpy(pubs, g->pub, (size_t)g->n * 33);
	memset(&ki, 0, sizeof(ki));
	set_size(&ki, sizeof(ki));
	ki.my_id = i;
	ki.t = g->t;
	ki.n = g->n;
	if (m == M_NONE && fz_chance(&R->rng, 4))
		bk = fz_chance(&R->rng, 2) ? B_PAGEEND : B_MISALIGN;
	bufs_reset();
	ki.pubshares = ibuf(m, 0, bk, pubs, (size_t)g->n * 33);
	ki.pubshares_len = g->n * 33;
	memcpy(ki.secshare, g->sec[i], 32);
	memcpy(ki.thresh_pk, g->thresh_pk, 33);
	e = call_mut(C_KEY_IMPORT, &ki, m, &expect);
	bufs_check("KEY_IMPORT");
	keys_probe("KEY_IMPORT", e, e ? 0 : ki.handle);
	if (!e) {
		g->handle[i] = ki.handle;
		if (ki.handle > R->key_hwm)
			R->key_hwm = ki.handle;
	}
	return e;
}

static void op_import(void)
{
	struct grp *gr;
	uint32_t n = 1 + fz_below(&R->rng, 3), t = 1 + fz_below(&R->rng, n), i;

	if (nkeys() + (int)n > 14 || !(gr = grp_new()))
		return;
	fz_deal(&R->rng, &gr->g, t, n);
	for (i = 0; i < n; i++) {
		int m = pick_mut(), e = import_share(&gr->g, i, m);

		if (e && e != EPERM && g_last_expect != -1) {
			g_retry = 1;
			e = import_share(&gr->g, i, M_NONE);
			g_retry = 0;
		}
		if (e && e != ENOSPC && e != EPERM)
			fz_fail("KEY_IMPORT of a dealt share (%u of %u-of-%u): %s", i, t, n,
				fz_errname(e));
	}
	if (!R->root)
		gr->used = 0;
	grp_gc();
}

static int nonce_gen(uint32_t key, uint8_t pubnonce[66], uint32_t *handle,
		     const struct fz_round *rd)
{
	struct mpcsign_nonce_gen ng;
	int e, expect, m = pick_mut();

	memset(&ng, 0, sizeof(ng));
	set_size(&ng, sizeof(ng));
	ng.key_handle = key;
	bufs_reset();
	if (fz_chance(&R->rng, 2)) {
		ng.flags |= MPCSIGN_NONCE_F_MSG;
		ng.msg = ibuf(m, 0, fz_chance(&R->rng, 3) ? B_PAGEEND : B_NORMAL, rd->msg,
			      rd->s.msg_len);
		ng.msg_len = rd->s.msg_len;
	}
	if (fz_chance(&R->rng, 3)) {
		ng.flags |= MPCSIGN_NONCE_F_EXTRA_IN;
		ng.extra_in = ibuf(m, 0, B_MISALIGN, rd->msg, 7);
		ng.extra_in_len = 7;
	}
	if (fz_chance(&R->rng, 3)) {
		ng.flags |= MPCSIGN_NONCE_F_THRESH_PK;
		memcpy(ng.thresh_pk_x, rd->s.thresh_pk + 1, 32);
	}
	e = call_mut(C_NONCE_GEN, &ng, m, &expect);
	bufs_check("NONCE_GEN");
	if (!e) {
		if (R->nout < 64) {
			R->out[R->nout].handle = ng.nonce_handle;
			R->out[R->nout++].key = key;
		}
		memcpy(pubnonce, ng.pubnonce, 66);
		*handle = ng.nonce_handle;
	}
	nonces_check(key, "NONCE_GEN", e);
	return e;
}

static int out_index(uint32_t h)
{
	for (int i = 0; i < R->nout; i++)
		if (R->out[i].handle == h)
			return i;
	return -1;
}

static int is_dead_nonce(uint32_t h)
{
	for (int i = 0; i < R->ndead; i++)
		if (R->dead_nonce[i] == h)
			return 1;
	return 0;
}

/* After a SIGN: learn from the key's nonce count whether the nonce went. */
static void sign_settle(uint32_t nonce, uint32_t key, int e)
{
	struct mpcsign_key_info ki;
	int i = out_index(nonce);

	if (i < 0)
		return;
	if (!e || key_info(key, &ki)) {
		nonce_remove(i);
		return;
	}
	if ((int)ki.nonces == outstanding_of(key) - 1)
		nonce_remove(i);
	else if ((int)ki.nonces != outstanding_of(key))
		fz_fail("key %u: %u nonces after SIGN (%s), %d or %d expected", key, ki.nonces,
			fz_errname(e), outstanding_of(key), outstanding_of(key) - 1);
}

static void op_sign(void)
{
	struct fz_round rd;
	struct grp *gr = NULL;
	uint8_t sig[64];
	uint32_t i, blame, keyh[FZ_MAXN];
	int cand[MAXG], nc = 0, e, ok = 1;

	for (int k = 0; k < MAXG; k++)
		if (R->grp[k].used)
			cand[nc++] = k;
	if (!nc)
		return;
	gr = &R->grp[cand[fz_below(&R->rng, nc)]];
	if (fz_round_setup(&R->rng, &gr->g, &rd))
		return;
	for (i = 0; i < rd.u; i++) {
		keyh[i] = gr->g.handle[rd.ids[i]];
		e = nonce_gen(keyh[i], rd.pubnonces[i], &rd.nonce[i], &rd);
		if (e == EFAULT || e == EINVAL || e == E2BIG || e == EBADF)	/* a mutation */
			e = nonce_gen(keyh[i], rd.pubnonces[i], &rd.nonce[i], &rd);
		if (e) {
			if (e != ENOSPC && e != EDQUOT && e != EFAULT && e != EINVAL && e != E2BIG &&
			    e != EBADF)
				fz_fail("NONCE_GEN on key %u: %s", keyh[i], fz_errname(e));
			ok = 0;
			rd.u = i;
			break;
		}
	}
	if (ok && mpcsign_coord_nonce_agg(rd.aggnonce, (const uint8_t (*)[66])rd.pubnonces, rd.u,
					  &blame)) {
		fz_fail("nonce aggregation of kernel pubnonces failed");
		ok = 0;
	}
	for (i = 0; i < rd.u; i++) {
		struct mpcsign_sign sg;
		int m = ok ? pick_mut() : M_NONE, expect, first = 1;

		if (!ok)	/* leave the rest for a garbage SIGN or key delete */
			break;
again:
		fz_round_sign_struct(&rd, i, &sg);
		bufs_reset();
		if (m == M_NONE && fz_chance(&R->rng, 3)) {	/* inner buffers elsewhere */
			sg.ids = ibuf(m, 0, B_PAGEEND, rd.ids, rd.u * 4);
			sg.pubshares = ibuf(m, 0, B_MISALIGN, rd.pubshares, rd.u * 33);
			sg.msg = ibuf(m, 0, B_PAGEEND, rd.msg, rd.s.msg_len);
			sg.tweaks = ibuf(m, 0, B_RO, rd.tweaks, rd.s.num_tweaks * 32);
		}
		e = call_mut(C_SIGN, &sg, m, &expect);
		bufs_check("SIGN");
		if (!e && is_dead_nonce(rd.nonce[i]))
			fz_fail("SIGN succeeded with consumed nonce %u", rd.nonce[i]);
		sign_settle(rd.nonce[i], keyh[i], e);
		if (!e) {
			memcpy(rd.psig[i], sg.psig, 32);
			continue;
		}
		if (out_index(rd.nonce[i]) >= 0 && first) {	/* not consumed: again */
			first = 0;
			m = M_NONE;
			goto again;
		}
		if (expect == -1)
			fz_fail("SIGN (signer %u of %u, key %u): %s", i, rd.u, keyh[i], fz_errname(e));
		ok = 0;
		R->rounds_aborted++;
	}
	if (ok && rd.u) {
		e = fz_round_verify(&rd, sig);
		if (e)
			fz_fail("a FROST signature from the module does not verify: %s",
				fz_errname(-e));
		else
			R->sigs_ok++;
		/* a used nonce never signs again */
		if (rd.u) {
			struct mpcsign_sign sg;
			int expect;

			i = fz_below(&R->rng, rd.u);
			fz_round_sign_struct(&rd, i, &sg);
			e = call_mut(C_SIGN, &sg, M_NONE, &expect);
			if (e != ENOENT)
				fz_fail("SIGN again with used nonce %u: %s (ENOENT expected)",
					rd.nonce[i], fz_errname(e));
		}
	}
}

/* SIGN with a nonce that is gone, with an otherwise valid session */
static void op_dead_nonce(void)
{
	struct fz_round rd;
	struct mpcsign_sign sg;
	int expect, e;

	if (!R->ndead)
		return;
	for (int k = 0; k < MAXG; k++) {
		if (!R->grp[k].used || fz_round_setup(&R->rng, &R->grp[k].g, &rd))
			continue;
		rd.nonce[0] = R->dead_nonce[fz_below(&R->rng, R->ndead)];
		fz_round_sign_struct(&rd, 0, &sg);
		e = call_mut(C_SIGN, &sg, M_NONE, &expect);
		if (e != ENOENT)
			fz_fail("SIGN with consumed nonce %u: %s (ENOENT expected)", rd.nonce[0],
				fz_errname(e));
		return;
	}
}

static int hk_create(int m)
{
	struct mpcsign_host_key hk;
	int e, expect;

	memset(&hk, 0, sizeof(hk));
	set_size(&hk, sizeof(hk));
	e = call_mut(C_HK_CREATE, &hk, m, &expect);
	if (!e && R->nhk < MAXHK) {
		R->hk[R->nhk].handle = hk.handle;
		memcpy(R->hk[R->nhk++].pub, hk.hostpubkey, 33);
	} else if (!e) {
		struct mpcsign_host_key d = { .size = sizeof(d), .handle = hk.handle };

		ioctl(R->fd, MPCSIGN_IOC_HOST_KEY_DELETE, &d);
	}
	hks_check("HOST_KEY_CREATE", e);
	return e;
}

static void op_hk_create(void)
{
	if (R->nhk < 5)
		hk_create(pick_mut());
}

static int hk_delete(uint32_t h, int m)
{
	struct mpcsign_host_key hk;
	int e, expect;

	memset(&hk, 0, sizeof(hk));
	set_size(&hk, sizeof(hk));
	hk.handle = h;
	e = call_mut(C_HK_DELETE, &hk, m, &expect);
	if (!e)
		hk_forget(h);
	hks_check("HOST_KEY_DELETE", e);
	return e;
}

static int key_delete(uint32_t h, int m)
{
	struct mpcsign_key_delete kd;
	int e, expect;

	memset(&kd, 0, sizeof(kd));
	set_size(&kd, sizeof(kd));
	kd.handle = h;
	e = call_mut(C_KEY_DELETE, &kd, m, &expect);
	if (!e) {
		if (!model_has_key(h))
			fz_fail("KEY_DELETE deleted key %u that nobody knew of", h);
		key_forget(h);
	}
	return e;
}

static void op_delete(void)
{
	if (fz_chance(&R->rng, 3) && R->nhk > 3) {
		hk_delete(R->hk[fz_below(&R->rng, R->nhk)].handle, pick_mut());
		return;
	}
	if (nkeys() < 4 && fz_chance(&R->rng, 2))
		return;
	for (int k = 0; k < MAXG; k++) {
		struct grp *g = &R->grp[(k + fz_below(&R->rng, MAXG)) % MAXG];

		if (!g->used)
			continue;
		for (uint32_t i = 0; i < g->g.n; i++)
			if (g->g.handle[i]) {
				int e = key_delete(g->g.handle[i], pick_mut());

				if (e && g->g.handle[i])
					key_delete(g->g.handle[i], M_NONE);
				grp_gc();
				return;
			}
	}
}

/* the 3 host keys of a DKG: slots into R->hk, creating what is missing */
static int dkg_hostkeys(int slot[3])
{
	while (R->nhk < 3) {
		int e = hk_create(M_NONE);

		if (e) {
			if (e != EDQUOT && e != ENOSPC)
				fz_fail("HOST_KEY_CREATE: %s", fz_errname(e));
			return e;
		}
	}
	/* three distinct ones, random order */
	slot[0] = fz_below(&R->rng, R->nhk);
	do
		slot[1] = fz_below(&R->rng, R->nhk);
	while (slot[1] == slot[0]);
	do
		slot[2] = fz_below(&R->rng, R->nhk);
	while (slot[2] == slot[0] || slot[2] == slot[1]);
	return 0;
}

/* the victim of a faulty participant: step 2 said EREMOTEIO; investigate */
static void dkg_investigate(struct mpcsign_dkg_coord *co, uint8_t *const *pmsg1,
			    const size_t *plen, uint32_t session, uint32_t me, uint32_t faulty,
			    int step2_err, const struct mpcsign_dkg_blame *b2)
{
	struct mpcsign_dkg_investigate a;
	uint8_t *cinvs = NULL;
	size_t cinvs_len, one = mpcsign_dkg_cinv_len(3);
	int e, expect, m = pick_mut(), tries = 0;

	if (step2_err != EREMOTEIO || b2->kind != MPCSIGN_DKG_UNKNOWN_FAULTY) {
		fz_fail("DKG_STEP2 of participant %u with a bad share from %u: %s (kind %u), "
			"EREMOTEIO expected", me, faulty, fz_errname(step2_err), b2->kind);
		return;
	}
	if (mpcsign_dkg_coord_investigate(co, (const uint8_t *const *)pmsg1, plen, &cinvs,
					  &cinvs_len) || cinvs_len != 3 * one) {
		fz_fail("coordinator investigation");
		free(cinvs);
		return;
	}
retry:
	g_retry = tries;
	memset(&a, 0, sizeof(a));
	set_size(&a, sizeof(a));
	a.session = session;
	bufs_reset();
	a.cinv = ibuf(m, 0, fz_chance(&R->rng, 2) ? B_PAGEEND : B_RO, cinvs + me * one, one);
	/*
	 * a wrong length only with a good buffer: the module checks the length
	 * first (EINVAL), so a bad buffer with a bad length need not fault
	 */
	a.cinv_len = (uint32_t)(one - (m == M_NONE && !g_inner_bad && fz_chance(&R->rng, 8) ? 1 : 0));
	e = call_mut(C_INVESTIGATE, &a, m, &expect);
	bufs_check("DKG_INVESTIGATE");
	if (a.cinv_len != one && expect == -1 && e != EINVAL)
		fz_fail("DKG_INVESTIGATE with a message of the wrong size: %s", fz_errname(e));
	if (expect == -2) {	/* read-only struct: the answer is lost, the session too */
		free(cinvs);
		return;
	}
	/* a wrong length (EINVAL) or a refused struct: the session waits */
	if (e != EBADMSG && tries++ == 0 && (expect != -1 || a.cinv_len != one)) {
		m = M_NONE;
		goto retry;
	}
	if (expect == -1 && a.cinv_len == one &&
	    (e != EBADMSG || a.blame.participant != faulty ||
	     a.blame.kind != MPCSIGN_DKG_FAULTY_PARTICIPANT_OR_COORDINATOR))
		fz_fail("DKG_INVESTIGATE: %s blaming %u (kind %u), EBADMSG blaming %u expected",
			fz_errname(e), a.blame.participant, a.blame.kind, faulty);
	/* a message of the right size ended the session */
	if (e == EBADMSG) {
		memset(&a, 0, sizeof(a));
		set_size(&a, sizeof(a));
		a.session = session;
		a.cinv = (uintptr_t)(cinvs + me * one);
		a.cinv_len = (uint32_t)one;
		if ((e = call_mut(C_INVESTIGATE, &a, M_NONE, &expect)) != ENOENT)
			fz_fail("DKG_INVESTIGATE on an ended session: %s", fz_errname(e));
		R->investigations++;
	}
	free(cinvs);
}

static void op_dkg(void)
{
	const uint32_t n = 3;
	uint32_t t = 1 + fz_below(&R->rng, 3), session[3] = { 0 }, i;
	uint8_t hpk[3][33], *pmsg1[3] = { 0 }, pmsg2[3][64], *cmsg1 = NULL, *cmsg2 = NULL;
	uint8_t *rd = NULL, thresh_pk[33];
	size_t plen[3], cmsg1_len, cmsg2_len, rd_len;
	struct mpcsign_dkg_coord *co = NULL;
	struct grp *gr;
	int slot[3], e, expect, fin = 0;
	uint32_t faulty = ~0u, victim = ~0u;

	if (nkeys() > 10 || !(gr = grp_new()))
		return;
	if (dkg_hostkeys(slot)) {
		gr->used = 0;
		return;
	}
	for (i = 0; i < n; i++)
		memcpy(hpk[i], R->hk[slot[i]].pub, 33);
	if (mpcsign_dkg_coord_new(&co, t, n, (const uint8_t (*)[33])hpk))
		goto out;
	for (i = 0; i < n; i++) {
		struct mpcsign_dkg_step1 a;
		size_t cap = mpcsign_dkg_pmsg1_len(n, t);
		int m = pick_mut(), tries = 0;

		pmsg1[i] = malloc(cap);
retry1:
		g_retry = tries;
		memset(&a, 0, sizeof(a));
		set_size(&a, sizeof(a));
		a.host_key = R->hk[slot[i]].handle;
		a.t = t;
		a.n = n;
		bufs_reset();
		a.hostpubkeys = ibuf(m, 0, m == M_NONE && fz_chance(&R->rng, 3) ? B_PAGEEND :
				     B_NORMAL, hpk, n * 33);
		a.pmsg1 = ibuf(m, 1, m == M_NONE && fz_chance(&R->rng, 3) ? B_PAGEEND : B_NORMAL,
			       NULL, cap);
		a.pmsg1_len = (uint32_t)cap;
		e = call_mut(C_STEP1, &a, m, &expect);
		bufs_check("DKG_STEP1");
		if (e && g_last_expect != -1 && tries++ == 0) {
			m = M_NONE;
			goto retry1;
		}
		if (e) {
			if (e != EDQUOT && e != ENOSPC && g_last_expect == -1)
				fz_fail("DKG_STEP1 (participant %u): %s", i, fz_errname(e));
			goto out;
		}
		session[i] = a.session;
		plen[i] = a.pmsg1_len;
		memcpy(pmsg1[i], buf_data(a.pmsg1), plen[i]);
	}
	/* sometimes participant `faulty` sends a bad encrypted share to `victim`
	 * (the last 32n bytes of pmsg1): the victim's step 2 finds that somebody
	 * is faulty and the investigation names the participant */
	if (t >= 2 && fz_chance(&R->rng, 4)) {
		faulty = fz_below(&R->rng, n);
		victim = (faulty + 1 + fz_below(&R->rng, n - 1)) % n;
		pmsg1[faulty][plen[faulty] - n * 32 + victim * 32 + 7] ^= 1;
	}
	if (mpcsign_dkg_coord_step1(co, (const uint8_t *const *)pmsg1, plen, &cmsg1, &cmsg1_len,
				    NULL)) {
		fz_fail("coordinator step 1 on the module's pmsg1");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct mpcsign_dkg_step2 a;
		int m = i == victim ? M_NONE : pick_mut(), tries = 0;

retry2:
		g_retry = tries;
		memset(&a, 0, sizeof(a));
		set_size(&a, sizeof(a));
		a.session = session[i];
		bufs_reset();
		a.cmsg1 = ibuf(m, 0, m == M_NONE && fz_chance(&R->rng, 2) ? B_RO : B_NORMAL, cmsg1,
			       cmsg1_len);
		a.cmsg1_len = (uint32_t)cmsg1_len;
		e = call_mut(C_STEP2, &a, m, &expect);
		bufs_check("DKG_STEP2");
		if (i == victim && g_last_expect == -1) {
			dkg_investigate(co, pmsg1, plen, session[i], i, faulty, e, &a.blame);
			goto out;	/* (aborts what is left) */
		}
		if (e && g_last_expect != -1 && tries++ == 0 && e != EFAULT) {
			m = M_NONE;
			goto retry2;
		}
		if (e) {
			if (expect == -1)
				fz_fail("DKG_STEP2 (participant %u): %s", i, fz_errname(e));
			goto out;
		}
		memcpy(pmsg2[i], a.pmsg2, 64);
	}
	if (mpcsign_dkg_coord_finalize(co, (const uint8_t (*)[64])pmsg2, &cmsg2, &cmsg2_len, &rd,
				       &rd_len, thresh_pk, NULL)) {
		fz_fail("coordinator finalize on the module's pmsg2");
		goto out;
	}
	gr->dkg = 1;
	gr->g.n = n;
	gr->g.t = t;
	memcpy(gr->g.thresh_pk, thresh_pk, 33);
	for (i = 0; i < n; i++)
		gr->hk[i] = R->hk[slot[i]].handle;
	if (rd_len <= sizeof(gr->rd)) {
		memcpy(gr->rd, rd, rd_len);
		gr->rd_len = rd_len;
	}
	{	/* the public shares, as anybody gets them from the recovery data */
		struct mpcsign_dkg_public pub = { .pubshares = &gr->g.pub[0][0],
						  .pubshares_cap = sizeof(gr->g.pub) };

		if (mpcsign_dkg_coord_recover(rd, rd_len, &pub, NULL) || pub.n != n || pub.t != t ||
		    memcmp(pub.thresh_pk, thresh_pk, 33))
			fz_fail("coordinator_recover on the DKG's recovery data");
	}
	for (i = 0; i < n; i++) {
		struct mpcsign_dkg_output a;
		int m = pick_mut(), tries = 0;

retry3:
		g_retry = tries;
		memset(&a, 0, sizeof(a));
		set_size(&a, sizeof(a));
		a.session = session[i];
		bufs_reset();
		a.cmsg2 = ibuf(m, 0, B_NORMAL, cmsg2, cmsg2_len);
		a.cmsg2_len = (uint32_t)cmsg2_len;
		a.recovery_data = ibuf(m, 1, m == M_NONE && fz_chance(&R->rng, 3) ? B_PAGEEND :
				       B_NORMAL, NULL, rd_len);
		a.recovery_data_len = (uint32_t)rd_len;
		a.pubshares = ibuf(m, 1, m == M_NONE && fz_chance(&R->rng, 3) ? B_PAGEEND :
				   B_MISALIGN, NULL, n * 33);
		a.pubshares_len = n * 33;
		e = call_mut(C_FINALIZE, &a, m, &expect);
		bufs_check("DKG_FINALIZE");
		keys_probe("DKG_FINALIZE", e, e ? 0 : a.key);
		if (e && g_last_expect != -1 && tries++ == 0 &&
		    (e == EINVAL || e == E2BIG || e == EBADF || (e == EFAULT && m != M_RO))) {
			/* refused before the certificate: the session waits (an output
			 * buffer's EFAULT comes after it: then the session is gone, ENOENT) */
			m = M_NONE;
			goto retry3;
		}
		if (e) {
			if (expect == -1 && e != ENOSPC && e != EDQUOT && !(tries && e == ENOENT))
				fz_fail("DKG_FINALIZE (participant %u): %s", i, fz_errname(e));
			session[i] = 0;
			continue;
		}
		session[i] = 0;
		fin++;
		gr->g.handle[i] = a.key;
		if (a.key > R->key_hwm)
			R->key_hwm = a.key;
		if (a.my_id != i || a.t != t || a.n != n || memcmp(a.thresh_pk, thresh_pk, 33) ||
		    a.recovery_data_len != rd_len ||
		    memcmp(buf_data(a.recovery_data), rd, rd_len))
			fz_fail("DKG_FINALIZE (participant %u): output differs from the coordinator's", i);
		if (memcmp(gr->g.pub, buf_data(a.pubshares), n * 33))
			fz_fail("DKG_FINALIZE (participant %u): public shares differ", i);
	}
	if (fin == (int)n)
		R->dkgs_ok++;
out:
	for (i = 0; i < n; i++) {
		if (session[i]) {
			struct mpcsign_dkg_abort ab = { .size = sizeof(ab), .session = session[i] };

			ioctl(R->fd, MPCSIGN_IOC_DKG_ABORT, &ab);
		}
		free(pmsg1[i]);
	}
	free(cmsg1);
	free(cmsg2);
	free(rd);
	mpcsign_dkg_coord_free(co);
	if (!fin && !gr->rd_len)
		gr->used = 0;
	grp_gc();
}

/* delete a DKG share (if there) and make it again from the recovery data */
static void op_recover(void)
{
	struct mpcsign_dkg_output a;
	struct grp *gr = NULL;
	uint32_t i;
	int e, expect, m = pick_mut();

	for (int k = 0; k < MAXG && !gr; k++) {
		struct grp *g = &R->grp[(k + fz_below(&R->rng, MAXG)) % MAXG];

		if (g->used && g->dkg && g->rd_len)
			gr = g;
	}
	if (!gr)
		return;
	i = fz_below(&R->rng, gr->g.n);
	if (gr->g.handle[i] && key_delete(gr->g.handle[i], M_NONE))
		return;
	memset(&a, 0, sizeof(a));
	set_size(&a, sizeof(a));
	a.host_key = gr->hk[i];
	bufs_reset();
	a.recovery_data = ibuf(m, 0, fz_chance(&R->rng, 2) ? B_RO : B_PAGEEND, gr->rd, gr->rd_len);
	a.recovery_data_len = (uint32_t)gr->rd_len;
	a.pubshares = ibuf(m, 1, B_PAGEEND, NULL, gr->g.n * 33);
	a.pubshares_len = gr->g.n * 33;
	e = call_mut(C_RECOVER, &a, m, &expect);
	bufs_check("RECOVER");
	keys_probe("RECOVER", e, e ? 0 : a.key);
	if (!e) {
		gr->g.handle[i] = a.key;
		if (a.key > R->key_hwm)
			R->key_hwm = a.key;
		if (a.my_id != i || memcmp(a.thresh_pk, gr->g.thresh_pk, 33) ||
		    memcmp(buf_data(a.pubshares), gr->g.pub, gr->g.n * 33))
			fz_fail("RECOVER: output differs from the DKG's");
	} else if (expect == -1 && e != ENOSPC && e != EDQUOT) {
		fz_fail("RECOVER (participant %u): %s", i, fz_errname(e));
	}
	grp_gc();
}

/* all n recovery acks of a DKG group, verified by the coordinator */
static void op_ack(void)
{
	uint8_t acks[3][64];
	struct grp *gr = NULL;
	uint32_t i;
	int e, expect, ok = 1;

	for (int k = 0; k < MAXG && !gr; k++) {
		struct grp *g = &R->grp[(k + fz_below(&R->rng, MAXG)) % MAXG];

		if (g->used && g->dkg && g->rd_len)
			gr = g;
	}
	if (!gr)
		return;
	for (i = 0; i < gr->g.n; i++) {
		struct mpcsign_recovery_ack a;
		int m = pick_mut(), tries = 0;

retry:
		g_retry = tries;
		memset(&a, 0, sizeof(a));
		set_size(&a, fz_chance(&R->rng, 2) ? MPCSIGN_RECOVERY_ACK_SIZE_VER0 : sizeof(a));
		a.host_key = gr->hk[i];
		bufs_reset();
		a.recovery_data = ibuf(m, 0, B_NORMAL, gr->rd, gr->rd_len);
		a.recovery_data_len = (uint32_t)gr->rd_len;
		e = call_mut(C_ACK, &a, m, &expect);
		bufs_check("RECOVERY_ACK_SIGN");
		if (e && tries++ == 0) {
			m = M_NONE;
			goto retry;
		}
		if (e) {
			fz_fail("RECOVERY_ACK_SIGN: %s", fz_errname(e));
			ok = 0;
			break;
		}
		memcpy(acks[i], a.sig, 64);
	}
	if (ok && (e = mpcsign_dkg_acks_verify(gr->rd, gr->rd_len, (const uint8_t (*)[64])acks,
					       gr->g.n, NULL)))
		fz_fail("recovery acks from the module do not verify: %s", fz_errname(-e));
}

static void op_hk_sign(void)
{
	struct mpcsign_host_key_sign a;
	int e, expect, k;

	if (!cmds[C_HK_SIGN].implemented || !R->nhk)
		return;
	k = fz_below(&R->rng, R->nhk);
	memset(&a, 0, sizeof(a));
	set_size(&a, sizeof(a));
	a.handle = R->hk[k].handle;
	fz_bytes(&R->rng, a.msg, 32);
	e = call_mut(C_HK_SIGN, &a, pick_mut(), &expect);
	if (!e && mpcsign_transport_verify(a.sig, a.msg, R->hk[k].pub))
		fz_fail("HOST_KEY_SIGN: the signature does not verify");
}

static void op_lookup(void)
{
	int e, expect;

	if (cmds[C_HK_LOOKUP].implemented && R->nhk) {
		struct mpcsign_host_key_lookup a;
		int k = fz_below(&R->rng, R->nhk);

		memset(&a, 0, sizeof(a));
		set_size(&a, sizeof(a));
		memcpy(a.hostpubkey, R->hk[k].pub, 33);
		e = call_mut(C_HK_LOOKUP, &a, pick_mut(), &expect);
		if (!e && a.handle != R->hk[k].handle)
			fz_fail("HOST_KEY_LOOKUP: handle %u, %u expected", a.handle, R->hk[k].handle);
		if (expect == -1 && e && e != EBADF)
			fz_fail("HOST_KEY_LOOKUP of our host key: %s", fz_errname(e));
	}
	if (cmds[C_KEY_LOOKUP].implemented) {
		for (int g = 0; g < MAXG; g++) {
			struct grp *gr = &R->grp[(g + fz_below(&R->rng, MAXG)) % MAXG];
			struct mpcsign_key_lookup a;
			uint32_t id, have = 0, want;

			if (!gr->used)
				continue;
			for (id = 0; id < gr->g.n; id++)
				have += !!gr->g.handle[id];
			id = fz_below(&R->rng, gr->g.n);
			memset(&a, 0, sizeof(a));
			set_size(&a, sizeof(a));
			memcpy(a.thresh_pk, gr->g.thresh_pk, 33);
			if (fz_chance(&R->rng, 2)) {
				a.flags = MPCSIGN_LOOKUP_F_ID;
				a.my_id = id;
				want = gr->g.handle[id] ? 0 : ENOENT;
			} else {
				want = have == 0 ? ENOENT : have > 1 ? ENOTUNIQ : 0;
			}
			e = call_mut(C_KEY_LOOKUP, &a, pick_mut(), &expect);
			if (expect == -1 && e != EBADF && e != (int)want)
				fz_fail("KEY_LOOKUP: %s, %s expected", fz_errname(e), fz_errname(want));
			if (!e && !model_has_key(a.handle))
				fz_fail("KEY_LOOKUP gave handle %u, not one of ours", a.handle);
			break;
		}
	}
}

/* the read-only commands on our objects: results against the model */
static void op_info(void)
{
	int e, expect, m = pick_mut();

	switch (fz_below(&R->rng, 4)) {
	case 0: {	/* KEY_INFO with a public shares buffer, maybe too small */
		struct mpcsign_key_info ki;
		struct grp *gr = NULL;
		uint32_t id = 0, cap;

		for (int k = 0; k < MAXG && !gr; k++) {
			struct grp *g = &R->grp[(k + fz_below(&R->rng, MAXG)) % MAXG];

			for (id = 0; g->used && id < g->g.n && !gr; id++)
				if (g->g.handle[id])
					gr = g;
		}
		if (!gr)
			return;
		id--;
		cap = gr->g.n * 33 - (fz_chance(&R->rng, 4) ? 1 + fz_below(&R->rng, 33) : 0);
		memset(&ki, 0, sizeof(ki));
		set_size(&ki, sizeof(ki));
		ki.handle = gr->g.handle[id];
		bufs_reset();
		if (!fz_chance(&R->rng, 5)) {
			ki.pubshares = ibuf(m, 3, fz_chance(&R->rng, 2) ? B_PAGEEND : B_NORMAL, NULL, cap);
			ki.pubshares_len = cap;
		}
		e = call_mut(C_KEY_INFO, &ki, m, &expect);
		bufs_check("KEY_INFO");
		if (expect != -1 && expect != -3)
			return;
		if (e == 0 || e == ENOSPC) {
			if (e == ENOSPC && cap >= gr->g.n * 33)
				fz_fail("KEY_INFO: ENOSPC with room for %u bytes", cap);
			if (ki.my_id != id || ki.t != gr->g.t || ki.n != gr->g.n ||
			    ki.owner_uid != (R->root ? 0u : 65534u) ||
			    ki.nonces != (uint32_t)outstanding_of(ki.handle) ||
			    ki.pubshares_len != gr->g.n * 33 ||
			    memcmp(ki.thresh_pk, gr->g.thresh_pk, 33))
				fz_fail("KEY_INFO of key %u differs from what it was made of", ki.handle);
			if (e == 0 && ki.pubshares &&
			    memcmp(buf_data(ki.pubshares), gr->g.pub, gr->g.n * 33))
				fz_fail("KEY_INFO: public shares differ");
		} else if (expect == -1) {
			fz_fail("KEY_INFO of our key %u: %s", ki.handle, fz_errname(e));
		}
		return;
	}
	case 1: {
		struct mpcsign_host_key hk;
		int k;

		if (!R->nhk)
			return;
		k = fz_below(&R->rng, R->nhk);
		memset(&hk, 0, sizeof(hk));
		set_size(&hk, sizeof(hk));
		hk.handle = R->hk[k].handle;
		e = call_mut(C_HK_INFO, &hk, m, &expect);
		if (expect == -1 && (e || memcmp(hk.hostpubkey, R->hk[k].pub, 33) ||
				     hk.owner_uid != (R->root ? 0u : 65534u)))
			fz_fail("HOST_KEY_INFO of our host key: %s", fz_errname(e));
		return;
	}
	case 2: {	/* HOST_KEY_LIST into a guarded buffer of max entries */
		struct mpcsign_host_key_list kl;
		uint32_t max = fz_below(&R->rng, R->nhk + 3), *hs;

		memset(&kl, 0, sizeof(kl));
		set_size(&kl, sizeof(kl));
		bufs_reset();
		kl.max = max;
		/* a bad buffer is only written (and faults) if we hold max host keys */
		kl.handles = max ? ibuf(max <= (uint32_t)R->nhk ? m : -1, 3, B_PAGEEND, NULL,
					max * 4) : 0;
		e = call_mut(C_HK_LIST, &kl, m, &expect);
		bufs_check("HOST_KEY_LIST");
		if (expect != -1)
			return;
		if (e) {
			fz_fail("HOST_KEY_LIST: %s", fz_errname(e));
			return;
		}
		hs = (uint32_t *)buf_data(kl.handles);
		for (uint32_t i = 0; i < max && i < kl.count; i++)
			if (!hk_known(hs[i]))
				fz_fail("HOST_KEY_LIST gave handle %u, not ours", hs[i]);
		if (kl.count < (uint32_t)R->nhk)
			fz_fail("HOST_KEY_LIST: count %u, we hold %d", kl.count, R->nhk);
		return;
	}
	default: {
		struct mpcsign_info in;

		memset(&in, 0, sizeof(in));
		set_size(&in, sizeof(in));
		e = call_mut(C_GET_INFO, &in, m, &expect);
		if (expect == -1 && (e || in.abi_version != MPCSIGN_ABI_VERSION ||
				     in.size != sizeof(in)))
			fz_fail("GET_INFO: %s", fz_errname(e));
	}
	}
}

/* Consume outstanding nonces that no round will use (a bad SIGN) */
static void drain_nonces(void)
{
	while (R->nout > 6) {
		struct mpcsign_sign sg;
		struct mpcsign_key_info ki;
		uint32_t id, key = R->out[0].key, h = R->out[0].handle;
		int e, expect;

		if (key_info(key, &ki)) {
			nonce_remove(0);
			continue;
		}
		id = ki.my_id;
		memset(&sg, 0, sizeof(sg));
		sg.size = sizeof(sg);
		sg.nonce_handle = h;
		sg.num_signers = 1;
		bufs_reset();
		sg.ids = mkbuf(B_NORMAL, &id, 4);
		sg.pubshares = mkbuf(B_NORMAL, NULL, 33);	/* not a point */
		{
			struct mpcsign_sign again = sg;

			e = call_mut(C_SIGN, &sg, M_NONE, &expect);
			sg = again;
		}
		bufs_check("SIGN");
		if (!e)
			fz_fail("SIGN with an invalid public share succeeded");
		sign_settle(h, key, e);
		if (out_index(h) >= 0) {
			fz_fail("SIGN past its header checks (%s) did not consume nonce %u",
				fz_errname(e), h);
			nonce_remove(0);
		}
		e = call_mut(C_SIGN, &sg, M_NONE, &expect);
		if (e != ENOENT)
			fz_fail("SIGN again with consumed nonce %u: %s", h, fz_errname(e));
	}
}

/* another uid's handles, in valid calls: EACCES, nothing changes */
static void op_foreign(void)
{
	int e, expect;

	if (R->nforeign_key) {
		uint32_t h = R->foreign_key[fz_below(&R->rng, R->nforeign_key)];
		struct mpcsign_key_info ki;
		struct mpcsign_key_delete kd;
		struct mpcsign_nonce_gen ng;

		memset(&ki, 0, sizeof(ki));
		set_size(&ki, sizeof(ki));
		ki.handle = h;
		if ((e = call_mut(C_KEY_INFO, &ki, M_NONE, &expect)) != EACCES)
			fz_fail("KEY_INFO of another uid's key: %s", fz_errname(e));
		memset(&ng, 0, sizeof(ng));
		set_size(&ng, sizeof(ng));
		ng.key_handle = h;
		if ((e = call_mut(C_NONCE_GEN, &ng, M_NONE, &expect)) != EACCES)
			fz_fail("NONCE_GEN on another uid's key: %s", fz_errname(e));
		memset(&kd, 0, sizeof(kd));
		set_size(&kd, sizeof(kd));
		kd.handle = h;
		if ((e = call_mut(C_KEY_DELETE, &kd, M_NONE, &expect)) != EACCES)
			fz_fail("KEY_DELETE of another uid's key: %s", fz_errname(e));
	}
	if (R->nforeign_hk) {
		struct mpcsign_host_key hk;
		static const int c[] = { C_HK_INFO, C_HK_DELETE };

		for (int i = 0; i < 2; i++) {
			memset(&hk, 0, sizeof(hk));
			set_size(&hk, sizeof(hk));
			hk.handle = R->foreign_hk[0];
			if ((e = call_mut(c[i], &hk, M_NONE, &expect)) != EACCES)
				fz_fail("%s of another uid's host key: %s", cmds[c[i]].name,
					fz_errname(e));
		}
		if (cmds[C_HK_SIGN].implemented) {
			struct mpcsign_host_key_sign a;

			memset(&a, 0, sizeof(a));
			set_size(&a, sizeof(a));
			a.handle = R->foreign_hk[0];
			if ((e = call_mut(C_HK_SIGN, &a, M_NONE, &expect)) != EACCES)
				fz_fail("HOST_KEY_SIGN with another uid's host key: %s",
					fz_errname(e));
		}
	}
}

static int is_foreign(uint32_t h, int hk)
{
	for (int i = 0; !hk && i < R->nforeign_key; i++)
		if (R->foreign_key[i] == h)
			return 1;
	for (int i = 0; hk && i < R->nforeign_hk; i++)
		if (R->foreign_hk[i] == h)
			return 1;
	return 0;
}

/* a call of a random command with random content and model handles */
static void op_garbage(void)
{
	uint8_t st[8192];
	size_t len, ksize;
	uint32_t usize, v;
	int c = fz_below(&R->rng, C_N), place, e, fd = R->fd;
	unsigned long req;

	memset(st, 0, sizeof(st));
	ksize = cmds[c].ksize;
	if (c == C_UNKNOWN) {
		uint32_t nr;

		do
			nr = fz_below(&R->rng, 256);
		while (nr <= 0x00 || (nr >= 0x10 && nr <= 0x15) || (nr >= 0x30 && nr <= 0x36) ||
		       (nr >= 0x38 && nr <= 0x3e));
		req = fz_chance(&R->rng, 4) ?
			_IOWR(fz_below(&R->rng, 256) == MPCSIGN_IOC_MAGIC ? 0 : 'x', 0x00,
			      struct mpcsign_info) :
			_IOC(fz_below(&R->rng, 4), MPCSIGN_IOC_MAGIC, nr, fz_below(&R->rng, 1024));
	} else {
		req = cmds[c].req;
		if (fz_chance(&R->rng, 4))
			req = _IOC(fz_below(&R->rng, 4), MPCSIGN_IOC_MAGIC, _IOC_NR(req),
				   fz_below(&R->rng, 1 << 13));
	}
	switch (fz_below(&R->rng, 8)) {
	case 0: usize = fz_below(&R->rng, (uint32_t)cmds[c].ver0); break;
	case 1: usize = (uint32_t)cmds[c].ver0; break;
	case 2: usize = (uint32_t)ksize + 8 * fz_below(&R->rng, 32); break;
	case 3: usize = PG + fz_below(&R->rng, 2); break;
	case 4: usize = (uint32_t)fz_next(&R->rng); break;
	default: usize = (uint32_t)ksize;
	}
	len = usize > 5000 ? ksize : usize < 8 ? 8 : usize;
	/* fields: mostly zero, some random, handles from the model */
	for (size_t off = 8; off + 4 <= len; off += 4) {
		switch (fz_below(&R->rng, 10)) {
		case 0: v = (uint32_t)fz_next(&R->rng); break;
		case 1: v = fz_below(&R->rng, 4); break;
		case 2: v = pick_key_handle(); break;
		case 3: v = pick_hk_handle(); break;
		case 4: v = pick_nonce_handle(); break;
		default: v = 0;
		}
		if (fz_chance(&R->rng, 2))
			memcpy(st + off, &v, 4);
	}
	/* pointer fields (8-byte aligned u64): sometimes good buffers */
	bufs_reset();
	for (size_t off = 8; off + 8 <= len && off < ksize; off += 8)
		if (fz_chance(&R->rng, 6)) {
			uint64_t p = mkbuf(fz_below(&R->rng, B_N), NULL, 1 + fz_below(&R->rng, 700));

			memcpy(st + off, &p, 8);
		}
	if (fz_chance(&R->rng, 3)) {
		v = fz_chance(&R->rng, 2) ? allowed_flags(c) & (uint32_t)fz_next(&R->rng) :
					    (uint32_t)fz_next(&R->rng);
		memcpy(st + 4, &v, 4);
	}
	if (len > ksize && fz_chance(&R->rng, 2))
		st[ksize + fz_below(&R->rng, (uint32_t)(len - ksize))] = 1;
	memcpy(st, &usize, 4);
	place = fz_chance(&R->rng, 3) ? fz_below(&R->rng, P_N) : P_NORMAL;
	if (fz_chance(&R->rng, 8))
		fd = R->rofd;
	e = call(c, req, fd, st, len, place);
	g_capacity_unknown = 1;
	bufs_check(cmds[c].name);
	g_capacity_unknown = 0;
	if (fd == R->rofd && c != C_UNKNOWN && !cmds[c].read_only && e != EBADF &&
	    cmds[c].implemented)
		fz_fail("%s on a read-only descriptor: %s (EBADF expected)", cmds[c].name,
			fz_errname(e));
	if (c == C_UNKNOWN && e != ENOTTY)
		fz_fail("unknown ioctl %#lx: %s", req, fz_errname(e));
	/* another uid's handle never works */
	if (e == 0 && !R->root) {
		uint32_t h = 0;
		int hk = 0;

		if (c == C_KEY_INFO || c == C_KEY_DELETE)
			memcpy(&h, st + 8, 4);
		else if (c == C_NONCE_GEN)
			memcpy(&h, st + offsetof(struct mpcsign_nonce_gen, key_handle), 4);
		else if (c == C_HK_INFO || c == C_HK_DELETE || c == C_HK_SIGN)
			memcpy(&h, st + 8, 4), hk = 1;
		if (h && is_foreign(h, hk))
			fz_fail("garbage %s succeeded on another uid's handle %u", cmds[c].name, h);
	}
	/* keep the model in step with what a garbage call did */
	if (e == 0) {
		uint32_t h;

		switch (c) {
		case C_HK_CREATE:
		case C_HK_IMPORT: {
			struct mpcsign_host_key *hk = (void *)st;

			if (R->nhk < MAXHK) {
				R->hk[R->nhk].handle = hk->handle;
				memcpy(R->hk[R->nhk++].pub, hk->hostpubkey, 33);
			} else {
				hk_delete(hk->handle, M_NONE);
			}
			break;
		}
		case C_HK_DELETE:
			memcpy(&h, st + offsetof(struct mpcsign_host_key, handle), 4);
			hk_forget(h);
			break;
		case C_KEY_DELETE:
			memcpy(&h, st + offsetof(struct mpcsign_key_delete, handle), 4);
			if (!model_has_key(h))
				fz_fail("a garbage KEY_DELETE deleted key %u nobody knew of", h);
			key_forget(h);
			grp_gc();
			break;
		case C_NONCE_GEN: {
			struct mpcsign_nonce_gen *ng = (void *)st;

			if (R->nout < 64) {
				R->out[R->nout].handle = ng->nonce_handle;
				R->out[R->nout++].key = ng->key_handle;
			}
			break;
		}
		case C_SIGN: {
			struct mpcsign_sign *sg = (void *)st;
			int i = out_index(sg->nonce_handle);

			if (is_dead_nonce(sg->nonce_handle))
				fz_fail("SIGN succeeded with consumed nonce %u", sg->nonce_handle);
			if (i >= 0)
				nonce_remove(i);
			break;
		}
		case C_STEP1: {	/* a session we will not use: end it */
			struct mpcsign_dkg_abort ab = { .size = sizeof(ab) };

			ab.session = ((struct mpcsign_dkg_step1 *)st)->session;
			ioctl(R->fd, MPCSIGN_IOC_DKG_ABORT, &ab);
			break;
		}
		case C_FINALIZE:
		case C_RECOVER:
			fz_fail("garbage %s succeeded", cmds[c].name);
			break;
		}
	}
	/* a failing or garbage call leaves the counts as they were */
	if (c == C_KEY_IMPORT || c == C_FINALIZE || c == C_RECOVER)
		keys_probe(cmds[c].name, e, 0);
	if (c == C_HK_CREATE || c == C_HK_IMPORT || c == C_HK_DELETE)
		hks_check(cmds[c].name, e);
	if (c == C_SIGN && e != 0) {
		struct mpcsign_sign *sg = (void *)st;
		int i = place == P_NORMAL || place == P_MISALIGN ? out_index(sg->nonce_handle) : -1;

		if (i >= 0)
			sign_settle(sg->nonce_handle, R->out[i].key, e);
	}
	if (c == C_NONCE_GEN && e) {
		struct mpcsign_nonce_gen *ng = (void *)st;

		if (place == P_NORMAL && model_has_key(ng->key_handle))
			nonces_check(ng->key_handle, "NONCE_GEN", e);
	}
}

/* ---- one run (root or the unprivileged uid) -------------------------------- */

static void census_full(const char *when, uint32_t from)
{
	struct mpcsign_key_info ki;

	for (uint32_t h = from; h <= R->key_hwm + 4; h++) {
		int e = key_info(h, &ki);

		if (e == ENOENT || model_has_key(h))
			continue;
		R->leaks++;
		fz_fail("%s: key %u exists (owner %u), nobody knows it", when, h, ki.owner_uid);
		key_delete_raw(h);
	}
	for (int i = 0; i < MAXG; i++)
		for (uint32_t k = 0; R->grp[i].used && k < R->grp[i].g.n; k++)
			if (R->grp[i].g.handle[k])
				nonces_check(R->grp[i].g.handle[k], when, 0);
	hks_check(when, 0);
}

static void run_loop(double secs, uint32_t census_from)
{
	double end = fz_now() + secs;
	unsigned long n0 = R->iters;

	while (fz_now() < end && (!fz_max_iters || R->iters - n0 < fz_max_iters)) {
		unsigned int op = fz_below(&R->rng, 100);

		R->iters++;
		if (op < 40)
			op_garbage();
		else if (op < 52)
			op_sign();
		else if (op < 58)
			op_import();
		else if (op < 63)
			op_dkg();
		else if (op < 68)
			op_recover();
		else if (op < 71)
			op_ack();
		else if (op < 76)
			op_delete();
		else if (op < 80)
			op_hk_create();
		else if (op < 85)
			op_hk_sign();
		else if (op < 90)
			op_lookup();
		else if (op < 93)
			op_dead_nonce();
		else if (op < 95)
			op_foreign();
		else if (op < 98)
			op_info();
		else
			op_garbage();
		drain_nonces();
		if (R->iters % 64 == 0)
			census_full("periodic census", census_from);
	}
	printf("# %s: %lu iterations\n", R->root ? "root" : "uid 65534", R->iters - n0);
}

static void cleanup(void)
{
	for (int i = 0; i < MAXG; i++)
		for (uint32_t k = 0; R->grp[i].used && k < R->grp[i].g.n; k++)
			if (R->grp[i].g.handle[k])
				key_delete(R->grp[i].g.handle[k], M_NONE);
	while (R->nhk)
		if (hk_delete(R->hk[0].handle, M_NONE))
			hk_forget(R->hk[0].handle);
	memset(R->grp, 0, sizeof(R->grp));
}

/* probe which of the newer ioctls the module has */
static void probe_implemented(void)
{
	static const int c[] = { C_KEY_LOOKUP, C_HK_SIGN, C_HK_LOOKUP };
	uint32_t z[32] = { 0 };

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int e = ioctl(R->fd, cmds[c[i]].req, z) ? errno : 0;

		cmds[c[i]].implemented = e != ENOTTY;
		printf("# %s: %s\n", cmds[c[i]].name,
		       cmds[c[i]].implemented ? "implemented" : "not implemented (ENOTTY expected)");
	}
}

/* what the child reports to the parent */
struct shared {
	uint32_t key_hwm;
	int failures;
	unsigned long iters, leaks, sigs_ok, dkgs_ok, investigations;
	struct fz_counts cnt[C_N];
};

int main(void)
{
	struct shared *sh;
	struct mpcsign *lib;
	uint32_t census_from;
	double t0;
	pid_t pid;
	int status;

	fz_init("fuzz_ioctl", 25);
	setvbuf(stdout, NULL, _IOLBF, 0);
	R = calloc(1, sizeof(*R));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!R || sh == MAP_FAILED)
		return 1;
	for (int c = 0; c < C_N; c++)
		R->cnt[c].name = cmds[c].name;
	mem_init();
	if (mpcsign_coord_init()) {
		printf("not ok 1 fuzz_ioctl: coordinator init\n");
		return 1;
	}
	R->rng.s = fz_seed;
	R->root = 1;
	R->fd = open(DEV, O_RDWR | O_CLOEXEC);
	R->rofd = open(DEV, O_RDONLY | O_CLOEXEC);
	if (R->fd < 0 || R->rofd < 0) {
		printf("not ok 1 fuzz_ioctl: open %s: %m\n", DEV);
		return 1;
	}
	probe_implemented();
	{
		struct mpcsign_host_key_list kl = { .size = sizeof(kl), .max = 64 };

		kl.handles = (uintptr_t)hk_base;
		if (!ioctl(R->fd, MPCSIGN_IOC_HOST_KEY_LIST, &kl))
			nhk_base = kl.count < 64 ? (int)kl.count : 64;
	}
	/* the next key handle: import one share, learn it, delete it */
	{
		struct fz_group g;

		fz_deal(&R->rng, &g, 1, 1);
		if (mpcsign_open(&lib, NULL) ||
		    mpcsign_key_import(lib, 0, 1, 1, g.sec[0], g.thresh_pk,
				       (const uint8_t (*)[33])g.pub, &R->key_hwm)) {
			printf("not ok 1 fuzz_ioctl: first import\n");
			return 1;
		}
		mpcsign_key_delete(lib, R->key_hwm);
		mpcsign_close(lib);
		census_from = R->key_hwm > 64 ? R->key_hwm - 64 : 1;
	}
	for (uint32_t h = census_from; h < R->key_hwm; h++) {
		struct mpcsign_key_info ki;

		if (key_info(h, &ki) != ENOENT && nkey_base < 64)
			key_base[nkey_base++] = h;
	}
	if (nkey_base)
		printf("# note: %d key shares existed before the fuzzer started (left by an "
		       "earlier test?)\n", nkey_base);
	census_full("census at start", census_from);
	t0 = fz_now();

	/* root: two thirds of the time */
	run_loop(fz_secs * 2 / 3, census_from);
	cleanup();
	census_full("census after the root phase", census_from);

	/* the unprivileged uid: root's objects of now are foreign to it */
	{
		struct fz_group g;
		struct mpcsign *h;

		fz_deal(&R->rng, &g, 2, 2);
		if (mpcsign_open(&h, NULL))
			return 1;
		for (int i = 0; i < 2; i++)
			if (!mpcsign_key_import(h, i, 2, 2, g.sec[i], g.thresh_pk,
						(const uint8_t (*)[33])g.pub, &g.handle[i]))
				R->foreign_key[R->nforeign_key++] = g.handle[i];
		if (!mpcsign_host_key_create(h, &R->foreign_hk[0], g.pub[0]))
			R->nforeign_hk = 1;
		for (int i = 0; i < R->nforeign_key; i++)
			if (R->foreign_key[i] > R->key_hwm)
				R->key_hwm = R->foreign_key[i];
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			struct run *r = R;
			unsigned long n0;

			r->rng.s = fz_seed ^ 0x5555aaaa5555aaaaull;
			r->fd = open(DEV, O_RDWR | O_CLOEXEC);
			r->rofd = open(DEV, O_RDONLY | O_CLOEXEC);
			if (r->fd < 0 || r->rofd < 0 || setgroups(0, NULL) ||
			    setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
				_exit(3);
			r->root = 0;
			r->nstale_key = r->nstale_hk = 0;
			fz_failures = 0;
			n0 = r->iters;
			run_loop(fz_secs / 3, census_from);
			cleanup();
			census_full("census at the end of the uid 65534 phase", census_from);
			sh->key_hwm = r->key_hwm;
			sh->failures = fz_failures;
			sh->iters = r->iters - n0;
			sh->leaks = r->leaks;
			sh->sigs_ok = r->sigs_ok;
			sh->dkgs_ok = r->dkgs_ok;
			sh->investigations = r->investigations;
			memcpy(sh->cnt, r->cnt, sizeof(sh->cnt));
			close(r->fd);
			close(r->rofd);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fz_fail("the unprivileged child did not finish cleanly (status %#x)", status);
		} else {
			fz_failures += sh->failures;
			if (sh->key_hwm > R->key_hwm)
				R->key_hwm = sh->key_hwm;
			R->leaks += sh->leaks;
			R->sigs_ok += sh->sigs_ok;
			R->dkgs_ok += sh->dkgs_ok;
			R->investigations += sh->investigations;
			for (int c = 0; c < C_N; c++)
				for (int e = 0; e <= FZ_MAX_ERRNO; e++)
					R->cnt[c].n[e] += sh->cnt[c].n[e];
		}
		for (int i = 0; i < R->nforeign_key; i++)
			mpcsign_key_delete(h, R->foreign_key[i]);
		if (R->nforeign_hk)
			mpcsign_host_key_delete(h, R->foreign_hk[0]);
		R->nforeign_key = R->nforeign_hk = 0;
		mpcsign_close(h);
	}
	/* nothing of ours is left (and nothing anybody lost track of) */
	census_full("final census", census_from);
	close(R->fd);
	close(R->rofd);

	{
		unsigned long calls = 0;
		double dt = fz_now() - t0;

		for (int c = 0; c < C_N; c++)
			calls += fz_count_total(&R->cnt[c]);
		fz_print_counts("count", R->cnt, C_N);
		printf("# fuzz_ioctl: %lu calls in %.1f s (%.0f calls/s), %lu iterations (root) + "
		       "%lu (uid 65534), %lu signatures verified, %lu DKGs, %lu investigations, %lu leaks\n",
		       calls, dt, calls / dt, R->iters, sh->iters, R->sigs_ok, R->dkgs_ok,
		       R->investigations, R->leaks);
	}
	if (fz_failures) {
		printf("not ok 1 fuzz_ioctl: %d failures (seed=%llu)\n", fz_failures,
		       (unsigned long long)fz_seed);
		return 1;
	}
	printf("ok 1 fuzz_ioctl\n");
	return 0;
}

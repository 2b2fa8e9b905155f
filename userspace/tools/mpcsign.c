// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * mpcsign - command-line tool for the mpcsign key store.
 *
 *   mpcsign info [--device PATH]   GET_INFO over the ioctl and over netlink
 *   mpcsign audit [COUNT]          print audit events (CAP_NET_ADMIN) as they
 *                                  happen; stop after COUNT events if given
 *   mpcsign demo [MESSAGE]         a 2-of-3 ChillDKG among three host keys in
 *                                  this module, then a FROST signature by two
 *                                  of them, checked by libsecp256k1
 *
 * Across machines (the coordinator role, mpcsign(1)): keygen, dkg, sign,
 * approve (cmd_*.c); status, peers, keys against the local mpcsignd
 * (cmd_ctl.c).  This file dispatches.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "libmpcsign.h"

#define DEMO_N 3
#define DEMO_T 2

static void print_info(const char *via, const struct mpcsign_info *i)
{
	printf("%s: abi_version=%u module_version=%s max_keys=%u max_nonces=%u "
	       "max_signers=%u max_msg_len=%u max_participants=%u\n",
	       via, i->abi_version, i->module_version, i->max_keys, i->max_nonces,
	       i->max_signers, i->max_msg_len, i->max_participants);
}

static int cmd_info(const char *dev)
{
	struct mpcsign_info info;
	struct mpcsign *h;
	int ret, rc = 0;

	ret = mpcsign_open(&h, dev);
	if (ret) {
		fprintf(stderr, "mpcsign: open %s: %s\n", dev ? dev : MPCSIGN_DEFAULT_PATH,
			strerror(-ret));
		rc = 1;
	} else {
		ret = mpcsign_get_info(h, &info);
		mpcsign_close(h);
		if (ret) {
			fprintf(stderr, "mpcsign: GET_INFO ioctl: %s\n", strerror(-ret));
			rc = 1;
		} else {
			print_info("ioctl", &info);
		}
	}
	ret = mpcsign_nl_get_info(&info);
	if (ret) {
		fprintf(stderr, "mpcsign: GET_INFO netlink: %s\n", strerror(-ret));
		rc = 1;
	} else {
		print_info("netlink", &info);
	}
	return rc;
}

static void hex(const char *label, const uint8_t *p, size_t len)
{
	size_t i;

	printf("%s=", label);
	for (i = 0; i < len; i++)
		printf("%02x", p[i]);
	printf("\n");
}

static int fail(const char *what, int ret)
{
	fprintf(stderr, "mpcsign demo: %s: %s\n", what, strerror(-ret));
	return 1;
}

/*
 * The demo plays three machines inside one module: each has its own host
 * key, its own DKG session and, at the end, its own key share, all in
 * kernel memory.  This process only carries messages (the helper's job)
 * and plays the untrusted coordinator.
 */
static int cmd_demo(const char *dev, const char *text)
{
	struct mpcsign *h;
	struct mpcsign_dkg_coord *coord = NULL;
	struct mpcsign_dkg_result res;
	struct mpcsign_session s;
	uint32_t hostkey[DEMO_N], session[DEMO_N], key[DEMO_N] = { 0 }, nonce[2], blame, i;
	uint8_t hostpubkeys[DEMO_N][33], pmsg2[DEMO_N][64], pubshares[DEMO_N][33];
	uint8_t thresh_pk[33], pubnonces[2][66], psigs[2][32], aggnonce[66], sig[64];
	uint8_t signer_pubs[2][33];
	uint8_t *pmsg1[DEMO_N] = { 0 }, *cmsg1 = NULL, *cmsg2 = NULL, *rd = NULL;
	uint8_t rd_mine[DEMO_N][4096];
	size_t pmsg1_len[DEMO_N], cmsg1_len, cmsg2_len, rd_len;
	const uint32_t signers[2] = { 0, 2 };
	const uint8_t *msg = (const uint8_t *)text;
	size_t msg_len = strlen(text);
	int ret, rc = 1, verified;

	ret = mpcsign_coord_init();
	if (ret)
		return fail("init", ret);
	ret = mpcsign_open(&h, dev);
	if (ret)
		return fail("open", ret);
	printf("== ChillDKG: %d machines, threshold %d ==\n", DEMO_N, DEMO_T);
	printf("  (this VM plays all %d machines: each is one host key in the module,\n"
	       "  with its own DKG session and, at the end, its own key share)\n", DEMO_N);
	for (i = 0; i < DEMO_N; i++) {
		ret = mpcsign_host_key_create(h, &hostkey[i], hostpubkeys[i]);
		if (ret) {
			fail("HOST_KEY_CREATE", ret);
			goto out;
		}
	}
	ret = mpcsign_dkg_coord_new(&coord, DEMO_T, DEMO_N, (const uint8_t (*)[33])hostpubkeys);
	for (i = 0; !ret && i < DEMO_N; i++) {
		size_t cap = mpcsign_dkg_pmsg1_len(DEMO_N, DEMO_T);

		pmsg1[i] = malloc(cap);
		ret = pmsg1[i] ? mpcsign_dkg_step1(h, hostkey[i], DEMO_T, DEMO_N,
						   (const uint8_t (*)[33])hostpubkeys, pmsg1[i], cap,
						   &pmsg1_len[i], &session[i], NULL) : -ENOMEM;
	}
	if (!ret)
		ret = mpcsign_dkg_coord_step1(coord, (const uint8_t *const *)pmsg1, pmsg1_len,
					      &cmsg1, &cmsg1_len, NULL);
	for (i = 0; !ret && i < DEMO_N; i++)
		ret = mpcsign_dkg_step2(h, session[i], cmsg1, cmsg1_len, pmsg2[i], NULL);
	if (!ret)
		ret = mpcsign_dkg_coord_finalize(coord, (const uint8_t (*)[64])pmsg2, &cmsg2,
						 &cmsg2_len, &rd, &rd_len, thresh_pk, NULL);
	for (i = 0; !ret && i < DEMO_N; i++) {
		memset(&res, 0, sizeof(res));
		res.pubshares = pubshares;
		res.pubshares_cap = DEMO_N;
		res.recovery_data = rd_mine[i];
		res.recovery_data_cap = sizeof(rd_mine[i]);
		ret = mpcsign_dkg_finalize(h, session[i], cmsg2, cmsg2_len, &res, NULL);
		key[i] = res.key;
		if (!ret && memcmp(res.thresh_pk, thresh_pk, 33))
			ret = -EPROTO;
	}
	if (ret) {
		fail("DKG", ret);
		goto out;
	}
	printf("  each machine made its host secret and its DKG state in the kernel; the\n"
	       "  coordinator (this process) only relayed pmsg1/cmsg1/pmsg2/cmsg2;\n"
	       "  each machine's key share was born in its kernel and never left it.\n"
	       "  recovery data (public, %zu bytes) + a host key re-create a share.\n", rd_len);

	printf("== FROST signing by machines 0 and 2 ==\n");
	memset(&s, 0, sizeof(s));
	s.n = DEMO_N;
	s.t = DEMO_T;
	s.thresh_pk = thresh_pk;
	s.num_signers = 2;
	s.ids = signers;
	for (i = 0; i < 2; i++)
		memcpy(signer_pubs[i], pubshares[signers[i]], 33);
	s.pubshares = (const uint8_t (*)[33])signer_pubs;
	s.msg = msg;
	s.msg_len = msg_len;
	for (i = 0; !ret && i < 2; i++)
		ret = mpcsign_nonce_gen(h, key[signers[i]], NULL, pubnonces[i], &nonce[i]);
	if (!ret)
		ret = mpcsign_coord_nonce_agg(aggnonce, (const uint8_t (*)[66])pubnonces, 2, &blame);
	s.aggnonce = aggnonce;
	for (i = 0; !ret && i < 2; i++)
		ret = mpcsign_sign(h, nonce[i], &s, psigs[i], &blame);
	if (!ret)
		ret = mpcsign_coord_aggregate(sig, &s, (const uint8_t (*)[66])pubnonces,
					      (const uint8_t (*)[32])psigs, &blame);
	if (ret && ret != -EIO) {
		fail("signing", ret);
		goto out;
	}
	printf("  each signer's secret nonce was drawn and kept in its kernel, used by\n"
	       "  exactly one SIGN and wiped; only public nonces and partial signatures\n"
	       "  came out; the coordinator checked each partial signature and added them.\n");
	verified = mpcsign_bip340_verify(sig, msg, msg_len, thresh_pk + 1) == 0;
	hex("threshold_pubkey", thresh_pk + 1, 32);
	hex("message", msg, msg_len);
	hex("signature", sig, 64);
	printf("verified=%s\n", verified ? "yes" : "no");
	printf("  (verified by libsecp256k1's BIP340 verifier against the x-only\n"
	       "  threshold key: an ordinary Taproot signature)\n");
	rc = verified ? 0 : 1;
out:
	for (i = 0; i < DEMO_N; i++) {
		free(pmsg1[i]);
		if (key[i])
			mpcsign_key_delete(h, key[i]);
		mpcsign_host_key_delete(h, hostkey[i]);
	}
	free(cmsg1);
	free(cmsg2);
	free(rd);
	mpcsign_dkg_coord_free(coord);
	mpcsign_close(h);
	return rc;
}

static int cmd_audit(long count)
{
	static const char *const names[] = { "?", "nonce_gen", "sign", "key_add", "key_delete" };
	struct mpcsign_audit *a;
	struct mpcsign_audit_record ev;
	char hash[65] = "-";
	long seen = 0;
	int ret, i;

	ret = mpcsign_audit_open(&a);
	if (ret) {
		fprintf(stderr, "mpcsign audit: %s\n", strerror(-ret));
		return 1;
	}
	while (count <= 0 || seen < count) {
		ret = mpcsign_audit_next(a, &ev, -1);
		if (ret) {
			fprintf(stderr, "mpcsign audit: %s\n", strerror(-ret));
			break;
		}
		if (ev.has_msg_hash)
			for (i = 0; i < 32; i++)
				sprintf(hash + 2 * i, "%02x", ev.msg_hash[i]);
		printf("event=%s result=%d key=%u nonce=%u uid=%u pid=%u msg_sha256=%s\n",
		       ev.event < 5 ? names[ev.event] : "?", ev.result, ev.key, ev.nonce,
		       ev.uid, ev.pid, ev.has_msg_hash ? hash : "-");
		fflush(stdout);
		seen++;
	}
	mpcsign_audit_close(a);
	return ret ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mpcsign info [--device PATH]\n"
		   "       mpcsign audit [COUNT]\n"
		   "       mpcsign demo [MESSAGE]\n"
		   "       mpcsign keygen --identity FILE\n"
		   "       mpcsign dkg --identity FILE --threshold T [--description TEXT] [--expiry SECONDS]\n"
		   "                   [--state-dir DIR] [--timeout SECS] [--json] PUBKEY@HOST:PORT...\n"
		   "       mpcsign sign --identity FILE --key THRESHOLD_PK (--message HEX | --file F)\n"
		   "                   [--tweak HEX[:xonly]]... [--approval XONLY:SIG]... [--state-dir DIR]\n"
		   "                   [--timeout SECS] [--json]\n"
		   "       mpcsign approve --identity KEYFILE --key THRESHOLD_PK (--message HEX | --file F)\n"
		   "                   [--tweak HEX[:xonly]]...\n"
		   "       mpcsign status|peers|keys|sessions [--json] [--socket PATH]\n"
		   "see mpcsign(1)\n");
}

int main(int argc, char **argv)
{
	const char *dev = NULL;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "keygen"))
		return cmd_keygen(argc - 1, argv + 1);
	if (!strcmp(argv[1], "dkg"))
		return cmd_dkg(argc - 1, argv + 1);
	if (!strcmp(argv[1], "sign"))
		return cmd_sign(argc - 1, argv + 1);
	if (!strcmp(argv[1], "approve"))
		return cmd_approve(argc - 1, argv + 1);
	if (!strcmp(argv[1], "status") || !strcmp(argv[1], "peers") || !strcmp(argv[1], "keys") ||
	    !strcmp(argv[1], "sessions"))
		return cmd_ctl(argv[1], argc - 1, argv + 1);
	if (!strcmp(argv[1], "audit") && argc <= 3)
		return cmd_audit(argc == 3 ? strtol(argv[2], NULL, 10) : 0);
	if (!strcmp(argv[1], "demo") && argc <= 3)
		return cmd_demo(NULL, argc == 3 ? argv[2] : "hello from mpcsign");
	if (argc == 4 && !strcmp(argv[2], "--device"))
		dev = argv[3];
	else if (argc != 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "info"))
		return cmd_info(dev);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}

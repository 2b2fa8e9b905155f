// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cmd_approve.c - mpcsign approve: an approver's signature for a signing
 * request, to hand to the coordinator (mpcsign sign --approval ...).
 *
 *   mpcsign approve --identity OWNER_KEYFILE --key THRESHOLD_PK
 *       (--message HEX | --file F) [--tweak HEX[:xonly]]... [--json]
 *
 * Prints approval=XONLYHEX:SIGHEX: BIP340 by the key file's key over
 * mpcsign_approval_digest (wire.h) of exactly this key, message and tweaks.
 * Nothing goes over the network.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "approval.h"
#include "cli.h"

int cmd_approve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "key", required_argument, NULL, 'k' },
		{ "message", required_argument, NULL, 'm' },
		{ "file", required_argument, NULL, 'f' },
		{ "tweak", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	static uint8_t tweaks[MPCSIGN_WIRE_MAX_TWEAKS][32];
	const char *identity = NULL, *key = NULL, *msg_hex = NULL, *file = NULL;
	struct mpcsign_msg_sign_req m;
	uint8_t *msg = NULL, digest[32], sig[64], x[32];
	size_t num_tweaks = 0, msg_len = 0;
	uint64_t xonly = 0;
	char err[512] = "";
	int opt, json = 0, rc, ret;

	cli_cmd = "approve";
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'i': identity = optarg; break;
		case 'k': key = optarg; break;
		case 'm': msg_hex = optarg; break;
		case 'f': file = optarg; break;
		case 'w':
			if (cli_parse_tweak(tweaks, &num_tweaks, &xonly, optarg)) {
				cli_err("--tweak %s: expected 64 hex digits, optionally \":xonly\"", optarg);
				return CLI_USAGE;
			}
			break;
		case 'j': json = 1; break;
		default: return CLI_USAGE;
		}
	}
	if (!identity || !key || optind != argc) {
		cli_err("usage: mpcsign approve --identity KEYFILE --key THRESHOLD_PK "
			"(--message HEX | --file F) [--tweak HEX[:xonly]]... [--json]");
		return CLI_USAGE;
	}
	memset(&m, 0, sizeof(m));
	if (cli_parse_pk(m.thresh_pk, key)) {
		cli_err("--key: expected a threshold public key (66 hex digits)");
		return CLI_USAGE;
	}
	rc = cli_load_message(&msg, &msg_len, msg_hex, file);
	if (rc)
		return rc;
	m.kind = MPCSIGN_SIGN_KIND_RAW;
	m.msg = msg;
	m.msg_len = (uint32_t)msg_len;
	m.num_tweaks = (uint8_t)num_tweaks;
	m.tweak_xonly = xonly;
	m.tweaks = num_tweaks ? (const uint8_t (*)[32])tweaks : NULL;
	mpcsign_approval_digest(digest, &m);
	ret = mpcsign_approval_sign(sig, x, identity, digest, err, sizeof(err));
	free(msg);
	if (ret) {
		cli_err("%s", err[0] ? err : strerror(-ret));
		return CLI_LOCAL;
	}
	if (json) {
		printf("{\"approver\":");
		cli_json_hex(stdout, x, 32);
		printf(",\"digest\":");
		cli_json_hex(stdout, digest, 32);
		printf(",\"approval\":\"");
		cli_hex_print(stdout, x, 32);
		printf(":");
		cli_hex_print(stdout, sig, 64);
		printf("\"}\n");
	} else {
		printf("approval=");
		cli_hex_print(stdout, x, 32);
		printf(":");
		cli_hex_print(stdout, sig, 64);
		printf("\ndigest=");
		cli_hex_print(stdout, digest, 32);
		printf("\n");
	}
	return CLI_OK;
}

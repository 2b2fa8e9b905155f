// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cmd_sign.c - mpcsign sign: have any t of a key's parties sign a message
 * (FROST, two rounds through mpcsign_coord_run_sign), verify the signature
 * with libsecp256k1 and say who signed, who was skipped and who was blamed.
 *
 *   mpcsign sign --identity FILE --key THRESHOLD_PK (--message HEX | --file F)
 *       [--tweak HEX[:xonly]]... [--approval XONLYHEX:SIGHEX]...
 *       [--state-dir DIR] [--timeout SECS] [--expiry SECONDS] [--json] [--verbose]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"

static const char *usage_text =
	"usage: mpcsign sign --identity FILE --key THRESHOLD_PK (--message HEX | --file F)\n"
	"           [--tweak HEX[:xonly]]... [--approval XONLYHEX:SIGHEX]... [--state-dir DIR]\n"
	"           [--timeout SECS] [--expiry SECONDS] [--json] [--verbose]";

static const char *state_name(enum mpcsign_coord_party_state s)
{
	switch (s) {
	case MPCSIGN_COORD_P_SIGNED: return "signed";
	case MPCSIGN_COORD_P_UNREACHABLE: return "unreachable";
	case MPCSIGN_COORD_P_REFUSED: return "refused";
	case MPCSIGN_COORD_P_FAILED: return "blamed";
	default: return "skipped";
	}
}

static int parse_approval(struct mpcsign_approval *a, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char x[65];

	if (!colon || colon - arg != 64)
		return -EINVAL;
	memcpy(x, arg, 64);
	x[64] = 0;
	if (cli_unhex(a->approver_x, 32, x) || cli_unhex(a->sig, 64, colon + 1))
		return -EINVAL;
	return 0;
}

/* "0,2" of the parties in state st */
static void list_of(FILE *f, const struct mpcsign_coord_sign_result *res,
		    enum mpcsign_coord_party_state st, int json)
{
	size_t i;
	int first = 1;

	for (i = 0; i < res->n; i++) {
		if (res->parties[i].state != st)
			continue;
		fprintf(f, "%s%zu", first ? "" : ",", i);
		first = 0;
	}
	if (first && !json)
		fprintf(f, "none");
}

static void print_result(const struct cli_record *r, const uint8_t *msg, size_t msg_len,
			 const struct mpcsign_coord_sign_result *res, int ok, int verified, int json)
{
	size_t i;

	if (json) {
		printf("{\"threshold_pubkey\":");
		cli_json_hex(stdout, r->thresh_pk, 33);
		printf(",\"message\":");
		cli_json_hex(stdout, msg, msg_len);
		if (ok) {
			printf(",\"pubkey_xonly\":");
			cli_json_hex(stdout, res->pk32, 32);
			printf(",\"signature\":");
			cli_json_hex(stdout, res->sig, 64);
		}
		printf(",\"verified\":%s,\"attempts\":%u,\"signed\":[", verified ? "true" : "false",
		       res->attempts);
		list_of(stdout, res, MPCSIGN_COORD_P_SIGNED, 1);
		printf("],\"parties\":[");
		for (i = 0; i < res->n; i++) {
			printf("%s{\"index\":%zu,\"hostpubkey\":", i ? "," : "", i);
			cli_json_hex(stdout, r->parties[i].hostpubkey, 33);
			printf(",\"state\":\"%s\",\"error\":\"%s\",\"reason\":",
			       state_name(res->parties[i].state),
			       res->parties[i].wire_code ? mpcsign_wire_err_name(res->parties[i].wire_code) : "");
			cli_json_str(stdout, res->parties[i].reason);
			printf("}");
		}
		printf("]}\n");
		return;
	}
	printf("threshold_pubkey=");
	cli_hex_print(stdout, r->thresh_pk, 33);
	printf("\nmessage=");
	cli_hex_print(stdout, msg, msg_len);
	if (ok) {
		printf("\npubkey_xonly=");
		cli_hex_print(stdout, res->pk32, 32);
		printf("\nsignature=");
		cli_hex_print(stdout, res->sig, 64);
	}
	printf("\nverified=%s\nattempts=%u\nsigners=", verified ? "yes" : "no", res->attempts);
	list_of(stdout, res, MPCSIGN_COORD_P_SIGNED, 0);
	printf("\n");
	/* one line per party: signed=, skipped= (not needed or unreachable),
	 * refused= (its ERROR code), blamed= (failed in the protocol) */
	for (i = 0; i < res->n; i++) {
		const struct mpcsign_coord_party_report *pr = &res->parties[i];

		switch (pr->state) {
		case MPCSIGN_COORD_P_SIGNED: printf("signed="); break;
		case MPCSIGN_COORD_P_REFUSED: printf("refused="); break;
		case MPCSIGN_COORD_P_FAILED: printf("blamed="); break;
		default: printf("skipped="); break;
		}
		printf("%zu ", i);
		cli_hex_print(stdout, r->parties[i].hostpubkey, 33);
		if (pr->state == MPCSIGN_COORD_P_UNREACHABLE)
			printf(" unreachable");
		else if (pr->state == MPCSIGN_COORD_P_UNUSED)
			printf(" not needed");
		if (pr->state == MPCSIGN_COORD_P_REFUSED && pr->wire_code)
			printf(" %s", mpcsign_wire_err_name(pr->wire_code));
		if (pr->reason[0])
			printf(": %s", pr->reason);
		printf("\n");
	}
}

int cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "key", required_argument, NULL, 'k' },
		{ "message", required_argument, NULL, 'm' },
		{ "file", required_argument, NULL, 'f' },
		{ "tweak", required_argument, NULL, 'w' },
		{ "approval", required_argument, NULL, 'a' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "expiry", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *identity = NULL, *key = NULL, *msg_hex = NULL, *file = NULL, *state_opt = NULL;
	static uint8_t tweaks[MPCSIGN_WIRE_MAX_TWEAKS][32];
	static struct mpcsign_approval approvals[MPCSIGN_WIRE_MAX_APPROVALS];
	size_t num_tweaks = 0, num_approvals = 0, msg_len = 0;
	uint64_t xonly = 0;
	long timeout = 30, expiry = 120;
	struct mpcsign_coord_sign_req req;
	struct mpcsign_coord_sign_result res;
	struct mpcsign_coord_ops ops;
	struct cli_record rec;
	struct cli_net net;
	uint8_t thresh_pk[33], *msg = NULL;
	char state_dir[4096], err[4600];
	int refused = 0, opt, json = 0, verbose = 0, rc, ret, verified = 0;
	char *end;

	cli_cmd = "sign";
	optind = 1;
	memset(&res, 0, sizeof(res));
	while ((opt = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (opt) {
		case 'i': identity = optarg; break;
		case 'k': key = optarg; break;
		case 'm': msg_hex = optarg; break;
		case 'f': file = optarg; break;
		case 'w':
			if (cli_parse_tweak(tweaks, &num_tweaks, &xonly, optarg)) {
				cli_err("--tweak %s: expected 64 hex digits, optionally \":xonly\" "
					"(at most %u tweaks)", optarg, MPCSIGN_WIRE_MAX_TWEAKS);
				return CLI_USAGE;
			}
			break;
		case 'a':
			if (num_approvals >= MPCSIGN_WIRE_MAX_APPROVALS ||
			    parse_approval(&approvals[num_approvals], optarg)) {
				cli_err("--approval %s: expected XONLY(64 hex):SIG(128 hex), at most %u",
					optarg, MPCSIGN_WIRE_MAX_APPROVALS);
				return CLI_USAGE;
			}
			num_approvals++;
			break;
		case 's': state_opt = optarg; break;
		case 'T': timeout = strtol(optarg, &end, 10); if (*end) timeout = -1; break;
		case 'e': expiry = strtol(optarg, &end, 10); if (*end) expiry = -1; break;
		case 'j': json = 1; break;
		case 'v': verbose = 1; break;
		default: cli_err("%s", usage_text); return CLI_USAGE;
		}
	}
	if (!identity || !key || optind != argc) {
		cli_err("%s", usage_text);
		return CLI_USAGE;
	}
	if (cli_parse_pk(thresh_pk, key)) {
		cli_err("--key: expected a threshold public key (66 hex digits)");
		return CLI_USAGE;
	}
	if (timeout < 1 || timeout > 3600 || expiry < 1 || expiry > 86400) {
		cli_err("--timeout must be 1..3600 seconds, --expiry 1..86400");
		return CLI_USAGE;
	}
	rc = cli_load_message(&msg, &msg_len, msg_hex, file);
	if (rc)
		return rc;
	if (cli_state_dir(state_dir, sizeof(state_dir), state_opt)) {
		free(msg);
		return CLI_LOCAL;
	}
	ret = cli_record_load(state_dir, thresh_pk, &rec, err, sizeof(err));
	if (ret) {
		if (ret == -ENOENT)
			cli_err("unknown key %s: no record in %s/keys (made by mpcsign dkg)", key,
				state_dir);
		else
			cli_err("%s", err);
		free(msg);
		return CLI_LOCAL;
	}
	rc = cli_net_init(&net, identity, rec.n, (int)timeout * 1000);
	if (rc)
		goto out;
	net.quiet = json;
	net.verbose = verbose;
	cli_net_ops(&net, &ops);
	memset(&req, 0, sizeof(req));
	req.recovery_data = rec.recovery_data;
	req.recovery_data_len = rec.recovery_data_len;
	req.thresh_pk = rec.thresh_pk;
	req.parties = rec.parties;
	req.num_parties = rec.n;
	req.kind = MPCSIGN_SIGN_KIND_RAW;
	req.msg = msg;
	req.msg_len = msg_len;
	req.tweaks = (const uint8_t (*)[32])tweaks;
	req.num_tweaks = num_tweaks;
	req.tweak_xonly = xonly;
	req.approvals = approvals;
	req.num_approvals = num_approvals;
	req.expiry = (uint64_t)time(NULL) + (uint64_t)expiry;
	req.round_timeout_ms = (int)timeout * 1000;
	ret = mpcsign_coord_run_sign(&res, &ops, &req);
	refused = cli_net_refused(&net);
	cli_net_free(&net);
	if (!ret)
		/* the library checked it already; this is the CLI's own word on it */
		verified = !mpcsign_bip340_verify(res.sig, msg, msg_len, res.pk32);
	if (res.parties)
		print_result(&rec, msg, msg_len, &res, !ret, verified, json);
	if (ret) {
		cli_err("failed: %s", res.blame.reason[0] ? res.blame.reason : strerror(-ret));
		rc = cli_exit_for(ret, res.blame.err, res.blame.wire_code);
		if (res.parties && (ret == -EHOSTUNREACH || ret == -EAGAIN)) {
			/* too few usable parties: say why they were not usable */
			size_t i;
			int failed = 0;

			for (i = 0; i < res.n; i++) {
				refused |= res.parties[i].state == MPCSIGN_COORD_P_REFUSED;
				failed |= res.parties[i].state == MPCSIGN_COORD_P_FAILED;
			}
			rc = failed ? CLI_BLAME : refused ? CLI_REFUSED : CLI_UNREACHABLE;
		}
		if (refused && rc == CLI_UNREACHABLE)
			rc = CLI_REFUSED;
	} else {
		rc = verified ? CLI_OK : CLI_FAIL;
	}
out:
	mpcsign_coord_sign_result_free(&res);
	cli_record_free(&rec);
	free(msg);
	return rc;
}

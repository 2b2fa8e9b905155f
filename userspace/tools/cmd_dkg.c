// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cmd_dkg.c - mpcsign dkg: run a ChillDKG among the given parties as the
 * (untrusted) coordinator, print the fingerprint and the new threshold key,
 * and store the key's public record in the state directory.
 *
 *   mpcsign dkg --identity FILE --threshold T [--description TEXT]
 *       [--expiry SECONDS] [--state-dir DIR] [--timeout SECS] [--json]
 *       [--verbose] PARTY...        PARTY = PUBKEYHEX@HOST:PORT
 *
 * Party i (0-based, in command-line order) is participant i of the key.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"

static const char *usage_text =
	"usage: mpcsign dkg --identity FILE --threshold T [--description TEXT] [--expiry SECONDS]\n"
	"           [--state-dir DIR] [--timeout SECS] [--json] [--verbose] PUBKEY@HOST:PORT...";

static void print_result(const struct cli_record *r, const char *path, int json)
{
	uint32_t i;

	if (json) {
		printf("{\"fingerprint\":");
		cli_json_hex(stdout, r->fingerprint, 32);
		printf(",\"threshold_pubkey\":");
		cli_json_hex(stdout, r->thresh_pk, 33);
		printf(",\"t\":%u,\"n\":%u,\"session\":", r->t, r->n);
		cli_json_hex(stdout, r->session, MPCSIGN_SESSION_ID_LEN);
		printf(",\"description\":");
		cli_json_str(stdout, r->desc);
		printf(",\"record\":");
		cli_json_str(stdout, path);
		printf(",\"parties\":[");
		for (i = 0; i < r->n; i++) {
			printf("%s{\"index\":%u,\"hostpubkey\":", i ? "," : "", i);
			cli_json_hex(stdout, r->parties[i].hostpubkey, 33);
			printf(",\"address\":");
			cli_json_str(stdout, r->parties[i].address);
			printf("}");
		}
		printf("]}\n");
		return;
	}
	printf("fingerprint=");
	cli_hex_print(stdout, r->fingerprint, 32);
	printf("\nthreshold_pubkey=");
	cli_hex_print(stdout, r->thresh_pk, 33);
	printf("\nthreshold=%u-of-%u\n", r->t, r->n);
	for (i = 0; i < r->n; i++) {
		printf("party%u=", i);
		cli_hex_print(stdout, r->parties[i].hostpubkey, 33);
		printf("@%s\n", r->parties[i].address);
	}
	printf("record=%s\n", path);
}

int cmd_dkg(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "threshold", required_argument, NULL, 't' },
		{ "description", required_argument, NULL, 'D' },
		{ "expiry", required_argument, NULL, 'e' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *identity = NULL, *desc = "", *state_opt = NULL;
	long t = 0, expiry = 600, timeout = 30;
	struct mpcsign_coord_party *parties = NULL;
	struct mpcsign_coord_dkg_req req;
	struct mpcsign_coord_dkg_result res;
	struct mpcsign_coord_ops ops;
	struct cli_record rec;
	struct cli_net net;
	char state_dir[4096], path[4400], host[256], port[16], **addrs = NULL;
	size_t n, i, j;
	int refused = 0, opt, json = 0, verbose = 0, rc = CLI_USAGE, ret;
	char *end;

	cli_cmd = "dkg";
	optind = 1;
	memset(&res, 0, sizeof(res));
	while ((opt = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (opt) {
		case 'i': identity = optarg; break;
		case 't': t = strtol(optarg, &end, 10); if (*end) t = -1; break;
		case 'D': desc = optarg; break;
		case 'e': expiry = strtol(optarg, &end, 10); if (*end) expiry = -1; break;
		case 's': state_opt = optarg; break;
		case 'T': timeout = strtol(optarg, &end, 10); if (*end) timeout = -1; break;
		case 'j': json = 1; break;
		case 'v': verbose = 1; break;
		default: cli_err("%s", usage_text); return CLI_USAGE;
		}
	}
	n = (size_t)(argc - optind);
	if (!identity || n < 1) {
		cli_err("%s", usage_text);
		return CLI_USAGE;
	}
	if (n > MPCSIGN_WIRE_MAX_N || t < 1 || (size_t)t > n) {
		cli_err("--threshold must be between 1 and the number of parties (%zu, at most %u)",
			n, MPCSIGN_WIRE_MAX_N);
		return CLI_USAGE;
	}
	if (expiry < 1 || expiry > 86400 || timeout < 1 || timeout > 3600) {
		cli_err("--expiry must be 1..86400 seconds, --timeout 1..3600");
		return CLI_USAGE;
	}
	if (strlen(desc) > MPCSIGN_WIRE_MAX_DESC) {
		cli_err("--description: at most %u characters", MPCSIGN_WIRE_MAX_DESC);
		return CLI_USAGE;
	}
	for (i = 0; desc[i]; i++)
		if (desc[i] < 0x20 || desc[i] > 0x7e) {
			cli_err("--description: printable ASCII only");
			return CLI_USAGE;
		}
	if (cli_state_dir(state_dir, sizeof(state_dir), state_opt))
		return CLI_LOCAL;
	parties = calloc(n, sizeof(*parties));
	addrs = calloc(n, sizeof(*addrs));
	if (!parties || !addrs)
		goto oom;
	for (i = 0; i < n; i++) {
		const char *arg = argv[optind + i];

		if (cli_parse_party(arg, parties[i].hostpubkey, host, sizeof(host), port,
				    sizeof(port))) {
			cli_err("party %s: expected PUBKEYHEX@HOST:PORT (66 hex digits, "
				"IPv6 as [ADDR]:PORT)", arg);
			goto out;
		}
		for (j = 0; j < i; j++)
			if (!memcmp(parties[j].hostpubkey, parties[i].hostpubkey, 33)) {
				cli_err("party %s: the same host key twice", arg);
				goto out;
			}
		addrs[i] = strdup(strchr(arg, '@') + 1);
		if (!addrs[i])
			goto oom;
		parties[i].address = addrs[i];
	}
	rc = cli_net_init(&net, identity, n, (int)timeout * 1000);
	if (rc)
		goto out;
	net.quiet = json;
	net.verbose = verbose;
	cli_net_ops(&net, &ops);
	memset(&req, 0, sizeof(req));
	req.t = (uint32_t)t;
	req.n = n;
	req.parties = parties;
	req.desc = desc;
	req.expiry = (uint64_t)time(NULL) + (uint64_t)expiry;
	req.round_timeout_ms = (int)timeout * 1000;
	ret = mpcsign_coord_run_dkg(&res, &ops, &req);
	refused = cli_net_refused(&net);
	cli_net_free(&net);
	if (ret) {
		if (res.blame.party != MPCSIGN_COORD_NOBODY && res.blame.party < n) {
			char hex[67];

			cli_err("failed: party %zu %s at %s: %s", res.blame.party,
				cli_hex(hex, parties[res.blame.party].hostpubkey, 33),
				addrs[res.blame.party],
				res.blame.reason[0] ? res.blame.reason : strerror(-ret));
		} else {
			cli_err("failed: %s", res.blame.reason[0] ? res.blame.reason : strerror(-ret));
		}
		rc = cli_exit_for(ret, res.blame.err, res.blame.wire_code);
		if (refused && rc == CLI_UNREACHABLE)
			rc = CLI_REFUSED;
		goto out;
	}
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.thresh_pk, res.thresh_pk, 33);
	rec.t = (uint32_t)t;
	rec.n = (uint32_t)n;
	rec.parties = parties;
	memcpy(rec.session, res.session, sizeof(rec.session));
	memcpy(rec.fingerprint, res.fingerprint, 32);
	snprintf(rec.desc, sizeof(rec.desc), "%s", desc);
	rec.created = (uint64_t)time(NULL);
	rec.recovery_data = res.recovery_data;
	rec.recovery_data_len = res.recovery_data_len;
	ret = cli_record_save(state_dir, &rec, path, sizeof(path));
	if (ret) {
		cli_err("the DKG succeeded (threshold_pubkey below) but its record could not be "
			"stored in %s/keys: %s", state_dir, strerror(-ret));
		print_result(&rec, "", json);
		rc = CLI_LOCAL;
		goto out;
	}
	print_result(&rec, path, json);
	rc = CLI_OK;
	goto out;
oom:
	cli_err("out of memory");
	rc = CLI_FAIL;
out:
	mpcsign_coord_dkg_result_free(&res);
	if (addrs)
		for (i = 0; i < n; i++)
			free(addrs[i]);
	free(addrs);
	free(parties);
	return rc;
}

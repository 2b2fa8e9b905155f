// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cli_net.c - the coordinator's connections: the connect / close / event
 * callbacks that mpcsign_coord_run_dkg and _run_sign call (coordinator.h),
 * over TLS channels (tls.h) authenticated by our identity file and pinned to
 * each party's host key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "tls.h"

int cli_net_init(struct cli_net *net, const char *identity_path, size_t n, int timeout_ms)
{
	char err[256] = "";
	int ret;

	memset(net, 0, sizeof(*net));
	net->timeout_ms = timeout_ms;
	if (!strncmp(identity_path, "hostkey:", 8)) {
		/* a host key of this machine's module: the secret never leaves its kernel */
		uint8_t pk[33];

		if (cli_parse_pk(pk, identity_path + 8)) {
			cli_err("identity %s: not hostkey:HEX33 (a compressed host public key)",
				identity_path);
			return CLI_USAGE;
		}
		ret = mpcsign_open(&net->dev, getenv("MPCSIGN_DEVICE"));
		if (!ret)
			ret = mpcsign_identity_device(&net->id, net->dev, pk);
		if (ret) {
			cli_err("identity %s: %s%s", identity_path, strerror(-ret),
				ret == -ENOENT ? " (no such host key in this machine's module that we may use)" : "");
			cli_net_free(net);
			return CLI_LOCAL;
		}
	} else {
		ret = mpcsign_identity_file(&net->id, identity_path, err, sizeof(err));
		if (ret) {
			cli_err("identity %s: %s", identity_path, err[0] ? err : strerror(-ret));
			return CLI_LOCAL;
		}
	}
	ret = mpcsign_tls_new(&net->tls, 0, err, sizeof(err));
	if (ret) {
		cli_err("TLS: %s", err[0] ? err : strerror(-ret));
		cli_net_free(net);
		return CLI_FAIL;
	}
	net->chans = calloc(n ? n : 1, sizeof(*net->chans));
	net->conn_err = calloc(n ? n : 1, sizeof(*net->conn_err));
	if (!net->chans || !net->conn_err) {
		cli_net_free(net);
		return CLI_FAIL;
	}
	net->n = n;
	ret = mpcsign_coord_init();
	if (ret) {
		cli_err("library init: %s", strerror(-ret));
		cli_net_free(net);
		return CLI_FAIL;
	}
	return 0;
}

void cli_net_free(struct cli_net *net)
{
	size_t i;

	if (net->chans)
		for (i = 0; i < net->n; i++)
			if (net->chans[i])
				mpcsign_chan_close(net->chans[i]);
	free(net->chans);
	free(net->conn_err);
	if (net->tls)
		mpcsign_tls_free(net->tls);
	if (net->id)
		mpcsign_identity_free(net->id);
	if (net->dev)
		mpcsign_close(net->dev);
	memset(net, 0, sizeof(*net));
}

static struct mpcsign_link *net_connect(void *arg, size_t i, const struct mpcsign_coord_party *party,
					char *err, size_t errlen)
{
	struct cli_net *net = arg;
	char host[256], port[16], why[256] = "";
	int ret;

	if (i >= net->n || !party->address) {
		snprintf(err, errlen, "no address");
		return NULL;
	}
	if (cli_split_address(party->address, host, sizeof(host), port, sizeof(port))) {
		snprintf(err, errlen, "bad address %s (HOST:PORT or [IPV6]:PORT)", party->address);
		return NULL;
	}
	if (net->chans[i]) {	/* a retry: the old channel is done with */
		mpcsign_chan_close(net->chans[i]);
		net->chans[i] = NULL;
	}
	ret = mpcsign_chan_connect(&net->chans[i], net->tls, host, port, net->id,
				   MPCSIGN_ROLE_COORDINATOR, party->hostpubkey, 0, net->timeout_ms,
				   why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "%s: %s", party->address, why[0] ? why : strerror(-ret));
		net->chans[i] = NULL;
		net->conn_err[i] = ret;
		return NULL;
	}
	net->conn_err[i] = 0;
	return mpcsign_chan_link(net->chans[i]);
}

static void net_close(void *arg, size_t i, struct mpcsign_link *link)
{
	struct cli_net *net = arg;

	if (i < net->n && net->chans[i] && mpcsign_chan_link(net->chans[i]) == link) {
		mpcsign_chan_close(net->chans[i]);
		net->chans[i] = NULL;
	}
}

static void net_event(void *arg, const struct mpcsign_coord_event *ev)
{
	struct cli_net *net = arg;
	char hex[67] = "?";

	if (net->quiet)
		return;
	if (ev->hostpubkey)
		cli_hex(hex, ev->hostpubkey, 33);
	switch (ev->kind) {
	case MPCSIGN_COORD_EV_CONNECT:
		fprintf(stderr, "mpcsign %s: party %zu (%s) connected\n", cli_cmd, ev->party, hex);
		break;
	case MPCSIGN_COORD_EV_UNREACHABLE:
		fprintf(stderr, "mpcsign %s: party %zu (%s) unreachable: %s\n", cli_cmd, ev->party,
			hex, ev->text ? ev->text : "");
		break;
	case MPCSIGN_COORD_EV_ATTEMPT:
		fprintf(stderr, "mpcsign %s: attempt %u with signers %s\n", cli_cmd, ev->attempt,
			ev->text ? ev->text : "");
		break;
	case MPCSIGN_COORD_EV_BLAME:
		if (ev->party == MPCSIGN_COORD_NOBODY)
			fprintf(stderr, "mpcsign %s: %s\n", cli_cmd, ev->text ? ev->text : "failed");
		else
			fprintf(stderr, "mpcsign %s: party %zu (%s) set aside: %s\n", cli_cmd, ev->party,
				hex, ev->text ? ev->text : "");
		break;
	case MPCSIGN_COORD_EV_FINGERPRINT:
		if (ev->data && ev->len == 32) {
			fprintf(stderr, "mpcsign %s: DKG fingerprint ", cli_cmd);
			cli_hex_print(stderr, ev->data, 32);
			fprintf(stderr, " (compare with every party's log)\n");
		}
		break;
	case MPCSIGN_COORD_EV_SEND:
	case MPCSIGN_COORD_EV_RECV:
		if (net->verbose)
			fprintf(stderr, "mpcsign %s: %s party %zu: %s (%zu bytes)\n", cli_cmd,
				ev->kind == MPCSIGN_COORD_EV_SEND ? "->" : "<-", ev->party,
				mpcsign_msg_type_name(ev->msg_type), ev->len);
		break;
	default:
		break;
	}
}

void cli_net_ops(struct cli_net *net, struct mpcsign_coord_ops *ops)
{
	memset(ops, 0, sizeof(*ops));
	ops->connect = net_connect;
	ops->close = net_close;
	ops->event = net_event;
	ops->arg = net;
}

int cli_net_refused(const struct cli_net *net)
{
	size_t i;

	for (i = 0; i < net->n; i++)
		if (net->conn_err[i] == -EACCES)
			return 1;
	return 0;
}

int cli_exit_for(int err, int blame_err, uint32_t wire_code)
{
	if (wire_code == MPCSIGN_WERR_NOT_ALLOWED || wire_code == MPCSIGN_WERR_POLICY ||
	    wire_code == MPCSIGN_WERR_RATE || err == -EACCES || blame_err == -EACCES)
		return CLI_REFUSED;
	if (err == -EHOSTUNREACH || err == -EAGAIN || err == -ECONNREFUSED || err == -ETIMEDOUT)
		return CLI_UNREACHABLE;
	if (err == -EBADMSG || err == -EPROTO || err == -EREMOTEIO)
		return CLI_BLAME;
	return CLI_FAIL;
}

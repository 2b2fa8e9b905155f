/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * cli.h - what the mpcsign CLI's commands share (mpcsign(1)).
 *
 * Every command prints its results as key=value lines on stdout (or one
 * JSON object with --json) and one-line errors on stderr
 * ("mpcsign dkg: ..."), and returns one of the exit codes below.
 */
#ifndef MPCSIGN_CLI_H
#define MPCSIGN_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "coordinator.h"

/* exit codes (mpcsign(1), EXIT STATUS) */
#define CLI_OK		0
#define CLI_FAIL	1	/* the operation failed (see the message) */
#define CLI_USAGE	2	/* bad command line */
#define CLI_UNREACHABLE	3	/* parties could not be reached (too few for t) */
#define CLI_REFUSED	4	/* a party refused: allowlist, policy, rate limit */
#define CLI_BLAME	5	/* a party misbehaved or failed (named in the output) */
#define CLI_LOCAL	6	/* local state: identity file, key record, daemon socket */

extern const char *cli_cmd;	/* "dkg", ... for error messages */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --- hex ---------------------------------------------------------------------- */
void cli_hex_print(FILE *f, const uint8_t *p, size_t len);
char *cli_hex(char *out, const uint8_t *p, size_t len);	/* out: 2 len + 1 */
/* exactly len bytes from 2 len hex digits; 0 or -EINVAL */
int cli_unhex(uint8_t *out, size_t len, const char *s);
/* any even number of hex digits (up to max bytes) into *out (malloc'ed) */
int cli_unhex_alloc(uint8_t **out, size_t *len, const char *s, size_t max);
/* a 33-byte compressed public key (02/03 prefix) */
int cli_parse_pk(uint8_t pk[33], const char *s);

/* --- parties -------------------------------------------------------------------- */
/* "PUBKEYHEX@HOST:PORT" (IPv6 "PUBKEY@[::1]:7000"); host and port are
 * written into the caller's buffers */
int cli_parse_party(const char *arg, uint8_t pk[33], char *host, size_t hostlen,
		    char *port, size_t portlen);
/* "HOST:PORT" / "[V6]:PORT" into host and port */
int cli_split_address(const char *addr, char *host, size_t hostlen, char *port, size_t portlen);

/* --- the message to sign --------------------------------------------------------- */
/* --message HEX or --file F (at most MPCSIGN_WIRE_MAX_MSG bytes); *msg malloc'ed */
int cli_load_message(uint8_t **msg, size_t *len, const char *hex, const char *file);
/* --tweak HEX[:xonly] appended to tweaks (room for MPCSIGN_WIRE_MAX_TWEAKS) */
int cli_parse_tweak(uint8_t (*tweaks)[32], size_t *num, uint64_t *xonly, const char *arg);

/* --- state directory: the coordinator's public key records ------------------------ */
/* --state-dir, else $MPCSIGN_STATE_DIR, else ~/.local/share/mpcsign */
int cli_state_dir(char *out, size_t len, const char *opt);

struct cli_record {
	uint8_t thresh_pk[33];
	uint32_t t, n;
	struct mpcsign_coord_party *parties;	/* n, in participant order */
	char **addresses;			/* n strings (parties[i].address) */
	uint8_t session[MPCSIGN_SESSION_ID_LEN];
	uint8_t fingerprint[32];
	char desc[MPCSIGN_WIRE_MAX_DESC + 1];
	uint64_t created;
	uint8_t *recovery_data;
	size_t recovery_data_len;
};
/* state_dir/keys/THRESH_PK.key, atomically (tmp + fsync + rename + fsync dir);
 * path (may be NULL) gets the file name */
int cli_record_save(const char *state_dir, const struct cli_record *r, char *path, size_t pathlen);
/* -ENOENT no record for that key; -EINVAL malformed (why in err) */
int cli_record_load(const char *state_dir, const uint8_t thresh_pk[33], struct cli_record *r,
		    char *err, size_t errlen);
void cli_record_free(struct cli_record *r);

/* --- network: the coordinator's connect callbacks (TLS channels) ----------------- */
struct mpcsign_tls;
struct mpcsign_identity;
struct mpcsign_chan;
struct cli_net {
	struct mpcsign_tls *tls;
	struct mpcsign_identity *id;
	struct mpcsign *dev;		/* the device of a hostkey: identity, or NULL */
	struct mpcsign_chan **chans;	/* n */
	int *conn_err;			/* n: -errno of the last failed connect, or 0 */
	size_t n;
	int timeout_ms;			/* connect + handshake */
	int verbose;			/* frames on stderr */
	int quiet;			/* no progress on stderr (--json) */
};
/*
 * identity from --identity (a key file, or "hostkey:HEX33" for a host key in
 * this machine's own module: the stronger choice where the coordinator has
 * one), a TLS client context, room for n channels
 */
int cli_net_init(struct cli_net *net, const char *identity_path, size_t n, int timeout_ms);
void cli_net_free(struct cli_net *net);
/* ops for mpcsign_coord_run_dkg / _sign, arg = net */
void cli_net_ops(struct cli_net *net, struct mpcsign_coord_ops *ops);
/* 1 if a party refused us at the handshake (not in its coordinators allowlist) */
int cli_net_refused(const struct cli_net *net);
/* an exit code for a coordinator failure */
int cli_exit_for(int err, int blame_err, uint32_t wire_code);

/* --- JSON output ----------------------------------------------------------------- */
void cli_json_str(FILE *f, const char *s);
void cli_json_hex(FILE *f, const uint8_t *p, size_t len);

/* --- commands ------------------------------------------------------------------- */
int cmd_keygen(int argc, char **argv);
int cmd_dkg(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_approve(int argc, char **argv);
int cmd_ctl(const char *what, int argc, char **argv);

#endif

/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * config.h - the party daemon's configuration, mpcsignd.conf(5).
 *
 * An INI file (parsed with inih) with one section, [mpcsignd]:
 *
 *   [mpcsignd]
 *   listen = 0.0.0.0:7000            HOST:PORT, [IPV6]:PORT
 *   host_key = 02...                 33-byte compressed public key, hex
 *   device = /dev/mpcsign
 *   control_socket = /run/mpcsign/control.sock
 *   state_dir = /var/lib/mpcsign
 *   policy = /etc/mpcsign/policy.conf
 *   user = mpcsign
 *   peer = 02...                     repeated: the DKG allowlist
 *   coordinator = 03...              repeated: who may connect
 *   handshake_timeout_ms = 5000
 *   round_timeout_ms = 30000
 *   session_timeout_ms = 120000
 *   max_connections = 32
 *   max_sessions = 64
 *   max_frame = 262144
 *
 * Every key but peer and coordinator at most once; unknown sections and keys,
 * malformed values (bad hex, a point not on the curve, relative paths, ...),
 * numbers out of range, a repeated key or a repeated peer/coordinator key are
 * errors that name their line.  Lines are at most MPCSIGN_CONFIG_MAX_LINE
 * characters; an indented line is refused (inih would read it as the
 * continuation of the previous value).
 */
#ifndef MPCSIGN_CONFIG_H
#define MPCSIGN_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* Defaults (documented in mpcsignd.conf(5)). */
#define MPCSIGN_CONFIG_DEFAULT_LISTEN_HOST	"0.0.0.0"
#define MPCSIGN_CONFIG_DEFAULT_LISTEN_PORT	"7000"
#define MPCSIGN_CONFIG_DEFAULT_DEVICE		"/dev/mpcsign"
#define MPCSIGN_CONFIG_DEFAULT_CONTROL_SOCKET	"/run/mpcsign/control.sock"
#define MPCSIGN_CONFIG_DEFAULT_STATE_DIR	"/var/lib/mpcsign"
#define MPCSIGN_CONFIG_DEFAULT_POLICY		"/etc/mpcsign/policy.conf"
#define MPCSIGN_CONFIG_DEFAULT_HANDSHAKE_MS	5000u
#define MPCSIGN_CONFIG_DEFAULT_ROUND_MS		30000u
#define MPCSIGN_CONFIG_DEFAULT_SESSION_MS	120000u
#define MPCSIGN_CONFIG_DEFAULT_MAX_CONNECTIONS	32u
#define MPCSIGN_CONFIG_DEFAULT_MAX_SESSIONS	64u
#define MPCSIGN_CONFIG_DEFAULT_MAX_FRAME	(256u * 1024)	/* = MPCSIGN_FRAME_MAX_BODY */
/* Limits of the file. */
#define MPCSIGN_CONFIG_MAX_LINE		196	/* characters of a line (inih's buffer) */
#define MPCSIGN_CONFIG_MAX_SIZE		(1024 * 1024)	/* bytes of the file */
#define MPCSIGN_CONFIG_MAX_KEYS		1024	/* peers, coordinators (each) */

struct mpcsign_config {
	/* listen = HOST:PORT: host without brackets (for getaddrinfo), port digits */
	char listen_host[256];
	char listen_port[16];
	/* control_socket = absolute path of the unix socket (fits sun_path) */
	char control_socket[108];
	/* device = absolute path of the key store device */
	char device[256];
	/* host_key = this party's host public key; has_host_key 0 if not given */
	uint8_t host_key[33];
	int has_host_key;
	/* peer = ... (each line one key, distinct): host keys a DKG may include */
	uint8_t (*peers)[33];
	size_t num_peers;
	/* coordinator = ... (distinct): who may connect as a coordinator */
	uint8_t (*coordinators)[33];
	size_t num_coordinators;
	/* policy = absolute path of the signing policy (mpcsign-policy(5)) */
	char policy_path[4096];
	/* state_dir = absolute path of the daemon's public records */
	char state_dir[4096];
	/* *_timeout_ms: TLS + AUTH; one request/reply round; a whole DKG or
	 * signing session at the party.  handshake <= round <= session. */
	unsigned handshake_timeout_ms, round_timeout_ms, session_timeout_ms;
	/* max_connections: concurrent coordinator connections (1..4096);
	 * max_sessions: DKG and signing sessions held at once (1..65536) */
	unsigned max_connections, max_sessions;
	/* max_frame: largest frame body accepted (4096..MPCSIGN_FRAME_MAX_BODY) */
	size_t max_frame;
	/* user = the account to run as after setup ("" = stay as started) */
	char user[64];
};

/*
 * Parse a config file (a regular file of at most MPCSIGN_CONFIG_MAX_SIZE
 * bytes, no NUL byte).  On success *out holds the values (defaults for keys
 * not given); free with mpcsign_config_free.  On failure *out is zeroed
 * (nothing to free) and err says "PATH:LINE: what" for a person.  -ENOENT,
 * -EACCES (and other open/read errnos), -EFBIG too large, -EINVAL bad content,
 * -ENOMEM.
 */
int mpcsign_config_load(struct mpcsign_config *out, const char *path, char *err, size_t errlen);
/* The same from text in memory (NUL-terminated); err says "line N: what". */
int mpcsign_config_parse(struct mpcsign_config *out, const char *text, char *err, size_t errlen);
/* Free the key lists and zero the struct (NULL and zeroed structs are fine). */
void mpcsign_config_free(struct mpcsign_config *c);

/*
 * Split "HOST:PORT" or "[IPV6]:PORT" (as in listen=, and as the CLI takes
 * party addresses): host without brackets, port 1..65535 in decimal.  An
 * IPv6 literal must be in brackets.  0 or -EINVAL.
 */
int mpcsign_config_split_hostport(const char *s, char host[256], char port[16]);

#endif

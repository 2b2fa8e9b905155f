// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_config.c - mpcsignd.conf parsing (mpcsign_config_parse).
 *
 * Input: byte 0 chooses the mode.
 *   even: the rest is the config text itself (cut at the first NUL);
 *   odd:  the rest is a program: each byte picks one line from a table of
 *         sections, keys and good and bad values (so that random inputs reach
 *         the value checks and the whole-file checks without a corpus); with
 *         bit 1 set the text starts with "[mpcsignd]".
 * Properties (abort() if violated):
 *  - the result is 0, -EINVAL or -ENOMEM; on failure the struct is all zero
 *    and err says something;
 *  - on success every string is NUL-terminated in its field, paths are
 *    absolute, numbers are in their documented ranges, handshake <= round <=
 *    session, the key lists hold distinct 02/03 keys and are NULL when empty;
 *  - parsing the same text again gives the same struct.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "property failed: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

#define G	"0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
#define G2	"02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"
#define G3	"02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9"

static const char *const lines[] = {
	"[mpcsignd]\n", "[mpcsignd]", "[other]\n", "[mpcsignd\n", "\n", "# c\n", "; c\n",
	"listen = 127.0.0.1:7000\n", "listen = [::1]:7000\n", "listen = [::]:1\n",
	"listen = host.example:65535\n", "listen = ::1:7000\n", "listen = 1.2.3.4:0\n",
	"host_key = " G "\n", "host_key = " G2 "x\n", "host_key = 04" G3 "\n",
	"peer = " G "\n", "peer = " G2 "\n", "peer = " G3 "\n", "peer: " G2 "\n",
	"coordinator = " G "\n", "coordinator = " G3 "\n",
	"coordinator = 020000000000000000000000000000000000000000000000000000000000000007\n",
	"device = /dev/mpcsign\n", "device = dev\n", "device =\n",
	"control_socket = /run/mpcsign/control.sock\n", "state_dir = /var/lib/mpcsign\n",
	"policy = /etc/mpcsign/policy.conf ; comment\n", "user = mpcsign\n", "user = -x\n",
	"handshake_timeout_ms = 100\n", "handshake_timeout_ms = 600000\n",
	"round_timeout_ms = 100\n", "round_timeout_ms = 3600000\n", "round_timeout_ms = 99\n",
	"session_timeout_ms = 1000\n", "session_timeout_ms = 86400000\n",
	"session_timeout_ms = 18446744073709551616\n",
	"max_connections = 1\n", "max_connections = 4097\n", "max_sessions = 65536\n",
	"max_frame = 4096\n", "max_frame = 262144\n", "max_frame = 262145\n",
	"  indented = 1\n", "no equals sign\n", "unknown = 1\n", "\r\n", "\xef\xbb\xbf",
	"listen = 1.2.3.4:1 ; x\r\n", "=\n", "[]\n",
};
#define NLINES (sizeof(lines) / sizeof(lines[0]))
#define HEADER "[mpcsignd]\n"

static void check_str(const char *s, size_t size)
{
	CHECK(memchr(s, 0, size) != NULL);
}

static void check_keys(uint8_t (*k)[33], size_t n)
{
	size_t i, j;

	CHECK((n == 0) == (k == NULL));
	CHECK(n <= MPCSIGN_CONFIG_MAX_KEYS);
	for (i = 0; i < n; i++) {
		CHECK(k[i][0] == 2 || k[i][0] == 3);
		for (j = 0; j < i; j++)
			CHECK(memcmp(k[i], k[j], 33) != 0);
	}
}

static void run(const char *text)
{
	static const struct mpcsign_config zero;
	struct mpcsign_config a, b;
	char err[400];
	int r, r2;

	err[0] = 0;
	r = mpcsign_config_parse(&a, text, err, sizeof(err));
	CHECK(r == 0 || r == -EINVAL || r == -ENOMEM);
	if (r) {
		CHECK(!memcmp(&a, &zero, sizeof(a)));
		CHECK(err[0] != 0 && memchr(err, 0, sizeof(err)));
		return;
	}
	check_str(a.listen_host, sizeof(a.listen_host));
	check_str(a.listen_port, sizeof(a.listen_port));
	check_str(a.control_socket, sizeof(a.control_socket));
	check_str(a.device, sizeof(a.device));
	check_str(a.policy_path, sizeof(a.policy_path));
	check_str(a.state_dir, sizeof(a.state_dir));
	check_str(a.user, sizeof(a.user));
	CHECK(a.listen_host[0] && a.listen_port[0]);
	CHECK(atoi(a.listen_port) >= 1 && atoi(a.listen_port) <= 65535);
	CHECK(a.control_socket[0] == '/' && a.device[0] == '/' && a.policy_path[0] == '/' &&
	      a.state_dir[0] == '/');
	CHECK(a.handshake_timeout_ms >= 100 && a.handshake_timeout_ms <= a.round_timeout_ms &&
	      a.round_timeout_ms <= a.session_timeout_ms && a.session_timeout_ms <= 86400000);
	CHECK(a.max_connections >= 1 && a.max_connections <= 4096);
	CHECK(a.max_sessions >= 1 && a.max_sessions <= 65536);
	CHECK(a.max_frame >= 4096 && a.max_frame <= MPCSIGN_CONFIG_DEFAULT_MAX_FRAME);
	CHECK(a.has_host_key == 0 || a.has_host_key == 1);
	if (a.has_host_key)
		CHECK(a.host_key[0] == 2 || a.host_key[0] == 3);
	check_keys(a.peers, a.num_peers);
	check_keys(a.coordinators, a.num_coordinators);
	/* the same again */
	r2 = mpcsign_config_parse(&b, text, NULL, 0);
	CHECK(r2 == 0);
	CHECK(b.num_peers == a.num_peers && b.num_coordinators == a.num_coordinators);
	CHECK(!a.num_peers || !memcmp(a.peers, b.peers, 33 * a.num_peers));
	CHECK(!a.num_coordinators ||
	      !memcmp(a.coordinators, b.coordinators, 33 * a.num_coordinators));
	{
		uint8_t (*bp)[33] = b.peers, (*bc)[33] = b.coordinators;

		b.peers = a.peers;
		b.coordinators = a.coordinators;
		CHECK(!memcmp(&a, &b, sizeof(a)));
		b.peers = bp;
		b.coordinators = bc;
	}
	mpcsign_config_free(&b);
	mpcsign_config_free(&a);
	CHECK(!memcmp(&a, &zero, sizeof(a)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	size_t i, len = 0;

	if (size == 0)
		return 0;
	if (!(data[0] & 1)) {
		text = malloc(size);
		if (!text)
			return 0;
		memcpy(text, data + 1, size - 1);
		text[size - 1] = 0;
	} else {
		size_t cap = 1 + sizeof(HEADER);

		for (i = 1; i < size; i++)
			cap += strlen(lines[data[i] % NLINES]);
		text = malloc(cap);
		if (!text)
			return 0;
		/* bit 1 of byte 0: start with the section header */
		if (data[0] & 2) {
			memcpy(text, HEADER, sizeof(HEADER) - 1);
			len = sizeof(HEADER) - 1;
		}
		for (i = 1; i < size; i++) {
			const char *l = lines[data[i] % NLINES];

			memcpy(text + len, l, strlen(l));
			len += strlen(l);
		}
		text[len] = 0;
	}
	run(text);
	free(text);
	return 0;
}

void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size));
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size))
{
	static const char full[] = "\x00[mpcsignd]\nlisten = [::1]:7000\nhost_key = " G "\n"
				   "peer = " G "\npeer = " G2 "\ncoordinator = " G3 "\n"
				   "round_timeout_ms = 8000\nmax_frame = 65536\n";
	static const uint8_t prog[] = { 3, 7, 13, 16, 17, 20, 23, 26, 27, 28, 29, 31, 33, 36 };

	emit((const uint8_t *)full, sizeof(full) - 1);
	emit(prog, sizeof(prog));
}

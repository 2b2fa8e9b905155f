// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_config.c - mpcsignd.conf(5) parsing (userspace/lib/config.c): every
 * key, the defaults, and each kind of error with its line number.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include "test.h"
#include "config.h"

/* G and 2G, compressed; 02 || 0...07 is not on the curve (x = 7: 7^3 + 7 is no square) */
#define PK_G	"0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
#define PK_2G	"02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"
#define PK_3G	"02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9"

static int parse_ok(struct mpcsign_config *c, const char *text)
{
	char err[400] = "";
	int r = mpcsign_config_parse(c, text, err, sizeof(err));

	if (r)
		printf("# unexpected error %d: %s\n", r, err);
	return r == 0;
}

/* Expect failure with a message containing want (e.g. "line 3: "). */
static int parse_fails(const char *text, const char *want, const char *name)
{
	struct mpcsign_config c;
	char err[400] = "";
	int r;

	memset(&c, 0x5a, sizeof(c));
	r = mpcsign_config_parse(&c, text, err, sizeof(err));
	{
		static const struct mpcsign_config zero;
		int zeroed = !memcmp(&c, &zero, sizeof(c));

		return test_report(r == -EINVAL && zeroed && strstr(err, want),
				   "config: %s -> %s", name, err);
	}
}

static void test_defaults(void)
{
	struct mpcsign_config c;
	int ok = parse_ok(&c, "");

	ok = ok && !strcmp(c.listen_host, "0.0.0.0") && !strcmp(c.listen_port, "7000") &&
	     !strcmp(c.device, "/dev/mpcsign") &&
	     !strcmp(c.control_socket, "/run/mpcsign/control.sock") &&
	     !strcmp(c.state_dir, "/var/lib/mpcsign") &&
	     !strcmp(c.policy_path, "/etc/mpcsign/policy.conf") && !c.has_host_key &&
	     !c.num_peers && !c.peers && !c.num_coordinators && !c.user[0] &&
	     c.handshake_timeout_ms == 5000 && c.round_timeout_ms == 30000 &&
	     c.session_timeout_ms == 120000 && c.max_connections == 32 && c.max_sessions == 64 &&
	     c.max_frame == 262144;
	test_report(ok, "config: an empty file gives the documented defaults");
	mpcsign_config_free(&c);
	ok = parse_ok(&c, "# only a comment\n; another\n\n[mpcsignd]\n") &&
	     c.max_sessions == 64;
	test_report(ok, "config: comments, blank lines and an empty section");
	mpcsign_config_free(&c);
}

static void test_full(void)
{
	struct mpcsign_config c;
	uint8_t g[33], g2[33], g3[33];
	int ok;

	hex_decode(g, 33, PK_G);
	hex_decode(g2, 33, PK_2G);
	hex_decode(g3, 33, PK_3G);
	ok = parse_ok(&c,
		      "\xef\xbb\xbf# a full config\r\n"
		      "[mpcsignd]\r\n"
		      "listen = 10.0.0.1:7443\r\n"
		      "host_key = " PK_G "\n"
		      "device = /dev/mpcsign-test\n"
		      "control_socket = /run/x/c.sock\n"
		      "state_dir = /srv/mpcsign\n"
		      "policy = /etc/p.conf ; an inline comment\n"
		      "user = mpcsign\n"
		      "peer = " PK_G "\n"
		      "peer = " PK_2G "\n"
		      "peer: " PK_3G "\n"
		      "coordinator = " PK_3G "\n"
		      "handshake_timeout_ms = 100\n"
		      "round_timeout_ms = 8000\n"
		      "session_timeout_ms = 86400000\n"
		      "max_connections = 4096\n"
		      "max_sessions = 1\n"
		      "max_frame = 4096\n");
	ok = ok && !strcmp(c.listen_host, "10.0.0.1") && !strcmp(c.listen_port, "7443") &&
	     c.has_host_key && !memcmp(c.host_key, g, 33) &&
	     !strcmp(c.device, "/dev/mpcsign-test") && !strcmp(c.control_socket, "/run/x/c.sock") &&
	     !strcmp(c.state_dir, "/srv/mpcsign") && !strcmp(c.policy_path, "/etc/p.conf") &&
	     !strcmp(c.user, "mpcsign") && c.num_peers == 3 && !memcmp(c.peers[0], g, 33) &&
	     !memcmp(c.peers[1], g2, 33) && !memcmp(c.peers[2], g3, 33) &&
	     c.num_coordinators == 1 && !memcmp(c.coordinators[0], g3, 33) &&
	     c.handshake_timeout_ms == 100 && c.round_timeout_ms == 8000 &&
	     c.session_timeout_ms == 86400000 && c.max_connections == 4096 &&
	     c.max_sessions == 1 && c.max_frame == 4096;
	test_report(ok, "config: every key, CRLF, BOM, inline comment, ':' separator, range ends");
	mpcsign_config_free(&c);
	test_report(!c.peers && !c.num_peers, "config: free zeroes the struct");
	mpcsign_config_free(&c);	/* twice is fine */
	mpcsign_config_free(NULL);

	ok = parse_ok(&c, "[mpcsignd]\nlisten = [::1]:7000\n") && !strcmp(c.listen_host, "::1") &&
	     !strcmp(c.listen_port, "7000");
	mpcsign_config_free(&c);
	ok = ok && parse_ok(&c, "[mpcsignd]\nlisten = [::]:65535\n") &&
	     !strcmp(c.listen_host, "::") && !strcmp(c.listen_port, "65535");
	mpcsign_config_free(&c);
	ok = ok && parse_ok(&c, "[mpcsignd]\nlisten = party-1.example.org:1\n") &&
	     !strcmp(c.listen_host, "party-1.example.org") && !strcmp(c.listen_port, "1");
	mpcsign_config_free(&c);
	test_report(ok, "config: listen with IPv6 literals in brackets and a host name");

	/* many peers (growth of the list) */
	{
		char *text = malloc(200 * 80), *p = text;
		int i;

		p += sprintf(p, "[mpcsignd]\n");
		/* k*G for k = 1..3 only are known here; use them under both keys */
		p += sprintf(p, "peer = %s\npeer = %s\npeer = %s\n", PK_G, PK_2G, PK_3G);
		for (i = 0; i < 3; i++)
			p += sprintf(p, "coordinator = %s\n", i == 0 ? PK_G : i == 1 ? PK_2G : PK_3G);
		ok = parse_ok(&c, text) && c.num_peers == 3 && c.num_coordinators == 3;
		test_report(ok, "config: the same key may be both a peer and a coordinator");
		mpcsign_config_free(&c);
		free(text);
	}
}

static void test_errors(void)
{
	parse_fails("[daemon]\nlisten = 1.2.3.4:1\n", "line 1: unknown section [daemon]",
		    "an unknown section");
	parse_fails("[mpcsignd]\n[other]\n", "line 2: unknown section [other]",
		    "an unknown section without keys");
	parse_fails("listen = 1.2.3.4:1\n", "line 1: listen: keys go in the [mpcsignd] section",
		    "a key before any section");
	parse_fails("[mpcsignd]\n\nlistn = 1.2.3.4:1\n", "line 3: unknown key 'listn'",
		    "an unknown key");
	parse_fails("[mpcsignd]\nlisten = 1.2.3.4:1\nlisten = 1.2.3.4:2\n",
		    "line 3: listen given twice (first on line 2)", "a repeated key");
	parse_fails("[mpcsignd]\npeer = " PK_G "\npeer = " PK_2G "\npeer = " PK_G "\n",
		    "line 4: peer: this key is already listed (line 2)", "a repeated peer");
	parse_fails("[mpcsignd]\ncoordinator = " PK_2G "\ncoordinator = " PK_2G "\n",
		    "line 3: coordinator: this key is already listed (line 2)",
		    "a repeated coordinator");
	parse_fails("[mpcsignd]\nhost_key = " PK_G "0\n", "line 2: host_key: expected 66 hex digits",
		    "a host key too long");
	parse_fails("[mpcsignd]\nhost_key = 0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f8179\n",
		    "line 2: host_key: expected 66 hex digits", "a host key too short");
	parse_fails("[mpcsignd]\nhost_key = 0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f8179g\n",
		    "line 2: host_key: 'g' is not a hex digit", "bad hex");
	parse_fails("[mpcsignd]\npeer = 0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798\n",
		    "line 2: peer: a compressed public key starts with 02 or 03", "a bad prefix");
	parse_fails("[mpcsignd]\ncoordinator = 020000000000000000000000000000000000000000000000000000000000000007\n",
		    "is not a point on secp256k1", "a point not on the curve");
	parse_fails("[mpcsignd]\nmax_frame = 4095\n", "line 2: max_frame = 4095: not a whole number "
		    "from 4096 to 262144", "max_frame below range");
	parse_fails("[mpcsignd]\nmax_frame = 262145\n", "line 2: max_frame", "max_frame above range");
	parse_fails("[mpcsignd]\nmax_connections = 0\n", "line 2: max_connections", "zero connections");
	parse_fails("[mpcsignd]\nmax_sessions = 99999999999999999999999999\n", "line 2: max_sessions",
		    "a number that overflows");
	parse_fails("[mpcsignd]\nround_timeout_ms = -5\n", "line 2: round_timeout_ms", "a negative number");
	parse_fails("[mpcsignd]\nround_timeout_ms = 5s\n", "line 2: round_timeout_ms", "a unit suffix");
	parse_fails("[mpcsignd]\nround_timeout_ms = 0x100\n", "line 2: round_timeout_ms", "hex number");
	parse_fails("[mpcsignd]\nhandshake_timeout_ms = 99\n", "line 2: handshake_timeout_ms",
		    "handshake timeout below range");
	parse_fails("[mpcsignd]\nhandshake_timeout_ms = 40000\n",
		    "handshake_timeout_ms (40000) is longer than round_timeout_ms (30000)",
		    "handshake longer than a round");
	parse_fails("[mpcsignd]\nround_timeout_ms = 200000\n",
		    "round_timeout_ms (200000) is longer than session_timeout_ms (120000)",
		    "a round longer than the session");
	parse_fails("[mpcsignd]\nlisten = 7000\n", "line 2: listen = 7000: expected HOST:PORT",
		    "listen without host");
	parse_fails("[mpcsignd]\nlisten = 1.2.3.4:0\n", "line 2: listen", "port 0");
	parse_fails("[mpcsignd]\nlisten = 1.2.3.4:65536\n", "line 2: listen", "port 65536");
	parse_fails("[mpcsignd]\nlisten = 1.2.3.4:http\n", "line 2: listen", "a port name");
	parse_fails("[mpcsignd]\nlisten = ::1:7000\n", "line 2: listen", "IPv6 without brackets");
	parse_fails("[mpcsignd]\nlisten = [::1]7000\n", "line 2: listen", "IPv6 without ':' after ]");
	parse_fails("[mpcsignd]\nlisten = [1.2.3.4]:7000\n", "line 2: listen", "IPv4 in brackets");
	parse_fails("[mpcsignd]\nlisten = :7000\n", "line 2: listen", "an empty host");
	parse_fails("[mpcsignd]\npolicy = policy.conf\n", "line 2: policy: an absolute path is needed",
		    "a relative path");
	parse_fails("[mpcsignd]\ncontrol_socket = /run/mpcsign/a/very/long/path/that/does/not/fit/in/"
		    "sun_path/of/one/hundred/and/eight/bytes/xxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
		    "line 2: control_socket: path longer than 107", "a socket path over sun_path");
	parse_fails("[mpcsignd]\nuser = -root\n", "line 2: user = -root: not a user name",
		    "a user name starting with '-'");
	parse_fails("[mpcsignd]\nuser = a b\n", "line 2: user", "a user name with a space");
	parse_fails("[mpcsignd]\ndevice =\n", "line 2: device: empty value", "an empty value");
	parse_fails("[mpcsignd]\nlisten = 1.2.3.4:1\n  policy = /x\n",
		    "line 3: indented line", "an indented line");
	parse_fails("[mpcsignd]\nthis is not ini\n", "line 2: syntax error", "a line without '='");
	parse_fails("[mpcsignd]\nfoo ; a = b\n", "line 2: syntax error",
		    "'=' only inside an inline comment");
	parse_fails("[mpcsignd\n", "line 1: section header without ']'", "an unclosed section");
	parse_fails("[mpcsignd]\ndevice = /dev/\x01x\n", "line 2: control character 0x01",
		    "a control character");
	{
		char text[400];

		memset(text, 0, sizeof(text));
		strcpy(text, "[mpcsignd]\npolicy = /");
		memset(text + strlen(text), 'a', 250);
		strcat(text, "\n");
		parse_fails(text, "line 2: line longer than", "a line over inih's buffer");
	}
	/* the first error is the one reported */
	parse_fails("[mpcsignd]\nbad line\nlistn = 1\n", "line 2: syntax error",
		    "the first of two errors");
	{
		struct mpcsign_config c;

		test_report(mpcsign_config_parse(&c, NULL, NULL, 0) == -EINVAL &&
			    mpcsign_config_parse(NULL, "", NULL, 0) == -EINVAL,
			    "config: NULL arguments are -EINVAL (NULL err is fine)");
	}
}

static void test_load(void)
{
	char dir[] = "/tmp/test_config.XXXXXX", path[128], err[400];
	struct mpcsign_config c;
	int fd, ok;

	if (!mkdtemp(dir)) {
		TEST_FAIL("mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/mpcsignd.conf", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok = fd >= 0 && write(fd, "[mpcsignd]\nmax_sessions = 7\n", 28) == 28;
	close(fd);
	ok = ok && mpcsign_config_load(&c, path, err, sizeof(err)) == 0 && c.max_sessions == 7;
	mpcsign_config_free(&c);
	test_report(ok, "config: load a file");

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok = fd >= 0 && write(fd, "[mpcsignd]\n\nmax_sessions = 0\n", 29) == 29;
	close(fd);
	ok = ok && mpcsign_config_load(&c, path, err, sizeof(err)) == -EINVAL &&
	     !strncmp(err, path, strlen(path)) && strstr(err, ".conf:3: max_sessions");
	test_report(ok, "config: a file's error names the file and line: %s", err);

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok = fd >= 0 && write(fd, "[mpcsignd]\n\0x=1\n", 16) == 16;
	close(fd);
	test_report(ok && mpcsign_config_load(&c, path, err, sizeof(err)) == -EINVAL &&
		    strstr(err, "NUL byte"), "config: a file with a NUL byte is refused: %s", err);
	test_report(mpcsign_config_load(&c, dir, err, sizeof(err)) == -EINVAL &&
		    strstr(err, "not a regular file"), "config: a directory is refused: %s", err);
	unlink(path);
	test_report(mpcsign_config_load(&c, path, err, sizeof(err)) == -ENOENT &&
		    strstr(err, "No such file"), "config: a missing file is -ENOENT: %s", err);
	/* too large: a sparse file over the limit */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok = fd >= 0 && !ftruncate(fd, MPCSIGN_CONFIG_MAX_SIZE + 1);
	close(fd);
	test_report(ok && mpcsign_config_load(&c, path, err, sizeof(err)) == -EFBIG,
		    "config: a file over %d bytes is -EFBIG: %s", MPCSIGN_CONFIG_MAX_SIZE, err);
	unlink(path);
	rmdir(dir);
}

static void test_split(void)
{
	char host[256], port[16];
	int ok;

	ok = !mpcsign_config_split_hostport("127.0.0.1:7000", host, port) &&
	     !strcmp(host, "127.0.0.1") && !strcmp(port, "7000") &&
	     !mpcsign_config_split_hostport("[fe80::1%eth0]:9", host, port) &&
	     !strcmp(host, "fe80::1%eth0") && !strcmp(port, "9") &&
	     mpcsign_config_split_hostport("host:07000", host, port) == -EINVAL &&
	     mpcsign_config_split_hostport("host:", host, port) == -EINVAL &&
	     mpcsign_config_split_hostport("host", host, port) == -EINVAL &&
	     mpcsign_config_split_hostport("ho st:1", host, port) == -EINVAL &&
	     mpcsign_config_split_hostport(NULL, host, port) == -EINVAL;
	test_report(ok, "config: split_hostport (v4, v6 with zone, bad forms)");
}

int main(void)
{
	test_defaults();
	test_full();
	test_errors();
	test_load();
	test_split();
	return test_exit();
}

// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cli_record.c - the coordinator's public record of a key, one file per key
 * in STATE_DIR/keys/THRESH_PK.key (mpcsign(1), FILES):
 *
 *   mpcsign-coordinator-key v1
 *   thresh_pk=HEX33
 *   t=N
 *   n=N
 *   party=HOSTPUBKEY@HOST:PORT      (n lines, participant 0 first)
 *   session=HEX16
 *   fingerprint=HEX32
 *   created=UNIX_SECONDS
 *   desc=TEXT
 *   recovery_data=HEX
 *
 * Nothing secret: the recovery data is public (ChillDKG).  Written to a
 * temporary file in the same directory, fsync'ed, renamed over the name, and
 * the directory fsync'ed, so a crash leaves the old record or the new one.
 * Edit the party= addresses by hand if a party moves; the host keys are
 * checked against the recovery data at every signing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "util.h"

#define RECORD_MAGIC	"mpcsign-coordinator-key v1"
#define RECORD_MAX	(4u * 1024 * 1024)

/* mkdir -p with mode 0700 for what it creates */
static int mkdirs(const char *path)
{
	char tmp[4096];
	size_t i, len = strlen(path);

	if (len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (tmp[i] != '/' && tmp[i] != 0)
			continue;
		tmp[i] = 0;
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return -errno;
		tmp[i] = path[i];
	}
	return 0;
}

static void record_path(char *out, size_t len, const char *state_dir, const uint8_t pk[33])
{
	char hex[67];

	snprintf(out, len, "%s/keys/%s.key", state_dir, cli_hex(hex, pk, 33));
}

int cli_record_save(const char *state_dir, const struct cli_record *r, char *path, size_t pathlen)
{
	char dir[4096], file[4300];
	const char *p;
	char *text = NULL;
	size_t text_len = 0;
	FILE *f;
	uint32_t i;
	int ret;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/keys", state_dir) >= sizeof(dir))
		return -ENAMETOOLONG;
	ret = mkdirs(dir);
	if (ret)
		return ret;
	record_path(file, sizeof(file), state_dir, r->thresh_pk);
	f = open_memstream(&text, &text_len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "%s\nthresh_pk=", RECORD_MAGIC);
	cli_hex_print(f, r->thresh_pk, 33);
	fprintf(f, "\nt=%u\nn=%u\n", r->t, r->n);
	for (i = 0; i < r->n; i++) {
		fprintf(f, "party=");
		cli_hex_print(f, r->parties[i].hostpubkey, 33);
		fprintf(f, "@%s\n", r->parties[i].address ? r->parties[i].address : "");
	}
	fprintf(f, "session=");
	cli_hex_print(f, r->session, MPCSIGN_SESSION_ID_LEN);
	fprintf(f, "\nfingerprint=");
	cli_hex_print(f, r->fingerprint, 32);
	fprintf(f, "\ncreated=%llu\ndesc=", (unsigned long long)r->created);
	for (p = r->desc; *p; p++)
		fputc(*p >= 0x20 && *p < 0x7f ? *p : '?', f);
	fprintf(f, "\nrecovery_data=");
	cli_hex_print(f, r->recovery_data, r->recovery_data_len);
	fputc('\n', f);
	if (ferror(f) | fclose(f)) {
		free(text);
		return -ENOMEM;
	}
	ret = mpcsign_write_file_atomic(file, text, text_len, 0600, NULL, 0);
	free(text);
	if (ret)
		return ret;
	if (path)
		snprintf(path, pathlen, "%s", file);
	return 0;
}

void cli_record_free(struct cli_record *r)
{
	uint32_t i;

	if (r->addresses)
		for (i = 0; i < r->n; i++)
			free(r->addresses[i]);
	free(r->addresses);
	free(r->parties);
	free(r->recovery_data);
	memset(r, 0, sizeof(*r));
}

static int parse(struct cli_record *r, char *text, const char **why)
{
	char *line, *save = NULL, *val, *at;
	uint32_t np = 0;
	int have = 0;

	line = strtok_r(text, "\n", &save);
	if (!line || strcmp(line, RECORD_MAGIC)) {
		*why = "not an " RECORD_MAGIC " file";
		return -EINVAL;
	}
	while ((line = strtok_r(NULL, "\n", &save))) {
		val = strchr(line, '=');
		*why = "a malformed line";
		if (!val)
			return -EINVAL;
		*val++ = 0;
		if (!strcmp(line, "thresh_pk")) {
			if (cli_parse_pk(r->thresh_pk, val))
				return -EINVAL;
			have |= 1;
		} else if (!strcmp(line, "t")) {
			if (mpcsign_parse_u32(&r->t, val))
				return -EINVAL;
			have |= 2;
		} else if (!strcmp(line, "n")) {
			if (r->parties || mpcsign_parse_u32(&r->n, val) || r->n < 1 ||
			    r->n > MPCSIGN_WIRE_MAX_N)
				return -EINVAL;
			r->parties = calloc(r->n, sizeof(*r->parties));
			r->addresses = calloc(r->n, sizeof(*r->addresses));
			if (!r->parties || !r->addresses)
				return -ENOMEM;
			have |= 4;
		} else if (!strcmp(line, "party")) {
			at = strchr(val, '@');
			if (!r->parties || np >= r->n || !at)
				return -EINVAL;
			*at = 0;
			if (cli_parse_pk(r->parties[np].hostpubkey, val))
				return -EINVAL;
			if (at[1]) {
				r->addresses[np] = strdup(at + 1);
				if (!r->addresses[np])
					return -ENOMEM;
				r->parties[np].address = r->addresses[np];
			}
			np++;
		} else if (!strcmp(line, "session")) {
			if (cli_unhex(r->session, MPCSIGN_SESSION_ID_LEN, val))
				return -EINVAL;
		} else if (!strcmp(line, "fingerprint")) {
			if (cli_unhex(r->fingerprint, 32, val))
				return -EINVAL;
		} else if (!strcmp(line, "created")) {
			r->created = strtoull(val, NULL, 10);
		} else if (!strcmp(line, "desc")) {
			snprintf(r->desc, sizeof(r->desc), "%s", val);
		} else if (!strcmp(line, "recovery_data")) {
			if (r->recovery_data ||
			    cli_unhex_alloc(&r->recovery_data, &r->recovery_data_len, val, RECORD_MAX) ||
			    !r->recovery_data_len)
				return -EINVAL;
			have |= 8;
		}
	}
	if (have != 15 || np != r->n || r->t < 1 || r->t > r->n) {
		*why = "fields missing or inconsistent";
		return -EINVAL;
	}
	return 0;
}

int cli_record_load(const char *state_dir, const uint8_t thresh_pk[33], struct cli_record *r,
		    char *err, size_t errlen)
{
	char file[4300], *text;
	const char *why = "";
	struct stat st;
	ssize_t got;
	int fd, ret;

	memset(r, 0, sizeof(*r));
	record_path(file, sizeof(file), state_dir, thresh_pk);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", file, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > RECORD_MAX) {
		close(fd);
		snprintf(err, errlen, "%s: not a key record", file);
		return -EINVAL;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	got = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size) {
		free(text);
		snprintf(err, errlen, "%s: short read", file);
		return -EIO;
	}
	text[got] = 0;
	ret = parse(r, text, &why);
	free(text);
	if (!ret && memcmp(r->thresh_pk, thresh_pk, 33)) {
		why = "its thresh_pk is another key";
		ret = -EINVAL;
	}
	if (ret) {
		snprintf(err, errlen, "%s: %s", file, ret == -ENOMEM ? "out of memory" : why);
		cli_record_free(r);
	}
	return ret;
}

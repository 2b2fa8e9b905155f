// SPDX-License-Identifier: GPL-2.0
/*
 * mpcsignd_store.c - the party's key records in state_dir/keys/.
 *
 * One file per key, named by the threshold public key (66 hex digits) and
 * ".key", public data only (the share itself is in the kernel):
 *
 *   mpcsign-party-key v1
 *   thresh_pk=HEX33
 *   my_id=N
 *   t=N
 *   n=N
 *   hostpubkey=HEX33          (n lines, in participant order)
 *   session=HEX16
 *   fingerprint=HEX32
 *   coordinator=HEX33
 *   created=UNIX_SECONDS
 *   desc=TEXT                 (printable ASCII)
 *   recovery_data=HEX
 *
 * Written atomically: a temporary file in the same directory (O_EXCL, 0600),
 * fsync, rename over the name, fsync of the directory.  At start every file
 * is read back (malformed ones are logged and skipped) and handed to the
 * party (mpcsign_party_add_key), which checks each against the kernel when a
 * signing request names it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "mpcsignd.h"
#include "mpcsignd_log.h"
#include "party.h"
#include "util.h"

#define STORE_MAGIC	"mpcsign-party-key v1"
#define STORE_MAX_FILE	(2u * 1024 * 1024)

static int keys_dir(const struct mpcsignd *d, char *out, size_t len)
{
	if ((size_t)snprintf(out, len, "%s/keys", d->cfg.state_dir) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int put_hex(FILE *f, const char *name, const uint8_t *p, size_t len)
{
	size_t i;

	fprintf(f, "%s=", name);
	for (i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
	return fputc('\n', f) == EOF ? -EIO : 0;
}

int mpcsignd_store_key(void *arg, const struct mpcsign_party_key_record *rec)
{
	struct mpcsignd *d = arg;
	char dir[4200], path[4400], hex[67], why[4500];
	const char *p;
	char *text = NULL;
	size_t text_len = 0;
	FILE *f;
	uint32_t i;
	int e;

	if (keys_dir(d, dir, sizeof(dir)))
		return -ENAMETOOLONG;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		e = errno;
		log_err("state: cannot create %s: %s", dir, strerror(e));
		return -e;
	}
	mpcsign_hex(hex, rec->thresh_pk, 33);
	snprintf(path, sizeof(path), "%s/%s.key", dir, hex);
	f = open_memstream(&text, &text_len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "%s\n", STORE_MAGIC);
	put_hex(f, "thresh_pk", rec->thresh_pk, 33);
	fprintf(f, "my_id=%u\nt=%u\nn=%u\n", rec->my_id, rec->t, rec->n);
	for (i = 0; i < rec->n; i++)
		put_hex(f, "hostpubkey", rec->hostpubkeys[i], 33);
	put_hex(f, "session", rec->session, MPCSIGN_SESSION_ID_LEN);
	put_hex(f, "fingerprint", rec->fingerprint, 32);
	put_hex(f, "coordinator", rec->coord_pk, 33);
	fprintf(f, "created=%llu\ndesc=", (unsigned long long)rec->created);
	for (p = rec->desc ? rec->desc : ""; *p; p++)
		fputc(*p >= 0x20 && *p < 0x7f ? *p : '?', f);
	fputc('\n', f);
	put_hex(f, "recovery_data", rec->recovery_data, rec->recovery_data_len);
	if (ferror(f) | fclose(f)) {
		free(text);
		return -ENOMEM;
	}
	/* "DIR/.HEX.key.PID", then renamed over DIR/HEX.key */
	e = mpcsign_write_file_atomic(path, text, text_len, 0600, why, sizeof(why));
	free(text);
	if (e) {
		log_err("state: %s", why);
		return e;
	}
	log_info("state: key %s (participant %u of %u, threshold %u) stored in %s", hex,
		 rec->my_id, rec->n, rec->t, path);
	return 0;
}

static int unhex(uint8_t *out, size_t len, const char *s)
{
	return mpcsign_unhex(out, len, s, strlen(s));
}

/* parse one record file's text (NUL-terminated, modified in place) */
static int parse_record(char *text, struct mpcsign_party_key_record *rec,
			uint8_t (**hpks)[33], uint8_t **rd, char **desc, const char **why)
{
	char *line, *save = NULL, *val;
	uint32_t nh = 0, cap = 0;
	int have = 0;

	*hpks = NULL;
	*rd = NULL;
	*desc = NULL;
	line = strtok_r(text, "\n", &save);
	if (!line || strcmp(line, STORE_MAGIC)) {
		*why = "not an mpcsign-party-key v1 file";
		return -EINVAL;
	}
	while ((line = strtok_r(NULL, "\n", &save))) {
		val = strchr(line, '=');
		if (!val) {
			*why = "a line without '='";
			return -EINVAL;
		}
		*val++ = 0;
		if (!strcmp(line, "thresh_pk")) {
			if (unhex(rec->thresh_pk, 33, val))
				goto bad;
			have |= 1;
		} else if (!strcmp(line, "my_id")) {
			if (mpcsign_parse_u32(&rec->my_id, val))
				goto bad;
			have |= 2;
		} else if (!strcmp(line, "t")) {
			if (mpcsign_parse_u32(&rec->t, val))
				goto bad;
			have |= 4;
		} else if (!strcmp(line, "n")) {
			if (mpcsign_parse_u32(&rec->n, val) || rec->n < 1 ||
			    rec->n > MPCSIGN_WIRE_MAX_N)
				goto bad;
			have |= 8;
			cap = rec->n;
			free(*hpks);
			*hpks = calloc(cap, 33);
			if (!*hpks)
				return -ENOMEM;
			nh = 0;
		} else if (!strcmp(line, "hostpubkey")) {
			if (!cap || nh >= cap || unhex((*hpks)[nh], 33, val))
				goto bad;
			nh++;
		} else if (!strcmp(line, "session")) {
			if (unhex(rec->session, MPCSIGN_SESSION_ID_LEN, val))
				goto bad;
		} else if (!strcmp(line, "fingerprint")) {
			if (unhex(rec->fingerprint, 32, val))
				goto bad;
		} else if (!strcmp(line, "coordinator")) {
			if (unhex(rec->coord_pk, 33, val))
				goto bad;
		} else if (!strcmp(line, "created")) {
			unsigned long long v;
			char *end;

			errno = 0;
			v = strtoull(val, &end, 10);
			if (errno || end == val || *end)
				goto bad;
			rec->created = v;
		} else if (!strcmp(line, "desc")) {
			free(*desc);
			*desc = strdup(val);
			if (!*desc)
				return -ENOMEM;
		} else if (!strcmp(line, "recovery_data")) {
			size_t len = strlen(val) / 2;

			if (!len || (*rd))
				goto bad;
			*rd = malloc(len);
			if (!*rd)
				return -ENOMEM;
			if (unhex(*rd, len, val))
				goto bad;
			rec->recovery_data_len = len;
			have |= 16;
		}
		/* unknown names: ignored (a newer version's additions) */
		continue;
bad:
		*why = "a malformed value";
		return -EINVAL;
	}
	if (have != 31 || nh != rec->n) {
		*why = "fields missing";
		return -EINVAL;
	}
	rec->hostpubkeys = (const uint8_t (*)[33])*hpks;
	rec->recovery_data = *rd;
	rec->desc = *desc ? *desc : "";
	return 0;
}

static int load_one(struct mpcsignd *d, int dfd, const char *name)
{
	struct mpcsign_party_key_record rec;
	uint8_t (*hpks)[33] = NULL, *rd = NULL;
	char *text = NULL, *desc = NULL;
	const char *why = "";
	struct stat st;
	ssize_t got;
	int fd, ret;

	memset(&rec, 0, sizeof(rec));
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		log_warn("state: %s: %s", name, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > STORE_MAX_FILE) {
		close(fd);
		log_warn("state: %s: not a key record (size or type), skipped", name);
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
		log_warn("state: %s: short read, skipped", name);
		return -EIO;
	}
	text[got] = 0;
	ret = parse_record(text, &rec, &hpks, &rd, &desc, &why);
	if (ret)
		log_warn("state: %s: %s, skipped", name, ret == -ENOMEM ? "out of memory" : why);
	else {
		ret = mpcsign_party_add_key(d->party, &rec);
		if (ret)
			log_warn("state: %s: not taken: %s", name, strerror(-ret));
	}
	free(text);
	free(hpks);
	free(rd);
	free(desc);
	return ret;
}

int mpcsignd_store_load(struct mpcsignd *d)
{
	char dir[4200];
	struct dirent *de;
	size_t len;
	DIR *dp;
	int count = 0;

	if (keys_dir(d, dir, sizeof(dir)))
		return 0;
	dp = opendir(dir);
	if (!dp) {
		if (errno != ENOENT)
			log_warn("state: %s: %s", dir, strerror(errno));
		return 0;
	}
	while ((de = readdir(dp))) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".key"))
			continue;
		if (!load_one(d, dirfd(dp), de->d_name))
			count++;
	}
	closedir(dp);
	return count;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * driver.c - a small stand-alone fuzz driver for gcc builds (no libFuzzer).
 *
 * Linked with one tests/fuzz/fuzz_NAME.c, which defines the libFuzzer entry
 * point LLVMFuzzerTestOneInput() (and optionally LLVMFuzzerInitialize() and
 * fuzz_seeds(), see below).  No coverage feedback: the driver runs
 *   1. every corpus file whose name starts with "fuzz_NAME" (NAME from
 *      argv[0]'s basename), then
 *   2. -runs=N inputs: mutations of corpus entries (bit flips, byte sets,
 *      interesting bytes and 32/33-byte values such as n, p, 0x02/0x03 ||
 *      x, truncation, extension, splicing, chunk copies) and random byte
 *      strings of random lengths, from a fixed seed (env MPC_FUZZ_SEED).
 * It prints "ok - fuzz_NAME: N inputs, no crash" and exits 0; a sanitizer
 * report or a failed property (abort()) ends the process non-zero.
 *
 * Usage:  fuzz_NAME [-runs=N] [-max_total_time=S] [CORPUS_DIR | FILE...]
 *         fuzz_NAME -make-corpus=DIR   (write the target's seeds to DIR)
 * Env:    MPC_FUZZ_SEED=n         seed of the mutator (default 1)
 *         MPC_FUZZ_MAX_SECONDS=s  wall-clock cap of the mutation phase
 *                                 (default 3; 0 = none)
 *         MPC_FUZZ_SAVE=1         write every input to the crash file before
 *                                 running it (slow; normally it is written
 *                                 only on death, see below)
 * Crash reproduction: the current input is kept in memory and written to
 * DIR/crash-NAME.bin (DIR = directory of the binary) from the sanitizer
 * death callback and from a SIGABRT/SIGSEGV handler; re-run it with
 * `fuzz_NAME DIR/crash-NAME.bin`.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
/* Optional: a target calls emit() once per seed input it can build itself
 * (valid messages of a real protocol run), for -make-corpus. */
void fuzz_seeds(void (*emit)(const uint8_t *data, size_t size)) __attribute__((weak));
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

#define FZ_MAX_INPUT 8192
#define MAX_CORPUS 256

static char g_name[128];
static char g_crash_path[4096];
static uint8_t g_cur[FZ_MAX_INPUT + 64];
static size_t g_cur_len;
static int g_save_each;

struct entry {
	uint8_t *data;
	size_t len;
};
static struct entry g_corpus[MAX_CORPUS];
static size_t g_ncorpus;

/* --- crash file ---------------------------------------------------------- */

static void write_crash(void)
{
	int fd = open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t off = 0;

	if (fd < 0)
		return;
	while (off < g_cur_len) {
		ssize_t w = write(fd, g_cur + off, g_cur_len - off);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(fd);
}

static void death_cb(void)
{
	static const char msg[] = "# fuzz driver: input written to crash file\n";

	write_crash();
	if (write(2, msg, sizeof(msg) - 1) < 0)
		return;
}

static void sig_handler(int sig)
{
	death_cb();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void run_one(const uint8_t *data, size_t len)
{
	/* a private copy so that reads past the end are caught by ASan */
	uint8_t *buf = malloc(len ? len : 1);

	if (!buf) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	memcpy(buf, data, len);
	memcpy(g_cur, data, len);
	g_cur_len = len;
	if (g_save_each)
		write_crash();
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
}

/*
 * UBSan (-fno-sanitize-recover) exits without running the death callback:
 * make it abort() instead so that the SIGABRT handler saves the input.
 * (UBSAN_OPTIONS in the environment still overrides this.)
 */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1:halt_on_error=1:abort_on_error=1";
}

/* --- random numbers (xoshiro256**, fixed seed) ----------------------------- */

static uint64_t g_rs[4];

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rnd(void)
{
	uint64_t r = rotl(g_rs[1] * 5, 7) * 9, t = g_rs[1] << 17;

	g_rs[2] ^= g_rs[0];
	g_rs[3] ^= g_rs[1];
	g_rs[1] ^= g_rs[2];
	g_rs[0] ^= g_rs[3];
	g_rs[2] ^= t;
	g_rs[3] = rotl(g_rs[3], 45);
	return r;
}

static size_t rndn(size_t n)	/* uniform-ish in [0, n), n > 0 */
{
	return (size_t)(rnd() % n);
}

static void rnd_seed(uint64_t s)
{
	int i;

	for (i = 0; i < 4; i++) {	/* splitmix64 */
		uint64_t z = (s += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		g_rs[i] = z ^ (z >> 31);
	}
}

/* --- mutations ------------------------------------------------------------- */

/* interesting 32-byte big-endian values */
static const uint8_t k_vals[][32] = {
	/* n (group order) */
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c,
	  0xd0, 0x36, 0x41, 0x41 },
	/* n - 1 */
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c,
	  0xd0, 0x36, 0x41, 0x40 },
	/* p (field prime) */
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	  0xff, 0xff, 0xfc, 0x2f },
	/* p - 1 */
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	  0xff, 0xff, 0xfc, 0x2e },
	/* p + 1 */
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	  0xff, 0xff, 0xfc, 0x30 },
	/* n/2 (floor) */
	{ 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46,
	  0x68, 0x1b, 0x20, 0xa0 },
	/* G.x */
	{ 0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87,
	  0x0b, 0x07, 0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b,
	  0x16, 0xf8, 0x17, 0x98 },
	/* all ones */
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0xff },
	/* zero */
	{ 0 },
	/* one */
	{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	  0, 0, 0, 1 },
	/* 7: x of no point? (x = 0 has none: 7 is not a square) small x */
	{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	  0, 0, 0, 7 },
};
#define N_VALS (sizeof(k_vals) / sizeof(k_vals[0]))

static const uint8_t k_bytes[] = { 0x00, 0xff, 0x02, 0x03, 0x01, 0x04, 0x7f, 0x80, 0xfe, 0x20,
				   0x21, 0x40, 0x41 };

static size_t mutate(uint8_t *buf, size_t len)
{
	int k, nmut = 1 + (int)rndn(3);

	for (k = 0; k < nmut; k++) {
		size_t pos, n, i;
		const struct entry *o;

		switch (rndn(14)) {
		case 0:	/* bit flip */
		case 1:
			if (len) {
				pos = rndn(len);
				buf[pos] ^= (uint8_t)(1u << rndn(8));
			}
			break;
		case 2:	/* random byte */
			if (len)
				buf[rndn(len)] = (uint8_t)rnd();
			break;
		case 3:	/* interesting byte */
			if (len)
				buf[rndn(len)] = k_bytes[rndn(sizeof(k_bytes))];
			break;
		case 4:	/* small add/sub */
			if (len) {
				pos = rndn(len);
				buf[pos] = (uint8_t)(buf[pos] + (int)rndn(9) - 4);
			}
			break;
		case 5:	/* interesting 32-byte value, maybe after a 0x02/0x03 prefix */
		case 6:
			if (len >= 32) {
				pos = rndn(len - 31);
				memcpy(buf + pos, k_vals[rndn(N_VALS)], 32);
				if (pos && rndn(2))
					buf[pos - 1] = (uint8_t)(2 + rndn(2));
			}
			break;
		case 7:	/* 33-byte infinity / bogus prefix on an aligned boundary */
			if (len >= 33) {
				pos = rndn(len / 33) * 33;
				if (pos + 33 <= len) {
					if (rndn(2))
						memset(buf + pos, 0, 33);
					else
						buf[pos] = k_bytes[rndn(sizeof(k_bytes))];
				}
			}
			break;
		case 8:	/* truncate */
			if (len)
				len = rndn(len + 1);
			break;
		case 9:	/* extend with random or zero bytes */
			n = 1 + rndn(rndn(2) ? 8 : 80);
			if (len + n > FZ_MAX_INPUT)
				n = FZ_MAX_INPUT - len;
			for (i = 0; i < n; i++)
				buf[len + i] = rndn(2) ? (uint8_t)rnd() : 0;
			len += n;
			break;
		case 10:	/* splice: tail from another corpus entry */
			if (g_ncorpus) {
				o = &g_corpus[rndn(g_ncorpus)];
				pos = len ? rndn(len + 1) : 0;
				n = o->len ? rndn(o->len + 1) : 0;
				i = o->len - n;	/* copy o[n..] */
				if (pos + i > FZ_MAX_INPUT)
					i = FZ_MAX_INPUT - pos;
				memcpy(buf + pos, o->data + n, i);
				len = pos + i;
			}
			break;
		case 11:	/* copy a chunk within the input (duplicates) */
			if (len >= 2) {
				size_t src = rndn(len), dst = rndn(len);

				n = 1 + rndn(66);
				if (src + n > len)
					n = len - src;
				if (dst + n > len)
					n = len - dst;
				memmove(buf + dst, buf + src, n);
			}
			break;
		case 12:	/* delete a range */
			if (len) {
				pos = rndn(len);
				n = 1 + rndn(len - pos);
				memmove(buf + pos, buf + pos + n, len - pos - n);
				len -= n;
			}
			break;
		default:	/* insert random bytes */
			n = 1 + rndn(33);
			pos = len ? rndn(len + 1) : 0;
			if (len + n > FZ_MAX_INPUT)
				break;
			memmove(buf + pos + n, buf + pos, len - pos);
			for (i = 0; i < n; i++)
				buf[pos + i] = (uint8_t)rnd();
			len += n;
			break;
		}
	}
	return len;
}

/* --- corpus ---------------------------------------------------------------- */

static int read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	size_t n;

	if (!f)
		return 0;
	b = malloc(FZ_MAX_INPUT);
	if (!b) {
		fclose(f);
		return 0;
	}
	n = fread(b, 1, FZ_MAX_INPUT, f);
	fclose(f);
	*data = b;
	*len = n;
	return 1;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Load DIR/NAME* into g_corpus, sorted by file name. */
static void load_corpus(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *names[MAX_CORPUS];
	size_t nn = 0, i, nlen = strlen(g_name);

	if (!d) {
		fprintf(stderr, "# cannot open corpus dir %s\n", dir);
		return;
	}
	while ((de = readdir(d)) && nn < MAX_CORPUS) {
		/* "fuzz_x" must not pick up "fuzz_xy-1.bin": the name ends at '-' or '.' */
		if (strncmp(de->d_name, g_name, nlen) ||
		    (de->d_name[nlen] != '-' && de->d_name[nlen] != '.' && de->d_name[nlen]))
			continue;
		names[nn++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, nn, sizeof(names[0]), cmp_names);
	for (i = 0; i < nn; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (read_file(path, &g_corpus[g_ncorpus].data, &g_corpus[g_ncorpus].len))
			g_ncorpus++;
		free(names[i]);
	}
}

static const char *g_seed_dir;
static int g_seed_count;

static void emit_seed(const uint8_t *data, size_t size)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s-%d.bin", g_seed_dir, g_name, ++g_seed_count);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
	fclose(f);
	printf("# wrote %s (%zu bytes)\n", path, size);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/'), *env;
	const char *files[64];
	unsigned long long runs = 20000, done = 0, capped = 0;
	double max_sec = 3, t0, t1;
	uint8_t *buf;
	size_t nfiles = 0, i;
	int a;

	setvbuf(stdout, NULL, _IOLBF, 0);
	base = base ? base + 1 : argv[0];
	snprintf(g_name, sizeof(g_name), "%s", base);
	{
		int dl = (int)(base - argv[0]);

		snprintf(g_crash_path, sizeof(g_crash_path), "%.*scrash-%s.bin", dl, argv[0],
			 strncmp(g_name, "fuzz_", 5) ? g_name : g_name + 5);
	}
	env = getenv("MPC_FUZZ_SEED");
	rnd_seed(env ? strtoull(env, NULL, 0) : 1);
	env = getenv("MPC_FUZZ_MAX_SECONDS");
	if (env)
		max_sec = strtod(env, NULL);
	env = getenv("MPC_FUZZ_SAVE");
	g_save_each = env && *env && strcmp(env, "0");

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (a = 1; a < argc; a++) {
		struct stat stt;

		if (!strncmp(argv[a], "-runs=", 6)) {
			runs = strtoull(argv[a] + 6, NULL, 0);
		} else if (!strncmp(argv[a], "-max_total_time=", 16)) {
			max_sec = strtod(argv[a] + 16, NULL);
		} else if (!strncmp(argv[a], "-make-corpus=", 13)) {
			if (!fuzz_seeds) {
				fprintf(stderr, "%s has no seed generator\n", g_name);
				return 2;
			}
			g_seed_dir = argv[a] + 13;
			fuzz_seeds(emit_seed);
			return 0;
		} else if (argv[a][0] == '-') {
			fprintf(stderr, "usage: %s [-runs=N] [-max_total_time=S] [-make-corpus=DIR] "
				"[CORPUS_DIR | FILE...]\n", g_name);
			return 2;
		} else if (stat(argv[a], &stt) == 0 && S_ISDIR(stt.st_mode)) {
			load_corpus(argv[a]);
		} else if (nfiles < 64) {
			files[nfiles++] = argv[a];
		}
	}
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(death_cb);
	signal(SIGABRT, sig_handler);
	signal(SIGSEGV, sig_handler);
	signal(SIGFPE, sig_handler);
	signal(SIGBUS, sig_handler);

	/* reproduce given files only */
	if (nfiles) {
		for (i = 0; i < nfiles; i++) {
			uint8_t *d;
			size_t l;

			if (!read_file(files[i], &d, &l)) {
				fprintf(stderr, "cannot read %s\n", files[i]);
				return 2;
			}
			run_one(d, l);
			free(d);
			printf("ok - %s: %s, no crash\n", g_name, files[i]);
		}
		return 0;
	}

	t0 = now();
	for (i = 0; i < g_ncorpus; i++)
		run_one(g_corpus[i].data, g_corpus[i].len);
	t1 = now();
	printf("# %s: %zu corpus inputs in %.2f s\n", g_name, g_ncorpus, t1 - t0);

	buf = malloc(FZ_MAX_INPUT + 64);
	if (!buf)
		return 2;
	t0 = now();
	for (done = 0; done < runs; done++) {
		size_t len;

		if ((done & 15) == 0 && max_sec > 0 && now() - t0 > max_sec) {
			capped = 1;
			break;
		}
		if (!g_ncorpus || rndn(16) == 0) {
			/* random bytes; mostly short lengths */
			len = rndn(2) ? rndn(80) : rndn(rndn(4) ? 700 : FZ_MAX_INPUT);
			for (i = 0; i < len; i++)
				buf[i] = (uint8_t)rnd();
		} else {
			const struct entry *e = &g_corpus[rndn(g_ncorpus)];

			memcpy(buf, e->data, e->len);
			len = mutate(buf, e->len);
		}
		run_one(buf, len);
	}
	t1 = now();
	free(buf);
	printf("# %s: %llu mutated/random inputs in %.2f s (%.0f/s)%s\n", g_name, done, t1 - t0,
	       t1 > t0 ? (double)done / (t1 - t0) : 0.0,
	       capped ? " (time cap MPC_FUZZ_MAX_SECONDS reached)" : "");
	printf("ok - %s: %llu inputs, no crash\n", g_name, done + g_ncorpus);
	for (i = 0; i < g_ncorpus; i++)
		free(g_corpus[i].data);
	return 0;
}

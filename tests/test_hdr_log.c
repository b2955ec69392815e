/* HDR V2 encoding and interval logs against the reference Java output. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "cmocka_util.h"
#include "hdr.h"
#include "hdr_log.h"

#define HOUR_NS		(3600LL * 1000 * 1000 * 1000)
#define EPOCH		1796300000.0	/* the reference vectors' start */

/* ---- Helpers ----------------------------------------------------------- */

static uint64_t	rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 0x2545f4914f6cdd1dULL);
}

static char *
data_path(const char *name)
{
	const char	*top;
	char		*path;

	top = getenv("top_srcdir");
	if (top != NULL)
		assert_true(asprintf(&path, "%s/tests/data/hdr/%s", top,
		    name) > 0);
	else
		assert_true(asprintf(&path, "tests/data/hdr/%s", name) > 0);
	return (path);
}

static FILE *
data_open(const char *name)
{
	FILE	*f;
	char	*path;

	path = data_path(name);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("cannot open %s", path);
	free(path);
	return (f);
}

/* Nanoseconds as the reference prints ms: "%.3f" of v / 1e6. */
static const char *
ms3(int64_t v, char *buf, size_t size)
{
	int64_t	q = v / 1000 + (v % 1000 >= 500);

	snprintf(buf, size, "%" PRId64 ".%03" PRId64, q / 1000, q % 1000);
	return (buf);
}

static void
assert_same_hdr(const struct hdr *a, const struct hdr *b)
{
	size_t	la, lb, i;
	int64_t	sa, sb;
	int	ua, ub, ba, bb;

	hdr_layout(a, &ua, &sa, &ba, &la);
	hdr_layout(b, &ub, &sb, &bb, &lb);
	assert_int_equal(ua, ub);
	assert_int_equal(sa, sb);
	assert_int_equal(ba, bb);
	assert_int_equal(la, lb);
	assert_int_equal(hdr_lowest(a), hdr_lowest(b));
	assert_int_equal(hdr_highest(a), hdr_highest(b));
	assert_int_equal(hdr_sigfigs(a), hdr_sigfigs(b));
	assert_int_equal(hdr_count(a), hdr_count(b));
	assert_int_equal(hdr_min(a), hdr_min(b));
	assert_int_equal(hdr_max(a), hdr_max(b));
	for (i = 0; i < la; i++) {
		if (hdr_count_at_index(a, i) != hdr_count_at_index(b, i))
			fail_msg("index %zu: %" PRIu64 " != %" PRIu64, i,
			    hdr_count_at_index(a, i), hdr_count_at_index(b, i));
	}
}

/* Through base64 of the compressed form, and through plain V2. */
static void
assert_round_trip(const struct hdr *h)
{
	struct hdr	*back;
	unsigned char	*buf;
	size_t		 len;
	char		*b64, *cause = NULL;

	assert_int_equal(hdr_log_encode(h, &b64, &cause), 0);
	assert_memory_equal(b64, "HISTFAAA", 8);
	back = hdr_log_decode(b64, strlen(b64), &cause);
	if (back == NULL)
		fail_msg("%s", cause);
	assert_same_hdr(h, back);
	hdr_free(back);
	free(b64);

	assert_int_equal(hdr_log_encode_v2(h, &buf, &len, &cause), 0);
	back = hdr_log_decode_bytes(buf, len, &cause);
	if (back == NULL)
		fail_msg("%s", cause);
	assert_same_hdr(h, back);
	hdr_free(back);
	free(buf);
}

/* The V2 bytes inside a base64 compressed payload, through zlib itself. */
static unsigned char *
inflate_payload(const char *b64, size_t *len)
{
	unsigned char	*raw, *out;
	size_t		 n;
	uLongf		 outlen;

	assert_int_equal(hdr_log_base64_decode(b64, strlen(b64), &raw, &n), 0);
	assert_true(n > 8);
	outlen = 1 << 20;
	out = malloc(outlen);
	assert_int_equal(uncompress(out, &outlen, raw + 8, n - 8), Z_OK);
	free(raw);
	*len = outlen;
	return (out);
}

/* ---- Round trips ------------------------------------------------------- */

static void
test_round_trip_small(void **state)
{
	struct hdr	*h;

	h = hdr_new(1, HOUR_NS, 3);
	assert_round_trip(h);			/* empty */
	hdr_record(h, 12345);
	assert_round_trip(h);			/* one value */
	hdr_reset(h);
	hdr_record(h, 0);
	assert_round_trip(h);			/* only zeros */
	hdr_reset(h);
	hdr_record_n(h, 1, 1000);
	hdr_record(h, HOUR_NS);
	assert_round_trip(h);			/* 1 ns and 1 h */
	hdr_record(h, 2 * HOUR_NS);		/* clamped to 1 h */
	assert_round_trip(h);
	hdr_record_n(h, 5, (uint64_t)1 << 62);	/* a 9-byte count */
	assert_round_trip(h);
	hdr_free(h);
}

static void
test_round_trip_uniform(void **state)
{
	struct hdr	*h;
	int64_t		 v;

	h = hdr_new(1, HOUR_NS, 3);
	for (v = 1; v <= 1000000; v++)
		hdr_record(h, v);
	assert_round_trip(h);
	hdr_free(h);
}

static void
test_round_trip_exponential(void **state)
{
	struct hdr	*h;
	double		 u;
	int		 i, sigfigs;

	for (sigfigs = 1; sigfigs <= 5; sigfigs += 2) {
		h = hdr_new(sigfigs == 3 ? 1 : 1000, HOUR_NS, sigfigs);
		assert_non_null(h);
		for (i = 0; i < 200000; i++) {
			u = ((double)(rng() >> 11) + 1.0) / 9007199254740992.0;
			hdr_record(h, (int64_t)(-log(u) * 1e6));
		}
		assert_round_trip(h);
		hdr_free(h);
	}
}

/* ---- Base64 and the reference's own encodings -------------------------- */

static void
test_base64(void **state)
{
	static const char *vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
		{ "\xff\xfe\xfd", "//79" }, { "\xfb\xef", "++8=" },
	};
	static const char *bad[] = {
		"Zg=", "Zg", "Z===", "====", "Zm9v!A==", "=Zg=", "Zg==Zg==",
		"Z=g=", "Zm 9", "Zm9\n", "Zm9v-_==",
	};
	unsigned char	*out;
	size_t		 i, n;
	char		*s;

	for (i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		s = hdr_log_base64_encode((const unsigned char *)vec[i][0],
		    strlen(vec[i][0]));
		assert_string_equal(s, vec[i][1]);
		free(s);
		assert_int_equal(hdr_log_base64_decode(vec[i][1],
		    strlen(vec[i][1]), &out, &n), 0);
		assert_int_equal(n, strlen(vec[i][0]));
		assert_memory_equal(out, vec[i][0], n);
		free(out);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (hdr_log_base64_decode(bad[i], strlen(bad[i]), &out,
		    &n) == 0)
			fail_msg("'%s' decoded", bad[i]);
	}
}

/*
 * What HdrHistogram 2.1.11 (Java) gives for Histogram(1, 1 h, 3):
 * encodeIntoByteBuffer, then encodeIntoCompressedByteBuffer (its default
 * level), base64.
 */
static const struct {
	const char	*v2, *compressed;
	int64_t		 value;
	uint64_t	 count;
} java[] = {
	{ "HISTEwAAAAEAAAAAAAAAAwAAAAAAAAABAAADRjC4oAA/8AAAAAAAAAA=",
	  "HISTFAAAACF4nJNpmSzMwMDAyAABzFAayGd2M9ixgMH+A1QEAFKmBEw=", 0, 0 },
	{ "HISTEwAAAAIAAAAAAAAAAwAAAAAAAAABAAADRjC4oAA/8AAAAAAAAAAC",
	  "HISTFAAAACJ4nJNpmSzMwMDAxAABzFCaEch0M9ixgMH+A1SECQBXFwRP", 1, 1 },
	/* 2^62 times 1000: the count's zigzag takes all 9 bytes. */
	{ "HISTEwAAAAsAAAAAAAAAAwAAAAAAAAABAAADRjC4oAA/8AAAAAAAAM8PgICAgICA"
	  "gICA",
	  "HISTFAAAACZ4nJNpmSzMwMDAzQABzFCaEch0M9ixgMH+A0TgPH8DDAAAn1EJtA==",
	  1000, (uint64_t)1 << 62 },
	/* 0 and 1 h, once each. */
	{ "HISTEwAAAAUAAAAAAAAAAwAAAAAAAAABAAADRjC4oAA/8AAAAAAAAAKVigQC",
	  "HISTFAAAACZ4nJNpmSzMwMDAygABzFCaEch0M9ixgMH+A0SAaWoXCxMAaHQFdw==",
	  -1, 2 },
};

static void
test_java_encodings(void **state)
{
	struct hdr	*want, *got;
	unsigned char	*buf;
	size_t		 i, len;
	char		*b64, *cause = NULL;

	for (i = 0; i < sizeof java / sizeof java[0]; i++) {
		want = hdr_new(1, HOUR_NS, 3);
		if (java[i].value == -1) {
			hdr_record(want, 0);
			hdr_record(want, HOUR_NS);
		} else
			hdr_record_n(want, java[i].value, java[i].count);
		assert_int_equal(hdr_count(want), java[i].count);

		got = hdr_log_decode(java[i].v2, strlen(java[i].v2), &cause);
		assert_non_null(got);
		assert_same_hdr(want, got);
		hdr_free(got);
		got = hdr_log_decode(java[i].compressed,
		    strlen(java[i].compressed), &cause);
		assert_non_null(got);
		assert_same_hdr(want, got);
		hdr_free(got);

		/* Our V2 bytes are the reference's, byte for byte. */
		assert_int_equal(hdr_log_encode_v2(want, &buf, &len, &cause),
		    0);
		b64 = hdr_log_base64_encode(buf, len);
		assert_string_equal(b64, java[i].v2);
		free(b64);
		free(buf);
		hdr_free(want);
	}
}

/* ---- The reference vectors --------------------------------------------- */

/* Every row and footer of a HistogramLogProcessor table against h. */
static void
check_table(const struct hdr *h, const char *name)
{
	FILE		*f;
	char		 line[256], value[64], want[64], got[64];
	double		 pct, mean, dev;
	uint64_t	 total, seen;
	int64_t		 v, sub_bucket_count;
	size_t		 i, counts_len, rows = 0;
	int		 unit, buckets, subs, footers = 0, bucket_count;

	hdr_layout(h, &unit, &sub_bucket_count, &bucket_count, &counts_len);
	f = data_open(name);
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "#[Mean = %lf, StdDeviation = %lf]", &mean,
		    &dev) == 2) {
			if (fabs(hdr_mean(h) / 1e6 - mean) > 0.0005 + 1e-9 ||
			    fabs(hdr_stddev(h) / 1e6 - dev) > 0.0005 + 1e-9)
				fail_msg("%s: mean %.6f stddev %.6f", name,
				    hdr_mean(h) / 1e6, hdr_stddev(h) / 1e6);
			footers++;
		} else if (sscanf(line, "#[Max = %63[^,], Total count = %"
		    SCNu64 "]", want, &total) == 2) {
			assert_string_equal(ms3(hdr_max(h), got, sizeof got),
			    want);
			assert_int_equal(hdr_count(h), total);
			footers++;
		} else if (sscanf(line, "#[Buckets = %d, SubBuckets = %d]",
		    &buckets, &subs) == 2) {
			assert_int_equal(bucket_count, buckets);
			assert_int_equal(sub_bucket_count, subs);
			footers++;
		} else if (sscanf(line, "%63s %lf %" SCNu64, value, &pct,
		    &total) == 3 && value[0] != '#') {
			/*
			 * The level asked, in percent, as exactly as the 12
			 * printed decimals allow (pct * 100 can land an ulp
			 * above 55 and so one count further).  The first row
			 * is the top of the min's slot, where
			 * getValueAtPercentile(0) answers its bottom.
			 */
			v = hdr_percentile(h, (double)llround(pct * 1e12) /
			    1e10);
			if (pct == 0.0)
				v = hdr_highest_equivalent(h, v);
			ms3(v, got, sizeof got);
			if (strcmp(got, value) != 0)
				fail_msg("%s: %.12f: got %s, want %s", name,
				    pct, got, value);
			seen = 0;
			for (i = 0; i < counts_len; i++) {
				if (hdr_value_at_index(h, i) > v)
					break;
				seen += hdr_count_at_index(h, i);
			}
			assert_int_equal(seen, total);
			rows++;
		}
	}
	fclose(f);
	assert_int_equal(footers, 3);
	assert_true(rows > 1);
}

static const struct {
	const char	*log;
	const char	*tag;
	const char	*table;
	size_t		 intervals;	/* of that tag */
} vectors[] = {
	{ "uniform-tagged.hlog", "main.read.servicetime",
	  "uniform-tagged.main.read.servicetime.percentiles.txt", 3 },
	{ "exponential-untagged.hlog", NULL,
	  "exponential-untagged.percentiles.txt", 1 },
	{ "extremes-two-tags.hlog", "a.op.servicetime",
	  "extremes-two-tags.a.op.servicetime.percentiles.txt", 1 },
	{ "extremes-two-tags.hlog", "a.op.responsetime",
	  "extremes-two-tags.a.op.responsetime.percentiles.txt", 1 },
};

static void
test_reference_logs(void **state)
{
	struct hdr_log	 log;
	struct hdr	*m;
	FILE		*f;
	size_t		 i, j, n;
	char		*cause = NULL, max[64];

	for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		f = data_open(vectors[i].log);
		if (hdr_log_read(f, &log, &cause) != 0)
			fail_msg("%s: %s", vectors[i].log, cause);
		fclose(f);
		assert_true(log.start_time == EPOCH);
		assert_true(log.base_time == EPOCH);

		n = 0;
		for (j = 0; j < log.n; j++) {
			/* Interval_Max is what we would write. */
			ms3(hdr_max(log.intervals[j].h), max, sizeof max);
			assert_true(fabs(atof(max) -
			    log.intervals[j].max_ms) < 1e-9);
			assert_true(log.intervals[j].length == 1.0 ||
			    log.intervals[j].length == 5.0);
			if ((vectors[i].tag == NULL) ==
			    (log.intervals[j].tag == NULL) &&
			    (vectors[i].tag == NULL ||
			    strcmp(vectors[i].tag, log.intervals[j].tag) == 0))
				n++;
		}
		assert_int_equal(n, vectors[i].intervals);
		m = hdr_log_merge(&log, vectors[i].tag);
		assert_non_null(m);
		check_table(m, vectors[i].table);
		hdr_free(m);
		hdr_log_clear(&log);
	}
}

/*
 * Writing what we read from a reference log gives the same text (header
 * included), and payloads that inflate to the same V2 bytes.
 */
static void
test_write_like_reference(void **state)
{
	static const char	*logs[] = { "uniform-tagged.hlog",
				    "exponential-untagged.hlog",
				    "extremes-two-tags.hlog" };
	struct hdr_log		 log;
	struct hdr_log_writer	*w;
	struct hdr_log_interval	*iv;
	unsigned char		*a, *b;
	FILE			*f, *mem;
	char			*cause = NULL, *text, *want, *line, *wl;
	char			*sp, *wsp, *pa, *pb;
	size_t			 i, j, size, la, lb;

	for (i = 0; i < sizeof logs / sizeof logs[0]; i++) {
		f = data_open(logs[i]);
		assert_int_equal(hdr_log_read(f, &log, &cause), 0);
		rewind(f);
		want = calloc(1, 65536);
		assert_true(fread(want, 1, 65535, f) > 0);
		fclose(f);

		mem = open_memstream(&text, &size);
		w = hdr_log_writer_open(mem, EPOCH, &cause);
		assert_non_null(w);
		for (j = 0; j < log.n; j++) {
			iv = &log.intervals[j];
			assert_int_equal(hdr_log_write(w, iv->tag, iv->start,
			    iv->length, iv->h, &cause), 0);
		}
		assert_int_equal(hdr_log_writer_close(w, &cause), 0);
		fclose(mem);

		line = strtok_r(text, "\n", &sp);
		wl = strtok_r(want, "\n", &wsp);
		for (; line != NULL || wl != NULL; line = strtok_r(NULL, "\n",
		    &sp), wl = strtok_r(NULL, "\n", &wsp)) {
			assert_non_null(line);
			assert_non_null(wl);
			pa = strstr(line, "HIST");
			pb = strstr(wl, "HIST");
			if (pa == NULL || pb == NULL) {
				assert_string_equal(line, wl);
				continue;
			}
			assert_int_equal(pa - line, pb - wl);
			assert_memory_equal(line, wl, pa - line);
			a = inflate_payload(pa, &la);
			b = inflate_payload(pb, &lb);
			assert_int_equal(la, lb);
			assert_memory_equal(a, b, la);
			free(a);
			free(b);
		}
		free(text);
		free(want);
		hdr_log_clear(&log);
	}
}

static void
test_write_read(void **state)
{
	static const char	*tags[] = { "act.read.servicetime",
				    "act.read.responsetime", NULL };
	struct hdr_log		 log;
	struct hdr_log_writer	*w;
	struct hdr		*h[12], *empty, *m;
	FILE			*mem;
	char			*text, *cause = NULL, max[64];
	size_t			 size, i;
	int			 k;

	mem = open_memstream(&text, &size);
	w = hdr_log_writer_open(mem, 1700000000.25, &cause);
	assert_non_null(w);
	for (i = 0; i < 12; i++) {
		h[i] = hdr_new(1, HOUR_NS, 3);
		for (k = 0; k < 1000; k++)
			hdr_record(h[i], (int64_t)(rng() % (1000000 * (i + 1))));
		assert_int_equal(hdr_log_write(w, tags[i % 3], (double)(i / 3),
		    1.0, h[i], &cause), 0);
	}
	empty = hdr_new(1, HOUR_NS, 3);
	assert_int_equal(hdr_log_write(w, "act.idle.servicetime", 4.0006,
	    0.5, empty, &cause), 0);

	/* Refused: no line is written for them. */
	assert_int_equal(hdr_log_write(w, "a,b", 0, 1, empty, &cause), -1);
	cause_has(cause, "tag 'a,b'", NULL);
	assert_int_equal(hdr_log_write(w, "a b", 0, 1, empty, &cause), -1);
	cause_has(cause, "tag 'a b'", NULL);
	assert_int_equal(hdr_log_write(w, "", 0, 1, empty, &cause), -1);
	cause_has(cause, "tag ''", NULL);
	assert_int_equal(hdr_log_write(w, "a\nb", 0, 1, empty, &cause), -1);
	free(cause);
	assert_int_equal(hdr_log_write(w, "a", NAN, 1, empty, &cause), -1);
	cause_has(cause, "bad interval", NULL);
	assert_int_equal(hdr_log_write(w, "a", 0, -1, empty, &cause), -1);
	cause_has(cause, "bad interval", NULL);
	assert_int_equal(hdr_log_writer_close(w, &cause), 0);
	fclose(mem);
	assert_null(hdr_log_writer_open(stdout, -1, &cause));
	cause_has(cause, "bad start time", NULL);

	assert_non_null(strstr(text, "#[StartTime: 1700000000.250 (seconds "
	    "since epoch), Tue Nov 14 22:13:20 UTC 2023]\n"));
	assert_non_null(strstr(text, "\nTag=act.idle.servicetime,4.001,0.500,"
	    "0.000,HISTFAAA"));
	mem = fmemopen(text, size, "r");
	assert_int_equal(hdr_log_read(mem, &log, &cause), 0);
	fclose(mem);
	assert_true(log.start_time == 1700000000.25);
	assert_true(log.base_time == 1700000000.25);
	assert_int_equal(log.n, 13);
	for (i = 0; i < 12; i++) {
		if (tags[i % 3] == NULL)
			assert_null(log.intervals[i].tag);
		else
			assert_string_equal(log.intervals[i].tag, tags[i % 3]);
		assert_true(log.intervals[i].start == (double)(i / 3));
		assert_true(log.intervals[i].length == 1.0);
		ms3(hdr_max(h[i]), max, sizeof max);
		assert_true(fabs(atof(max) - log.intervals[i].max_ms) < 1e-9);
		assert_same_hdr(h[i], log.intervals[i].h);
	}
	assert_same_hdr(empty, log.intervals[12].h);

	/* Merging a tag is adding its histograms. */
	hdr_add(h[0], h[3]);
	hdr_add(h[0], h[6]);
	hdr_add(h[0], h[9]);
	m = hdr_log_merge(&log, tags[0]);
	assert_same_hdr(h[0], m);
	hdr_free(m);
	hdr_add(h[2], h[5]);
	m = hdr_log_merge(&log, NULL);
	assert_int_equal(hdr_count(m), 4000);
	hdr_free(m);
	assert_null(hdr_log_merge(&log, "no.such.tag"));

	hdr_log_clear(&log);
	for (i = 0; i < 12; i++)
		hdr_free(h[i]);
	hdr_free(empty);
	free(text);
}

struct keep {
	struct hdr	*kept[8];	/* servicetime histograms taken */
	int		 seen;		/* intervals seen */
	int		 stop_at;	/* fail on that interval */
};

static int
keep_some(struct hdr_log_interval *iv, void *arg, char **cause)
{
	struct keep	*k = arg;

	if (++k->seen == k->stop_at) {
		*cause = strdup("enough");
		return (-1);
	}
	if (iv->tag != NULL && strstr(iv->tag, "servicetime") != NULL) {
		k->kept[k->seen - 1] = iv->h;
		iv->h = NULL;
	}
	return (0);
}

static void
test_read_each(void **state)
{
	struct hdr_log	 log;
	struct keep	 k = { .stop_at = 4 };
	FILE		*f;
	char		*cause = NULL;
	int		 i;

	f = data_open("extremes-two-tags.hlog");
	assert_int_equal(hdr_log_read_each(f, &log, keep_some, &k, &cause),
	    0);
	fclose(f);
	assert_true(log.start_time == EPOCH);
	assert_int_equal(k.seen, 2);
	assert_int_equal(hdr_count(k.kept[0]), 1001);
	assert_null(k.kept[1]);

	/* The callback's error stops the read. */
	f = data_open("uniform-tagged.hlog");
	assert_int_equal(hdr_log_read_each(f, &log, keep_some, &k, &cause),
	    -1);
	fclose(f);
	cause_has(cause, "enough", NULL);
	assert_int_equal(k.seen, 4);
	assert_int_equal(hdr_count(k.kept[2]), 1000);
	assert_null(k.kept[3]);
	for (i = 0; i < 8; i++)
		hdr_free(k.kept[i]);
}

/* ---- Hostile input ----------------------------------------------------- */

/* A V2 encoding: the header for 1 ns .. 1 h at 3 digits, then payload. */
static size_t
make_v2(unsigned char *buf, const unsigned char *payload, size_t n)
{
	static const unsigned char header[] = {
		0x1c, 0x84, 0x93, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3,
		0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0x03, 0x46, 0x30, 0xb8, 0xa0, 0,
		0x3f, 0xf0, 0, 0, 0, 0, 0, 0,
	};

	memcpy(buf, header, sizeof header);
	buf[6] = n >> 8;
	buf[7] = n;
	memcpy(buf + sizeof header, payload, n);
	return (sizeof header + n);
}

/* The compressed form of bytes that need not be a sane V2. */
static size_t
make_compressed(unsigned char *out, const unsigned char *v2, size_t n)
{
	uLongf	zlen = 65536;

	assert_int_equal(compress2(out + 8, &zlen, v2, n, 9), Z_OK);
	out[0] = 0x1c; out[1] = 0x84; out[2] = 0x93; out[3] = 0x14;
	out[4] = zlen >> 24; out[5] = zlen >> 16; out[6] = zlen >> 8;
	out[7] = zlen;
	return (8 + zlen);
}

static void
expect_refused(const unsigned char *v2, size_t n, const char *why)
{
	unsigned char	*z;
	char		*cause = NULL;
	size_t		 zn;

	assert_null(hdr_log_decode_bytes(v2, n, &cause));
	cause_has(cause, why, NULL);
	z = malloc(65536 + 8);
	zn = make_compressed(z, v2, n);
	assert_null(hdr_log_decode_bytes(z, zn, &cause));
	cause_has(cause, why, NULL);
	free(z);
}

static void
test_hostile_payloads(void **state)
{
	static const unsigned char	 unterminated[] = { 0x02, 0x80, 0x80 };
	static const unsigned char	 huge[] = {
		0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	static const unsigned char	 giant_run[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
	};
	unsigned char			 v2[1024], payload[64], *buf, *mut;
	struct hdr			*h;
	char				*cause = NULL, *b64;
	size_t				 n, len, i, k;

	/* Not base64, not ours, too short. */
	assert_null(hdr_log_decode("HISTFAAA!AAA", 12, &cause));
	cause_has(cause, "bad base64", NULL);
	assert_null(hdr_log_decode("", 0, &cause));
	cause_has(cause, "too short", NULL);
	assert_null(hdr_log_decode("3q2+7wAAAAA=", 12, &cause));
	cause_has(cause, "cookie 0xdeadbeef", NULL);
	assert_null(hdr_log_decode("HISTAg==", 8, &cause));	/* V1 */
	cause_has(cause, "cookie 0x1c849302", NULL);

	/* Every header field out of range. */
	n = make_v2(v2, (const unsigned char *)"\x02", 1);
	v2[15] = 0;
	expect_refused(v2, n, "3600000000000 and 0 significant digits");
	v2[15] = 6;
	expect_refused(v2, n, "and 6 significant digits");
	v2[15] = 3;
	v2[23] = 0;
	expect_refused(v2, n, "lowest 0,");
	v2[23] = 1;
	v2[16] = 0x80;
	expect_refused(v2, n, "lowest -9223372036854775807,");
	v2[16] = 0;
	v2[24] = 0x80;
	expect_refused(v2, n, "highest -");
	v2[24] = 0;
	v2[11] = 1;
	expect_refused(v2, n, "normalizing index offset 1");
	v2[11] = 0;
	v2[4] = 0x7f;
	expect_refused(v2, n, "payload length 2130706433 is more than");
	v2[4] = 0x80;
	expect_refused(v2, n, "negative payload length");
	v2[4] = 0;
	v2[7] = 2;
	assert_null(hdr_log_decode_bytes(v2, n, &cause));
	cause_has(cause, "payload truncated", NULL);
	v2[7] = 1;
	v2[3] = 0x14;			/* a compressed cookie outside */
	assert_null(hdr_log_decode_bytes(v2, n, &cause));
	cause_has(cause, "compressed data truncated", NULL);
	v2[3] = 0x13;

	/* Counts that do not fit. */
	expect_refused(v2, make_v2(v2, unterminated, sizeof unterminated),
	    "ends inside a count");
	expect_refused(v2, make_v2(v2, huge, sizeof huge),
	    "total count overflows");
	expect_refused(v2, make_v2(v2, giant_run, sizeof giant_run),
	    "more counts than its layout holds (33792)");
	/* A run to the end of the counts, then one count more. */
	payload[0] = 0xff; payload[1] = 0xff; payload[2] = 0x03; /* -32768 */
	payload[3] = 0xff; payload[4] = 0x0f;			/* -1024 */
	payload[5] = 0x02;
	n = make_v2(v2, payload, 5);
	h = hdr_log_decode_bytes(v2, n, &cause);
	assert_non_null(h);
	assert_int_equal(hdr_count(h), 0);
	hdr_free(h);
	expect_refused(v2, make_v2(v2, payload, 6), "layout holds");

	/* The compressed wrapper: lengths, garbage, a foreign cookie. */
	buf = malloc(65536);
	n = make_v2(v2, (const unsigned char *)"\x02", 1);
	len = make_compressed(buf, v2, n);
	for (i = 0; i < len; i++) {
		assert_null(hdr_log_decode_bytes(buf, i, &cause));
		free(cause);
	}
	buf[4] = 0x7f;
	assert_null(hdr_log_decode_bytes(buf, len, &cause));
	cause_has(cause, "but 34 bytes follow", NULL);
	buf[4] = 0xff;
	assert_null(hdr_log_decode_bytes(buf, len, &cause));
	cause_has(cause, "compressed length -", NULL);
	buf[4] = 0;
	buf[7] -= 3;			/* a stream cut short */
	assert_null(hdr_log_decode_bytes(buf, len, &cause));
	cause_has(cause, "truncated", NULL);
	memset(buf + 8, 0xa5, len - 8);
	buf[7] = len - 8;
	assert_null(hdr_log_decode_bytes(buf, len, &cause));
	cause_has(cause, "bad compressed data", NULL);
	v2[3] = 0x14;
	len = make_compressed(buf, v2, n);
	assert_null(hdr_log_decode_bytes(buf, len, &cause));
	cause_has(cause, "not a V2 encoding", NULL);
	/* A V2 header alone, its payload missing from the stream. */
	v2[3] = 0x13;
	v2[7] = 200;
	len = make_compressed(buf, v2, 40);
	assert_null(hdr_log_decode_bytes(buf, len, &cause));
	cause_has(cause, "compressed data truncated", NULL);

	/*
	 * Random damage to real encodings: an answer or an error, never more.
	 * A small layout keeps each try cheap.
	 */
	h = hdr_new(1, 10000000, 2);
	for (i = 0; i < 5000; i++)
		hdr_record(h, (int64_t)(rng() % 12000000));
	assert_int_equal(hdr_log_encode_compressed(h, &mut, &len, &cause), 0);
	memcpy(buf, mut, len);
	for (i = 0; i < 3000; i++) {
		memcpy(mut, buf, len);
		for (k = 0; k < 1 + i % 3; k++)
			mut[rng() % len] ^= (unsigned char)(1 + rng() % 255);
		hdr_free(hdr_log_decode_bytes(mut, len, &cause));
		free(cause);
		cause = NULL;
	}
	free(mut);
	assert_int_equal(hdr_log_encode_v2(h, &mut, &len, &cause), 0);
	memcpy(buf, mut, len);
	for (i = 0; i < 3000; i++) {
		memcpy(mut, buf, len);
		mut[40 + rng() % (len - 40)] = (unsigned char)rng();
		hdr_free(hdr_log_decode_bytes(mut, len, &cause));
		free(cause);
		cause = NULL;
	}
	free(mut);
	/* Every cut of the base64 payload. */
	assert_int_equal(hdr_log_encode(h, &b64, &cause), 0);
	for (i = 0; i < strlen(b64); i++) {
		assert_null(hdr_log_decode(b64, i, &cause));
		free(cause);
	}
	free(b64);
	hdr_free(h);
	free(buf);
}

static void
expect_log_refused(const char *text, size_t len, const char *why)
{
	struct hdr_log	 log;
	FILE		*f;
	char		*cause = NULL;

	f = fmemopen((void *)(uintptr_t)text, len, "r");
	assert_int_equal(hdr_log_read(f, &log, &cause), -1);
	fclose(f);
	assert_int_equal(log.n, 0);
	assert_null(log.intervals);
	cause_has(cause, why, NULL);
}

#define PAYLOAD	"HISTFAAAACJ4nJNpmSzMwMDAxAABzFCaEch0M9ixgMH+A1SECQBXFwRP"

static void
test_hostile_logs(void **state)
{
	static const char	 good[] =
	    "#[Histogram log format version 1.3]\r\n"
	    "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
	    "\"Interval_Compressed_Histogram\"\r\n"
	    "\r\n"
	    "0.000,1.000,0.000," PAYLOAD "\r\n"
	    "Tag=x,1.000,1.000,0.000," PAYLOAD;
	static const char	 nul[] = "0.000,1.000\0,0.000," PAYLOAD "\n";
	struct hdr_log		 log;
	FILE			*f;
	char			*cause = NULL;

	/* CRLF, blank lines, no StartTime, no final newline: fine. */
	f = fmemopen((void *)(uintptr_t)good, strlen(good), "r");
	assert_int_equal(hdr_log_read(f, &log, &cause), 0);
	fclose(f);
	assert_int_equal(log.n, 2);
	assert_true(log.start_time == 0.0);
	assert_null(log.intervals[0].tag);
	assert_string_equal(log.intervals[1].tag, "x");
	assert_int_equal(hdr_count(log.intervals[1].h), 1);
	hdr_log_clear(&log);

#define REFUSED(s, why)	expect_log_refused(s, strlen(s), why)
	REFUSED("#[StartTime: soon]\n", "line 1: StartTime");
	REFUSED("#\n#[BaseTime: ]\n", "line 2: BaseTime");
	REFUSED("\n0.000,1.000,0.000\n", "line 2: 3 fields, expected");
	REFUSED("0.000\n", "line 1: 1 fields");
	REFUSED("Tag=x\n", "no fields after the tag");
	REFUSED("Tag=,0,1,0," PAYLOAD "\n", "tag '' is empty");
	REFUSED("Tag=a b,0,1,0," PAYLOAD "\n", "tag 'a b'");
	REFUSED("0,1,0," PAYLOAD ",x\n", "line 1: 5 fields");
	REFUSED("0,1,0,0,0,0,0\n", "line 1: 5 or more fields");
	REFUSED("zero,1,0," PAYLOAD "\n", "start 'zero' is not a number");
	REFUSED("0, 1,0," PAYLOAD "\n", "length ' 1'");
	REFUSED("0,1,nan," PAYLOAD "\n", "max 'nan'");
	REFUSED("0,1,1e999," PAYLOAD "\n", "max '1e999'");
	REFUSED("0,1,,", "max ''");
	REFUSED("0,1,0,\n", "too short");
	REFUSED("0,1,0,HISTFAAAACJ4nJNp\n", "line 1: histogram: compressed "
	    "length 34 but 4 bytes follow");
	REFUSED("0,1,0,HIST FAAA\n", "bad base64");
	REFUSED("0,1,0," PAYLOAD "\n1,1,0,@@@@\n", "line 2: histogram");
	expect_log_refused(nul, sizeof nul - 1, "line 1: has a NUL byte");
#undef REFUSED
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_small),
		cmocka_unit_test(test_round_trip_uniform),
		cmocka_unit_test(test_round_trip_exponential),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_java_encodings),
		cmocka_unit_test(test_reference_logs),
		cmocka_unit_test(test_write_like_reference),
		cmocka_unit_test(test_write_read),
		cmocka_unit_test(test_read_each),
		cmocka_unit_test(test_hostile_payloads),
		cmocka_unit_test(test_hostile_logs),
	};

	return (cmocka_run_group_tests_name("hdr_log", tests, NULL, NULL));
}

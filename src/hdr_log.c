/* HdrHistogram V2 encoding, base64 payloads and interval logs (format 1.3). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "hdr.h"
#include "hdr_log.h"
#include "xmalloc.h"

/*
 * The V2 encoding, all big-endian:
 *
 *	int32	cookie (0x1c849303, 0x10 set by the reference)
 *	int32	payload length in bytes
 *	int32	normalizing index offset (0)
 *	int32	significant digits
 *	int64	lowest discernible value
 *	int64	highest trackable value
 *	double	integer to double conversion ratio (1.0)
 *	payload	counts from index 0 to the last non-zero one, each a zigzag
 *		LEB128 number; a run of N > 1 zero counts is written as -N
 *
 * The compressed form is int32 cookie (0x1c849304 | 0x10), int32 length,
 * then that many bytes of zlib stream holding the V2 encoding.  Readers
 * ignore the 0xf0 bits of a cookie.
 */
#define HDR_LOG_COOKIE_IS(c, want) \
	(((uint32_t)(c) & ~0xf0U) == ((uint32_t)(want) & ~0xf0U))
#define HDR_LOG_V2_HEADER	40
#define HDR_LOG_VARINT_MAX	9	/* 8 x 7 bits, then 8 bits */

#define HDR_LOG_VERSION		"1.3"
#define HDR_LOG_LEGEND		"\"StartTimestamp\",\"Interval_Length\"," \
				"\"Interval_Max\",\"Interval_Compressed_Histogram\""

struct hdr_log_writer {
	FILE		*f;
};

/* n big-endian bytes. */
static void
hdr_log_put(unsigned char *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = v;
		v >>= 8;
	}
}

static uint64_t
hdr_log_get(const unsigned char *p, int n)
{
	uint64_t	v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return (v);
}

static size_t
hdr_log_counts_len(const struct hdr *h)
{
	int64_t	sub_bucket_count;
	size_t	counts_len;
	int	unit, bucket_count;

	hdr_layout(h, &unit, &sub_bucket_count, &bucket_count, &counts_len);
	return (counts_len);
}

/*
 * Zigzag then 7 bits a byte, low first, high bit set while more follow; the
 * reference stops after 8 such bytes and puts the last 8 bits whole in a
 * ninth, so a number never takes more than 9 bytes.
 */
static size_t
hdr_log_put_varint(unsigned char *p, int64_t v)
{
	uint64_t	z;
	size_t		n;

	z = ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0);
	for (n = 0; n < HDR_LOG_VARINT_MAX - 1; n++) {
		if (z < 0x80) {
			p[n] = z;
			return (n + 1);
		}
		p[n] = (z & 0x7f) | 0x80;
		z >>= 7;
	}
	p[n] = z;
	return (n + 1);
}

/* -1 if the number does not end before end. */
static int
hdr_log_get_varint(const unsigned char **pp, const unsigned char *end,
    int64_t *v)
{
	const unsigned char	*p = *pp;
	uint64_t		 z;
	int			 i;

	z = 0;
	for (i = 0; i < HDR_LOG_VARINT_MAX; i++) {
		if (p == end)
			return (-1);
		if (i == HDR_LOG_VARINT_MAX - 1) {
			z |= (uint64_t)*p++ << 56;
			break;
		}
		z |= (uint64_t)(*p & 0x7f) << (7 * i);
		if ((*p++ & 0x80) == 0)
			break;
	}
	*pp = p;
	if (z & 1)
		*v = -(int64_t)(z >> 1) - 1;
	else
		*v = (int64_t)(z >> 1);
	return (0);
}

/* ---- Encoding ---------------------------------------------------------- */

int
hdr_log_encode_v2(const struct hdr *h, unsigned char **out, size_t *outlen,
    char **cause)
{
	unsigned char	*buf, *p;
	uint64_t	 c, ratio_bits;
	double		 ratio = 1.0;
	size_t		 limit, i, run, len;

	/* Up to the last non-zero count; an empty histogram writes one 0. */
	for (limit = hdr_log_counts_len(h); limit > 1; limit--) {
		if (hdr_count_at_index(h, limit - 1) != 0)
			break;
	}
	if (limit > (INT32_MAX - HDR_LOG_V2_HEADER) / HDR_LOG_VARINT_MAX) {
		xasprintf(cause, "histogram: %zu counts are too many to encode",
		    limit);
		return (-1);
	}
	buf = xmalloc(HDR_LOG_V2_HEADER + limit * HDR_LOG_VARINT_MAX);
	p = buf + HDR_LOG_V2_HEADER;
	for (i = 0; i < limit; i++) {
		c = hdr_count_at_index(h, i);
		if (c > INT64_MAX) {
			xasprintf(cause, "histogram: count %" PRIu64 " is too "
			    "large to encode", c);
			free(buf);
			return (-1);
		}
		if (c == 0) {
			for (run = 1; i + run < limit; run++) {
				if (hdr_count_at_index(h, i + run) != 0)
					break;
			}
			if (run > 1) {
				p += hdr_log_put_varint(p, -(int64_t)run);
				i += run - 1;
				continue;
			}
		}
		p += hdr_log_put_varint(p, (int64_t)c);
	}
	len = p - buf;

	memcpy(&ratio_bits, &ratio, sizeof ratio_bits);
	hdr_log_put(buf, HDR_LOG_V2_COOKIE, 4);
	hdr_log_put(buf + 4, (uint32_t)(len - HDR_LOG_V2_HEADER), 4);
	hdr_log_put(buf + 8, 0, 4);
	hdr_log_put(buf + 12, (uint32_t)hdr_sigfigs(h), 4);
	hdr_log_put(buf + 16, (uint64_t)hdr_lowest(h), 8);
	hdr_log_put(buf + 24, (uint64_t)hdr_highest(h), 8);
	hdr_log_put(buf + 32, ratio_bits, 8);
	*out = buf;
	*outlen = len;
	return (0);
}

int
hdr_log_encode_compressed(const struct hdr *h, unsigned char **out,
    size_t *outlen, char **cause)
{
	unsigned char	*v2, *buf;
	size_t		 v2len;
	uLongf		 zlen;
	int		 ret;

	if (hdr_log_encode_v2(h, &v2, &v2len, cause) != 0)
		return (-1);
	zlen = compressBound(v2len);
	buf = xmalloc(8 + zlen);
	/* As the reference log writer: zlib at its best compression. */
	ret = compress2(buf + 8, &zlen, v2, v2len, Z_BEST_COMPRESSION);
	free(v2);
	if (ret != Z_OK || zlen > INT32_MAX) {
		xasprintf(cause, "histogram: compression failed (zlib error "
		    "%d)", ret);
		free(buf);
		return (-1);
	}
	hdr_log_put(buf, HDR_LOG_COMPRESSED_COOKIE, 4);
	hdr_log_put(buf + 4, (uint32_t)zlen, 4);
	*out = buf;
	*outlen = 8 + zlen;
	return (0);
}

int
hdr_log_encode(const struct hdr *h, char **b64, char **cause)
{
	unsigned char	*buf;
	size_t		 len;

	if (hdr_log_encode_compressed(h, &buf, &len, cause) != 0)
		return (-1);
	*b64 = hdr_log_base64_encode(buf, len);
	free(buf);
	return (0);
}

/* ---- Decoding ---------------------------------------------------------- */

/* A histogram of the header's range, its payload length checked. */
static struct hdr *
hdr_log_decode_header(const unsigned char *p, size_t *payload, char **cause)
{
	struct hdr	*h;
	int32_t		 len, offset, sigfigs;
	int64_t		 lowest, highest;
	size_t		 counts_len;

	len = (int32_t)(uint32_t)hdr_log_get(p + 4, 4);
	offset = (int32_t)(uint32_t)hdr_log_get(p + 8, 4);
	sigfigs = (int32_t)(uint32_t)hdr_log_get(p + 12, 4);
	lowest = (int64_t)hdr_log_get(p + 16, 8);
	highest = (int64_t)hdr_log_get(p + 24, 8);

	if (len < 0) {
		xasprintf(cause, "histogram: negative payload length %d", len);
		return (NULL);
	}
	if (offset != 0) {
		xasprintf(cause, "histogram: normalizing index offset %d is "
		    "not supported", offset);
		return (NULL);
	}
	h = hdr_new(lowest, highest, sigfigs);
	if (h == NULL) {
		xasprintf(cause, "histogram: no histogram has lowest %" PRId64
		    ", highest %" PRId64 " and %d significant digits", lowest,
		    highest, sigfigs);
		return (NULL);
	}
	/* No count takes more than 9 bytes: bounds what we allocate. */
	counts_len = hdr_log_counts_len(h);
	if ((uint64_t)len > (uint64_t)counts_len * HDR_LOG_VARINT_MAX) {
		xasprintf(cause, "histogram: payload length %d is more than "
		    "%zu counts can take", len, counts_len);
		hdr_free(h);
		return (NULL);
	}
	*payload = (size_t)len;
	return (h);
}

static int
hdr_log_decode_counts(struct hdr *h, const unsigned char *p, size_t len,
    char **cause)
{
	const unsigned char	*end = p + len;
	int64_t			 v;
	uint64_t		 total, run;
	size_t			 counts_len, idx;

	counts_len = hdr_log_counts_len(h);
	idx = 0;
	total = 0;
	while (p != end) {
		if (hdr_log_get_varint(&p, end, &v) != 0) {
			xasprintf(cause, "histogram: payload ends inside a "
			    "count");
			return (-1);
		}
		if (v < 0) {
			run = (uint64_t)-(v + 1) + 1;
			if (run > counts_len - idx)
				goto too_long;
			idx += run;
			continue;
		}
		if (idx == counts_len)
			goto too_long;
		if ((uint64_t)v > INT64_MAX - total) {
			xasprintf(cause, "histogram: total count overflows");
			return (-1);
		}
		total += (uint64_t)v;
		hdr_add_at_index(h, idx++, (uint64_t)v);
	}
	return (0);

too_long:
	xasprintf(cause, "histogram: more counts than its layout holds (%zu)",
	    counts_len);
	return (-1);
}

static struct hdr *
hdr_log_decode_v2(const unsigned char *p, size_t len, char **cause)
{
	struct hdr	*h;
	size_t		 payload;

	if (len < HDR_LOG_V2_HEADER) {
		xasprintf(cause, "histogram: header truncated (%zu of %d "
		    "bytes)", len, HDR_LOG_V2_HEADER);
		return (NULL);
	}
	if ((h = hdr_log_decode_header(p, &payload, cause)) == NULL)
		return (NULL);
	if (payload > len - HDR_LOG_V2_HEADER) {
		xasprintf(cause, "histogram: payload truncated (%zu of %zu "
		    "bytes)", len - HDR_LOG_V2_HEADER, payload);
		goto fail;
	}
	if (hdr_log_decode_counts(h, p + HDR_LOG_V2_HEADER, payload,
	    cause) != 0)
		goto fail;
	return (h);

fail:
	hdr_free(h);
	return (NULL);
}

/*
 * Inflate exactly n bytes into out; if last, the stream must end there (so
 * its checksum is checked too).
 */
static int
hdr_log_inflate(z_stream *z, unsigned char *out, size_t n, int last,
    char **cause)
{
	unsigned char	extra;
	int		ret = Z_OK;

	z->next_out = out;
	z->avail_out = (uInt)n;
	while (z->avail_out != 0 && ret == Z_OK)
		ret = inflate(z, Z_NO_FLUSH);
	if (z->avail_out == 0 && !last)
		return (0);
	if (z->avail_out == 0) {
		z->next_out = &extra;
		z->avail_out = 1;
		while (ret == Z_OK && z->avail_out == 1)
			ret = inflate(z, Z_NO_FLUSH);
		if (ret == Z_STREAM_END && z->avail_out == 1)
			return (0);
	}
	if (z->avail_out == 0)
		xasprintf(cause, "histogram: compressed data is longer than "
		    "its V2 encoding");
	else if (ret == Z_STREAM_END || ret == Z_BUF_ERROR)
		xasprintf(cause, "histogram: compressed data truncated");
	else {
		xasprintf(cause, "histogram: bad compressed data (%s)",
		    z->msg != NULL ? z->msg : "zlib error");
	}
	return (-1);
}

static struct hdr *
hdr_log_decode_compressed(const unsigned char *p, size_t len, char **cause)
{
	z_stream	 z;
	unsigned char	 header[HDR_LOG_V2_HEADER], *payload = NULL;
	struct hdr	*h = NULL;
	int32_t		 zlen;
	size_t		 n;

	if (len < 8) {
		xasprintf(cause, "histogram: compressed header truncated (%zu "
		    "of 8 bytes)", len);
		return (NULL);
	}
	zlen = (int32_t)(uint32_t)hdr_log_get(p + 4, 4);
	if (zlen < 0 || (size_t)zlen > len - 8) {
		xasprintf(cause, "histogram: compressed length %d but %zu "
		    "bytes follow", zlen, len - 8);
		return (NULL);
	}
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK) {
		xasprintf(cause, "histogram: zlib cannot start");
		return (NULL);
	}
	z.next_in = (unsigned char *)(uintptr_t)(p + 8);
	z.avail_in = (uInt)zlen;

	if (hdr_log_inflate(&z, header, sizeof header, 0, cause) != 0)
		goto fail;
	if (!HDR_LOG_COOKIE_IS(hdr_log_get(header, 4), HDR_LOG_V2_COOKIE)) {
		xasprintf(cause, "histogram: compressed data is not a V2 "
		    "encoding (cookie 0x%08x)", (uint32_t)hdr_log_get(header, 4));
		goto fail;
	}
	if ((h = hdr_log_decode_header(header, &n, cause)) == NULL)
		goto fail;
	payload = xmalloc(n);
	if (hdr_log_inflate(&z, payload, n, 1, cause) != 0)
		goto fail;
	if (hdr_log_decode_counts(h, payload, n, cause) != 0)
		goto fail;
	free(payload);
	inflateEnd(&z);
	return (h);

fail:
	free(payload);
	hdr_free(h);
	inflateEnd(&z);
	return (NULL);
}

struct hdr *
hdr_log_decode_bytes(const unsigned char *p, size_t len, char **cause)
{
	uint32_t	cookie;

	if (len < 4) {
		xasprintf(cause, "histogram: %zu bytes, too short for a "
		    "cookie", len);
		return (NULL);
	}
	cookie = (uint32_t)hdr_log_get(p, 4);
	if (HDR_LOG_COOKIE_IS(cookie, HDR_LOG_COMPRESSED_COOKIE))
		return (hdr_log_decode_compressed(p, len, cause));
	if (HDR_LOG_COOKIE_IS(cookie, HDR_LOG_V2_COOKIE))
		return (hdr_log_decode_v2(p, len, cause));
	xasprintf(cause, "histogram: cookie 0x%08x is not that of a V2 "
	    "histogram", cookie);
	return (NULL);
}

struct hdr *
hdr_log_decode(const char *b64, size_t len, char **cause)
{
	struct hdr	*h;
	unsigned char	*buf;
	size_t		 n;

	if (hdr_log_base64_decode(b64, len, &buf, &n) != 0) {
		xasprintf(cause, "histogram: bad base64");
		return (NULL);
	}
	h = hdr_log_decode_bytes(buf, n, cause);
	free(buf);
	return (h);
}

/* ---- Base64 ------------------------------------------------------------ */

static const char hdr_log_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
hdr_log_base64_encode(const unsigned char *p, size_t len)
{
	char		*out, *o;
	uint32_t	 v;
	size_t		 i;

	out = o = xmalloc((len + 2) / 3 * 4 + 1);
	for (i = 0; i < len; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		*o++ = hdr_log_b64[v >> 18];
		*o++ = hdr_log_b64[(v >> 12) & 63];
		*o++ = i + 1 < len ? hdr_log_b64[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? hdr_log_b64[v & 63] : '=';
	}
	*o = '\0';
	return (out);
}

static int
hdr_log_base64_value(char c)
{
	const char	*s;

	if (c == '\0' || (s = strchr(hdr_log_b64, c)) == NULL)
		return (-1);
	return (s - hdr_log_b64);
}

int
hdr_log_base64_decode(const char *s, size_t len, unsigned char **out,
    size_t *outlen)
{
	unsigned char	*buf, *o;
	uint32_t	 v;
	size_t		 i, j, pad;
	int		 d;

	if (len % 4 != 0)
		return (-1);
	pad = 0;
	if (len != 0 && s[len - 1] == '=')
		pad = (s[len - 2] == '=') ? 2 : 1;
	buf = o = xmalloc(len / 4 * 3 + 1);
	for (i = 0; i < len; i += 4) {
		v = 0;
		for (j = 0; j < 4; j++) {
			if (i + j >= len - pad)
				d = 0;
			else if ((d = hdr_log_base64_value(s[i + j])) == -1) {
				free(buf);
				return (-1);
			}
			v = v << 6 | (uint32_t)d;
		}
		*o++ = v >> 16;
		*o++ = v >> 8;
		*o++ = v;
	}
	*out = buf;
	*outlen = (size_t)(o - buf) - pad;
	return (0);
}

/* ---- Writer ------------------------------------------------------------ */

int
hdr_log_tag_valid(const char *tag)
{
	const unsigned char	*p;

	if (*tag == '\0')
		return (0);
	for (p = (const unsigned char *)tag; *p != '\0'; p++) {
		if (*p <= ' ' || *p == ',' || *p == 0x7f)
			return (0);
	}
	return (1);
}

/* Seconds to 3 decimals, halves up as the reference's formatter rounds. */
static int
hdr_log_format_secs(char *buf, size_t size, double secs)
{
	long long	ms;

	if (!isfinite(secs) || secs < 0 || secs > 1e12)
		return (-1);
	ms = llround(secs * 1000.0);
	snprintf(buf, size, "%lld.%03lld", ms / 1000, ms % 1000);
	return (0);
}

static int
hdr_log_written(FILE *f, char **cause)
{
	if (ferror(f)) {
		xasprintf(cause, "hdr log: write failed: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

struct hdr_log_writer *
hdr_log_writer_open(FILE *f, double start_epoch, char **cause)
{
	static const char	 days[] = "SunMonTueWedThuFriSat";
	static const char	 months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct hdr_log_writer	*w;
	struct tm		 tm;
	time_t			 t;
	char			 secs[32];

	if (hdr_log_format_secs(secs, sizeof secs, start_epoch) != 0) {
		xasprintf(cause, "hdr log: bad start time %g", start_epoch);
		return (NULL);
	}
	t = (time_t)(llround(start_epoch * 1000.0) / 1000);
	if (gmtime_r(&t, &tm) == NULL) {
		xasprintf(cause, "hdr log: bad start time %g", start_epoch);
		return (NULL);
	}
	/* Java's Date.toString() in UTC, whatever the locale. */
	fprintf(f, "#[Histogram log format version " HDR_LOG_VERSION "]\n");
	fprintf(f, "#[StartTime: %s (seconds since epoch), %.3s %.3s %02d "
	    "%02d:%02d:%02d UTC %d]\n", secs, days + 3 * tm.tm_wday,
	    months + 3 * tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    tm.tm_year + 1900);
	fprintf(f, "#[BaseTime: %s (seconds since epoch)]\n", secs);
	fprintf(f, "%s\n", HDR_LOG_LEGEND);
	if (hdr_log_written(f, cause) != 0)
		return (NULL);

	w = xcalloc(1, sizeof *w);
	w->f = f;
	return (w);
}

int
hdr_log_write(struct hdr_log_writer *w, const char *tag, double start,
    double length, const struct hdr *h, char **cause)
{
	char		 s[32], l[32], *b64;
	int64_t		 max, q;

	if (tag != NULL && !hdr_log_tag_valid(tag)) {
		xasprintf(cause, "hdr log: tag '%s' is empty or has a comma, a "
		    "space or a control character", tag);
		return (-1);
	}
	if (hdr_log_format_secs(s, sizeof s, start) != 0 ||
	    hdr_log_format_secs(l, sizeof l, length) != 0) {
		xasprintf(cause, "hdr log: bad interval: start %g, length %g",
		    start, length);
		return (-1);
	}
	if (hdr_log_encode(h, &b64, cause) != 0)
		return (-1);
	/*
	 * Nanoseconds to milliseconds as the reference prints max / 1e6 with
	 * "%.3f" (halves up); in integers, so exactly.
	 */
	max = hdr_max(h);
	q = max / 1000 + (max % 1000 >= 500);
	fprintf(w->f, "%s%s%s%s,%s,%" PRId64 ".%03" PRId64 ",%s\n",
	    tag != NULL ? "Tag=" : "", tag != NULL ? tag : "",
	    tag != NULL ? "," : "", s, l, q / 1000, q % 1000, b64);
	free(b64);
	return (hdr_log_written(w->f, cause));
}

int
hdr_log_writer_close(struct hdr_log_writer *w, char **cause)
{
	int	ret;

	if (w == NULL)
		return (0);
	ret = 0;
	if (fflush(w->f) != 0 || ferror(w->f)) {
		xasprintf(cause, "hdr log: write failed: %s", strerror(errno));
		ret = -1;
	}
	free(w);
	return (ret);
}

/* ---- Reader ------------------------------------------------------------ */

/* A finite number then one of the characters in after ("": the end). */
static int
hdr_log_number(const char *s, const char *after, double *v)
{
	char	*end;

	if (*s == ' ' || *s == '\t')
		return (-1);
	*v = strtod(s, &end);
	if (end == s || strchr(after, *end) == NULL || !isfinite(*v))
		return (-1);
	return (0);
}

/* One interval line (modified in place); why is set on error. */
static int
hdr_log_parse_line(char *line, struct hdr_log_interval *iv, char **why)
{
	static const char	*names[] = { "start", "length", "max" };
	double			 v[3];
	char			*field[5], *s, *comma;
	int			 i, n;

	memset(iv, 0, sizeof *iv);
	s = line;
	if (strncmp(s, "Tag=", 4) == 0) {
		if ((comma = strchr(s + 4, ',')) == NULL) {
			xasprintf(why, "no fields after the tag");
			return (-1);
		}
		*comma = '\0';
		if (!hdr_log_tag_valid(s + 4)) {
			xasprintf(why, "tag '%s' is empty or has a space or a "
			    "control character", s + 4);
			return (-1);
		}
		iv->tag = xstrdup(s + 4);
		s = comma + 1;
	}
	for (n = 0; s != NULL && n < 5; n++)
		field[n] = strsep(&s, ",");
	if (n != 4) {
		xasprintf(why, "%d%s fields, expected start, length, max and "
		    "histogram", n, s != NULL ? " or more" : "");
		goto fail;
	}
	for (i = 0; i < 3; i++) {
		if (hdr_log_number(field[i], "", &v[i]) != 0) {
			xasprintf(why, "%s '%.32s' is not a number", names[i],
			    field[i]);
			goto fail;
		}
	}
	iv->start = v[0];
	iv->length = v[1];
	iv->max_ms = v[2];
	if ((iv->h = hdr_log_decode(field[3], strlen(field[3]), why)) == NULL)
		goto fail;
	return (0);

fail:
	free(iv->tag);
	iv->tag = NULL;
	return (-1);
}

int
hdr_log_read_each(FILE *f, struct hdr_log *log, hdr_log_fn fn, void *arg,
    char **cause)
{
	struct hdr_log_interval	 iv;
	char			*line = NULL, *why;
	size_t			 cap = 0, len, lineno = 0;
	ssize_t			 n;
	int			 stop, ret = -1;

	log->start_time = log->base_time = 0;
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		len = (size_t)n;
		if (memchr(line, '\0', len) != NULL) {
			xasprintf(cause, "line %zu: has a NUL byte", lineno);
			goto out;
		}
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;

		if (line[0] == '#') {
			why = NULL;
			if (strncmp(line, "#[StartTime: ", 13) == 0 &&
			    hdr_log_number(line + 13, " ]",
			    &log->start_time) != 0)
				why = "StartTime";
			if (strncmp(line, "#[BaseTime: ", 12) == 0 &&
			    hdr_log_number(line + 12, " ]",
			    &log->base_time) != 0)
				why = "BaseTime";
			if (why != NULL) {
				xasprintf(cause, "line %zu: %s is not a number",
				    lineno, why);
				goto out;
			}
			continue;
		}
		if (strncmp(line, "\"StartTimestamp\"", 16) == 0 ||
		    strncmp(line, "StartTimestamp", 14) == 0)
			continue;

		if (hdr_log_parse_line(line, &iv, &why) != 0) {
			xasprintf(cause, "line %zu: %s", lineno, why);
			free(why);
			goto out;
		}
		stop = fn(&iv, arg, cause);
		free(iv.tag);
		hdr_free(iv.h);
		if (stop != 0)
			goto out;
	}
	if (ferror(f)) {
		xasprintf(cause, "read failed: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(line);
	return (ret);
}

/*
 * Keep every interval, up to a budget: hdr_new writes every count at once,
 * so a few hundred hostile lines of wide histograms would take gigabytes.
 */
#define HDR_LOG_KEEP_MAX	((size_t)1 << 27)	/* counts: 1 GiB */

struct hdr_log_keep {
	struct hdr_log	*log;
	size_t		 counts;	/* kept so far */
};

static int
hdr_log_append(struct hdr_log_interval *iv, void *arg, char **cause)
{
	struct hdr_log_keep	*keep = arg;
	struct hdr_log		*log = keep->log;

	keep->counts += hdr_log_counts_len(iv->h);
	if (keep->counts > HDR_LOG_KEEP_MAX) {
		xasprintf(cause, "interval %zu: the log's histograms would "
		    "take more than 1 GiB", log->n + 1);
		return (-1);
	}

	/* Room for a power of two: grow when n reaches one. */
	if ((log->n & (log->n - 1)) == 0) {
		log->intervals = xreallocarray(log->intervals,
		    log->n == 0 ? 1 : log->n * 2, sizeof *log->intervals);
	}
	log->intervals[log->n++] = *iv;
	iv->tag = NULL;
	iv->h = NULL;
	return (0);
}

int
hdr_log_read(FILE *f, struct hdr_log *log, char **cause)
{
	struct hdr_log_keep	keep = { log, 0 };

	memset(log, 0, sizeof *log);
	if (hdr_log_read_each(f, log, hdr_log_append, &keep, cause) != 0) {
		hdr_log_clear(log);
		return (-1);
	}
	return (0);
}

void
hdr_log_clear(struct hdr_log *log)
{
	size_t	i;

	for (i = 0; i < log->n; i++) {
		free(log->intervals[i].tag);
		hdr_free(log->intervals[i].h);
	}
	free(log->intervals);
	memset(log, 0, sizeof *log);
}

struct hdr *
hdr_log_merge(const struct hdr_log *log, const char *tag)
{
	const struct hdr_log_interval	*iv;
	struct hdr			*m = NULL;
	size_t				 i;

	for (i = 0; i < log->n; i++) {
		iv = &log->intervals[i];
		if (tag == NULL ? iv->tag != NULL :
		    iv->tag == NULL || strcmp(iv->tag, tag) != 0)
			continue;
		if (m == NULL) {
			m = hdr_new(hdr_lowest(iv->h), hdr_highest(iv->h),
			    hdr_sigfigs(iv->h));
		}
		hdr_add(m, iv->h);
	}
	return (m);
}

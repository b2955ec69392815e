/*
 * HdrHistogram V2 encoding and interval logs (format 1.3), as the reference
 * Java implementation writes and reads them: a histogram travels as base64
 * of a zlib-compressed V2 encoding, one log line per interval and tag.
 */
#ifndef MB_HDR_LOG_H
#define MB_HDR_LOG_H

#include <stddef.h>
#include <stdio.h>

struct hdr;

/*
 * The cookies as the reference writes them: the pinned bases 0x1c849303
 * (V2) and 0x1c849304 (compressed) with 0x10 set; readers ignore 0xf0.
 */
#define HDR_LOG_V2_COOKIE		0x1c849313
#define HDR_LOG_COMPRESSED_COOKIE	0x1c849314

/* The V2 encoding (header and zigzag LEB128 counts), allocated. */
int		 hdr_log_encode_v2(const struct hdr *, unsigned char **,
		     size_t *, char **cause);
/* The compressed form: cookie, length, zlib stream of the V2 encoding. */
int		 hdr_log_encode_compressed(const struct hdr *, unsigned char **,
		     size_t *, char **cause);
/* Either form, told apart by its cookie. */
struct hdr	*hdr_log_decode_bytes(const unsigned char *, size_t,
		     char **cause);

/* Base64 of the compressed form: a log line's payload. */
int		 hdr_log_encode(const struct hdr *, char **b64, char **cause);
struct hdr	*hdr_log_decode(const char *b64, size_t len, char **cause);

/* Standard alphabet with padding; decoding refuses anything else. */
char		*hdr_log_base64_encode(const unsigned char *, size_t);
int		 hdr_log_base64_decode(const char *, size_t, unsigned char **,
		     size_t *);

/*
 * Writer: the header (StartTime and BaseTime both start_epoch, in seconds
 * since the epoch) then one line per call.  start is seconds after the base
 * time; tag NULL writes an untagged line.  Close flushes, frees the writer
 * and leaves the FILE open.
 */
struct hdr_log_writer;

struct hdr_log_writer *hdr_log_writer_open(FILE *, double start_epoch,
		     char **cause);
int		 hdr_log_write(struct hdr_log_writer *, const char *tag,
		     double start, double length, const struct hdr *,
		     char **cause);
int		 hdr_log_writer_close(struct hdr_log_writer *, char **cause);
/* A tag may go in a log: not empty, no comma, space or control character. */
int		 hdr_log_tag_valid(const char *);

struct hdr_log_interval {
	char		*tag;		/* NULL on an untagged line */
	double		 start;		/* seconds, as written (after BaseTime) */
	double		 length;	/* seconds */
	double		 max_ms;	/* the line's Interval_Max */
	struct hdr	*h;
};

struct hdr_log {
	double		 start_time;	/* #[StartTime: ...], 0 if absent */
	double		 base_time;	/* #[BaseTime: ...], 0 if absent */
	struct hdr_log_interval *intervals;
	size_t		 n;
};

/*
 * Read a whole log, every interval kept (a long log is big: 270 KB a
 * histogram of 1 ns..1 h); on error log is left empty.  Causes about a
 * line start "line N: ".
 */
int		 hdr_log_read(FILE *, struct hdr_log *, char **cause);
/*
 * Or one interval at a time: fn may keep iv->tag and iv->h (setting them
 * NULL), the rest is freed after it; fn returning non-zero stops the read
 * with its cause.  Only the times of log are set.
 */
typedef int	(*hdr_log_fn)(struct hdr_log_interval *iv, void *arg,
		     char **cause);
int		 hdr_log_read_each(FILE *, struct hdr_log *, hdr_log_fn,
		     void *arg, char **cause);
void		 hdr_log_clear(struct hdr_log *);
/*
 * All intervals of one tag (NULL: the untagged ones) added into a new
 * histogram with the first one's range; NULL if there is none.
 */
struct hdr	*hdr_log_merge(const struct hdr_log *, const char *tag);

#endif

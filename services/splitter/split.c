/* split.c - split_document: checks the input (size, UTF-8 or Windows-1252,
 * NUL bytes, BOM), detects the format, runs its reader and hands back the
 * segments. Readers: split_plain.c, split_word.c, split_pdftext.c,
 * split_html.c, split_xml.c, split_docx.c, split_pdf.c; shared builder:
 * split_build.c. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "split_int.h"
#include "vp_utf8.h"

/* Returns VP_OK when doc is valid UTF-8 without NUL bytes; otherwise says
 * where and why it is not (when ctx is given). */
int split_utf8_check(const uint8_t *d, size_t len, struct split_ctx *ctx)
{
	struct vp_utf8_error bad;
	size_t i = vp_utf8_prefix(d, len, VP_UTF8_NO_NUL, &bad);

	if (i == len)
		return VP_OK;
	if (ctx == NULL)
		return VP_EINVAL;
	switch (bad.fault) {
	case VP_UTF8_CTRL:
		return split_fail(ctx, VP_EINVAL,
		    "NUL byte at byte offset %zu: not a text document", i);
	case VP_UTF8_TRUNCATED:
		return split_fail(ctx, VP_EINVAL,
		    "invalid UTF-8 at byte offset %zu: sequence cut off by the "
		    "end of the document",
		    i);
	case VP_UTF8_BAD_CONT:
		return split_fail(ctx, VP_EINVAL,
		    "invalid UTF-8 at byte offset %zu (byte 0x%02X after "
		    "0x%02X)",
		    bad.at, d[bad.at], d[i]);
	default:
		return split_fail(ctx, VP_EINVAL,
		    "invalid UTF-8 at byte offset %zu (byte 0x%02X)", i, d[i]);
	}
}

int split_detect_word(const uint8_t *doc, size_t len)
{
	static const char ref[] = "[footnoteRef:";
	const uint8_t *p = doc, *end = doc + len;
	if (memmem(doc, len, ref, sizeof(ref) - 1) != NULL)
		return 1;
	/* a footnote body "[N:  " */
	while ((p = memchr(p, '[', (size_t)(end - p))) != NULL) {
		const uint8_t *q = ++p;
		while (q < end && q - p < 9 && *q >= '0' && *q <= '9')
			q++;
		if (q > p && end - q >= 3 && q[0] == ':' && q[1] == ' ' &&
		    q[2] == ' ')
			return 1;
	}
	return 0;
}

/* Windows-1252 bytes 0x80-0x9F as code points; 0 where the code page
 * leaves the byte undefined. */
static const uint16_t cp1252_hi[32] = {0x20AC, 0, 0x201A, 0x0192, 0x201E,
    0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D,
    0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
    0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

/* A document that is not UTF-8 is read as Windows-1252 (a superset of the
 * printable Latin-1) when none of its high bytes starts a valid UTF-8
 * sequence and none is undefined in the code page: a mix of UTF-8 and other
 * bytes is a damaged file, not a legacy one, and stays an error. */
static int looks_cp1252(const uint8_t *d, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = d[i];
		if (c < 0x80)
			continue;
		if (c < 0xA0 && cp1252_hi[c - 0x80] == 0)
			return 0;
		if (c >= 0xC2 && c <= 0xF4 &&
		    vp_utf8_valid(
		        d + i, len - i < 4 ? len - i : 4, VP_UTF8_NO_NUL))
			return 0;
		if (c >= 0xC2 && c <= 0xDF && i + 1 < len &&
		    (d[i + 1] & 0xC0) == 0x80)
			return 0;
	}
	return 1;
}

/* The UTF-8 form of a Windows-1252 document, and where each converted
 * multi-byte character came from (hi: converted offset of each high byte's
 * first UTF-8 byte, in order), so that offsets can be mapped back. */
struct cp1252 {
	uint8_t *text;
	size_t n;
	uint32_t *conv; /* converted offset of the k-th high byte */
	uint32_t *orig; /* its original offset (documents are < 4 GiB) */
	uint8_t *clen;
	size_t nhi;
};

static int cp1252_convert(
    struct split_ctx *ctx, const uint8_t *d, size_t len, struct cp1252 *cv)
{
	size_t nhi = 0, o = 0, k = 0;
	for (size_t i = 0; i < len; i++)
		nhi += d[i] >= 0x80;
	/* Dutch text has a few per cent of accented letters and quotes;
	 * bounding the share bounds the tables (9 bytes per high byte) */
	if (nhi > len / 4 + 64)
		return split_fail(ctx, VP_EINVAL,
		    "not UTF-8, and too many bytes >= 0x80 (%zu of %zu) for "
		    "Windows-1252 text",
		    nhi, len);
	cv->text = malloc(len + 2 * nhi + 1);
	cv->conv = malloc((nhi + 1) * sizeof(*cv->conv));
	cv->orig = malloc((nhi + 1) * sizeof(*cv->orig));
	cv->clen = malloc(nhi + 1);
	if (!cv->text || !cv->conv || !cv->orig || !cv->clen)
		return split_fail(ctx, VP_ENOMEM, "out of memory");
	for (size_t i = 0; i < len; i++) {
		uint32_t cp = d[i];
		if (cp < 0x80) {
			cv->text[o++] = (uint8_t)cp;
			continue;
		}
		if (cp < 0xA0)
			cp = cp1252_hi[cp - 0x80];
		cv->conv[k] = (uint32_t)o;
		cv->orig[k] = (uint32_t)i;
		cv->clen[k] = (uint8_t)vp_utf8_encode(cv->text + o, cp);
		o += cv->clen[k++];
	}
	cv->text[o] = '\0';
	cv->n = o;
	cv->nhi = k;
	return VP_OK;
}

static uint64_t cp1252_orig(const struct cp1252 *cv, uint64_t u)
{
	size_t lo = 0, hi = cv->nhi;
	if (hi == 0 || u < cv->conv[0])
		return u;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (cv->conv[mid] <= u)
			lo = mid;
		else
			hi = mid;
	}
	if (u < cv->conv[lo] + cv->clen[lo])
		return cv->orig[lo];
	return cv->orig[lo] + 1 + (u - cv->conv[lo] - cv->clen[lo]);
}

/* Rewrites the offsets of segs (read from the converted text) to count
 * original bytes. */
static int cp1252_remap(struct split_ctx *ctx, const struct cp1252 *cv)
{
	for (size_t i = 0; i < ctx->n_segs; i++) {
		struct vp_segment *s = &ctx->segs[i];
		size_t tl = strlen(s->text), np = 0;
		uint64_t *map = NULL, prev = 0;
		uint64_t start = cp1252_orig(cv, s->start);
		/* two passes: count the pairs, then fill them (a map sized
		 * for every byte of a long paragraph would not fit) */
		for (int fill = 0; fill < 2; fill++) {
			np = 0;
			for (size_t t = 0; t < tl; t++) {
				uint64_t o =
				    cp1252_orig(cv, vp_segment_orig(s, t));
				if (t == 0 || o != prev + 1) {
					if (fill) {
						map[2 * np] = t;
						map[2 * np + 1] = o;
					}
					np++;
				}
				prev = o;
			}
			if (fill)
				break;
			if (np == 1 &&
			    cp1252_orig(cv, vp_segment_orig(s, 0)) == start)
				np = 0;
			if (np == 0)
				break;
			if (2 * np > SPLIT_MAX_MAP)
				return split_fail(ctx, VP_ETOOLARGE,
				    "segment near byte %llu needs more than "
				    "%zu offset-map entries",
				    (unsigned long long)start, SPLIT_MAX_MAP);
			if ((map = malloc(2 * np * sizeof(*map))) == NULL)
				return split_fail(
				    ctx, VP_ENOMEM, "out of memory");
		}
		free(s->map);
		s->map = map;
		s->n_map = map != NULL ? 2 * np : 0;
		s->start = start;
		s->end = s->end > 0 ? cp1252_orig(cv, s->end - 1) + 1 : 0;
		if (s->ref_at != 0)
			s->ref_at = cp1252_orig(cv, s->ref_at);
	}
	return VP_OK;
}

/* Text extracted from PDF: pages separated by form feeds, or most lines that
 * run on into the next one ending in a dangling space, as pdftotext and
 * copy-paste from a PDF viewer leave them. */
int split_detect_pdftext(const uint8_t *d, size_t len)
{
	size_t lines = 0, dangling = 0, p = 0;
	if (memchr(d, '\f', len) != NULL)
		return 1;
	while (p < len && lines < 2000) {
		const uint8_t *nl = memchr(d + p, '\n', len - p);
		size_t e = nl ? (size_t)(nl - d) : len;
		if (e > p + 20) {
			lines++;
			if (d[e - 1] == ' ' && (e < 2 || d[e - 2] != ' ') &&
			    e + 1 < len && d[e + 1] > ' ')
				dangling++;
		}
		p = e + 1;
	}
	return lines >= 5 && dangling * 2 >= lines;
}

/* HTML: the first thing after whitespace is markup, and an HTML element
 * name shows up early. */
static int detect_html(const uint8_t *d, size_t len)
{
	static const char *const tags[] = {"<!doctype html", "<html", "<body",
	    "<p>", "<p ", "<div", "<h1", "<h2", "<table", "<head"};
	size_t p = 0, n = len < 4096 ? len : 4096;
	while (p < n && d[p] <= ' ')
		p++;
	if (p == n || d[p] != '<')
		return 0;
	for (size_t i = p; i < n; i++) {
		if (d[i] != '<')
			continue;
		for (size_t k = 0; k < sizeof(tags) / sizeof(*tags); k++) {
			size_t tl = strlen(tags[k]);
			if (n - i >= tl &&
			    strncasecmp((const char *)d + i, tags[k], tl) == 0)
				return 1;
		}
	}
	return 0;
}

static void ctx_release(struct split_ctx *ctx)
{
	free(ctx->para.text);
	free(ctx->para.pairs);
	free(ctx->note.text);
	free(ctx->note.pairs);
	free(ctx->line_markers);
	free(ctx->marker_tab);
	split_segments_free(ctx->notes, ctx->n_notes);
	free(ctx->owned);
}

enum fmt {
	F_AUTO,
	F_TEXT,
	F_WORD,
	F_PDFTEXT,
	F_HTML,
	F_DOCX,
	F_PDF,
	F_BWB,
	F_RS,
	F_OB
};
static const char *const fmt_names[] = {"auto", "text", "word-text", "pdf-text",
    "html", "docx", "pdf", "bwb-xml", "rechtspraak-xml", "ob-xml"};

static int run_text(
    struct split_ctx *ctx, enum fmt f, size_t from, struct split_meta *meta)
{
	switch (f) {
	case F_BWB: return split_xml(ctx, from, SPLIT_XML_BWB, meta);
	case F_RS: return split_xml(ctx, from, SPLIT_XML_RS, meta);
	case F_OB: return split_xml(ctx, from, SPLIT_XML_OB, meta);
	case F_WORD: return split_word(ctx, from);
	case F_PDFTEXT: return split_pdftext(ctx, from);
	case F_HTML: return split_html(ctx, from);
	default: return split_plain(ctx, from);
	}
}

int split_document(const uint8_t *doc, size_t len, const char *format,
    struct vp_segment **out, size_t *n_out, const char **format_used,
    char *errbuf, size_t errlen)
{
	return split_document_meta(
	    doc, len, format, out, n_out, format_used, NULL, errbuf, errlen);
}

int split_document_meta(const uint8_t *doc, size_t len, const char *format,
    struct vp_segment **out, size_t *n_out, const char **format_used,
    struct split_meta *meta, char *errbuf, size_t errlen)
{
	struct split_ctx ctx;
	struct cp1252 cv;
	size_t from = 0;
	enum fmt f = F_AUTO;
	int rv;

	memset(&ctx, 0, sizeof(ctx));
	memset(&cv, 0, sizeof(cv));
	ctx.doc = doc;
	ctx.len = len;
	ctx.errbuf = errbuf;
	ctx.errlen = errlen;
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (out == NULL || n_out == NULL || (doc == NULL && len > 0))
		return split_fail(&ctx, VP_EINVAL, "missing argument");
	*out = NULL;
	*n_out = 0;
	if (format_used != NULL)
		*format_used = NULL;
	if (meta != NULL)
		memset(meta, 0, sizeof(*meta));

	if (format != NULL) {
		size_t k;
		for (k = 0; k < sizeof(fmt_names) / sizeof(*fmt_names); k++)
			if (strcmp(format, fmt_names[k]) == 0)
				break;
		if (k == sizeof(fmt_names) / sizeof(*fmt_names))
			return split_fail(&ctx, VP_EINVAL,
			    "unknown format \"%.32s\" (known: text, word-text, "
			    "pdf-text, html, docx, pdf, bwb-xml, "
			    "rechtspraak-xml, ob-xml, auto)",
			    format);
		f = (enum fmt)k;
	}
	if (len > SPLIT_MAX_DOC)
		return split_fail(&ctx, VP_ETOOLARGE,
		    "document is %zu bytes; the limit is %zu", len,
		    SPLIT_MAX_DOC);
	if (f == F_AUTO && len >= 4 && memcmp(doc, "PK\x03\x04", 4) == 0)
		f = F_DOCX;
	/* "%PDF-" may follow some junk, but a text that quotes it is text */
	if (f == F_AUTO && len >= 5 &&
	    (memcmp(doc, "%PDF-", 5) == 0 ||
	        (memmem(doc, len < 1024 ? len : 1024, "%PDF-", 5) != NULL &&
	            split_utf8_check(doc, len, NULL) != VP_OK)))
		f = F_PDF;
	if (f == F_DOCX || f == F_PDF) {
		rv = f == F_DOCX ? split_docx(&ctx) : split_pdf(&ctx);
		goto done;
	}
	if ((rv = split_utf8_check(doc, len, &ctx)) != VP_OK) {
		if (memchr(doc, 0, len) != NULL || !looks_cp1252(doc, len))
			return rv;
		if ((rv = cp1252_convert(&ctx, doc, len, &cv)) != VP_OK)
			goto done;
		ctx.doc = cv.text;
		ctx.len = cv.n;
		if (errbuf != NULL && errlen > 0)
			errbuf[0] = '\0';
	}
	if (ctx.len >= 3 && ctx.doc[0] == 0xEF && ctx.doc[1] == 0xBB &&
	    ctx.doc[2] == 0xBF)
		from = 3; /* BOM: skipped, offsets stay in the original */
	if (f == F_AUTO) {
		const uint8_t *t = ctx.doc + from;
		size_t tl = ctx.len - from;
		enum split_xml_kind xk = split_detect_xml(t, tl);
		if (xk != SPLIT_XML_NONE)
			f = xk == SPLIT_XML_BWB  ? F_BWB
			    : xk == SPLIT_XML_RS ? F_RS
			                         : F_OB;
		else if (detect_html(t, tl))
			f = F_HTML;
		else if (split_detect_word(t, tl))
			f = F_WORD;
		else if (split_detect_pdftext(t, tl))
			f = F_PDFTEXT;
		else
			f = F_TEXT;
	}
	rv = run_text(&ctx, f, from, meta);
	if (rv == VP_OK && cv.text != NULL)
		rv = cp1252_remap(&ctx, &cv);
done:
	if (format_used != NULL && rv == VP_OK)
		*format_used = fmt_names[f];
	ctx_release(&ctx);
	free(cv.text);
	free(cv.conv);
	free(cv.orig);
	free(cv.clen);
	if (rv != VP_OK) {
		split_segments_free(ctx.segs, ctx.n_segs);
		return rv;
	}
	if (ctx.n_segs == 0) {
		free(ctx.segs);
		ctx.segs = NULL;
	}
	*out = ctx.segs;
	*n_out = ctx.n_segs;
	return VP_OK;
}

void split_segments_free(struct vp_segment *segs, size_t n)
{
	if (segs == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		vp_obj_clear(&vp_desc_segment, &segs[i]);
	free(segs);
}

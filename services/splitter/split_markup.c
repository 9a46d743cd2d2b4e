/* split_markup.c - offsets for the markup readers (HTML, DOCX XML). libxml2
 * parses and decodes; its SAX events say what the text is but not exactly
 * where it was. A cursor walks the raw bytes alongside, skipping markup and
 * decoding character references, so every decoded character maps onto its
 * source bytes. This is a locator, not a parser: when libxml2 repaired
 * something the cursor cannot follow, the character maps to the nearest raw
 * byte and the cursor resynchronises at the next text it recognises. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "split_int.h"
#include "vp_utf8.h"

#define SKIP_BUDGET 64 /* raw bytes skipped looking for one character */

static int is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int alpha(uint8_t c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static size_t utf8_len(uint8_t c)
{
	return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Markup starts at d[r] the way libxml2 reads it: "<name", "</", "<?",
 * "<!--", "<!DOCTYPE", "<![CDATA[". libxml2's HTML parser keeps any other
 * "<!" as text, and drops a "</" without a name ("</ 1>" reads "1>"),
 * which locate() handles. */
static int tag_start(const uint8_t *d, size_t len, size_t r)
{
	if (d[r] != '<' || r + 1 >= len)
		return 0;
	if (alpha(d[r + 1]) || d[r + 1] == '/' || d[r + 1] == '?')
		return 1;
	if (d[r + 1] != '!')
		return 0;
	return (len - r >= 4 && memcmp(d + r, "<!--", 4) == 0) ||
	       (len - r >= 9 &&
	           (strncasecmp((const char *)d + r, "<!doctype", 9) == 0 ||
	               memcmp(d + r, "<![CDATA[", 9) == 0));
}

static size_t find(const uint8_t *d, size_t len, size_t r, const char *lit)
{
	const uint8_t *p = memmem(d + r, len - r, lit, strlen(lit));
	return p ? (size_t)(p - d) + strlen(lit) : len;
}

/* The end of the markup that starts at d[r] == '<'. */
static size_t skip_markup(const uint8_t *d, size_t len, size_t r)
{
	uint8_t q = 0;
	if (len - r >= 4 && memcmp(d + r, "<!--", 4) == 0)
		return find(d, len, r + 4, "-->");
	if (len - r >= 9 && memcmp(d + r, "<![CDATA[", 9) == 0)
		return r + 9; /* the content is text, located literally */
	if (d[r + 1] == '?')
		return find(d, len, r + 2, ">");
	for (r++; r < len; r++) {
		if (q != 0) {
			if (d[r] == q)
				q = 0;
		} else if (d[r] == '"' || d[r] == '\'') {
			if (d[r - 1] == '=' || is_ws(d[r - 1]))
				q = d[r];
		} else if (d[r] == '>')
			return r + 1;
	}
	return len;
}

/* Decodes the character reference at d[r] == '&' into out (UTF-8); returns
 * its length in raw bytes, or 0 when it is not one. */
static size_t reference(
    const struct split_loc *loc, size_t r, uint8_t *out, size_t *n_out)
{
	const uint8_t *d = loc->doc;
	size_t p = r + 1, end = loc->len < r + 40 ? loc->len : r + 40;
	uint32_t cp = 0;
	if (p < end && d[p] == '#') {
		int hex = p + 1 < end && (d[p + 1] | 0x20) == 'x';
		size_t d0;
		p += hex ? 2 : 1;
		for (d0 = p; p < end && p - d0 < 8; p++) {
			uint8_t c = d[p];
			uint32_t v;
			if (c >= '0' && c <= '9')
				v = c - '0';
			else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				v = (uint32_t)((c | 0x20) - 'a' + 10);
			else
				break;
			cp = cp * (hex ? 16 : 10) + v;
		}
		if (p == d0 || cp == 0 || cp > 0x10FFFF)
			return 0;
	} else {
		char name[36];
		size_t k = 0;
		while (p < end && k < sizeof(name) - 1 &&
		       (alpha(d[p]) || (d[p] >= '0' && d[p] <= '9')))
			name[k++] = (char)d[p++];
		name[k] = '\0';
		if (k == 0)
			return 0;
		if (loc->html) {
			const htmlEntityDesc *e =
			    htmlEntityLookup((const xmlChar *)name);
			if (e == NULL)
				return 0;
			cp = e->value;
		} else if (strcmp(name, "amp") == 0)
			cp = '&';
		else if (strcmp(name, "lt") == 0)
			cp = '<';
		else if (strcmp(name, "gt") == 0)
			cp = '>';
		else if (strcmp(name, "quot") == 0)
			cp = '"';
		else if (strcmp(name, "apos") == 0)
			cp = '\'';
		else
			return 0;
	}
	/* libxml2 (2.9) decodes a named reference only with its ';' ("&amp
	 * x" reaches the text as written), a numeric one in HTML without */
	if (p < loc->len && d[p] == ';')
		p++;
	else if (!loc->html || d[r + 1] != '#')
		return 0;
	*n_out = vp_utf8_encode(out, cp);
	return p - r;
}

/* Where the character ch[0, k) came from: *orig, and whether its k bytes
 * map one to one onto k raw bytes (*exact). Advances loc->r past it. */
static void locate(struct split_loc *loc, const uint8_t *ch, size_t k,
    uint64_t *orig, int *exact)
{
	const uint8_t *d = loc->doc;
	size_t len = loc->len, saved = loc->r, r = saved, budget = SKIP_BUDGET;
	while (r < len) {
		uint8_t c = d[r];
		if (c == ch[0] && len - r >= k && memcmp(d + r, ch, k) == 0 &&
		    !(c == '<' && tag_start(d, len, r)) && c != '&') {
			*orig = r;
			*exact = 1;
			loc->r = r + k;
			return;
		}
		if (c == '<' && tag_start(d, len, r)) {
			if (loc->html && d[r + 1] == '/' &&
			    (r + 2 >= len || !alpha(d[r + 2])))
				r += 2; /* "</" without a name: dropped */
			else
				r = skip_markup(d, len, r);
			continue;
		}
		if (c == '&') {
			uint8_t dec[4];
			size_t dn = 0, rl = reference(loc, r, dec, &dn);
			if (rl > 0 && dn == k && memcmp(dec, ch, k) == 0) {
				*orig = r;
				*exact = rl >= k;
				loc->r = r + rl;
				return;
			}
			if (rl == 0 && ch[0] == '&') {
				*orig = r;
				*exact = 1;
				loc->r = r + 1;
				return;
			}
		}
		if (c == '\r' && ch[0] == '\n') {
			if (r + 1 < len && d[r + 1] == '\n') {
				r++;
				continue;
			}
			*orig = r;
			*exact = 1;
			loc->r = r + 1;
			return;
		}
		if (is_ws(c) && is_ws(ch[0])) {
			*orig = r;
			*exact = 1;
			loc->r = r + 1;
			return;
		}
		if (c >= 0x80 && ch[0] >= 0x80) {
			/* converted from another encoding: one raw character */
			size_t rl = utf8_len(c);
			if (rl > len - r ||
			    split_utf8_check(d + r, rl, NULL) != VP_OK)
				rl = 1;
			*orig = r;
			*exact = rl >= k;
			loc->r = r + rl;
			return;
		}
		if (is_ws(c)) {
			r++; /* whitespace the parser dropped */
			continue;
		}
		if (budget-- == 0)
			break;
		r++;
	}
	/* not found: the nearest raw byte, cursor unmoved */
	*orig = saved < len ? saved : (len > 0 ? len - 1 : 0);
	*exact = 0;
	if (saved < len)
		loc->r = saved + 1;
}

static int grow(struct split_ctx *ctx, struct split_buf *b, size_t more)
{
	size_t need = b->n + more, ncap;
	uint8_t *nt;
	if (need <= b->cap)
		return VP_OK;
	if (need > SPLIT_MAX_DOC)
		return split_fail(ctx, VP_ETOOLARGE, "segment too long");
	ncap = b->cap * 2 > need ? b->cap * 2 : need + 256;
	nt = realloc(b->text, ncap + 1);
	if (nt == NULL)
		return split_fail(ctx, VP_ENOMEM, "out of memory");
	b->text = nt;
	b->cap = ncap;
	return VP_OK;
}

static int open_buf(struct split_ctx *ctx, struct split_mbuf *mb)
{
	int rv;
	if (mb->open)
		return VP_OK;
	if ((rv = split_buf_begin(ctx, &mb->b, 256)) != VP_OK)
		return rv;
	mb->open = 1;
	mb->pending = 0;
	return VP_OK;
}

static int push(
    struct split_ctx *ctx, struct split_mbuf *mb, uint8_t c, uint64_t orig)
{
	struct split_buf *b = &mb->b;
	int rv;
	if (b->npairs == 0 || orig - b->n != b->delta) {
		if ((rv = split_buf_jump(ctx, b, orig)) != VP_OK)
			return rv;
	}
	if (b->n == 0)
		mb->first = orig;
	b->text[b->n++] = c;
	mb->last = orig;
	return VP_OK;
}

/* Appends one character ch[0, k) found at orig. */
static int add_char(struct split_ctx *ctx, struct split_mbuf *mb,
    const uint8_t *ch, size_t k, uint64_t orig, int exact)
{
	int rv;
	if ((rv = open_buf(ctx, mb)) != VP_OK)
		return rv;
	if (is_ws(ch[0]) || (k == 2 && ch[0] == 0xC2 && ch[1] == 0xA0)) {
		if (mb->b.n > 0 && !mb->pending) {
			mb->pending = 1;
			mb->space_at = orig;
		}
		return VP_OK;
	}
	if (k == 2 && ch[0] == 0xC2 && ch[1] == 0xAD)
		return VP_OK; /* soft hyphen */
	if (k == 1 && ch[0] < 0x20)
		return VP_OK; /* control characters that libxml2 let through */
	if (split_dash(ch, k)) {
		ch = (const uint8_t *)"-";
		k = 1;
		exact = 1;
	}
	if ((rv = grow(ctx, &mb->b, k + 1)) != VP_OK)
		return rv;
	if (mb->pending && mb->b.n > 0) {
		uint64_t at = mb->space_at;
		if (at <= mb->last || at >= orig)
			at = orig - 1; /* a space for a tag between the words */
		if (at > mb->last && at < orig &&
		    (rv = push(ctx, mb, ' ', at)) != VP_OK)
			return rv;
	}
	mb->pending = 0;
	if (mb->b.n > 0 && orig <= mb->last)
		orig = mb->last + 1 < ctx->len ? mb->last + 1 : mb->last;
	for (size_t i = 0; i < k; i++)
		if ((rv = push(ctx, mb, ch[i], exact ? orig + i : orig)))
			return rv;
	return VP_OK;
}

void split_mbuf_space(struct split_mbuf *mb, uint64_t orig)
{
	if (mb->open && mb->b.n > 0 && !mb->pending) {
		mb->pending = 1;
		mb->space_at = orig;
	}
}

int split_loc_text(struct split_ctx *ctx, struct split_loc *loc,
    struct split_mbuf *mb, const uint8_t *s, size_t n, int literal)
{
	size_t i = 0;
	int rv;
	if (literal) {
		const uint8_t *p =
		    memmem(loc->doc + loc->r, loc->len - loc->r, s, n);
		if (p != NULL)
			loc->r = (size_t)(p - loc->doc) + n;
		return VP_OK; /* script, style and CDATA are never kept */
	}
	while (i < n) {
		size_t k = utf8_len(s[i]);
		uint64_t orig;
		int exact;
		if (k > n - i)
			k = n - i;
		/* fast path: a run of plain ASCII found verbatim */
		if (mb != NULL && s[i] > ' ' && s[i] < 0x80 && s[i] != '&' &&
		    s[i] != '<' && loc->r < loc->len &&
		    loc->doc[loc->r] == s[i]) {
			size_t j = i, r = loc->r;
			while (j < n && r < loc->len && s[j] > ' ' &&
			       s[j] < 0x80 && s[j] != '&' && s[j] != '<' &&
			       loc->doc[r] == s[j]) {
				j++;
				r++;
			}
			if ((rv = open_buf(ctx, mb)) != VP_OK ||
			    (rv = grow(ctx, &mb->b, j - i + 1)) != VP_OK)
				return rv;
			if ((rv = add_char(ctx, mb, s + i, 1, loc->r, 1)))
				return rv;
			if (j - i > 1) {
				memcpy(
				    mb->b.text + mb->b.n, s + i + 1, j - i - 1);
				mb->b.n += j - i - 1;
				mb->last = r - 1;
			}
			loc->r = r;
			i = j;
			continue;
		}
		locate(loc, s + i, k, &orig, &exact);
		if (mb != NULL &&
		    (rv = add_char(ctx, mb, s + i, k, orig, exact)) != VP_OK)
			return rv;
		i += k;
	}
	return VP_OK;
}

size_t split_loc_find_tag(
    const struct split_loc *loc, size_t from, const char *tag)
{
	const uint8_t *d = loc->doc;
	size_t len = loc->len, tl = strlen(tag), r = from;
	while (r < len) {
		const uint8_t *p = memchr(d + r, '<', len - r);
		if (p == NULL)
			return len;
		r = (size_t)(p - d);
		if (len - r > tl + 1 &&
		    (loc->html ? strncasecmp((const char *)d + r + 1, tag, tl)
		               : memcmp(d + r + 1, tag, tl)) == 0 &&
		    (is_ws(d[r + 1 + tl]) || d[r + 1 + tl] == '>' ||
		        d[r + 1 + tl] == '/'))
			return r;
		r++;
	}
	return len;
}

int split_loc_attr(struct split_ctx *ctx, const struct split_loc *loc,
    struct split_mbuf *mb, const char *tag, const char *attr,
    const uint8_t *val, size_t *after, int *found)
{
	const uint8_t *d = loc->doc;
	size_t len = loc->len, al = strlen(attr);
	size_t t = split_loc_find_tag(loc, loc->r, tag), end, p;
	struct split_loc vl;

	*found = 0;
	*after = t;
	if (t >= len)
		return VP_OK;
	end = skip_markup(d, len, t);
	*after = end;
	for (p = t + 1 + strlen(tag); p + al < end; p++) {
		size_t q;
		uint8_t quote = 0;
		if (!is_ws(d[p - 1]) ||
		    (loc->html ? strncasecmp((const char *)d + p, attr, al)
		               : memcmp(d + p, attr, al)) != 0)
			continue;
		q = p + al;
		while (q < end && is_ws(d[q]))
			q++;
		if (q >= end || d[q] != '=')
			continue;
		q++;
		while (q < end && is_ws(d[q]))
			q++;
		if (q < end && (d[q] == '"' || d[q] == '\''))
			quote = d[q++];
		vl = *loc;
		vl.r = q;
		vl.len = end;
		for (size_t i = 0, n = strlen((const char *)val); i < n;) {
			size_t k = utf8_len(val[i]);
			uint64_t orig;
			int exact, rv;
			if (k > n - i)
				k = n - i;
			locate(&vl, val + i, k, &orig, &exact);
			if (quote && orig < end && d[orig] == quote)
				break; /* the value the parser saw differs */
			if ((rv = add_char(ctx, mb, val + i, k, orig, exact)))
				return rv;
			i += k;
		}
		*found = 1;
		return VP_OK;
	}
	return VP_OK;
}

int split_mbuf_emit(struct split_ctx *ctx, struct split_mbuf *mb,
    const char *kind, uint32_t number, uint64_t lo, uint64_t hi,
    uint32_t *index1)
{
	uint64_t start, end;
	int rv;
	*index1 = 0;
	if (!mb->open || mb->b.n == 0) {
		mb->pending = 0;
		return VP_OK;
	}
	start = mb->first;
	end = mb->last + 1;
	if (lo < hi) {
		if (lo < start)
			start = lo;
		if (hi > end)
			end = hi;
	}
	/* the last character may be several text bytes on one raw byte */
	if (end > ctx->len)
		end = ctx->len;
	rv = split_emit(ctx, &mb->b, kind, number, start, end, 0, 0, index1);
	mb->open = 0;
	mb->pending = 0;
	return rv;
}

void split_mbuf_free(struct split_mbuf *mb)
{
	free(mb->b.text);
	free(mb->b.pairs);
	memset(mb, 0, sizeof(*mb));
}

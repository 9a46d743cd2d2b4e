/* Output formats of the vindplaats CLI. */
#include "cli_out.h"

#include "cli_doc.h"

#include "vp_err.h"
#include "vp_utf8.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void set_str(json_t *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, k, json_string(v));
}

json_t *cli_check_json(const struct vp_check *c)
{
	json_t *o = json_object(), *r = json_array();
	set_str(o, "url", c->url);
	set_str(o, "status", c->status);
	json_object_set_new(o, "http_status", json_integer(c->http_status));
	set_str(o, "final_url", c->final_url ? c->final_url : c->url);
	for (size_t i = 0; i < c->n_redirects; i++)
		json_array_append_new(r, json_string(c->redirects[i]));
	json_object_set_new(o, "redirects", r);
	r = json_array();
	for (size_t i = 0; i < c->n_redirect_statuses; i++)
		json_array_append_new(
		    r, json_integer((json_int_t)c->redirect_statuses[i]));
	json_object_set_new(o, "redirect_statuses", r);
	json_object_set_new(o, "elapsed_ms", json_integer(c->elapsed_ms));
	set_str(o, "error", c->error);
	set_str(o, "content_type", c->content_type);
	if (c->content_length)
		json_object_set_new(o, "content_length",
		    json_integer((json_int_t)c->content_length));
	set_str(o, "title", c->title);
	set_str(o, "checked_at", c->checked_at);
	if (c->attempts)
		json_object_set_new(o, "attempts", json_integer(c->attempts));
	set_str(o, "sha256", c->sha256);
	set_str(o, "etag", c->etag);
	set_str(o, "last_modified", c->last_modified);
	set_str(o, "suggested_url", c->suggested_url);
	set_str(o, "archived_url", c->archived_url);
	set_str(o, "archived_at", c->archived_at);
	return o;
}

static void citation_common(json_t *o, const struct vp_citation *c)
{
	json_t *f = json_object();
	set_str(o, "family", c->family);
	set_str(o, "id", c->id);
	json_object_set_new(
	    o, "url", c->url ? json_string(c->url) : json_null());
	json_object_set_new(o, "confidence", json_real(c->confidence));
	set_str(o, "reason", c->reason);
	for (size_t i = 0; i < c->n_fields; i++)
		set_str(f, c->fields[i].key, c->fields[i].val);
	json_object_set_new(o, "fields", f);
	if (c->check != NULL) {
		set_str(o, "status", c->check->status);
		json_object_set_new(o, "check", cli_check_json(c->check));
	}
}

json_t *cli_citation_json(const struct vp_citation *c)
{
	json_t *o = json_object(), *spans = json_array();
	citation_common(o, c);
	for (size_t i = 0; i < c->n_spans; i++) {
		json_t *s = json_object();
		json_object_set_new(
		    s, "start", json_integer((json_int_t)c->spans[i].start));
		json_object_set_new(
		    s, "end", json_integer((json_int_t)c->spans[i].end));
		set_str(s, "raw", c->spans[i].raw);
		set_str(s, "where", c->spans[i].where);
		json_array_append_new(spans, s);
	}
	json_object_set_new(o, "spans", spans);
	return o;
}

json_t *cli_parse_item_json(const struct vp_citation *c, size_t span)
{
	json_t *o = json_object();
	citation_common(o, c);
	if (span < c->n_spans) {
		const struct vp_span *s = &c->spans[span];
		json_object_set_new(
		    o, "start", json_integer((json_int_t)s->start));
		json_object_set_new(o, "end", json_integer((json_int_t)s->end));
		set_str(o, "raw", s->raw);
		set_str(o, "where", s->where);
	}
	return o;
}

json_t *cli_resolve_json(const char *name, const struct vp_resolve_rep *r)
{
	json_t *o = json_object(), *cits = json_array(), *errs = json_array();
	set_str(o, "name", name);
	json_object_set_new(o, "segments", json_integer(r->n_segments));
	for (size_t i = 0; i < r->n_citations; i++)
		json_array_append_new(
		    cits, cli_citation_json(&r->citations[i]));
	json_object_set_new(o, "citations", cits);
	for (size_t i = 0; i < r->n_errors; i++) {
		json_t *e = json_object();
		set_str(e, "item", r->errors[i].item);
		set_str(e, "code", r->errors[i].code);
		set_str(e, "msg", r->errors[i].msg);
		json_object_set_new(
		    e, "retryable", json_boolean(r->errors[i].retryable));
		json_array_append_new(errs, e);
	}
	json_object_set_new(o, "errors", errs);
	return o;
}

void cli_print_json(FILE *f, json_t *j, bool pretty)
{
	size_t flags = JSON_ENSURE_ASCII * 0 | JSON_PRESERVE_ORDER |
	               (pretty ? JSON_INDENT(2) : JSON_COMPACT);
	json_dumpf(j, f, flags);
	fputc('\n', f);
	json_decref(j);
}

bool cli_citation_unresolved(const struct vp_citation *c)
{
	return c->url == NULL &&
	       (c->family == NULL || strcmp(c->family, "internal") != 0);
}

bool cli_status_broken(const char *s)
{
	return vp_status_is_broken(s);
}

/* Number of UTF-8 code points in s: column width for the Latin texts here. */
static int width(const char *s)
{
	int w = 0;
	for (; s && *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* Prints s left-aligned in w columns; an over-long s still gets two
 * spaces before the next column. */
static void pad(FILE *f, const char *s, int w)
{
	int i = width(s);
	fputs(s ? s : "", f);
	if (w == 0)
		return;
	if (i > w - 2)
		i = w - 2;
	for (; i < w; i++)
		fputc(' ', f);
}

/* "footnote 4, footnote 5" - distinct places in order. */
static void cited_at(const struct vp_citation *c, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < c->n_spans; i++) {
		const char *w = c->spans[i].where ? c->spans[i].where : "text";
		bool seen = false;
		for (size_t k = 0; k < i; k++)
			if (c->spans[k].where &&
			    strcmp(c->spans[k].where, w) == 0)
				seen = true;
		if (seen)
			continue;
		n += (size_t)snprintf(
		    out + n, n < cap ? cap - n : 0, "%s%s", n ? ", " : "", w);
		if (n >= cap)
			break;
	}
}

#define CAPW(x, cap) ((x) > (cap) ? (cap) : (x))

void cli_table_resolve(
    FILE *f, const char *name, const struct vp_resolve_rep *r, bool checked)
{
	int wf = 6, wi = 2, wu = 3, ww = 8;
	char at[512];

	for (size_t i = 0; i < r->n_citations; i++) {
		const struct vp_citation *c = &r->citations[i];
		cited_at(c, at, sizeof(at));
		wf = CAPW(width(c->family) > wf ? width(c->family) : wf, 12);
		wi = CAPW(width(c->id) > wi ? width(c->id) : wi, 44);
		if (c->url && c->id && strcmp(c->url, c->id) != 0)
			wu = CAPW(width(c->url) > wu ? width(c->url) : wu, 70);
		ww = CAPW(width(at) > ww ? width(at) : ww, 40);
	}
	fprintf(f, "%s: %zu cited source%s in %u segments\n\n", name,
	    r->n_citations, r->n_citations == 1 ? "" : "s", r->n_segments);
	if (r->n_citations > 0) {
		pad(f, "FAMILY", wf + 2);
		pad(f, "ID", wi + 2);
		pad(f, "URL", wu + 2);
		pad(f, "CITED AT", checked ? ww + 2 : 0);
		if (checked)
			fputs("STATUS", f);
		fputc('\n', f);
	}
	for (size_t i = 0; i < r->n_citations; i++) {
		const struct vp_citation *c = &r->citations[i];
		cited_at(c, at, sizeof(at));
		pad(f, c->family, wf + 2);
		pad(f, c->id, wi + 2);
		/* a URL citation's id is its URL: do not print it twice */
		pad(f,
		    c->url == NULL                        ? "-"
		    : c->id && strcmp(c->url, c->id) == 0 ? "(same as id)"
		                                          : c->url,
		    wu + 2);
		pad(f, at, checked ? ww + 2 : 0);
		if (checked) {
			if (c->check == NULL)
				fputs("-", f);
			else if (c->check->http_status)
				fprintf(f, "%s (%u)", c->check->status,
				    c->check->http_status);
			else
				fputs(c->check->status, f);
		}
		if (c->confidence < 1.0 && c->reason != NULL)
			fprintf(f, "\n%*s  ! %s (confidence %.2f)", wf, "",
			    c->reason, c->confidence);
		fputc('\n', f);
	}
	for (size_t i = 0; i < r->n_errors; i++)
		fprintf(f, "error: %s: %s%s%s\n", r->errors[i].item,
		    r->errors[i].code, r->errors[i].msg ? ": " : "",
		    r->errors[i].msg ? r->errors[i].msg : "");
}

void cli_table_parse(FILE *f, const struct vp_citation *cits, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct vp_citation *c = &cits[i];
		for (size_t s = 0; s < c->n_spans; s++)
			fprintf(f, "%-10s %-40s [%llu,%llu) %s\n", c->family,
			    c->id, (unsigned long long)c->spans[s].start,
			    (unsigned long long)c->spans[s].end,
			    c->url ? c->url : "-");
	}
}

/* ---- parse output, streamed ------------------------------------------- */

/* The buffer goes to the file when it holds this much. */
#define PARSE_OUT_FLUSH 65536

/* Room for n more bytes in w's buffer; false (and w->err set) when memory
 * runs out. */
static bool po_room(struct cli_parse_out *w, size_t n)
{
	size_t cap;
	char *p;
	if (w->len + n <= w->cap)
		return true;
	cap = w->cap ? w->cap : 2 * PARSE_OUT_FLUSH;
	while (cap < w->len + n)
		cap *= 2;
	if ((p = realloc(w->buf, cap)) == NULL) {
		w->err = VP_ENOMEM;
		return false;
	}
	w->buf = p;
	w->cap = cap;
	return true;
}

static void po_put(struct cli_parse_out *w, const char *s, size_t n)
{
	if (po_room(w, n)) {
		memcpy(w->buf + w->len, s, n);
		w->len += n;
	}
}

static void po_str(struct cli_parse_out *w, const char *s)
{
	po_put(w, s, strlen(s));
}

static void po_char(struct cli_parse_out *w, char c)
{
	if (po_room(w, 1))
		w->buf[w->len++] = c;
}

static void po_flush(struct cli_parse_out *w)
{
	if (w->len > 0 && w->err == VP_OK &&
	    fwrite(w->buf, 1, w->len, w->f) != w->len) {
		w->write_errno = errno;
		w->err = VP_EIO;
	}
	w->len = 0;
}

static void po_u64(struct cli_parse_out *w, uint64_t v)
{
	char d[24];
	size_t i = sizeof(d);
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	po_put(w, d + i, sizeof(d) - i);
}

/* A real as jansson prints it: %.17g, ".0" added when it would read as an
 * integer, the exponent without '+' and leading zeros. */
static void po_real(struct cli_parse_out *w, double v)
{
	char b[64];
	int n;
	char *e;
	if (v == 1.0) {
		po_put(w, "1.0", 3);
		return;
	}
	n = snprintf(b, sizeof(b) - 3, "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof(b) - 3)
		return;
	if (strchr(b, '.') == NULL && strchr(b, 'e') == NULL) {
		memcpy(b + n, ".0", 3);
		n += 2;
	}
	if ((e = strchr(b, 'e')) != NULL) {
		char *from, *to = e + 1;
		if (*to == '-')
			to++;
		from = to;
		while (*from == '+' || *from == '0')
			from++;
		if (from != to)
			memmove(to, from, strlen(from) + 1);
		n = (int)strlen(b);
	}
	po_put(w, b, (size_t)n);
}

/* Bytes a JSON string cannot hold as they are: '"', '\\', controls, and
 * the bytes of multi-byte characters (checked, then copied). */
#define PO_PLAIN(c) ((c) >= 0x20 && (c) < 0x80 && (c) != '"' && (c) != '\\')
#define PO_P4(c)    PO_PLAIN(c), PO_PLAIN(c + 1), PO_PLAIN(c + 2), PO_PLAIN(c + 3)
#define PO_P16(c)   PO_P4(c), PO_P4(c + 4), PO_P4(c + 8), PO_P4(c + 12)
#define PO_P64(c)   PO_P16(c), PO_P16(c + 16), PO_P16(c + 32), PO_P16(c + 48)
static const bool po_plain[256] = {
    PO_P64(0), PO_P64(64), PO_P64(128), PO_P64(192)};

/* s as a JSON string the way jansson writes it without JSON_ENSURE_ASCII:
 * '"', '\\' and control bytes escaped, everything else as is. False when s
 * is not UTF-8 (jansson then has no string, and the member is left out);
 * what was written must then be taken back by the caller. One pass, no
 * strlen: runs of plain bytes are found by table and copied whole. */
static bool po_json_str(struct cli_parse_out *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	po_char(w, '"');
	for (;;) {
		const unsigned char *run = p;
		while (po_plain[*p])
			p++;
		po_put(w, (const char *)run, (size_t)(p - run));
		if (*p == 0)
			break;
		if (*p >= 0x80) {
			/* at most 4 bytes are read, and never past the NUL:
			 * it is no continuation byte */
			size_t k = vp_utf8_seq(p, 4);
			if (k == 0)
				return false;
			po_put(w, (const char *)p, k);
			p += k;
			continue;
		}
		switch (*p) {
		case '"': po_put(w, "\\\"", 2); break;
		case '\\': po_put(w, "\\\\", 2); break;
		case '\b': po_put(w, "\\b", 2); break;
		case '\f': po_put(w, "\\f", 2); break;
		case '\n': po_put(w, "\\n", 2); break;
		case '\r': po_put(w, "\\r", 2); break;
		case '\t': po_put(w, "\\t", 2); break;
		default: {
			char u[6] = {
			    '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
			po_put(w, u, 6);
		}
		}
		p++;
	}
	po_char(w, '"');
	return true;
}

/* One object being written: members are separated by ',' and, pretty, each
 * starts on a line of its own at depth * 2 spaces. */
struct po_obj {
	struct cli_parse_out *w;
	int depth; /* of the members; 0 = compact */
	bool empty;
};

static void po_open(struct po_obj *o, struct cli_parse_out *w, int depth)
{
	o->w = w;
	o->depth = depth;
	o->empty = true;
	po_char(w, '{');
}

static void po_indent(struct cli_parse_out *w, int depth)
{
	if (depth > 0 && po_room(w, 1 + 2 * (size_t)depth)) {
		w->buf[w->len++] = '\n';
		memset(w->buf + w->len, ' ', 2 * (size_t)depth);
		w->len += 2 * (size_t)depth;
	}
}

static void po_close(struct po_obj *o)
{
	if (!o->empty && o->depth == 1)
		po_char(o->w, '\n'); /* a top-level object, pretty */
	else if (!o->empty)
		po_indent(o->w, o->depth - 1);
	po_char(o->w, '}');
}

/* Starts a member: separator, key, ':'. A literal key comes with its
 * quotes and length (LIT("\"id\"")); lit 0: key is escaped. False when the
 * key is not UTF-8 (the member is then left out; see po_json_str). */
#define LIT(s) s, sizeof(s) - 1
static bool po_key(struct po_obj *o, const char *key, size_t lit, size_t *mark)
{
	struct cli_parse_out *w = o->w;
	*mark = w->len;
	if (!o->empty)
		po_char(w, ',');
	po_indent(w, o->depth);
	if (lit) {
		po_put(w, key, lit);
	} else if (!po_json_str(w, key)) {
		w->len = *mark;
		return false;
	}
	if (o->depth > 0)
		po_put(w, ": ", 2);
	else
		po_char(w, ':');
	return true;
}

/* A string member; nothing when v is NULL or not UTF-8 (as set_str). */
static void po_member_str(
    struct po_obj *o, const char *key, size_t lit, const char *v)
{
	size_t mark;
	if (v == NULL || !po_key(o, key, lit, &mark))
		return;
	if (!po_json_str(o->w, v)) {
		o->w->len = mark;
		return;
	}
	o->empty = false;
}

/* An offset as json_integer writes it: a signed 64-bit number. */
static void po_member_u64(
    struct po_obj *o, const char *key, size_t lit, uint64_t v)
{
	size_t mark;
	po_key(o, key, lit, &mark);
	if (v > (uint64_t)INT64_MAX) {
		po_char(o->w, '-');
		v = ~v + 1; /* the magnitude of (int64_t)v */
	}
	po_u64(o->w, v);
	o->empty = false;
}

/* A member whose value jansson writes (a check, which `parse` does not
 * produce): the same bytes, nested at o's depth. Consumes j. */
static void po_member_json(
    struct po_obj *o, const char *key, size_t lit, json_t *j)
{
	size_t mark, flags = JSON_PRESERVE_ORDER |
	                     (o->depth > 0 ? JSON_INDENT(2) : JSON_COMPACT);
	char *s = j ? json_dumps(j, flags) : NULL;
	json_decref(j);
	if (s == NULL || !po_key(o, key, lit, &mark)) {
		free(s);
		return;
	}
	for (const char *p = s; *p; p++) {
		po_char(o->w, *p);
		if (*p == '\n')
			for (int k = 0; k < o->depth; k++)
				po_put(o->w, "  ", 2);
	}
	free(s);
	o->empty = false;
}

static bool same_key(const char *a, const char *b)
{
	return a != NULL && a[0] == b[0] && strcmp(a, b) == 0;
}

/* One item of json/jsonl output: cli_parse_item_json's members in its
 * order. */
static void po_citation_common(struct po_obj *op, const struct vp_citation *c)
{
	struct po_obj o = *op, f;
	struct cli_parse_out *w = o.w;
	int depth = o.depth;
	size_t mark;
	po_member_str(&o, LIT("\"family\""), c->family);
	po_member_str(&o, LIT("\"id\""), c->id);
	if (c->url == NULL) {
		if (po_key(&o, LIT("\"url\""), &mark)) {
			po_put(w, "null", 4);
			o.empty = false;
		}
	} else {
		po_member_str(&o, LIT("\"url\""), c->url);
	}
	if (po_key(&o, LIT("\"confidence\""), &mark)) {
		po_real(w, c->confidence);
		o.empty = false;
	}
	po_member_str(&o, LIT("\"reason\""), c->reason);
	if (po_key(&o, LIT("\"fields\""), &mark)) {
		po_open(&f, w, depth ? depth + 1 : 0);
		for (size_t i = 0; i < c->n_fields; i++) {
			const char *k = c->fields[i].key, *v = c->fields[i].val;
			bool again = false;
			/* a key set twice keeps its first place and its last
			 * value (a JSON object's) */
			for (size_t j = 0; k && j < i && !again; j++)
				again = same_key(c->fields[j].key, k) &&
				        c->fields[j].val != NULL;
			if (k == NULL || again)
				continue;
			for (size_t j = i + 1; j < c->n_fields; j++)
				if (c->fields[j].val &&
				    same_key(c->fields[j].key, k))
					v = c->fields[j].val;
			po_member_str(&f, k, 0, v);
		}
		po_close(&f);
		o.empty = false;
	}
	if (c->check != NULL) {
		po_member_str(&o, LIT("\"status\""), c->check->status);
		po_member_json(&o, LIT("\"check\""), cli_check_json(c->check));
	}
	*op = o;
}

static void po_item(struct cli_parse_out *w, const struct vp_citation *c,
    size_t span, int depth)
{
	struct po_obj o;
	po_open(&o, w, depth);
	po_citation_common(&o, c);
	if (span < c->n_spans) {
		const struct vp_span *s = &c->spans[span];
		po_member_u64(&o, LIT("\"start\""), s->start);
		po_member_u64(&o, LIT("\"end\""), s->end);
		po_member_str(&o, LIT("\"raw\""), s->raw);
		po_member_str(&o, LIT("\"where\""), s->where);
	}
	po_close(&o);
}

/* An array member: '[', then each element on a line of its own at
 * depth + 1 (pretty), ']' ("[]" when empty), as jansson writes it. */
static void po_array_open(struct po_obj *o, const char *key, size_t lit)
{
	size_t mark;
	if (po_key(o, key, lit, &mark)) {
		po_char(o->w, '[');
		o->empty = false;
	}
}

static void po_array_elem(struct po_obj *o, size_t i)
{
	if (i > 0)
		po_char(o->w, ',');
	po_indent(o->w, o->depth ? o->depth + 1 : 0);
}

static void po_array_close(struct po_obj *o, size_t n)
{
	if (n > 0)
		po_indent(o->w, o->depth);
	po_char(o->w, ']');
}

/* One resolved document: cli_resolve_json's members in its order. */
static void po_resolved(struct cli_parse_out *w, const char *name,
    const struct vp_resolve_rep *r, int depth)
{
	struct po_obj o, c, s;
	size_t mark;
	int inner = depth ? depth + 2 : 0;
	po_open(&o, w, depth);
	po_member_str(&o, LIT("\"name\""), name);
	po_member_u64(&o, LIT("\"segments\""), r->n_segments);
	po_array_open(&o, LIT("\"citations\""));
	for (size_t i = 0; i < r->n_citations; i++) {
		const struct vp_citation *ci = &r->citations[i];
		po_array_elem(&o, i);
		po_open(&c, w, inner);
		po_citation_common(&c, ci);
		po_array_open(&c, LIT("\"spans\""));
		for (size_t k = 0; k < ci->n_spans; k++) {
			po_array_elem(&c, k);
			po_open(&s, w, inner ? inner + 2 : 0);
			po_member_u64(&s, LIT("\"start\""), ci->spans[k].start);
			po_member_u64(&s, LIT("\"end\""), ci->spans[k].end);
			po_member_str(&s, LIT("\"raw\""), ci->spans[k].raw);
			po_member_str(&s, LIT("\"where\""), ci->spans[k].where);
			po_close(&s);
		}
		po_array_close(&c, ci->n_spans);
		po_close(&c);
	}
	po_array_close(&o, r->n_citations);
	po_array_open(&o, LIT("\"errors\""));
	for (size_t i = 0; i < r->n_errors; i++) {
		const struct vp_item_err *e = &r->errors[i];
		po_array_elem(&o, i);
		po_open(&c, w, inner);
		po_member_str(&c, LIT("\"item\""), e->item);
		po_member_str(&c, LIT("\"code\""), e->code);
		po_member_str(&c, LIT("\"msg\""), e->msg);
		if (po_key(&c, LIT("\"retryable\""), &mark)) {
			po_str(w, e->retryable ? "true" : "false");
			c.empty = false;
		}
		po_close(&c);
	}
	po_array_close(&o, r->n_errors);
	po_close(&o);
}

int cli_resolve_out_add(struct cli_parse_out *w, const char *name,
    const struct vp_resolve_rep *r, bool pretty)
{
	if (w->err != VP_OK)
		return w->err;
	po_resolved(w, name, r, pretty ? 1 : 0);
	po_char(w, '\n');
	w->items++;
	if (w->len >= PARSE_OUT_FLUSH && !w->part)
		po_flush(w);
	return w->err;
}

/* s left-aligned in at least width bytes, as printf's %-*s. */
static void po_padded(struct cli_parse_out *w, const char *s, size_t width)
{
	size_t n;
	if (s == NULL)
		s = "(null)";
	n = strlen(s);
	po_put(w, s, n);
	if (n < width && po_room(w, width - n)) {
		memset(w->buf + w->len, ' ', width - n);
		w->len += width - n;
	}
}

/* A CSV field as cli_csv_field writes it (RFC 4180). */
static void po_csv(struct cli_parse_out *w, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		po_str(w, s);
		return;
	}
	po_char(w, '"');
	for (; *s; s++) {
		if (*s == '"')
			po_char(w, '"');
		po_char(w, *s);
	}
	po_char(w, '"');
}

/* One row of cli_csv_parse: family,id,url,confidence,guess,reason,start,
 * end,where,raw */
static void po_csv_row(
    struct cli_parse_out *w, const struct vp_citation *c, size_t span)
{
	char conf[48];
	po_csv(w, c->family);
	po_char(w, ',');
	po_csv(w, c->id);
	po_char(w, ',');
	po_csv(w, c->url);
	snprintf(conf, sizeof(conf), ",%.2f,%s,", c->confidence,
	    c->confidence < CLI_GUESS_BELOW ? "yes" : "no");
	po_str(w, conf);
	po_csv(w, c->reason);
	po_char(w, ',');
	po_u64(w, c->spans[span].start);
	po_char(w, ',');
	po_u64(w, c->spans[span].end);
	po_char(w, ',');
	po_csv(w, c->spans[span].where);
	po_char(w, ',');
	po_csv(w, c->spans[span].raw);
	po_put(w, "\r\n", 2);
}

int cli_parse_out_init(struct cli_parse_out *w, FILE *f, const char *format)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	if (strcmp(format, "table") == 0)
		w->format = CLI_PARSE_TABLE;
	else if (strcmp(format, "json") == 0)
		w->format = CLI_PARSE_JSON;
	else if (strcmp(format, "jsonl") == 0)
		w->format = CLI_PARSE_JSONL;
	else if (strcmp(format, "csv") == 0)
		w->format = CLI_PARSE_CSV;
	else
		return VP_EINVAL;
	if (w->format == CLI_PARSE_CSV && f != NULL) /* not a part */
		po_str(w, "family,id,url,confidence,guess,reason,start,end,"
		          "where,raw\r\n");
	return VP_OK;
}

int cli_parse_out_add(struct cli_parse_out *w, const struct vp_citation *c)
{
	if (w->err != VP_OK)
		return w->err;
	if (cli_citation_unresolved(c))
		w->unresolved = true;
	for (size_t s = 0; s < c->n_spans; s++) {
		switch (w->format) {
		case CLI_PARSE_TABLE:
			po_padded(w, c->family, 10);
			po_char(w, ' ');
			po_padded(w, c->id, 40);
			po_put(w, " [", 2);
			po_u64(w, c->spans[s].start);
			po_char(w, ',');
			po_u64(w, c->spans[s].end);
			po_put(w, ") ", 2);
			po_str(w, c->url ? c->url : "-");
			po_char(w, '\n');
			break;
		case CLI_PARSE_JSONL:
			po_item(w, c, s, 0);
			po_char(w, '\n');
			break;
		case CLI_PARSE_CSV: po_csv_row(w, c, s); break;
		default:
			po_put(w, w->items || w->part ? ",\n  " : "[\n  ", 4);
			po_item(w, c, s, 2);
		}
		w->items++;
	}
	if (w->len >= PARSE_OUT_FLUSH && !w->part)
		po_flush(w);
	return w->err;
}

int cli_parse_out_init_part(struct cli_parse_out *w, const char *format)
{
	int rv = cli_parse_out_init(w, NULL, format);
	w->part = true;
	return rv;
}

int cli_parse_out_join(struct cli_parse_out *w, struct cli_parse_out *part)
{
	if (part->err != VP_OK && w->err == VP_OK)
		w->err = part->err;
	if (w->err == VP_OK && part->len > 0) {
		/* the first item of all opens the array */
		if (w->format == CLI_PARSE_JSON && w->items == 0)
			part->buf[0] = '[';
		po_flush(w);
		if (w->err == VP_OK &&
		    fwrite(part->buf, 1, part->len, w->f) != part->len) {
			w->write_errno = errno;
			w->err = VP_EIO;
		}
	}
	w->items += part->items;
	w->unresolved = w->unresolved || part->unresolved;
	cli_parse_out_drop(part);
	return w->err;
}

void cli_parse_out_drop(struct cli_parse_out *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

int cli_parse_out_end(struct cli_parse_out *w)
{
	if (w->format == CLI_PARSE_JSON)
		po_str(w, w->items ? "\n]\n" : "[]\n");
	po_flush(w);
	if (fflush(w->f) != 0 && w->err == VP_OK) {
		w->write_errno = errno;
		w->err = VP_EIO;
	}
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
	return w->err;
}

void cli_table_checks(FILE *f, const struct vp_check *checks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct vp_check *c = &checks[i];
		fprintf(f, "%-13s %3u %6ums  %s", c->status ? c->status : "?",
		    c->http_status, c->elapsed_ms, c->url);
		if (c->final_url && strcmp(c->final_url, c->url) != 0)
			fprintf(f, " -> %s", c->final_url);
		if (c->error)
			fprintf(f, "  (%s)", c->error);
		fputc('\n', f);
	}
}

/* ---- link monitor report --------------------------------------------- */

json_t *cli_watched_json(const struct vp_watched *w)
{
	json_t *o = json_object();
	json_object_set_new(o, "url", json_string(w->url));
	if (w->cite_id)
		json_object_set_new(o, "cite_id", json_string(w->cite_id));
	json_object_set_new(o, "state", json_string(w->state));
	if (w->status)
		json_object_set_new(o, "status", json_string(w->status));
	if (w->http_status)
		json_object_set_new(
		    o, "http_status", json_integer(w->http_status));
	if (w->since)
		json_object_set_new(o, "since", json_string(w->since));
	if (w->last_checked)
		json_object_set_new(
		    o, "last_checked", json_string(w->last_checked));
	if (w->next_due)
		json_object_set_new(o, "next_due", json_string(w->next_due));
	json_object_set_new(o, "failures", json_integer(w->failures));
	json_object_set_new(o, "checks", json_integer((json_int_t)w->checks));
	json_object_set_new(o, "docs", json_integer((json_int_t)w->docs));
	return o;
}

json_t *cli_history_json(const struct vp_history_rep *h)
{
	json_t *o = cli_watched_json(h->source), *a = json_array(),
	       *d = json_array();
	for (size_t i = 0; i < h->n_checks; i++) {
		const struct vp_hist_check *c = &h->checks[i];
		json_t *x = json_object();
		json_object_set_new(x, "id", json_integer((json_int_t)c->id));
		json_object_set_new(x, "at", json_string(c->at));
		json_object_set_new(x, "status", json_string(c->status));
		if (c->http_status)
			json_object_set_new(
			    x, "http_status", json_integer(c->http_status));
		if (c->content_length)
			json_object_set_new(x, "content_length",
			    json_integer((json_int_t)c->content_length));
		if (c->title)
			json_object_set_new(x, "title", json_string(c->title));
		if (c->drift)
			json_object_set_new(x, "drift", json_true());
		if (c->transition)
			json_object_set_new(
			    x, "transition", json_string(c->transition));
		json_array_append_new(a, x);
	}
	for (size_t i = 0; i < h->n_docs; i++)
		json_array_append_new(d, json_string(h->docs[i]));
	json_object_set_new(o, "history", a);
	json_object_set_new(o, "cited_by", d);
	return o;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static void csv_field(FILE *f, const char *s)
{
	fputc('"', f);
	for (s = nz(s); *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void html_text(FILE *f, const char *s)
{
	for (s = nz(s); *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void report_html(FILE *f, const struct vp_report_rep *r)
{
	fputs(
	    "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
	    "<title>Vindplaats link report</title><style>\n"
	    "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;"
	    "max-width:70em;color:#222}h1{font-size:1.4em}"
	    "section{border:1px solid #ddd;border-radius:6px;margin:1em 0;"
	    "padding:.6em 1em}h2{font-size:1.05em;margin:.2em 0 .5em}"
	    "table{border-collapse:collapse;width:100%}td,th{text-align:"
	    "left;padding:.25em .5em;border-top:1px solid #eee;vertical-"
	    "align:top}.url{word-break:break-all}.st{font-weight:600;"
	    "border-radius:3px;padding:0 .4em}.dead{background:#fdd;color:"
	    "#900}.drifted{background:#ffe9c2;color:#8a5300}.ok{background:"
	    "#dfd;color:#060}.failing{background:#fee;color:#b33}.new{"
	    "background:#eee}.spark span{display:inline-block;width:5px;"
	    "height:14px;margin-right:1px;border-radius:1px}.so{background:"
	    "#4a4}.sd{background:#e90}.sx{background:#d33}.sq{background:"
	    "#bbb}.muted{color:#777}\n</style></head><body>\n",
	    f);
	fprintf(f,
	    "<h1>Cited sources that are dead or drifted</h1>\n"
	    "<p class=\"muted\">%zu documents &middot; generated ",
	    r->n_docs);
	html_text(f, r->generated_at);
	fputs("</p>\n", f);
	for (size_t i = 0; i < r->n_docs; i++) {
		const struct vp_report_doc *d = &r->docs[i];
		fputs("<section><h2>", f);
		html_text(f, d->doc);
		if (d->date) {
			fputs(" <span class=\"muted\">(", f);
			html_text(f, d->date);
			fputs(")</span>", f);
		}
		fprintf(f,
		    " &mdash; %u of %zu sources broken</h2>\n<table><tr>"
		    "<th>source</th><th>state</th><th>history</th>"
		    "<th>since</th><th>archived copy</th></tr>\n",
		    d->bad, d->n_sources);
		for (size_t k = 0; k < d->n_sources; k++) {
			const struct vp_report_src *s = &d->sources[k];
			fputs("<tr><td class=\"url\"><a href=\"", f);
			html_text(f, s->url);
			fputs("\">", f);
			html_text(f, s->url);
			fputs("</a>", f);
			if (s->cite_id) {
				fputs("<br><span class=\"muted\">", f);
				html_text(f, s->cite_id);
				fputs("</span>", f);
			}
			fputs("</td><td><span class=\"st ", f);
			html_text(f, s->state);
			fputs("\">", f);
			html_text(f, s->state);
			fputs("</span>", f);
			if (s->http_status)
				fprintf(f, " <span class=\"muted\">%u</span>",
				    s->http_status);
			fputs("</td><td class=\"spark\" title=\"oldest to "
			      "newest\">",
			    f);
			for (const char *c = nz(s->spark); *c; c++)
				fprintf(f, "<span class=\"s%c\"></span>",
				    *c == 'o'   ? 'o'
				    : *c == 'd' ? 'd'
				    : *c == 'x' ? 'x'
				                : 'q');
			fputs("</td><td>", f);
			html_text(f, s->since);
			fputs("</td><td>", f);
			if (s->archived_url) {
				fputs("<a href=\"", f);
				html_text(f, s->archived_url);
				fputs("\">", f);
				html_text(f, s->archived_at ? s->archived_at
				                            : "archived");
				fputs("</a>", f);
			}
			fputs("</td></tr>\n", f);
		}
		fputs("</table></section>\n", f);
	}
	fputs("</body></html>\n", f);
}

void cli_report(FILE *f, const struct vp_report_rep *r, const char *format)
{
	if (strcmp(format, "html") == 0) {
		report_html(f, r);
		return;
	}
	if (strcmp(format, "csv") == 0) {
		fputs("doc,doc_date,url,cite_id,state,status,http_status,since,"
		      "last_checked,history,archived_url,archived_at\n",
		    f);
		for (size_t i = 0; i < r->n_docs; i++)
			for (size_t k = 0; k < r->docs[i].n_sources; k++) {
				const struct vp_report_src *s =
				    &r->docs[i].sources[k];
				const char *v[] = {r->docs[i].doc,
				    r->docs[i].date, s->url, s->cite_id,
				    s->state, s->status};
				for (size_t j = 0; j < 6; j++) {
					csv_field(f, v[j]);
					fputc(',', f);
				}
				fprintf(f, "%u,", s->http_status);
				const char *w[] = {s->since, s->last_checked,
				    s->spark, s->archived_url, s->archived_at};
				for (size_t j = 0; j < 5; j++) {
					csv_field(f, w[j]);
					fputc(j < 4 ? ',' : '\n', f);
				}
			}
		return;
	}
	if (strcmp(format, "json") == 0 || strcmp(format, "jsonl") == 0) {
		json_t *a = json_array();
		for (size_t i = 0; i < r->n_docs; i++) {
			const struct vp_report_doc *d = &r->docs[i];
			json_t *o = json_object(), *srcs = json_array();
			json_object_set_new(o, "doc", json_string(d->doc));
			if (d->date)
				json_object_set_new(
				    o, "date", json_string(d->date));
			json_object_set_new(o, "bad", json_integer(d->bad));
			for (size_t k = 0; k < d->n_sources; k++) {
				const struct vp_report_src *s = &d->sources[k];
				json_t *x = json_object(), *sp = json_array();
				json_object_set_new(
				    x, "url", json_string(s->url));
				if (s->cite_id)
					json_object_set_new(x, "cite_id",
					    json_string(s->cite_id));
				json_object_set_new(
				    x, "state", json_string(s->state));
				if (s->status)
					json_object_set_new(x, "status",
					    json_string(s->status));
				if (s->http_status)
					json_object_set_new(x, "http_status",
					    json_integer(s->http_status));
				if (s->since)
					json_object_set_new(
					    x, "since", json_string(s->since));
				json_object_set_new(
				    x, "history", json_string(nz(s->spark)));
				if (s->archived_url)
					json_object_set_new(x, "archived_url",
					    json_string(s->archived_url));
				if (s->archived_at)
					json_object_set_new(x, "archived_at",
					    json_string(s->archived_at));
				for (size_t j = 0; j < s->n_spans; j++) {
					json_t *y = json_object();
					json_object_set_new(y, "start",
					    json_integer(
					        (json_int_t)s->spans[j].start));
					json_object_set_new(y, "end",
					    json_integer(
					        (json_int_t)s->spans[j].end));
					if (s->spans[j].where)
						json_object_set_new(y, "where",
						    json_string(
						        s->spans[j].where));
					json_array_append_new(sp, y);
				}
				json_object_set_new(x, "spans", sp);
				json_array_append_new(srcs, x);
			}
			json_object_set_new(o, "sources", srcs);
			if (strcmp(format, "jsonl") == 0)
				cli_print_json(f, o, false);
			else
				json_array_append_new(a, o);
		}
		if (strcmp(format, "json") == 0)
			cli_print_json(f, a, true);
		else
			json_decref(a);
		return;
	}
	for (size_t i = 0; i < r->n_docs; i++) {
		const struct vp_report_doc *d = &r->docs[i];
		fprintf(f, "%s%s%s%s  (%u broken)\n", i ? "\n" : "", d->doc,
		    d->date ? " " : "", nz(d->date), d->bad);
		for (size_t k = 0; k < d->n_sources; k++) {
			const struct vp_report_src *s = &d->sources[k];
			fprintf(f, "  %-8s %-12s %3u  %-16s %s%s%s\n", s->state,
			    nz(s->status), s->http_status, nz(s->spark), s->url,
			    s->archived_url ? "  archived: " : "",
			    nz(s->archived_url));
		}
	}
	if (r->n_docs == 0)
		fputs("no document cites a dead or drifted source\n", f);
}

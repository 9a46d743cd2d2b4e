/* prs_bwbimport.c - KOOP's BWBIdList.xml -> the law table (TSV).
 * The official list is tens of MB, so it is streamed with libxml2's
 * xmlReader: one regulation's fields are kept at a time in fixed buffers,
 * finished rows go to one bounded buffer as TSV lines, and only the small
 * row index is sorted at the end. Nothing in the file is trusted: the bytes
 * are checked as UTF-8 before libxml2 sees them, a DOCTYPE (the only way to
 * entities, external files and DTD tricks) is refused, and every buffer has
 * a fixed maximum. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlversion.h>

#include "prs_bwbimport.h"
#include "vp_buf.h"
#include "vp_err.h"

#define HEADER "bwb_id\tsoort\tciteertitel\tintitule\taliases\n"
/* A field keeps a few bytes past the maximum so that the cut can tell a
 * long text from one of exactly PRS_BWB_MAX_FIELD bytes. */
#define FIELD_CAP (PRS_BWB_MAX_FIELD + 8)
/* Names kept per list: the first 11 distinct ones. The table shows at
 * most 10 aliases, and one kept name may turn out to be the citeertitel. */
#define LIST_CAP (PRS_BWB_MAX_ALIASES + 1)
/* Entries collected before duplicates are dropped; bounds memory for a file
 * that repeats one id a million times. */
#define MAX_ENTRIES (2 * PRS_BWB_MAX_ROWS)
/* Row text buffer: every byte comes from the input's text, plus tabs. */
#define MAX_ROW_TEXT ((size_t)PRS_BWB_MAX_INPUT * 2)
#define BWB_ID_LEN   11
#define DOCTYPE_REFUSED                                                        \
	"line %zu: a DOCTYPE is not accepted (BWBIdList.xml has none; it "     \
	"could declare entities or load files)"

/* Text of one element: white space collapsed while it arrives. */
struct field {
	char b[FIELD_CAP];
	size_t n;
	bool space; /* white space seen since the last byte kept */
};

enum capture {
	CAP_NONE,
	CAP_ID,
	CAP_SOORT,
	CAP_INTITULE,
	CAP_CT_TITEL,
	CAP_CT_STATUS,
	CAP_AFKORTING,
	CAP_NIET_OFFICIEEL,
};

/* The regulation being read. */
struct regeling {
	struct field id, soort, intitule;
	struct field ct_titel, ct_status; /* the citeertitel being read */
	struct field name;                /* afkorting / niet-officiele titel */
	struct field ct[LIST_CAP];
	bool ct_current[LIST_CAP];
	size_t n_ct;
	struct field ct_late; /* a current citeertitel past the list's end */
	bool has_ct_late;
	struct field afk[LIST_CAP];
	size_t n_afk;
	struct field nie[LIST_CAP];
	size_t n_nie;
};

/* One finished row: its line in the row text, and its id for sorting. */
struct row {
	size_t off, len;
	size_t seq; /* input order: the first of equal ids wins */
	char id[BWB_ID_LEN + 1];
};

struct import {
	struct regeling *reg;
	bool in_reg, in_ct;
	int reg_depth, ct_depth, cap_depth;
	enum capture cap;

	char *text; /* row lines */
	size_t text_n, text_cap;
	struct row *rows;
	size_t n_rows, rows_cap;

	/* first libxml2 error */
	bool xml_failed;
	int xml_line;
	char xml_msg[200];
};

static void say(char *err, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes one line to err: libxml2's messages end in a newline, and a file
 * name may hold anything. */
static void say(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	if (!err || cap == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	for (char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	n = strlen(err);
	while (n && err[n - 1] == ' ')
		err[--n] = 0;
}

/* ---- fields ---- */

static void field_reset(struct field *f)
{
	f->n = 0;
	f->space = false;
	f->b[0] = 0;
}

static void field_add(struct field *f, const char *s)
{
	for (; *s; s++) {
		char c = *s;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			f->space = f->n > 0;
			continue;
		}
		if (f->n > PRS_BWB_MAX_FIELD)
			return; /* already too long: the rest is cut anyway */
		if (f->space) {
			f->b[f->n++] = ' ';
			f->space = false;
		}
		f->b[f->n++] = c;
	}
}

/* Cuts the field to PRS_BWB_MAX_FIELD bytes without splitting a UTF-8
 * sequence, drops a trailing space and terminates it. */
static void field_end(struct field *f)
{
	if (f->n > PRS_BWB_MAX_FIELD) {
		size_t cut = PRS_BWB_MAX_FIELD;
		while (cut > 0 && ((unsigned char)f->b[cut] & 0xC0) == 0x80)
			cut--;
		f->n = cut;
	}
	while (f->n && f->b[f->n - 1] == ' ')
		f->n--;
	f->b[f->n] = 0;
	f->space = false;
}

static bool field_eq(const struct field *a, const struct field *b)
{
	return a->n == b->n && memcmp(a->b, b->b, a->n) == 0;
}

/* Adds name to a list of distinct names unless the list is full. */
static void list_add(
    struct field *list, size_t *n, const struct field *name, bool *is_new)
{
	*is_new = false;
	if (name->n == 0)
		return;
	for (size_t k = 0; k < *n; k++)
		if (field_eq(&list[k], name))
			return;
	if (*n >= LIST_CAP)
		return;
	list[(*n)++] = *name;
	*is_new = true;
}

/* KOOP's schema leaves the status a free string; the official list writes
 * "officieel" for a citeertitel in use. */
static bool status_current(const struct field *status)
{
	static const char *const current[] = {"officieel", "geldig", "actueel"};
	for (size_t k = 0; k < sizeof current / sizeof *current; k++)
		if (!strcasecmp(status->b, current[k]))
			return true;
	return false;
}

static bool valid_bwb_id(const struct field *id)
{
	if (id->n != BWB_ID_LEN || memcmp(id->b, "BWB", 3) ||
	    !strchr("RVW", id->b[3]))
		return false;
	for (size_t k = 4; k < BWB_ID_LEN; k++)
		if (id->b[k] < '0' || id->b[k] > '9')
			return false;
	return true;
}

/* ---- rows ---- */

static int text_reserve(struct import *im, size_t more)
{
	size_t want = im->text_n + more, cap;
	char *p;
	if (want <= im->text_cap)
		return VP_OK;
	if (want > MAX_ROW_TEXT)
		return VP_ETOOLARGE;
	cap = im->text_cap ? im->text_cap : 1u << 20;
	while (cap < want)
		cap *= 2;
	if (cap > MAX_ROW_TEXT)
		cap = MAX_ROW_TEXT;
	if (!(p = realloc(im->text, cap)))
		return VP_ENOMEM;
	im->text = p;
	im->text_cap = cap;
	return VP_OK;
}

static void text_put(struct import *im, const char *s, size_t n)
{
	memcpy(im->text + im->text_n, s, n);
	im->text_n += n;
}

/* A name in the aliases column: '|' separates aliases, so it becomes '/'. */
static void text_put_alias(struct import *im, const struct field *f)
{
	for (size_t k = 0; k < f->n; k++)
		im->text[im->text_n++] = f->b[k] == '|' ? '/' : f->b[k];
}

/* The regulation just closed becomes a row, if its id is valid. */
static int finish_regeling(struct import *im)
{
	struct regeling *r = im->reg;
	const struct field *ct = NULL, *alias[PRS_BWB_MAX_ALIASES];
	const struct field *lists[3] = {r->ct, r->afk, r->nie};
	size_t counts[3] = {r->n_ct, r->n_afk, r->n_nie}, n_alias = 0, need;
	struct row *row;
	int rv;

	if (!valid_bwb_id(&r->id))
		return VP_OK; /* not a regulation we can name: skipped */
	for (size_t k = 0; k < r->n_ct && !ct; k++)
		if (r->ct_current[k])
			ct = &r->ct[k];
	if (!ct && r->has_ct_late)
		ct = &r->ct_late;
	if (!ct && r->n_ct)
		ct = &r->ct[0];
	for (size_t l = 0; l < 3; l++)
		for (size_t k = 0; k < counts[l]; k++) {
			const struct field *f = &lists[l][k];
			bool dup = ct && field_eq(f, ct);
			for (size_t q = 0; q < n_alias && !dup; q++)
				dup = field_eq(f, alias[q]);
			if (!dup && n_alias < PRS_BWB_MAX_ALIASES)
				alias[n_alias++] = f;
		}

	if (im->n_rows == MAX_ENTRIES)
		return VP_ETOOLARGE;
	if (im->n_rows == im->rows_cap) {
		size_t cap = im->rows_cap ? 2 * im->rows_cap : 4096;
		struct row *p;
		if (cap > MAX_ENTRIES)
			cap = MAX_ENTRIES;
		if (!(p = realloc(im->rows, cap * sizeof *p)))
			return VP_ENOMEM;
		im->rows = p;
		im->rows_cap = cap;
	}
	need = r->id.n + r->soort.n + (ct ? ct->n : 0) + r->intitule.n + 5 +
	       n_alias;
	for (size_t q = 0; q < n_alias; q++)
		need += alias[q]->n;
	if ((rv = text_reserve(im, need)) != VP_OK)
		return rv;

	row = &im->rows[im->n_rows];
	row->off = im->text_n;
	row->seq = im->n_rows;
	memcpy(row->id, r->id.b, BWB_ID_LEN + 1);
	text_put(im, r->id.b, r->id.n);
	text_put(im, "\t", 1);
	text_put(im, r->soort.b, r->soort.n);
	text_put(im, "\t", 1);
	if (ct)
		text_put(im, ct->b, ct->n);
	text_put(im, "\t", 1);
	text_put(im, r->intitule.b, r->intitule.n);
	text_put(im, "\t", 1);
	for (size_t q = 0; q < n_alias; q++) {
		if (q)
			text_put(im, "|", 1);
		text_put_alias(im, alias[q]);
	}
	text_put(im, "\n", 1);
	row->len = im->text_n - row->off;
	im->n_rows++;
	return VP_OK;
}

static void finish_citeertitel(struct regeling *r)
{
	bool current = status_current(&r->ct_status), is_new;
	if (r->ct_titel.n == 0)
		return;
	for (size_t k = 0; k < r->n_ct; k++)
		if (field_eq(&r->ct[k], &r->ct_titel)) {
			r->ct_current[k] |= current;
			return;
		}
	list_add(r->ct, &r->n_ct, &r->ct_titel, &is_new);
	if (is_new)
		r->ct_current[r->n_ct - 1] = current;
	else if (current && !r->has_ct_late) {
		r->ct_late = r->ct_titel;
		r->has_ct_late = true;
	}
}

/* ---- elements ---- */

static struct field *capture_field(struct regeling *r, enum capture cap)
{
	switch (cap) {
	case CAP_ID: return &r->id;
	case CAP_SOORT: return &r->soort;
	case CAP_INTITULE: return &r->intitule;
	case CAP_CT_TITEL: return &r->ct_titel;
	case CAP_CT_STATUS: return &r->ct_status;
	case CAP_AFKORTING:
	case CAP_NIET_OFFICIEEL: return &r->name;
	case CAP_NONE: break;
	}
	return NULL;
}

static void start_regeling(struct import *im, int depth)
{
	struct regeling *r = im->reg;
	field_reset(&r->id);
	field_reset(&r->soort);
	field_reset(&r->intitule);
	r->n_ct = r->n_afk = r->n_nie = 0;
	r->has_ct_late = false;
	im->in_reg = true;
	im->in_ct = false;
	im->reg_depth = depth;
}

/* Which field an element inside a regulation fills; the first non-empty
 * one of each single field counts. */
static enum capture element_capture(const struct import *im, const char *name)
{
	const struct regeling *r = im->reg;
	if (im->in_ct) {
		if (!strcasecmp(name, "titel") && r->ct_titel.n == 0)
			return CAP_CT_TITEL;
		if (!strcasecmp(name, "status") && r->ct_status.n == 0)
			return CAP_CT_STATUS;
		return CAP_NONE;
	}
	if (!strcasecmp(name, "bwbId"))
		return r->id.n ? CAP_NONE : CAP_ID;
	if (!strcasecmp(name, "regelingSoort"))
		return r->soort.n ? CAP_NONE : CAP_SOORT;
	if (!strcasecmp(name, "officieleTitel"))
		return r->intitule.n ? CAP_NONE : CAP_INTITULE;
	if (!strcasecmp(name, "afkorting"))
		return CAP_AFKORTING;
	if (!strcasecmp(name, "nietOfficieleTitel"))
		return CAP_NIET_OFFICIEEL;
	return CAP_NONE;
}

static int start_element(struct import *im, const char *name, int depth)
{
	struct regeling *r = im->reg;
	if (!strcasecmp(name, "regelingInfo")) {
		if (im->in_reg)
			return VP_EINVAL;
		start_regeling(im, depth);
		return VP_OK;
	}
	if (!im->in_reg || im->cap != CAP_NONE)
		return VP_OK; /* outside a regulation, or markup inside a field
		               */
	if (!im->in_ct && !strcasecmp(name, "citeertitel")) {
		im->in_ct = true;
		im->ct_depth = depth;
		field_reset(&r->ct_titel);
		field_reset(&r->ct_status);
		return VP_OK;
	}
	im->cap = element_capture(im, name);
	if (im->cap != CAP_NONE) {
		struct field *f = capture_field(r, im->cap);
		if (im->cap == CAP_AFKORTING || im->cap == CAP_NIET_OFFICIEEL)
			field_reset(f);
		f->space = false;
		im->cap_depth = depth;
	}
	return VP_OK;
}

static int end_element(struct import *im, int depth)
{
	struct regeling *r = im->reg;
	bool is_new;
	if (im->cap != CAP_NONE && depth == im->cap_depth) {
		struct field *f = capture_field(r, im->cap);
		field_end(f);
		if (im->cap == CAP_AFKORTING)
			list_add(r->afk, &r->n_afk, f, &is_new);
		else if (im->cap == CAP_NIET_OFFICIEEL)
			list_add(r->nie, &r->n_nie, f, &is_new);
		im->cap = CAP_NONE;
		return VP_OK;
	}
	if (im->in_ct && depth == im->ct_depth) {
		finish_citeertitel(r);
		im->in_ct = false;
		return VP_OK;
	}
	if (im->in_reg && depth == im->reg_depth) {
		im->in_reg = false;
		return finish_regeling(im);
	}
	return VP_OK;
}

/* ---- libxml2 ---- */

/* libxml2 (2.9) reports some errors through its generic handler whatever
 * the options: a hostile file could fill the terminal or a service log. */
static void xml_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

#if LIBXML_VERSION >= 21200 /* the handler's error became const */
static void xml_quiet_structured(void *ctx, const xmlError *e)
#else
static void xml_quiet_structured(void *ctx, xmlError *e)
#endif
{
	(void)ctx;
	(void)e;
}

/* Keeps the reader's first error for the message to the user. */
#if LIBXML_VERSION >= 21200
static void xml_on_error(void *arg, const xmlError *e)
#else
static void xml_on_error(void *arg, xmlError *e)
#endif
{
	struct import *im = arg;
	if (!e || e->level < XML_ERR_ERROR || im->xml_failed)
		return;
	im->xml_failed = true;
	im->xml_line = e->line;
	snprintf(im->xml_msg, sizeof im->xml_msg, "%s",
	    e->message ? e->message : "malformed XML");
}

/* Strict UTF-8 (no overlong forms, surrogates or NUL): libxml2 would
 * reject most of this too, but could not say which line is at fault. */
static bool utf8_valid(const char *s, size_t len, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned c = p[i];
		size_t w;
		unsigned lo = 0x80, hi = 0xBF;
		if (c >= 0x01 && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			w = 2;
		else if (c >= 0xE0 && c <= 0xEF) {
			w = 3;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			w = 4;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			*bad = i;
			return false;
		}
		if (len - i < w || p[i + 1] < lo || p[i + 1] > hi) {
			*bad = i;
			return false;
		}
		for (size_t k = 2; k < w; k++)
			if ((p[i + k] & 0xC0) != 0x80) {
				*bad = i;
				return false;
			}
		i += w;
	}
	return true;
}

/* Finds a DOCTYPE in the prolog (before the root element), before
 * libxml2 reads it: libxml2 parses ahead of what its reader returns, and
 * would already be expanding a hostile entity when the DOCTYPE node came
 * back. Returns true and its offset when there is one. */
static bool prolog_doctype(const char *s, size_t len, size_t *at)
{
	size_t i = 0;
	while (i < len) {
		const char *lt = memchr(s + i, '<', len - i), *end;
		size_t rest;
		if (!lt)
			return false;
		i = (size_t)(lt - s);
		rest = len - i;
		if (rest >= 2 && lt[1] == '?')
			end = memmem(lt, rest, "?>", 2);
		else if (rest >= 4 && !memcmp(lt, "<!--", 4))
			end = memmem(lt, rest, "-->", 3);
		else if (rest >= 9 && !memcmp(lt, "<!DOCTYPE", 9)) {
			*at = i;
			return true;
		} else
			return false; /* the root element (or not XML) */
		if (!end)
			return false; /* unterminated: libxml2 says so */
		i = (size_t)(end - s) + 2;
	}
	return false;
}

static size_t line_of(const char *s, size_t off)
{
	size_t line = 1;
	for (size_t k = 0; k < off; k++)
		line += s[k] == '\n';
	return line;
}

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int r = memcmp(x->id, y->id, BWB_ID_LEN);
	if (r)
		return r;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Walks the document; on failure err says why. */
static int read_document(
    struct import *im, xmlTextReaderPtr reader, char *err, size_t errcap)
{
	int rv;
	while ((rv = xmlTextReaderRead(reader)) == 1) {
		int type = xmlTextReaderNodeType(reader);
		int depth = xmlTextReaderDepth(reader);
		int line = xmlTextReaderGetParserLineNumber(reader);
		if (im->xml_failed)
			break;
		if (depth > PRS_BWB_MAX_DEPTH) {
			say(err, errcap,
			    "line %d: elements nested deeper than %d", line,
			    PRS_BWB_MAX_DEPTH);
			return VP_EINVAL;
		}
		switch (type) {
		case XML_READER_TYPE_DOCUMENT_TYPE:
			say(err, errcap, DOCTYPE_REFUSED, (size_t)line);
			return VP_EINVAL;
		case XML_READER_TYPE_ENTITY_REFERENCE:
			say(err, errcap,
			    "line %d: entity references are not accepted",
			    line);
			return VP_EINVAL;
		case XML_READER_TYPE_ELEMENT: {
			const char *name =
			    (const char *)xmlTextReaderConstLocalName(reader);
			if (!name)
				return VP_ENOMEM;
			if (start_element(im, name, depth) != VP_OK) {
				say(err, errcap,
				    "line %d: regelingInfo inside regelingInfo",
				    line);
				return VP_EINVAL;
			}
			if (xmlTextReaderIsEmptyElement(reader) == 1 &&
			    (rv = end_element(im, depth)) != VP_OK)
				goto rows_failed;
			break;
		}
		case XML_READER_TYPE_END_ELEMENT:
			if ((rv = end_element(im, depth)) != VP_OK)
				goto rows_failed;
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_WHITESPACE:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
			if (im->cap != CAP_NONE) {
				const char *v =
				    (const char *)xmlTextReaderConstValue(
				        reader);
				if (v)
					field_add(
					    capture_field(im->reg, im->cap), v);
			}
			break;
		default: break;
		}
	}
	if (rv != 0 || im->xml_failed) {
		if (im->xml_failed)
			say(err, errcap, "line %d: %s", im->xml_line,
			    im->xml_msg);
		else
			say(err, errcap, "malformed XML");
		return VP_EINVAL;
	}
	return VP_OK;
rows_failed:
	if (rv == VP_ETOOLARGE)
		say(err, errcap, "more than %u regulations", PRS_BWB_MAX_ROWS);
	else
		say(err, errcap, "%s", vp_strerror(rv));
	return rv;
}

int prs_bwbimport(const char *xml, size_t len, char **out, size_t *out_len,
    char *err, size_t errcap)
{
	struct import im;
	xmlTextReaderPtr reader = NULL;
	size_t bad, n = 0, total;
	char *tsv;
	int rv;

	memset(&im, 0, sizeof im);
	*out = NULL;
	*out_len = 0;
	if (errcap)
		err[0] = 0;
	if (len > PRS_BWB_MAX_INPUT) {
		say(err, errcap, "larger than %u MiB", PRS_BWB_MAX_INPUT >> 20);
		return VP_ETOOLARGE;
	}
	if (len == 0) {
		say(err, errcap, "empty file");
		return VP_EINVAL;
	}
	if (!utf8_valid(xml, len, &bad)) {
		say(err, errcap,
		    "line %zu: not UTF-8 (byte 0x%02x at offset %zu)",
		    line_of(xml, bad), (unsigned char)xml[bad], bad);
		return VP_EINVAL;
	}
	if (prolog_doctype(xml, len, &bad)) {
		say(err, errcap, DOCTYPE_REFUSED, line_of(xml, bad));
		return VP_EINVAL;
	}
	if (!(im.reg = malloc(sizeof *im.reg)))
		return VP_ENOMEM;

	/* the handlers are per thread in libxml2: set them on each call */
	xmlSetGenericErrorFunc(NULL, xml_quiet);
	xmlSetStructuredErrorFunc(NULL, xml_quiet_structured);
	/* no NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE: entities
	 * stay unexpanded, no DTD is read, libxml2's size limits hold */
	reader = xmlReaderForMemory(xml, (int)len, "BWBIdList.xml", "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	        XML_PARSE_IGNORE_ENC | XML_PARSE_NOCDATA);
	if (!reader) {
		rv = VP_ENOMEM;
		goto fail;
	}
	xmlTextReaderSetStructuredErrorHandler(reader, xml_on_error, &im);
	if ((rv = read_document(&im, reader, err, errcap)) != VP_OK)
		goto fail;

	if (im.n_rows) /* qsort's base must not be NULL, even for 0 rows */
		qsort(im.rows, im.n_rows, sizeof *im.rows, cmp_row);
	total = sizeof HEADER - 1;
	for (size_t k = 0; k < im.n_rows; k++) {
		if (n && !memcmp(im.rows[n - 1].id, im.rows[k].id, BWB_ID_LEN))
			continue; /* a later entry of the same id */
		im.rows[n++] = im.rows[k];
		total += im.rows[k].len;
	}
	if (n == 0) {
		say(err, errcap,
		    "no regelingInfo with a valid bwbId: not a BWBIdList.xml");
		rv = VP_EINVAL;
		goto fail;
	}
	if (n > PRS_BWB_MAX_ROWS) {
		say(err, errcap, "more than %u regulations", PRS_BWB_MAX_ROWS);
		rv = VP_ETOOLARGE;
		goto fail;
	}
	if (!(tsv = malloc(total + 1))) {
		rv = VP_ENOMEM;
		goto fail;
	}
	memcpy(tsv, HEADER, sizeof HEADER - 1);
	total = sizeof HEADER - 1;
	for (size_t k = 0; k < n; k++) {
		memcpy(tsv + total, im.text + im.rows[k].off, im.rows[k].len);
		total += im.rows[k].len;
	}
	tsv[total] = 0;
	*out = tsv;
	*out_len = total;
	rv = VP_OK;
fail:
	if (rv == VP_ENOMEM && errcap && !err[0])
		say(err, errcap, "%s", vp_strerror(rv));
	xmlFreeTextReader(reader);
	free(im.reg);
	free(im.text);
	free(im.rows);
	return rv;
}

/* ---- files ---- */

static int read_file(
    const char *path, char **text, size_t *len, char *err, size_t errcap)
{
	struct stat st;
	struct vp_buf b;
	int rv;

	*text = NULL;
	*len = 0;
	/* the size first: a file far too large fails before it is read */
	if (stat(path, &st) != 0) {
		say(err, errcap, "%s: %s", path, strerror(errno));
		return VP_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		say(err, errcap, "%s: not a regular file", path);
		return VP_EIO;
	}
	if ((uintmax_t)st.st_size > PRS_BWB_MAX_INPUT) {
		say(err, errcap, "%s: larger than %u MiB", path,
		    PRS_BWB_MAX_INPUT >> 20);
		return VP_ETOOLARGE;
	}
	vp_buf_init(&b, PRS_BWB_MAX_INPUT);
	if ((rv = vp_buf_read_file(&b, path)) != VP_OK) {
		if (rv == VP_EIO)
			say(err, errcap, "%s: %s", path, strerror(errno));
		else if (rv == VP_ETOOLARGE) /* it grew while read */
			say(err, errcap, "%s: larger than %u MiB", path,
			    PRS_BWB_MAX_INPUT >> 20);
		vp_buf_free(&b);
		return rv;
	}
	*text = vp_buf_take(&b, len);
	if (!*text && !(*text = calloc(1, 1)))
		return VP_ENOMEM; /* an empty file: the importer says so */
	return VP_OK;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Makes the rename itself durable; a failure here is not worth failing
 * an import that has already replaced the table. */
static void sync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;
	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int prs_laws_import_file(
    const char *xml_path, const char *tsv_path, char *err, size_t errcap)
{
	char *xml = NULL, *tsv = NULL, *tmp = NULL, msg[300];
	size_t xml_len, tsv_len, tmp_cap;
	struct stat st;
	mode_t mode = 0644;
	int fd = -1, rv;

	if (errcap)
		err[0] = 0;
	if ((rv = read_file(xml_path, &xml, &xml_len, err, errcap)) != VP_OK)
		return rv;
	rv = prs_bwbimport(xml, xml_len, &tsv, &tsv_len, msg, sizeof msg);
	free(xml);
	if (rv != VP_OK) {
		say(err, errcap, "%s: %s", xml_path, msg);
		return rv;
	}

	tmp_cap = strlen(tsv_path) + sizeof ".tmp-XXXXXX";
	if (!(tmp = malloc(tmp_cap))) {
		rv = VP_ENOMEM;
		goto fail;
	}
	snprintf(tmp, tmp_cap, "%s.tmp-XXXXXX", tsv_path);
	if ((fd = mkstemp(tmp)) < 0) {
		say(err, errcap, "%s: %s", tmp, strerror(errno));
		free(tmp);
		tmp = NULL; /* nothing to remove */
		rv = VP_EIO;
		goto fail;
	}
	if (stat(tsv_path, &st) == 0 && S_ISREG(st.st_mode))
		mode = st.st_mode & 07777;
	if (fchmod(fd, mode) != 0 || write_all(fd, tsv, tsv_len) != 0 ||
	    fsync(fd) != 0) {
		say(err, errcap, "%s: %s", tmp, strerror(errno));
		rv = VP_EIO;
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		say(err, errcap, "%s: %s", tmp, strerror(errno));
		rv = VP_EIO;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, tsv_path) != 0) {
		say(err, errcap, "%s: %s", tsv_path, strerror(errno));
		rv = VP_EIO;
		goto fail;
	}
	sync_dir_of(tsv_path);
	free(tmp);
	free(tsv);
	return VP_OK;
fail:
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	free(tmp);
	free(tsv);
	if (rv == VP_ENOMEM && errcap && !err[0])
		say(err, errcap, "%s", vp_strerror(rv));
	return rv;
}

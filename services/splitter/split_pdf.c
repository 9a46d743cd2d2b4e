/* split_pdf.c - PDF files through poppler (poppler-glib, the C binding of the
 * library behind pdftotext): the text of each page in reading order, pages
 * joined with form feeds, then read by the pdf-text reader. Offsets count
 * bytes of that extracted text (split_pdf_text returns it). Encrypted and
 * broken files are refused with a clear error; page count and text size are
 * bounded (there is no clock here: a time limit is the worker's deadline).
 *
 * Why poppler and not MuPDF: MuPDF extracts text faster, but it is AGPL-3
 * (a network service would have to offer its source to every user), Debian
 * ships it as static libraries with a long third-party link line, and its
 * API changes between releases. poppler is GPL-2+, a stable C API with
 * GError codes (POPPLER_ERROR_ENCRYPTED), shared libraries with Debian
 * security support, and gives the same text as pdftotext, the tool users
 * compare with; ~2000 pages/s is far more than the fetcher delivers. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <poppler.h>

#include "split_int.h"

#define MAX_PAGES 5000

/* poppler and the thirty-odd libraries under it (cairo, X11, NSS, glib...)
 * cost about 13 ms at every start of every program linking them, and most
 * runs read no PDF (`vindplaats parse` of a text file, `--version`): the
 * library is opened at the first PDF instead, by the soname the build found
 * (VP_POPPLER_SONAME), and its functions are called through this table. */
static struct {
	__typeof__(g_bytes_new_static) *bytes_new_static;
	__typeof__(g_bytes_unref) *bytes_unref;
	__typeof__(g_error_free) *error_free;
	__typeof__(g_free) *free;
	__typeof__(g_object_unref) *object_unref;
	__typeof__(poppler_error_quark) *error_quark;
	__typeof__(poppler_document_new_from_bytes) *doc_new;
	__typeof__(poppler_document_get_n_pages) *n_pages;
	__typeof__(poppler_document_get_page) *get_page;
	__typeof__(poppler_page_get_text) *page_text;
	__typeof__(poppler_page_get_text_layout) *text_layout;
	bool ok;
	char why[256];
} pp;
static pthread_once_t pp_once = PTHREAD_ONCE_INIT;

static void pp_load(void)
{
	static const struct {
		size_t off;
		const char *name;
	} syms[] = {
#define PP_SYM(m, n) {offsetof(__typeof__(pp), m), n}
	    PP_SYM(bytes_new_static, "g_bytes_new_static"),
	    PP_SYM(bytes_unref, "g_bytes_unref"),
	    PP_SYM(error_free, "g_error_free"),
	    PP_SYM(free, "g_free"),
	    PP_SYM(object_unref, "g_object_unref"),
	    PP_SYM(error_quark, "poppler_error_quark"),
	    PP_SYM(doc_new, "poppler_document_new_from_bytes"),
	    PP_SYM(n_pages, "poppler_document_get_n_pages"),
	    PP_SYM(get_page, "poppler_document_get_page"),
	    PP_SYM(page_text, "poppler_page_get_text"),
	    PP_SYM(text_layout, "poppler_page_get_text_layout"),
#undef PP_SYM
	};
	void *h = dlopen(VP_POPPLER_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		const char *e = dlerror();
		snprintf(pp.why, sizeof(pp.why),
		    "PDF needs the poppler library (%s, Debian package "
		    "libpoppler-glib8): %s",
		    VP_POPPLER_SONAME, e ? e : "cannot open it");
		return;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(*syms); i++) {
		void *f = dlsym(h, syms[i].name);
		if (f == NULL) {
			snprintf(pp.why, sizeof(pp.why), "%s has no %s",
			    VP_POPPLER_SONAME, syms[i].name);
			return;
		}
		memcpy((char *)&pp + syms[i].off, &f, sizeof(f));
	}
	pp.ok = true; /* the library stays open for the process's life */
}

/* Appends the page text t[0, k) at out + n, with a blank line where the
 * layout shows a paragraph break: a vertical gap of more than 0.8 line
 * between two lines (normal leading is 0.2-0.5 of a line), or a change of font
 * size of more than a fifth (footnotes at the page bottom). poppler's text has
 * one line per line and no blank lines; rects holds one rectangle per character
 * of t. */
static int para_break(double ptop, double pbottom, double top, double bottom)
{
	double h = pbottom - ptop, h2 = bottom - top;
	return h > 0 &&
	       (top - pbottom > h * 0.8 || h2 > h * 1.2 || h2 < h / 1.2);
}

static size_t page_text(uint8_t *out, size_t n, const uint8_t *t, size_t k,
    const PopplerRectangle *rects, guint n_rects)
{
	double top = 0, bottom = 0, ptop = 0, pbottom = 0;
	size_t ci = 0, ls = n;
	int have = 0, phave = 0;
	for (size_t i = 0; i <= k; i++) {
		uint8_t c = i < k ? t[i] : '\n';
		if (i < k && (c & 0xC0) != 0x80) {
			if (c != '\n' && ci < n_rects) {
				const PopplerRectangle *r = &rects[ci];
				double y1 = r->y1 < r->y2 ? r->y1 : r->y2;
				double y2 = r->y1 < r->y2 ? r->y2 : r->y1;
				if (!have || y1 < top)
					top = y1;
				if (!have || y2 > bottom)
					bottom = y2;
				have = 1;
			}
			ci++;
		}
		if (c == '\n' && have) {
			if (phave && ls > 0 &&
			    para_break(ptop, pbottom, top, bottom)) {
				/* a blank line before the line just read */
				memmove(out + ls + 1, out + ls, n - ls);
				out[ls] = '\n';
				n++;
			}
			ptop = top;
			pbottom = bottom;
			phave = 1;
			have = 0;
		}
		if (i == k)
			break;
		out[n++] = c;
		if (c == '\n')
			ls = n;
	}
	return n;
}

static int extract(struct split_ctx *ctx, const uint8_t *pdf, size_t len,
    uint8_t **out, size_t *n_out)
{
	GBytes *bytes;
	GError *err = NULL;
	PopplerDocument *doc;
	uint8_t *text = NULL;
	size_t n = 0, cap = 0;
	int pages, rv = VP_OK;

	*out = NULL;
	*n_out = 0;
	pthread_once(&pp_once, pp_load);
	if (!pp.ok)
		return split_fail(ctx, VP_EINVAL, "%s", pp.why);
	bytes = pp.bytes_new_static(pdf, len);
	doc = pp.doc_new(bytes, NULL, &err);
	if (doc == NULL) {
		int encrypted = err != NULL &&
		                err->domain == pp.error_quark() &&
		                err->code == POPPLER_ERROR_ENCRYPTED;
		rv = split_fail(ctx, VP_EINVAL,
		    encrypted ? "PDF is encrypted (password required)"
		              : "not a readable PDF file: %s",
		    err != NULL ? err->message : "unknown error");
		if (err != NULL)
			pp.error_free(err);
		pp.bytes_unref(bytes);
		return rv;
	}
	pages = pp.n_pages(doc);
	if (pages > MAX_PAGES) {
		rv = split_fail(ctx, VP_ETOOLARGE,
		    "PDF has %d pages; the limit is %d", pages, MAX_PAGES);
		goto out;
	}
	for (int i = 0; i < pages && rv == VP_OK; i++) {
		PopplerPage *page = pp.get_page(doc, i);
		char *t = page ? pp.page_text(page) : NULL;
		PopplerRectangle *rects = NULL;
		guint n_rects = 0;
		size_t k = t ? strlen(t) : 0;
		if (page != NULL && k > 0 &&
		    !pp.text_layout(page, &rects, &n_rects))
			n_rects = 0;
		/* room for the page with a blank line after every line */
		if (n + 2 * k + 3 > SPLIT_MAX_DOC) {
			rv = split_fail(ctx, VP_ETOOLARGE,
			    "PDF text exceeds %zu bytes", SPLIT_MAX_DOC);
		} else if (n + 2 * k + 3 > cap) {
			size_t ncap = (n + 2 * k + 3) * 2;
			uint8_t *nt = realloc(text, ncap);
			if (nt == NULL)
				rv =
				    split_fail(ctx, VP_ENOMEM, "out of memory");
			else {
				text = nt;
				cap = ncap;
			}
		}
		if (rv == VP_OK) {
			n = page_text(
			    text, n, (const uint8_t *)t, k, rects, n_rects);
			if (n > 0 && text[n - 1] != '\n')
				text[n++] = '\n';
			text[n++] = '\f';
		}
		pp.free(rects);
		pp.free(t);
		if (page != NULL)
			pp.object_unref(page);
	}
	if (rv == VP_OK && text == NULL && (text = malloc(1)) == NULL)
		rv = split_fail(ctx, VP_ENOMEM, "out of memory");
out:
	pp.object_unref(doc);
	pp.bytes_unref(bytes);
	if (rv != VP_OK) {
		free(text);
		return rv;
	}
	text[n] = '\0';
	*out = text;
	*n_out = n;
	return VP_OK;
}

int split_pdf_text(const uint8_t *pdf, size_t len, uint8_t **text,
    size_t *n_text, char *errbuf, size_t errlen)
{
	struct split_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.errbuf = errbuf;
	ctx.errlen = errlen;
	if (len > SPLIT_MAX_DOC)
		return split_fail(&ctx, VP_ETOOLARGE,
		    "document is %zu bytes; the limit is %zu", len,
		    SPLIT_MAX_DOC);
	return extract(&ctx, pdf, len, text, n_text);
}

int split_pdf(struct split_ctx *ctx)
{
	uint8_t *text;
	size_t n;
	int rv = extract(ctx, ctx->doc, ctx->len, &text, &n);
	if (rv != VP_OK)
		return rv;
	ctx->owned = text;
	ctx->doc = text;
	ctx->len = n;
	/* poppler hands out UTF-8; a font with a broken ToUnicode map can
	 * still yield bytes that are not */
	if ((rv = split_utf8_check(text, n, ctx)) != VP_OK)
		return rv;
	return split_pdftext(ctx, 0);
}

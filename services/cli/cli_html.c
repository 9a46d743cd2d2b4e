/* cli_html.c - the annotated document: one self-contained HTML page of a
 * resolved document, its text with every citation a link.
 *
 * The reply of a resolve carries offsets into the original, not text, so the
 * document is split here again with the same pure reader the splitter
 * service runs; every segment's map then places a citation's span inside the
 * segment's text. Places are found by sorting the spans once and looking up
 * each segment's range in that order (n log n over spans and segments);
 * every byte that came from the document is escaped, and the page only
 * holds markup written here. */
#include "cli_doc.h"

#include "split.h"
#include "vp_err.h"

#include <stdlib.h>
#include <string.h>

/* One cited place: span s of citation c, and where it was placed. */
struct place {
	uint64_t start, end; /* original offsets */
	size_t c, s;
	size_t seg;      /* the segment it was placed in, or SIZE_MAX */
	uint64_t ts, te; /* its text offsets in that segment */
	bool point;      /* a hyperlink's target: shown at ts as [N] */
};

/* Something to write inside a segment's text at text offset at: a place
 * (p != NULL) or a footnote marker (fn). */
struct mark {
	uint64_t at;
	struct place *p;
	const struct vp_segment *fn;
};

static void esc(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i] != '\0'; i++) {
		switch (s[i]) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(s[i], f);
		}
	}
}

static void esc0(FILE *f, const char *s)
{
	if (s != NULL)
		esc(f, s, strlen(s));
}

/* A family as a class name: letters, digits and '-' only. */
static void family_class(FILE *f, const char *fam)
{
	fputs("f-", f);
	for (const char *s = fam ? fam : "none"; *s; s++)
		fputc(((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
		          ? *s
		          : '-',
		    f);
}

/* Badge of a check: class and label. */
static const char *badge_of(const struct vp_check *k, const char **label)
{
	switch (vp_status_class(k->status)) {
	case VP_SC_REACHABLE:
		*label = strcmp(k->status, "redirect") == 0 ? "redirect" : "ok";
		return *label;
	case VP_SC_BROKEN: *label = "dead"; return "dead";
	case VP_SC_PENDING: *label = "not checked"; return "unverifiable";
	default: *label = "unverifiable"; return "unverifiable";
	}
}

static void badge(FILE *f, const struct vp_check *k, bool full)
{
	const char *label, *cls = badge_of(k, &label);
	fprintf(f, "<span class=\"badge b-%s\" title=\"", cls);
	esc0(f, k->status);
	if (k->http_status)
		fprintf(f, " (HTTP %u)", k->http_status);
	if (k->error) {
		fputs(": ", f);
		esc0(f, k->error);
	}
	fprintf(f, "\">%s", label);
	if (full && k->status && strcmp(k->status, label) != 0) {
		fputs(" &middot; ", f);
		esc0(f, k->status);
	}
	if (full && k->http_status)
		fprintf(f, " %u", k->http_status);
	fputs("</span>", f);
	if (full && k->final_url && k->url &&
	    strcmp(k->final_url, k->url) != 0) {
		fputs(" <span class=\"muted\">&rarr; ", f);
		esc0(f, k->final_url);
		fputs("</span>", f);
	}
	if (k->archived_url) {
		fputs(" <a class=\"archived\" href=\"", f);
		esc0(f, k->archived_url);
		fputs(
		    "\" target=\"_blank\" rel=\"noopener noreferrer\">archived "
		    "copy",
		    f);
		if (full && k->archived_at) {
			fputs(" (", f);
			esc0(f, k->archived_at);
			fputc(')', f);
		}
		fputs("</a>", f);
	}
}

static int cmp_place(const void *a, const void *b)
{
	const struct place *x = *(struct place *const *)a,
	                   *y = *(struct place *const *)b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end > y->end ? -1 : x->end < y->end ? 1 : 0;
}

static int cmp_mark(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	/* a marker before a place at the same offset; then longest first */
	if ((x->p == NULL) != (y->p == NULL))
		return x->p == NULL ? -1 : 1;
	if (x->p && y->p && x->p->te != y->p->te)
		return x->p->te > y->p->te ? -1 : 1;
	return 0;
}

/* The first text offset of seg whose original byte is at or after o
 * (strlen(text) when none is): vp_segment_orig grows with t. */
static uint64_t text_at(const struct vp_segment *seg, uint64_t n, uint64_t o)
{
	uint64_t lo = 0, hi = n;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (vp_segment_orig(seg, mid) < o)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool shown(const struct vp_segment *s)
{
	return strcmp(s->kind, "furniture") != 0 &&
	       strcmp(s->kind, "link") != 0;
}

static void place_id(FILE *f, const struct place *p)
{
	fprintf(f, "c%zu-%zu", p->c + 1, p->s + 1);
}

/* A place as a link over its text; also: a further source cited by the
 * same words ("artikel 8, 9 en 10"), written after the first as its number
 * in the list of sources. */
static void write_place(FILE *f, const struct vp_resolve_rep *r,
    const struct place *p, const char *text, bool also)
{
	const struct vp_citation *c = &r->citations[p->c];
	bool guess = c->confidence < CLI_GUESS_BELOW;
	/* an internal reference whose part was found links to it */
	const char *tseg = NULL, *part = NULL, *num = NULL;
	if (c->url == NULL) {
		tseg = vp_citation_field(c, "target_segment");
		part = vp_citation_field(c, "part");
		num = vp_citation_field(c, "number");
	}
	bool link = c->url != NULL || tseg != NULL;
	fputs("<span class=\"cw\">", f);
	fputs(link ? "<a" : "<span tabindex=\"0\"", f);
	fputs(" class=\"cit ", f);
	family_class(f, c->family);
	if (guess)
		fputs(" guess", f);
	if (c->url == NULL)
		fputs(" nourl", f);
	if (also)
		fputs(" also", f);
	fputs("\" id=\"", f);
	place_id(f, p);
	fputs("\"", f);
	if (c->url) {
		fputs(" href=\"", f);
		esc0(f, c->url);
		fputs("\" target=\"_blank\" rel=\"noopener noreferrer\"", f);
	} else if (tseg != NULL) {
		/* digits only (the parser writes them); a footnote's own id */
		bool note = part && num && strcmp(part, "voetnoot") == 0 &&
		            strspn(num, "0123456789") == strlen(num);
		fputs(note ? " href=\"#fn" : " href=\"#s", f);
		esc0(f, note ? num : tseg);
		fputs("\"", f);
	}
	fputs(" data-id=\"", f);
	esc0(f, c->id);
	fputs("\" title=\"", f);
	esc0(f, c->id);
	fprintf(f, " - %s, confidence %.2f", c->family ? c->family : "?",
	    c->confidence);
	if (c->reason) {
		fputs(": ", f);
		esc0(f, c->reason);
	}
	fputs("\" aria-describedby=\"t", f);
	place_id(f, p);
	fputs("\">", f);
	if (also)
		fprintf(f, "[%zu]", p->c + 1);
	else
		esc(f, text + p->ts, (size_t)(p->te - p->ts));
	fputs(link ? "</a>" : "</span>", f);
	if (guess)
		fputs("<sup class=\"q\" aria-hidden=\"true\">?</sup>", f);
	if (c->check != NULL) {
		fputc(' ', f);
		badge(f, c->check, false);
	}
	fputs("<span class=\"tip\" role=\"tooltip\" id=\"t", f);
	place_id(f, p);
	fputs("\"><b>", f);
	esc0(f, c->id);
	fputs("</b> &middot; ", f);
	esc0(f, c->family);
	fprintf(f, " &middot; confidence %.2f", c->confidence);
	if (guess)
		fputs(" &middot; <em>a guess</em>", f);
	if (c->reason) {
		fputs("<br>", f);
		esc0(f, c->reason);
	}
	fputs("</span></span>", f);
}

/* Writes segment k's text with its marks (text offsets ascending). */
static void write_text(FILE *f, const struct vp_resolve_rep *r,
    const struct vp_segment *seg, struct mark *marks, size_t n_marks)
{
	const char *text = seg->text;
	uint64_t n = strlen(text), at = 0;
	const struct place *last = NULL;
	qsort(marks, n_marks, sizeof(*marks), cmp_mark);
	for (size_t i = 0; i < n_marks; i++) {
		struct mark *m = &marks[i];
		if (m->p &&
		    ((last && m->p->ts == last->ts && m->p->te == last->te) ||
		        (m->p->point && m->at <= at))) {
			/* the same words, another source; or a link's target
			 * inside or after the words before */
			write_place(f, r, m->p, text, true);
			continue;
		}
		if (m->at < at) { /* inside an earlier place: not placed */
			if (m->p)
				m->p->seg = SIZE_MAX;
			continue;
		}
		esc(f, text + at, (size_t)(m->at - at));
		at = m->at;
		if (m->p && m->p->point) {
			write_place(f, r, m->p, text, true);
		} else if (m->p) {
			write_place(f, r, m->p, text, false);
			at = m->p->te;
			last = m->p;
		} else {
			fprintf(f,
			    "<sup class=\"fnref\"><a href=\"#fn%u\" "
			    "id=\"fnref%u\" aria-label=\"footnote %u\">%u</a>"
			    "</sup>",
			    m->fn->number, m->fn->number, m->fn->number,
			    m->fn->number);
		}
	}
	esc(f, text + at, (size_t)(n - at));
}

static const char css[] =
    "body{font:16px/1.55 Georgia,'Times New Roman',serif;color:#1d1d1d;"
    "margin:0;background:#fafaf7}main{max-width:46em;margin:0 auto;"
    "padding:1.5em}header{border-bottom:1px solid #ddd;margin-bottom:1em}"
    "h1{font:600 1.35em system-ui,sans-serif;margin:.2em 0}"
    ".muted{color:#666}.legend{font:13px system-ui,sans-serif}"
    ".doc p,.doc li{margin:.55em 0}.doc h2{font:600 1.1em system-ui,"
    "sans-serif;margin:1.2em 0 .4em}.cell{border-left:3px solid #ddd;"
    "padding-left:.6em}.notes{font-size:.9em;border-top:1px solid #ddd;"
    "margin-top:1.5em}.cw{position:relative}"
    ".cit{text-decoration:none;border-bottom:2px solid #3367d6;"
    "background:#eef3fd;border-radius:2px;padding:0 1px;color:#0b3a8c}"
    ".cit:focus{outline:3px solid #f5a623;outline-offset:1px}"
    ".cit.nourl{border-bottom-color:#999;background:#f1f1f1;color:#333}"
    ".cit.also{font-size:.8em;vertical-align:1px;margin-left:1px}"
    ".cit.guess{border-bottom-style:dashed;background:#fff5dc}"
    ".q{color:#a06000;font:700 .75em system-ui,sans-serif}"
    ".f-kamerstuk,.f-aanhangsel,.f-handelingen{border-bottom-color:#3367d6}"
    ".f-staatsblad,.f-staatscourant,.f-tractatenblad,.f-gemeenteblad,"
    ".f-provinciaalblad,.f-waterschapsblad{border-bottom-color:#7b3fb5}"
    ".f-ecli,.f-ljn{border-bottom-color:#b5432f}.f-wet{border-bottom-color:"
    "#2c8a4b}.f-eu{border-bottom-color:#c9a100}.f-zaak{border-bottom-"
    "color:#0f8b8d}.f-url{border-bottom-color:#555}.f-internal{"
    "border-bottom-color:#aaa}"
    ".tip{display:none;position:absolute;left:0;top:1.6em;z-index:9;"
    "width:max-content;max-width:28em;background:#222;color:#fff;"
    "font:13px/1.4 system-ui,sans-serif;padding:.45em .6em;border-radius:"
    "4px;box-shadow:0 2px 8px rgba(0,0,0,.3)}.cw:hover .tip,"
    ".cw:focus-within .tip{display:block}"
    ".badge{font:600 11px system-ui,sans-serif;border-radius:3px;"
    "padding:0 .35em;vertical-align:1px}.b-ok{background:#dcf3df;color:"
    "#16621f}.b-redirect{background:#e3ecfb;color:#1f4f9c}.b-dead{"
    "background:#fbdcdc;color:#9b1111}.b-unverifiable{background:#eee;"
    "color:#555}.archived{font:12px system-ui,sans-serif}"
    ".sources{font:14px/1.5 system-ui,sans-serif;border-top:2px solid "
    "#ccc;margin-top:2em}.sources li{margin:.5em 0}.sources .srcid{"
    "font-weight:600;word-break:break-all}.fam{font-size:12px;color:#555;"
    "border:1px solid #ccc;border-radius:3px;padding:0 .3em}"
    ".errors{color:#9b1111;font:14px system-ui,sans-serif}";

static void write_source(FILE *f, const struct vp_resolve_rep *r, size_t i,
    struct place *places, size_t first)
{
	const struct vp_citation *c = &r->citations[i];
	fprintf(f, "<li id=\"src%zu\" class=\"src ", i + 1);
	family_class(f, c->family);
	fputs("\">", f);
	if (c->url) {
		fputs("<a class=\"srcid\" href=\"", f);
		esc0(f, c->url);
		fputs("\" target=\"_blank\" rel=\"noopener noreferrer\">", f);
		esc0(f, c->id);
		fputs("</a>", f);
	} else {
		fputs("<span class=\"srcid\">", f);
		esc0(f, c->id);
		fputs("</span> <span class=\"muted\">(no URL)</span>", f);
	}
	fputs(" <span class=\"fam\">", f);
	esc0(f, c->family);
	fputs("</span>", f);
	if (c->confidence < 1.0) {
		fprintf(f, " <span class=\"%s\">confidence %.2f%s</span>",
		    c->confidence < CLI_GUESS_BELOW ? "q" : "muted",
		    c->confidence,
		    c->confidence < CLI_GUESS_BELOW ? ", a guess" : "");
	}
	if (c->check) {
		fputc(' ', f);
		badge(f, c->check, true);
	}
	if (c->reason) {
		fputs("<br><span class=\"muted\">", f);
		esc0(f, c->reason);
		fputs("</span>", f);
	}
	fputs("<br>cited at: ", f);
	for (size_t s = 0; s < c->n_spans; s++) {
		const struct place *p = &places[first + s];
		const char *w = c->spans[s].where ? c->spans[s].where : "text";
		if (s > 0)
			fputs(", ", f);
		if (p->seg != SIZE_MAX) {
			fputs("<a href=\"#", f);
			place_id(f, p);
			fputs("\">", f);
			esc0(f, w);
			fputs("</a>", f);
		} else {
			esc0(f, w);
		}
	}
	fputs("</li>\n", f);
}

int cli_html_resolve(FILE *f, const char *name, const uint8_t *doc, size_t len,
    const char *doc_format, const struct vp_resolve_rep *r)
{
	struct vp_segment *segs = NULL;
	size_t n_segs = 0, n_places = 0;
	const char *used = NULL;
	struct place *places = NULL, **order = NULL;
	struct mark *marks = NULL;
	size_t *first = NULL, *by_seg = NULL, *fn_of = NULL;
	struct place **seg_places = NULL;
	const struct vp_segment **fns = NULL;
	int rv;

	if (doc_format != NULL && strcmp(doc_format, "auto") == 0)
		doc_format = NULL;
	rv = split_document(
	    doc, len, doc_format, &segs, &n_segs, &used, NULL, 0);
	if (rv != VP_OK)
		return rv;
	for (size_t i = 0; i < r->n_citations; i++)
		n_places += r->citations[i].n_spans;
	places = calloc(n_places + 1, sizeof(*places));
	order = calloc(n_places + 1, sizeof(*order));
	first = calloc(r->n_citations + 1, sizeof(*first));
	if (places == NULL || order == NULL || first == NULL) {
		rv = VP_ENOMEM;
		goto out;
	}
	for (size_t i = 0, k = 0; i < r->n_citations; i++) {
		first[i] = k;
		for (size_t s = 0; s < r->citations[i].n_spans; s++, k++) {
			places[k].start = r->citations[i].spans[s].start;
			places[k].end = r->citations[i].spans[s].end;
			places[k].c = i;
			places[k].s = s;
			places[k].seg = SIZE_MAX;
			order[k] = &places[k];
		}
	}
	qsort(order, n_places, sizeof(*order), cmp_place);

	/* place every span in the first shown segment whose text covers it */
	for (size_t k = 0; k < n_segs; k++) {
		const struct vp_segment *seg = &segs[k];
		uint64_t n = strlen(seg->text);
		size_t lo = 0, hi = n_places;
		if (!shown(seg))
			continue;
		while (lo < hi) { /* first place starting at or after start */
			size_t mid = lo + (hi - lo) / 2;
			if (order[mid]->start < seg->start)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < n_places && order[i]->start < seg->end;
		     i++) {
			struct place *p = order[i];
			uint64_t ts, te;
			if (p->seg != SIZE_MAX || p->end <= p->start)
				continue;
			ts = text_at(seg, n, p->start);
			te = text_at(seg, n, p->end);
			if (ts >= te || vp_segment_orig(seg, ts) >= p->end)
				continue;
			p->seg = k;
			p->ts = ts;
			p->te = te;
		}
	}
	/* a hyperlink's target (HTML href, DOCX relationship) has no text of
	 * its own: it is shown as [N] where the linked words start, in the
	 * shown segment whose range holds it */
	for (size_t k = 0; k < n_segs; k++) {
		const struct vp_segment *seg = &segs[k];
		size_t lo = 0, hi = n_places;
		if (!shown(seg))
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (order[mid]->start < seg->start)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < n_places && order[i]->start < seg->end;
		     i++) {
			struct place *p = order[i];
			const char *w = r->citations[p->c].spans[p->s].where;
			if (p->seg != SIZE_MAX || p->end > seg->end ||
			    w == NULL || strcmp(w, "link") != 0)
				continue;
			p->seg = k;
			p->ts = p->te = text_at(seg, strlen(seg->text), p->end);
			p->point = true;
		}
	}

	fputs("<!DOCTYPE html>\n<html lang=\"nl\"><head><meta "
	      "charset=\"utf-8\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width,initial-scale=1\">\n<meta "
	      "name=\"generator\" content=\"vindplaats\">\n<title>",
	    f);
	esc0(f, name);
	fprintf(f,
	    " - cited sources</title>\n<style>%s</style>\n</head>\n"
	    "<body>\n<main>\n<header><h1>",
	    css);
	esc0(f, name);
	fprintf(f,
	    "</h1>\n<p class=\"muted legend\">%zu cited source%s in %zu "
	    "place%s. A citation links to its official source; hover or "
	    "focus it for its identifier, confidence and reason. "
	    "<span class=\"cit guess\">Dashed</span><sup class=\"q\">?</sup> "
	    "= a guess (confidence below %.1f).</p></header>\n"
	    "<article class=\"doc\" aria-label=\"document\">\n",
	    r->n_citations, r->n_citations == 1 ? "" : "s", n_places,
	    n_places == 1 ? "" : "s", CLI_GUESS_BELOW);

	/* per segment, its places and the footnotes whose marker it holds
	 * (counting sort on the segment index) */
	by_seg = calloc(n_segs + 2, sizeof(*by_seg));
	seg_places = calloc(n_places + 1, sizeof(*seg_places));
	fn_of = calloc(n_segs + 2, sizeof(*fn_of));
	fns = calloc(n_segs + 1, sizeof(*fns));
	marks = calloc(n_places + n_segs + 1, sizeof(*marks));
	if (by_seg == NULL || seg_places == NULL || fn_of == NULL ||
	    fns == NULL || marks == NULL) {
		rv = VP_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n_places; i++)
		if (places[i].seg != SIZE_MAX)
			by_seg[places[i].seg + 1]++;
	for (size_t k = 0; k < n_segs; k++)
		if (strcmp(segs[k].kind, "footnote") == 0 &&
		    segs[k].ref_segment > 0 && segs[k].ref_segment <= n_segs &&
		    segs[k].ref_segment - 1 != k)
			fn_of[segs[k].ref_segment]++;
	for (size_t k = 0; k < n_segs; k++) {
		by_seg[k + 1] += by_seg[k];
		fn_of[k + 1] += fn_of[k];
	}
	{
		size_t *fill = calloc(n_segs + 1, sizeof(*fill));
		if (fill == NULL) {
			rv = VP_ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < n_places; i++)
			if (places[i].seg != SIZE_MAX) {
				size_t k = places[i].seg;
				seg_places[by_seg[k] + fill[k]++] = &places[i];
			}
		memset(fill, 0, (n_segs + 1) * sizeof(*fill));
		for (size_t k = 0; k < n_segs; k++)
			if (strcmp(segs[k].kind, "footnote") == 0 &&
			    segs[k].ref_segment > 0 &&
			    segs[k].ref_segment <= n_segs &&
			    segs[k].ref_segment - 1 != k) {
				size_t h = segs[k].ref_segment - 1;
				fns[fn_of[h] + fill[h]++] = &segs[k];
			}
		free(fill);
	}

	/* the body, then the footnotes as a list */
	for (int pass = 0; pass < 2; pass++) {
		bool in_list = false;
		if (pass == 1)
			fputs(
			    "<section class=\"notes\" aria-label=\"footnotes\">"
			    "<h2>Voetnoten</h2>\n",
			    f);
		for (size_t k = 0; k < n_segs; k++) {
			const struct vp_segment *seg = &segs[k];
			bool note = strcmp(seg->kind, "footnote") == 0;
			bool item = strcmp(seg->kind, "list_item") == 0;
			uint64_t n = strlen(seg->text);
			size_t nm = 0;
			if (!shown(seg) || note != (pass == 1))
				continue;
			for (size_t i = by_seg[k]; i < by_seg[k + 1]; i++)
				marks[nm++] = (struct mark){
				    seg_places[i]->ts, seg_places[i], NULL};
			for (size_t i = fn_of[k]; i < fn_of[k + 1]; i++) {
				uint64_t at =
				    fns[i]->ref_at > seg->start
				        ? text_at(seg, n, fns[i]->ref_at)
				        : n;
				marks[nm++] = (struct mark){at, NULL, fns[i]};
			}
			if (item && !in_list)
				fputs("<ul>\n", f);
			else if (!item && in_list)
				fputs("</ul>\n", f);
			in_list = item;
			if (note)
				fprintf(f,
				    "<p class=\"note\" id=\"fn%u\"><a "
				    "href=\"#fnref%u\" class=\"fnnum\" "
				    "aria-label=\"back to the text of footnote "
				    "%u\">%u</a> ",
				    seg->number, seg->number, seg->number,
				    seg->number);
			else if (item)
				fprintf(f, "<li id=\"s%u\">", seg->index);
			else if (strcmp(seg->kind, "heading") == 0)
				fprintf(f, "<h2 id=\"s%u\">", seg->index);
			else if (strcmp(seg->kind, "table_cell") == 0)
				fprintf(f, "<p class=\"cell\" id=\"s%u\">",
				    seg->index);
			else
				fprintf(f, "<p id=\"s%u\">", seg->index);
			write_text(f, r, seg, marks, nm);
			fputs(item                                ? "</li>\n"
			      : strcmp(seg->kind, "heading") == 0 ? "</h2>\n"
			                                          : "</p>\n",
			    f);
		}
		if (in_list)
			fputs("</ul>\n", f);
		if (pass == 1)
			fputs("</section>\n", f);
	}
	fputs("</article>\n<section class=\"sources\" "
	      "aria-label=\"cited sources\"><h2>Cited sources</h2>\n<ol>\n",
	    f);
	for (size_t i = 0; i < r->n_citations; i++)
		write_source(f, r, i, places, first[i]);
	fputs("</ol>\n", f);
	if (r->n_errors > 0) {
		fputs("<h2>Errors</h2>\n<ul class=\"errors\">\n", f);
		for (size_t i = 0; i < r->n_errors; i++) {
			fputs("<li>", f);
			esc0(f, r->errors[i].item);
			fputs(": ", f);
			esc0(f, r->errors[i].code);
			if (r->errors[i].msg) {
				fputs(": ", f);
				esc0(f, r->errors[i].msg);
			}
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	fputs("</section>\n</main>\n</body>\n</html>\n", f);
	rv = VP_OK;
out:
	free(marks);
	free(by_seg);
	free(fn_of);
	free(seg_places);
	free(fns);
	free(first);
	free(order);
	free(places);
	split_segments_free(segs, n_segs);
	return rv;
}

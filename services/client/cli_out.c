/* Output formats of the vindplaats CLI. */
#include "cli_out.h"

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
	json_object_set_new(o, "elapsed_ms", json_integer(c->elapsed_ms));
	set_str(o, "error", c->error);
	set_str(o, "content_type", c->content_type);
	if (c->content_length)
		json_object_set_new(o, "content_length",
		    json_integer((json_int_t)c->content_length));
	set_str(o, "title", c->title);
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
	static const char *broken[] = {
	    "gone", "client_error", "server_error", "dns", "connect", "tls"};
	if (s == NULL)
		return false;
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++)
		if (strcmp(s, broken[i]) == 0)
			return true;
	return false;
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

/* cli_csv.c - CSV output of resolve, parse and check (RFC 4180: CRLF line
 * ends, a field quoted when it holds a comma, a quote or a line break, its
 * quotes doubled), for spreadsheets and scripts. */
#include "cli_doc.h"

#include <string.h>

void cli_csv_field(FILE *f, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void sep(FILE *f)
{
	fputc(',', f);
}

static void eol(FILE *f)
{
	fputs("\r\n", f);
}

static void uint_field(FILE *f, unsigned long long v, bool present)
{
	if (present)
		fprintf(f, "%llu", v);
}

/* The citation's columns: family,id,url,confidence,guess,reason */
static void citation_cols(FILE *f, const struct vp_citation *c)
{
	cli_csv_field(f, c->family);
	sep(f);
	cli_csv_field(f, c->id);
	sep(f);
	cli_csv_field(f, c->url);
	sep(f);
	fprintf(f, "%.2f,%s,", c->confidence,
	    c->confidence < CLI_GUESS_BELOW ? "yes" : "no");
	cli_csv_field(f, c->reason);
}

/* The span's columns: start,end,where,raw */
static void span_cols(FILE *f, const struct vp_span *s)
{
	fprintf(f, "%llu,%llu,", (unsigned long long)s->start,
	    (unsigned long long)s->end);
	cli_csv_field(f, s->where);
	sep(f);
	cli_csv_field(f, s->raw);
}

/* The check's columns: status,http_status,final_url,archived_url */
static void check_cols(FILE *f, const struct vp_check *k)
{
	if (k == NULL) {
		fputs(",,,", f);
		return;
	}
	cli_csv_field(f, k->status);
	sep(f);
	uint_field(f, k->http_status, k->http_status != 0);
	sep(f);
	cli_csv_field(f, k->final_url ? k->final_url : k->url);
	sep(f);
	cli_csv_field(f, k->archived_url);
}

void cli_csv_resolve(
    FILE *f, const char *name, const struct vp_resolve_rep *r, bool header)
{
	if (header) {
		fputs(
		    "document,family,id,url,confidence,guess,reason,start,end,"
		    "where,raw,status,http_status,final_url,archived_url",
		    f);
		eol(f);
	}
	for (size_t i = 0; i < r->n_citations; i++) {
		const struct vp_citation *c = &r->citations[i];
		for (size_t s = 0; s < c->n_spans; s++) {
			cli_csv_field(f, name);
			sep(f);
			citation_cols(f, c);
			sep(f);
			span_cols(f, &c->spans[s]);
			sep(f);
			check_cols(f, c->check);
			eol(f);
		}
	}
}

void cli_csv_parse(
    FILE *f, const struct vp_citation *cits, size_t n, bool header)
{
	if (header) {
		fputs("family,id,url,confidence,guess,reason,start,end,where,"
		      "raw",
		    f);
		eol(f);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t s = 0; s < cits[i].n_spans; s++) {
			citation_cols(f, &cits[i]);
			sep(f);
			span_cols(f, &cits[i].spans[s]);
			eol(f);
		}
}

void cli_csv_checks(
    FILE *f, const struct vp_check *checks, size_t n, bool header)
{
	if (header) {
		fputs("url,status,http_status,final_url,elapsed_ms,error,title,"
		      "checked_at,archived_url,archived_at",
		    f);
		eol(f);
	}
	for (size_t i = 0; i < n; i++) {
		const struct vp_check *k = &checks[i];
		cli_csv_field(f, k->url);
		sep(f);
		cli_csv_field(f, k->status);
		sep(f);
		uint_field(f, k->http_status, k->http_status != 0);
		sep(f);
		cli_csv_field(f, k->final_url ? k->final_url : k->url);
		sep(f);
		fprintf(f, "%u,", k->elapsed_ms);
		cli_csv_field(f, k->error);
		sep(f);
		cli_csv_field(f, k->title);
		sep(f);
		cli_csv_field(f, k->checked_at);
		sep(f);
		cli_csv_field(f, k->archived_url);
		sep(f);
		cli_csv_field(f, k->archived_at);
		eol(f);
	}
}

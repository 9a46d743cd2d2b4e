/* cli_out.h - how the vindplaats CLI prints results: readable table, JSON,
 * JSON lines. JSON objects are built with jansson. */
#ifndef CLI_OUT_H
#define CLI_OUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "vp_proto.h"

/* JSON object of one check result. */
json_t *cli_check_json(const struct vp_check *c);

/* JSON object of one citation: family, id, url, confidence, reason, fields,
 * status + check when checked, spans. */
json_t *cli_citation_json(const struct vp_citation *c);

/* JSON object of one resolved document (name, citations, errors). */
json_t *cli_resolve_json(const char *name, const struct vp_resolve_rep *r);

/* JSON object for a citation occurrence of `parse` output: the citation's
 * fields with start, end, raw (and where) of its span at the top level. */
json_t *cli_parse_item_json(const struct vp_citation *c, size_t span);

/* Prints j compactly (one line) or indented, then a newline; consumes j. */
void cli_print_json(FILE *f, json_t *j, bool pretty);

/* Readable tables. */
void cli_table_resolve(
    FILE *f, const char *name, const struct vp_resolve_rep *r, bool checked);
void cli_table_parse(FILE *f, const struct vp_citation *cits, size_t n);
/* The writer of `parse` output, made for streaming: each citation
 * occurrence is written as soon as it is known, escaped straight into one
 * buffer that goes to f whenever it holds 64 KiB, with no JSON tree. The
 * bytes are those of cli_parse_item_json/cli_print_json (json, jsonl) and
 * cli_table_parse (table). Memory: the buffer, at most 64 KiB plus the
 * largest item. */
struct cli_parse_out {
	FILE *f;
	int format; /* CLI_PARSE_TABLE, _JSON or _JSONL */
	char *buf;
	size_t len, cap;
	size_t items;    /* occurrences written */
	bool unresolved; /* some citation has no URL */
	bool part;       /* a part of the output, kept in buf (no f) */
	int err;         /* VP_OK, or the first error (VP_EIO, VP_ENOMEM) */
	int write_errno; /* errno of a failed write to f */
};

enum { CLI_PARSE_TABLE, CLI_PARSE_JSON, CLI_PARSE_JSONL, CLI_PARSE_CSV };

/* Starts a writer for format "table", "json", "jsonl" or "csv" (the bytes
 * of cli_csv_parse, header included) on f (not owned).
 * Returns VP_OK or VP_EINVAL for another format. */
int cli_parse_out_init(struct cli_parse_out *w, FILE *f, const char *format);

/* Writes every span of c as one item of the output. Returns VP_OK, or the
 * writer's first error (then nothing more is written). */
int cli_parse_out_add(struct cli_parse_out *w, const struct vp_citation *c);

/* A writer of one part of the output, kept in memory (no file): its items
 * are written as if others came before them. Returns as init. */
int cli_parse_out_init_part(struct cli_parse_out *w, const char *format);

/* Writes part (from cli_parse_out_init_part) to w's file after what w has
 * written, and frees it. Returns VP_OK or the first error of either. */
int cli_parse_out_join(struct cli_parse_out *w, struct cli_parse_out *part);

/* Writes one resolved document with the bytes of
 * cli_print_json(cli_resolve_json(name, r), pretty) (a line each), whatever
 * the writer's format: start the writer as "jsonl" (on a file) or as a part
 * (in memory: w->buf, w->len). Returns VP_OK or the writer's first error. */
int cli_resolve_out_add(struct cli_parse_out *w, const char *name,
    const struct vp_resolve_rep *r, bool pretty);

/* Frees a writer's buffer without writing it. */
void cli_parse_out_drop(struct cli_parse_out *w);

/* Ends the output (json: the closing bracket, or [] when empty), writes
 * what is left to f, flushes f and frees the buffer. Returns VP_OK or the
 * first error; w->write_errno says why a write failed. */
int cli_parse_out_end(struct cli_parse_out *w);

void cli_table_checks(FILE *f, const struct vp_check *checks, size_t n);

/* True when a citation could not be resolved to where its source is: no
 * URL, except for references inside the same document (family internal). */
bool cli_citation_unresolved(const struct vp_citation *c);

/* True when a check status means the source is broken (not merely
 * unverifiable): the class of proto/messages.def's status table. */
bool cli_status_broken(const char *status);

/* The link monitor's report as a table, JSON, CSV or one self-contained
 * HTML page (per document: its sources with state, a history sparkline,
 * archive links). */
void cli_report(FILE *f, const struct vp_report_rep *r, const char *format);

/* JSON of a watched source / of a source's history. */
json_t *cli_watched_json(const struct vp_watched *w);
json_t *cli_history_json(const struct vp_history_rep *h);

#endif

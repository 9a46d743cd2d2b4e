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

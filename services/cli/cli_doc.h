/* cli_doc.h - the annotated document (HTML) and the CSV writers of the
 * vindplaats CLI, shared with the gateway so that both write the same bytes.
 * Every string that comes from a document is escaped for its target. */
#ifndef CLI_DOC_H
#define CLI_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vp_proto.h"

/* A citation below this confidence is shown as a guess (HTML) and flagged
 * in CSV. */
#define CLI_GUESS_BELOW 0.8

/* Writes one self-contained HTML page (inline CSS, no external asset) of the
 * document doc[0..len) as resolved in r: its text as the splitter reads it
 * (headings, paragraphs, list items, table cells; footnotes at the end with
 * their markers linked), every cited place a link to the source's official
 * URL marked by family, with id, confidence and reason on hover and focus,
 * the check status when r was checked, and the list of cited sources with
 * every place each is cited. doc_format is the splitter's format hint (NULL
 * or "auto": detect); name titles the page. The document is split again here
 * (the reply carries offsets, not text). Returns VP_OK, VP_ENOMEM, or the
 * splitter's error for a document it cannot read (then nothing is
 * written). */
int cli_html_resolve(FILE *f, const char *name, const uint8_t *doc, size_t len,
    const char *doc_format, const struct vp_resolve_rep *r);

/* RFC 4180 CSV (CRLF line ends, fields quoted where needed). Each writes a
 * header row first when header is true. */

/* resolve: one row per cited place (a source cited twice is two rows). */
void cli_csv_resolve(
    FILE *f, const char *name, const struct vp_resolve_rep *r, bool header);

/* parse: one row per citation occurrence. */
void cli_csv_parse(
    FILE *f, const struct vp_citation *cits, size_t n, bool header);

/* check: one row per URL. */
void cli_csv_checks(
    FILE *f, const struct vp_check *checks, size_t n, bool header);

/* Writes s as one RFC 4180 field: quoted when it holds a comma, a quote,
 * CR or LF (quotes doubled), else as is; NULL is the empty field. */
void cli_csv_field(FILE *f, const char *s);

#endif

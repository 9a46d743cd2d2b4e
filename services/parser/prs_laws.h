/* prs_laws.h - the law-name / abbreviation table (data/law-abbrev.tsv, or a
 * larger official list in the same columns): loaded once, sorted by
 * normalised name, searched by longest match. No dependency on vp_proto, so
 * the build-time generator of the built-in table can link it too. */
#ifndef PRS_LAWS_H
#define PRS_LAWS_H

#include <stdbool.h>
#include <stddef.h>

/* One row: key = name or abbreviation, lower case, single spaces, any
 * trailing "(...)" qualifier removed. Rows sharing a key are adjacent. */
struct prs_law {
	const char *key;
	const char *title; /* full title as in the table */
	const char *bwb;   /* BWBR/BWBV id or CELEX:... */
	bool ambiguous;    /* the key names more than one law, or the table
	                      says so: needs a local definition or context */
};

/* A sorted table. Built-in tables point at static data (own == NULL);
 * loaded ones own their rows and strings. */
struct prs_laws {
	const struct prs_law *v;
	size_t n;
	struct prs_law *own_v;
	char *own_buf;
};

/* The table built into the binary from data/law-abbrev.tsv. */
extern const struct prs_laws prs_laws_builtin;

/* Parses TSV text (header row, columns abbreviation_or_name, full_title,
 * BWB_id, source, note; rows without an id are skipped) into a new table.
 * On success *out is owned by the caller (prs_laws_free). Returns VP_OK,
 * VP_ENOMEM, or VP_EINVAL when no row is usable. */
int prs_laws_parse(const char *text, size_t len, struct prs_laws **out);

/* Reads a TSV file and parses it as above; VP_EIO when it cannot be read. */
int prs_laws_load(const char *path, struct prs_laws **out);

/* Frees a loaded table; NULL and the built-in table are no-ops. */
void prs_laws_free(struct prs_laws *laws);

/* Normalises name bytes the way keys are: ASCII lower case, runs of spaces
 * (incl. NBSP, line breaks) to one space, soft hyphens dropped. Writes at
 * most cap-1 bytes + NUL to out; when map is not NULL, map[k] is the offset
 * in s just past the byte that produced out[k]. Returns the output length. */
size_t prs_law_norm(
    const char *s, size_t n, char *out, size_t cap, size_t *map);

/* Rows whose key equals key: sets [*lo, *hi); returns true when any. */
bool prs_laws_find(
    const struct prs_laws *laws, const char *key, size_t *lo, size_t *hi);

#endif

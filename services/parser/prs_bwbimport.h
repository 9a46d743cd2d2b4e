/* prs_bwbimport.h - turns KOOP's official list of regulations (BWBIdList.xml,
 * which users download themselves) into the project's law table (TSV), so
 * that the parser knows every current regulation by name.
 *
 * Input: root BWBIdServiceResultaat or regelingInfoLijst; per regulation a
 * RegelingInfo with BWBId, RegelingSoort, OfficieleTitel, Citeertitel
 * (titel, status, InwerkingtredingsDatum), Afkorting, NietOfficieleTitel,
 * each possibly in a list element and possibly namespace-prefixed. Elements
 * are matched on their local name, ignoring case (KOOP's schema writes
 * "RegelingInfo", other descriptions "regelingInfo"). The dates, the list's
 * GegenereerdOp and unknown elements are dropped: the table has no column
 * for them and the loader wants the header as its first line.
 *
 * Output, UTF-8, one header line then one row per regulation, sorted by id:
 *   bwb_id  soort  citeertitel  intitule  aliases
 * citeertitel is the first whose status is current ("officieel"; "geldig"
 * and "actueel" are taken too), else the first; aliases are the other
 * citeertitels, the afkortingen and the niet-officiele titels, in that
 * order, deduplicated, without the citeertitel, at most PRS_BWB_MAX_ALIASES,
 * joined by '|' ('|' inside a name becomes '/'). In every field runs of
 * white space (tab, newline, CR, space) become one space, the ends are
 * trimmed, and text past PRS_BWB_MAX_FIELD bytes is cut at a character
 * boundary. Entries whose id is not BWB[RVW] + 7 digits are skipped; an id
 * seen twice keeps its first entry. */
#ifndef PRS_BWBIMPORT_H
#define PRS_BWBIMPORT_H

#include <stddef.h>

#define PRS_BWB_MAX_INPUT   (256u << 20) /* bytes of XML */
#define PRS_BWB_MAX_ROWS    200000u      /* regulations in the table */
#define PRS_BWB_MAX_FIELD   500u         /* bytes per field and per alias */
#define PRS_BWB_MAX_ALIASES 10u
/* Deepest element nesting accepted; BWBIdList.xml nests 5 deep. (libxml2
 * itself stops at 256 without XML_PARSE_HUGE, which is never set.) */
#define PRS_BWB_MAX_DEPTH 32

/* Reads a BWBIdList.xml document xml[0..len) and writes the law table (see
 * above) to *out: malloc'ed, NUL-terminated, *out_len bytes without the
 * NUL, owned by the caller. The XML must be UTF-8 (as KOOP's is) and carry
 * no DOCTYPE: no DTD is loaded, no entity expanded, nothing fetched from
 * the network, and libxml2 prints nothing. Returns VP_OK; VP_EINVAL for a
 * malformed, hostile or empty file (no regulation with a valid id);
 * VP_ETOOLARGE past PRS_BWB_MAX_INPUT or PRS_BWB_MAX_ROWS; VP_ENOMEM. On
 * failure *out is NULL and, when errcap > 0, err holds one line saying why.
 * Not thread-safe with other users of libxml2's per-thread error handlers
 * on the same thread (it replaces them). */
int prs_bwbimport(const char *xml, size_t len, char **out, size_t *out_len,
    char *err, size_t errcap);

/* Converts the file xml_path as above and replaces tsv_path with the
 * result: the table is written to a temporary file next to tsv_path and
 * renamed over it only when everything succeeded, so that a bad file leaves
 * the current table untouched (and no temporary file behind). The new file
 * keeps the old one's permissions, or gets 0644. Returns the codes of
 * prs_bwbimport, or VP_EIO when a file cannot be read or written; err says
 * which file and why. */
int prs_laws_import_file(
    const char *xml_path, const char *tsv_path, char *err, size_t errcap);

#endif

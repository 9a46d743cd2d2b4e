/* prs.h - the citation parser: text segments in, citations out.
 * Pure functions over C structs: no sockets, no clock, no global state. */
#ifndef PRS_H
#define PRS_H

#include <stdbool.h>
#include <stddef.h>

#include "vp_proto.h"

/* Finds and parses every citation in the segments of one document (the whole
 * document, so that definitions made in one segment apply to all). Appends one
 * struct vp_citation per occurrence, with exactly one span whose start/end are
 * byte offsets into the ORIGINAL input (mapped through each segment's map),
 * raw = the citation as written, where = "<kind> <number>" of its segment
 * ("footnote 3", "paragraph 12"). On success *out is a new malloc'ed array of
 * *n_out citations owned by the caller (free each with
 * vp_obj_clear(&vp_desc_citation, ...) then free the array); *out may be NULL
 * when none are found. Returns VP_OK, VP_ENOMEM or VP_EINVAL. */
int prs_parse_segments(const struct vp_segment *segs, size_t n_segs,
    struct vp_citation **out, size_t *n_out);

/* Same for one piece of text: spans are byte offsets into text, where is
 * omitted (NULL). text need not be NUL-terminated. */
int prs_parse_text(
    const char *text, size_t len, struct vp_citation **out, size_t *n_out);

struct prs_laws;

/* The law index built into the binary (the tables in data/, at build time);
 * static, never freed. Another table can be loaded at start with
 * prs_laws_load_merged() (prs_laws.h) and passed to the _with variants
 * below; NULL there means this default. */
const struct prs_laws *prs_laws_default(void);

/* Links the internal references (family internal: "vraag 10", "bijlage 2",
 * "paragraaf 2.1", "voetnoot 3") of one whole document to their parts in
 * segs: fields target_segment/target_start/target_end (and for a question
 * answer_*), or target = none with the reason and confidence at most 0.7.
 * Occurrences inside a part's own heading are dropped (*n_cits shrinks; the
 * array is compacted in place). Linear in segments and citations (times a
 * log). Returns VP_OK or VP_ENOMEM (then some citations may lack fields). */
int prs_link_targets(const struct vp_segment *segs, size_t n_segs,
    struct vp_citation *cits, size_t *n_cits);

int prs_parse_text_with(const struct prs_laws *laws, const char *text,
    size_t len, struct vp_citation **out, size_t *n_out);
int prs_parse_segments_with(const struct prs_laws *laws,
    const struct vp_segment *segs, size_t n_segs, struct vp_citation **out,
    size_t *n_out);

/* prs_parse_segments_with for a document that says more about itself:
 * doc_bwb, the BWB id of a regulation (e.g. from BWB XML; NULL or "" when
 * unknown): "deze wet", "dit besluit" and a bare "artikel 5" in it become
 * articles of that BWB id (family wet) instead of internal references (an id
 * that is not "BWB" + a letter + 7 digits is ignored); doc, the original
 * document the segments were split from (NULL: unknown): then a span's raw
 * is the document's own bytes start..end whenever they differ from the
 * segment text only in white space (a line break inside a citation in a
 * text file), and the segment's form is kept in the field "normalised". */
int prs_parse_segments_doc(const struct prs_laws *laws, const char *doc_bwb,
    const struct vp_segment *segs, size_t n_segs, const char *doc,
    size_t doc_len, struct vp_citation **out, size_t *n_out);

/* Called with each citation as it is found (prs_parse_text_each): c and
 * every string it points to are borrowed, valid only during the call (copy
 * what you keep). Return VP_OK to go on; any other value stops the parse,
 * which then returns it. */
typedef int (*prs_each_fn)(void *arg, const struct vp_citation *c);

/* prs_parse_text_with, streaming: the same citations in the same order, each
 * handed to fn as soon as the scan has found it instead of collected in an
 * array, so that memory does not grow with the number of citations; nothing
 * is allocated per citation. Returns VP_OK, VP_ENOMEM, VP_EINVAL or what fn
 * returned to stop. */
int prs_parse_text_each(const struct prs_laws *laws, const char *text,
    size_t len, prs_each_fn fn, void *arg);

/* A scan in parts, for several threads over one large text. The document
 * is prepared once (prs_doc_new: the law index, the headings and the
 * definitions of the whole text); each thread scans parts of it with a copy
 * of its own (prs_doc_clone). A part's citations depend on what the parts
 * before it leave behind: the law of each kind named last ("die wet") and
 * whether any was named, the carry. A part scanned with a guessed carry
 * says which of it it read before setting it; when the guess was right on
 * those (prs_carry_agrees), its citations are exactly those of one scan of
 * the whole text, otherwise the part is scanned again with the true carry.
 * prs_parse_text_each is one part from 0 to the end. */
struct prs_doc;

#define PRS_CARRY_KINDS 8
#define PRS_CARRY_NAMED (1u << 31)

/* The rest of the law readings' running state (issue 10), carried as a
 * whole per part: the law named last of any kind, a law named alone (where
 * its name ends), a law named on a line of its own, the law of a list of
 * articles (where the list begins), the article cited last. Positions and
 * texts are the document's own. Bits of read and written: */
#define PRS_CARRY_ANY   (1u << 20)
#define PRS_CARRY_ALONE (1u << 21)
#define PRS_CARRY_HEAD  (1u << 22)
#define PRS_CARRY_LIST  (1u << 23)
#define PRS_CARRY_ART   (1u << 24)
struct prs_seq {
	long last_any;
	long alone_law, head_law, list_law, last_art_law;
	size_t alone_end, list_from;
	const char *alone_s, *head_s, *list_s;
	char last_art[20];
};

struct prs_carry {
	long last_law[PRS_CARRY_KINDS];
	bool any_named;
	struct prs_seq seq, in_seq;
	/* set by prs_doc_scan: the values it started from, and bits (kind k:
	 * 1 << k; any_named: PRS_CARRY_NAMED) of what the part read before
	 * setting it, and of what it set */
	long in_last_law[PRS_CARRY_KINDS];
	bool in_any_named;
	unsigned read, written;
};

/* Prepares text[0..len) (not copied: it must outlive the document) with
 * the law index (NULL: the built-in one). Returns VP_OK, VP_ENOMEM or
 * VP_EINVAL. */
int prs_doc_new(struct prs_doc **out, const struct prs_laws *laws,
    const char *text, size_t len);

/* A copy of d for another thread (a document is used by one thread at a
 * time). Returns VP_OK or VP_ENOMEM. */
int prs_doc_clone(struct prs_doc **out, const struct prs_doc *d);

void prs_doc_free(struct prs_doc *d);

/* The carry at the start of the text. */
void prs_doc_carry(const struct prs_doc *d, struct prs_carry *c);

/* Scans the part of the text whose anchors lie in [from, stop), starting
 * from carry *c, handing each citation to fn (as prs_parse_text_each).
 * Then *c is the carry after the part, with in_*, read and written set, and
 * *next is where the scan stopped: stop, or later when a citation runs past
 * stop (then the next part, scanned from stop, is not what one scan would
 * have found: scan it again from *next). Returns VP_OK, VP_EINVAL or what
 * fn returned to stop. */
int prs_doc_scan(struct prs_doc *d, struct prs_carry *c, size_t from,
    size_t stop, size_t *next, prs_each_fn fn, void *arg);

/* True when a part scanned from a guessed carry (part, as prs_doc_scan left
 * it) read nothing that differs from the true carry before it (truth). */
bool prs_carry_agrees(
    const struct prs_carry *part, const struct prs_carry *truth);

/* Makes truth, the true carry before a part that agrees with it, the true
 * carry after it. */
void prs_carry_follow(struct prs_carry *truth, const struct prs_carry *part);

/* Frees an array returned by the functions above. */
void prs_citations_free(struct vp_citation *cits, size_t n);

#endif

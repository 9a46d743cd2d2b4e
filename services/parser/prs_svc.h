/* prs_svc.h - the parser's job handler and its configuration (used by
 * vp-parser and the embedded mode). */
#ifndef PRS_SVC_H
#define PRS_SVC_H

#include <stddef.h>

#include "vp_cfg.h"
#include "vp_proto.h"

struct prs_laws;

/* The parser's settings. */
struct prs_cfg {
	/* a law table to use instead of the built-in one (TSV in the
	 * layout of data/bwb-titles.tsv, e.g. written by `vindplaats laws
	 * import`; the curated names and EU acts are added to it); NULL or ""
	 * = the built-in table */
	const char *laws;
};

/* Option table of struct prs_cfg (--parser-laws, VP_PARSER_LAWS). */
extern const struct vp_cfg_opt prs_cfg_opts[];
extern const size_t prs_cfg_n_opts;

/* The law index the settings ask for: *out = NULL for the built-in one, or
 * a loaded index owned by the caller (prs_laws_free). Returns VP_OK, or an
 * error with a message naming the file in err (the file cannot be read, is
 * too large or has no usable row). */
int prs_cfg_laws(
    const struct prs_cfg *cfg, struct prs_laws **out, char *err, size_t errlen);

/* vp_job_fn for parse.req jobs: segments (or text) in, res->citations out.
 * arg is the law index (const struct prs_laws *) or NULL for the built-in
 * one. */
int prs_job(void *arg, const struct vp_msg *job, struct vp_ready *res);

#endif

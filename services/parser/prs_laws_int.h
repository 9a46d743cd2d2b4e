/* prs_laws_int.h - the layout of the law index, shared by prs_laws.c, which
 * builds and searches it, and the build-time generator gen_laws, which
 * writes a built index out as C data (so the built-in index costs nothing
 * at start). Not a public header. */
#ifndef PRS_LAWS_INT_H
#define PRS_LAWS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "prs_laws.h"

#define FILTER_BITS PRS_LAW_FILTER_BITS

/* slot flags (low byte: PRS_NAME_*) */
#define SLOT_TERM   0x100
#define SLOT_PREFIX 0x200

/* One key of the name table: the hash chain of a name's first k words. */
struct prs_slot {
	uint64_t key;  /* 0: empty */
	uint32_t cand; /* first candidate in cands */
	uint16_t n_cand;
	uint16_t flags;
};

struct prs_laws {
	struct prs_law *laws;
	size_t n_laws, cap_laws;
	struct prs_slot *slots; /* mask + 1 of them, open addressing */
	size_t mask;
	uint32_t *cands;
	size_t n_cands;
	size_t n_names;
	/* first bytes of the names' first words (prs_laws_maybe) */
	uint64_t filter[(1u << FILTER_BITS) / 64];
	/* string storage: blocks of copied titles and ids */
	char **blocks;
	size_t n_blocks;
	char *blk;
	size_t blk_used, blk_cap;
	/* id -> law (NULL in a frozen index: found by a scan) */
	uint32_t *idmap;
	size_t idmask;
	int frozen; /* static data written by gen_laws: never freed */
};

#endif

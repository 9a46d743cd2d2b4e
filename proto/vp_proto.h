/* vp_proto.h - Vindplaats wire messages as owned C structs, and their codec.
 *
 * The structs are generated from messages.def; proto/ is the only place that
 * touches msgpack. Everything a decoded message points to is owned by it and
 * released by vp_msg_clear(): each string, array and struct a malloc block of
 * its own, which may be moved out and freed with free() (README: "Who owns a
 * decoded message"). Strings are NUL-terminated valid UTF-8.
 * The wire contract and its evolution rules are in proto/README.md. */
#ifndef VP_PROTO_H
#define VP_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VP_PROTO_VERSION 1

#define VP_REQ true
#define VP_OPT false

/* A key/value pair (a "fields" map entry). */
struct vp_kv {
	char *key;
	char *val;
};

/* ---- generated structs ------------------------------------------------- */
#define VP_STRUCT(name) struct vp_##name {
#define VP_END(name)                                                           \
	}                                                                      \
	;
#define VP_U32(s, m, k, f, max)    uint32_t m;
#define VP_U64(s, m, k, f, max)    uint64_t m;
#define VP_F64(s, m, k, f, lo, hi) double m;
#define VP_BOOL(s, m, k, f)        bool m;
#define VP_STR(s, m, k, f, maxlen) char *m;
#define VP_STATUS_STR(s, m, k, f)  char *m;
#define VP_BIN(s, m, k, f, maxlen)                                             \
	uint8_t *m;                                                            \
	size_t m##_len;
#define VP_ID16(s, m, k, f)                                                    \
	uint8_t m[16];                                                         \
	bool has_##m;
#define VP_STRS(s, m, k, f, maxn, maxlen)                                      \
	char **m;                                                              \
	size_t n_##m;
#define VP_U64S(s, m, k, f, maxn)                                              \
	uint64_t *m;                                                           \
	size_t n_##m;
#define VP_KVS(s, m, k, f, maxn, maxlen)                                       \
	struct vp_kv *m;                                                       \
	size_t n_##m;
#define VP_ARR(s, m, k, f, maxn, sub)                                          \
	struct vp_##sub *m;                                                    \
	size_t n_##m;
#define VP_PTR(s, m, k, f, sub) struct vp_##sub *m;
#define VP_MSG(e, t, b)
#define VP_MSG_NOBODY(e, t)
#define VP_STATUS(e, n, c)
#include "messages.def"
#include "vp_proto_fields_undef.h"

/* Message types: VP_T_<ENUM> for each VP_MSG of messages.def. */
enum vp_type {
	VP_T_NONE = 0,
#define VP_MSG(e, t, b)     VP_T_##e,
#define VP_MSG_NOBODY(e, t) VP_T_##e,
#define VP_STATUS(e, n, c)
#define VP_STRUCT(name)
#define VP_END(name)
#include "vp_proto_fields_off.h"
#include "messages.def"
	VP_T__COUNT
};
#include "vp_proto_fields_undef.h"

/* Check statuses: VP_ST_<ENUM> for each VP_STATUS of messages.def. */
enum vp_status {
#define VP_STATUS(e, n, c) VP_ST_##e,
#define VP_MSG(e, t, b)
#define VP_MSG_NOBODY(e, t)
#define VP_STRUCT(name)
#define VP_END(name)
#include "vp_proto_fields_off.h"
#include "messages.def"
	VP_ST__COUNT
};
#include "vp_proto_fields_undef.h"

/* What a check status means (README, exit status): the source answered with
 * the document, it is broken, no verdict could be had, or (no status) it has
 * not been checked yet. */
enum vp_status_class {
	VP_SC_REACHABLE,
	VP_SC_BROKEN,
	VP_SC_UNVERIFIABLE,
	VP_SC_PENDING,
	VP_SC__COUNT
};

/* Returns the wire name of st ("client_error"), or "?" when out of range. */
const char *vp_status_name(enum vp_status st);

/* Returns the status named name, or -1 (also for NULL). */
int vp_status_from_name(const char *name);

/* Returns the class of the status named name: VP_SC_PENDING for NULL (not
 * checked yet), VP_SC_UNVERIFIABLE for a name that is no status (the codec
 * never lets one in; a stray one must not count as broken). */
enum vp_status_class vp_status_class(const char *name);

/* True when the status named name says the source is broken: the one test
 * behind the CLI's exit status, the fetcher's archive lookups and the
 * monitor's failure count. */
bool vp_status_is_broken(const char *name);

/* Returns "reachable", "broken", "unverifiable" or "pending" ("?" when out of
 * range). */
const char *vp_status_class_name(enum vp_status_class c);

/* The envelope (docs/DESIGN.md §4). body points to struct vp_<body> of the
 * type's VP_MSG entry (NULL for types without a body); err is set on replies
 * that failed. timeout_ms is the REMAINING budget (0 = none given). */
struct vp_msg {
	uint32_t v;
	enum vp_type type;
	uint8_t id[16];
	bool has_id;
	uint32_t attempt;
	uint32_t timeout_ms;
	char *trace;
	void *body;
	struct vp_error *err;
};

/* Typed body accessors: vp_msg_<body>(m) returns the body when m has that
 * type, else NULL. */
#define VP_MSG(e, t, b)                                                        \
	static inline struct vp_##b *vp_msg_##b(const struct vp_msg *m)        \
	{                                                                      \
		return m->type == VP_T_##e ? (struct vp_##b *)m->body : NULL;  \
	}
#define VP_MSG_NOBODY(e, t)
#define VP_STATUS(e, n, c)
#define VP_STRUCT(name)
#define VP_END(name)
#include "vp_proto_fields_off.h"
#include "messages.def"
#include "vp_proto_fields_undef.h"

/* ---- descriptors (generated in desc.c) ---------------------------------- */

enum vp_kind {
	VP_K_U32,
	VP_K_U64,
	VP_K_F64,
	VP_K_BOOL,
	VP_K_STR,
	VP_K_BIN,
	VP_K_ID16,
	VP_K_STRS,
	VP_K_U64S,
	VP_K_KVS,
	VP_K_ARR,
	VP_K_PTR,
};

struct vp_desc;

/* One field of a struct: where it lives and what the wire allows. */
struct vp_field {
	const char *key;
	enum vp_kind kind;
	bool required;
	size_t off;   /* offset of the member */
	size_t off_n; /* BIN: m_len; arrays: n_m; ID16: has_m; else 0 */
	uint64_t
	    max; /* U32/U64: max value; STR/BIN: max bytes; arrays: max count */
	uint64_t max_item;         /* STRS/KVS: max bytes of each string */
	double fmin, fmax;         /* F64 range */
	const struct vp_desc *sub; /* ARR/PTR element struct */
	bool status;               /* STR: must name a check status */
	size_t key_len;            /* strlen(key) */
};

struct vp_desc {
	const char *name;
	size_t size;
	const struct vp_field *fields;
	size_t n_fields;
};

#define VP_STRUCT(name) extern const struct vp_desc vp_desc_##name;
#define VP_END(name)
#define VP_MSG(e, t, b)
#define VP_MSG_NOBODY(e, t)
#define VP_STATUS(e, n, c)
#include "vp_proto_fields_off.h"
#include "messages.def"
#include "vp_proto_fields_undef.h"

/* Returns the wire name of t ("resolve.req"), or "?" when out of range. */
const char *vp_type_name(enum vp_type t);

/* Returns the type whose wire name is name[0..len), or VP_T_NONE. */
enum vp_type vp_type_from_name(const char *name, size_t len);

/* Returns the body descriptor of t, or NULL for types without a body. */
const struct vp_desc *vp_type_body(enum vp_type t);

/* Frees every member obj owns (recursively) and zeroes *obj; obj itself is not
 * freed. Safe on a zeroed struct. */
void vp_obj_clear(const struct vp_desc *d, void *obj);

/* Deep-copies src into dst (a zeroed or uninitialised struct of d): every
 * string, array and nested struct is duplicated. On failure dst holds
 * nothing. Returns VP_OK or VP_ENOMEM. */
int vp_obj_copy(const struct vp_desc *d, void *dst, const void *src);

/* ---- codec -------------------------------------------------------------- */

/* Limits applied to untrusted input before and while decoding. */
struct vp_limits {
	size_t max_bytes;     /* whole message */
	uint32_t max_depth;   /* nesting of maps/arrays */
	uint32_t max_objects; /* total msgpack objects */
};

/* Fills *lim with the defaults: 80 MiB, depth 16, 8 Mi objects. */
void vp_limits_default(struct vp_limits *lim);

/* Why a decode failed: err is VP_EINVAL (malformed or schema violation),
 * VP_ETOOLARGE (a limit) or VP_EVERSION; msg names the field path. */
struct vp_decode_err {
	int err;
	char msg[192];
};

/* Checks raw bytes without allocating: every declared count and length fits in
 * the remaining bytes, depth and object count within lim, exactly one object
 * ending at len, no reserved or ext types. lim NULL = defaults; why may be
 * NULL. Returns VP_OK, VP_EINVAL or VP_ETOOLARGE. */
int vp_prevalidate(const void *buf, size_t len, const struct vp_limits *lim,
    struct vp_decode_err *why);

/* Initialises *m as an empty message of type t with version VP_PROTO_VERSION
 * and a zeroed, allocated body for types that have one. Returns VP_OK or
 * VP_ENOMEM (then *m holds nothing). */
int vp_msg_init(struct vp_msg *m, enum vp_type t);

/* Prevalidates, then decodes buf into *out by schema: types, ranges, UTF-8,
 * no duplicate keys, unknown keys skipped, required keys present. On success
 * *out owns everything (release with vp_msg_clear). On failure *out holds no
 * allocations, but out->id/has_id and out->type are filled when they could be
 * read, so that the error reply can carry the request id. */
int vp_msg_decode(struct vp_msg *out, const void *buf, size_t len,
    const struct vp_limits *lim, struct vp_decode_err *why);

/* Encodes *m into a new malloc'ed buffer; the caller frees *out. Returns
 * VP_OK, VP_ENOMEM, or VP_EINVAL when m breaks the schema (a required string
 * is NULL, an unknown type). */
int vp_msg_encode(const struct vp_msg *m, uint8_t **out, size_t *out_len);

/* Frees what *m owns (body, err, trace) and zeroes it. */
void vp_msg_clear(struct vp_msg *m);

/* Sets m->err to a new error {code of err, msg, retryable of err}, replacing
 * any previous one. Returns VP_OK or VP_ENOMEM. */
int vp_msg_set_error(struct vp_msg *m, int err, const char *msg);

/* ---- model helpers ------------------------------------------------------ */

/* Maps byte offset t of seg->text to a byte offset in the original input. */
uint64_t vp_segment_orig(const struct vp_segment *seg, uint64_t t);

/* Maps an END offset (exclusive) of seg->text to the original input: the
 * original offset just after the byte before t. t == 0 maps to seg->start. */
uint64_t vp_segment_orig_end(const struct vp_segment *seg, uint64_t t);

/* The value of citation field key ("dossier", "part"), or NULL when c has
 * no such field. The first of a key set twice. */
const char *vp_citation_field(const struct vp_citation *c, const char *key);

#endif

/* The Vindplaats wire codec: msgpack <-> the owned structs of vp_proto.h.
 * One generic walker over the descriptors of desc.c decodes and encodes every
 * message; only the envelope (docs/DESIGN.md §4) has code of its own.
 *
 * Decoding trusts nothing: vp_prevalidate bounds every count and length by
 * the bytes left, then the walker reads the msgpack tokens straight from the
 * buffer and checks types, ranges, lengths, UTF-8, duplicate and required
 * keys as it fills the structs. Recursion follows the schema (at most 6
 * levels), never the input. Encoding applies the same rules, so what encodes
 * also decodes, and writes the bytes msgpack-c's packer would. */
#include "vp_proto.h"

#include "vp_err.h"
#include "vp_utf8.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- decode errors ------------------------------------------------------ */

/* A field path as a chain of stack frames, printed only when a decode fails:
 * body.citations[3].spans[0].start */
struct path {
	const struct path *up;
	const char *key; /* NULL: an array index */
	size_t idx;
};

static size_t path_fmt(char *dst, size_t cap, const struct path *p)
{
	size_t n = 0;
	int w;

	if (p == NULL)
		return 0;
	n = path_fmt(dst, cap, p->up);
	if (n >= cap)
		return n;
	if (p->key != NULL)
		w = snprintf(
		    dst + n, cap - n, "%s%s", n > 0 ? "." : "", p->key);
	else
		w = snprintf(dst + n, cap - n, "[%zu]", p->idx);
	return w < 0 ? n : n + (size_t)w;
}

static int derr(struct vp_decode_err *why, int err, const struct path *p,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int derr(struct vp_decode_err *why, int err, const struct path *p,
    const char *fmt, ...)
{
	size_t n = path_fmt(why->msg, sizeof(why->msg), p);
	va_list ap;

	if (n >= sizeof(why->msg))
		n = sizeof(why->msg) - 1;
	if (n > 0 && n + 2 < sizeof(why->msg)) {
		memcpy(why->msg + n, ": ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(why->msg + n, sizeof(why->msg) - n, fmt, ap);
	va_end(ap);
	why->err = err;
	return err;
}

/* ---- reading msgpack ---------------------------------------------------- */

/* The decoder reads the bytes itself, one token at a time, and walks the
 * descriptors as it goes: no tree of msgpack objects is built and no byte is
 * copied but into the strings it returns. It runs only after vp_prevalidate,
 * so every header and payload is complete, no count exceeds the bytes left
 * and nesting is within the limit; the reader still checks the bounds it
 * relies on, so that a slip there is an error and not an overread. */
enum tok_type {
	TK_NIL,
	TK_BOOL,
	TK_UINT, /* any int >= 0, whatever its encoding (as msgpack-c) */
	TK_NINT, /* any int < 0 */
	TK_FLOAT,
	TK_STR,
	TK_BIN,
	TK_ARRAY,
	TK_MAP,
	TK_EXT,
};

struct tok {
	enum tok_type type;
	bool b;
	uint64_t u;
	int64_t i;
	double f;
	const char *ptr; /* str, bin: the bytes */
	uint32_t size;   /* str, bin: bytes; array: items; map: pairs */
};

struct rd {
	const uint8_t *p, *end;
};

static uint64_t rd_be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Reads one token (for str and bin also its payload); false when the bytes
 * end first. */
static bool rd_tok_any(struct rd *r, struct tok *t)
{
	size_t left = (size_t)(r->end - r->p);
	unsigned hdr = 1, n = 0; /* n: bytes of the length or value */
	uint8_t b;

	if (left == 0)
		return false;
	b = r->p[0];
	t->size = 0;
	if (b <= 0x7f) {
		t->type = TK_UINT;
		t->u = b;
	} else if (b >= 0xe0) {
		t->type = TK_NINT;
		t->i = (int8_t)b;
	} else if (b <= 0x8f) {
		t->type = TK_MAP;
		t->size = b & 0x0f;
	} else if (b <= 0x9f) {
		t->type = TK_ARRAY;
		t->size = b & 0x0f;
	} else if (b <= 0xbf) {
		t->type = TK_STR;
		t->size = b & 0x1f;
	} else {
		switch (b) {
		case 0xc0: t->type = TK_NIL; break;
		case 0xc2:
		case 0xc3:
			t->type = TK_BOOL;
			t->b = b == 0xc3;
			break;
		case 0xc4:
		case 0xc5:
		case 0xc6:
			t->type = TK_BIN;
			n = 1u << (b - 0xc4);
			break;
		case 0xd9:
		case 0xda:
		case 0xdb:
			t->type = TK_STR;
			n = 1u << (b - 0xd9);
			break;
		case 0xca:
		case 0xcb:
			t->type = TK_FLOAT;
			n = b == 0xca ? 4 : 8;
			break;
		case 0xcc:
		case 0xcd:
		case 0xce:
		case 0xcf:
			t->type = TK_UINT;
			n = 1u << (b - 0xcc);
			break;
		case 0xd0:
		case 0xd1:
		case 0xd2:
		case 0xd3:
			t->type = TK_NINT;
			n = 1u << (b - 0xd0);
			break;
		case 0xdc:
		case 0xdd:
			t->type = TK_ARRAY;
			n = b == 0xdc ? 2 : 4;
			break;
		case 0xde:
		case 0xdf:
			t->type = TK_MAP;
			n = b == 0xde ? 2 : 4;
			break;
		default: t->type = TK_EXT; return false; /* prevalidate's */
		}
	}
	if (left - hdr < n)
		return false;
	if (n > 0) {
		uint64_t v = rd_be(r->p + 1, n);
		switch (t->type) {
		case TK_UINT: t->u = v; break;
		case TK_NINT: {
			/* sign-extend; a non-negative int is a uint, as in
			 * msgpack-c */
			int64_t s = n == 1   ? (int8_t)v
			            : n == 2 ? (int16_t)v
			            : n == 4 ? (int32_t)v
			                     : (int64_t)v;
			if (s >= 0) {
				t->type = TK_UINT;
				t->u = (uint64_t)s;
			} else
				t->i = s;
			break;
		}
		case TK_FLOAT:
			if (n == 4) {
				float x;
				uint32_t w = (uint32_t)v;
				memcpy(&x, &w, 4);
				t->f = x;
			} else
				memcpy(&t->f, &v, 8);
			break;
		default: t->size = (uint32_t)v; break;
		}
		hdr += n;
	}
	r->p += hdr;
	if (t->type == TK_STR || t->type == TK_BIN) {
		if ((size_t)(r->end - r->p) < t->size)
			return false;
		t->ptr = (const char *)r->p;
		r->p += t->size;
	}
	return true;
}

/* rd_tok_any, with the headers most keys and values have (fixstr, positive
 * fixint, fixmap) read inline. */
static inline __attribute__((always_inline)) bool rd_tok(
    struct rd *r, struct tok *t)
{
	if (r->p < r->end) {
		uint8_t b = r->p[0];
		size_t left = (size_t)(r->end - r->p) - 1;
		if (b >= 0xa0 && b <= 0xbf && (size_t)(b & 0x1f) <= left) {
			t->type = TK_STR;
			t->size = b & 0x1f;
			t->ptr = (const char *)r->p + 1;
			r->p += 1 + t->size;
			return true;
		}
		if (b <= 0x7f) {
			t->type = TK_UINT;
			t->u = b;
			t->size = 0;
			r->p++;
			return true;
		}
		if (b >= 0x80 && b <= 0x8f) {
			t->type = TK_MAP;
			t->size = b & 0x0f;
			r->p++;
			return true;
		}
	}
	return rd_tok_any(r, t);
}

/* Skips what follows container token t (nothing for a scalar): the items of
 * an array, the pairs of a map, without recursion. */
static bool rd_skip_rest(struct rd *r, const struct tok *t)
{
	uint64_t pending = t->type == TK_ARRAY ? t->size
	                   : t->type == TK_MAP ? 2 * (uint64_t)t->size
	                                       : 0;
	while (pending > 0) {
		struct tok c;
		if (!rd_tok(r, &c))
			return false;
		pending--;
		if (c.type == TK_ARRAY)
			pending += c.size;
		else if (c.type == TK_MAP)
			pending += 2 * (uint64_t)c.size;
	}
	return true;
}

static bool rd_skip(struct rd *r)
{
	struct tok t;
	return rd_tok(r, &t) && rd_skip_rest(r, &t);
}

static const char *tok_name(const struct tok *t)
{
	switch (t->type) {
	case TK_NIL: return "nil";
	case TK_BOOL: return "bool";
	case TK_UINT: return "uint";
	case TK_NINT: return "negative int";
	case TK_FLOAT: return "float";
	case TK_STR: return "str";
	case TK_ARRAY: return "array";
	case TK_MAP: return "map";
	case TK_BIN: return "bin";
	default: return "ext";
	}
}

static int expected(struct vp_decode_err *why, const struct path *p,
    const char *what, const struct tok *t)
{
	return derr(
	    why, VP_EINVAL, p, "expected %s, got %s", what, tok_name(t));
}

static int truncated(struct vp_decode_err *why, const struct path *p)
{
	return derr(why, VP_EINVAL, p, "malformed msgpack");
}

/* ---- decode ------------------------------------------------------------- */

static int dec_struct(struct vp_decode_err *why, const struct path *p,
    const struct vp_desc *d, struct rd *r, void *obj);

static int dec_str(struct vp_decode_err *why, const struct path *p,
    const struct tok *t, uint64_t max, char **out)
{
	struct vp_utf8_error bad;

	if (t->type != TK_STR)
		return expected(why, p, "str", t);
	if (t->size > max)
		return derr(why, VP_EINVAL, p,
		    "string of %" PRIu32 " bytes exceeds %" PRIu64, t->size,
		    max);
	if (vp_utf8_prefix(t->ptr, t->size, VP_UTF8_NO_NUL, &bad) != t->size)
		return derr(why, VP_EINVAL, p,
		    bad.fault == VP_UTF8_CTRL ? "NUL byte in string"
		                              : "invalid UTF-8");
	if ((*out = malloc((size_t)t->size + 1)) == NULL)
		return derr(why, VP_ENOMEM, p, "out of memory");
	memcpy(*out, t->ptr, t->size);
	(*out)[t->size] = '\0';
	return VP_OK;
}

static int dec_uint(struct vp_decode_err *why, const struct path *p,
    const struct tok *t, uint64_t max, uint64_t *out)
{
	if (t->type != TK_UINT)
		return expected(why, p, "uint", t);
	if (t->u > max)
		return derr(why, VP_EINVAL, p,
		    "%" PRIu64 " out of range (max %" PRIu64 ")", t->u, max);
	*out = t->u;
	return VP_OK;
}

struct kstr {
	const char *ptr;
	size_t size;
};

static int kstr_cmp(const void *a, const void *b)
{
	const struct kstr *x = a, *y = b;
	int c = memcmp(x->ptr, y->ptr, x->size < y->size ? x->size : y->size);
	if (c != 0)
		return c;
	return x->size < y->size ? -1 : x->size > y->size;
}

/* Returns 1 when keys[0..n) holds a duplicate, else 0. Sorting keeps
 * hostile maps with many keys at n log n. */
static int has_dup(struct kstr *keys, size_t n)
{
	qsort(keys, n, sizeof(*keys), kstr_cmp);
	for (size_t i = 1; i < n; i++)
		if (kstr_cmp(&keys[i - 1], &keys[i]) == 0)
			return 1;
	return 0;
}

/* Keys usually come in descriptor order (our encoder writes them so, leaving
 * out absent fields): the search starts at the field after the previous one
 * and wraps around. */
static const struct vp_field *find_field(const struct vp_field *fields,
    size_t n, const struct tok *k, size_t hint, size_t *idx)
{
	size_t i = hint < n ? hint : 0;

	for (size_t j = 0; j < n; j++, i = i + 1 < n ? i + 1 : 0)
		if (fields[i].key_len == k->size && k->size > 0 &&
		    fields[i].key[0] == k->ptr[0] &&
		    memcmp(fields[i].key, k->ptr, k->size) == 0) {
			*idx = i;
			return &fields[i];
		}
	return NULL;
}

/* Rejects duplicates among the keys of the map whose n pairs start at start
 * that no field knows (known ones are caught by the seen mask as they are
 * decoded). The map was walked once already: its keys are str. */
static int unknown_dups(struct vp_decode_err *why, const struct path *p,
    struct rd at, uint32_t n_pairs, const struct vp_field *fields,
    size_t n_fields, size_t n_unknown)
{
	struct kstr *keys;
	size_t n = 0, idx;
	int rc;

	if (n_unknown < 2)
		return VP_OK;
	if ((keys = malloc(n_unknown * sizeof(*keys))) == NULL)
		return derr(why, VP_ENOMEM, p, "out of memory");
	for (uint32_t i = 0; i < n_pairs; i++) {
		struct tok k;
		if (!rd_tok(&at, &k) || !rd_skip(&at)) {
			free(keys);
			return truncated(why, p);
		}
		if (find_field(fields, n_fields, &k, 0, &idx) == NULL &&
		    n < n_unknown)
			keys[n++] = (struct kstr){k.ptr, k.size};
	}
	rc = has_dup(keys, n);
	free(keys);
	if (rc)
		return derr(why, VP_EINVAL, p, "duplicate key");
	return VP_OK;
}

static int key_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int dec_kvs(struct vp_decode_err *why, const struct path *p,
    const struct vp_field *f, const struct tok *t, struct rd *r,
    unsigned char *base)
{
	struct vp_kv **slot = (struct vp_kv **)(base + f->off);
	size_t *n = (size_t *)(base + f->off_n);
	const char **keys;
	int rc;

	if (t->type != TK_MAP)
		return expected(why, p, "map", t);
	if (t->size > f->max)
		return derr(why, VP_EINVAL, p,
		    "%" PRIu32 " entries exceed %" PRIu64, t->size, f->max);
	if (t->size == 0)
		return VP_OK;
	if ((*slot = calloc(t->size, sizeof(**slot))) == NULL)
		return derr(why, VP_ENOMEM, p, "out of memory");
	*n = t->size;
	for (uint32_t i = 0; i < t->size; i++) {
		struct path kp = {p, NULL, i};
		struct tok k, v;
		if (!rd_tok(r, &k))
			return truncated(why, &kp);
		if ((rc = dec_str(
		         why, &kp, &k, f->max_item, &(*slot)[i].key)) != VP_OK)
			return rc;
		if (!rd_tok(r, &v))
			return truncated(why, &kp);
		if ((rc = dec_str(
		         why, &kp, &v, f->max_item, &(*slot)[i].val)) != VP_OK)
			return rc;
	}
	/* a citation has a handful of fields: pairwise is cheaper than a sort
	 */
	if (t->size <= 8) {
		for (uint32_t i = 1; i < t->size; i++)
			for (uint32_t j = 0; j < i; j++)
				if (strcmp((*slot)[i].key, (*slot)[j].key) == 0)
					return derr(
					    why, VP_EINVAL, p, "duplicate key");
		return VP_OK;
	}
	/* the keys hold no NUL: strcmp orders them as their bytes */
	if ((keys = malloc(t->size * sizeof(*keys))) == NULL)
		return derr(why, VP_ENOMEM, p, "out of memory");
	for (uint32_t i = 0; i < t->size; i++)
		keys[i] = (*slot)[i].key;
	qsort(keys, t->size, sizeof(*keys), key_str_cmp);
	rc = 0;
	for (uint32_t i = 1; i < t->size && !rc; i++)
		rc = strcmp(keys[i - 1], keys[i]) == 0;
	free(keys);
	if (rc)
		return derr(why, VP_EINVAL, p, "duplicate key");
	return VP_OK;
}

static int dec_field(struct vp_decode_err *why, const struct path *p,
    const struct vp_field *f, struct rd *r, void *obj)
{
	unsigned char *base = obj;
	void *m = base + f->off;
	size_t *n = (size_t *)(base + f->off_n);
	struct tok t;
	uint64_t u = 0;
	int rc;

	if (f->kind == VP_K_PTR || f->kind == VP_K_ARR) {
		/* dec_struct reads the map itself */
		const uint8_t *at = r->p;
		if (!rd_tok(r, &t))
			return truncated(why, p);
		if (f->kind == VP_K_PTR) {
			void *sub;
			if (t.type != TK_MAP)
				return expected(why, p, "map", &t);
			if ((sub = calloc(1, f->sub->size)) == NULL)
				return derr(why, VP_ENOMEM, p, "out of memory");
			*(void **)m = sub;
			r->p = at;
			return dec_struct(why, p, f->sub, r, sub);
		}
	} else if (!rd_tok(r, &t))
		return truncated(why, p);

	switch (f->kind) {
	case VP_K_U32:
		if ((rc = dec_uint(why, p, &t, f->max, &u)) != VP_OK)
			return rc;
		*(uint32_t *)m = (uint32_t)u;
		return VP_OK;
	case VP_K_U64: return dec_uint(why, p, &t, f->max, (uint64_t *)m);
	case VP_K_F64: {
		double x;
		if (t.type == TK_FLOAT)
			x = t.f;
		else if (t.type == TK_UINT)
			x = (double)t.u;
		else if (t.type == TK_NINT)
			x = (double)t.i;
		else
			return expected(why, p, "number", &t);
		if (isnan(x))
			return derr(why, VP_EINVAL, p, "NaN not allowed");
		if (x < f->fmin || x > f->fmax)
			return derr(why, VP_EINVAL, p,
			    "%g out of range [%g, %g]", x, f->fmin, f->fmax);
		*(double *)m = x;
		return VP_OK;
	}
	case VP_K_BOOL:
		if (t.type != TK_BOOL)
			return expected(why, p, "bool", &t);
		*(bool *)m = t.b;
		return VP_OK;
	case VP_K_STR:
		if ((rc = dec_str(why, p, &t, f->max, (char **)m)) != VP_OK)
			return rc;
		if (f->status && vp_status_from_name(*(char **)m) < 0) {
			rc = derr(why, VP_EINVAL, p,
			    "unknown check status '%s'", *(char **)m);
			free(*(char **)m);
			*(char **)m = NULL;
			return rc;
		}
		return VP_OK;
	case VP_K_BIN: {
		/* str accepted too: some msgpack encoders cannot write bin */
		uint8_t *copy;
		if (t.type != TK_BIN && t.type != TK_STR)
			return expected(why, p, "bin", &t);
		if (t.size > f->max)
			return derr(why, VP_EINVAL, p,
			    "%" PRIu32 " bytes exceed %" PRIu64, t.size,
			    f->max);
		/* never NULL when present, even when empty */
		if ((copy = malloc(t.size ? t.size : 1)) == NULL)
			return derr(why, VP_ENOMEM, p, "out of memory");
		if (t.size > 0)
			memcpy(copy, t.ptr, t.size);
		*(uint8_t **)m = copy;
		*n = t.size;
		return VP_OK;
	}
	case VP_K_ID16:
		if (t.type != TK_BIN)
			return expected(why, p, "bin", &t);
		if (t.size != 16)
			return derr(why, VP_EINVAL, p,
			    "id of %" PRIu32 " bytes, expected 16", t.size);
		memcpy(m, t.ptr, 16);
		*(bool *)(base + f->off_n) = true;
		return VP_OK;
	case VP_K_STRS:
	case VP_K_U64S:
	case VP_K_ARR: break;
	case VP_K_KVS: return dec_kvs(why, p, f, &t, r, base);
	default: return derr(why, VP_EINTERNAL, p, "unknown field kind");
	}

	/* arrays */
	if (t.type != TK_ARRAY)
		return expected(why, p, "array", &t);
	if (t.size > f->max)
		return derr(why, VP_EINVAL, p,
		    "%" PRIu32 " elements exceed %" PRIu64, t.size, f->max);
	if (t.size == 0)
		return VP_OK;
	{
		size_t esz = f->kind == VP_K_STRS   ? sizeof(char *)
		             : f->kind == VP_K_U64S ? sizeof(uint64_t)
		                                    : f->sub->size;
		/* prevalidate let through no more items than bytes left: this
		 * is linear in the input */
		void *arr = calloc(t.size, esz);
		if (arr == NULL)
			return derr(why, VP_ENOMEM, p, "out of memory");
		/* owned from here on: vp_obj_clear frees partial arrays */
		*(void **)m = arr;
		*n = t.size;
		for (uint32_t i = 0; i < t.size; i++) {
			struct path ip = {p, NULL, i};
			struct tok e;
			if (f->kind == VP_K_ARR) {
				rc = dec_struct(
				    why, &ip, f->sub, r, (char *)arr + i * esz);
			} else if (!rd_tok(r, &e))
				rc = truncated(why, &ip);
			else if (f->kind == VP_K_STRS)
				rc = dec_str(why, &ip, &e, f->max_item,
				    (char **)arr + i);
			else
				rc = dec_uint(why, &ip, &e, UINT64_MAX,
				    (uint64_t *)arr + i);
			if (rc != VP_OK)
				return rc;
		}
	}
	return VP_OK;
}

static int dec_struct(struct vp_decode_err *why, const struct path *p,
    const struct vp_desc *d, struct rd *r, void *obj)
{
	uint64_t seen = 0;
	size_t n_unknown = 0, next = 0;
	struct tok t;
	struct rd start;
	int rc;

	if (!rd_tok(r, &t))
		return truncated(why, p);
	if (t.type != TK_MAP)
		return expected(why, p, "map", &t);
	if (VP_NEVER(d->n_fields > 64))
		return derr(why, VP_EINTERNAL, p, "struct too wide");
	start = *r;
	for (uint32_t i = 0; i < t.size; i++) {
		const struct vp_field *f;
		struct tok k;
		size_t idx;

		if (!rd_tok(r, &k))
			return truncated(why, p);
		if (k.type != TK_STR)
			return derr(why, VP_EINVAL, p, "key is %s, not str",
			    tok_name(&k));
		f = find_field(d->fields, d->n_fields, &k, next, &idx);
		if (f == NULL) {
			n_unknown++;
			if (!rd_skip(r))
				return truncated(why, p);
			continue;
		}
		next = idx + 1;
		struct path fp = {p, f->key, 0};
		if (seen & (1ull << idx))
			return derr(why, VP_EINVAL, &fp, "duplicate key");
		seen |= 1ull << idx;
		if ((rc = dec_field(why, &fp, f, r, obj)) != VP_OK)
			return rc;
	}
	for (size_t i = 0; i < d->n_fields; i++)
		if (d->fields[i].required && !(seen & (1ull << i))) {
			struct path fp = {p, d->fields[i].key, 0};
			return derr(
			    why, VP_EINVAL, &fp, "required key missing");
		}
	return unknown_dups(
	    why, p, start, t.size, d->fields, d->n_fields, n_unknown);
}

/* The envelope keys the generic walker can handle; "type" and "body" have
 * code of their own. */
#define ENV(k, kind, req, m, off_n, max, sub)                                  \
	{                                                                      \
		k, kind, req, offsetof(struct vp_msg, m), off_n, max, 0, 0, 0, \
		    sub, false, sizeof(k) - 1                                  \
	}
static const struct vp_field env_fields[] = {
    ENV("v", VP_K_U32, true, v, 0, UINT32_MAX, NULL),
    ENV("type", VP_K_STR, true, type, 0, 64, NULL),
    ENV("id", VP_K_ID16, false, id, offsetof(struct vp_msg, has_id), 16, NULL),
    ENV("attempt", VP_K_U32, false, attempt, 0, UINT32_MAX, NULL),
    ENV("timeout_ms", VP_K_U32, false, timeout_ms, 0, UINT32_MAX, NULL),
    ENV("trace", VP_K_STR, false, trace, 0, 256, NULL),
    ENV("body", VP_K_PTR, false, body, 0, 0, NULL),
    ENV("err", VP_K_PTR, false, err, 0, 0, &vp_desc_error),
};
#define N_ENV (sizeof(env_fields) / sizeof(env_fields[0]))
enum { ENV_V, ENV_TYPE, ENV_ID, ENV_BODY = 6 };

/* The first v, type and id of the envelope whose n pairs start at at (a key
 * that is not str is passed over here and rejected by the walk). The scan
 * stops once it has what it is asked for: v and type, and id when need_id. */
struct head {
	struct tok v, type, id;
	bool has_v, has_type, has_id;
};

static void head_scan(struct rd at, uint32_t n, bool need_id, struct head *h)
{
	memset(h, 0, sizeof(*h));
	for (uint32_t i = 0; i < n; i++) {
		struct tok k, val;
		if (h->has_v && h->has_type && (h->has_id || !need_id))
			return;
		if (!rd_tok(&at, &k) || !rd_skip_rest(&at, &k) ||
		    !rd_tok(&at, &val) || !rd_skip_rest(&at, &val))
			return;
		if (k.type != TK_STR)
			continue;
		if (!h->has_v && k.size == 1 && memcmp(k.ptr, "v", 1) == 0) {
			h->v = val;
			h->has_v = true;
		} else if (!h->has_type && k.size == 4 &&
		           memcmp(k.ptr, "type", 4) == 0) {
			h->type = val;
			h->has_type = true;
		} else if (!h->has_id && k.size == 2 &&
		           memcmp(k.ptr, "id", 2) == 0) {
			h->id = val;
			h->has_id = true;
		}
	}
}

static void head_id(const struct head *h, struct vp_msg *out)
{
	if (h->has_id && h->id.type == TK_BIN && h->id.size == 16) {
		memcpy(out->id, h->id.ptr, 16);
		out->has_id = true;
	}
}

/* Reads what an error reply needs (type; id when it comes before them) and
 * the version, before anything else can fail. */
static int dec_head(
    struct vp_decode_err *why, struct rd at, uint32_t n, struct vp_msg *out)
{
	struct head h;
	struct path vp = {NULL, "v", 0};

	head_scan(at, n, false, &h);
	head_id(&h, out);
	if (h.has_type && h.type.type == TK_STR)
		out->type = vp_type_from_name(h.type.ptr, h.type.size);
	if (!h.has_v)
		return derr(why, VP_EINVAL, &vp, "required key missing");
	if (h.v.type != TK_UINT)
		return expected(why, &vp, "uint", &h.v);
	if (h.v.u != VP_PROTO_VERSION)
		return derr(why, VP_EVERSION, &vp,
		    "version %" PRIu64 " not supported (this side speaks %d)",
		    h.v.u, VP_PROTO_VERSION);
	return VP_OK;
}

/* The body is decoded where it stands: the type is known from dec_head, and
 * a body on a type without one (or of an unknown type, rejected at "type")
 * is skipped like an unknown key. */
static int dec_envelope(
    struct vp_decode_err *why, struct rd *r, struct vp_msg *out)
{
	const struct vp_desc *bd;
	struct rd start;
	struct tok root;
	uint32_t seen = 0;
	size_t n_unknown = 0;
	int rc;

	if (!rd_tok(r, &root))
		return truncated(why, NULL);
	if (root.type != TK_MAP)
		return expected(why, NULL, "map", &root);
	start = *r;
	if ((rc = dec_head(why, start, root.size, out)) != VP_OK)
		return rc;
	bd = vp_type_body(out->type);
	for (uint32_t i = 0; i < root.size; i++) {
		const struct vp_field *f;
		struct tok k;
		size_t idx;

		if (!rd_tok(r, &k))
			return truncated(why, NULL);
		if (k.type != TK_STR)
			return derr(why, VP_EINVAL, NULL, "key is %s, not str",
			    tok_name(&k));
		f = find_field(env_fields, N_ENV, &k, 0, &idx);
		if (f == NULL) {
			n_unknown++;
			if (!rd_skip(r))
				return truncated(why, NULL);
			continue;
		}
		struct path fp = {NULL, f->key, 0};
		if (seen & (1u << idx))
			return derr(why, VP_EINVAL, &fp, "duplicate key");
		seen |= 1u << idx;
		if (idx == ENV_TYPE) {
			struct tok v;
			if (!rd_tok(r, &v))
				return truncated(why, &fp);
			if (v.type != TK_STR)
				return expected(why, &fp, "str", &v);
			if (out->type == VP_T_NONE)
				return derr(
				    why, VP_EINVAL, &fp, "unknown type");
			continue;
		}
		if (idx == ENV_BODY) {
			if (bd == NULL) {
				if (!rd_skip(r))
					return truncated(why, &fp);
				continue;
			}
			if ((out->body = calloc(1, bd->size)) == NULL)
				return derr(
				    why, VP_ENOMEM, &fp, "out of memory");
			if ((rc = dec_struct(why, &fp, bd, r, out->body)) !=
			    VP_OK)
				return rc;
			continue;
		}
		if ((rc = dec_field(why, &fp, f, r, out)) != VP_OK)
			return rc;
	}
	if (!(seen & (1u << ENV_TYPE))) {
		struct path fp = {NULL, "type", 0};
		return derr(why, VP_EINVAL, &fp, "required key missing");
	}
	if ((rc = unknown_dups(why, NULL, start, root.size, env_fields, N_ENV,
	         n_unknown)) != VP_OK)
		return rc;
	if (bd != NULL && !(seen & (1u << ENV_BODY)) && out->err == NULL) {
		/* a failed reply may carry no body */
		struct path bp = {NULL, "body", 0};
		return derr(why, VP_EINVAL, &bp, "required key missing");
	}
	return VP_OK;
}

int vp_msg_decode(struct vp_msg *out, const void *buf, size_t len,
    const struct vp_limits *lim, struct vp_decode_err *why)
{
	struct vp_decode_err local;
	struct rd r = {buf, (const uint8_t *)buf + len};
	int rc;

	if (why == NULL)
		why = &local;
	memset(out, 0, sizeof(*out));
	if ((rc = vp_prevalidate(buf, len, lim, why)) != VP_OK)
		return rc;
	rc = dec_envelope(why, &r, out);
	if (rc == VP_OK && r.p != r.end)
		rc = derr(why, VP_EINTERNAL, NULL, "bytes left after decode");
	if (rc != VP_OK) {
		/* keep what an error reply needs, free the rest; the id may
		 * stand after what failed */
		enum vp_type t = out->type;
		struct rd at = {buf, (const uint8_t *)buf + len};
		struct tok root;
		struct head h;
		vp_msg_clear(out);
		out->type = t;
		if (rd_tok(&at, &root) && root.type == TK_MAP) {
			head_scan(at, root.size, true, &h);
			head_id(&h, out);
		}
		return rc;
	}
	why->err = VP_OK;
	why->msg[0] = '\0';
	return VP_OK;
}

/* ---- encode ------------------------------------------------------------- */

/* The encoder writes msgpack itself, straight into one growing buffer: no
 * callback per header byte, and each string is measured once. The bytes are
 * those msgpack-c's packer writes (smallest int, str8 when it fits, float64),
 * which the golden vectors and unit_proto_codec check. A failed allocation
 * sets nomem; every later write is then dropped, and the caller sees it once
 * at the end. */
struct wbuf {
	uint8_t *p;
	size_t len, cap;
	bool nomem;
};

/* Makes room for n more bytes; false when out of memory. */
static bool room_slow(struct wbuf *w, size_t n)
{
	size_t cap = w->cap ? w->cap : 4096;
	uint8_t *p;

	if (w->nomem)
		return false;
	while (cap - w->len < n) {
		if (cap > SIZE_MAX / 2) {
			cap = SIZE_MAX;
			if (cap - w->len < n) {
				w->nomem = true;
				return false;
			}
			break;
		}
		cap *= 2;
	}
	if ((p = realloc(w->p, cap)) == NULL) {
		w->nomem = true;
		return false;
	}
	w->p = p;
	w->cap = cap;
	return true;
}

static inline bool room(struct wbuf *w, size_t n)
{
	return w->cap - w->len >= n || room_slow(w, n);
}

static inline void put_be(uint8_t *d, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		d[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* A type byte and an n-byte big-endian value. */
static inline void put_hdr(struct wbuf *w, uint8_t type, uint64_t v, unsigned n)
{
	if (!room(w, 9))
		return;
	w->p[w->len] = type;
	put_be(w->p + w->len + 1, v, n);
	w->len += 1 + n;
}

static inline void put_bytes(struct wbuf *w, const void *s, size_t n)
{
	if (n == 0 || !room(w, n))
		return;
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

static void pack_uint(struct wbuf *w, uint64_t v)
{
	if (v < 128) {
		if (room(w, 1))
			w->p[w->len++] = (uint8_t)v;
	} else if (v < 256)
		put_hdr(w, 0xcc, v, 1);
	else if (v < 65536)
		put_hdr(w, 0xcd, v, 2);
	else if (v <= UINT32_MAX)
		put_hdr(w, 0xce, v, 4);
	else
		put_hdr(w, 0xcf, v, 8);
}

static void pack_double(struct wbuf *w, double x)
{
	uint64_t bits;
	memcpy(&bits, &x, 8);
	put_hdr(w, 0xcb, bits, 8);
}

static void pack_bool(struct wbuf *w, bool b)
{
	if (room(w, 1))
		w->p[w->len++] = b ? 0xc3 : 0xc2;
}

/* The header of a str, bin, array or map of n: fix is the fix form's base
 * (0 when the kind has none), fix_max its largest n, k8/k16/k32 the type
 * bytes of the 1-, 2- and 4-byte length forms (0: no such form). */
static inline void pack_len(struct wbuf *w, size_t n, uint8_t fix,
    size_t fix_max, uint8_t k8, uint8_t k16, uint8_t k32)
{
	if (fix != 0 && n <= fix_max) {
		if (room(w, 1))
			w->p[w->len++] = (uint8_t)(fix | n);
	} else if (k8 != 0 && n < 256)
		put_hdr(w, k8, n, 1);
	else if (n < 65536)
		put_hdr(w, k16, n, 2);
	else
		put_hdr(w, k32, n, 4);
}

#define pack_map(w, n)    pack_len(w, n, 0x80, 15, 0, 0xde, 0xdf)
#define pack_array(w, n)  pack_len(w, n, 0x90, 15, 0, 0xdc, 0xdd)
#define pack_binhdr(w, n) pack_len(w, n, 0, 0, 0xc4, 0xc5, 0xc6)

static void pack_str(struct wbuf *w, const char *s, size_t n)
{
	if (n <= 31 && room(w, 1 + n)) { /* keys and most values */
		w->p[w->len] = (uint8_t)(0xa0 | n);
		memcpy(w->p + w->len + 1, s, n);
		w->len += 1 + n;
		return;
	}
	pack_len(w, n, 0xa0, 31, 0xd9, 0xda, 0xdb);
	put_bytes(w, s, n);
}

/* Writes s as a str when it is valid UTF-8 without NUL of at most max bytes;
 * false (nothing written) when not. */
static bool pack_text(struct wbuf *w, const char *s, uint64_t max)
{
	size_t n;
	if (s == NULL)
		return false;
	n = strlen(s);
	if (n > max || !vp_utf8_valid(s, n, VP_UTF8_NO_NUL))
		return false;
	pack_str(w, s, n);
	return true;
}

/* Whether an optional field is written: only when it holds something. */
static bool present(const struct vp_field *f, const unsigned char *base)
{
	const void *m = base + f->off;
	switch (f->kind) {
	case VP_K_U32: return *(const uint32_t *)m != 0;
	case VP_K_U64: return *(const uint64_t *)m != 0;
	case VP_K_F64: return *(const double *)m != 0.0;
	case VP_K_BOOL: return *(const bool *)m;
	case VP_K_STR:
	case VP_K_BIN:
	case VP_K_PTR: return *(void *const *)m != NULL;
	case VP_K_ID16: return *(const bool *)(base + f->off_n);
	default: return *(const size_t *)(base + f->off_n) != 0;
	}
}

static int enc_struct(struct wbuf *w, const struct vp_desc *d, const void *obj);

static int enc_field(
    struct wbuf *w, const struct vp_field *f, const unsigned char *base)
{
	const void *m = base + f->off;
	/* off_n is a size_t count except for ID16, where it is has_m */
	size_t n = f->off_n && f->kind != VP_K_ID16
	               ? *(const size_t *)(base + f->off_n)
	               : 0;
	int rc;

	switch (f->kind) {
	case VP_K_U32:
		if (*(const uint32_t *)m > f->max)
			return VP_EINVAL;
		pack_uint(w, *(const uint32_t *)m);
		return VP_OK;
	case VP_K_U64:
		if (*(const uint64_t *)m > f->max)
			return VP_EINVAL;
		pack_uint(w, *(const uint64_t *)m);
		return VP_OK;
	case VP_K_F64: {
		double x = *(const double *)m;
		if (isnan(x) || x < f->fmin || x > f->fmax)
			return VP_EINVAL;
		pack_double(w, x);
		return VP_OK;
	}
	case VP_K_BOOL: pack_bool(w, *(const bool *)m); return VP_OK;
	case VP_K_STR: {
		const char *s = *(char *const *)m;
		if (f->status && vp_status_from_name(s) < 0)
			return VP_EINVAL;
		return pack_text(w, s, f->max) ? VP_OK : VP_EINVAL;
	}
	case VP_K_BIN: {
		const uint8_t *b = *(uint8_t *const *)m;
		if ((b == NULL && n > 0) || n > f->max)
			return VP_EINVAL;
		pack_binhdr(w, n);
		put_bytes(w, b, n);
		return VP_OK;
	}
	case VP_K_ID16:
		pack_binhdr(w, 16);
		put_bytes(w, m, 16);
		return VP_OK;
	case VP_K_PTR: {
		const void *sub = *(void *const *)m;
		if (sub == NULL)
			return VP_EINVAL;
		return enc_struct(w, f->sub, sub);
	}
	default: break;
	}

	/* arrays and the string map */
	const void *arr = *(void *const *)m;
	if (n > f->max || (arr == NULL && n > 0))
		return VP_EINVAL;
	if (f->kind == VP_K_KVS) {
		const struct vp_kv *kv = arr;
		pack_map(w, n);
		for (size_t i = 0; i < n; i++) {
			/* quadratic, but KVS maps are small by schema */
			for (size_t j = 0; j < i && kv[i].key != NULL; j++)
				if (strcmp(kv[i].key, kv[j].key) == 0)
					return VP_EINVAL;
			if (!pack_text(w, kv[i].key, f->max_item) ||
			    !pack_text(w, kv[i].val, f->max_item))
				return VP_EINVAL;
		}
		return VP_OK;
	}
	pack_array(w, n);
	for (size_t i = 0; i < n; i++) {
		if (f->kind == VP_K_STRS) {
			if (!pack_text(w, ((char *const *)arr)[i], f->max_item))
				return VP_EINVAL;
		} else if (f->kind == VP_K_U64S) {
			pack_uint(w, ((const uint64_t *)arr)[i]);
		} else if ((rc = enc_struct(w, f->sub,
		                (const char *)arr + i * f->sub->size)) != VP_OK)
			return rc;
	}
	return VP_OK;
}

static int enc_struct(struct wbuf *w, const struct vp_desc *d, const void *obj)
{
	const unsigned char *base = obj;
	uint64_t written = 0; /* bit i: field i is written */
	size_t n = 0;
	int rc;

	if (VP_NEVER(d->n_fields > 64))
		return VP_EINTERNAL;
	for (size_t i = 0; i < d->n_fields; i++)
		if (d->fields[i].required || present(&d->fields[i], base)) {
			written |= 1ull << i;
			n++;
		}
	pack_map(w, n);
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct vp_field *f = &d->fields[i];
		if (!(written & (1ull << i)))
			continue;
		pack_str(w, f->key, f->key_len);
		if ((rc = enc_field(w, f, base)) != VP_OK)
			return rc;
	}
	return VP_OK;
}

/* The bytes of the bin fields of obj (not of nested structs): the large part
 * of a request that carries a document, known without a walk. */
static size_t bin_bytes(const struct vp_desc *d, const void *obj)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct vp_field *f = &d->fields[i];
		const char *base = obj;
		size_t len;
		if (f->kind != VP_K_BIN ||
		    *(void *const *)(base + f->off) == NULL)
			continue;
		len = *(const size_t *)(base + f->off_n);
		if (len <= f->max) /* else the walk rejects it */
			n += len;
	}
	return n;
}

int vp_msg_encode(const struct vp_msg *m, uint8_t **out, size_t *out_len)
{
	const struct vp_desc *bd = vp_type_body(m->type);
	const char *tname = vp_type_name(m->type);
	bool with_body = bd != NULL && m->body != NULL;
	struct wbuf w = {NULL, 0, 0, false};
	size_t n = 2;
	int rc = VP_OK;

	*out = NULL;
	*out_len = 0;
	if (m->type <= VP_T_NONE || m->type >= VP_T__COUNT)
		return VP_EINVAL;
	/* the decoder would reject a body-type message with neither */
	if (bd != NULL && m->body == NULL && m->err == NULL)
		return VP_EINVAL;
	n += m->has_id + (m->attempt > 0) + (m->timeout_ms > 0) +
	     (m->trace != NULL) + with_body + (m->err != NULL);

	/* a document or reply the body carries is sized in one go */
	if (with_body && !room(&w, 4096 + bin_bytes(bd, m->body))) {
		rc = VP_ENOMEM;
		goto fail;
	}
	pack_map(&w, n);
	pack_str(&w, "v", 1);
	/* a zeroed vp_msg speaks the current version */
	pack_uint(&w, m->v ? m->v : VP_PROTO_VERSION);
	pack_str(&w, "type", 4);
	pack_str(&w, tname, strlen(tname));
	if (m->has_id) {
		pack_str(&w, "id", 2);
		pack_binhdr(&w, 16);
		put_bytes(&w, m->id, 16);
	}
	if (m->attempt > 0) {
		pack_str(&w, "attempt", 7);
		pack_uint(&w, m->attempt);
	}
	if (m->timeout_ms > 0) {
		pack_str(&w, "timeout_ms", 10);
		pack_uint(&w, m->timeout_ms);
	}
	if (m->trace != NULL) {
		pack_str(&w, "trace", 5);
		if (!pack_text(&w, m->trace, 256)) {
			rc = VP_EINVAL;
			goto fail;
		}
	}
	if (with_body) {
		pack_str(&w, "body", 4);
		if ((rc = enc_struct(&w, bd, m->body)) != VP_OK)
			goto fail;
	}
	if (m->err != NULL) {
		pack_str(&w, "err", 3);
		if ((rc = enc_struct(&w, &vp_desc_error, m->err)) != VP_OK)
			goto fail;
	}
	if (w.nomem) {
		rc = VP_ENOMEM;
		goto fail;
	}
	*out_len = w.len;
	*out = w.p;
	return VP_OK;
fail:
	free(w.p);
	return rc;
}

/* ---- errors ------------------------------------------------------------- */

int vp_msg_set_error(struct vp_msg *m, int err, const char *msg)
{
	struct vp_error *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return VP_ENOMEM;
	e->code = strdup(vp_err_code(err));
	if (msg != NULL)
		e->msg =
		    vp_utf8_dup(msg, strlen(msg), 1024, 0); /* always encodes */
	e->retryable = vp_err_retryable(err);
	if (e->code == NULL || (msg != NULL && e->msg == NULL)) {
		vp_obj_clear(&vp_desc_error, e);
		free(e);
		return VP_ENOMEM;
	}
	if (m->err != NULL) {
		vp_obj_clear(&vp_desc_error, m->err);
		free(m->err);
	}
	m->err = e;
	return VP_OK;
}

/* Codec descriptors generated from messages.def, the type name table, and the
 * generic destructor that frees any generated struct by walking its fields. */
#include "vp_proto.h"

#include "vp_err.h"

#include <stdlib.h>
#include <string.h>

#define F(s, m)         offsetof(struct vp_##s, m)
#define VP_STRUCT(name) static const struct vp_field fields_##name[] = {
#define VP_END(name)                                                           \
	}                                                                      \
	;                                                                      \
	const struct vp_desc vp_desc_##name = {#name,                          \
	    sizeof(struct vp_##name), fields_##name,                           \
	    sizeof(fields_##name) / sizeof(fields_##name[0])};
#define VP_U32(s, m, k, f, mx)                                                 \
	{k, VP_K_U32, f, F(s, m), 0, mx, 0, 0, 0, NULL, false, sizeof(k) - 1},
#define VP_U64(s, m, k, f, mx)                                                 \
	{k, VP_K_U64, f, F(s, m), 0, mx, 0, 0, 0, NULL, false, sizeof(k) - 1},
#define VP_F64(s, m, k, f, lo, hi)                                             \
	{k, VP_K_F64, f, F(s, m), 0, 0, 0, lo, hi, NULL, false, sizeof(k) - 1},
#define VP_BOOL(s, m, k, f)                                                    \
	{k, VP_K_BOOL, f, F(s, m), 0, 0, 0, 0, 0, NULL, false, sizeof(k) - 1},
#define VP_STR(s, m, k, f, ml)                                                 \
	{k, VP_K_STR, f, F(s, m), 0, ml, 0, 0, 0, NULL, false, sizeof(k) - 1},
/* a status name is short; the table decides which ones are valid */
#define VP_STATUS_STR(s, m, k, f)                                              \
	{k, VP_K_STR, f, F(s, m), 0, 32, 0, 0, 0, NULL, true, sizeof(k) - 1},
#define VP_BIN(s, m, k, f, ml)                                                 \
	{k, VP_K_BIN, f, F(s, m), F(s, m##_len), ml, 0, 0, 0, NULL, false,     \
	    sizeof(k) - 1},
#define VP_ID16(s, m, k, f)                                                    \
	{k, VP_K_ID16, f, F(s, m), F(s, has_##m), 16, 0, 0, 0, NULL, false,    \
	    sizeof(k) - 1},
#define VP_STRS(s, m, k, f, mn, ml)                                            \
	{k, VP_K_STRS, f, F(s, m), F(s, n_##m), mn, ml, 0, 0, NULL, false,     \
	    sizeof(k) - 1},
#define VP_U64S(s, m, k, f, mn)                                                \
	{k, VP_K_U64S, f, F(s, m), F(s, n_##m), mn, 0, 0, 0, NULL, false,      \
	    sizeof(k) - 1},
#define VP_KVS(s, m, k, f, mn, ml)                                             \
	{k, VP_K_KVS, f, F(s, m), F(s, n_##m), mn, ml, 0, 0, NULL, false,      \
	    sizeof(k) - 1},
#define VP_ARR(s, m, k, f, mn, sub)                                            \
	{k, VP_K_ARR, f, F(s, m), F(s, n_##m), mn, 0, 0, 0, &vp_desc_##sub,    \
	    false, sizeof(k) - 1},
#define VP_PTR(s, m, k, f, sub)                                                \
	{k, VP_K_PTR, f, F(s, m), 0, 0, 0, 0, 0, &vp_desc_##sub, false,        \
	    sizeof(k) - 1},
#define VP_MSG(e, t, b)
#define VP_MSG_NOBODY(e, t)
#define VP_STATUS(e, n, c)
#include "messages.def"
#include "vp_proto_fields_undef.h"

static const struct {
	const char *name;
	const struct vp_desc *body;
} types[VP_T__COUNT] = {
    [VP_T_NONE] = {"?", NULL},
#define VP_MSG(e, t, b)     [VP_T_##e] = {t, &vp_desc_##b},
#define VP_MSG_NOBODY(e, t) [VP_T_##e] = {t, NULL},
#define VP_STATUS(e, n, c)
#define VP_STRUCT(name)
#define VP_END(name)
#include "vp_proto_fields_off.h"
#include "messages.def"
#include "vp_proto_fields_undef.h"
};

const char *vp_type_name(enum vp_type t)
{
	if ((int)t <= VP_T_NONE || t >= VP_T__COUNT)
		return "?";
	return types[t].name;
}

enum vp_type vp_type_from_name(const char *name, size_t len)
{
	for (int t = VP_T_NONE + 1; t < VP_T__COUNT; t++)
		if (strlen(types[t].name) == len &&
		    memcmp(types[t].name, name, len) == 0)
			return (enum vp_type)t;
	return VP_T_NONE;
}

const struct vp_desc *vp_type_body(enum vp_type t)
{
	if ((int)t <= VP_T_NONE || t >= VP_T__COUNT)
		return NULL;
	return types[t].body;
}

static const struct {
	const char *name;
	enum vp_status_class cls;
} statuses[VP_ST__COUNT] = {
#define VP_STATUS(e, n, c) [VP_ST_##e] = {n, VP_SC_##c},
#define VP_MSG(e, t, b)
#define VP_MSG_NOBODY(e, t)
#define VP_STRUCT(name)
#define VP_END(name)
#include "vp_proto_fields_off.h"
#include "messages.def"
#include "vp_proto_fields_undef.h"
};

const char *vp_status_name(enum vp_status st)
{
	if ((unsigned)st >= VP_ST__COUNT)
		return "?";
	return statuses[st].name;
}

int vp_status_from_name(const char *name)
{
	for (int st = 0; name != NULL && st < VP_ST__COUNT; st++)
		if (strcmp(statuses[st].name, name) == 0)
			return st;
	return -1;
}

enum vp_status_class vp_status_class(const char *name)
{
	int st = vp_status_from_name(name);
	if (name == NULL)
		return VP_SC_PENDING;
	return st < 0 ? VP_SC_UNVERIFIABLE : statuses[st].cls;
}

bool vp_status_is_broken(const char *name)
{
	return vp_status_class(name) == VP_SC_BROKEN;
}

const char *vp_status_class_name(enum vp_status_class c)
{
	static const char *const names[VP_SC__COUNT] = {
	    "reachable", "broken", "unverifiable", "pending"};
	return (unsigned)c < VP_SC__COUNT ? names[c] : "?";
}

void vp_obj_clear(const struct vp_desc *d, void *obj)
{
	unsigned char *base = obj;
	if (obj == NULL)
		return;
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct vp_field *f = &d->fields[i];
		void **slot = (void **)(base + f->off);
		/* off_n of an ID16 is a bool, not a count: never read it */
		size_t n = f->off_n && f->kind != VP_K_ID16
		               ? *(size_t *)(base + f->off_n)
		               : 0;
		switch (f->kind) {
		case VP_K_STR:
		case VP_K_BIN:
		case VP_K_U64S: free(*slot); break;
		case VP_K_STRS:
			for (size_t j = 0; j < n && *slot; j++)
				free(((char **)*slot)[j]);
			free(*slot);
			break;
		case VP_K_KVS:
			for (size_t j = 0; j < n && *slot; j++) {
				free(((struct vp_kv *)*slot)[j].key);
				free(((struct vp_kv *)*slot)[j].val);
			}
			free(*slot);
			break;
		case VP_K_ARR:
			for (size_t j = 0; j < n && *slot; j++)
				vp_obj_clear(
				    f->sub, (char *)*slot + j * f->sub->size);
			free(*slot);
			break;
		case VP_K_PTR:
			if (*slot) {
				vp_obj_clear(f->sub, *slot);
				free(*slot);
			}
			break;
		default: break;
		}
	}
	memset(obj, 0, d->size);
}

int vp_msg_init(struct vp_msg *m, enum vp_type t)
{
	const struct vp_desc *d = vp_type_body(t);
	memset(m, 0, sizeof(*m));
	m->v = VP_PROTO_VERSION;
	m->type = t;
	if (d != NULL && (m->body = calloc(1, d->size)) == NULL)
		return VP_ENOMEM;
	return VP_OK;
}

void vp_msg_clear(struct vp_msg *m)
{
	const struct vp_desc *d;
	if (m == NULL)
		return;
	d = vp_type_body(m->type);
	if (d != NULL && m->body != NULL) {
		vp_obj_clear(d, m->body);
		free(m->body);
	}
	if (m->err != NULL) {
		vp_obj_clear(&vp_desc_error, m->err);
		free(m->err);
	}
	free(m->trace);
	memset(m, 0, sizeof(*m));
}

uint64_t vp_segment_orig(const struct vp_segment *seg, uint64_t t)
{
	size_t lo = 0, hi = seg->n_map / 2;
	if (hi == 0)
		return seg->start + t;
	/* binary search for the last pair with text offset <= t */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (seg->map[2 * mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	if (seg->map[2 * lo] > t)
		return seg->map[1] - (seg->map[0] - t);
	return seg->map[2 * lo + 1] + (t - seg->map[2 * lo]);
}

uint64_t vp_segment_orig_end(const struct vp_segment *seg, uint64_t t)
{
	if (t == 0)
		return vp_segment_orig(seg, 0);
	return vp_segment_orig(seg, t - 1) + 1;
}

const char *vp_citation_field(const struct vp_citation *c, const char *key)
{
	for (size_t i = 0; i < c->n_fields; i++)
		if (c->fields[i].key != NULL &&
		    strcmp(c->fields[i].key, key) == 0)
			return c->fields[i].val;
	return NULL;
}

static int copy_str(char **dst, const char *src)
{
	if (src == NULL) {
		*dst = NULL;
		return VP_OK;
	}
	return (*dst = strdup(src)) ? VP_OK : VP_ENOMEM;
}

int vp_obj_copy(const struct vp_desc *d, void *dst, const void *src)
{
	const unsigned char *sb = src;
	unsigned char *db = dst;
	int rv = VP_OK;

	memcpy(dst, src, d->size); /* scalars; pointers are replaced below */
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct vp_field *f = &d->fields[i];
		void **dslot = (void **)(db + f->off);
		void *const *sslot = (void *const *)(sb + f->off);
		size_t n = 0;
		if (f->kind == VP_K_BIN || f->kind == VP_K_STRS ||
		    f->kind == VP_K_U64S || f->kind == VP_K_KVS ||
		    f->kind == VP_K_ARR)
			n = *(const size_t *)(sb + f->off_n);
		switch (f->kind) {
		case VP_K_STR:
		case VP_K_BIN:
		case VP_K_U64S:
		case VP_K_STRS:
		case VP_K_KVS:
		case VP_K_ARR:
		case VP_K_PTR: *dslot = NULL; break;
		default: break;
		}
		if (f->kind == VP_K_BIN || f->kind == VP_K_STRS ||
		    f->kind == VP_K_U64S || f->kind == VP_K_KVS ||
		    f->kind == VP_K_ARR)
			*(size_t *)(db + f->off_n) = 0;
		if (rv != VP_OK)
			continue; /* only clear the remaining pointers */
		switch (f->kind) {
		case VP_K_STR: rv = copy_str((char **)dslot, *sslot); break;
		case VP_K_BIN:
		case VP_K_U64S: {
			size_t bytes =
			    f->kind == VP_K_BIN ? n : n * sizeof(uint64_t);
			if (*sslot == NULL)
				break;
			if ((*dslot = malloc(bytes ? bytes : 1)) == NULL) {
				rv = VP_ENOMEM;
				break;
			}
			memcpy(*dslot, *sslot, bytes);
			*(size_t *)(db + f->off_n) = n;
			break;
		}
		case VP_K_STRS: {
			char **out;
			if (*sslot == NULL)
				break;
			if ((out = calloc(n ? n : 1, sizeof(char *))) == NULL) {
				rv = VP_ENOMEM;
				break;
			}
			*dslot = out;
			for (size_t j = 0; j < n && rv == VP_OK; j++) {
				rv = copy_str(
				    &out[j], ((char *const *)*sslot)[j]);
				*(size_t *)(db + f->off_n) = j + 1;
			}
			break;
		}
		case VP_K_KVS: {
			struct vp_kv *out;
			const struct vp_kv *in = *sslot;
			if (in == NULL)
				break;
			if ((out = calloc(n ? n : 1, sizeof(*out))) == NULL) {
				rv = VP_ENOMEM;
				break;
			}
			*dslot = out;
			for (size_t j = 0; j < n && rv == VP_OK; j++) {
				*(size_t *)(db + f->off_n) = j + 1;
				if ((rv = copy_str(&out[j].key, in[j].key)) ==
				    VP_OK)
					rv = copy_str(&out[j].val, in[j].val);
			}
			break;
		}
		case VP_K_ARR: {
			unsigned char *out;
			if (*sslot == NULL)
				break;
			if ((out = calloc(n ? n : 1, f->sub->size)) == NULL) {
				rv = VP_ENOMEM;
				break;
			}
			*dslot = out;
			for (size_t j = 0; j < n && rv == VP_OK; j++) {
				rv = vp_obj_copy(f->sub, out + j * f->sub->size,
				    (const unsigned char *)*sslot +
				        j * f->sub->size);
				/* a failed element holds nothing: count the
				 * good ones */
				*(size_t *)(db + f->off_n) =
				    rv == VP_OK ? j + 1 : j;
			}
			break;
		}
		case VP_K_PTR:
			if (*sslot == NULL)
				break;
			if ((*dslot = calloc(1, f->sub->size)) == NULL) {
				rv = VP_ENOMEM;
				break;
			}
			if ((rv = vp_obj_copy(f->sub, *dslot, *sslot)) !=
			    VP_OK) {
				free(*dslot);
				*dslot = NULL;
			}
			break;
		default: break;
		}
	}
	if (rv != VP_OK)
		vp_obj_clear(d, dst);
	return rv;
}

/* proto_tu.c - schema-driven test helpers: a filler that populates every field
 * of any message from the descriptors (so new fields are covered by the round
 * trip without touching the tests), a deep comparison and a flat dumper. */
#include "proto_tu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);
	if (p == NULL)
		abort();
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (p == NULL)
		abort();
	return p;
}

/* Unicode that exercises 2, 3 and 4 byte sequences; short enough (16 bytes)
 * for the smallest string limit of the schema. */
static const char short_text[] = "n\xc3\xa9"        /* né */
                                 "\xe2\x82\xac"     /* € */
                                 "\xf0\x9d\x84\x9e" /* 𝄞 */
                                 "ij\xc3\xab";      /* ijë */
static const char long_text[] =
    "Kamerstukken II 2019/20, 35 300 VI, nr. 4 \xe2\x80\x94 "
    "\xe2\x80\x98\xc3\xa9\xc3\xa9n\xe2\x80\x99 art. 7:658 BW "
    "\xf0\x9f\x87\xb3\xf0\x9f\x87\xb1 ECLI:NL:HR:2020:1234";

static char *text_for(uint64_t max, unsigned salt)
{
	const char *base = max >= sizeof(long_text) ? long_text : short_text;
	char *s = xcalloc(strlen(base) + 8, 1);
	/* the salt keeps keys of a string map distinct */
	snprintf(s, strlen(base) + 8, "%u%s", salt % 10, base);
	if (strlen(s) > max) {
		/* a field shorter than the unicode sample (a date): fill it
		 * with ASCII up to its limit */
		memset(s, 'x', max);
		s[0] = (char)('0' + salt % 10);
		s[max] = '\0';
	}
	return s;
}

void tu_fill_obj(const struct vp_desc *d, void *obj)
{
	unsigned char *base = obj;
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct vp_field *f = &d->fields[i];
		void *m = base + f->off;
		size_t *n = (size_t *)(base + f->off_n);
		switch (f->kind) {
		case VP_K_U32: *(uint32_t *)m = (uint32_t)f->max; break;
		case VP_K_U64: *(uint64_t *)m = f->max - 1; break;
		case VP_K_F64:
			*(double *)m = f->fmin + (f->fmax - f->fmin) * 0.8125;
			break;
		case VP_K_BOOL: *(bool *)m = true; break;
		case VP_K_STR:
			if (f->status) {
				/* a status field takes only names of the
				 * table */
				const char *st = vp_status_name(
				    (enum vp_status)(i % VP_ST__COUNT));
				*(char **)m = xcalloc(strlen(st) + 1, 1);
				memcpy(*(char **)m, st, strlen(st));
				break;
			}
			*(char **)m = text_for(f->max, (unsigned)i);
			break;
		case VP_K_BIN: {
			uint8_t *b = xcalloc(300, 1);
			for (int j = 0; j < 300; j++)
				b[j] = (uint8_t)(j * 7);
			*(uint8_t **)m = b;
			*n = 300;
			break;
		}
		case VP_K_ID16:
			memset(m, 0xa5, 16);
			*(bool *)n = true;
			break;
		case VP_K_STRS: {
			char **a = xcalloc(3, sizeof(*a));
			for (unsigned j = 0; j < 3; j++)
				a[j] = text_for(f->max_item, j);
			*(char ***)m = a;
			*n = 3;
			break;
		}
		case VP_K_U64S: {
			uint64_t *a = xcalloc(4, sizeof(*a));
			a[0] = 0, a[1] = 1, a[2] = UINT64_MAX, a[3] = 300;
			*(uint64_t **)m = a;
			*n = 4;
			break;
		}
		case VP_K_KVS: {
			struct vp_kv *a = xcalloc(2, sizeof(*a));
			for (unsigned j = 0; j < 2; j++) {
				a[j].key = text_for(f->max_item, j);
				a[j].val = text_for(f->max_item, j + 5);
			}
			*(struct vp_kv **)m = a;
			*n = 2;
			break;
		}
		case VP_K_ARR: {
			char *a = xcalloc(2, f->sub->size);
			tu_fill_obj(f->sub, a);
			tu_fill_obj(f->sub, a + f->sub->size);
			*(void **)m = a;
			*n = 2;
			break;
		}
		case VP_K_PTR:
			*(void **)m = xcalloc(1, f->sub->size);
			tu_fill_obj(f->sub, *(void **)m);
			break;
		}
	}
}

void tu_fill_msg(struct vp_msg *m, enum vp_type t)
{
	const struct vp_desc *d = vp_type_body(t);
	if (vp_msg_init(m, t) != 0)
		abort();
	for (int i = 0; i < 16; i++)
		m->id[i] = (uint8_t)(0xf0 + i);
	m->has_id = true;
	m->attempt = 3;
	m->timeout_ms = 29500;
	m->trace =
	    xstrdup("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
	if (d != NULL)
		tu_fill_obj(d, m->body);
	m->err = xcalloc(1, sizeof(*m->err));
	tu_fill_obj(&vp_desc_error, m->err);
}

static bool str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool obj_equal(const struct vp_desc *d, const void *x, const void *y)
{
	const unsigned char *a = x, *b = y;
	if (a == NULL || b == NULL)
		return a == b;
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct vp_field *f = &d->fields[i];
		const void *ma = a + f->off, *mb = b + f->off;
		size_t na = 0, nb = 0;
		if (f->off_n && f->kind != VP_K_ID16) {
			na = *(const size_t *)(a + f->off_n);
			nb = *(const size_t *)(b + f->off_n);
			if (na != nb)
				return false;
		}
		switch (f->kind) {
		case VP_K_U32:
			if (*(const uint32_t *)ma != *(const uint32_t *)mb)
				return false;
			break;
		case VP_K_U64:
			if (*(const uint64_t *)ma != *(const uint64_t *)mb)
				return false;
			break;
		case VP_K_F64:
			if (*(const double *)ma != *(const double *)mb)
				return false;
			break;
		case VP_K_BOOL:
			if (*(const bool *)ma != *(const bool *)mb)
				return false;
			break;
		case VP_K_STR:
			if (!str_eq(*(char *const *)ma, *(char *const *)mb))
				return false;
			break;
		case VP_K_BIN:
			if ((*(void *const *)ma == NULL) !=
			        (*(void *const *)mb == NULL) ||
			    (na && memcmp(*(void *const *)ma,
			               *(void *const *)mb, na) != 0))
				return false;
			break;
		case VP_K_ID16:
			if (*(const bool *)(a + f->off_n) !=
			        *(const bool *)(b + f->off_n) ||
			    memcmp(ma, mb, 16) != 0)
				return false;
			break;
		case VP_K_STRS:
			for (size_t j = 0; j < na; j++)
				if (!str_eq((*(char **const *)ma)[j],
				        (*(char **const *)mb)[j]))
					return false;
			break;
		case VP_K_U64S:
			if (na && memcmp(*(void *const *)ma, *(void *const *)mb,
			              na * sizeof(uint64_t)) != 0)
				return false;
			break;
		case VP_K_KVS:
			for (size_t j = 0; j < na; j++) {
				const struct vp_kv *ka =
				    *(struct vp_kv *const *)ma;
				const struct vp_kv *kb =
				    *(struct vp_kv *const *)mb;
				if (!str_eq(ka[j].key, kb[j].key) ||
				    !str_eq(ka[j].val, kb[j].val))
					return false;
			}
			break;
		case VP_K_ARR:
			for (size_t j = 0; j < na; j++)
				if (!obj_equal(f->sub,
				        *(char *const *)ma + j * f->sub->size,
				        *(char *const *)mb + j * f->sub->size))
					return false;
			break;
		case VP_K_PTR:
			if (!obj_equal(
			        f->sub, *(void *const *)ma, *(void *const *)mb))
				return false;
			break;
		}
	}
	return true;
}

bool tu_msg_equal(const struct vp_msg *a, const struct vp_msg *b)
{
	const struct vp_desc *d = vp_type_body(a->type);
	if (a->v != b->v || a->type != b->type || a->has_id != b->has_id ||
	    (a->has_id && memcmp(a->id, b->id, 16) != 0) ||
	    a->attempt != b->attempt || a->timeout_ms != b->timeout_ms ||
	    !str_eq(a->trace, b->trace) ||
	    !obj_equal(&vp_desc_error, a->err, b->err))
		return false;
	if (d == NULL)
		return true;
	return obj_equal(d, a->body, b->body);
}

static void dump_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void dump_hex(FILE *f, const uint8_t *b, size_t n)
{
	size_t show = n > 32 ? 32 : n;
	for (size_t i = 0; i < show; i++)
		fprintf(f, "%02x", b[i]);
	if (show < n)
		fprintf(f, "... (%zu bytes)", n);
}

static void dump_obj(
    FILE *out, const char *path, const struct vp_desc *d, const void *obj)
{
	const unsigned char *base = obj;
	char sub[512];
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct vp_field *f = &d->fields[i];
		const void *m = base + f->off;
		size_t n = f->off_n && f->kind != VP_K_ID16
		               ? *(const size_t *)(base + f->off_n)
		               : 0;
		snprintf(sub, sizeof(sub), "%s.%s", path, f->key);
		switch (f->kind) {
		case VP_K_U32:
			if (*(const uint32_t *)m || f->required)
				fprintf(
				    out, "%s: %u\n", sub, *(const uint32_t *)m);
			break;
		case VP_K_U64:
			if (*(const uint64_t *)m || f->required)
				fprintf(out, "%s: %llu\n", sub,
				    (unsigned long long)*(const uint64_t *)m);
			break;
		case VP_K_F64:
			if (*(const double *)m != 0 || f->required)
				fprintf(out, "%s: %.17g\n", sub,
				    *(const double *)m);
			break;
		case VP_K_BOOL:
			if (*(const bool *)m || f->required)
				fprintf(out, "%s: %s\n", sub,
				    *(const bool *)m ? "true" : "false");
			break;
		case VP_K_STR:
			if (*(char *const *)m) {
				fprintf(out, "%s: ", sub);
				dump_str(out, *(char *const *)m);
				fputc('\n', out);
			}
			break;
		case VP_K_BIN:
			if (*(void *const *)m) {
				fprintf(out, "%s: bin ", sub);
				dump_hex(out, *(uint8_t *const *)m, n);
				fputc('\n', out);
			}
			break;
		case VP_K_ID16:
			if (*(const bool *)(base + f->off_n)) {
				fprintf(out, "%s: ", sub);
				dump_hex(out, m, 16);
				fputc('\n', out);
			}
			break;
		case VP_K_STRS:
			for (size_t j = 0; j < n; j++) {
				fprintf(out, "%s[%zu]: ", sub, j);
				dump_str(out, (*(char **const *)m)[j]);
				fputc('\n', out);
			}
			break;
		case VP_K_U64S:
			for (size_t j = 0; j < n; j++)
				fprintf(out, "%s[%zu]: %llu\n", sub, j,
				    (unsigned long long)(*(
				        uint64_t *const *)m)[j]);
			break;
		case VP_K_KVS:
			for (size_t j = 0; j < n; j++) {
				const struct vp_kv *kv =
				    *(struct vp_kv *const *)m;
				fprintf(out, "%s{", sub);
				dump_str(out, kv[j].key);
				fprintf(out, "}: ");
				dump_str(out, kv[j].val);
				fputc('\n', out);
			}
			break;
		case VP_K_ARR:
			for (size_t j = 0; j < n; j++) {
				char el[600];
				snprintf(el, sizeof(el), "%s[%zu]", sub, j);
				dump_obj(out, el, f->sub,
				    *(char *const *)m + j * f->sub->size);
			}
			break;
		case VP_K_PTR:
			if (*(void *const *)m)
				dump_obj(out, sub, f->sub, *(void *const *)m);
			break;
		}
	}
}

void tu_dump_msg(FILE *f, const struct vp_msg *m)
{
	const struct vp_desc *d = vp_type_body(m->type);
	fprintf(f, "v: %u\ntype: %s\n", m->v, vp_type_name(m->type));
	if (m->has_id) {
		fprintf(f, "id: ");
		dump_hex(f, m->id, 16);
		fputc('\n', f);
	}
	if (m->attempt)
		fprintf(f, "attempt: %u\n", m->attempt);
	if (m->timeout_ms)
		fprintf(f, "timeout_ms: %u\n", m->timeout_ms);
	if (m->trace) {
		fprintf(f, "trace: ");
		dump_str(f, m->trace);
		fputc('\n', f);
	}
	if (d != NULL && m->body != NULL)
		dump_obj(f, "body", d, m->body);
	if (m->err != NULL)
		dump_obj(f, "err", &vp_desc_error, m->err);
}

unsigned char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

/* Unit tests of the wire codec: round trip of every message type, and every
 * kind of hostile input rejected with its own error. Most hostile cases are
 * generated from the schema: a fully populated message is unpacked, one map
 * entry is mutated in place, and the result is packed and decoded again. */
#include "proto_tu.h"
#include "vp_err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <math.h>
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint8_t *encode_ok(const struct vp_msg *m, size_t *len)
{
	uint8_t *buf = NULL;
	assert_int_equal(vp_msg_encode(m, &buf, len), VP_OK);
	assert_non_null(buf);
	return buf;
}

static uint8_t *pack_obj(const msgpack_object *o, size_t *len)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	assert_int_equal(msgpack_pack_object(&pk, *o), 0);
	*len = sb.size;
	return (uint8_t *)msgpack_sbuffer_release(&sb);
}

/* Decodes buf and asserts the error code and that why.msg starts with want
 * (or contains it, when want starts with '*'). */
static void expect_err(const void *buf, size_t len, const struct vp_limits *lim,
    int err, const char *want)
{
	struct vp_msg m;
	struct vp_decode_err why;
	int rc = vp_msg_decode(&m, buf, len, lim, &why);
	if (rc != err ||
	    (want != NULL &&
	        (want[0] == '*' ? strstr(why.msg, want + 1) == NULL
	                        : strncmp(why.msg, want, strlen(want)) != 0)))
		fail_msg("want %d \"%s\", got %d \"%s\"", err, want ? want : "",
		    rc, why.msg);
	assert_null(m.body);
	assert_null(m.err);
	assert_null(m.trace);
	vp_msg_clear(&m);
}

/* ---- round trip ---------------------------------------------------------- */

static void test_roundtrip_every_type(void **state)
{
	for (int t = VP_T_NONE + 1; t < VP_T__COUNT; t++) {
		struct vp_msg a, b;
		struct vp_decode_err why;
		uint8_t *e1, *e2;
		size_t n1, n2;

		tu_fill_msg(&a, (enum vp_type)t);
		e1 = encode_ok(&a, &n1);
		if (vp_msg_decode(&b, e1, n1, NULL, &why) != VP_OK)
			fail_msg("%s: %s", vp_type_name(t), why.msg);
		assert_true(tu_msg_equal(&a, &b));
		e2 = encode_ok(&b, &n2);
		assert_int_equal(n1, n2);
		assert_memory_equal(e1, e2, n1);
		free(e1);
		free(e2);
		vp_msg_clear(&a);
		vp_msg_clear(&b);
	}
}

/* The encoder writes msgpack by hand: its bytes must be those msgpack-c's
 * packer writes for the same values (smallest int and length forms, str8,
 * float64), which is what every deployed receiver and the golden vectors
 * have seen. Checked by unpacking each encoding and packing it again with
 * msgpack-c, on every message type and on every length and int boundary. */
static void expect_msgpack_c_bytes(const struct vp_msg *m)
{
	msgpack_unpacked u;
	uint8_t *buf, *ref;
	size_t len, ref_len, off = 0;

	buf = encode_ok(m, &len);
	msgpack_unpacked_init(&u);
	assert_int_equal(msgpack_unpack_next(&u, (const char *)buf, len, &off),
	    MSGPACK_UNPACK_SUCCESS);
	assert_int_equal(off, len);
	ref = pack_obj(&u.data, &ref_len);
	assert_int_equal(len, ref_len);
	assert_memory_equal(buf, ref, len);
	msgpack_unpacked_destroy(&u);
	free(buf);
	free(ref);
}

static char *str_of(size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)('a' + i % 26);
	s[n] = '\0';
	return s;
}

static void test_encode_matches_msgpack_c(void **state)
{
	static const size_t lens[] = {
	    0, 1, 15, 16, 31, 32, 255, 256, 65535, 65536, 70000};
	static const uint64_t nums[] = {0, 1, 127, 128, 255, 256, 65535, 65536,
	    UINT32_MAX, (uint64_t)UINT32_MAX + 1, UINT64_MAX};

	for (int t = VP_T_NONE + 1; t < VP_T__COUNT; t++) {
		struct vp_msg m;
		tu_fill_msg(&m, (enum vp_type)t);
		expect_msgpack_c_bytes(&m);
		vp_msg_clear(&m);
	}
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct vp_msg m;
		struct vp_split_rep *b;
		struct vp_resolve_req *r;
		struct vp_segment *seg;
		size_t n = lens[i];

		/* a str, an array of n and a map of up to 64 */
		assert_int_equal(vp_msg_init(&m, VP_T_SPLIT_REP), VP_OK);
		b = vp_msg_split_rep(&m);
		b->segments = seg = calloc(1, sizeof(*seg));
		b->n_segments = 1;
		seg->kind = str_of(n < 32 ? n : 32);
		seg->text = str_of(n);
		seg->index = (uint32_t)(n % 4096);
		seg->start = nums[i % (sizeof(nums) / sizeof(nums[0]))];
		seg->end = UINT64_MAX;
		seg->n_map = n;
		seg->map = calloc(n ? n : 1, sizeof(*seg->map));
		for (size_t j = 0; j < n; j++)
			seg->map[j] =
			    nums[j % (sizeof(nums) / sizeof(nums[0]))];
		expect_msgpack_c_bytes(&m);
		vp_msg_clear(&m);

		/* a bin of n */
		assert_int_equal(vp_msg_init(&m, VP_T_RESOLVE_REQ), VP_OK);
		r = vp_msg_resolve_req(&m);
		r->doc = (uint8_t *)str_of(n);
		r->doc_len = n;
		m.attempt = (uint32_t)(nums[i] & UINT32_MAX);
		m.timeout_ms = (uint32_t)n;
		expect_msgpack_c_bytes(&m);
		vp_msg_clear(&m);
	}
	for (size_t n = 14; n <= 17; n++) { /* fixmap and map16 */
		struct vp_msg m;
		struct vp_parse_rep *b;
		struct vp_citation *c;
		assert_int_equal(vp_msg_init(&m, VP_T_PARSE_REP), VP_OK);
		b = vp_msg_parse_rep(&m);
		b->citations = c = calloc(1, sizeof(*c));
		b->n_citations = 1;
		c->family = str_of(3);
		c->id = str_of(40);
		c->confidence = 0.5;
		c->fields = calloc(n, sizeof(*c->fields));
		c->n_fields = n;
		for (size_t j = 0; j < n; j++) {
			char key[8];
			snprintf(key, sizeof(key), "k%zu", j);
			c->fields[j].key = strdup(key);
			c->fields[j].val = str_of(j * 20);
		}
		expect_msgpack_c_bytes(&m);
		vp_msg_clear(&m);
	}
}

/* A duplicate key in a string map is found whatever the map's size (small
 * maps are checked pair by pair, large ones sorted). */
static void test_fields_duplicate(void **state)
{
	for (size_t n = 2; n <= 12; n += 10) {
		struct vp_msg m;
		struct vp_parse_rep *b;
		struct vp_citation *c;
		uint8_t *buf, *hit;
		size_t len;
		assert_int_equal(vp_msg_init(&m, VP_T_PARSE_REP), VP_OK);
		b = vp_msg_parse_rep(&m);
		b->citations = c = calloc(1, sizeof(*c));
		b->n_citations = 1;
		c->family = strdup("kst");
		c->id = strdup("kst-1");
		c->fields = calloc(n, sizeof(*c->fields));
		c->n_fields = n;
		for (size_t j = 0; j < n; j++) {
			char key[8];
			snprintf(key, sizeof(key), "k%c", (char)('a' + j));
			c->fields[j].key = strdup(key);
			c->fields[j].val = strdup("v");
		}
		buf = encode_ok(&m, &len);
		vp_msg_clear(&m);
		assert_int_equal(
		    vp_msg_decode(&m, buf, len, NULL, NULL), VP_OK);
		vp_msg_clear(&m);
		/* the last key becomes the first: "k?" -> "ka" */
		hit = memmem(buf, len, n == 2 ? "kb" : "kl", 2);
		assert_non_null(hit);
		hit[1] = 'a';
		expect_err(buf, len, NULL, VP_EINVAL,
		    "body.citations[0].fields: duplicate key");
		free(buf);
	}
}

static void test_minimal_bytes(void **state)
{
	/* only what is required, nothing else: {"v":1,"type":"idle"} */
	static const uint8_t want[] = {0x82, 0xa1, 'v', 0x01, 0xa4, 't', 'y',
	    'p', 'e', 0xa4, 'i', 'd', 'l', 'e'};
	struct vp_msg m;
	uint8_t *buf;
	size_t len;
	assert_int_equal(vp_msg_init(&m, VP_T_IDLE), VP_OK);
	buf = encode_ok(&m, &len);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, len);
	free(buf);
	vp_msg_clear(&m);
}

static void test_encode_rejects(void **state)
{
	struct vp_msg m;
	uint8_t *buf = NULL;
	size_t len;
	struct vp_parse_rep *pr;

	memset(&m, 0, sizeof(m));
	assert_int_equal(vp_msg_encode(&m, &buf, &len), VP_EINVAL);
	/* a body type with neither body nor err */
	m.type = VP_T_PARSE_REP;
	assert_int_equal(vp_msg_encode(&m, &buf, &len), VP_EINVAL);
	tu_fill_msg(&m, VP_T_PARSE_REP);
	pr = vp_msg_parse_rep(&m);
	free(pr->citations[1].family);
	pr->citations[1].family = NULL; /* required */
	assert_int_equal(vp_msg_encode(&m, &buf, &len), VP_EINVAL);
	pr->citations[1].family = strdup("kst");
	pr->citations[0].confidence = NAN;
	assert_int_equal(vp_msg_encode(&m, &buf, &len), VP_EINVAL);
	pr->citations[0].confidence = 0.5;
	assert_int_equal(vp_msg_encode(&m, &buf, &len), VP_OK);
	free(buf);
	vp_msg_clear(&m);
}

static void test_set_error(void **state)
{
	struct vp_msg m, d;
	char big[3000];
	uint8_t *buf;
	size_t len;

	assert_int_equal(vp_msg_init(&m, VP_T_ERROR), VP_OK);
	assert_int_equal(vp_msg_set_error(&m, VP_EBUSY, "queue full"), VP_OK);
	assert_string_equal(m.err->code, "busy");
	assert_true(m.err->retryable);
	/* replaced; oversize and invalid UTF-8 made safe so it encodes */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[0] = (char)0xff;
	assert_int_equal(vp_msg_set_error(&m, VP_EINVAL, big), VP_OK);
	assert_string_equal(m.err->code, "bad_request");
	assert_false(m.err->retryable);
	assert_int_equal(strlen(m.err->msg), 1024);
	assert_int_equal(m.err->msg[0], '?');
	buf = encode_ok(&m, &len);
	assert_int_equal(vp_msg_decode(&d, buf, len, NULL, NULL), VP_OK);
	assert_true(tu_msg_equal(&m, &d));
	free(buf);
	vp_msg_clear(&d);
	vp_msg_clear(&m);
}

/* ---- raw hostile inputs ----------------------------------------------------
 */

static void test_huge_array_fails_fast(void **state)
{
	/* 5 bytes declaring an array of 2^26 elements */
	static const uint8_t arr[] = {0xdd, 0x04, 0x00, 0x00, 0x00};
	static const uint8_t map[] = {0xdf, 0x04, 0x00, 0x00, 0x00};
	clock_t t0 = clock();
	expect_err(arr, sizeof(arr), NULL, VP_EINVAL, "*does not fit");
	expect_err(map, sizeof(map), NULL, VP_EINVAL, "*does not fit");
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 0.1);
}

static void test_truncation_every_offset(void **state)
{
	struct vp_msg m;
	uint8_t *buf;
	size_t len;
	tu_fill_msg(&m, VP_T_PARSE_REP);
	buf = encode_ok(&m, &len);
	for (size_t i = 0; i < len; i++)
		expect_err(buf, i, NULL, VP_EINVAL, NULL);
	free(buf);
	vp_msg_clear(&m);
}

static void test_trailing_and_reserved(void **state)
{
	struct vp_msg m;
	uint8_t *buf, *grown;
	size_t len;
	static const uint8_t c1[] = {0x81, 0xa1, 'v', 0xc1};
	static const uint8_t ext[] = {0x81, 0xa1, 'v', 0xd4, 0x01, 0x00};
	static const uint8_t notmap[] = {0x92, 0x01, 0x02};
	static const uint8_t intkey[] = {0x82, 0xa1, 'v', 0x01, 0x05, 0x05};

	tu_fill_msg(&m, VP_T_IDLE);
	buf = encode_ok(&m, &len);
	grown = realloc(buf, len + 1);
	assert_non_null(grown);
	buf = grown;
	buf[len] = 0xc0;
	expect_err(buf, len + 1, NULL, VP_EINVAL, "1 trailing bytes");
	free(buf);
	vp_msg_clear(&m);
	expect_err(c1, sizeof(c1), NULL, VP_EINVAL, "reserved byte 0xc1");
	expect_err(ext, sizeof(ext), NULL, VP_EINVAL, "ext type");
	expect_err(notmap, sizeof(notmap), NULL, VP_EINVAL, "expected map");
	expect_err(intkey, sizeof(intkey), NULL, VP_EINVAL, "key is uint");
	expect_err(NULL, 0, NULL, VP_EINVAL, "empty message");
}

static void test_limits(void **state)
{
	struct vp_msg m;
	struct vp_limits lim;
	uint8_t *buf, deep[64];
	size_t len, n = 0;

	tu_fill_msg(&m, VP_T_PARSE_REP);
	buf = encode_ok(&m, &len);
	vp_limits_default(&lim);
	assert_int_equal(lim.max_bytes, 80u << 20);
	assert_int_equal(lim.max_depth, 16);
	assert_int_equal(lim.max_objects, 8u << 20);
	lim.max_bytes = len - 1;
	expect_err(buf, len, &lim, VP_ETOOLARGE, "message of");
	vp_limits_default(&lim);
	lim.max_objects = 10;
	expect_err(buf, len, &lim, VP_ETOOLARGE, "more than 10 objects");
	vp_limits_default(&lim);
	lim.max_depth = 5; /* body.citations[0].spans is at depth 5 */
	expect_err(buf, len, &lim, VP_ETOOLARGE, "nesting deeper than 5");
	lim.max_depth = 6;
	assert_int_equal(vp_prevalidate(buf, len, &lim, NULL), VP_OK);
	free(buf);
	vp_msg_clear(&m);

	/* 17 nested arrays under an unknown key, default limits */
	deep[n++] = 0x83;
	deep[n++] = 0xa1, deep[n++] = 'v', deep[n++] = 0x01;
	deep[n++] = 0xa4;
	memcpy(deep + n, "type", 4), n += 4;
	deep[n++] = 0xa4;
	memcpy(deep + n, "idle", 4), n += 4;
	deep[n++] = 0xa1, deep[n++] = 'x';
	for (int i = 0; i < 16; i++)
		deep[n++] = 0x91;
	deep[n++] = 0x90;
	expect_err(deep, n, NULL, VP_ETOOLARGE, "nesting deeper than 16");
	/* depth 16 exactly is fine, and the unknown key is skipped */
	deep[n - 3] = 0x90;
	assert_int_equal(vp_msg_decode(&m, deep, n - 2, NULL, NULL), VP_OK);
	assert_int_equal(m.type, VP_T_IDLE);
	vp_msg_clear(&m);
}

/* ---- envelope ------------------------------------------------------------ */

/* Packs an envelope: v, type, id of idlen bytes (none when 0), then the
 * extra pairs given as (key, packer-callback-free raw msgpack) strings. */
static uint8_t *envelope(uint64_t v, const char *type, size_t idlen,
    const char *extra_key, const uint8_t *extra, size_t extra_len, size_t *len)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	uint8_t id[32];
	memset(id, 0x42, sizeof(id));
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 2 + (idlen > 0) + (extra_key != NULL));
	msgpack_pack_str_with_body(&pk, "v", 1);
	msgpack_pack_uint64(&pk, v);
	msgpack_pack_str_with_body(&pk, "type", 4);
	msgpack_pack_str_with_body(&pk, type, strlen(type));
	if (idlen) {
		msgpack_pack_str_with_body(&pk, "id", 2);
		msgpack_pack_bin_with_body(&pk, id, idlen);
	}
	if (extra_key) {
		msgpack_pack_str_with_body(&pk, extra_key, strlen(extra_key));
		msgpack_sbuffer_write(&sb, (const char *)extra, extra_len);
	}
	*len = sb.size;
	return (uint8_t *)msgpack_sbuffer_release(&sb);
}

static void test_envelope(void **state)
{
	struct vp_msg m;
	struct vp_decode_err why;
	uint8_t *buf;
	size_t len;
	static const uint8_t body_empty[] = {0x80};
	static const uint8_t trace_big[] = {0xd9, 0xff};

	/* wrong version: VP_EVERSION, and type and id still readable */
	buf = envelope(2, "parse.req", 16, NULL, NULL, 0, &len);
	assert_int_equal(vp_msg_decode(&m, buf, len, NULL, &why), VP_EVERSION);
	assert_string_equal(why.msg, "v: version 2 not supported "
	                             "(this side speaks 1)");
	assert_true(m.has_id);
	assert_int_equal(m.id[15], 0x42);
	assert_int_equal(m.type, VP_T_PARSE_REQ);
	assert_null(m.body);
	free(buf);

	/* unknown type: id still readable */
	buf = envelope(1, "nope.req", 16, NULL, NULL, 0, &len);
	assert_int_equal(vp_msg_decode(&m, buf, len, NULL, &why), VP_EINVAL);
	assert_string_equal(why.msg, "type: unknown type");
	assert_true(m.has_id);
	free(buf);

	/* id of 15 bytes */
	buf = envelope(1, "idle", 15, NULL, NULL, 0, &len);
	expect_err(buf, len, NULL, VP_EINVAL, "id: id of 15 bytes");
	free(buf);

	/* body missing on a type with a body, and no err */
	buf = envelope(1, "parse.req", 16, NULL, NULL, 0, &len);
	assert_int_equal(vp_msg_decode(&m, buf, len, NULL, &why), VP_EINVAL);
	assert_string_equal(why.msg, "body: required key missing");
	assert_true(m.has_id);
	assert_int_equal(m.type, VP_T_PARSE_REQ);
	free(buf);

	/* a body on a no-body type is skipped */
	buf = envelope(1, "stats.req", 0, "body", body_empty, 1, &len);
	assert_int_equal(vp_msg_decode(&m, buf, len, NULL, &why), VP_OK);
	assert_null(m.body);
	assert_false(m.has_id);
	vp_msg_clear(&m);
	free(buf);

	/* an empty parse.req body is valid (both keys optional) */
	buf = envelope(1, "parse.req", 0, "body", body_empty, 1, &len);
	assert_int_equal(vp_msg_decode(&m, buf, len, NULL, &why), VP_OK);
	assert_non_null(vp_msg_parse_req(&m));
	vp_msg_clear(&m);
	free(buf);

	/* trace over 256 bytes (prevalidate sees it truncated first: give the
	 * bytes) */
	{
		uint8_t t[2 + 255];
		memcpy(t, trace_big, 2);
		memset(t + 2, 'a', 255);
		buf = envelope(1, "idle", 0, "trace", t, sizeof(t), &len);
		assert_int_equal(
		    vp_msg_decode(&m, buf, len, NULL, NULL), VP_OK);
		assert_int_equal(strlen(m.trace), 255);
		vp_msg_clear(&m);
		free(buf);
	}
	{
		uint8_t t[3 + 257];
		t[0] = 0xda, t[1] = 0x01, t[2] = 0x01;
		memset(t + 3, 'a', 257);
		buf = envelope(1, "idle", 0, "trace", t, sizeof(t), &len);
		expect_err(buf, len, NULL, VP_EINVAL,
		    "trace: string of 257 bytes exceeds 256");
		free(buf);
	}

	/* a key that is a map holding "v" and "type" is no envelope key: the
	 * type and id that follow it are still read for the error reply, and
	 * an id after a body that fails too */
	{
		static const uint8_t mapkey[] = {0x83, 0x82, 0xa1, 'v', 0x01,
		    0xa4, 't', 'y', 'p', 'e', 0xa4, 'i', 'd', 'l', 'e', 0x01,
		    0xa4, 't', 'y', 'p', 'e', 0xa9, 'p', 'a', 'r', 's', 'e',
		    '.', 'r', 'e', 'q', 0xa2, 'i', 'd', 0xc4, 0x10, 1, 2, 3, 4,
		    5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
		static const uint8_t late_id[] = {0x84, 0xa1, 'v', 0x01, 0xa4,
		    't', 'y', 'p', 'e', 0xa9, 'p', 'a', 'r', 's', 'e', '.', 'r',
		    'e', 'q', 0xa4, 'b', 'o', 'd', 'y', 0x81, 0xa4, 't', 'e',
		    'x', 't', 0x01, 0xa2, 'i', 'd', 0xc4, 0x10, 1, 2, 3, 4, 5,
		    6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
		assert_int_equal(
		    vp_msg_decode(&m, mapkey, sizeof(mapkey), NULL, &why),
		    VP_EINVAL);
		assert_string_equal(why.msg, "v: required key missing");
		assert_int_equal(m.type, VP_T_PARSE_REQ);
		assert_true(m.has_id);
		assert_int_equal(m.id[15], 16);
		assert_int_equal(
		    vp_msg_decode(&m, late_id, sizeof(late_id), NULL, &why),
		    VP_EINVAL);
		assert_string_equal(
		    why.msg, "body.text: expected str, got uint");
		assert_int_equal(m.type, VP_T_PARSE_REQ);
		assert_true(m.has_id);
		assert_int_equal(m.id[0], 1);
		assert_null(m.body);
	}

	/* version missing, version of the wrong type */
	{
		static const uint8_t nov[] = {
		    0x81, 0xa4, 't', 'y', 'p', 'e', 0xa4, 'i', 'd', 'l', 'e'};
		static const uint8_t strv[] = {0x82, 0xa1, 'v', 0xa1, '1', 0xa4,
		    't', 'y', 'p', 'e', 0xa4, 'i', 'd', 'l', 'e'};
		static const uint8_t notype[] = {0x81, 0xa1, 'v', 0x01};
		expect_err(nov, sizeof(nov), NULL, VP_EINVAL,
		    "v: required key missing");
		expect_err(strv, sizeof(strv), NULL, VP_EINVAL,
		    "v: expected uint, got str");
		expect_err(notype, sizeof(notype), NULL, VP_EINVAL,
		    "type: required key missing");
	}
}

/* ---- schema-generated mutations ------------------------------------------ */

struct mctx {
	msgpack_object *root;
	int cases; /* how many mutated messages were checked */
};

static void check(struct mctx *c, int err, const char *want)
{
	size_t len;
	uint8_t *buf = pack_obj(c->root, &len);
	if (err == VP_OK) {
		struct vp_msg m;
		struct vp_decode_err why;
		if (vp_msg_decode(&m, buf, len, NULL, &why) != VP_OK)
			fail_msg("want OK, got \"%s\"", why.msg);
		vp_msg_clear(&m);
	} else {
		expect_err(buf, len, NULL, err, want);
	}
	free(buf);
	c->cases++;
}

static msgpack_object o_nil(void)
{
	msgpack_object o;
	memset(&o, 0, sizeof(o));
	o.type = MSGPACK_OBJECT_NIL;
	return o;
}

static msgpack_object o_uint(uint64_t u)
{
	msgpack_object o = o_nil();
	o.type = MSGPACK_OBJECT_POSITIVE_INTEGER;
	o.via.u64 = u;
	return o;
}

static msgpack_object o_f64(double x)
{
	msgpack_object o = o_nil();
	o.type = MSGPACK_OBJECT_FLOAT64;
	o.via.f64 = x;
	return o;
}

static msgpack_object o_str(const char *s, size_t n)
{
	msgpack_object o = o_nil();
	o.type = MSGPACK_OBJECT_STR;
	o.via.str.ptr = s;
	o.via.str.size = (uint32_t)n;
	return o;
}

static msgpack_object o_seq(msgpack_object_type t, msgpack_object *el, size_t n)
{
	msgpack_object o = o_nil();
	o.type = t;
	o.via.array.ptr = el;
	o.via.array.size = (uint32_t)n;
	return o;
}

static const char *expected_for(enum vp_kind k)
{
	switch (k) {
	case VP_K_U32:
	case VP_K_U64: return "uint";
	case VP_K_F64: return "number";
	case VP_K_BOOL: return "bool";
	case VP_K_STR: return "str";
	case VP_K_BIN:
	case VP_K_ID16: return "bin";
	case VP_K_STRS:
	case VP_K_U64S:
	case VP_K_ARR: return "array";
	default: return "map";
	}
}

/* A value of a wrong msgpack type for kind k, other than nil. */
static msgpack_object wrong_value(enum vp_kind k)
{
	static msgpack_object empty;
	switch (k) {
	case VP_K_U32:
	case VP_K_U64: return o_f64(1.0);
	case VP_K_F64:
	case VP_K_BIN: return o_uint(7) /* accepted by F64: see below */;
	case VP_K_BOOL:
	case VP_K_ID16: return o_uint(1);
	case VP_K_STR: return o_seq(MSGPACK_OBJECT_BIN, NULL, 0);
	case VP_K_STRS:
	case VP_K_U64S:
	case VP_K_ARR: return o_seq(MSGPACK_OBJECT_MAP, NULL, 0);
	default: return o_seq(MSGPACK_OBJECT_ARRAY, &empty, 0);
	}
}

static void mutate_field(struct mctx *c, msgpack_object_map *map, uint32_t at,
    const struct vp_field *f, const char *path)
{
	msgpack_object_kv *kv = &map->ptr[at], saved = *kv;
	char want[512]; /* path (<= 256) + message */
	static const char *bad_utf8[] = {"\xc0\xaf", "\xe0\x80\xaf",
	    "\xf0\x80\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	    "ab\xe2\x82", "\x80", "\xf5\x80\x80\x80", "\xc3("};

	/* nil is wrong for every kind */
	kv->val = o_nil();
	snprintf(want, sizeof(want), "%s: expected %s, got nil", path,
	    expected_for(f->kind));
	check(c, VP_EINVAL, want);
	if (f->kind != VP_K_F64 && f->kind != VP_K_BIN) {
		kv->val = wrong_value(f->kind);
		snprintf(want, sizeof(want), "%s: expected %s", path,
		    expected_for(f->kind));
		check(c, VP_EINVAL, want);
	}

	/* duplicate key */
	{
		msgpack_object_kv *more =
		    malloc((map->size + 1) * sizeof(*more));
		*kv = saved;
		memcpy(more, map->ptr, map->size * sizeof(*more));
		more[map->size] = saved;
		map->ptr = more;
		map->size++;
		snprintf(want, sizeof(want), "%s: duplicate key", path);
		check(c, VP_EINVAL, want);
		map->size--;
		map->ptr = kv - at;
		free(more);
	}

	/* renamed to an unknown key: skipped, so only required ones fail */
	*kv = saved;
	kv->key = o_str("zz_unknown", 10);
	snprintf(want, sizeof(want), "%s: required key missing", path);
	check(c, f->required ? VP_EINVAL : VP_OK, want);
	*kv = saved;

	switch (f->kind) {
	case VP_K_U32:
	case VP_K_U64:
		kv->val = o_uint(f->max == UINT64_MAX ? 0 : f->max + 1);
		if (f->max == UINT64_MAX)
			break; /* nothing above */
		snprintf(want, sizeof(want), "%s: %llu out of range", path,
		    (unsigned long long)f->max + 1);
		check(c, VP_EINVAL, want);
		if (f->kind == VP_K_U32 && f->max == UINT32_MAX) {
			kv->val = o_uint((uint64_t)1 << 32);
			check(c, VP_EINVAL, path);
		}
		break;
	case VP_K_F64:
		kv->val = o_f64(NAN);
		snprintf(want, sizeof(want), "%s: NaN not allowed", path);
		check(c, VP_EINVAL, want);
		kv->val = o_f64(f->fmax + 1);
		snprintf(want, sizeof(want), "%s: %g out of range", path,
		    f->fmax + 1);
		check(c, VP_EINVAL, want);
		kv->val = o_f64(f->fmin - 0.5);
		check(c, VP_EINVAL, path);
		kv->val = o_uint((uint64_t)f->fmax); /* ints are numbers */
		check(c, VP_OK, NULL);
		break;
	case VP_K_STR: {
		char *big;
		for (size_t i = 0; i < sizeof(bad_utf8) / sizeof(*bad_utf8);
		     i++) {
			kv->val = o_str(bad_utf8[i], strlen(bad_utf8[i]));
			snprintf(want, sizeof(want), "%s: invalid UTF-8", path);
			check(c, VP_EINVAL, want);
		}
		kv->val = o_str("a\0b", 3);
		snprintf(want, sizeof(want), "%s: NUL byte", path);
		check(c, VP_EINVAL, want);
		if (f->max > (1u << 20))
			break;
		big = malloc(f->max + 1);
		memset(big, 'a', f->max + 1);
		kv->val = o_str(big, f->max);
		if (f->status) {
			/* valid text, but no check status */
			snprintf(want, sizeof(want), "%s: unknown check status",
			    path);
			check(c, VP_EINVAL, want);
			for (int st = 0; st < VP_ST__COUNT; st++) {
				const char *n =
				    vp_status_name((enum vp_status)st);
				kv->val = o_str(n, strlen(n));
				check(c, VP_OK, NULL);
			}
			kv->val = o_str(big, f->max);
		} else {
			check(c, VP_OK, NULL);
		}
		kv->val = o_str(big, f->max + 1);
		snprintf(want, sizeof(want), "%s: string of %llu bytes exceeds",
		    path, (unsigned long long)f->max + 1);
		check(c, VP_EINVAL, want);
		free(big);
		break;
	}
	case VP_K_BIN:
		kv->val = o_str("as str", 6); /* str accepted for bin */
		check(c, VP_OK, NULL);
		break;
	case VP_K_STRS:
	case VP_K_U64S:
	case VP_K_ARR:
	case VP_K_KVS: {
		msgpack_object *el;
		size_t n = f->max + 1;
		if (f->max > 100000)
			break;
		el = calloc(n * 2, sizeof(*el)); /* nil elements */
		kv->val = o_seq(f->kind == VP_K_KVS ? MSGPACK_OBJECT_MAP
		                                    : MSGPACK_OBJECT_ARRAY,
		    el, n);
		snprintf(want, sizeof(want), "%s: %llu", path,
		    (unsigned long long)n);
		check(c, VP_EINVAL, want);
		if (f->kind == VP_K_KVS) {
			/* two equal keys */
			el[0] = el[2] = o_str("k", 1);
			el[1] = el[3] = o_str("v", 1);
			kv->val = o_seq(MSGPACK_OBJECT_MAP, el, 2);
			snprintf(want, sizeof(want), "%s: duplicate key", path);
			check(c, VP_EINVAL, want);
		} else if (f->kind == VP_K_STRS) {
			el[0] = o_uint(5);
			kv->val = o_seq(MSGPACK_OBJECT_ARRAY, el, 1);
			snprintf(
			    want, sizeof(want), "%s[0]: expected str", path);
			check(c, VP_EINVAL, want);
		} else if (f->kind == VP_K_U64S) {
			el[0] = o_uint(5);
			el[1] = o_str("x", 1);
			kv->val = o_seq(MSGPACK_OBJECT_ARRAY, el, 2);
			snprintf(
			    want, sizeof(want), "%s[1]: expected uint", path);
			check(c, VP_EINVAL, want);
		}
		free(el);
		break;
	}
	default: break;
	}
	*kv = saved;
}

/* Mutates every field of struct d in map o (and, recursively, of the first
 * element of each array and of each sub-struct). */
static void walk(struct mctx *c, const struct vp_desc *d, msgpack_object *o,
    const char *path)
{
	msgpack_object_map *map = &o->via.map;
	char sub[256];
	assert_int_equal(o->type, MSGPACK_OBJECT_MAP);
	for (uint32_t i = 0; i < map->size; i++) {
		const msgpack_object_str *k = &map->ptr[i].key.via.str;
		const struct vp_field *f = NULL;
		for (size_t j = 0; j < d->n_fields; j++)
			if (strlen(d->fields[j].key) == k->size &&
			    memcmp(d->fields[j].key, k->ptr, k->size) == 0)
				f = &d->fields[j];
		assert_non_null(f);
		snprintf(sub, sizeof(sub), "%s.%s", path, f->key);
		mutate_field(c, map, i, f, sub);
		if (f->kind == VP_K_PTR)
			walk(c, f->sub, &map->ptr[i].val, sub);
		if (f->kind == VP_K_ARR) {
			char el[300];
			snprintf(el, sizeof(el), "%s[0]", sub);
			walk(c, f->sub, &map->ptr[i].val.via.array.ptr[0], el);
		}
	}
}

static void test_mutations_every_field(void **state)
{
	int total = 0;
	for (int t = VP_T_NONE + 1; t < VP_T__COUNT; t++) {
		struct vp_msg m;
		msgpack_unpacked u;
		size_t len, off = 0;
		uint8_t *buf;
		struct mctx c = {NULL, 0};
		msgpack_object *body = NULL, *err = NULL;

		tu_fill_msg(&m, (enum vp_type)t);
		buf = encode_ok(&m, &len);
		msgpack_unpacked_init(&u);
		assert_int_equal(
		    msgpack_unpack_next(&u, (char *)buf, len, &off),
		    MSGPACK_UNPACK_SUCCESS);
		c.root = &u.data;
		for (uint32_t i = 0; i < u.data.via.map.size; i++) {
			msgpack_object_kv *kv = &u.data.via.map.ptr[i];
			if (kv->key.via.str.size == 4 &&
			    memcmp(kv->key.via.str.ptr, "body", 4) == 0)
				body = &kv->val;
			if (kv->key.via.str.size == 3 &&
			    memcmp(kv->key.via.str.ptr, "err", 3) == 0)
				err = &kv->val;
		}
		if (vp_type_body(m.type) != NULL)
			walk(&c, vp_type_body(m.type), body, "body");
		walk(&c, &vp_desc_error, err, "err");
		total += c.cases;
		msgpack_unpacked_destroy(&u);
		free(buf);
		vp_msg_clear(&m);
	}
	assert_true(total > 500);
}

static void test_envelope_mutations(void **state)
{
	struct vp_msg m;
	msgpack_unpacked u;
	size_t len, off = 0;
	uint8_t *buf;
	struct mctx c = {NULL, 0};
	msgpack_object_map *map;
	msgpack_object_kv *orig;
	uint32_t n;

	tu_fill_msg(&m, VP_T_CHECK_REQ);
	buf = encode_ok(&m, &len);
	msgpack_unpacked_init(&u);
	assert_int_equal(msgpack_unpack_next(&u, (char *)buf, len, &off),
	    MSGPACK_UNPACK_SUCCESS);
	c.root = &u.data;
	map = &u.data.via.map;
	orig = map->ptr;
	n = map->size;
	assert_int_equal(n, 8); /* every envelope key */
	for (uint32_t i = 0; i < n; i++) {
		msgpack_object_kv *more = malloc((n + 1) * sizeof(*more));
		char want[64];
		/* each envelope key twice */
		memcpy(more, orig, n * sizeof(*more));
		more[n] = orig[i];
		map->ptr = more;
		map->size = n + 1;
		snprintf(want, sizeof(want), "%.*s: duplicate key",
		    (int)orig[i].key.via.str.size, orig[i].key.via.str.ptr);
		check(&c, VP_EINVAL, want);
		map->ptr = orig;
		map->size = n;
		free(more);
	}
	msgpack_unpacked_destroy(&u);
	free(buf);
	vp_msg_clear(&m);
}

static void test_unknown_keys_skipped(void **state)
{
	struct vp_msg a, b;
	msgpack_unpacked u;
	size_t len, off = 0, len2;
	uint8_t *buf, *buf2;
	msgpack_object_kv *env, *body;
	msgpack_object *body_obj = NULL, nested[2];
	msgpack_object_kv kvs[2];

	tu_fill_msg(&a, VP_T_CHECK_REP);
	buf = encode_ok(&a, &len);
	msgpack_unpacked_init(&u);
	assert_int_equal(msgpack_unpack_next(&u, (char *)buf, len, &off),
	    MSGPACK_UNPACK_SUCCESS);
	/* an unknown key with a nested value, in the envelope and the body */
	nested[0] = o_uint(1);
	nested[1] = o_str("x", 1);
	kvs[0].key = o_str("future", 6);
	kvs[0].val = o_seq(MSGPACK_OBJECT_ARRAY, nested, 2);
	kvs[1].key = o_str("later", 5);
	kvs[1].val = o_f64(2.5);
	env = malloc((u.data.via.map.size + 2) * sizeof(*env));
	memcpy(env, u.data.via.map.ptr, u.data.via.map.size * sizeof(*env));
	memcpy(env + u.data.via.map.size, kvs, sizeof(kvs));
	for (uint32_t i = 0; i < u.data.via.map.size; i++)
		if (env[i].key.via.str.size == 4 &&
		    memcmp(env[i].key.via.str.ptr, "body", 4) == 0)
			body_obj = &env[i].val;
	assert_non_null(body_obj);
	body = malloc((body_obj->via.map.size + 2) * sizeof(*body));
	memcpy(body, body_obj->via.map.ptr,
	    body_obj->via.map.size * sizeof(*body));
	memcpy(body + body_obj->via.map.size, kvs, sizeof(kvs));
	body_obj->via.map.ptr = body;
	body_obj->via.map.size += 2;
	u.data.via.map.ptr = env;
	u.data.via.map.size += 2;
	buf2 = pack_obj(&u.data, &len2);
	assert_true(len2 > len);
	assert_int_equal(vp_msg_decode(&b, buf2, len2, NULL, NULL), VP_OK);
	assert_true(tu_msg_equal(&a, &b));
	vp_msg_clear(&b);
	/* the same unknown key twice is still a duplicate */
	body[body_obj->via.map.size - 1].key = o_str("future", 6);
	free(buf2);
	buf2 = pack_obj(&u.data, &len2);
	expect_err(buf2, len2, NULL, VP_EINVAL, "body: duplicate key");
	free(buf2);
	free(env);
	free(body);
	msgpack_unpacked_destroy(&u);
	free(buf);
	vp_msg_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip_every_type),
	    cmocka_unit_test(test_minimal_bytes),
	    cmocka_unit_test(test_fields_duplicate),
	    cmocka_unit_test(test_encode_matches_msgpack_c),
	    cmocka_unit_test(test_encode_rejects),
	    cmocka_unit_test(test_set_error),
	    cmocka_unit_test(test_huge_array_fails_fast),
	    cmocka_unit_test(test_truncation_every_offset),
	    cmocka_unit_test(test_trailing_and_reserved),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_envelope),
	    cmocka_unit_test(test_mutations_every_field),
	    cmocka_unit_test(test_envelope_mutations),
	    cmocka_unit_test(test_unknown_keys_skipped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* vp-gen-schema: prints the wire schema for other languages, generated from
 * messages.def by the same X-macros as the C structs: a JSON Schema (draft
 * 2020-12) by default, or the Markdown field tables of proto/README.md with
 * --markdown. Its output is committed as proto/schema.json; a test compares. */
#include "vp_proto.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* msgpack types without a JSON counterpart are described with x- keywords:
 * x-msgpack names the msgpack type, x-max-bytes bounds a string's UTF-8
 * length (maxLength counts characters, so it is only a looser bound). */

static bool markdown;
static bool first_field;
static bool first_struct = true;
static const char *required[64];
static size_t n_required;

static void struct_begin(const char *name)
{
	first_field = true;
	n_required = 0;
	if (markdown) {
		printf("\n### `%s`\n\n| key | type | required | limit |\n"
		       "|---|---|---|---|\n",
		    name);
		return;
	}
	printf("%s\n    \"%s\": {\n      \"type\": \"object\",\n"
	       "      \"properties\": {",
	    first_struct ? "" : ",", name);
	first_struct = false;
}

static void struct_end(void)
{
	if (markdown)
		return;
	printf("\n      },\n      \"required\": [");
	for (size_t i = 0; i < n_required; i++)
		printf("%s\"%s\"", i ? ", " : "", required[i]);
	printf("]\n    }");
}

/* Starts one property; json is its schema body, md its table columns. */
static void field(const char *key, bool req, const char *md_type,
    const char *md_limit, const char *json)
{
	if (req && n_required < sizeof(required) / sizeof(required[0]))
		required[n_required++] = key;
	if (markdown) {
		printf("| `%s` | %s | %s | %s |\n", key, md_type,
		    req ? "yes" : "no", md_limit);
		return;
	}
	printf("%s\n        \"%s\": %s", first_field ? "" : ",", key, json);
	first_field = false;
}

static void f_uint(const char *key, bool req, uint64_t max)
{
	char json[128], lim[64];
	snprintf(json, sizeof(json),
	    "{\"type\": \"integer\", \"minimum\": 0, \"maximum\": %" PRIu64 "}",
	    max);
	snprintf(lim, sizeof(lim), "<= %" PRIu64, max);
	field(key, req, "uint", lim, json);
}

static void f_f64(const char *key, bool req, double lo, double hi)
{
	char json[128], lim[64];
	snprintf(json, sizeof(json),
	    "{\"type\": \"number\", \"minimum\": %g, \"maximum\": %g}", lo, hi);
	snprintf(lim, sizeof(lim), "[%g, %g], not NaN", lo, hi);
	field(key, req, "float or int", lim, json);
}

static void f_bool(const char *key, bool req)
{
	field(key, req, "bool", "", "{\"type\": \"boolean\"}");
}

static void f_str(const char *key, bool req, uint64_t max)
{
	char json[160], lim[64];
	snprintf(json, sizeof(json),
	    "{\"type\": \"string\", \"maxLength\": %" PRIu64
	    ", \"x-max-bytes\": %" PRIu64 "}",
	    max, max);
	snprintf(lim, sizeof(lim), "<= %" PRIu64 " bytes", max);
	field(key, req, "str (UTF-8, no NUL)", lim, json);
}

static void f_status(const char *key, bool req)
{
	field(key, req, "str, a [check status](#check-statuses)", "",
	    "{\"$ref\": \"#/$defs/check_status\"}");
}

/* The status table: a $defs entry (the names as an enum, their classes as
 * x-class) or a Markdown table. */
static void emit_statuses(void)
{
	if (markdown) {
		printf("\n### Check statuses\n\n| status | class |\n"
		       "|---|---|\n");
		for (int st = 0; st < VP_ST__COUNT; st++) {
			const char *n = vp_status_name((enum vp_status)st);
			printf("| `%s` | %s |\n", n,
			    vp_status_class_name(vp_status_class(n)));
		}
		return;
	}
	printf("%s\n    \"check_status\": {\n      \"type\": \"string\",\n"
	       "      \"enum\": [",
	    first_struct ? "" : ",");
	first_struct = false;
	for (int st = 0; st < VP_ST__COUNT; st++)
		printf("%s\"%s\"", st ? ", " : "",
		    vp_status_name((enum vp_status)st));
	printf("],\n      \"x-class\": {");
	for (int st = 0; st < VP_ST__COUNT; st++) {
		const char *n = vp_status_name((enum vp_status)st);
		printf("%s\"%s\": \"%s\"", st ? ", " : "", n,
		    vp_status_class_name(vp_status_class(n)));
	}
	printf("}\n    }");
}

static void f_bin(const char *key, bool req, uint64_t max)
{
	char json[160], lim[64];
	snprintf(json, sizeof(json),
	    "{\"type\": \"string\", \"x-msgpack\": \"bin\", \"x-max-bytes\": "
	    "%" PRIu64 "}",
	    max);
	snprintf(lim, sizeof(lim), "<= %" PRIu64 " bytes", max);
	field(key, req, "bin (str accepted)", lim, json);
}

/* unused while no body has an ID16 field, kept for when one does */
static __attribute__((unused)) void f_id16(const char *key, bool req)
{
	field(key, req, "bin", "exactly 16 bytes",
	    "{\"type\": \"string\", \"x-msgpack\": \"bin\", \"x-bytes\": 16}");
}

static void f_strs(const char *key, bool req, uint64_t maxn, uint64_t maxlen)
{
	char json[256], lim[96];
	snprintf(json, sizeof(json),
	    "{\"type\": \"array\", \"maxItems\": %" PRIu64
	    ", \"items\": {\"type\": \"string\", \"maxLength\": %" PRIu64
	    ", \"x-max-bytes\": %" PRIu64 "}}",
	    maxn, maxlen, maxlen);
	snprintf(lim, sizeof(lim),
	    "<= %" PRIu64 " items of <= %" PRIu64 " bytes", maxn, maxlen);
	field(key, req, "array of str", lim, json);
}

static void f_u64s(const char *key, bool req, uint64_t maxn)
{
	char json[160], lim[64];
	snprintf(json, sizeof(json),
	    "{\"type\": \"array\", \"maxItems\": %" PRIu64
	    ", \"items\": {\"type\": \"integer\", \"minimum\": 0}}",
	    maxn);
	snprintf(lim, sizeof(lim), "<= %" PRIu64 " items", maxn);
	field(key, req, "array of uint", lim, json);
}

static void f_kvs(const char *key, bool req, uint64_t maxn, uint64_t maxlen)
{
	char json[256], lim[96];
	snprintf(json, sizeof(json),
	    "{\"type\": \"object\", \"maxProperties\": %" PRIu64
	    ", \"propertyNames\": {\"maxLength\": %" PRIu64
	    "}, \"additionalProperties\": {\"type\": \"string\", "
	    "\"maxLength\": %" PRIu64 "}}",
	    maxn, maxlen, maxlen);
	snprintf(lim, sizeof(lim),
	    "<= %" PRIu64 " pairs, each str <= %" PRIu64 " bytes", maxn,
	    maxlen);
	field(key, req, "map str &rarr; str", lim, json);
}

static void f_arr(const char *key, bool req, uint64_t maxn, const char *sub)
{
	char json[160], lim[64], md[96];
	snprintf(json, sizeof(json),
	    "{\"type\": \"array\", \"maxItems\": %" PRIu64
	    ", \"items\": {\"$ref\": \"#/$defs/%s\"}}",
	    maxn, sub);
	snprintf(lim, sizeof(lim), "<= %" PRIu64 " items", maxn);
	snprintf(md, sizeof(md), "array of [`%s`](#%s)", sub, sub);
	field(key, req, md, lim, json);
}

static void f_ptr(const char *key, bool req, const char *sub)
{
	char json[96], md[96];
	snprintf(json, sizeof(json), "{\"$ref\": \"#/$defs/%s\"}", sub);
	snprintf(md, sizeof(md), "map [`%s`](#%s)", sub, sub);
	field(key, req, md, "", json);
}

static void emit_structs(void)
{
#define VP_STRUCT(name)                   struct_begin(#name);
#define VP_END(name)                      struct_end();
#define VP_U32(s, m, k, f, max)           f_uint(k, f, (uint64_t)(max));
#define VP_U64(s, m, k, f, max)           f_uint(k, f, (uint64_t)(max));
#define VP_F64(s, m, k, f, lo, hi)        f_f64(k, f, lo, hi);
#define VP_BOOL(s, m, k, f)               f_bool(k, f);
#define VP_STR(s, m, k, f, maxlen)        f_str(k, f, maxlen);
#define VP_STATUS_STR(s, m, k, f)         f_status(k, f);
#define VP_BIN(s, m, k, f, maxlen)        f_bin(k, f, maxlen);
#define VP_ID16(s, m, k, f)               f_id16(k, f);
#define VP_STRS(s, m, k, f, maxn, maxlen) f_strs(k, f, maxn, maxlen);
#define VP_U64S(s, m, k, f, maxn)         f_u64s(k, f, maxn);
#define VP_KVS(s, m, k, f, maxn, maxlen)  f_kvs(k, f, maxn, maxlen);
#define VP_ARR(s, m, k, f, maxn, sub)     f_arr(k, f, maxn, #sub);
#define VP_PTR(s, m, k, f, sub)           f_ptr(k, f, #sub);
#define VP_MSG(e, t, b)
#define VP_MSG_NOBODY(e, t)
#define VP_STATUS(e, n, c)
#include "messages.def"
#include "vp_proto_fields_undef.h"
}

/* One row or one if/then rule per message type. */
static bool first_msg;
static void msg(const char *type, const char *body)
{
	if (markdown) {
		if (body)
			printf("| `%s` | [`%s`](#%s) |\n", type, body, body);
		else
			printf("| `%s` | none |\n", type);
		return;
	}
	printf("%s\n    {\"if\": {\"properties\": {\"type\": {\"const\": "
	       "\"%s\"}}},\n     \"then\": ",
	    first_msg ? "" : ",", type);
	if (body)
		printf("{\"properties\": {\"body\": {\"$ref\": "
		       "\"#/$defs/%s\"}}, \"anyOf\": [{\"required\": "
		       "[\"body\"]}, {\"required\": [\"err\"]}]}}",
		    body);
	else
		printf("{}}");
	first_msg = false;
}

static void emit_msgs(void)
{
	first_msg = true;
#define VP_MSG(e, t, b)     msg(t, #b);
#define VP_MSG_NOBODY(e, t) msg(t, NULL);
#define VP_STATUS(e, n, c)
#define VP_STRUCT(name)
#define VP_END(name)
#include "vp_proto_fields_off.h"
#include "messages.def"
#include "vp_proto_fields_undef.h"
}

static void emit_type_names(void)
{
	for (int t = VP_T_NONE + 1; t < VP_T__COUNT; t++)
		printf("%s\"%s\"", t > VP_T_NONE + 1 ? ", " : "",
		    vp_type_name((enum vp_type)t));
}

static void json(void)
{
	printf("{\n  \"$schema\": "
	       "\"https://json-schema.org/draft/2020-12/schema\",\n"
	       "  \"$id\": \"https://vindplaats.example/schema/v%d.json\",\n"
	       "  \"title\": \"Vindplaats wire message, version %d\",\n"
	       "  \"description\": \"One msgpack map per nng message. "
	       "Generated from proto/messages.def by vp-gen-schema; do not "
	       "edit. Unknown keys are skipped by receivers.\",\n"
	       "  \"type\": \"object\",\n  \"properties\": {\n"
	       "    \"v\": {\"const\": %d},\n"
	       "    \"type\": {\"enum\": [",
	    VP_PROTO_VERSION, VP_PROTO_VERSION, VP_PROTO_VERSION);
	emit_type_names();
	printf("]},\n"
	       "    \"id\": {\"type\": \"string\", \"x-msgpack\": \"bin\", "
	       "\"x-bytes\": 16},\n"
	       "    \"attempt\": {\"type\": \"integer\", \"minimum\": 0, "
	       "\"maximum\": 4294967295},\n"
	       "    \"timeout_ms\": {\"type\": \"integer\", \"minimum\": 0, "
	       "\"maximum\": 4294967295},\n"
	       "    \"trace\": {\"type\": \"string\", \"maxLength\": 256, "
	       "\"x-max-bytes\": 256},\n"
	       "    \"body\": {\"type\": \"object\"},\n"
	       "    \"err\": {\"$ref\": \"#/$defs/error\"}\n"
	       "  },\n  \"required\": [\"v\", \"type\"],\n  \"allOf\": [");
	emit_msgs();
	printf("\n  ],\n  \"$defs\": {");
	emit_statuses();
	emit_structs();
	printf("\n  }\n}\n");
}

static void md(void)
{
	printf("<!-- generated by vp-gen-schema --markdown; do not edit -->\n"
	       "\n| type | body |\n|---|---|\n");
	emit_msgs();
	emit_statuses();
	emit_structs();
}

int main(int argc, char **argv)
{
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--markdown") != 0)) {
		fprintf(stderr, "usage: vp-gen-schema [--markdown]\n");
		return 2;
	}
	markdown = argc == 2;
	if (markdown)
		md();
	else
		json();
	return ferror(stdout) ? 1 : 0;
}

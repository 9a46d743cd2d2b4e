/* vp-gen-openapi: prints the OpenAPI 3.1 document of vp-gateway's HTTP API.
 *
 * The schemas of what the API answers are generated from proto/messages.def by
 * the same X-macros as the wire structs, so a field added to the wire shows up
 * here, and its limits are the decoder's. The JSON the gateway (and the CLI,
 * whose writers it shares) prints differs from the wire in a few places: a key
 * renamed, a field always written, `url` written as null. Those differences
 * are the table `view` below, and the test that checks live answers against
 * this document (tests/integration/it_openapi.sh) fails when the table and the
 * writers disagree.
 *
 * Usage: vp-gen-openapi            the document as JSON
 *        vp-gen-openapi --c NAME   a C file defining `const char NAME[]`
 * The committed copy is services/gateway/openapi.json; a test compares. */
#include "vp_proto.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#ifndef VP_VERSION
#define VP_VERSION "0"
#endif

/* ---- the wire structs as JSON Schema ------------------------------------ */

static json_t *wire;     /* struct name -> {properties, required} */
static json_t *props;    /* of the struct being read */
static json_t *required; /* of the struct being read */

static void s_begin(const char *name)
{
	json_t *o = json_object();
	props = json_object();
	required = json_array();
	json_object_set_new(o, "properties", props);
	json_object_set_new(o, "required", required);
	json_object_set_new(wire, name, o);
}

static void f_add(const char *key, bool req, json_t *schema)
{
	json_object_set_new(props, key, schema);
	if (req)
		json_array_append_new(required, json_string(key));
}

static json_t *j_uint(uint64_t max)
{
	return json_pack("{s:s, s:i, s:I}", "type", "integer", "minimum", 0,
	    "maximum", (json_int_t)(max > INT64_MAX ? INT64_MAX : max));
}

static json_t *j_str(uint64_t max)
{
	return json_pack(
	    "{s:s, s:I}", "type", "string", "maxLength", (json_int_t)max);
}

static json_t *j_ref(const char *name)
{
	char ref[128];
	snprintf(ref, sizeof(ref), "#/components/schemas/%s", name);
	return json_pack("{s:s}", "$ref", ref);
}

/* The component name of a wire struct used by the HTTP API. */
static const char *component(const char *wire_name)
{
	static const char *const map[][2] = {{"span", "Span"},
	    {"check", "Check"}, {"citation", "Citation"},
	    {"item_err", "ItemError"}, {"resolve_rep", "ResolveResult"}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], wire_name) == 0)
			return map[i][1];
	return wire_name;
}

static void f_uintk(const char *k, bool req, uint64_t max)
{
	f_add(k, req, j_uint(max));
}

static void f_f64(const char *k, bool req, double lo, double hi)
{
	f_add(k, req,
	    json_pack("{s:s, s:f, s:f}", "type", "number", "minimum", lo,
	        "maximum", hi));
}

static void f_bool(const char *k, bool req)
{
	f_add(k, req, json_pack("{s:s}", "type", "boolean"));
}

static void f_str(const char *k, bool req, uint64_t max)
{
	f_add(k, req, j_str(max));
}

static void f_status(const char *k, bool req)
{
	f_add(k, req, j_ref("CheckStatus"));
}

static void f_strs(const char *k, bool req, uint64_t maxn, uint64_t maxlen)
{
	f_add(k, req,
	    json_pack("{s:s, s:I, s:o}", "type", "array", "maxItems",
	        (json_int_t)maxn, "items", j_str(maxlen)));
}

static void f_u64s(const char *k, bool req, uint64_t maxn)
{
	f_add(k, req,
	    json_pack("{s:s, s:I, s:o}", "type", "array", "maxItems",
	        (json_int_t)maxn, "items", j_uint(UINT64_MAX)));
}

static void f_kvs(const char *k, bool req, uint64_t maxn, uint64_t maxlen)
{
	f_add(k, req,
	    json_pack("{s:s, s:I, s:o, s:o}", "type", "object", "maxProperties",
	        (json_int_t)maxn, "propertyNames",
	        json_pack("{s:I}", "maxLength", (json_int_t)maxlen),
	        "additionalProperties", j_str(maxlen)));
}

static void f_arr(const char *k, bool req, uint64_t maxn, const char *sub)
{
	f_add(k, req,
	    json_pack("{s:s, s:I, s:o}", "type", "array", "maxItems",
	        (json_int_t)maxn, "items", j_ref(component(sub))));
}

static void f_ptr(const char *k, bool req, const char *sub)
{
	f_add(k, req, j_ref(component(sub)));
}

static void read_wire(void)
{
	wire = json_object();
#define VP_STRUCT(name) s_begin(#name);
#define VP_END(name)
#define VP_U32(s, m, k, f, max)           f_uintk(k, f, (uint64_t)(max));
#define VP_U64(s, m, k, f, max)           f_uintk(k, f, (uint64_t)(max));
#define VP_F64(s, m, k, f, lo, hi)        f_f64(k, f, lo, hi);
#define VP_BOOL(s, m, k, f)               f_bool(k, f);
#define VP_STR(s, m, k, f, maxlen)        f_str(k, f, maxlen);
#define VP_STATUS_STR(s, m, k, f)         f_status(k, f);
#define VP_BIN(s, m, k, f, maxlen)        f_str(k, f, maxlen);
#define VP_ID16(s, m, k, f)               f_str(k, f, 32);
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

/* ---- the JSON view: where the API's JSON differs from the wire ---------- */

enum {
	V_ALWAYS = 1,   /* always written, even when the wire omits it */
	V_NULLABLE = 2, /* written as null when absent */
};

static const struct {
	const char *st, *key, *json_key; /* json_key NULL: the wire key */
	unsigned flags;
} view[] = {
    {"resolve_rep", "name", NULL, V_ALWAYS},
    {"resolve_rep", "n_segments", "segments", V_ALWAYS},
    {"resolve_rep", "errors", NULL, V_ALWAYS},
    {"item_err", "retryable", NULL, V_ALWAYS},
    {"citation", "url", NULL, V_ALWAYS | V_NULLABLE},
    {"citation", "fields", NULL, V_ALWAYS},
    {"check", "http_status", NULL, V_ALWAYS},
    {"check", "final_url", NULL, V_ALWAYS},
    {"check", "redirects", NULL, V_ALWAYS},
    {"check", "redirect_statuses", NULL, V_ALWAYS},
    {"check", "elapsed_ms", NULL, V_ALWAYS},
};

static bool in_array(json_t *a, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(
	    a, i, v) if (strcmp(json_string_value(v), s) == 0) return true;
	return false;
}

/* The schema of wire struct `st` as the API writes it. */
static json_t *view_of(const char *st)
{
	json_t *w = json_object_get(wire, st);
	json_t *wp = json_object_get(w, "properties");
	json_t *wr = json_object_get(w, "required");
	json_t *p = json_object(), *r = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(wp, k, v)
	{
		const char *jk = k;
		unsigned flags = 0;
		for (size_t i = 0; i < sizeof(view) / sizeof(view[0]); i++)
			if (strcmp(view[i].st, st) == 0 &&
			    strcmp(view[i].key, k) == 0) {
				flags = view[i].flags;
				if (view[i].json_key != NULL)
					jk = view[i].json_key;
			}
		json_t *s = json_deep_copy(v);
		if (flags & V_NULLABLE)
			json_object_set_new(s, "type",
			    json_pack("[s, s]",
			        json_string_value(json_object_get(s, "type")),
			        "null"));
		json_object_set_new(p, jk, s);
		if ((flags & V_ALWAYS) || in_array(wr, k))
			json_array_append_new(r, json_string(jk));
	}
	return json_pack("{s:s, s:o, s:o, s:b}", "type", "object", "properties",
	    p, "required", r, "additionalProperties", 0);
}

/* ---- the document ------------------------------------------------------- */

static json_t *statuses(void)
{
	json_t *e = json_array(), *cls = json_object();
	for (int st = 0; st < VP_ST__COUNT; st++) {
		const char *n = vp_status_name((enum vp_status)st);
		json_array_append_new(e, json_string(n));
		json_object_set_new(cls, n,
		    json_string(vp_status_class_name(vp_status_class(n))));
	}
	return json_pack("{s:s, s:s, s:o, s:o}", "type", "string",
	    "description",
	    "The outcome of checking one URL; x-class gives each status's "
	    "class (reachable, broken, unverifiable).",
	    "enum", e, "x-class", cls);
}

static json_t *schemas(void)
{
	json_t *s = json_object();
	json_object_set_new(s, "CheckStatus", statuses());
	json_object_set_new(s, "Span", view_of("span"));
	json_t *check = view_of("check");
	json_object_set_new(
	    json_object_get(check, "properties"), "final_url", j_str(8192));
	json_object_set_new(s, "Check", check);
	json_t *cit = view_of("citation");
	/* the JSON repeats the check's status beside the citation */
	json_object_set_new(
	    json_object_get(cit, "properties"), "status", j_ref("CheckStatus"));
	json_object_set_new(s, "Citation", cit);
	json_object_set_new(s, "ItemError", view_of("item_err"));
	json_object_set_new(s, "ResolveResult", view_of("resolve_rep"));

	/* /v1/parse: one object per place cited, the citation without its
	 * span list and with that one span's keys */
	json_t *pi = json_deep_copy(cit);
	json_t *pp = json_object_get(pi, "properties");
	json_t *pr = json_array(), *v;
	json_object_del(pp, "spans");
	size_t i;
	json_array_foreach(json_object_get(cit, "required"), i,
	    v) if (strcmp(json_string_value(v), "spans") != 0)
	    json_array_append(pr, v);
	json_t *sp = json_object_get(s, "Span");
	const char *k;
	json_object_foreach(json_object_get(sp, "properties"), k, v)
	    json_object_set(pp, k, v);
	json_array_foreach(json_object_get(sp, "required"), i, v)
	    json_array_append(pr, v);
	json_object_set_new(pi, "required", pr);
	json_object_set_new(s, "ParseItem", pi);

	json_object_set_new(s, "CheckRequest",
	    json_pack("{s:s, s:[o, o]}", "description",
	        "The URLs to check: a JSON array, or an object with the array "
	        "as `urls`.",
	        "oneOf",
	        json_deep_copy(json_object_get(
	            json_object_get(
	                json_object_get(wire, "check_req"), "properties"),
	            "urls")),
	        json_pack("{s:s, s:{s:o}, s:[s]}", "type", "object",
	            "properties", "urls",
	            json_deep_copy(json_object_get(
	                json_object_get(
	                    json_object_get(wire, "check_req"), "properties"),
	                "urls")),
	            "required", "urls")));
	json_object_set_new(s, "Problem",
	    json_pack("{s:s, s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}, "
	              "s:[s, s, s]}",
	        "description", "An error, as RFC 9457 problem details.", "type",
	        "object", "properties", "type", "type", "string", "title",
	        "type", "string", "status", "type", "integer", "detail", "type",
	        "string", "required", "title", "status", "detail"));
	return s;
}

static json_t *problem_resp(const char *why)
{
	return json_pack("{s:s, s:{s:{s:o}}}", "description", why, "content",
	    "application/problem+json", "schema", j_ref("Problem"));
}

/* The error answers every API operation can give, plus `extra`. */
static json_t *responses(json_t *ok, const char *extra[][2])
{
	static const char *const common[][2] = {
	    {"400", "Bad input (the reason is in `detail`)."},
	    {"401", "A bearer token is configured and the request lacks it."},
	    {"413", "The body is larger than --http-body-max."},
	    {"502", "The dispatcher answered with an error of its own."},
	    {"503", "The dispatcher is busy or unreachable; retry after "
	            "`Retry-After` seconds."},
	    {"504", "The answer did not come within --http-timeout-ms."},
	};
	json_t *r = json_object();
	json_object_set_new(r, "200", ok);
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		json_t *p = problem_resp(common[i][1]);
		if (strcmp(common[i][0], "503") == 0)
			json_object_set_new(p, "headers",
			    json_pack("{s:{s:s, s:{s:s}}}", "Retry-After",
			        "description", "seconds to wait", "schema",
			        "type", "integer"));
		json_object_set_new(r, common[i][0], p);
	}
	for (size_t i = 0; extra && extra[i][0]; i++)
		json_object_set_new(r, extra[i][0], problem_resp(extra[i][1]));
	return r;
}

static json_t *query(const char *name, const char *desc, json_t *schema)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:o}", "name", name, "in",
	    "query", "description", desc, "required", 0, "schema", schema);
}

static json_t *flag(void)
{
	return json_pack(
	    "{s:[s, s, s, s, s]}", "enum", "", "1", "true", "yes", "0");
}

static json_t *op_resolve(void)
{
	json_t *fmts = json_pack("[s, s, s, s, s, s, s, s, s, s]", "auto",
	    "text", "word-text", "pdf-text", "html", "docx", "pdf", "bwb-xml",
	    "rechtspraak-xml", "ob-xml");
	json_t *params = json_pack("[o, o, o, o, o, o]",
	    query("doc_format",
	        "The input format; default: from Content-Type, else detected.",
	        json_pack("{s:o}", "enum", fmts)),
	    query("check", "Also check every cited URL (needs the token).",
	        flag()),
	    query("lookup",
	        "Look up unresolved citations in the official "
	        "search services.",
	        flag()),
	    query("date",
	        "The document's date (YYYY-MM-DD), for archived copies.",
	        json_pack("{s:s, s:s}", "type", "string", "pattern",
	            "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")),
	    query("name", "The document's name in the answer.",
	        json_pack("{s:s, s:i}", "type", "string", "maxLength", 4096)),
	    query("format",
	        "The answer: json (default), html (the annotated document, as "
	        "`vindplaats resolve --format html`) or csv (one row per cited "
	        "place); without it, Accept: text/html or text/csv chooses.",
	        json_pack("{s:[s, s, s]}", "enum", "json", "html", "csv")));
	json_t *body = json_object();
	static const char docx[] = "application/vnd.openxmlformats-"
	                           "officedocument.wordprocessingml.document";
	static const char *const types[] = {"text/plain", "text/html",
	    "application/xhtml+xml", "application/pdf", docx, "application/xml",
	    "text/xml", "application/octet-stream"};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		json_object_set_new(body, types[i],
		    json_pack("{s:{s:s}}", "schema", "type", "string"));
	const char *extra[][2] = {
	    {"403", "check=1 without a token while the gateway has none."},
	    {"415", "A Content-Type the splitter does not read."}, {NULL}};
	return json_pack("{s:s, s:s, s:s, s:o, s:{s:b, s:o}, s:o}",
	    "operationId", "resolve", "summary",
	    "Find, resolve (and optionally check) every citation of a "
	    "document.",
	    "description",
	    "The same JSON as `vindplaats resolve --format json`: one entry "
	    "per "
	    "cited source with every place it is cited.",
	    "parameters", params, "requestBody", "required", 1, "content", body,
	    "responses",
	    responses(json_pack("{s:s, s:{s:{s:o}, s:{s:{s:s}}, s:{s:{s:s}}}}",
	                  "description", "The document's citations.", "content",
	                  "application/json", "schema", j_ref("ResolveResult"),
	                  "text/html", "schema", "type", "string", "text/csv",
	                  "schema", "type", "string"),
	        extra));
}

static json_t *op_parse(void)
{
	const char *extra[][2] = {{"415", "Not text/plain."}, {NULL}};
	return json_pack("{s:s, s:s, s:s, s:{s:b, s:{s:{s:{s:s}}}}, s:o}",
	    "operationId", "parse", "summary",
	    "The citations of a plain text, one per place cited.",
	    "description",
	    "A JSON array, or with `Accept: application/x-ndjson` one object "
	    "per line; the same objects as `vindplaats parse --format jsonl`.",
	    "requestBody", "required", 1, "content", "text/plain", "schema",
	    "type", "string", "responses",
	    responses(json_pack("{s:s, s:{s:{s:{s:s, s:o}}, s:{s:o}}}",
	                  "description", "The citations, in text order.",
	                  "content", "application/json", "schema", "type",
	                  "array", "items", j_ref("ParseItem"),
	                  "application/x-ndjson", "schema", j_ref("ParseItem")),
	        extra));
}

static json_t *op_check(void)
{
	const char *extra[][2] = {
	    {"403", "The gateway has no token and --http-check-open is off."},
	    {NULL}};
	return json_pack("{s:s, s:s, s:s, s:[{s:[]}], s:{s:b, s:{s:{s:o}}}, "
	                 "s:o}",
	    "operationId", "check", "summary",
	    "Check whether URLs still answer, one result per line.",
	    "description",
	    "One JSON object per line (ndjson), in the order of the request. "
	    "Needs the bearer token: checking makes the server fetch URLs.",
	    "security", "bearer", "requestBody", "required", 1, "content",
	    "application/json", "schema", j_ref("CheckRequest"), "responses",
	    responses(json_pack("{s:s, s:{s:{s:o}}}", "description",
	                  "One result per URL.", "content",
	                  "application/x-ndjson", "schema", j_ref("Check")),
	        extra));
}

static json_t *op_get(const char *id, const char *summary, const char *ctype,
    const char *not_ready)
{
	json_t *r = json_pack("{s:{s:s, s:{s:{s:{s:s}}}}}", "200",
	    "description", "OK", "content", ctype, "schema", "type",
	    strcmp(ctype, "application/json") == 0 ? "object" : "string");
	if (not_ready != NULL)
		json_object_set_new(r, "503",
		    json_pack("{s:s, s:{s:{s:{s:s}}}}", "description",
		        not_ready, "content", "text/plain", "schema", "type",
		        "string"));
	return json_pack("{s:s, s:s, s:[{}], s:o}", "operationId", id,
	    "summary", summary, "security", "responses", r);
}

static json_t *document(void)
{
	read_wire();
	json_t *paths =
	    json_pack("{s:{s:o}, s:{s:o}, s:{s:o}, s:{s:o}, s:{s:o}, "
	              "s:{s:o}, s:{s:o}, s:{s:o}}",
	        "/", "get",
	        op_get("page", "The web page: paste or drop a document.",
	            "text/html", NULL),
	        "/v1/resolve", "post", op_resolve(), "/v1/parse", "post",
	        op_parse(), "/v1/check", "post", op_check(), "/v1/openapi.json",
	        "get",
	        op_get("openapi", "This document.", "application/json", NULL),
	        "/healthz", "get",
	        op_get("healthz", "The process is alive.", "text/plain", NULL),
	        "/readyz", "get",
	        op_get("readyz", "The dispatcher can be reached.", "text/plain",
	            "The dispatcher cannot be reached."),
	        "/metrics", "get",
	        op_get("metrics", "Prometheus metrics.", "text/plain", NULL));
	json_t *doc = json_pack(
	    "{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:[{s:[]}, "
	    "{}], s:o, s:{s:o, s:{s:{s:s, s:s}}}}",
	    "openapi", "3.1.0", "info", "title", "Vindplaats HTTP API",
	    "version", VP_VERSION, "description",
	    "The HTTP/JSON front of a Vindplaats deployment (vp-gateway). "
	    "Generated from proto/messages.def by vp-gen-openapi; do not edit.",
	    "servers", "url", "/", "security", "bearer", "paths", paths,
	    "components", "schemas", schemas(), "securitySchemes", "bearer",
	    "type", "http", "scheme", "bearer");
	json_decref(wire);
	return doc;
}

int main(int argc, char **argv)
{
	bool c = argc == 3 && strcmp(argv[1], "--c") == 0;
	if (argc != 1 && !c) {
		fprintf(stderr, "usage: vp-gen-openapi [--c NAME]\n");
		return 2;
	}
	json_t *doc = document();
	char *s =
	    doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	if (s == NULL) {
		fprintf(
		    stderr, "vp-gen-openapi: could not build the document\n");
		return 1;
	}
	if (!c) {
		printf("%s\n", s);
		free(s);
		return 0;
	}
	printf("/* generated by vp-gen-openapi; do not edit */\n"
	       "#include <stddef.h>\nconst char %s[] =\n\"",
	    argv[2]);
	for (const char *p = s; *p; p++) {
		if (*p == '\n')
			printf("\\n\"\n\"");
		else if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else
			putchar(*p);
	}
	printf("\\n\";\nconst size_t %s_len = sizeof(%s) - 1;\n", argv[2],
	    argv[2]);
	free(s);
	return 0;
}

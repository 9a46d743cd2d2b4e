/* gw.c - vp-gateway: HTTP/1.1 + JSON in front of a dispatcher.
 *
 * libmicrohttpd watches every connection with epoll and serves requests on a
 * pool of cfg.threads threads, so idle connections (up to cfg.conns, closed
 * after cfg.idle_s) cost no thread and a request may block in its
 * libvp-client call; the body is collected up to
 * cfg.body_max (beyond: 413 at once), then the call is made and the answer
 * sent as the JSON the CLI prints. Errors are application/problem+json
 * (RFC 9457) with the status a client can act on: 400 bad input, 401 no or
 * wrong token, 403 check not open, 404, 405, 413, 415, 503 + Retry-After
 * (dispatcher busy or unreachable), 504 (deadline). GET / is the web page
 * (web/, embedded at build time), and /v1/resolve also answers as the
 * annotated HTML or CSV the CLI writes (?format= or Accept). */
#include "gw.h"

#include "cli_doc.h"
#include "cli_out.h"
#include "gw_assets.h"
#include "vp_client.h"
#include "vp_clock.h"
#include "vp_err.h"
#include "vp_log.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define M(m) VP_CFG_AT(struct gw_cfg, m)
const struct vp_cfg_opt gw_cfg_opts[] = {
    VP_OPT_STR("http-listen", M(listen), NULL,
        "HTTP address to serve on, http://HOST:PORT (IPv4)"),
    VP_OPT_UINT("http-body-max", M(body_max), "67108864", 1024, 1073741824,
        "bytes of a request body (more: 413)"),
    VP_OPT_UINT("http-conns", M(conns), "4096", 1, 65536,
        "connections at once (idle ones cost a file descriptor, no thread)"),
    VP_OPT_UINT(
        "http-threads", M(threads), "32", 1, 1024, "requests served at once"),
    VP_OPT_UINT("http-idle-s", M(idle_s), "30", 1, 3600,
        "a connection quiet this long is closed"),
    VP_OPT_UINT("http-timeout-ms", M(timeout_ms), "120000", 100, 86400000,
        "budget of one request"),
    VP_OPT_STR("http-token", M(token), "",
        "bearer token every request must carry (Authorization: Bearer "
        "...); empty = none"),
    VP_OPT_BOOL("http-check-open", M(check_open), "0",
        "let /v1/check and ?check=1 run without a token (they make the "
        "server fetch URLs)"),
    VP_OPT_STR("http-cors-origin", M(cors_origin), "",
        "Access-Control-Allow-Origin for browsers on other origins; empty = "
        "no CORS"),
};
const size_t gw_cfg_n_opts = sizeof(gw_cfg_opts) / sizeof(gw_cfg_opts[0]);
const struct vp_cfg_opt gw_connect_opts[] = {
    VP_OPT_URL(
        "connect", M(connect), "tcp://127.0.0.1:7100", "the dispatcher's API"),
};
const size_t gw_connect_n_opts = 1;
#undef M

void gw_cfg_default(struct gw_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = "http://127.0.0.1:8080";
}

struct gw {
	struct gw_cfg cfg;
	struct MHD_Daemon *d;
	struct vp_client *client;
	uint16_t port;
	atomic_ullong requests, errors4, errors5, body_bytes;
};

/* One request being received. */
struct req {
	char *body;
	size_t len, cap;
	bool too_large;
};

/* ---- responses ---------------------------------------------------------- */

/* The headers every answer carries. */
static void common_headers(
    struct gw *g, struct MHD_Response *r, const char *ctype)
{
	MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (g->cfg.cors_origin != NULL && g->cfg.cors_origin[0] != '\0')
		MHD_add_response_header(
		    r, "Access-Control-Allow-Origin", g->cfg.cors_origin);
}

static enum MHD_Result send_buf(struct gw *g, struct MHD_Connection *c,
    unsigned status, const char *ctype, char *buf, size_t len,
    const char *retry_after)
{
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(buf);
		return MHD_NO;
	}
	common_headers(g, r, ctype);
	if (retry_after != NULL)
		MHD_add_response_header(r, "Retry-After", retry_after);
	if (status == 401)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
	if (status >= 500)
		atomic_fetch_add(&g->errors5, 1);
	else if (status >= 400)
		atomic_fetch_add(&g->errors4, 1);
	enum MHD_Result rv = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rv;
}

static const char *status_title(unsigned s)
{
	switch (s) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Internal Server Error";
	}
}

/* An application/problem+json answer. */
static enum MHD_Result problem(struct gw *g, struct MHD_Connection *c,
    unsigned status, const char *detail, const char *retry_after)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("about:blank"));
	json_object_set_new(o, "title", json_string(status_title(status)));
	json_object_set_new(o, "status", json_integer(status));
	json_object_set_new(o, "detail", json_string(detail ? detail : ""));
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (s == NULL)
		return MHD_NO;
	return send_buf(g, c, status, "application/problem+json", s, strlen(s),
	    retry_after);
}

static enum MHD_Result send_json(
    struct gw *g, struct MHD_Connection *c, json_t *j, bool ndjson_array)
{
	char *s;
	if (ndjson_array) {
		/* one compact object per line */
		size_t n = 0, cap = 4096, i;
		json_t *v;
		s = malloc(cap);
		json_array_foreach(j, i, v)
		{
			char *line = json_dumps(v, JSON_COMPACT);
			size_t k = line ? strlen(line) : 0;
			char *t = s && n + k + 2 > cap
			              ? realloc(s, cap = 2 * (n + k + 2))
			              : s;
			if (line == NULL || t == NULL) {
				free(line);
				free(t ? t : s);
				json_decref(j);
				return problem(
				    g, c, 500, "out of memory", NULL);
			}
			s = t;
			memcpy(s + n, line, k);
			s[n + k] = '\n';
			n += k + 1;
			free(line);
		}
		json_decref(j);
		return send_buf(g, c, 200, "application/x-ndjson", s, n, NULL);
	}
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL)
		return problem(g, c, 500, "out of memory", NULL);
	size_t n = strlen(s);
	char *t = realloc(s, n + 2);
	if (t == NULL) {
		free(s);
		return problem(g, c, 500, "out of memory", NULL);
	}
	t[n] = '\n';
	return send_buf(g, c, 200, "application/json", t, n + 1, NULL);
}

/* The HTTP status for a failed client call. */
static enum MHD_Result call_failed(
    struct gw *g, struct MHD_Connection *c, int rv, const struct vp_msg *rep)
{
	char detail[1200];
	snprintf(detail, sizeof(detail), "%s%s%s",
	    rep->err ? rep->err->code : vp_strerror(rv),
	    rep->err && rep->err->msg ? ": " : "",
	    rep->err && rep->err->msg ? rep->err->msg : "");
	switch (rv) {
	case VP_EINVAL:
	case VP_EPROTO: return problem(g, c, 400, detail, NULL);
	case VP_ETOOLARGE: return problem(g, c, 413, detail, NULL);
	case VP_EBUSY: return problem(g, c, 503, detail, "1");
	case VP_ETIMEDOUT: return problem(g, c, 504, detail, NULL);
	case VP_ECONNREFUSED:
	case VP_ECONNRESET:
	case VP_ECLOSED:
		return problem(g, c, 503,
		    "the dispatcher could not be reached within the budget",
		    "5");
	default: return problem(g, c, 502, detail, NULL);
	}
}

/* ---- request helpers ---------------------------------------------------- */

static const char *arg(struct MHD_Connection *c, const char *k)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);
}

static bool arg_on(struct MHD_Connection *c, const char *k)
{
	const char *v = arg(c, k);
	return v != NULL &&
	       (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 ||
	           strcasecmp(v, "yes") == 0 || *v == '\0');
}

static bool header_has(
    struct MHD_Connection *c, const char *h, const char *want)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, h);
	return v != NULL && strcasestr(v, want) != NULL;
}

/* Compares without leaking where the first difference is. */
static bool same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;
	for (size_t i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
	return d == 0;
}

static bool token_ok(struct gw *g, struct MHD_Connection *c)
{
	const char *v =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (v == NULL || strncasecmp(v, "Bearer ", 7) != 0)
		return false;
	return same_secret(v + 7, g->cfg.token);
}

static bool have_token(const struct gw *g)
{
	return g->cfg.token != NULL && g->cfg.token[0] != '\0';
}

/* The splitter's format for a Content-Type (NULL: detect), or "" when the
 * type is one the splitter does not read. */
static const char *format_of(const char *ctype)
{
	static const struct {
		const char *type, *fmt;
	} map[] = {
	    {"text/plain", NULL},
	    {"text/html", "html"},
	    {"application/xhtml+xml", "html"},
	    {"application/pdf", "pdf"},
	    {"application/vnd.openxmlformats-officedocument."
	     "wordprocessingml.document",
	        "docx"},
	    {"application/octet-stream", NULL},
	    {"application/xml", NULL},
	    {"text/xml", NULL},
	};
	if (ctype == NULL)
		return NULL;
	size_t n = strcspn(ctype, "; \t");
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].type) == n &&
		    strncasecmp(ctype, map[i].type, n) == 0)
			return map[i].fmt;
	return "";
}

/* ---- the web page and the output formats --------------------------------- */

/* The page's policy: its own script and style only; the annotated document
 * it shows in a frame (srcdoc inherits this policy) has inline style and
 * no script. */
#define PAGE_CSP                                                               \
	"default-src 'none'; script-src 'self'; style-src 'self' "             \
	"'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "          \
	"frame-src 'self'; base-uri 'none'; form-action 'self'; "              \
	"frame-ancestors 'none'"
/* An annotated document opened on its own: no script, no form, no frame */
#define DOC_CSP                                                                \
	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "       \
	"base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

/* GET of a file of the web page; MHD_NO with *found false when url is
 * none of them. */
static enum MHD_Result serve_page(
    struct gw *g, struct MHD_Connection *c, const char *url, bool *found)
{
	(void)g;
	*found = false;
	for (size_t i = 0; i < gw_n_assets; i++) {
		const struct gw_asset *a = &gw_assets[i];
		if (strcmp(url, a->path) != 0 &&
		    !(strcmp(a->path, "/") == 0 &&
		        strcmp(url, "/index.html") == 0))
			continue;
		*found = true;
		struct MHD_Response *r = MHD_create_response_from_buffer(
		    a->len, (void *)a->data, MHD_RESPMEM_PERSISTENT);
		if (r == NULL)
			return MHD_NO;
		MHD_add_response_header(r, "Content-Type", a->type);
		MHD_add_response_header(r, "Cache-Control", "no-cache");
		MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
		MHD_add_response_header(r, "Content-Security-Policy", PAGE_CSP);
		MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
		enum MHD_Result rv = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return rv;
	}
	return MHD_NO;
}

enum out_format { OUT_JSON, OUT_HTML, OUT_CSV, OUT_BAD };

/* What /v1/resolve answers with: ?format= (json, html, csv) or else the
 * Accept header (text/html, text/csv), else JSON. */
static enum out_format out_format(struct MHD_Connection *c)
{
	const char *f = arg(c, "format");
	if (f != NULL)
		return strcmp(f, "json") == 0   ? OUT_JSON
		       : strcmp(f, "html") == 0 ? OUT_HTML
		       : strcmp(f, "csv") == 0  ? OUT_CSV
		                                : OUT_BAD;
	if (header_has(c, "Accept", "text/html"))
		return OUT_HTML;
	if (header_has(c, "Accept", "text/csv"))
		return OUT_CSV;
	return OUT_JSON;
}

/* The reply of a resolve as HTML or CSV, written by the CLI's writers into
 * memory. */
static enum MHD_Result send_resolved(struct gw *g, struct MHD_Connection *c,
    enum out_format want, const struct req *q, const struct vp_resolve_opts *o,
    const struct vp_resolve_rep *r)
{
	char *buf = NULL;
	size_t len = 0;
	int rv = VP_OK;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL)
		return problem(g, c, 500, "out of memory", NULL);
	if (want == OUT_HTML)
		rv = cli_html_resolve(f, o->name, (const uint8_t *)q->body,
		    q->body ? q->len : 0, o->format, r);
	else
		cli_csv_resolve(f, o->name, r, true);
	if (fclose(f) != 0 && rv == VP_OK)
		rv = VP_ENOMEM;
	if (rv != VP_OK) {
		free(buf);
		return problem(g, c, rv == VP_ENOMEM ? 500 : 400,
		    rv == VP_ENOMEM ? "out of memory"
		                    : "the document could not be read again "
		                      "to annotate it",
		    NULL);
	}
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(buf);
		return MHD_NO;
	}
	common_headers(g, resp,
	    want == OUT_HTML ? "text/html; charset=utf-8"
	                     : "text/csv; charset=utf-8; header=present");
	if (want == OUT_HTML)
		MHD_add_response_header(
		    resp, "Content-Security-Policy", DOC_CSP);
	enum MHD_Result res = MHD_queue_response(c, 200, resp);
	MHD_destroy_response(resp);
	return res;
}

/* The JSON of a resolve, the CLI's bytes, written straight into the answer's
 * buffer (no JSON tree: the document's citations are most of its cost). */
static enum MHD_Result send_resolved_json(struct gw *g,
    struct MHD_Connection *c, const char *name, const struct vp_resolve_rep *r)
{
	struct cli_parse_out w;
	if (cli_parse_out_init_part(&w, "jsonl") != VP_OK ||
	    cli_resolve_out_add(&w, name, r, false) != VP_OK) {
		cli_parse_out_drop(&w);
		return problem(g, c, 500, "out of memory", NULL);
	}
	/* send_buf owns the buffer from here */
	return send_buf(g, c, 200, "application/json", w.buf, w.len, NULL);
}

/* ---- endpoints ---------------------------------------------------------- */

static enum MHD_Result do_resolve(
    struct gw *g, struct MHD_Connection *c, struct req *q)
{
	const char *ctype =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	const char *fmt = arg(c, "doc_format");
	if (fmt == NULL) {
		fmt = format_of(ctype);
		if (fmt != NULL && fmt[0] == '\0')
			return problem(g, c, 415,
			    "unsupported Content-Type; send text/plain, "
			    "text/html, application/pdf or a .docx, or name "
			    "the format with ?doc_format=",
			    NULL);
	} else if (strcmp(fmt, "auto") == 0) {
		fmt = NULL;
	}
	enum out_format want = out_format(c);
	if (want == OUT_BAD)
		return problem(g, c, 400,
		    "unknown ?format=: resolve answers json, html or csv",
		    NULL);
	bool check = arg_on(c, "check");
	if (check && !g->cfg.check_open && !have_token(g))
		return problem(g, c, 403,
		    "check=1 makes the server fetch URLs: it needs "
		    "--http-token (or --http-check-open)",
		    NULL);
	const char *name = arg(c, "name");
	struct vp_resolve_opts o = {name ? name : "document", fmt, check,
	    arg_on(c, "lookup"), arg(c, "date")};
	struct vp_msg rep;
	int rv = vp_client_resolve(g->client, q->body ? q->body : "", q->len,
	    &o, g->cfg.timeout_ms, &rep);
	struct vp_resolve_rep *r =
	    rv == VP_OK ? vp_msg_resolve_rep(&rep) : NULL;
	enum MHD_Result res;
	if (r == NULL)
		res = call_failed(g, c, rv == VP_OK ? VP_EPROTO : rv, &rep);
	else if (want != OUT_JSON)
		res = send_resolved(g, c, want, q, &o, r);
	else
		res = send_resolved_json(g, c, o.name, r);
	vp_msg_clear(&rep);
	return res;
}

static enum MHD_Result do_parse(
    struct gw *g, struct MHD_Connection *c, struct req *q)
{
	const char *ctype =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	if (ctype != NULL && strncasecmp(ctype, "text/plain", 10) != 0)
		return problem(g, c, 415, "parse takes text/plain", NULL);
	struct vp_msg rep;
	int rv = vp_client_parse(
	    g->client, q->body ? q->body : "", q->len, g->cfg.timeout_ms, &rep);
	struct vp_parse_rep *r = rv == VP_OK ? vp_msg_parse_rep(&rep) : NULL;
	enum MHD_Result res;
	if (rv == VP_EINVAL && rep.err == NULL)
		res = problem(g, c, 400, "the text contains a NUL byte", NULL);
	else if (r == NULL)
		res = call_failed(g, c, rv == VP_OK ? VP_EPROTO : rv, &rep);
	else {
		json_t *arr = json_array();
		for (size_t i = 0; i < r->n_citations; i++)
			for (size_t s = 0; s < r->citations[i].n_spans; s++)
				json_array_append_new(arr,
				    cli_parse_item_json(&r->citations[i], s));
		res = send_json(
		    g, c, arr, header_has(c, "Accept", "application/x-ndjson"));
	}
	vp_msg_clear(&rep);
	return res;
}

/* ---- /v1/check, streamed ---------------------------------------------- *
 * The URLs go to the dispatcher in chunks of CHECK_CHUNK, up to
 * CHECK_INFLIGHT chunks at once (politeness is per host in the fetcher, so
 * small chunks let a slow host hold back only its own URLs), and each result
 * is written as one ndjson line as soon as it and every URL before it are
 * in: the order is the request's. The first chunk is asked before the
 * answer starts, so a dispatcher that is busy or unreachable still gets its
 * proper status (503, 504); a chunk that fails later becomes "unverified"
 * lines with the reason. The response reader blocks its server thread while
 * it waits, as a whole-list call did before. The stream is freed by whoever
 * is last: the reader's free callback or the last chunk thread. */

#define CHECK_CHUNK    4
#define CHECK_INFLIGHT 16

struct check_stream {
	struct gw *g;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char **urls; /* owned copies */
	size_t n, next, emitted;
	char **lines; /* line i once its result is in; NULL before */
	char *out;    /* lines ready to send, in order */
	size_t out_len, out_cap, out_pos;
	unsigned refs;     /* the reader and every running chunk thread */
	bool gone;         /* the client left: stop asking */
	uint64_t deadline; /* vp_now_ms() + the gateway's budget */
};

static void cs_unref_locked(struct check_stream *cs)
{
	if (--cs->refs > 0) {
		pthread_cond_broadcast(&cs->cv); /* the reader may end now */
		pthread_mutex_unlock(&cs->mu);
		return;
	}
	pthread_mutex_unlock(&cs->mu);
	for (size_t i = 0; i < cs->n; i++) {
		free(cs->urls[i]);
		free(cs->lines[i]);
	}
	free(cs->urls);
	free(cs->lines);
	free(cs->out);
	pthread_mutex_destroy(&cs->mu);
	pthread_cond_destroy(&cs->cv);
	free(cs);
}

/* Stores the results of URLs i..i+k (r NULL: they failed with why) and
 * moves every line now in order to out. Called locked. */
static void cs_store(struct check_stream *cs, size_t i, size_t k,
    const struct vp_check_rep *r, const char *why)
{
	for (size_t x = 0; x < k; x++) {
		json_t *o;
		if (r != NULL) {
			o = cli_check_json(&r->checks[x]);
		} else {
			struct vp_check u = {.url = cs->urls[i + x],
			    .status = "unverified",
			    .error = (char *)why};
			o = cli_check_json(&u);
		}
		cs->lines[i + x] = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		if (cs->lines[i + x] == NULL)
			cs->lines[i + x] = strdup("{}");
	}
	while (cs->emitted < cs->n && cs->lines[cs->emitted] != NULL) {
		char *l = cs->lines[cs->emitted];
		size_t len = strlen(l);
		if (cs->out_len + len + 1 > cs->out_cap) {
			size_t cap = (cs->out_len + len + 1) * 2;
			char *b = realloc(cs->out, cap);
			if (b == NULL)
				break; /* the reader ends the stream short */
			cs->out = b;
			cs->out_cap = cap;
		}
		memcpy(cs->out + cs->out_len, l, len);
		cs->out[cs->out_len + len] = '\n';
		cs->out_len += len + 1;
		free(l);
		cs->lines[cs->emitted] = NULL;
		cs->emitted++;
	}
	pthread_cond_broadcast(&cs->cv);
}

/* Asks the dispatcher for one chunk; returns the client's status. */
static int cs_ask(struct check_stream *cs, size_t i, size_t k)
{
	struct vp_msg rep;
	uint64_t now = vp_now_ms();
	uint32_t budget =
	    cs->deadline > now ? (uint32_t)(cs->deadline - now) : 0;
	int rv = budget >= 100 ? vp_client_check_ex(cs->g->client, cs->urls + i,
	                             k, NULL, budget, &rep)
	                       : VP_ETIMEDOUT;
	const struct vp_check_rep *r =
	    rv == VP_OK ? vp_msg_check_rep(&rep) : NULL;
	char why[300];
	if (r != NULL && r->n_checks != k)
		r = NULL;
	if (r == NULL)
		snprintf(why, sizeof(why), "the check request failed: %s%s%s",
		    rv == VP_OK && rep.err ? rep.err->code : vp_strerror(rv),
		    rv == VP_OK && rep.err && rep.err->msg ? ": " : "",
		    rv == VP_OK && rep.err && rep.err->msg ? rep.err->msg : "");
	pthread_mutex_lock(&cs->mu);
	cs_store(cs, i, k, r, why);
	pthread_mutex_unlock(&cs->mu);
	if (rv == VP_OK)
		vp_msg_clear(&rep);
	return r != NULL ? VP_OK : rv != VP_OK ? rv : VP_EPROTO;
}

static void *cs_thread(void *arg)
{
	struct check_stream *cs = arg;
	for (;;) {
		pthread_mutex_lock(&cs->mu);
		size_t i = cs->next;
		if (cs->gone || i >= cs->n) {
			cs_unref_locked(cs);
			return NULL;
		}
		size_t k = cs->n - i < CHECK_CHUNK ? cs->n - i : CHECK_CHUNK;
		cs->next += k;
		pthread_mutex_unlock(&cs->mu);
		cs_ask(cs, i, k);
	}
}

static ssize_t cs_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct check_stream *cs = cls;
	(void)pos;
	pthread_mutex_lock(&cs->mu);
	while (
	    cs->out_pos == cs->out_len && cs->emitted < cs->n && cs->refs > 1)
		pthread_cond_wait(&cs->cv, &cs->mu);
	ssize_t got;
	if (cs->out_pos == cs->out_len) {
		got = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		size_t k = cs->out_len - cs->out_pos;
		if (k > max)
			k = max;
		memcpy(buf, cs->out + cs->out_pos, k);
		cs->out_pos += k;
		if (cs->out_pos == cs->out_len)
			cs->out_pos = cs->out_len = 0;
		got = (ssize_t)k;
	}
	pthread_mutex_unlock(&cs->mu);
	return got;
}

static void cs_free(void *cls)
{
	struct check_stream *cs = cls;
	pthread_mutex_lock(&cs->mu);
	cs->gone = true;
	cs_unref_locked(cs);
}

static enum MHD_Result check_stream(
    struct gw *g, struct MHD_Connection *c, char **urls, size_t n)
{
	struct check_stream *cs = calloc(1, sizeof(*cs));
	if (cs == NULL)
		return problem(g, c, 500, "out of memory", NULL);
	pthread_mutex_init(&cs->mu, NULL);
	pthread_cond_init(&cs->cv, NULL);
	cs->g = g;
	cs->n = n;
	cs->refs = 1;
	cs->deadline = vp_now_ms() + g->cfg.timeout_ms;
	cs->urls = calloc(n, sizeof(*cs->urls));
	cs->lines = calloc(n, sizeof(*cs->lines));
	bool ok = cs->urls != NULL && cs->lines != NULL;
	for (size_t i = 0; ok && i < n; i++)
		ok = (cs->urls[i] = strdup(urls[i])) != NULL;
	if (!ok) {
		pthread_mutex_lock(&cs->mu);
		cs_unref_locked(cs);
		return problem(g, c, 500, "out of memory", NULL);
	}
	/* the first chunk decides the status */
	size_t k = n < CHECK_CHUNK ? n : CHECK_CHUNK;
	cs->next = k;
	int rv = cs_ask(cs, 0, k);
	if (rv != VP_OK) {
		struct vp_msg none;
		memset(&none, 0, sizeof(none));
		pthread_mutex_lock(&cs->mu);
		cs_unref_locked(cs);
		return call_failed(g, c, rv, &none);
	}
	for (unsigned t = 0; t < CHECK_INFLIGHT && t * CHECK_CHUNK < n - k;
	     t++) {
		pthread_t th;
		pthread_mutex_lock(&cs->mu);
		cs->refs++;
		pthread_mutex_unlock(&cs->mu);
		if (pthread_create(&th, NULL, cs_thread, cs) != 0) {
			pthread_mutex_lock(&cs->mu);
			cs->refs--;
			pthread_mutex_unlock(&cs->mu);
			break;
		}
		pthread_detach(th);
	}
	/* no thread could start: the reader ends after what is in */
	struct MHD_Response *r = MHD_create_response_from_callback(
	    MHD_SIZE_UNKNOWN, 16384, cs_read, cs, cs_free);
	if (r == NULL) {
		cs_free(cs);
		return MHD_NO;
	}
	common_headers(g, r, "application/x-ndjson");
	enum MHD_Result res = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return res;
}

static enum MHD_Result do_check(
    struct gw *g, struct MHD_Connection *c, struct req *q)
{
	if (!g->cfg.check_open && !have_token(g))
		return problem(g, c, 403,
		    "check makes the server fetch URLs: it needs --http-token "
		    "(or --http-check-open)",
		    NULL);
	json_error_t jerr;
	json_t *in = json_loadb(q->body ? q->body : "", q->len, 0, &jerr);
	json_t *list = json_is_object(in) ? json_object_get(in, "urls") : in;
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > 10000) {
		char d[300];
		snprintf(d, sizeof(d),
		    in == NULL ? "not JSON: %s (line %d)"
		               : "want a JSON array of 1 to 10000 URLs (or "
		                 "{\"urls\": [...]})%.0s%d",
		    jerr.text, jerr.line);
		json_decref(in);
		return problem(g, c, 400, d, NULL);
	}
	size_t n = json_array_size(list);
	char **urls = calloc(n, sizeof(*urls));
	for (size_t i = 0; urls && i < n; i++) {
		urls[i] = (char *)json_string_value(json_array_get(list, i));
		if (urls[i] == NULL) {
			free(urls);
			json_decref(in);
			return problem(
			    g, c, 400, "every URL must be a string", NULL);
		}
	}
	if (urls == NULL) {
		json_decref(in);
		return problem(g, c, 500, "out of memory", NULL);
	}
	enum MHD_Result res = check_stream(g, c, urls, n);
	free(urls);
	json_decref(in);
	return res;
}

/* generated from proto/messages.def by vp-gen-openapi (gw_openapi.c) */
extern const char gw_openapi[];
extern const size_t gw_openapi_len;

static enum MHD_Result do_get(
    struct gw *g, struct MHD_Connection *c, const char *url)
{
	if (strcmp(url, "/v1/openapi.json") == 0) {
		char *s = malloc(gw_openapi_len);
		if (s == NULL)
			return MHD_NO;
		memcpy(s, gw_openapi, gw_openapi_len);
		return send_buf(
		    g, c, 200, "application/json", s, gw_openapi_len, NULL);
	}
	if (strcmp(url, "/healthz") == 0) {
		char *s = strdup("ok\n");
		return s ? send_buf(g, c, 200, "text/plain", s, 3, NULL)
		         : MHD_NO;
	}
	if (strcmp(url, "/readyz") == 0) {
		bool ok = gw_ready(g);
		char *s = strdup(ok ? "ready\n" : "dispatcher not reachable\n");
		return s ? send_buf(g, c, ok ? 200 : 503, "text/plain", s,
		               strlen(s), NULL)
		         : MHD_NO;
	}
	if (strcmp(url, "/metrics") == 0) {
		char *s = malloc(4096);
		if (s == NULL)
			return MHD_NO;
		size_t n = gw_metrics(g, s, 4096);
		return send_buf(
		    g, c, 200, "text/plain; version=0.0.4", s, n, NULL);
	}
	bool found;
	enum MHD_Result page = serve_page(g, c, url, &found);
	if (found)
		return page;
	return problem(g, c, 404, "no such resource", NULL);
}

/* ---- the access handler ------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
    const char *url, const char *method, const char *version, const char *data,
    size_t *data_len, void **state)
{
	struct gw *g = cls;
	struct req *q = *state;
	(void)version;
	if (q == NULL) { /* the head is in */
		if ((q = calloc(1, sizeof(*q))) == NULL)
			return MHD_NO;
		*state = q;
		atomic_fetch_add(&g->requests, 1);
		return MHD_YES;
	}
	if (*data_len > 0) { /* a piece of the body */
		if (!q->too_large && q->len + *data_len > g->cfg.body_max)
			q->too_large = true;
		if (!q->too_large) {
			if (q->len + *data_len + 1 > q->cap) {
				size_t cap = q->cap ? q->cap : 65536;
				while (cap < q->len + *data_len + 1)
					cap *= 2;
				if (cap > g->cfg.body_max + 1)
					cap = g->cfg.body_max + 1;
				char *b = realloc(q->body, cap);
				if (b == NULL)
					return MHD_NO;
				q->body = b;
				q->cap = cap;
			}
			memcpy(q->body + q->len, data, *data_len);
			q->len += *data_len;
			q->body[q->len] = '\0';
			atomic_fetch_add(&g->body_bytes, *data_len);
		}
		*data_len = 0;
		return MHD_YES;
	}
	/* the whole request is in */
	bool post = strcmp(method, "POST") == 0;
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	bool api = strncmp(url, "/v1/", 4) == 0;
	if (q->too_large) {
		char d[96];
		snprintf(d, sizeof(d), "the body is larger than %llu bytes",
		    (unsigned long long)g->cfg.body_max);
		return problem(g, c, 413, d, NULL);
	}
	if (api && strcmp(url, "/v1/openapi.json") != 0 && have_token(g) &&
	    !token_ok(g, c))
		return problem(
		    g, c, 401, "a valid bearer token is required", NULL);
	if (strcmp(url, "/v1/resolve") == 0 || strcmp(url, "/v1/parse") == 0 ||
	    strcmp(url, "/v1/check") == 0) {
		if (!post)
			return problem(g, c, 405, "use POST", NULL);
		if (url[4] == 'r')
			return do_resolve(g, c, q);
		if (url[4] == 'p')
			return do_parse(g, c, q);
		return do_check(g, c, q);
	}
	if (!get)
		return problem(g, c, api ? 404 : 405, "no such resource", NULL);
	return do_get(g, c, url);
}

static void on_done(void *cls, struct MHD_Connection *c, void **state,
    enum MHD_RequestTerminationCode why)
{
	struct req *q = *state;
	(void)cls;
	(void)c;
	(void)why;
	if (q != NULL) {
		free(q->body);
		free(q);
		*state = NULL;
	}
}

/* ---- life cycle --------------------------------------------------------- */

static int parse_listen(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	unsigned port;
	const char *p = strncmp(s, "http://", 7) == 0 ? s + 7 : s;
	const char *colon = strrchr(p, ':');
	if (colon == NULL || (size_t)(colon - p) >= sizeof(host) ||
	    sscanf(colon + 1, "%u", &port) != 1 || port > 65535)
		return -1;
	memcpy(host, p, (size_t)(colon - p));
	host[colon - p] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

int gw_start(
    struct gw **out, const struct gw_cfg *cfg, char *err, size_t errlen)
{
	struct sockaddr_in sa;
	struct gw *g;
	int rv;
	*out = NULL;
	if (parse_listen(cfg->listen, &sa) != 0) {
		snprintf(err, errlen,
		    "--http-listen: '%s' is not http://IPv4:PORT", cfg->listen);
		return VP_EINVAL;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return VP_ENOMEM;
	g->cfg = *cfg;
	if ((rv = vp_client_open(&g->client, cfg->connect, 0, err, errlen)) !=
	    VP_OK) {
		free(g);
		return rv;
	}
	if (cfg->local != NULL)
		vp_client_set_local(g->client, cfg->local, cfg->local_arg);
	g->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL,
	    0, NULL, NULL, on_request, g, MHD_OPTION_SOCK_ADDR, &sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->conns,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->idle_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, g, MHD_OPTION_END);
	if (g->d == NULL) {
		snprintf(err, errlen, "cannot serve HTTP on %s", cfg->listen);
		vp_client_close(g->client);
		free(g);
		return VP_EIO;
	}
	const union MHD_DaemonInfo *di =
	    MHD_get_daemon_info(g->d, MHD_DAEMON_INFO_BIND_PORT);
	g->port = di ? di->port : ntohs(sa.sin_port);
	*out = g;
	return VP_OK;
}

uint16_t gw_port(const struct gw *g)
{
	return g->port;
}

bool gw_ready(void *arg)
{
	struct gw *g = arg;
	struct vp_msg rep;
	int rv = vp_client_stats(g->client, 1000, &rep);
	vp_msg_clear(&rep);
	return rv == VP_OK;
}

size_t gw_metrics(void *arg, char *buf, size_t cap)
{
	struct gw *g = arg;
	const union MHD_DaemonInfo *di =
	    MHD_get_daemon_info(g->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	int n = snprintf(buf, cap,
	    "# TYPE vp_gateway_requests_total counter\n"
	    "vp_gateway_requests_total %llu\n"
	    "# TYPE vp_gateway_client_errors_total counter\n"
	    "vp_gateway_client_errors_total %llu\n"
	    "# TYPE vp_gateway_server_errors_total counter\n"
	    "vp_gateway_server_errors_total %llu\n"
	    "# TYPE vp_gateway_body_bytes_total counter\n"
	    "vp_gateway_body_bytes_total %llu\n"
	    "# TYPE vp_gateway_connections gauge\n"
	    "vp_gateway_connections %u\n"
	    "# TYPE vp_gateway_connections_max gauge\n"
	    "vp_gateway_connections_max %u\n"
	    "# TYPE vp_gateway_body_max_bytes gauge\n"
	    "vp_gateway_body_max_bytes %llu\n",
	    (unsigned long long)atomic_load(&g->requests),
	    (unsigned long long)atomic_load(&g->errors4),
	    (unsigned long long)atomic_load(&g->errors5),
	    (unsigned long long)atomic_load(&g->body_bytes),
	    di ? di->num_connections : 0, g->cfg.conns,
	    (unsigned long long)g->cfg.body_max);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

void gw_stop(struct gw *g)
{
	if (g == NULL)
		return;
	MHD_stop_daemon(g->d);
	vp_client_close(g->client);
	free(g);
}

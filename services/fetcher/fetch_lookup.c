/* fetch_lookup.c - online lookups of citations the parser marked with field
 * "lookup": the KOOP SRU API (gzd records, docs/spec/citations.md §2.5) for
 * Kamerstukken, Aanhangsels and other officielebekendmakingen ids, and the
 * Tweede Kamer OData API (docs/spec/citations.md §7) for zaak -> documents.
 * Requests go through the engine (SSRF guard, politeness); answers are cached
 * by request URL with a TTL.
 * The parsers (fetch_sru_parse, fetch_odata_zaak_parse) are pure. */
#include <curl/curl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fetch.h"
#include "fetch_int.h"
#include "fetch_svc.h"
#include "vp_buf.h"
#include "vp_clock.h"
#include "vp_err.h"
#include "vp_jobutil.h"

#define XML_MAX      (8u << 20)
#define LOOKUP_MS    10000 /* per request when the job gives no budget */
#define CONF_CONFIRM 0.95

/* ---- SRU ----------------------------------------------------------------- */

static const char *lname(const xmlNode *n)
{
	return (const char *)n->name;
}

/* Text of the first descendant element of n named name (local name). */
static const xmlNode *find(const xmlNode *n, const char *name, int depth)
{
	if (depth > 32)
		return NULL;
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp(lname(c), name) == 0)
			return c;
		const xmlNode *r = find(c, name, depth + 1);
		if (r != NULL)
			return r;
	}
	return NULL;
}

static char *text_of(const xmlNode *n, const char *name)
{
	const xmlNode *e = find(n, name, 0);
	if (e == NULL)
		return NULL;
	xmlChar *t = xmlNodeGetContent(e);
	if (t == NULL)
		return NULL;
	size_t len = strlen((const char *)t);
	/* trim */
	const char *s = (const char *)t;
	while (len > 0 && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\n' ||
	                      s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	char *out = vp_utf8_dup(s, len, 1024, VP_UTF8_NO_CTRL);
	xmlFree(t);
	return out;
}

void fetch_sru_free(struct fetch_sru *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		struct fetch_sru_rec *x = &r->recs[i];
		free(x->identifier);
		free(x->title);
		free(x->type);
		free(x->creator);
		free(x->date);
		free(x->url);
		free(x->vergaderjaar);
		free(x->aanhangselnummer);
		free(x->dossiernummer);
		free(x->ondernummer);
		free(x->vraagnummer);
	}
	free(r->recs);
	free(r->diagnostic);
	memset(r, 0, sizeof *r);
}

/* libxml2 (2.9) reports some errors, such as bad bytes for the declared
 * encoding, through its generic handler even with XML_PARSE_NOERROR: an
 * answer from outside could fill the service's log. These drop them. */
static void xml_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

#if LIBXML_VERSION >= 21200 /* the handler's error became const */
static void xml_quiet_structured(void *ctx, const xmlError *err)
#else
static void xml_quiet_structured(void *ctx, xmlError *err)
#endif
{
	(void)ctx;
	(void)err;
}

int fetch_sru_parse(const char *xml, size_t len, struct fetch_sru *out)
{
	/* the handlers are per thread in libxml2: set them on each call */
	xmlSetGenericErrorFunc(NULL, xml_quiet);
	xmlSetStructuredErrorFunc(NULL, xml_quiet_structured);
	memset(out, 0, sizeof *out);
	out->count = -1;
	if (len > XML_MAX || len > INT32_MAX)
		return VP_EINVAL;
	/* No network, no entity expansion, no DTD loading: the answer is
	 * outside input. */
	xmlDoc *doc = xmlReadMemory(xml, (int)len, "sru.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return VP_EINVAL;
	int rv = VP_EINVAL;
	xmlNode *root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp(lname(root), "searchRetrieveResponse") != 0)
		goto done;
	const xmlNode *diag = find(root, "diagnostics", 0);
	if (diag != NULL) {
		char *m = text_of(diag, "message");
		char *d = text_of(diag, "details");
		if (asprintf(&out->diagnostic, "%s%s%s", m ? m : "diagnostic",
		        d ? ": " : "", d ? d : "") < 0)
			out->diagnostic = NULL;
		free(m);
		free(d);
		rv = out->diagnostic ? VP_OK : VP_ENOMEM;
		goto done;
	}
	char *cnt = text_of(root, "numberOfRecords");
	if (cnt == NULL)
		goto done; /* neither count nor diagnostics: not an answer */
	char *end;
	long c = strtol(cnt, &end, 10);
	bool good = end != cnt && *end == '\0' && c >= 0;
	free(cnt);
	if (!good)
		goto done;
	out->count = c;
	const xmlNode *recs = find(root, "records", 0);
	size_t cap = 0;
	for (const xmlNode *r = recs ? recs->children : NULL; r; r = r->next) {
		if (r->type != XML_ELEMENT_NODE || strcmp(lname(r), "record"))
			continue;
		if (out->n == 1000)
			break;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 4;
			struct fetch_sru_rec *v =
			    realloc(out->recs, cap * sizeof *v);
			if (v == NULL) {
				rv = VP_ENOMEM;
				goto fail;
			}
			out->recs = v;
		}
		struct fetch_sru_rec *x = &out->recs[out->n++];
		memset(x, 0, sizeof *x);
		x->identifier = text_of(r, "identifier");
		x->title = text_of(r, "title");
		x->type = text_of(r, "type");
		x->creator = text_of(r, "creator");
		x->date = text_of(r, "available");
		if (x->date == NULL)
			x->date = text_of(r, "date");
		x->url = text_of(r, "preferredUrl");
		if (x->url == NULL)
			x->url = text_of(r, "url");
		x->vergaderjaar = text_of(r, "vergaderjaar");
		x->aanhangselnummer = text_of(r, "aanhangselnummer");
		x->dossiernummer = text_of(r, "dossiernummer");
		x->ondernummer = text_of(r, "ondernummer");
		x->vraagnummer = text_of(r, "vraagnummer");
	}
	rv = VP_OK;
	goto done;
fail:
	fetch_sru_free(out);
done:
	xmlFreeDoc(doc);
	return rv;
}

/* ---- OData --------------------------------------------------------------- */

void fetch_zaak_free(struct fetch_zaak *z)
{
	if (z == NULL)
		return;
	free(z->nummer);
	free(z->title);
	free(z->date);
	free(z->documents);
	memset(z, 0, sizeof *z);
}

int fetch_odata_zaak_parse(const char *json, size_t len, struct fetch_zaak *z)
{
	memset(z, 0, sizeof *z);
	if (len > XML_MAX)
		return VP_EINVAL;
	json_error_t err;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL)
		return VP_EINVAL;
	int rv = VP_EINVAL;
	json_t *v = json_object_get(root, "value");
	if (!json_is_array(v))
		goto done;
	z->found = json_array_size(v);
	if (z->found == 0) {
		rv = VP_OK;
		goto done;
	}
	json_t *zk = json_array_get(v, 0);
	const char *nr = json_string_value(json_object_get(zk, "Nummer"));
	const char *title = json_string_value(json_object_get(zk, "Onderwerp"));
	if (title == NULL)
		title = json_string_value(json_object_get(zk, "Titel"));
	const char *date = json_string_value(json_object_get(zk, "GestartOp"));
	rv = VP_ENOMEM;
	if (nr &&
	    !(z->nummer = vp_utf8_dup(nr, strlen(nr), 64, VP_UTF8_NO_CTRL)))
		goto done;
	if (title && !(z->title = vp_utf8_dup(
	                   title, strlen(title), 1024, VP_UTF8_NO_CTRL)))
		goto done;
	if (date && strlen(date) >= 10 &&
	    !(z->date = vp_utf8_dup(date, 10, 10, VP_UTF8_NO_CTRL)))
		goto done;
	/* The documents of the zaak, as a comma-separated list of numbers. */
	json_t *docs = json_object_get(zk, "Document");
	struct vp_buf list; /* at most 100 numbers of 32 bytes, and commas */
	vp_buf_init(&list, 100 * 33);
	for (size_t i = 0;
	     json_is_array(docs) && i < json_array_size(docs) && i < 100; i++) {
		const char *dn = json_string_value(
		    json_object_get(json_array_get(docs, i), "DocumentNummer"));
		if (dn == NULL || strlen(dn) > 32)
			continue;
		if ((list.len > 0 && vp_buf_add(&list, ",", 1) != VP_OK) ||
		    vp_buf_addstr(&list, dn) != VP_OK) {
			vp_buf_free(&list);
			goto done;
		}
	}
	if (list.mem == NULL && vp_buf_add(&list, "", 0) != VP_OK)
		goto done;
	z->documents = vp_buf_take(&list, NULL);
	rv = VP_OK;
done:
	if (rv != VP_OK)
		fetch_zaak_free(z);
	json_decref(root);
	return rv;
}

/* ---- cache (by request URL) ---------------------------------------------- */

struct centry {
	char *url;
	char *body;
	size_t len;
	uint64_t at; /* seconds */
};

struct fetch_lcache {
	pthread_mutex_t mu;
	struct centry *v;
	size_t n, cap, next; /* ring: replaces the oldest */
	unsigned ttl_s;
};

struct fetch_lcache *fetch_lcache_new(unsigned entries, unsigned ttl_s)
{
	struct fetch_lcache *c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->cap = entries ? entries : 1;
	c->ttl_s = ttl_s;
	if ((c->v = calloc(c->cap, sizeof *c->v)) == NULL) {
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void fetch_lcache_free(struct fetch_lcache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].url);
		free(c->v[i].body);
	}
	free(c->v);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static char *cache_get(
    struct fetch_lcache *c, const char *url, uint64_t now, size_t *len)
{
	char *out = NULL;
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < c->n; i++) {
		struct centry *x = &c->v[i];
		if (strcmp(x->url, url) == 0 && now - x->at < c->ttl_s) {
			out = malloc(x->len + 1);
			if (out != NULL) {
				memcpy(out, x->body, x->len + 1);
				*len = x->len;
			}
			break;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return out;
}

static void cache_put(struct fetch_lcache *c, const char *url, const char *body,
    size_t len, uint64_t now)
{
	char *u = strdup(url), *b = malloc(len + 1);
	if (u == NULL || b == NULL) {
		free(u);
		free(b);
		return;
	}
	memcpy(b, body, len);
	b[len] = '\0';
	pthread_mutex_lock(&c->mu);
	struct centry *x;
	if (c->n < c->cap) {
		x = &c->v[c->n++];
	} else {
		x = &c->v[c->next];
		c->next = (c->next + 1) % c->cap;
		free(x->url);
		free(x->body);
	}
	x->url = u;
	x->body = b;
	x->len = len;
	x->at = now;
	pthread_mutex_unlock(&c->mu);
}

/* ---- the lookup job ------------------------------------------------------ */

struct ctx {
	struct fetch_engine *e;
	uint64_t deadline; /* CLOCK_MONOTONIC ms */
	struct vp_lookup_rep *rep;
};

static int set_field(struct vp_citation *c, const char *key, const char *val)
{
	if (val == NULL)
		return VP_OK;
	char *v = vp_utf8_dup(val, strlen(val), 1024, VP_UTF8_NO_CTRL);
	if (v == NULL)
		return VP_ENOMEM;
	for (size_t i = 0; i < c->n_fields; i++)
		if (strcmp(c->fields[i].key, key) == 0) {
			free(c->fields[i].val);
			c->fields[i].val = v;
			return VP_OK;
		}
	if (c->n_fields >= 64) {
		free(v);
		return VP_OK;
	}
	struct vp_kv *kv = realloc(c->fields, (c->n_fields + 1) * sizeof *kv);
	char *k = strdup(key);
	if (kv == NULL || k == NULL) {
		if (kv != NULL)
			c->fields = kv;
		free(v);
		free(k);
		return VP_ENOMEM;
	}
	c->fields = kv;
	kv[c->n_fields].key = k;
	kv[c->n_fields].val = v;
	c->n_fields++;
	return VP_OK;
}

static int set_s(char **dst, const char *s, size_t max)
{
	char *v = vp_utf8_dup(s, strlen(s), max, VP_UTF8_NO_CTRL);
	if (v == NULL)
		return VP_ENOMEM;
	free(*dst);
	*dst = v;
	return VP_OK;
}

static int add_err(struct ctx *x, const struct vp_citation *c, const char *code,
    const char *msg, bool retryable)
{
	struct vp_lookup_rep *r = x->rep;
	struct vp_item_err *v =
	    realloc(r->errors, (r->n_errors + 1) * sizeof *v);
	if (v == NULL)
		return VP_ENOMEM;
	r->errors = v;
	struct vp_item_err *e = &v[r->n_errors];
	memset(e, 0, sizeof *e);
	e->item = vp_utf8_dup(c->id, strlen(c->id), 8192, VP_UTF8_NO_CTRL);
	e->code = strdup(code);
	e->msg = vp_utf8_dup(msg, strlen(msg), 1024, VP_UTF8_NO_CTRL);
	e->retryable = retryable;
	if (e->item == NULL || e->code == NULL || e->msg == NULL) {
		vp_obj_clear(&vp_desc_item_err, e);
		return VP_ENOMEM;
	}
	r->n_errors++;
	return VP_OK;
}

/* GETs url (cached). Returns VP_OK with a body, VP_ENOMEM, or VP_EIO with
 * a message in why. */
static int get_cached(struct ctx *x, const char *url, const char *accept,
    char **body, size_t *len, char *why, size_t whylen)
{
	struct fetch_lcache *c = fetch_engine_lcache(x->e);
	uint64_t now_s = (uint64_t)time(NULL);
	*body = cache_get(c, url, now_s, len);
	if (*body != NULL)
		return VP_OK;
	uint64_t now = vp_now_ms();
	if (now + 50 >= x->deadline) {
		snprintf(why, whylen, "lookup budget spent");
		return VP_EIO;
	}
	struct fetch_resp r;
	int rv =
	    fetch_get(x->e, url, accept, (uint32_t)(x->deadline - now), 0, &r);
	if (rv != VP_OK)
		return rv;
	if (r.status != 200 || r.body == NULL || r.capped) {
		snprintf(why, whylen, "%s answered %s%ld%s%s",
		    r.blocked ? "refused by the SSRF policy:" : "service",
		    r.status ? "HTTP " : "", r.status, r.error ? ": " : "",
		    r.error ? r.error : "");
		fetch_resp_clear(&r);
		return VP_EIO;
	}
	cache_put(c, url, r.body, r.len, now_s);
	*body = r.body;
	*len = r.len;
	r.body = NULL;
	fetch_resp_clear(&r);
	return VP_OK;
}

static int sru_query(struct ctx *x, const char *cql, struct fetch_sru *out,
    char *why, size_t whylen)
{
	const char *base = fetch_engine_opts(x->e)->sru_url;
	char *q = NULL, *url = NULL, *body = NULL;
	size_t len = 0;
	int rv = VP_ENOMEM;
	if (base == NULL || *base == '\0') {
		snprintf(why, whylen, "no SRU service configured");
		return VP_EIO;
	}
	q = curl_easy_escape(NULL, cql, 0);
	if (q == NULL ||
	    asprintf(&url,
	        "%s%soperation=searchRetrieve&version=2.0&recordSchema=gzd&"
	        "httpAccept=application/xml&maximumRecords=10&query=%s",
	        base, strchr(base, '?') ? "&" : "?", q) < 0) {
		url = NULL;
		goto out;
	}
	if ((rv = get_cached(
	         x, url, "application/xml", &body, &len, why, whylen)) != VP_OK)
		goto out;
	rv = fetch_sru_parse(body, len, out);
	if (rv == VP_EINVAL)
		snprintf(why, whylen, "the SRU answer is not an SRU response");
	else if (rv == VP_OK && out->diagnostic != NULL) {
		snprintf(why, whylen, "SRU diagnostic: %s", out->diagnostic);
		rv = VP_EINVAL;
	}
out:
	curl_free(q);
	free(url);
	free(body);
	return rv;
}

static bool chamber_matches(const char *chamber, const char *creator)
{
	if (chamber == NULL || creator == NULL)
		return true;
	bool ek = strcasecmp(chamber, "ek") == 0 || strcmp(chamber, "I") == 0 ||
	          strcasestr(chamber, "eerste") != NULL;
	return ek ? strcasestr(creator, "Eerste") != NULL
	          : strcasestr(creator, "Tweede") != NULL;
}

/* Applies SRU record r to citation c: a confirmed or completed citation. */
static int apply_rec(struct vp_citation *c, const struct fetch_sru_rec *r)
{
	int rv = VP_OK;
	if (r->identifier != NULL)
		rv = set_s(&c->id, r->identifier, 1024);
	if (rv == VP_OK && r->url != NULL)
		rv = set_s(&c->url, r->url, 8192);
	if (rv == VP_OK)
		rv = set_field(c, "title", r->title);
	if (rv == VP_OK)
		rv = set_field(c, "date", r->date);
	if (rv == VP_OK)
		rv = set_field(c, "lookup_source", "sru");
	if (rv == VP_OK && c->confidence < CONF_CONFIRM)
		c->confidence = CONF_CONFIRM;
	if (rv == VP_OK)
		rv = set_s(&c->reason, "confirmed by the KOOP SRU API", 512);
	return rv;
}

static int not_found(struct vp_citation *c, const char *what)
{
	char msg[512];
	snprintf(msg, sizeof msg, "not found online (%s)", what);
	c->confidence = c->confidence * 0.5;
	return set_s(&c->reason, msg, 512);
}

/* Looks a citation up by SRU with cql; with chamber, picks the record of
 * that chamber among several (aanhangsel numbers restart per chamber). */
static int by_sru(
    struct ctx *x, struct vp_citation *c, const char *cql, const char *chamber)
{
	struct fetch_sru s;
	char why[512] = "";
	int rv = sru_query(x, cql, &s, why, sizeof why);
	if (rv == VP_ENOMEM)
		return rv;
	if (rv != VP_OK) {
		rv = add_err(
		    x, c, rv == VP_EIO ? "io" : "invalid", why, rv == VP_EIO);
		fetch_sru_free(&s);
		return rv;
	}
	const struct fetch_sru_rec *pick = NULL;
	size_t matches = 0;
	for (size_t i = 0; i < s.n; i++)
		if (chamber_matches(chamber, s.recs[i].creator)) {
			matches++;
			if (pick == NULL)
				pick = &s.recs[i];
		}
	if (pick == NULL)
		rv = not_found(c, "KOOP SRU: no record");
	else if (matches > 1 && chamber == NULL) {
		c->confidence = c->confidence * 0.7;
		rv = set_s(&c->reason,
		    "several records online; the chamber decides", 512);
	} else
		rv = apply_rec(c, pick);
	fetch_sru_free(&s);
	return rv;
}

static int by_odata_zaak(struct ctx *x, struct vp_citation *c, const char *nr)
{
	for (const char *p = nr; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == 'Z' || *p == 'D'))
			return add_err(
			    x, c, "invalid", "not a zaaknummer", false);
	const char *base = fetch_engine_opts(x->e)->odata_url;
	if (base == NULL || *base == '\0')
		return add_err(
		    x, c, "unavailable", "no OData service configured", true);
	char filter[128], *q = NULL, *url = NULL, *body = NULL;
	char why[512] = "";
	size_t len = 0;
	snprintf(filter, sizeof filter, "Nummer eq '%s'", nr);
	int rv = VP_ENOMEM;
	if ((q = curl_easy_escape(NULL, filter, 0)) == NULL ||
	    asprintf(&url, "%sZaak?$filter=%s&$expand=Document", base, q) < 0) {
		url = NULL;
		goto out;
	}
	rv = get_cached(
	    x, url, "application/json", &body, &len, why, sizeof why);
	if (rv == VP_EIO) {
		rv = add_err(x, c, "io", why, true);
		goto out;
	}
	if (rv != VP_OK)
		goto out;
	struct fetch_zaak z;
	rv = fetch_odata_zaak_parse(body, len, &z);
	if (rv == VP_EINVAL) {
		rv = add_err(
		    x, c, "invalid", "the OData answer is malformed", false);
		goto out;
	}
	if (rv != VP_OK)
		goto out;
	if (z.found == 0) {
		rv = not_found(c, "Tweede Kamer OData: no zaak");
	} else {
		rv = set_field(c, "title", z.title);
		if (rv == VP_OK)
			rv = set_field(c, "date", z.date);
		if (rv == VP_OK && z.documents && z.documents[0])
			rv = set_field(c, "documents", z.documents);
		if (rv == VP_OK)
			rv = set_field(c, "lookup_source", "odata");
		if (rv == VP_OK && c->confidence < CONF_CONFIRM)
			c->confidence = CONF_CONFIRM;
		if (rv == VP_OK)
			rv = set_s(&c->reason,
			    "confirmed by the Tweede Kamer OData API", 512);
	}
	fetch_zaak_free(&z);
out:
	curl_free(q);
	free(url);
	free(body);
	return rv;
}

/* Only characters a CQL term of ours may hold: no quotes, no operators. */
static bool cql_safe(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		        (*s >= 'A' && *s <= 'Z') || *s == '-'))
			return false;
	return true;
}

static bool bekendmaking_id(const char *id)
{
	static const char *const pre[] = {"kst-", "ah-", "h-", "stb-", "stcrt-",
	    "trb-", "gmb-", "prb-", "wsb-", "blg-", "bgr-"};
	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
		if (strncmp(id, pre[i], strlen(pre[i])) == 0)
			return true;
	return false;
}

static int lookup_one(struct ctx *x, struct vp_citation *c)
{
	const char *kind = vp_citation_field(c, "lookup");
	char cql[512];
	if (kind == NULL)
		kind = c->family;
	if (strcmp(kind, "aanhangsel") == 0 ||
	    strcmp(c->family, "aanhangsel") == 0) {
		const char *vj = vp_citation_field(c, "vergaderjaar");
		const char *nr = vp_citation_field(c, "aanhangselnummer");
		if (nr == NULL)
			nr = vp_citation_field(c, "nummer");
		if (!cql_safe(vj) || !cql_safe(nr))
			return add_err(x, c, "invalid",
			    "aanhangsel lookup needs vergaderjaar and nummer",
			    false);
		snprintf(cql, sizeof cql,
		    "c.product-area==officielepublicaties AND "
		    "w.publicatienaam=\"Kamervragen (Aanhangsel)\" AND "
		    "w.vergaderjaar=%s AND w.aanhangselnummer==%s",
		    vj, nr);
		return by_sru(x, c, cql, vp_citation_field(c, "chamber"));
	}
	if (strcmp(kind, "zaak") == 0 || strcmp(c->family, "zaaknummer") == 0) {
		const char *nr = vp_citation_field(c, "nummer");
		if (nr == NULL)
			nr = c->id;
		if (!cql_safe(nr))
			return add_err(x, c, "invalid", "no zaaknummer", false);
		return by_odata_zaak(x, c, nr);
	}
	if (bekendmaking_id(c->id) && cql_safe(c->id)) {
		snprintf(cql, sizeof cql,
		    "dt.identifier==\"%s\" AND "
		    "c.product-area==officielepublicaties",
		    c->id);
		return by_sru(x, c, cql, NULL);
	}
	const char *dos = vp_citation_field(c, "dossier"),
	           *toev = vp_citation_field(c, "toevoeging");
	const char *ond = vp_citation_field(c, "ondernummer");
	if (cql_safe(dos) && cql_safe(ond)) {
		snprintf(cql, sizeof cql,
		    "c.product-area==officielepublicaties AND "
		    "w.publicatienaam=Kamerstuk AND "
		    "w.dossiernummer==\"%s%s%s\" "
		    "AND w.ondernummer==%s",
		    dos, cql_safe(toev) ? "-" : "", cql_safe(toev) ? toev : "",
		    ond);
		return by_sru(x, c, cql, NULL);
	}
	char msg[128];
	snprintf(msg, sizeof msg, "no online lookup for kind \"%.40s\"", kind);
	return add_err(x, c, "unsupported", msg, false);
}

int fetch_lookup_job(void *arg, const struct vp_msg *job, struct vp_ready *res)
{
	const struct vp_lookup_req *q = vp_msg_lookup_req(job);
	if (q == NULL)
		return vp_job_fail(res, VP_EINVAL,
		    "lookup worker got a job that is not lookup.req");
	struct vp_msg m;
	int rv = vp_msg_init(&m, VP_T_LOOKUP_REP);
	if (rv != VP_OK)
		return vp_job_fail(res, rv, NULL);
	struct vp_lookup_rep *rep = m.body;
	struct ctx x = {.e = arg, .rep = rep};
	uint32_t budget = job->timeout_ms == 0    ? 30000
	                  : job->timeout_ms > 200 ? job->timeout_ms - 100
	                                          : job->timeout_ms;
	x.deadline = vp_now_ms() + budget;
	if (q->n_citations > 0 && (rep->citations = calloc(q->n_citations,
	                               sizeof *rep->citations)) == NULL) {
		vp_msg_clear(&m);
		return vp_job_fail(res, VP_ENOMEM, NULL);
	}
	for (size_t i = 0; i < q->n_citations && rv == VP_OK; i++) {
		rv = vp_obj_copy(
		    &vp_desc_citation, &rep->citations[i], &q->citations[i]);
		if (rv == VP_OK) {
			rep->n_citations++;
			rv = lookup_one(&x, &rep->citations[i]);
		}
	}
	if (rv == VP_OK)
		rv = vp_job_reply(res, &m);
	vp_msg_clear(&m);
	if (rv != VP_OK)
		return vp_job_fail(res, rv, NULL);
	return VP_OK;
}

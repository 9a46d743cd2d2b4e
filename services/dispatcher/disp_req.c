/* disp_req.c - the request pipeline: what the dispatcher does with a
 * resolve, parse, check or pass-through request between its arrival and its
 * reply. A resolve goes through stages - split, parse, lookups (when asked),
 * link checks (when asked) - each started when the previous one has no job
 * pending; checks and lookups that fail leave a partial result with a
 * per-item error instead of failing the request. Jobs are queued, leased and
 * retried by disp_core.c; replies leave through disp.c. */
#include "disp_int.h"

#include "vp_clock.h"
#include "vp_err.h"
#include "vp_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Creates a job of kind k and request type t for r; takes ownership of body
 * (a struct of t's body type) on success. */
static struct disp_job *new_job(struct disp *d, struct request *r,
    enum disp_kind k, enum vp_type t, void *body)
{
	struct disp_job *j;
	if (disp_job_new(&j, &d->core, k, t, body, r, r->deadline) != VP_OK)
		return NULL;
	r->pending++;
	return j;
}

/* ---- requests ----------------------------------------------------------- */

/* Moves a worker's per-item errors (a result it had to cut) into r's. */
static void take_item_errs(struct request *r, struct vp_ready *res)
{
	struct vp_item_err *e =
	    realloc(r->errs, (r->n_errs + res->n_errors) * sizeof(*e));
	if (e == NULL)
		return;
	r->errs = e;
	memcpy(&r->errs[r->n_errs], res->errors,
	    res->n_errors * sizeof(*res->errors));
	r->n_errs += res->n_errors;
	free(res->errors);
	res->errors = NULL;
	res->n_errors = 0;
}

static void add_item_err(struct request *r, const char *item, int err,
    const char *msg, bool retryable)
{
	struct vp_item_err *e = realloc(r->errs, (r->n_errs + 1) * sizeof(*e));
	if (e == NULL)
		return;
	r->errs = e;
	e = &r->errs[r->n_errs];
	memset(e, 0, sizeof(*e));
	e->item = strdup(item);
	e->code = strdup(vp_err_code(err));
	e->msg = msg ? strdup(msg) : NULL;
	e->retryable = retryable;
	if (e->item == NULL || e->code == NULL) {
		vp_obj_clear(&vp_desc_item_err, e);
		return;
	}
	r->n_errs++;
}

static void free_request(struct disp *d, struct request *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		d->requests = r->next;
	if (r->next)
		r->next->prev = r->prev;
	d->n_requests--;
	d->buffered -= r->bytes;
	for (size_t i = 0; i < r->n_cits; i++)
		vp_obj_clear(&vp_desc_citation, &r->cits[i]);
	free(r->cits);
	for (size_t i = 0; i < r->n_urls; i++) {
		free(r->urls[i]);
		if (r->checks)
			vp_obj_clear(&vp_desc_check, &r->checks[i]);
	}
	free(r->urls);
	free(r->checks);
	for (size_t i = 0; i < r->n_errs; i++)
		vp_obj_clear(&vp_desc_item_err, &r->errs[i]);
	free(r->errs);
	free(r->name);
	free(r->date);
	free(r->reply);
	free(r->fail_msg);
	free(r);
}

/* Sends the reply of r (complete, partial or failed) and frees it. */
static void finish(struct disp *d, struct request *r)
{
	struct vp_msg m;
	int rv;

	disp_core_orphan(&d->core, r);
	if (r->fail != VP_OK) {
		disp_api_reply_error(d, r->slot, r->id, r->has_id, r->fail,
		    r->fail_msg ? r->fail_msg : vp_strerror(r->fail));
		free_request(d, r);
		return;
	}
	if (r->reply != NULL) {
		/* pass-through: validate the worker's reply, relay it with the
		 * client's id */
		struct vp_decode_err why;
		if (vp_msg_decode(&m, r->reply, r->reply_len, &d->lim, &why) !=
		    VP_OK) {
			VP_WARN("undecodable reply from a %s worker: %s",
			    vp_type_name(r->type), why.msg);
			rv = VP_EUPSTREAM;
			goto fail;
		}
		memcpy(m.id, r->id, 16);
		m.has_id = r->has_id;
		disp_api_reply(r->slot, &m);
		vp_msg_clear(&m);
		free_request(d, r);
		return;
	}
	if (r->type == VP_T_RESOLVE_REQ) {
		struct vp_resolve_rep *b;
		if ((rv = vp_msg_init(&m, VP_T_RESOLVE_REP)) != VP_OK)
			goto fail;
		b = m.body;
		if (r->checks != NULL && disp_attach_checks(r->cits, r->n_cits,
		                             r->checks, r->n_urls) != VP_OK) {
			vp_msg_clear(&m);
			rv = VP_ENOMEM;
			goto fail;
		}
		b->name = r->name;
		b->n_segments = r->n_segments;
		b->citations = r->cits;
		b->n_citations = r->n_cits;
		b->errors = r->errs;
		b->n_errors = r->n_errs;
	} else if (r->type == VP_T_PARSE_REQ) {
		struct vp_parse_rep *b;
		if ((rv = vp_msg_init(&m, VP_T_PARSE_REP)) != VP_OK)
			goto fail;
		b = m.body;
		b->citations = r->cits;
		b->n_citations = r->n_cits;
		b->errors = r->errs;
		b->n_errors = r->n_errs;
	} else if (r->type == VP_T_CHECK_REQ) {
		struct vp_check_rep *b;
		if ((rv = vp_msg_init(&m, VP_T_CHECK_REP)) != VP_OK)
			goto fail;
		b = m.body;
		b->checks = r->checks;
		b->n_checks = r->checks ? r->n_urls : 0;
		b->errors = r->errs;
		b->n_errors = r->n_errs;
	} else {
		/* a pass-through request whose worker never answered */
		rv = VP_EUPSTREAM;
		goto fail;
	}
	memcpy(m.id, r->id, 16);
	m.has_id = r->has_id;
	if (r->slot->call != NULL) {
		/* a call from this process: the reply takes r's arrays */
		if (r->type == VP_T_RESOLVE_REQ)
			r->name = NULL;
		if (r->type == VP_T_CHECK_REQ)
			r->checks = NULL;
		r->cits = NULL;
		r->n_cits = 0;
		r->errs = NULL;
		r->n_errs = 0;
		disp_call_reply(r->slot, &m, true);
		free_request(d, r);
		return;
	}
	disp_api_reply(r->slot, &m);
	/* the body borrowed r's arrays: detach before clearing */
	memset(m.body, 0, vp_type_body(m.type)->size);
	vp_msg_clear(&m);
	free_request(d, r);
	return;
fail:
	disp_api_reply_error(d, r->slot, r->id, r->has_id, rv, vp_strerror(rv));
	free_request(d, r);
}

static void fail_request(
    struct disp *d, struct request *r, int err, const char *msg)
{
	r->fail = err;
	free(r->fail_msg);
	r->fail_msg = msg ? strdup(msg) : NULL;
	finish(d, r);
}

static struct request *new_request(
    struct disp *d, struct api_slot *s, const struct vp_msg *m, uint64_t now)
{
	struct request *r = calloc(1, sizeof(*r));
	uint32_t budget;
	if (r == NULL)
		return NULL;
	r->slot = s;
	r->type = m->type;
	memcpy(r->id, m->id, 16);
	r->has_id = m->has_id;
	budget = m->timeout_ms ? m->timeout_ms : d->cfg.default_timeout_ms;
	if (d->cfg.max_timeout_ms > 0 && budget > d->cfg.max_timeout_ms) {
		/* a client may not hold a context for 49 days */
		budget = d->cfg.max_timeout_ms;
		d->lims.deadlines_capped++;
	}
	r->deadline = vp_deadline_in(now, budget);
	r->next = d->requests;
	if (r->next)
		r->next->prev = r;
	d->requests = r;
	d->n_requests++;
	return r;
}

/* Copies the distinct citation URLs of r into r->urls. */
static int collect_urls(struct request *r)
{
	char **urls = NULL;
	size_t n = 0;
	int rv = disp_distinct_urls(r->cits, r->n_cits, &urls, &n);
	if (rv != VP_OK)
		return rv;
	if (n > 0 && (r->urls = calloc(n, sizeof(char *))) == NULL) {
		free(urls);
		return VP_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if ((r->urls[i] = strdup(urls[i])) == NULL) {
			rv = VP_ENOMEM;
			break;
		}
		r->n_urls = i + 1;
	}
	free(urls);
	return rv;
}

/* Creates the check jobs for r->urls, check_batch URLs each. */
static int start_checks(struct disp *d, struct request *r, uint64_t now)
{
	r->stage = ST_CHECK;
	if ((r->checks = calloc(
	         r->n_urls ? r->n_urls : 1, sizeof(*r->checks))) == NULL)
		return VP_ENOMEM;
	for (size_t i = 0; i < r->n_urls; i += d->cfg.check_batch) {
		size_t n = r->n_urls - i < d->cfg.check_batch
		               ? r->n_urls - i
		               : d->cfg.check_batch;
		struct vp_check_req *b = calloc(1, sizeof(*b));
		struct disp_job *j;
		if (b == NULL ||
		    (b->urls = calloc(n, sizeof(char *))) == NULL) {
			free(b);
			return VP_ENOMEM;
		}
		b->archive = r->archive;
		b->url_timeout_ms = r->url_timeout_ms;
		for (size_t k = 0; k < n; k++) {
			if ((b->urls[k] = strdup(r->urls[i + k])) == NULL)
				break;
			b->n_urls = k + 1;
		}
		if (r->date != NULL)
			b->date = strdup(r->date);
		if (b->n_urls != n || (r->date != NULL && b->date == NULL) ||
		    (j = new_job(d, r, DISP_K_CHECK, VP_T_CHECK_REQ, b)) ==
		        NULL) {
			vp_obj_clear(&vp_desc_check_req, b);
			free(b);
			return VP_ENOMEM;
		}
		j->item0 = i;
		disp_core_submit(&d->core, j, now);
	}
	return VP_OK;
}

static bool needs_lookup(const struct vp_citation *c)
{
	for (size_t i = 0; i < c->n_fields; i++)
		if (strcmp(c->fields[i].key, "lookup") == 0)
			return true;
	return false;
}

/* Creates lookup jobs for the citations of r marked with field "lookup";
 * each job remembers which citations it carries. */
static int start_lookups(struct disp *d, struct request *r, uint64_t now)
{
	size_t *idx, n = 0;
	int rv = VP_OK;

	if (r->n_cits == 0)
		return VP_OK;
	if ((idx = malloc(r->n_cits * sizeof(*idx))) == NULL)
		return VP_ENOMEM;
	for (size_t i = 0; i < r->n_cits; i++)
		if (needs_lookup(&r->cits[i]))
			idx[n++] = i;
	if (n > 0)
		r->stage = ST_LOOKUP;
	for (size_t i = 0; i < n && rv == VP_OK; i += d->cfg.check_batch) {
		size_t m =
		    n - i < d->cfg.check_batch ? n - i : d->cfg.check_batch;
		struct vp_lookup_req *b = calloc(1, sizeof(*b));
		struct disp_job *j;
		if (b == NULL ||
		    (b->citations = calloc(m, sizeof(*b->citations))) == NULL) {
			free(b);
			rv = VP_ENOMEM;
			break;
		}
		for (size_t k = 0; k < m && rv == VP_OK; k++) {
			rv = vp_obj_copy(&vp_desc_citation, &b->citations[k],
			    &r->cits[idx[i + k]]);
			if (rv == VP_OK)
				b->n_citations = k + 1;
		}
		if (rv != VP_OK || (j = new_job(d, r, DISP_K_LOOKUP,
		                        VP_T_LOOKUP_REQ, b)) == NULL) {
			vp_obj_clear(&vp_desc_lookup_req, b);
			free(b);
			rv = VP_ENOMEM;
			break;
		}
		if ((j->items = malloc(m * sizeof(*j->items))) == NULL) {
			rv = VP_ENOMEM; /* the job is queued; the request fails
			                 */
			break;
		}
		memcpy(j->items, idx + i, m * sizeof(*j->items));
		j->n_items = m;
		disp_core_submit(&d->core, j, now);
	}
	free(idx);
	return rv;
}

/* Moves the citations of a resolve lookup job's reply into place. A
 * citation that comes back without spans keeps the spans it had. */
static void apply_lookup(
    struct disp *d, struct request *r, struct disp_job *j, struct vp_ready *res)
{
	struct vp_msg m;
	struct vp_decode_err why;
	struct vp_lookup_rep *lr;

	int drv = res->reply == NULL ? VP_EINVAL
	                             : vp_msg_decode(&m, res->reply,
	                                   res->reply_len, &d->lim, &why);
	if (drv != VP_OK || (lr = vp_msg_lookup_rep(&m)) == NULL) {
		if (drv == VP_OK)
			vp_msg_clear(&m);
		for (size_t k = 0; k < j->n_items; k++) {
			char item[1100];
			snprintf(item, sizeof(item), "lookup %s",
			    r->cits[j->items[k]].id);
			add_item_err(r, item, VP_EUPSTREAM,
			    "the lookup worker sent no usable reply", true);
		}
		return;
	}
	for (size_t k = 0; k < j->n_items && k < lr->n_citations; k++) {
		struct vp_citation *old = &r->cits[j->items[k]];
		struct vp_citation *nw = &lr->citations[k];
		if (nw->family == NULL || nw->id == NULL)
			continue;
		if (nw->n_spans == 0) {
			nw->spans = old->spans;
			nw->n_spans = old->n_spans;
			old->spans = NULL;
			old->n_spans = 0;
		}
		vp_obj_clear(&vp_desc_citation, old);
		*old = *nw;
		memset(nw, 0, sizeof(*nw));
	}
	for (size_t k = 0; k < lr->n_errors; k++)
		add_item_err(r, lr->errors[k].item,
		    vp_err_from_code(lr->errors[k].code), lr->errors[k].msg,
		    lr->errors[k].retryable);
	vp_msg_clear(&m);
}

/* Starts the next stage of a resolve request whose parse is done and which
 * has nothing pending: lookups (when asked), then link checks (when asked). */
static int next_stage(struct disp *d, struct request *r, uint64_t now)
{
	int rv = VP_OK;
	if (r->type != VP_T_RESOLVE_REQ || !r->parsed)
		return VP_OK;
	if (r->stage == ST_WORK && r->lookup) {
		if ((rv = start_lookups(d, r, now)) != VP_OK || r->pending > 0)
			return rv;
	}
	if (r->stage == ST_LOOKUP) {
		/* lookups may have turned two readings into the same source */
		if ((rv = disp_merge_citations(r->cits, &r->n_cits)) != VP_OK)
			return rv;
	}
	if (r->stage != ST_CHECK && r->check) {
		r->stage = ST_CHECK;
		if ((rv = collect_urls(r)) == VP_OK && r->n_urls > 0)
			rv = start_checks(d, r, now);
	}
	return rv;
}

/* Fills the check slots of a failed check job so every URL has an answer. */
static void checks_unverified(
    struct request *r, struct disp_job *j, const char *why)
{
	const struct vp_check_req *b = j->msg.body;
	for (size_t k = 0; k < b->n_urls && j->item0 + k < r->n_urls; k++) {
		struct vp_check *c = &r->checks[j->item0 + k];
		char item[8300];
		if (c->url != NULL)
			continue;
		c->url = strdup(r->urls[j->item0 + k]);
		c->status = strdup(vp_status_name(VP_ST_UNVERIFIED));
		c->error = why ? strdup(why) : NULL;
		snprintf(item, sizeof(item), "check %s", r->urls[j->item0 + k]);
		add_item_err(r, item, VP_ETIMEDOUT, why, true);
	}
}

/* The citations of a resolve lookup job that did not complete keep their
 * parsed reading; each gets a per-item error. */
static void lookups_failed(
    struct request *r, struct disp_job *j, int err, const char *why)
{
	for (size_t k = 0; k < j->n_items; k++) {
		char item[1100];
		snprintf(
		    item, sizeof(item), "lookup %s", r->cits[j->items[k]].id);
		add_item_err(r, item, err, why, vp_err_retryable(err));
	}
}

static bool is_partial_kind(const struct request *r, const struct disp_job *j)
{
	return j->kind == DISP_K_CHECK ||
	       (j->kind == DISP_K_LOOKUP && r->type == VP_T_RESOLVE_REQ);
}

void disp_req_job_failed(
    void *arg, struct disp_job *j, int err, const char *why, uint64_t now)
{
	struct disp *d = arg;
	struct request *r = j->owner;
	d->st.jobs_failed++;
	r->pending--;
	if (is_partial_kind(r, j)) {
		if (j->kind == DISP_K_CHECK)
			checks_unverified(r, j, why);
		else
			lookups_failed(r, j, err, why);
		if (r->pending == 0 && next_stage(d, r, now) != VP_OK) {
			fail_request(d, r, VP_ENOMEM, NULL);
			return;
		}
		if (r->pending == 0)
			finish(d, r);
		return;
	}
	fail_request(d, r, err, why);
}

void disp_parse_from_split(const struct vp_split_req *sq,
    const struct vp_ready *res, struct vp_parse_req *pq)
{
	memset(pq, 0, sizeof(*pq));
	pq->segments = res->segments;
	pq->n_segments = res->n_segments;
	/* official XML says what it is: its BWB id makes "artikel 5 van deze
	 * wet" resolvable */
	if (res->doc_id != NULL && strncmp(res->doc_id, "BWB", 3) == 0)
		pq->doc_bwb = res->doc_id;
	/* a text input's offsets are its own bytes: the parser then gives
	 * each citation's raw as written (a line break inside it stays one),
	 * so the document goes on with the segments */
	if (sq != NULL && sq->doc != NULL && res->format != NULL &&
	    (strcmp(res->format, "text") == 0 ||
	        strcmp(res->format, "word-text") == 0 ||
	        strcmp(res->format, "pdf-text") == 0)) {
		pq->doc = sq->doc;
		pq->doc_len = sq->doc_len;
	}
}

void disp_req_job_done(
    struct disp *d, struct disp_job *j, struct vp_ready *res, uint64_t now)
{
	struct request *r = j->owner;
	int rv = VP_OK;

	r->pending--;
	if ((j->kind == DISP_K_SPLIT || j->kind == DISP_K_PARSE) &&
	    res->n_errors > 0)
		take_item_errs(r, res);
	switch (j->kind) {
	case DISP_K_SPLIT: {
		struct vp_split_req *sq = vp_msg_split_req(&j->msg);
		struct vp_parse_req *b;
		struct disp_job *pj;
		r->n_segments = (uint32_t)res->n_segments;
		/* official XML's date stands in for a date the client did not
		 * give */
		if (r->date == NULL && res->doc_date != NULL) {
			r->date = res->doc_date;
			res->doc_date = NULL;
		}
		if (j->held && res->citations != NULL) {
			/* an in-process splitter parsed its segments back to
			 * back (disp_add_local): the parse stage is done */
			r->cits = res->citations;
			r->n_cits = res->n_citations;
			res->citations = NULL;
			res->n_citations = 0;
			r->parsed = true;
			rv = disp_merge_citations(r->cits, &r->n_cits);
			break;
		}
		if ((b = calloc(1, sizeof(*b))) == NULL) {
			rv = VP_ENOMEM;
			break;
		}
		/* the parse job takes the segments, the BWB id and the text
		 * document from the split job and its result */
		disp_parse_from_split(sq, res, b);
		res->segments = NULL;
		res->n_segments = 0;
		if (b->doc_bwb != NULL)
			res->doc_id = NULL;
		if (b->doc != NULL) {
			sq->doc = NULL;
			sq->doc_len = 0;
		}
		if ((pj = new_job(d, r, DISP_K_PARSE, VP_T_PARSE_REQ, b)) ==
		    NULL) {
			vp_obj_clear(&vp_desc_parse_req, b);
			free(b);
			rv = VP_ENOMEM;
			break;
		}
		disp_core_submit(&d->core, pj, now);
		break;
	}
	case DISP_K_PARSE:
		r->cits = res->citations;
		r->n_cits = res->n_citations;
		res->citations = NULL;
		res->n_citations = 0;
		r->parsed = true;
		if (r->type == VP_T_RESOLVE_REQ)
			rv = disp_merge_citations(r->cits, &r->n_cits);
		break;
	case DISP_K_CHECK:
		for (size_t k = 0;
		     k < res->n_checks && j->item0 + k < r->n_urls; k++) {
			vp_obj_clear(&vp_desc_check, &r->checks[j->item0 + k]);
			r->checks[j->item0 + k] = res->checks[k];
			memset(&res->checks[k], 0, sizeof(res->checks[k]));
		}
		checks_unverified(r, j, "no result for this URL");
		break;
	case DISP_K_LOOKUP:
	case DISP_K_MONITOR:
		if (r->type == VP_T_RESOLVE_REQ) {
			apply_lookup(d, r, j, res);
			break;
		}
		/* pass-through: finish() validates and relays it */
		free(r->reply);
		r->reply = res->reply;
		r->reply_len = res->reply_len;
		res->reply = NULL;
		res->reply_len = 0;
		break;
	default: break;
	}
	d->st.jobs_done++;
	if (rv == VP_OK && r->pending == 0)
		rv = next_stage(d, r, now);
	if (rv != VP_OK) {
		fail_request(d, r, rv, vp_strerror(rv));
		return;
	}
	if (r->pending == 0)
		finish(d, r);
}

/* An unfinished job of an expiring request leaves a per-item error. */
static void expire_job(void *arg, struct disp_job *q)
{
	struct request *r = arg;
	if (q->kind == DISP_K_CHECK)
		checks_unverified(r, q, "check timed out");
	else if (q->kind == DISP_K_LOOKUP)
		lookups_failed(r, q, VP_ETIMEDOUT, "lookup timed out");
}

/* r's deadline passed. A request with partial results (a resolve past its
 * parse, a check) is answered with what it has and a per-item error for
 * every unfinished check or lookup; anything else fails with timeout. */
static void expire(struct disp *d, struct request *r)
{
	bool partial = r->type == VP_T_CHECK_REQ ||
	               (r->type == VP_T_RESOLVE_REQ && r->parsed);

	if (!partial) {
		fail_request(d, r, VP_ETIMEDOUT,
		    r->type == VP_T_RESOLVE_REQ
		        ? "request deadline passed before the document was "
		          "parsed"
		        : "request deadline passed");
		return;
	}
	disp_core_each_job(&d->core, r, expire_job, r);
	finish(d, r);
}

void disp_req_expire_due(struct disp *d, uint64_t now)
{
	struct request *r = d->requests;
	while (r) {
		struct request *nx = r->next;
		if (r->deadline <= now)
			expire(d, r);
		r = nx;
	}
}

void disp_req_free_all(struct disp *d)
{
	while (d->requests) {
		disp_core_orphan(&d->core, d->requests);
		free_request(d, d->requests);
	}
}

/* ---- arrival ------------------------------------------------------------- */

/* The worker kind a pass-through request type goes to, or -1: requests
 * (".req") named lookup.*, or watch.* / report.* / history.* (the link
 * monitor). Routing by name lets the monitor add request types without a
 * change here. */
static int route_kind(enum vp_type t)
{
	const char *n = vp_type_name(t);
	size_t len = strlen(n);
	if (len < 4 || strcmp(n + len - 4, ".req") != 0)
		return -1;
	if (strncmp(n, "lookup.", 7) == 0)
		return DISP_K_LOOKUP;
	if (strncmp(n, "watch.", 6) == 0 || strncmp(n, "report.", 7) == 0 ||
	    strncmp(n, "history.", 8) == 0)
		return DISP_K_MONITOR;
	return -1;
}

void disp_req_submit(struct disp *d, struct api_slot *s, struct vp_msg *m,
    uint32_t pipe, size_t bytes, uint64_t now)
{
	struct request *r;
	struct disp_job *j = NULL;
	int k;

	switch (m->type) {
	case VP_T_RESOLVE_REQ: k = DISP_K_SPLIT; break;
	case VP_T_PARSE_REQ: k = DISP_K_PARSE; break;
	case VP_T_CHECK_REQ: k = DISP_K_CHECK; break;
	default:
		if ((k = route_kind(m->type)) < 0) {
			disp_api_reply_error(d, s, m->id, m->has_id, VP_EINVAL,
			    "this message type is not a request of the API");
			return;
		}
	}
	if (d->n_requests >= d->cfg.max_inflight ||
	    disp_core_full(&d->core, (enum disp_kind)k)) {
		disp_api_reply_error(d, s, m->id, m->has_id, VP_EBUSY,
		    "too many requests in progress; retry later");
		return;
	}
	if (d->cfg.mem_budget > 0 && d->buffered + bytes > d->cfg.mem_budget) {
		d->lims.busy_memory++;
		disp_api_reply_error(d, s, m->id, m->has_id, VP_EBUSY,
		    "the dispatcher holds too many bytes of requests; retry "
		    "later");
		return;
	}
	if ((r = new_request(d, s, m, now)) == NULL) {
		disp_api_reply_error(d, s, m->id, m->has_id, VP_ENOMEM, NULL);
		return;
	}
	r->pipe = pipe;
	r->bytes = bytes;
	d->buffered += bytes;
	if (m->type == VP_T_RESOLVE_REQ) {
		struct vp_resolve_req *q = m->body;
		struct vp_split_req *b = calloc(1, sizeof(*b));
		r->check = q->check;
		r->archive = q->check; /* dead links get archived copies */
		r->lookup = q->lookup;
		r->name = q->name;
		r->date = q->date;
		q->name = NULL;
		q->date = NULL;
		if (b != NULL) {
			/* move the document into the split job */
			b->doc = q->doc;
			b->doc_len = q->doc_len;
			b->format = q->format;
			q->doc = NULL;
			q->doc_len = 0;
			q->format = NULL;
			j = new_job(d, r, DISP_K_SPLIT, VP_T_SPLIT_REQ, b);
			if (j == NULL) {
				vp_obj_clear(&vp_desc_split_req, b);
				free(b);
			}
		}
	} else if (m->type == VP_T_CHECK_REQ) {
		struct vp_check_req *q = m->body;
		r->urls = q->urls;
		r->n_urls = q->n_urls;
		r->archive = q->archive;
		r->url_timeout_ms = q->url_timeout_ms;
		r->date = q->date;
		q->urls = NULL;
		q->n_urls = 0;
		q->date = NULL;
		if (r->n_urls == 0)
			finish(d, r);
		else if (start_checks(d, r, now) != VP_OK)
			fail_request(d, r, VP_ENOMEM, NULL);
		return;
	} else {
		/* parse and pass-through: the request itself is the job */
		j = new_job(d, r, (enum disp_kind)k, m->type, m->body);
		if (j != NULL)
			m->body = NULL;
	}
	if (j == NULL) {
		fail_request(d, r, VP_ENOMEM, NULL);
		return;
	}
	disp_core_submit(&d->core, j, now);
}

void disp_req_client_gone(struct disp *d, uint32_t pipe)
{
	struct request *r = d->requests;
	while (r) {
		struct request *nx = r->next;
		/* finishing one request frees only that one */
		if (r->pipe == pipe) {
			d->lims.cancelled++;
			fail_request(d, r, VP_ECANCELED, "the client has gone");
		}
		r = nx;
	}
}

bool disp_req_of_pipe(const struct disp *d, uint32_t pipe)
{
	for (const struct request *r = d->requests; r; r = r->next)
		if (r->pipe == pipe)
			return true;
	return false;
}

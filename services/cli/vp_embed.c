/* Embedded mode: wires the service libraries together in one process. */
#include "vp_embed.h"

#include "disp.h"
#include "fetch.h"
#include "fetch_svc.h"
#include "prs_svc.h"
#include "split_svc.h"
#include "vp_client.h"
#include "vp_err.h"
#include "vp_limits.h"
#include "vp_worker.h"

#ifdef VP_WITH_LINKMON
#include "mon_svc.h"
#endif

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct vp_embed {
	char api_url[256], work_url[256], pub_url[256];
	struct disp *disp;
	struct fetch_engine *engine;
	struct vp_worker *check, *lookup;
#ifdef VP_WITH_LINKMON
	struct mon *mon;
#endif
};

/* ---- in-process split and parse ------------------------------------------
 * The splitter and the parser run on the dispatcher's own threads
 * (disp_add_local): a job goes to them as the core holds it and comes back
 * as the handler filled it, never encoded on its way (and the CLI's resolve
 * calls reach the core directly: vp_embed_client_open). The fetcher's and
 * the monitor's jobs still go over the work socket (they wait on the
 * network; the bus costs them nothing that counts). */

static int fit_local(
    int rv, const char *kind, const struct vp_msg *job, struct vp_ready *res)
{
	if (rv == VP_OK &&
	    vp_job_input_bytes(job, VP_WORKER_SMALL_JOB) > VP_WORKER_SMALL_JOB)
		rv = vp_worker_fit(kind, res);
	return rv;
}

/* A small document's segments are parsed on the thread that split them,
 * while they are still in its cache, instead of going back to the core as
 * a parse job of their own: the result carries the citations too
 * (disp_parse_from_split), built exactly as the parse job would have been.
 * When the parse fails, the result goes without, and the dispatcher runs
 * the parse job as usual. */
static void parse_back_to_back(
    const struct prs_laws *laws, const struct vp_msg *job, struct vp_ready *res)
{
	struct vp_parse_req pq;
	struct vp_msg pm;
	struct vp_ready pr;

	disp_parse_from_split(vp_msg_split_req(job), res, &pq);
	memset(&pm, 0, sizeof(pm));
	pm.v = VP_PROTO_VERSION;
	pm.type = VP_T_PARSE_REQ;
	memcpy(pm.id, job->id, 16);
	pm.has_id = job->has_id;
	pm.timeout_ms = job->timeout_ms;
	pm.body = &pq; /* borrowed from job and res: never cleared */
	memset(&pr, 0, sizeof(pr));
	if (prs_job((void *)laws, &pm, &pr) == VP_OK && pr.job_err == NULL) {
		/* an empty array says "parsed, none found" */
		res->citations = pr.citations != NULL
		                     ? pr.citations
		                     : calloc(1, sizeof(*res->citations));
		res->n_citations = pr.citations != NULL ? pr.n_citations : 0;
		pr.citations = NULL;
		pr.n_citations = 0;
	}
	vp_obj_clear(&vp_desc_ready, &pr);
}

static int local_split(
    void *arg, const struct vp_msg *job, struct vp_ready *res)
{
	int rv = split_job(NULL, job, res);
	if (rv == VP_OK && res->job_err == NULL &&
	    vp_job_input_bytes(job, VP_WORKER_SMALL_JOB) <= VP_WORKER_SMALL_JOB)
		parse_back_to_back(arg, job, res);
	return fit_local(rv, "split", job, res);
}

static int local_parse(
    void *arg, const struct vp_msg *job, struct vp_ready *res)
{
	return fit_local(prs_job(arg, job, res), "parse", job, res);
}

int vp_embed_start(struct vp_embed **ep, const struct vp_embed_cfg *cfg,
    char *err, size_t errlen)
{
	static atomic_uint seq;
	struct vp_embed *e = calloc(1, sizeof(*e));
	struct disp_cfg dc;
	struct fetch_opts fo;
	struct vp_worker_cfg wc;
	unsigned n = atomic_fetch_add(&seq, 1);
	size_t recv_max = cfg->recv_max ? cfg->recv_max : VP_MSG_MAX_BYTES;
	int rv;

	if (e == NULL)
		return VP_ENOMEM;
	if (cfg->api_url)
		snprintf(e->api_url, sizeof(e->api_url), "%s", cfg->api_url);
	else
		snprintf(e->api_url, sizeof(e->api_url),
		    "inproc://vp-%ld-%u-api", (long)getpid(), n);
	if (cfg->work_url)
		snprintf(e->work_url, sizeof(e->work_url), "%s", cfg->work_url);
	else
		snprintf(e->work_url, sizeof(e->work_url),
		    "inproc://vp-%ld-%u-work", (long)getpid(), n);

	if (cfg->pub_url)
		snprintf(e->pub_url, sizeof(e->pub_url), "%s", cfg->pub_url);
	else
		snprintf(e->pub_url, sizeof(e->pub_url),
		    "inproc://vp-%ld-%u-pub", (long)getpid(), n);

	disp_cfg_default(&dc);
	dc.api_url = e->api_url;
	dc.work_url = e->work_url;
	dc.pub_url = e->pub_url;
	dc.recv_max = recv_max;
	if (cfg->max_inflight)
		dc.max_inflight = cfg->max_inflight;
	if ((rv = disp_start(&e->disp, &dc, err, errlen)) != VP_OK)
		goto fail;

	if (cfg->fetch != NULL) {
		fo = *cfg->fetch;
	} else {
		fetch_opts_default(&fo);
		fo.allow = cfg->allow;
	}
	if ((rv = fetch_engine_start(&e->engine, &fo)) != VP_OK) {
		snprintf(err, errlen, "cannot start the fetch engine: %s",
		    vp_strerror(rv));
		goto fail;
	}

	memset(&wc, 0, sizeof(wc));
	wc.url = e->work_url;
	wc.recv_max = recv_max;
	wc.park_ms = dc.park_ms;
	if ((rv = disp_add_local(e->disp, "split",
	         cfg->split_ctx ? cfg->split_ctx : 2, local_split,
	         (void *)cfg->laws, err, errlen)) != VP_OK ||
	    (rv = disp_add_local(e->disp, "parse",
	         cfg->parse_ctx ? cfg->parse_ctx : 2, local_parse,
	         (void *)cfg->laws, /* read only by the parser */
	         err, errlen)) != VP_OK)
		goto fail;
	wc.kind = "check";
	wc.contexts = cfg->check_ctx ? cfg->check_ctx : 8;
	wc.fn = fetch_job;
	wc.arg = e->engine;
	if ((rv = vp_worker_start(&e->check, &wc, err, errlen)) != VP_OK)
		goto fail;
	wc.kind = "lookup";
	wc.contexts = 2;
	wc.fn = fetch_lookup_job;
	wc.arg = e->engine;
	if ((rv = vp_worker_start(&e->lookup, &wc, err, errlen)) != VP_OK)
		goto fail;
#ifdef VP_WITH_LINKMON
	if (cfg->linkmon_db != NULL) {
		struct mon_cfg mc;
		mon_cfg_default(&mc);
		mc.db = cfg->linkmon_db;
		mc.api_url = e->api_url;
		mc.work_url = e->work_url;
		mc.recv_max = recv_max;
		mc.park_ms = dc.park_ms;
		mc.tick_ms = cfg->linkmon_tick_ms;
		if ((rv = mon_start(&e->mon, &mc, err, errlen)) != VP_OK)
			goto fail;
	}
#endif
	*ep = e;
	return VP_OK;
fail:
	vp_embed_stop(e);
	return rv;
}

int vp_embed_call(void *e, const struct vp_msg *req, struct vp_msg *rep)
{
	return disp_call(((struct vp_embed *)e)->disp, req, rep);
}

int vp_embed_client_open(
    struct vp_embed *e, struct vp_client **c, char *err, size_t errlen)
{
	int rv = vp_client_open(c, e->api_url, 0, err, errlen);
	if (rv == VP_OK)
		vp_client_set_local(*c, vp_embed_call, e);
	return rv;
}

const char *vp_embed_api_url(const struct vp_embed *e)
{
	return e->api_url;
}

const char *vp_embed_pub_url(const struct vp_embed *e)
{
	return e->pub_url;
}

void vp_embed_fetch_waiting(
    const struct vp_embed *e, size_t *requests, size_t *hosts)
{
	*requests = *hosts = 0;
	if (e != NULL && e->engine != NULL)
		fetch_engine_waiting(e->engine, requests, hosts);
}

void vp_embed_stop(struct vp_embed *e)
{
	if (e == NULL)
		return;
#ifdef VP_WITH_LINKMON
	mon_stop(e->mon);
#endif
	vp_worker_stop(e->check);
	vp_worker_stop(e->lookup);
	if (e->engine != NULL)
		fetch_engine_stop(e->engine);
	disp_stop(e->disp);
	free(e);
}

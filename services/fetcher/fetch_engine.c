/* fetch_engine.c - the URL checker: one thread owns a curl multi handle and
 * runs every transfer of every batch; callers on any thread enqueue a batch
 * and wait on a condition variable for it (or for its budget) to end.
 *
 * Design. fetch_check builds one job per URL, appends the jobs to the pending
 * queue under e->mu and wakes the engine with curl_multi_wakeup. The engine
 * thread moves pending jobs into the multi handle while fewer than
 * max_parallel are in flight, drives curl_multi_perform/curl_multi_poll, and
 * on each finished transfer either issues the next request of the job (a
 * manual redirect hop, or GET after a rejected HEAD) or classifies the job and
 * moves its result into the batch. Redirects are followed by hand so that
 * every hop is recorded, loops are caught and the SSRF guard (the open-socket
 * callback) sees every new connection of every hop.
 *
 * Ownership. A batch is shared by its caller and the engine: engine_refs
 * counts the jobs the engine still holds. The caller writes "timeout" into
 * unfinished slots when the budget ends and marks the batch abandoned; from
 * then on the engine drops results of that batch, and whoever releases the
 * last reference frees it. Results are only written into the caller's array
 * under e->mu while the batch is not abandoned. */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fetch.h"
#include "fetch_int.h"
#include "vp_err.h"

#define MAX_URL_LEN   8192  /* vp_check.url and final_url */
#define MAX_HOPS      32    /* vp_check.redirects */
#define TITLE_SCAN    65536 /* body bytes kept to find a <title> */
#define WAIT_GRACE_MS 100   /* lets curl report its own timeouts first */
#define UA_DEFAULT    "Vindplaats/0.1.0 (+link checker)"

struct batch {
	struct vp_check *out; /* the caller's array */
	bool *done;           /* out[i] holds a result */
	size_t n;
	size_t left;        /* slots without a result */
	size_t engine_refs; /* jobs the engine still holds */
	bool abandoned;     /* the caller has left with its results */
	bool closed;        /* the engine stopped under it */
	uint64_t deadline;  /* CLOCK_MONOTONIC ms */
	pthread_cond_t cv;
};

struct job {
	struct job *next;          /* pending queue */
	struct job *aprev, *anext; /* in-flight list (engine thread) */
	struct fetch_engine *e;
	struct batch *b;
	size_t idx;
	char *url; /* the request of the current hop */
	CURL *easy;
	struct vp_check res;
	uint64_t start;
	bool get;     /* HEAD was rejected: use GET */
	bool blocked; /* the guard refused a connection */
	bool capped;  /* the body passed max_body */
	uint64_t body_seen;
	int64_t hdr_length; /* Content-Length of the last response, or -1 */
	char *body;         /* first TITLE_SCAN bytes of a GET body */
	size_t body_len;
	char errbuf[CURL_ERROR_SIZE];
};

struct fetch_engine {
	struct fetch_opts o;
	char *user_agent;
	struct fetch_allow *allow;
	struct curl_slist *resolve;
	CURLM *multi;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t idle_cv; /* callers reached 0 */
	/* under mu */
	struct job *qhead, **qtail;
	bool stop;
	bool abandon; /* some batch was abandoned: drop its transfers */
	size_t callers;
	/* engine thread only */
	struct job *active;
	size_t inflight;
	CURL **pool; /* reset easy handles ready for reuse */
	size_t npool;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void fetch_opts_default(struct fetch_opts *o)
{
	memset(o, 0, sizeof *o);
	o->max_redirects = 10;
	o->max_parallel = 256;
	o->max_host_conns = 8;
	o->max_body = 1u << 20;
	o->connect_timeout_ms = 10000;
	o->user_agent = UA_DEFAULT;
	o->allow = NULL;
	o->resolve = NULL;
}

static bool scheme_http(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	       strncasecmp(url, "https://", 8) == 0;
}

/* ---- results ------------------------------------------------------------ */

static int set_str(char **dst, const char *s, size_t max)
{
	free(*dst);
	*dst = fetch_utf8_dup(s, strlen(s), max);
	return *dst ? VP_OK : VP_ENOMEM;
}

/* Marks res as failed with status and error text. On out of memory status
 * stays NULL and job_finish retries with "error". */
static void set_fail(
    struct vp_check *res, const char *status, const char *error)
{
	set_str(&res->status, status, 32);
	if (error != NULL)
		set_str(&res->error, error, 1024);
}

/* Moves a finished job's result into its batch and releases the job. */
static void job_finish(struct fetch_engine *e, struct job *j)
{
	struct batch *b = j->b;
	j->res.elapsed_ms = (uint32_t)(now_ms() - j->start);
	if (j->res.status == NULL) /* out of memory on the way */
		set_fail(&j->res, "error", "out of memory");

	pthread_mutex_lock(&e->mu);
	if (!b->abandoned && !b->done[j->idx] && j->res.status != NULL &&
	    j->res.url != NULL) {
		b->out[j->idx] = j->res;
		memset(&j->res, 0, sizeof j->res);
		b->done[j->idx] = true;
		b->left--;
	}
	if (e->stop)
		b->closed = true;
	b->engine_refs--;
	bool free_batch = b->abandoned && b->engine_refs == 0;
	if (!b->abandoned && (b->left == 0 || b->engine_refs == 0))
		pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&e->mu);

	if (free_batch) {
		pthread_cond_destroy(&b->cv);
		free(b->done);
		free(b);
	}
	if (j->easy != NULL) {
		if (e->npool < e->o.max_parallel) {
			curl_easy_reset(j->easy);
			e->pool[e->npool++] = j->easy;
		} else {
			curl_easy_cleanup(j->easy);
		}
	}
	vp_obj_clear(&vp_desc_check, &j->res);
	free(j->url);
	free(j->body);
	free(j);
}

/* ---- transfers ---------------------------------------------------------- */

static curl_socket_t on_open_socket(
    void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct job *j = ud;
	if (purpose != CURLSOCKTYPE_IPCXN ||
	    !fetch_addr_permitted(j->e->allow, &a->addr)) {
		j->blocked = true;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct job *j = ud;
	size_t len = size * nmemb;
	uint64_t room = j->e->o.max_body - j->body_seen;
	size_t take = len < room ? len : (size_t)room;
	if (j->get && j->body_len < TITLE_SCAN) {
		if (j->body == NULL)
			j->body = malloc(TITLE_SCAN);
		if (j->body != NULL) {
			size_t k = TITLE_SCAN - j->body_len;
			if (k > take)
				k = take;
			memcpy(j->body + j->body_len, p, k);
			j->body_len += k;
		}
	}
	j->body_seen += take;
	if (take < len) {
		/* Enough is known; stop reading rather than download it. */
		j->capped = true;
		return 0;
	}
	return len;
}

/* Keeps the declared Content-Length even when curl stops the transfer on
 * it (CURLE_FILESIZE_EXCEEDED leaves CURLINFO_CONTENT_LENGTH_DOWNLOAD_T
 * unset). */
static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct job *j = ud;
	size_t len = size * nmemb;
	static const char cl[] = "content-length:";
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		j->hdr_length = -1; /* a new response (after a 1xx) */
	} else if (len > sizeof cl - 1 &&
	           strncasecmp(p, cl, sizeof cl - 1) == 0) {
		char tmp[32];
		size_t n = len - (sizeof cl - 1);
		if (n >= sizeof tmp)
			n = sizeof tmp - 1;
		memcpy(tmp, p + sizeof cl - 1, n);
		tmp[n] = '\0';
		char *end;
		errno = 0;
		unsigned long long v = strtoull(tmp, &end, 10);
		if (errno == 0 && end != tmp && v <= INT64_MAX)
			j->hdr_length = (int64_t)v;
	}
	return len;
}

static void active_unlink(struct fetch_engine *e, struct job *j)
{
	if (j->aprev)
		j->aprev->anext = j->anext;
	else
		e->active = j->anext;
	if (j->anext)
		j->anext->aprev = j->aprev;
	j->aprev = j->anext = NULL;
	e->inflight--;
}

/* Issues the request for j->url. Returns false when it could not start; the
 * job has then been finished. */
static bool hop_start(struct fetch_engine *e, struct job *j)
{
	uint64_t now = now_ms();
	if (now >= j->b->deadline) {
		set_fail(&j->res, "timeout", "budget spent before the request");
		goto finish;
	}
	long remaining = (long)(j->b->deadline - now);
	long connect = (long)e->o.connect_timeout_ms;
	if (connect <= 0 || connect > remaining)
		connect = remaining;

	if (j->easy == NULL) {
		if (e->npool > 0)
			j->easy = e->pool[--e->npool];
		else
			j->easy = curl_easy_init();
		if (j->easy == NULL) {
			set_fail(&j->res, "error", "out of memory");
			goto finish;
		}
	} else {
		curl_easy_reset(j->easy);
	}
	j->blocked = false;
	j->capped = false;
	j->body_seen = 0;
	j->body_len = 0;
	j->hdr_length = -1;
	j->errbuf[0] = '\0';

	CURL *h = j->easy;
	CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                          \
	do {                                                                   \
		if (rc == CURLE_OK)                                            \
			rc = curl_easy_setopt(h, opt, val);                    \
	} while (0)
	SET(CURLOPT_URL, j->url);
	SET(CURLOPT_PRIVATE, j);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROXY, ""); /* never a proxy from the environment */
	SET(CURLOPT_USERAGENT, e->user_agent);
	SET(CURLOPT_TIMEOUT_MS, remaining);
	SET(CURLOPT_CONNECTTIMEOUT_MS, connect);
	SET(CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	SET(CURLOPT_OPENSOCKETDATA, j);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, j);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, j);
	SET(CURLOPT_ERRORBUFFER, j->errbuf);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)e->o.max_body);
	if (e->resolve != NULL)
		SET(CURLOPT_RESOLVE, e->resolve);
	if (j->get)
		SET(CURLOPT_HTTPGET, 1L);
	else
		SET(CURLOPT_NOBODY, 1L);
#undef SET
	if (rc != CURLE_OK) {
		set_fail(&j->res, "error", curl_easy_strerror(rc));
		goto finish;
	}
	if (curl_multi_add_handle(e->multi, h) != CURLM_OK) {
		set_fail(&j->res, "error", "curl_multi_add_handle failed");
		goto finish;
	}
	j->anext = e->active;
	if (e->active)
		e->active->aprev = j;
	e->active = j;
	e->inflight++;
	return true;
finish:
	job_finish(e, j);
	return false;
}

static bool is_redirect(long code)
{
	return code == 301 || code == 302 || code == 303 || code == 307 ||
	       code == 308;
}

/* Records a redirect to loc and issues it, or finishes the job. */
static void follow(
    struct fetch_engine *e, struct job *j, long code, const char *loc)
{
	struct vp_check *r = &j->res;
	r->http_status = (uint32_t)code;
	if (loc == NULL) {
		set_fail(r, "error", "redirect without a Location");
		goto finish;
	}
	if (r->n_redirects >= e->o.max_redirects) {
		char msg[64];
		snprintf(msg, sizeof msg, "more than %u redirects",
		    e->o.max_redirects);
		set_fail(r, "error", msg);
		goto finish;
	}
	bool seen = strcmp(loc, r->url) == 0;
	for (size_t i = 0; i < r->n_redirects && !seen; i++)
		seen = strcmp(loc, r->redirects[i]) == 0;

	char *hop = fetch_utf8_dup(loc, strlen(loc), MAX_URL_LEN);
	char *next = strdup(loc);
	char **v = realloc(r->redirects, (r->n_redirects + 1) * sizeof *v);
	if (hop == NULL || next == NULL || v == NULL) {
		free(hop);
		free(next);
		if (v != NULL)
			r->redirects = v;
		set_fail(r, "error", "out of memory");
		goto finish;
	}
	r->redirects = v;
	r->redirects[r->n_redirects++] = hop;
	if (set_str(&r->final_url, loc, MAX_URL_LEN) != VP_OK) {
		free(next);
		goto finish;
	}
	if (seen) {
		free(next);
		set_fail(r, "error", "redirect loop");
		goto finish;
	}
	if (!scheme_http(loc) || strlen(loc) > MAX_URL_LEN) {
		free(next);
		set_fail(r, "blocked", "redirect to a non-http(s) URL");
		goto finish;
	}
	free(j->url);
	j->url = next;
	hop_start(e, j);
	return;
finish:
	job_finish(e, j);
}

/* Fills the result of a job whose last transfer ended with rc. */
static void conclude(
    struct fetch_engine *e, struct job *j, CURLcode rc, long code)
{
	struct vp_check *r = &j->res;
	CURL *h = j->easy;
	struct fetch_outcome o = {
	    .curl_code = rc,
	    .http_status = code,
	    .redirects = r->n_redirects,
	    .blocked = j->blocked,
	    .body_exceeded = j->capped,
	    .max_body = e->o.max_body,
	};
	r->http_status = (uint32_t)(code > 0 && code <= 999 ? code : 0);
	if (code > 0) {
		char *ct = NULL;
		curl_off_t len = -1;
		if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) ==
		        CURLE_OK &&
		    ct != NULL)
			set_str(&r->content_type, ct, 256);
		if (curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
		        &len) != CURLE_OK ||
		    len < 0)
			len = j->hdr_length;
		if (len >= 0) {
			r->content_length = (uint64_t)len;
			o.has_length = true;
			o.content_length = (uint64_t)len;
		}
		if (j->get && j->body_len > 0 &&
		    (ct == NULL || strcasestr(ct, "html") != NULL))
			r->title = fetch_html_title(j->body, j->body_len, 1024);
	}
	set_str(&r->status, fetch_classify(&o), 32);
	if (rc != CURLE_OK && strcmp(r->status, "too_large") != 0) {
		const char *msg =
		    j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc);
		if (strcmp(r->status, "blocked") == 0)
			msg = "address refused by the SSRF policy";
		set_str(&r->error, msg, 1024);
	} else if (strcmp(r->status, "error") == 0) {
		char msg[64];
		snprintf(msg, sizeof msg, "unexpected HTTP status %ld", code);
		set_str(&r->error, msg, 1024);
	}
}

static void transfer_done(struct fetch_engine *e, CURL *h, CURLcode rc)
{
	struct job *j = NULL;
	curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&j);
	curl_multi_remove_handle(e->multi, h);
	active_unlink(e, j);

	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_WRITE_ERROR && j->capped)
		rc = CURLE_OK; /* we stopped reading, on purpose */

	if (rc == CURLE_OK && !j->get &&
	    (code == 403 || code == 405 || code == 501)) {
		j->get = true; /* the server rejects HEAD: ask with GET */
		hop_start(e, j);
		return;
	}
	if (rc == CURLE_OK && is_redirect(code)) {
		char *loc = NULL;
		curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc);
		follow(e, j, code, loc);
		return;
	}
	conclude(e, j, rc, code);
	job_finish(e, j);
}

/* Starts a job taken from the queue. */
static void job_begin(struct fetch_engine *e, struct job *j)
{
	j->start = now_ms();
	if (strlen(j->url) > MAX_URL_LEN) {
		set_fail(&j->res, "error", "URL too long");
		job_finish(e, j);
		return;
	}
	if (!scheme_http(j->url)) {
		set_fail(&j->res, "blocked", "only http and https are checked");
		job_finish(e, j);
		return;
	}
	hop_start(e, j);
}

static void drop_abandoned(struct fetch_engine *e)
{
	struct job *j = e->active, *next;
	for (; j != NULL; j = next) {
		next = j->anext;
		bool gone;
		pthread_mutex_lock(&e->mu);
		gone = j->b->abandoned;
		pthread_mutex_unlock(&e->mu);
		if (!gone)
			continue;
		curl_multi_remove_handle(e->multi, j->easy);
		active_unlink(e, j);
		job_finish(e, j);
	}
}

static void *engine_main(void *arg)
{
	struct fetch_engine *e = arg;
	pthread_mutex_lock(&e->mu);
	while (!e->stop) {
		while (e->qhead != NULL && e->inflight < e->o.max_parallel) {
			struct job *j = e->qhead;
			e->qhead = j->next;
			if (e->qhead == NULL)
				e->qtail = &e->qhead;
			j->next = NULL;
			pthread_mutex_unlock(&e->mu);
			job_begin(e, j);
			pthread_mutex_lock(&e->mu);
		}
		bool drop = e->abandon;
		e->abandon = false;
		pthread_mutex_unlock(&e->mu);

		if (drop)
			drop_abandoned(e);
		int running = 0;
		curl_multi_perform(e->multi, &running);
		CURLMsg *m;
		int left;
		while ((m = curl_multi_info_read(e->multi, &left)) != NULL)
			if (m->msg == CURLMSG_DONE)
				transfer_done(
				    e, m->easy_handle, m->data.result);
		curl_multi_poll(e->multi, NULL, 0, 1000, NULL);
		pthread_mutex_lock(&e->mu);
	}
	/* Stopping: every job still held ends as an error of a closed batch. */
	while (e->qhead != NULL) {
		struct job *j = e->qhead;
		e->qhead = j->next;
		pthread_mutex_unlock(&e->mu);
		set_fail(&j->res, "error", "fetcher stopped");
		job_finish(e, j);
		pthread_mutex_lock(&e->mu);
	}
	e->qtail = &e->qhead;
	pthread_mutex_unlock(&e->mu);
	while (e->active != NULL) {
		struct job *j = e->active;
		curl_multi_remove_handle(e->multi, j->easy);
		active_unlink(e, j);
		set_fail(&j->res, "error", "fetcher stopped");
		job_finish(e, j);
	}
	return NULL;
}

/* ---- public ------------------------------------------------------------- */

int fetch_engine_start(struct fetch_engine **out, const struct fetch_opts *o)
{
	struct fetch_engine *e;
	int rv = VP_ENOMEM;
	*out = NULL;
	if (o == NULL || o->max_parallel == 0 || o->max_body == 0)
		return VP_EINVAL;
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK)
		return VP_EIO;
	if ((e = calloc(1, sizeof *e)) == NULL)
		return VP_ENOMEM;
	e->o = *o;
	if (e->o.max_redirects > MAX_HOPS)
		e->o.max_redirects = MAX_HOPS;
	e->qtail = &e->qhead;
	if ((rv = fetch_allow_parse(&e->allow, o->allow)) != VP_OK)
		goto fail_alloc;
	rv = VP_ENOMEM;
	e->user_agent = strdup(o->user_agent ? o->user_agent : UA_DEFAULT);
	e->pool = calloc(o->max_parallel, sizeof *e->pool);
	if (e->user_agent == NULL || e->pool == NULL)
		goto fail_alloc;
	for (const char *const *r = o->resolve; r && *r; r++) {
		struct curl_slist *l = curl_slist_append(e->resolve, *r);
		if (l == NULL)
			goto fail_alloc;
		e->resolve = l;
	}
	if ((e->multi = curl_multi_init()) == NULL)
		goto fail_alloc;
	curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)(o->max_host_conns ? o->max_host_conns : 8));
	curl_multi_setopt(
	    e->multi, CURLMOPT_MAXCONNECTS, (long)o->max_parallel);

	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&e->idle_cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&e->mu, NULL);
	if (pthread_create(&e->thread, NULL, engine_main, e) != 0) {
		rv = VP_EIO;
		pthread_mutex_destroy(&e->mu);
		pthread_cond_destroy(&e->idle_cv);
		goto fail_alloc;
	}
	*out = e;
	return VP_OK;

fail_alloc:
	if (e->multi)
		curl_multi_cleanup(e->multi);
	curl_slist_free_all(e->resolve);
	free(e->pool);
	free(e->user_agent);
	fetch_allow_free(e->allow);
	free(e);
	return rv;
}

static void batch_free(struct batch *b)
{
	pthread_cond_destroy(&b->cv);
	free(b->done);
	free(b);
}

int fetch_check(struct fetch_engine *e, char *const *urls, size_t n,
    uint32_t budget_ms, struct vp_check **out)
{
	*out = NULL;
	if (n == 0)
		return VP_OK;
	uint64_t deadline = now_ms() + budget_ms;
	struct vp_check *res = calloc(n, sizeof *res);
	struct batch *b = calloc(1, sizeof *b);
	struct job *head = NULL, **tail = &head;
	if (res == NULL || b == NULL ||
	    (b->done = calloc(n, sizeof *b->done)) == NULL)
		goto fail;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->cv, &ca);
	pthread_condattr_destroy(&ca);
	b->out = res;
	b->n = n;
	b->left = n;
	b->engine_refs = n;
	b->deadline = deadline;
	for (size_t i = 0; i < n; i++) {
		struct job *j = calloc(1, sizeof *j);
		if (j == NULL)
			goto fail_jobs;
		*tail = j;
		tail = &j->next;
		j->e = e;
		j->b = b;
		j->idx = i;
		const char *u = urls[i] ? urls[i] : "";
		j->url = strdup(u);
		j->res.url = fetch_utf8_dup(u, strlen(u), MAX_URL_LEN);
		if (j->url == NULL || j->res.url == NULL)
			goto fail_jobs;
	}

	pthread_mutex_lock(&e->mu);
	if (e->stop) {
		pthread_mutex_unlock(&e->mu);
		for (struct job *j = head, *nx; j; j = nx) {
			nx = j->next;
			vp_obj_clear(&vp_desc_check, &j->res);
			free(j->url);
			free(j);
		}
		batch_free(b);
		free(res);
		return VP_ECLOSED;
	}
	e->callers++;
	*e->qtail = head;
	e->qtail = tail;
	pthread_mutex_unlock(&e->mu);
	curl_multi_wakeup(e->multi);

	struct timespec until;
	uint64_t wake = deadline + WAIT_GRACE_MS;
	until.tv_sec = (time_t)(wake / 1000);
	until.tv_nsec = (long)(wake % 1000) * 1000000L;
	pthread_mutex_lock(&e->mu);
	while (b->left > 0 && !b->closed &&
	       pthread_cond_timedwait(&b->cv, &e->mu, &until) != ETIMEDOUT)
		;
	int rv = VP_OK;
	if (b->closed) {
		rv = VP_ECLOSED;
	} else {
		for (size_t i = 0; i < n; i++) {
			if (b->done[i])
				continue;
			struct vp_check *r = &res[i];
			const char *u = urls[i] ? urls[i] : "";
			r->url = fetch_utf8_dup(u, strlen(u), MAX_URL_LEN);
			r->status = strdup("timeout");
			r->error = strdup("check budget spent");
			r->elapsed_ms = budget_ms;
			if (r->url == NULL || r->status == NULL)
				rv = VP_ENOMEM;
		}
	}
	bool wake_engine = b->engine_refs > 0;
	b->abandoned = true;
	if (wake_engine)
		e->abandon = true;
	bool free_batch = b->engine_refs == 0;
	pthread_mutex_unlock(&e->mu);
	/* Still counted in e->callers here, so fetch_engine_stop cannot free
	 * the multi handle under this wakeup. */
	if (wake_engine)
		curl_multi_wakeup(e->multi);
	pthread_mutex_lock(&e->mu);
	if (--e->callers == 0)
		pthread_cond_broadcast(&e->idle_cv);
	pthread_mutex_unlock(&e->mu);
	if (free_batch)
		batch_free(b);
	if (rv != VP_OK) {
		for (size_t i = 0; i < n; i++)
			vp_obj_clear(&vp_desc_check, &res[i]);
		free(res);
		return rv;
	}
	*out = res;
	return VP_OK;

fail_jobs:
	for (struct job *j = head, *nx; j; j = nx) {
		nx = j->next;
		vp_obj_clear(&vp_desc_check, &j->res);
		free(j->url);
		free(j);
	}
	pthread_cond_destroy(&b->cv);
fail:
	if (b)
		free(b->done);
	free(b);
	free(res);
	return VP_ENOMEM;
}

void fetch_engine_stop(struct fetch_engine *e)
{
	if (e == NULL)
		return;
	pthread_mutex_lock(&e->mu);
	e->stop = true;
	pthread_mutex_unlock(&e->mu);
	curl_multi_wakeup(e->multi);
	pthread_join(e->thread, NULL);

	/* Callers still inside fetch_check leave with VP_ECLOSED. */
	pthread_mutex_lock(&e->mu);
	while (e->callers > 0)
		pthread_cond_wait(&e->idle_cv, &e->mu);
	pthread_mutex_unlock(&e->mu);

	for (size_t i = 0; i < e->npool; i++)
		curl_easy_cleanup(e->pool[i]);
	curl_multi_cleanup(e->multi);
	curl_slist_free_all(e->resolve);
	fetch_allow_free(e->allow);
	free(e->pool);
	free(e->user_agent);
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->idle_cv);
	free(e);
}

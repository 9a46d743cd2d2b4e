/* fetch_engine.c - the URL checker: one thread owns a curl multi handle and
 * runs every transfer of every batch; callers on any thread enqueue a batch
 * and wait on a condition variable for it (or for its budget) to end.
 *
 * Design. fetch_check builds one job per URL, appends the jobs to the pending
 * queue under e->mu and wakes the engine with curl_multi_wakeup. The engine
 * thread admits pending jobs into the queue of their host; a dispatcher takes
 * jobs from host queues while fewer than max_parallel transfers are in flight
 * and the host's politeness state (fetch_policy.c: rate, slow-down after a
 * 429/503) and its connection cap allow one more request, taking one request
 * per host in turn. Every request of a job - a redirect hop, GET after a
 * rejected or doubtful HEAD, a retry - goes through its host's queue again,
 * so the rate holds across all jobs, but ahead of the URLs that have not
 * started: a URL's own time (url_timeout_ms) starts with its first request
 * and is not spent queueing behind others. A Retry-After holds only the URL
 * that got it: it waits in a min-heap of sleepers, as retries do. Redirects are
 * followed by hand so that every hop is recorded, loops are caught and the SSRF
 * guard (the open-socket callback) sees every new connection of every hop.
 *
 * A check that ends in a 2xx HTML page runs the soft-404 rules; the rule
 * "same answer as a random sibling URL" needs one probe per host (its
 * verdict cached for an hour), run as an engine-owned job that starts beside
 * the host's first GET check, so the checks are not queued behind it; a 200
 * that is in before the probe parks on the host until it is. Dead
 * links of a batch that asked for archives then query the Wayback
 * availability API and/or a Memento TimeGate before the job finishes.
 *
 * Ownership. A batch is shared by its caller and the engine: engine_refs
 * counts the jobs the engine still holds. The caller writes "unverified"
 * into unfinished slots when the run's deadline ends and marks the batch
 * abandoned; from then on the engine drops results of that batch, and whoever
 * releases the last reference frees it. Results are only written into the
 * caller's array under e->mu while the batch is not abandoned. */
#include <curl/curl.h>
#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fetch.h"
#include "fetch_int.h"
#include "vp_buf.h"
#include "vp_clock.h"
#include "vp_err.h"

#define MAX_URL_LEN    8192  /* vp_check.url and final_url */
#define MAX_HOPS       32    /* vp_check.redirects */
#define TITLE_SCAN     65536 /* body bytes kept to find a <title> */
#define WAIT_GRACE_MS  100   /* lets curl report its own timeouts first */
#define PROBE_MAX_MS   10000 /* time for a soft-404 probe */
#define PROBE_TTL_MS   (3600 * 1000ull)
#define ARCHIVE_MIN_MS 200 /* left of the budget to ask an archive */
#define HOSTS_MAX      20000
#define BACKOFF_CAP_MS 30000
#define UA_DEFAULT     "Vindplaats/0.1.0 (+link checker)"
#define LINK_MAX       16384 /* bytes kept of a TimeGate's Link header */

enum phase { PH_CHECK, PH_PROBE, PH_WAYBACK, PH_TIMEGATE, PH_RAW };
enum { PROBE_NONE, PROBE_PENDING, PROBE_DONE };

struct batch {
	struct vp_check *out;   /* the caller's array (checks) */
	struct fetch_resp *raw; /* or the caller's response (fetch_get) */
	bool *done;             /* out[i] holds a result */
	size_t n;
	size_t left;             /* slots without a result */
	size_t engine_refs;      /* jobs the engine still holds */
	bool abandoned;          /* the caller has left with its results */
	bool closed;             /* the engine stopped under it */
	bool archive;            /* archived copies for dead links */
	char date[11];           /* YYYY-MM-DD or "" */
	uint64_t deadline;       /* the run's: CLOCK_MONOTONIC ms */
	uint32_t url_timeout_ms; /* per URL from its first request; 0 = the
	                            engine's */
	pthread_cond_t cv;
};

struct host {
	struct host *hnext; /* hash chain */
	struct host *rnext; /* ready list: hosts with queued jobs */
	bool ready;
	char *key; /* scheme://host:port */
	struct fetch_hostpol pol;
	/* two queues: requests of URLs already under way (redirect hops, GET
	 * after HEAD, retries) and probes go first, so that a URL's own
	 * budget is not spent behind URLs that have not started */
	struct job *chead, **ctail; /* continuations */
	struct job *qhead, **qtail; /* first requests */
	unsigned active;            /* transfers in flight to the host */
	size_t refs;                /* jobs pointing here */
	bool head_bad;              /* answered HEAD differently from GET */
	int probe;
	uint64_t probe_at;
	long probe_status;
	char probe_sha[65];
	char *probe_title;
	uint64_t probe_len;
	struct job *pwait; /* checks waiting for the probe */
};

struct job {
	struct job *next;          /* pending, host queue or probe waiters */
	struct job *aprev, *anext; /* in-flight list (engine thread) */
	struct fetch_engine *e;
	struct batch *b; /* NULL for a probe */
	size_t idx;
	enum phase phase;
	char *url; /* the request of the current hop */
	CURL *easy;
	struct curl_slist *hdrs;
	struct host *host;
	struct host *ahost; /* the host its transfer in flight counts on */
	struct vp_check res;
	uint64_t start;        /* first request, 0 before */
	uint64_t deadline;     /* the earlier of the run's and the URL's own */
	uint64_t own_deadline; /* the URL's own budget, set at the first
	                          request (UINT64_MAX before) */
	uint64_t wake;         /* sleeper */
	bool get;              /* GET (else HEAD) */
	bool first_queue;      /* a probe queued behind an unstarted check */
	bool head_doubt;       /* GET to confirm a HEAD error */
	bool blocked;          /* the guard refused a connection */
	bool capped;           /* the body passed the limit */
	unsigned tries;        /* retries of the current request */
	const char *no_retry;  /* why a 429/503 was not waited for, or NULL */
	unsigned requests;     /* requests sent for the cited URL */
	int curl_code;         /* PH_RAW */
	uint16_t hop_status[MAX_HOPS];
	uint64_t body_seen;
	uint64_t body_limit;
	int64_t hdr_length; /* Content-Length of the last response, or -1 */
	struct vp_buf body; /* first bytes of a GET body (TITLE_SCAN, or all of
	                       a raw or Wayback body up to body_limit) */
	EVP_MD_CTX *sha;
	char sha_hex[65];
	bool cf_challenge;
	char etag[512];
	char last_mod[64];
	char retry_after[64];
	char memento_dt[64];
	struct vp_buf link; /* Link header of a TimeGate answer (mem NULL when
	                       none) */
	uint64_t raw_max;   /* fetch_get's max_body, 0 = the engine's */
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
	struct host **htab;
	size_t hcap, nhosts;
	struct host *ready;
	struct job **heap; /* sleepers by wake */
	size_t nheap, capheap;
	uint64_t rnd;
	bool stopping;
	struct fetch_lcache *lcache;
	/* for progress lines (fetch_engine_waiting) */
	atomic_size_t n_waiting, n_waiting_hosts;
};

struct fetch_lcache *fetch_engine_lcache(struct fetch_engine *e)
{
	return e->lcache;
}

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static uint32_t rnd32(struct fetch_engine *e)
{
	/* xorshift64*: jitter and probe names need spread, not secrecy */
	uint64_t x = e->rnd;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	e->rnd = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1Dull) >> 32);
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
	o->host_rate = 4;
	o->host_burst = 1;
	o->retries = 2;
	o->backoff_ms = 500;
	o->retry_after_max_ms = 30000;
	o->url_timeout_ms = 30000;
	o->head_mode = FETCH_HEAD_AUTO;
	o->soft404_probe = true;
	/* The real archive and lookup services are configuration of the
	 * service (main.c); the library contacts none unless told. */
	o->wayback_url = NULL;
	o->timegate_url = NULL;
	o->sru_url = NULL;
	o->odata_url = NULL;
	o->lookup_cache = 4096;
	o->lookup_ttl_s = 86400;
}

const struct fetch_opts *fetch_engine_opts(const struct fetch_engine *e)
{
	return &e->o;
}

static bool scheme_http(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	       strncasecmp(url, "https://", 8) == 0;
}

static bool set_on(const char *s)
{
	return s != NULL && *s != '\0';
}

/* Documents whose body is not needed to judge them (no title, no soft 404):
 * HEAD tells enough, and downloading them is not polite. */
static bool names_document(const char *url)
{
	static const char *const ext[] = {".pdf", ".odt", ".doc", ".docx",
	    ".xls", ".xlsx", ".zip", ".gz", ".xml", ".jpg", ".jpeg", ".png",
	    ".gif", ".mp3", ".mp4", ".epub", ".ppt", ".pptx", ".csv"};
	const char *p = strstr(url, "://");
	p = p ? strchr(p + 3, '/') : NULL;
	if (p == NULL)
		return false;
	size_t n = strcspn(p, "?#");
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		size_t k = strlen(ext[i]);
		if (n >= k && strncasecmp(p + n - k, ext[i], k) == 0)
			return true;
	}
	return false;
}

/* ---- results ------------------------------------------------------------ */

static int set_str(char **dst, const char *s, size_t max)
{
	/* copy first: s may be *dst itself */
	char *d = vp_utf8_dup(s, strlen(s), max, VP_UTF8_NO_CTRL);
	if (d == NULL)
		return VP_ENOMEM;
	free(*dst);
	*dst = d;
	return VP_OK;
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

static void host_release(struct host *h)
{
	if (h != NULL && h->refs > 0)
		h->refs--;
}

static void job_free(struct fetch_engine *e, struct job *j)
{
	if (j->easy != NULL) {
		if (e->npool < e->o.max_parallel) {
			curl_easy_reset(j->easy);
			e->pool[e->npool++] = j->easy;
		} else {
			curl_easy_cleanup(j->easy);
		}
	}
	host_release(j->host);
	curl_slist_free_all(j->hdrs);
	EVP_MD_CTX_free(j->sha);
	vp_obj_clear(&vp_desc_check, &j->res);
	free(j->url);
	vp_buf_free(&j->body);
	vp_buf_free(&j->link);
	free(j);
}

/* Moves a finished job's result into its batch and releases the job. */
static void job_finish(struct fetch_engine *e, struct job *j)
{
	struct batch *b = j->b;
	if (b == NULL) { /* a probe */
		job_free(e, j);
		return;
	}
	if (j->phase != PH_RAW) {
		char ts[32];
		j->res.elapsed_ms =
		    j->start ? (uint32_t)(vp_now_ms() - j->start) : 0;
		j->res.attempts = j->requests;
		vp_time_rfc3339(ts, sizeof ts, (int64_t)time(NULL));
		if (j->res.checked_at == NULL)
			j->res.checked_at = strdup(ts);
		/* each hop's status, in the order of redirects */
		size_t nr = j->res.n_redirects;
		if (nr > 0 && j->res.redirect_statuses == NULL &&
		    (j->res.redirect_statuses =
		            malloc(nr * sizeof *j->res.redirect_statuses))) {
			for (size_t i = 0; i < nr; i++)
				j->res.redirect_statuses[i] = j->hop_status[i];
			j->res.n_redirect_statuses = nr;
		}
		if (j->res.status == NULL) /* out of memory on the way */
			set_fail(&j->res, "error", "out of memory");
	}

	pthread_mutex_lock(&e->mu);
	if (b->raw != NULL && !b->abandoned && !b->done[0]) {
		struct fetch_resp *r = b->raw;
		r->status = j->res.http_status;
		r->curl_code = j->curl_code;
		r->blocked = j->blocked;
		r->capped = j->capped;
		r->body = vp_buf_take(&j->body, &r->len);
		r->content_type = j->res.content_type;
		j->res.content_type = NULL;
		r->error = j->res.error;
		j->res.error = NULL;
		b->done[0] = true;
		b->left--;
	} else if (b->raw == NULL && !b->abandoned && !b->done[j->idx] &&
	           j->res.status != NULL && j->res.url != NULL) {
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
	job_free(e, j);
}

/* ---- hosts -------------------------------------------------------------- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* scheme://host:port of url, lower-cased, or NULL. */
static char *host_key(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *key = NULL;
	if (u == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	        CURLUE_OK) {
		if (asprintf(&key, "%s://%s:%s", scheme, host, port) < 0)
			key = NULL;
		for (char *p = key; p && *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return key;
}

static void host_free(struct host *h)
{
	free(h->key);
	free(h->probe_title);
	free(h);
}

/* Forgets idle hosts when the table is full (outside input must not grow
 * it without bound); an idle host keeps nothing that matters for long. */
static void hosts_evict(struct fetch_engine *e, uint64_t now)
{
	for (size_t i = 0; i < e->hcap; i++) {
		struct host **pp = &e->htab[i];
		while (*pp) {
			struct host *h = *pp;
			if (h->refs == 0 && h->qhead == NULL &&
			    h->chead == NULL && !h->ready && h->active == 0 &&
			    h->pwait == NULL && h->probe != PROBE_PENDING &&
			    h->pol.slow_until <= now && h->pol.tat <= now) {
				*pp = h->hnext;
				host_free(h);
				e->nhosts--;
			} else {
				pp = &h->hnext;
			}
		}
	}
}

static struct host *host_get(struct fetch_engine *e, const char *url)
{
	char *key = host_key(url);
	if (key == NULL)
		return NULL;
	size_t i = hash_str(key) % e->hcap;
	for (struct host *h = e->htab[i]; h; h = h->hnext)
		if (strcmp(h->key, key) == 0) {
			free(key);
			return h;
		}
	if (e->nhosts >= HOSTS_MAX)
		hosts_evict(e, vp_now_ms());
	struct host *h = calloc(1, sizeof *h);
	if (h == NULL) {
		free(key);
		return NULL;
	}
	h->key = key;
	h->qtail = &h->qhead;
	h->ctail = &h->chead;
	h->hnext = e->htab[i];
	e->htab[i] = h;
	e->nhosts++;
	return h;
}

/* The next request of h: continuations first. */
static struct job *host_peek(const struct host *h)
{
	return h->chead != NULL ? h->chead : h->qhead;
}

/* ---- sleepers (min-heap by wake) ---------------------------------------- */

static bool heap_push(struct fetch_engine *e, struct job *j)
{
	if (e->nheap == e->capheap) {
		size_t cap = e->capheap ? e->capheap * 2 : 64;
		struct job **v = realloc(e->heap, cap * sizeof *v);
		if (v == NULL)
			return false;
		e->heap = v;
		e->capheap = cap;
	}
	size_t i = e->nheap++;
	while (i > 0 && e->heap[(i - 1) / 2]->wake > j->wake) {
		e->heap[i] = e->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	e->heap[i] = j;
	return true;
}

static struct job *heap_pop(struct fetch_engine *e)
{
	struct job *top = e->heap[0];
	struct job *last = e->heap[--e->nheap];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= e->nheap)
			break;
		if (c + 1 < e->nheap && e->heap[c + 1]->wake < e->heap[c]->wake)
			c++;
		if (e->heap[c]->wake >= last->wake)
			break;
		e->heap[i] = e->heap[c];
		i = c;
	}
	if (e->nheap > 0)
		e->heap[i] = last;
	return top;
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
	uint64_t room = j->body_limit - j->body_seen;
	size_t take = len < room ? len : (size_t)room;
	size_t k = vp_buf_room(&j->body) < take ? vp_buf_room(&j->body) : take;
	if (k > 0 && vp_buf_add(&j->body, p, k) != VP_OK)
		return 0; /* ends the transfer: out of memory */
	if (j->sha != NULL && take > 0)
		EVP_DigestUpdate(j->sha, p, take);
	j->body_seen += take;
	if (take < len) {
		/* Enough is known; stop reading rather than download it. */
		j->capped = true;
		return 0;
	}
	return len;
}

/* Copies the trimmed value of header line p[0..len) into dst. */
static void hdr_value(
    char *dst, size_t cap, const char *p, size_t len, size_t name_len)
{
	const char *v = p + name_len, *end = p + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
	                      end[-1] == ' ' || end[-1] == '\t'))
		end--;
	size_t n = (size_t)(end - v);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static bool hdr_is(const char *p, size_t len, const char *name)
{
	size_t n = strlen(name);
	return len > n && strncasecmp(p, name, n) == 0;
}

static void link_reset(struct job *j)
{
	vp_buf_free(&j->link);
	vp_buf_init(&j->link, LINK_MAX - 1);
}

/* Appends a Link header line's value (several lines form one list). A list
 * longer than LINK_MAX is cut at a link-value boundary or not kept. */
static void link_add(struct job *j, const char *p, size_t len)
{
	/* ", " and the value in one piece, so that one append keeps both or
	 * neither */
	char *v = malloc(len + 2);
	if (v == NULL)
		return;
	memcpy(v, ", ", 2);
	hdr_value(v + 2, len, p, len, 5);
	size_t n = strlen(v + 2);
	if (n > 0 && j->link.len > 0)
		vp_buf_add(&j->link, v, n + 2);
	else if (n > 0)
		vp_buf_add(&j->link, v + 2, n);
	free(v);
}

/* Keeps the headers the fingerprint, Retry-After, bot-wall and archive rules
 * need, and the declared Content-Length even when curl stops the transfer on
 * it (CURLE_FILESIZE_EXCEEDED leaves CURLINFO_CONTENT_LENGTH_DOWNLOAD_T
 * unset). */
static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct job *j = ud;
	size_t len = size * nmemb;
	char tmp[32];
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* a new response (after a 1xx or on a new hop) */
		j->hdr_length = -1;
		j->etag[0] = j->last_mod[0] = j->retry_after[0] = '\0';
		j->memento_dt[0] = '\0';
		j->cf_challenge = false;
		link_reset(j);
	} else if (hdr_is(p, len, "content-length:")) {
		hdr_value(tmp, sizeof tmp, p, len, 15);
		char *end;
		errno = 0;
		unsigned long long v = strtoull(tmp, &end, 10);
		if (errno == 0 && end != tmp && *end == '\0' && v <= INT64_MAX)
			j->hdr_length = (int64_t)v;
	} else if (hdr_is(p, len, "etag:")) {
		hdr_value(j->etag, sizeof j->etag, p, len, 5);
	} else if (hdr_is(p, len, "last-modified:")) {
		hdr_value(j->last_mod, sizeof j->last_mod, p, len, 14);
	} else if (hdr_is(p, len, "retry-after:")) {
		hdr_value(j->retry_after, sizeof j->retry_after, p, len, 12);
	} else if (hdr_is(p, len, "memento-datetime:")) {
		hdr_value(j->memento_dt, sizeof j->memento_dt, p, len, 17);
	} else if (hdr_is(p, len, "cf-mitigated:")) {
		j->cf_challenge = true;
	} else if (j->phase == PH_TIMEGATE && hdr_is(p, len, "link:")) {
		link_add(j, p, len);
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
	if (j->ahost != NULL) {
		j->ahost->active--;
		j->ahost = NULL;
	}
}

/* Why j must end now without a request, or NULL while it may go on: its
 * own time ran out (between its requests: waiting for a retry or the host's
 * turn), or the run's deadline came. Neither is a timeout of a request: the
 * URL is "unverified" with this reason. */
static const char *past_deadline(const struct job *j, uint64_t now)
{
	if (now < j->deadline)
		return NULL;
	return j->own_deadline <= j->deadline ? "the URL's own time"
	                                      : "the run's deadline";
}

static void phase_end(
    struct fetch_engine *e, struct job *j, const char *status, const char *msg);

/* Starts the transfer for j->url now (the host's turn has come). */
static void hop_start(struct fetch_engine *e, struct job *j)
{
	uint64_t now = vp_now_ms();
	if (j->start == 0) {
		j->start = now;
		uint64_t lim = e->o.url_timeout_ms;
		if (j->b != NULL && j->b->url_timeout_ms > 0)
			lim = j->b->url_timeout_ms;
		if (j->phase == PH_PROBE && PROBE_MAX_MS < lim)
			lim = PROBE_MAX_MS;
		if (lim > 0) {
			j->own_deadline = now + lim;
			if (j->own_deadline < j->deadline)
				j->deadline = j->own_deadline;
		}
	}
	const char *late = past_deadline(j, now);
	if (late != NULL) {
		char msg[96];
		snprintf(msg, sizeof msg, "%s ran out before its next request",
		    late);
		phase_end(e, j, "unverified", msg);
		return;
	}
	long remaining = (long)(j->deadline - now);
	long connect = (long)e->o.connect_timeout_ms;
	if (connect <= 0 || connect > remaining)
		connect = remaining;

	if (j->easy == NULL) {
		if (e->npool > 0)
			j->easy = e->pool[--e->npool];
		else
			j->easy = curl_easy_init();
		if (j->easy == NULL) {
			phase_end(e, j, "error", "out of memory");
			return;
		}
	} else {
		curl_easy_reset(j->easy);
	}
	j->blocked = false;
	j->capped = false;
	j->body_seen = 0;
	j->hdr_length = -1;
	j->errbuf[0] = '\0';
	j->etag[0] = j->last_mod[0] = j->retry_after[0] = '\0';
	j->memento_dt[0] = '\0';
	j->cf_challenge = false;
	link_reset(j);
	EVP_MD_CTX_free(j->sha);
	j->sha = NULL;
	bool want_sha =
	    j->get && (j->phase == PH_CHECK || j->phase == PH_PROBE);
	if (want_sha) {
		j->sha = EVP_MD_CTX_new();
		if (j->sha == NULL ||
		    EVP_DigestInit_ex(j->sha, EVP_sha256(), NULL) != 1) {
			phase_end(e, j, "error", "out of memory");
			return;
		}
	}
	j->body_limit =
	    j->phase == PH_RAW && j->raw_max > 0 ? j->raw_max : e->o.max_body;
	vp_buf_free(&j->body);
	vp_buf_init(&j->body, j->phase == PH_RAW || j->phase == PH_WAYBACK
	                          ? (size_t)j->body_limit
	                          : TITLE_SCAN);
	if (j->phase == PH_CHECK)
		j->requests++;

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
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)j->body_limit);
	/* HTTP/2 where a TLS server offers it (ALPN); keep-alive always. */
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	if (j->hdrs != NULL)
		SET(CURLOPT_HTTPHEADER, j->hdrs);
	if (e->resolve != NULL)
		SET(CURLOPT_RESOLVE, e->resolve);
	/* The probe runs beside the host's first checks: its connection is
	 * not handed on, so a check never inherits a keep-alive connection
	 * the server may be closing (curl would resend on it). */
	if (j->phase == PH_PROBE)
		SET(CURLOPT_FORBID_REUSE, 1L);
	if (j->get)
		SET(CURLOPT_HTTPGET, 1L);
	else
		SET(CURLOPT_NOBODY, 1L);
#undef SET
	if (rc != CURLE_OK) {
		phase_end(e, j, "error", curl_easy_strerror(rc));
		return;
	}
	if (curl_multi_add_handle(e->multi, h) != CURLM_OK) {
		phase_end(e, j, "error", "curl_multi_add_handle failed");
		return;
	}
	j->anext = e->active;
	if (e->active)
		e->active->aprev = j;
	e->active = j;
	e->inflight++;
	if (j->host != NULL) {
		j->ahost = j->host;
		j->host->active++;
	}
}

static void probe_early(struct fetch_engine *e, struct job *j, struct host *h);

/* Queues the next request of j (j->url) behind its host's politeness. */
static void request(struct fetch_engine *e, struct job *j)
{
	struct host *h = host_get(e, j->url);
	if (h != j->host) {
		host_release(j->host);
		j->host = h;
		if (h != NULL)
			h->refs++;
	}
	if (h == NULL) { /* not a URL curl can parse: let it say why */
		hop_start(e, j);
		return;
	}
	j->next = NULL;
	if (host_peek(h) == NULL)
		atomic_fetch_add(&e->n_waiting_hosts, 1);
	atomic_fetch_add(&e->n_waiting, 1);
	if (j->start != 0 || (j->phase == PH_PROBE && !j->first_queue)) {
		/* a URL under way, or the probe a 200 waits for: before
		 * every URL of the host that has not started */
		*h->ctail = j;
		h->ctail = &j->next;
	} else {
		*h->qtail = j;
		h->qtail = &j->next;
	}
	if (!h->ready) {
		h->ready = true;
		h->rnext = e->ready;
		e->ready = h;
	}
	probe_early(e, j, h);
}

static bool probe_start(
    struct fetch_engine *e, struct job *j, struct host *h, bool beside);

/* A GET check is queued on h: start the host's soft-404 probe now, right
 * behind that check in the same queue, so that a 200 only waits for it if
 * it is not in yet (rather than every check of the host queuing behind it),
 * and a dead link need not wait a politeness interval for it. */
static void probe_early(struct fetch_engine *e, struct job *j, struct host *h)
{
	if (!e->o.soft404_probe || e->stopping || j->phase != PH_CHECK ||
	    !j->get)
		return;
	if (h->probe == PROBE_DONE && vp_now_ms() - h->probe_at > PROBE_TTL_MS)
		h->probe = PROBE_NONE;
	if (h->probe == PROBE_NONE && !probe_start(e, j, h, true))
		h->probe = PROBE_NONE;
}

static void sleep_until(struct fetch_engine *e, struct job *j, uint64_t t)
{
	j->wake = t;
	if (!heap_push(e, j)) {
		phase_end(e, j, "error", "out of memory");
	}
}

/* True when nobody waits for j any more (its batch was abandoned). */
static bool job_orphan(struct fetch_engine *e, struct job *j)
{
	if (j->b == NULL)
		return false;
	pthread_mutex_lock(&e->mu);
	bool gone = j->b->abandoned;
	pthread_mutex_unlock(&e->mu);
	return gone;
}

static void host_pop(struct fetch_engine *e, struct host *h, struct job *j)
{
	atomic_fetch_sub(&e->n_waiting, 1);
	if (j == h->chead) {
		if ((h->chead = j->next) == NULL)
			h->ctail = &h->chead;
	} else {
		if ((h->qhead = j->next) == NULL)
			h->qtail = &h->qhead;
	}
	j->next = NULL;
	if (host_peek(h) == NULL)
		atomic_fetch_sub(&e->n_waiting_hosts, 1);
}

/* Starts queued requests while slots, connections per host and host
 * politeness allow, one request per host in turn so that one long list on
 * one host does not take every slot from the others. A request is handed to
 * curl only when its host has a connection free, so that its budget does
 * not run while it waits inside curl. Returns the earliest time a waiting
 * host may go, or UINT64_MAX. */
static uint64_t dispatch(struct fetch_engine *e, uint64_t now)
{
	uint64_t next = UINT64_MAX;
	unsigned rate = e->o.host_rate, burst = e->o.host_burst;
	unsigned conns = e->o.max_host_conns ? e->o.max_host_conns : 8;
	bool moved = true;
	while (moved) {
		moved = false;
		struct host **pp = &e->ready;
		while (*pp != NULL) {
			struct host *h = *pp;
			struct job *j = host_peek(h);
			const char *late = NULL;
			if (j != NULL && (job_orphan(e, j) ||
			                     (late = past_deadline(j, now)))) {
				char msg[128];
				snprintf(msg, sizeof msg,
				    "%s ran out while it waited for the host's "
				    "turn",
				    late ? late : "the run");
				host_pop(e, h, j);
				phase_end(e, j, "unverified", msg);
				moved = true;
			} else if (j != NULL &&
			           e->inflight < e->o.max_parallel &&
			           h->active < conns) {
				uint64_t w =
				    fetch_host_wait(&h->pol, now, rate, burst);
				if (w > 0) {
					if (now + w < next)
						next = now + w;
				} else {
					fetch_host_take(
					    &h->pol, now, rate, burst);
					host_pop(e, h, j);
					hop_start(e, j);
					moved = true;
				}
			}
			/* ending a job may queue another at the head of
			 * the ready list: find h again */
			while (*pp != h)
				pp = &(*pp)->rnext;
			if (host_peek(h) == NULL) {
				*pp = h->rnext;
				h->ready = false;
				h->rnext = NULL;
			} else {
				pp = &h->rnext;
			}
		}
	}
	return next;
}

static bool is_redirect(long code)
{
	return code == 301 || code == 302 || code == 303 || code == 307 ||
	       code == 308;
}

static void check_settle(struct fetch_engine *e, struct job *j);
static void archive_next(struct fetch_engine *e, struct job *j);
static void probe_done(struct fetch_engine *e, struct job *j, long code);

/* Ends the current phase of j without an answer (budget, out of memory,
 * a request that could not start). */
static void phase_end(
    struct fetch_engine *e, struct job *j, const char *status, const char *msg)
{
	switch (j->phase) {
	case PH_CHECK:
		set_fail(&j->res, status, msg);
		job_finish(e, j);
		break;
	case PH_RAW:
		set_str(&j->res.error, msg, 1024);
		j->curl_code = strcmp(status, "timeout") == 0 ||
		                       strcmp(status, "unverified") == 0
		                   ? CURLE_OPERATION_TIMEDOUT
		                   : CURLE_FAILED_INIT;
		job_finish(e, j);
		break;
	case PH_PROBE: probe_done(e, j, 0); break;
	case PH_WAYBACK:
	case PH_TIMEGATE:
		/* the check's own result stands */
		job_finish(e, j);
		break;
	}
}

/* Records a redirect to loc and queues it, or finishes the job. */
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

	char *hop = vp_utf8_dup(loc, strlen(loc), MAX_URL_LEN, VP_UTF8_NO_CTRL);
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
	j->hop_status[r->n_redirects] = (uint16_t)code;
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
	j->tries = 0;
	j->head_doubt = false;
	if (j->host != NULL && j->host->head_bad)
		j->get = true;
	request(e, j);
	return;
finish:
	if (j->phase == PH_RAW) {
		j->curl_code = CURLE_TOO_MANY_REDIRECTS;
		set_str(&j->res.error, r->error ? r->error : "redirect", 1024);
	}
	job_finish(e, j);
}

static void hex_digest(struct job *j)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	j->sha_hex[0] = '\0';
	if (j->sha == NULL || j->capped ||
	    EVP_DigestFinal_ex(j->sha, md, &n) != 1 || n != 32)
		return;
	for (unsigned i = 0; i < n; i++)
		snprintf(j->sha_hex + 2 * i, 3, "%02x", md[i]);
}

/* Fills the result of a check whose last transfer ended with rc. */
static void conclude(
    struct fetch_engine *e, struct job *j, CURLcode rc, long code, bool refused)
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
	    .refused = refused,
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
		if (len < 0 && j->get && rc == CURLE_OK && !j->capped)
			len = (curl_off_t)j->body_seen;
		if (len >= 0) {
			r->content_length = (uint64_t)len;
			o.has_length = true;
			o.content_length = (uint64_t)len;
		}
		if (j->get && j->body.len > 0 &&
		    (ct == NULL || strcasestr(ct, "html") != NULL))
			r->title =
			    fetch_html_title(j->body.mem, j->body.len, 1024);
		if (j->etag[0])
			set_str(&r->etag, j->etag, 512);
		if (j->last_mod[0])
			set_str(&r->last_modified, j->last_mod, 64);
		if (rc == CURLE_OK && j->get) {
			hex_digest(j);
			if (j->sha_hex[0])
				set_str(&r->sha256, j->sha_hex, 64);
		}
		o.bot_wall = fetch_bot_wall(code, j->cf_challenge, r->title);
	}
	set_str(&r->status, fetch_classify(&o), 32);
	if (r->status == NULL)
		return;
	if (rc == CURLE_OPERATION_TIMEDOUT && j->own_deadline > j->deadline) {
		/* the run's deadline cut the request short: no verdict */
		set_fail(r, "unverified",
		    "the run's deadline came during the request");
		return;
	}
	if (rc != CURLE_OK && strcmp(r->status, "too_large") != 0) {
		const char *msg =
		    j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc);
		if (strcmp(r->status, "blocked") == 0)
			msg = "address refused by the SSRF policy";
		set_str(&r->error, msg, 1024);
	} else if (o.bot_wall) {
		set_str(
		    &r->error, "a bot wall answered instead of the page", 1024);
	} else if (refused) {
		char msg[128];
		if (j->no_retry != NULL)
			snprintf(msg, sizeof msg,
			    "HTTP %ld: Retry-After %s reaches %s", code,
			    j->retry_after[0] ? j->retry_after : "(backoff)",
			    j->no_retry);
		else
			snprintf(msg, sizeof msg,
			    "HTTP %ld: still refused after %u attempts%s%s",
			    code, j->tries + 1,
			    j->retry_after[0] ? ", Retry-After " : "",
			    j->retry_after);
		set_str(&r->error, msg, 1024);
	} else if (strcmp(r->status, "error") == 0) {
		char msg[64];
		snprintf(msg, sizeof msg, "unexpected HTTP status %ld", code);
		set_str(&r->error, msg, 1024);
	}
	/* A permanent redirect from the cited URL: suggest its target. */
	if (code >= 200 && code < 300 && r->n_redirects > 0) {
		size_t k =
		    fetch_permanent_prefix(j->hop_status, r->n_redirects);
		if (k > 0)
			set_str(&r->suggested_url, r->redirects[k - 1],
			    MAX_URL_LEN);
	}
}

/* Decides about a retry of a 429/503 or a transient failure. Returns true
 * when j sleeps for it. */
static bool maybe_retry(
    struct fetch_engine *e, struct job *j, CURLcode rc, long code)
{
	uint64_t now = vp_now_ms();
	if (rc == CURLE_OK && (code == 429 || code == 503)) {
		int64_t ra = fetch_retry_after_ms(
		    j->retry_after[0] ? j->retry_after : NULL, vp_unix_ms());
		uint64_t wait =
		    ra >= 0 ? (uint64_t)ra
		            : fetch_backoff_ms(j->tries, e->o.backoff_ms,
		                  BACKOFF_CAP_MS, rnd32(e));
		if (j->host != NULL)
			fetch_host_slowdown(
			    &j->host->pol, now, ra >= 0 ? (uint64_t)ra : 0);
		j->no_retry = j->tries >= e->o.retries ? NULL
		              : wait > e->o.retry_after_max_ms
		                  ? "longer than --fetch-retry-after-max-ms"
		              : now + wait < j->deadline ? NULL
		              : j->own_deadline <= j->deadline
		                  ? "past the URL's own time"
		                  : "past the run's deadline";
		if (j->tries >= e->o.retries || j->no_retry != NULL)
			return false;
		j->tries++;
		sleep_until(e, j, now + wait);
		return true;
	}
	struct fetch_outcome o = {
	    .curl_code = rc, .http_status = code, .blocked = j->blocked};
	if (!fetch_transient(&o) || j->tries >= e->o.retries)
		return false;
	uint64_t wait = fetch_backoff_ms(
	    j->tries, e->o.backoff_ms, BACKOFF_CAP_MS, rnd32(e));
	if (now + wait >= j->deadline)
		return false;
	j->tries++;
	sleep_until(e, j, now + wait);
	return true;
}

static void transfer_check(
    struct fetch_engine *e, struct job *j, CURLcode rc, long code)
{
	if (rc == CURLE_OK && !j->get) {
		char *ct = NULL;
		curl_easy_getinfo(j->easy, CURLINFO_CONTENT_TYPE, &ct);
		bool again = false;
		if (code == 403 || code == 405 || code == 501)
			again = true; /* the server rejects HEAD */
		else if (code >= 400 && code != 429 && code != 503)
			again = j->head_doubt = true; /* confirm with GET */
		else if (code >= 200 && code < 300 && ct != NULL &&
		         strcasestr(ct, "html") != NULL)
			again = true; /* the title and soft-404 rules need it */
		if (again) {
			j->get = true;
			j->tries = 0;
			request(e, j);
			return;
		}
	}
	if (rc == CURLE_OK && j->head_doubt && j->host != NULL &&
	    ((code >= 200 && code < 400)))
		j->host->head_bad = true; /* later checks skip HEAD there */
	if (maybe_retry(e, j, rc, code))
		return;
	if (rc == CURLE_OK && is_redirect(code)) {
		char *loc = NULL;
		curl_easy_getinfo(j->easy, CURLINFO_REDIRECT_URL, &loc);
		follow(e, j, code, loc);
		return;
	}
	conclude(
	    e, j, rc, code, rc == CURLE_OK && (code == 429 || code == 503));
	check_settle(e, j);
}

/* ---- soft 404 ----------------------------------------------------------- */

static const char *soft404_eval(const struct job *j, const struct host *h)
{
	const struct vp_check *r = &j->res;
	struct fetch_soft404_in in = {
	    .http_status = r->http_status,
	    .url = r->url,
	    .final_url = r->final_url,
	    .redirects = r->n_redirects,
	    .title = r->title,
	    .body = j->body.mem,
	    .body_len = j->body.len,
	    .sha256 = r->sha256,
	    .length = r->content_length,
	};
	if (h != NULL && h->probe == PROBE_DONE) {
		in.probe_known = true;
		in.probe_status = h->probe_status;
		in.probe_sha256 = h->probe_sha[0] ? h->probe_sha : NULL;
		in.probe_title = h->probe_title;
		in.probe_length = h->probe_len;
	}
	return fetch_soft404(&in);
}

static void mark_soft404(struct job *j, const char *why)
{
	set_fail(&j->res, "soft404", why);
}

/* Starts the probe of a random sibling of j's URL on host h. */
static bool probe_start(
    struct fetch_engine *e, struct job *j, struct host *h, bool beside)
{
	struct job *p = calloc(1, sizeof *p);
	if (p == NULL)
		return false;
	const char *u = j->url;
	const char *path = strstr(u, "://");
	path = path ? strchr(path + 3, '/') : NULL;
	size_t origin = path ? (size_t)(path - u) : strlen(u);
	size_t dir = 1;
	if (path != NULL) {
		size_t n = strcspn(path, "?#");
		for (size_t i = 0; i < n; i++)
			if (path[i] == '/')
				dir = i + 1;
	}
	char name[40];
	snprintf(name, sizeof name, "vp-%08x%08x-404", rnd32(e), rnd32(e));
	if (asprintf(&p->url, "%.*s%.*s%s", (int)origin, u, (int)dir,
	        path ? path : "/", name) < 0) {
		free(p);
		return false;
	}
	p->e = e;
	p->phase = PH_PROBE;
	p->first_queue = beside && j->start == 0;
	p->get = true;
	p->deadline = vp_now_ms() + PROBE_MAX_MS;
	p->own_deadline = UINT64_MAX;
	h->probe = PROBE_PENDING;
	request(e, p);
	return true;
}

static void probe_done(struct fetch_engine *e, struct job *p, long code)
{
	struct host *h = p->host;
	if (h != NULL) {
		h->probe = PROBE_DONE;
		h->probe_at = vp_now_ms();
		h->probe_status = code;
		hex_digest(p);
		memcpy(h->probe_sha, p->sha_hex, sizeof h->probe_sha);
		free(h->probe_title);
		h->probe_title = p->body.len > 0 ? fetch_html_title(p->body.mem,
		                                       p->body.len, 1024)
		                                 : NULL;
		h->probe_len =
		    p->hdr_length >= 0 ? (uint64_t)p->hdr_length : p->body_seen;
	}
	struct job *w = h ? h->pwait : NULL;
	if (h != NULL)
		h->pwait = NULL;
	job_free(e, p);
	while (w != NULL) {
		struct job *nx = w->next;
		w->next = NULL;
		const char *why = soft404_eval(w, h);
		if (why != NULL)
			mark_soft404(w, why);
		archive_next(e, w);
		w = nx;
	}
}

/* After a check's classification: the soft-404 rules, then archives. A 2xx
 * HTML page is compared with the host's answer for a missing page (the
 * probe) before its words can count against it, so it may wait for the
 * probe; without the probe (switched off, or no fingerprint) the rules run
 * on what the page alone shows. */
static void check_settle(struct fetch_engine *e, struct job *j)
{
	struct vp_check *r = &j->res;
	bool ok = r->status != NULL && (strcmp(r->status, "ok") == 0 ||
	                                   strcmp(r->status, "redirect") == 0);
	if (ok && j->get && j->body.len > 0 && r->content_type != NULL &&
	    strcasestr(r->content_type, "html") != NULL) {
		struct host *h = j->host;
		if (e->o.soft404_probe && r->sha256 != NULL && h != NULL &&
		    !e->stopping) {
			uint64_t now = vp_now_ms();
			if (h->probe == PROBE_DONE &&
			    now - h->probe_at > PROBE_TTL_MS)
				h->probe = PROBE_NONE;
			if (h->probe == PROBE_NONE &&
			    !probe_start(e, j, h, false))
				h->probe = PROBE_NONE;
			if (h->probe == PROBE_PENDING) {
				j->next = h->pwait;
				h->pwait = j;
				return;
			}
		}
		const char *why = soft404_eval(
		    j, h != NULL && h->probe == PROBE_DONE ? h : NULL);
		if (why != NULL)
			mark_soft404(j, why);
	}
	archive_next(e, j);
}

/* ---- archives ----------------------------------------------------------- */

/* Moves j to its next archive query, or finishes it. */
static void archive_next(struct fetch_engine *e, struct job *j)
{
	struct batch *b = j->b;
	uint64_t now = vp_now_ms();
	enum phase next = PH_CHECK;
	if (j->phase == PH_CHECK && b != NULL && b->archive && !e->stopping &&
	    vp_status_is_broken(j->res.status)) {
		if (set_on(e->o.wayback_url))
			next = PH_WAYBACK;
		else if (set_on(e->o.timegate_url))
			next = PH_TIMEGATE;
	} else if (j->phase == PH_WAYBACK && j->res.archived_url == NULL &&
	           set_on(e->o.timegate_url) && !e->stopping) {
		next = PH_TIMEGATE;
	}
	if (next == PH_CHECK || b->deadline < now + ARCHIVE_MIN_MS) {
		job_finish(e, j);
		return;
	}
	char *esc = curl_easy_escape(NULL, j->res.url, 0);
	char *url = NULL;
	int n = -1;
	if (esc != NULL && next == PH_WAYBACK) {
		char ts[16] = "";
		if (b->date[0]) /* YYYY-MM-DD -> YYYYMMDD */
			snprintf(ts, sizeof ts, "%.4s%.2s%.2s", b->date,
			    b->date + 5, b->date + 8);
		n = asprintf(&url, "%s%surl=%s%s%s", e->o.wayback_url,
		    strchr(e->o.wayback_url, '?') ? "&" : "?", esc,
		    ts[0] ? "&timestamp=" : "", ts);
	} else if (esc != NULL) {
		n = asprintf(&url, "%s%s", e->o.timegate_url, j->res.url);
		curl_slist_free_all(j->hdrs);
		j->hdrs = NULL;
		char hd[80];
		if (b->date[0] &&
		    fetch_accept_datetime(b->date, hd, sizeof hd) == 0) {
			struct curl_slist *l = curl_slist_append(NULL, hd);
			if (l == NULL)
				n = -1;
			j->hdrs = l;
		}
	}
	curl_free(esc);
	if (n < 0) {
		free(url);
		job_finish(e, j); /* the check's result stands */
		return;
	}
	free(j->url);
	j->url = url;
	j->phase = next;
	j->get = true;
	j->tries = 0;
	j->deadline = b->deadline;
	j->own_deadline = UINT64_MAX; /* archives: within the run's */
	request(e, j);
}

static void transfer_archive(
    struct fetch_engine *e, struct job *j, CURLcode rc, long code)
{
	char *url = NULL, *at = NULL;
	if (rc == CURLE_OK && j->phase == PH_WAYBACK && code == 200 &&
	    j->body.len > 0)
		fetch_wayback_parse(j->body.mem, j->body.len, &url, &at);
	if (rc == CURLE_OK && j->phase == PH_TIMEGATE &&
	    (is_redirect(code) || code == 200)) {
		char *loc = NULL;
		if (is_redirect(code))
			curl_easy_getinfo(j->easy, CURLINFO_REDIRECT_URL, &loc);
		fetch_memento_answer(
		    code, j->url, loc, j->memento_dt, j->link.mem, &url, &at);
	}
	if (url != NULL) {
		free(j->res.archived_url);
		j->res.archived_url =
		    vp_utf8_dup(url, strlen(url), 8192, VP_UTF8_NO_CTRL);
		free(j->res.archived_at);
		j->res.archived_at =
		    at ? vp_utf8_dup(at, strlen(at), 40, VP_UTF8_NO_CTRL)
		       : NULL;
	}
	free(url);
	free(at);
	archive_next(e, j);
}

static void transfer_raw(
    struct fetch_engine *e, struct job *j, CURLcode rc, long code)
{
	if (rc == CURLE_OK && is_redirect(code)) {
		char *loc = NULL;
		curl_easy_getinfo(j->easy, CURLINFO_REDIRECT_URL, &loc);
		follow(e, j, code, loc);
		return;
	}
	if (maybe_retry(e, j, rc, code))
		return;
	char *ct = NULL;
	j->curl_code = rc;
	j->res.http_status = (uint32_t)(code > 0 && code <= 999 ? code : 0);
	if (curl_easy_getinfo(j->easy, CURLINFO_CONTENT_TYPE, &ct) ==
	        CURLE_OK &&
	    ct != NULL)
		set_str(&j->res.content_type, ct, 256);
	if (rc != CURLE_OK)
		set_str(&j->res.error,
		    j->blocked     ? "address refused by the SSRF policy"
		    : j->errbuf[0] ? j->errbuf
		                   : curl_easy_strerror(rc),
		    1024);
	job_finish(e, j);
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
	if (rc == CURLE_FILESIZE_EXCEEDED && j->phase == PH_RAW)
		j->capped = true; /* declared longer than the caller takes */
	switch (j->phase) {
	case PH_CHECK: transfer_check(e, j, rc, code); break;
	case PH_PROBE: probe_done(e, j, rc == CURLE_OK ? code : 0); break;
	case PH_WAYBACK:
	case PH_TIMEGATE: transfer_archive(e, j, rc, code); break;
	case PH_RAW: transfer_raw(e, j, rc, code); break;
	}
}

/* Starts a job taken from the queue. */
static void job_begin(struct fetch_engine *e, struct job *j)
{
	j->deadline = j->b->deadline;
	j->own_deadline = UINT64_MAX;
	if (strlen(j->url) > MAX_URL_LEN) {
		phase_end(e, j, "error", "URL too long");
		return;
	}
	if (!scheme_http(j->url)) {
		if (j->phase == PH_RAW)
			j->blocked = true;
		phase_end(e, j, "blocked", "only http and https are checked");
		return;
	}
	if (j->phase == PH_CHECK) {
		j->get = e->o.head_mode == FETCH_HEAD_NEVER ||
		         (e->o.head_mode == FETCH_HEAD_AUTO &&
		             !names_document(j->url));
	}
	struct host *h = host_get(e, j->url);
	if (h != NULL && h->head_bad)
		j->get = true;
	request(e, j);
}

/* Finishes the orphans of a host queue; returns its new tail. */
static struct job **drop_orphans(struct fetch_engine *e, struct job **pp)
{
	while (*pp != NULL) {
		struct job *q = *pp;
		if (job_orphan(e, q)) {
			*pp = q->next;
			q->next = NULL;
			atomic_fetch_sub(&e->n_waiting, 1);
			job_finish(e, q);
		} else {
			pp = &q->next;
		}
	}
	return pp;
}

/* Drops in-flight transfers and queued requests of abandoned batches. */
static void drop_abandoned(struct fetch_engine *e)
{
	struct job *j = e->active, *next;
	for (; j != NULL; j = next) {
		next = j->anext;
		if (!job_orphan(e, j))
			continue;
		curl_multi_remove_handle(e->multi, j->easy);
		active_unlink(e, j);
		job_finish(e, j);
	}
	for (struct host *h = e->ready; h != NULL; h = h->rnext) {
		bool had = host_peek(h) != NULL;
		h->qtail = drop_orphans(e, &h->qhead);
		h->ctail = drop_orphans(e, &h->chead);
		if (had && host_peek(h) == NULL)
			atomic_fetch_sub(&e->n_waiting_hosts, 1);
	}
}

static void stop_job(struct fetch_engine *e, struct job *j)
{
	if (j->phase == PH_PROBE) {
		job_free(e, j);
		return;
	}
	if (j->phase == PH_CHECK)
		set_fail(&j->res, "error", "fetcher stopped");
	else if (j->phase == PH_RAW)
		set_str(&j->res.error, "fetcher stopped", 1024);
	job_finish(e, j);
}

static void *engine_main(void *arg)
{
	struct fetch_engine *e = arg;
	pthread_mutex_lock(&e->mu);
	while (!e->stop) {
		struct job *q = e->qhead;
		e->qhead = NULL;
		e->qtail = &e->qhead;
		bool drop = e->abandon;
		e->abandon = false;
		pthread_mutex_unlock(&e->mu);
		while (q != NULL) {
			struct job *j = q;
			q = j->next;
			j->next = NULL;
			job_begin(e, j);
		}
		if (drop)
			drop_abandoned(e);
		uint64_t now = vp_now_ms();
		while (e->nheap > 0 && e->heap[0]->wake <= now)
			request(e, heap_pop(e));
		dispatch(e, now);
		int running = 0;
		curl_multi_perform(e->multi, &running);
		CURLMsg *m;
		int left;
		while ((m = curl_multi_info_read(e->multi, &left)) != NULL)
			if (m->msg == CURLMSG_DONE)
				transfer_done(
				    e, m->easy_handle, m->data.result);
		now = vp_now_ms();
		uint64_t next = dispatch(e, now);
		if (e->nheap > 0 && e->heap[0]->wake < next)
			next = e->heap[0]->wake;
		int wait = 1000;
		if (next != UINT64_MAX)
			wait = next <= now         ? 0
			       : next - now < 1000 ? (int)(next - now)
			                           : 1000;
		curl_multi_poll(e->multi, NULL, 0, wait, NULL);
		pthread_mutex_lock(&e->mu);
	}
	/* Stopping: every job still held ends as an error of a closed batch. */
	e->stopping = true;
	struct job *q = e->qhead;
	e->qhead = NULL;
	e->qtail = &e->qhead;
	pthread_mutex_unlock(&e->mu);
	while (q != NULL) {
		struct job *j = q;
		q = j->next;
		stop_job(e, j);
	}
	while (e->active != NULL) {
		struct job *j = e->active;
		curl_multi_remove_handle(e->multi, j->easy);
		active_unlink(e, j);
		stop_job(e, j);
	}
	while (e->nheap > 0)
		stop_job(e, heap_pop(e));
	for (size_t i = 0; i < e->hcap; i++) {
		for (struct host *h = e->htab[i]; h; h = h->hnext) {
			struct job *j;
			while ((j = host_peek(h)) != NULL) {
				host_pop(e, h, j);
				stop_job(e, j);
			}
			while ((j = h->pwait) != NULL) {
				h->pwait = j->next;
				stop_job(e, j);
			}
		}
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
	e->lcache = fetch_lcache_new(o->lookup_cache, o->lookup_ttl_s);
	if (e->lcache == NULL)
		goto fail_alloc;
	e->hcap = 4096;
	if ((e->htab = calloc(e->hcap, sizeof *e->htab)) == NULL)
		goto fail_alloc;
	e->rnd = (uint64_t)vp_unix_ms() * 2654435761u ^ (uint64_t)(uintptr_t)e;
	if (e->rnd == 0)
		e->rnd = 88172645463325252ull;
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
	free(e->htab);
	fetch_lcache_free(e->lcache);
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

/* Hands the jobs head..tail of batch b to the engine and waits until they
 * are done or the budget has passed. Returns VP_OK or VP_ECLOSED; on return
 * the batch belongs to whoever releases it last (see the file comment). */
static int run_batch(struct fetch_engine *e, struct batch *b, struct job *head,
    struct job **tail, bool *was_done_out, size_t n)
{
	pthread_mutex_lock(&e->mu);
	if (e->stop) {
		pthread_mutex_unlock(&e->mu);
		for (struct job *j = head, *nx; j; j = nx) {
			nx = j->next;
			vp_obj_clear(&vp_desc_check, &j->res);
			free(j->url);
			curl_slist_free_all(j->hdrs);
			free(j);
		}
		batch_free(b);
		return VP_ECLOSED;
	}
	e->callers++;
	*e->qtail = head;
	e->qtail = tail;
	pthread_mutex_unlock(&e->mu);
	curl_multi_wakeup(e->multi);

	struct timespec until;
	uint64_t wake = b->deadline + WAIT_GRACE_MS;
	until.tv_sec = (time_t)(wake / 1000);
	until.tv_nsec = (long)(wake % 1000) * 1000000L;
	pthread_mutex_lock(&e->mu);
	while (b->left > 0 && !b->closed &&
	       pthread_cond_timedwait(&b->cv, &e->mu, &until) != ETIMEDOUT)
		;
	int rv = b->closed ? VP_ECLOSED : VP_OK;
	for (size_t i = 0; i < n; i++)
		was_done_out[i] = b->done[i];
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
	return rv;
}

static struct batch *batch_new(size_t n, uint32_t budget_ms)
{
	struct batch *b = calloc(1, sizeof *b);
	if (b == NULL || (b->done = calloc(n, sizeof *b->done)) == NULL) {
		free(b);
		return NULL;
	}
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->cv, &ca);
	pthread_condattr_destroy(&ca);
	b->n = n;
	b->left = n;
	b->engine_refs = n;
	b->deadline = vp_now_ms() + budget_ms;
	return b;
}

int fetch_check(struct fetch_engine *e, char *const *urls, size_t n,
    uint32_t budget_ms, struct vp_check **out)
{
	return fetch_check_ex(e, urls, n, budget_ms, NULL, out);
}

static bool valid_date(const char *d)
{
	if (d == NULL || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return false;
	return true;
}

int fetch_check_ex(struct fetch_engine *e, char *const *urls, size_t n,
    uint32_t budget_ms, const struct fetch_check_opts *co,
    struct vp_check **out)
{
	*out = NULL;
	if (n == 0)
		return VP_OK;
	struct vp_check *res = calloc(n, sizeof *res);
	bool *done = calloc(n, sizeof *done);
	struct batch *b = batch_new(n, budget_ms);
	struct job *head = NULL, **tail = &head;
	if (res == NULL || done == NULL || b == NULL)
		goto fail;
	b->out = res;
	if (co != NULL) {
		b->archive = co->archive;
		if (valid_date(co->date))
			memcpy(b->date, co->date, 11);
		b->url_timeout_ms = co->url_timeout_ms;
	}
	for (size_t i = 0; i < n; i++) {
		struct job *j = calloc(1, sizeof *j);
		if (j == NULL)
			goto fail_jobs;
		*tail = j;
		tail = &j->next;
		j->e = e;
		j->b = b;
		j->idx = i;
		j->phase = PH_CHECK;
		const char *u = urls[i] ? urls[i] : "";
		j->url = strdup(u);
		j->res.url =
		    vp_utf8_dup(u, strlen(u), MAX_URL_LEN, VP_UTF8_NO_CTRL);
		if (j->url == NULL || j->res.url == NULL)
			goto fail_jobs;
	}
	int rv = run_batch(e, b, head, tail, done, n);
	if (rv == VP_OK) {
		/* unfinished slots: the budget ran out */
		for (size_t i = 0; i < n; i++) {
			if (done[i])
				continue;
			struct vp_check *r = &res[i];
			const char *u = urls[i] ? urls[i] : "";
			r->url = vp_utf8_dup(
			    u, strlen(u), MAX_URL_LEN, VP_UTF8_NO_CTRL);
			r->status = strdup("unverified");
			r->error = strdup(
			    "the run's deadline came before the check ended");
			r->elapsed_ms = budget_ms;
			if (r->url == NULL || r->status == NULL)
				rv = VP_ENOMEM;
		}
	}
	free(done);
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
fail:
	if (b != NULL)
		batch_free(b);
	free(done);
	free(res);
	return VP_ENOMEM;
}

void fetch_resp_clear(struct fetch_resp *r)
{
	if (r == NULL)
		return;
	free(r->body);
	free(r->content_type);
	free(r->error);
	memset(r, 0, sizeof *r);
}

int fetch_get(struct fetch_engine *e, const char *url, const char *accept,
    uint32_t budget_ms, size_t max_body, struct fetch_resp *r)
{
	memset(r, 0, sizeof *r);
	struct batch *b = batch_new(1, budget_ms);
	struct job *j = calloc(1, sizeof *j);
	bool done = false;
	if (b == NULL || j == NULL)
		goto fail;
	b->raw = r;
	j->e = e;
	j->b = b;
	j->phase = PH_RAW;
	j->get = true;
	j->raw_max = max_body;
	j->url = strdup(url);
	j->res.url = strdup(url);
	if (j->url == NULL || j->res.url == NULL)
		goto fail;
	if (accept != NULL) {
		char hd[256];
		snprintf(hd, sizeof hd, "Accept: %s", accept);
		if ((j->hdrs = curl_slist_append(NULL, hd)) == NULL)
			goto fail;
	}
	int rv = run_batch(e, b, j, &j->next, &done, 1);
	if (rv == VP_OK && !done) {
		r->curl_code = CURLE_OPERATION_TIMEDOUT;
		r->error = strdup("budget spent");
		if (r->error == NULL) {
			fetch_resp_clear(r);
			return VP_ENOMEM;
		}
	}
	if (rv != VP_OK)
		fetch_resp_clear(r);
	return rv;
fail:
	if (j != NULL) {
		free(j->url);
		free(j->res.url);
		free(j);
	}
	if (b != NULL)
		batch_free(b);
	return VP_ENOMEM;
}

void fetch_engine_waiting(
    const struct fetch_engine *e, size_t *requests, size_t *hosts)
{
	*requests = atomic_load(&e->n_waiting);
	*hosts = atomic_load(&e->n_waiting_hosts);
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
	for (size_t i = 0; i < e->hcap; i++)
		for (struct host *h = e->htab[i], *nx; h; h = nx) {
			nx = h->hnext;
			host_free(h);
		}
	free(e->htab);
	free(e->heap);
	fetch_lcache_free(e->lcache);
	curl_multi_cleanup(e->multi);
	curl_slist_free_all(e->resolve);
	fetch_allow_free(e->allow);
	free(e->pool);
	free(e->user_agent);
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->idle_cv);
	free(e);
}

/* vp-fetcher: the fetcher service. One fetch engine (a libcurl multi thread)
 * shared by two workers in one process: kind "check" (URL checks) and kind
 * "lookup" (KOOP SRU / Tweede Kamer OData lookups). Own main rather than
 * vp_worker_main, which runs one worker per process. */
#include "fetch.h"
#include "fetch_svc.h"
#include "vp_cfg.h"
#include "vp_err.h"
#include "vp_log.h"
#include "vp_worker.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct cfg {
	const char *dispatcher;
	uint64_t contexts, lookup_contexts, recv_max, park_ms, delay_ms;
	const char *log_level, *name;
	int help;
	const char *allow;
	uint64_t max_parallel, host_conns, host_rate, host_burst, retries;
	uint64_t backoff_ms, retry_after_max_ms, url_timeout_ms, max_body;
	uint64_t max_redirects, lookup_cache, lookup_ttl_s;
	const char *head, *wayback_url, *timegate_url, *sru_url, *odata_url;
	int soft404_probe;
};

#define O(m) offsetof(struct cfg, m)
static const struct vp_cfg_opt opts[] = {
    {"dispatcher", VP_CFG_URL, "tcp://127.0.0.1:7101", 0, 0, NULL,
        O(dispatcher), "dispatcher work socket to dial", 0},
    {"contexts", VP_CFG_UINT, "4", 1, 1024, NULL, O(contexts),
        "check jobs this process works on at once", 0},
    {"lookup-contexts", VP_CFG_UINT, "2", 1, 1024, NULL, O(lookup_contexts),
        "lookup jobs this process works on at once", 0},
    {"recv-max", VP_CFG_UINT, "83886080", 1024, 1073741824, NULL, O(recv_max),
        "largest message accepted, bytes", 0},
    {"delay-ms", VP_CFG_UINT, "0", 0, 600000, NULL, O(delay_ms),
        "fault injection for tests: sleep before every job", 0},
    {"park-ms", VP_CFG_UINT, "5000", 10, 600000, NULL, O(park_ms),
        "the dispatcher's idle heartbeat period (same VP_PARK_MS)", 0},
    {"log-level", VP_CFG_CHOICE, "info", 0, 0, "debug|info|warn|error|off",
        O(log_level), "log level (JSON lines on stderr)", 0},
    {"name", VP_CFG_STR, NULL, 0, 0, NULL, O(name),
        "worker name in logs (default kind@pid)", 0},
    {"help", VP_CFG_BOOL, "0", 0, 0, NULL, O(help), "show this help", 'h'},
    {"fetch-allow", VP_CFG_STR, NULL, 0, 0, NULL, O(allow),
        "SSRF allow list: addresses/CIDRs the fetcher may reach although "
        "private (tests only)",
        0},
    {"fetch-max-parallel", VP_CFG_UINT, "256", 1, 100000, NULL, O(max_parallel),
        "transfers in flight", 0},
    {"fetch-host-conns", VP_CFG_UINT, "8", 1, 1000, NULL, O(host_conns),
        "connections per host", 0},
    {"fetch-host-rate", VP_CFG_UINT, "4", 0, 100000, NULL, O(host_rate),
        "requests per second per host, all jobs (0 = no limit)", 0},
    {"fetch-host-burst", VP_CFG_UINT, "1", 1, 1000, NULL, O(host_burst),
        "requests a host may get at once within its rate", 0},
    {"fetch-retries", VP_CFG_UINT, "2", 0, 10, NULL, O(retries),
        "retries of transient failures and of 429/503", 0},
    {"fetch-backoff-ms", VP_CFG_UINT, "500", 1, 60000, NULL, O(backoff_ms),
        "first retry delay (doubles, with jitter)", 0},
    {"fetch-retry-after-max-ms", VP_CFG_UINT, "30000", 0, 3600000, NULL,
        O(retry_after_max_ms),
        "longest Retry-After waited for (longer: unverifiable)", 0},
    {"fetch-url-timeout-ms", VP_CFG_UINT, "30000", 100, 3600000, NULL,
        O(url_timeout_ms), "time per URL, all hops and retries", 0},
    {"fetch-max-body", VP_CFG_UINT, "1048576", 1024, 1073741824, NULL,
        O(max_body), "bytes of a body read at most", 0},
    {"fetch-max-redirects", VP_CFG_UINT, "10", 0, 32, NULL, O(max_redirects),
        "redirects followed at most", 0},
    {"fetch-head", VP_CFG_CHOICE, "auto", 0, 0, "auto|always|never", O(head),
        "HEAD first: for documents (auto), always or never", 0},
    {"fetch-soft404-probe", VP_CFG_BOOL, "1", 0, 0, NULL, O(soft404_probe),
        "probe a random sibling URL per host for soft 404s", 0},
    {"fetch-wayback-url", VP_CFG_STR, "https://archive.org/wayback/available",
        0, 0, NULL, O(wayback_url), "Wayback availability API (empty = off)",
        0},
    {"fetch-timegate-url", VP_CFG_STR,
        "http://timetravel.mementoweb.org/timegate/", 0, 0, NULL,
        O(timegate_url), "Memento TimeGate, URL appended (empty = off)", 0},
    {"fetch-sru-url", VP_CFG_STR, "https://repository.overheid.nl/sru", 0, 0,
        NULL, O(sru_url), "KOOP SRU endpoint for lookups", 0},
    {"fetch-odata-url", VP_CFG_STR,
        "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/", 0, 0, NULL,
        O(odata_url), "Tweede Kamer OData v4 base for lookups", 0},
    {"fetch-lookup-cache", VP_CFG_UINT, "4096", 1, 1000000, NULL,
        O(lookup_cache), "lookup answers cached", 0},
    {"fetch-lookup-ttl-s", VP_CFG_UINT, "86400", 0, 31536000, NULL,
        O(lookup_ttl_s), "how long a cached lookup answer is used", 0},
};
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig)
{
	stop_signal = sig;
}

static int start_worker(struct vp_worker **w, const struct cfg *c,
    const char *kind, unsigned contexts, vp_job_fn fn, void *arg)
{
	struct vp_worker_cfg wc;
	char err[256];
	memset(&wc, 0, sizeof(wc));
	wc.url = c->dispatcher;
	wc.kind = kind;
	wc.name = c->name;
	wc.contexts = contexts;
	wc.recv_max = (size_t)c->recv_max;
	wc.park_ms = (uint32_t)c->park_ms;
	wc.delay_ms = (uint32_t)c->delay_ms;
	wc.fn = fn;
	wc.arg = arg;
	int rv = vp_worker_start(w, &wc, err, sizeof(err));
	if (rv != VP_OK)
		fprintf(stderr, "vp-fetcher: %s worker: %s\n", kind, err);
	return rv;
}

int main(int argc, char **argv)
{
	struct cfg c;
	struct fetch_opts o;
	struct fetch_engine *e = NULL;
	struct vp_worker *check = NULL, *lookup = NULL;
	int rv;

	memset(&c, 0, sizeof(c));
	if ((rv = vp_cfg_main(opts, N_OPTS, &c, argc, argv, NULL, 0, NULL,
	         "vp-fetcher",
	         "Checks cited URLs (http/https only, SSRF guard on) and looks "
	         "citations up online; pulls check and lookup jobs from the "
	         "dispatcher.")) >= 0)
		return rv;
	vp_log_init("vp-fetcher", vp_log_level_parse(c.log_level));
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	fetch_opts_default(&o);
	o.allow = c.allow;
	o.max_parallel = (unsigned)c.max_parallel;
	o.max_host_conns = (unsigned)c.host_conns;
	o.host_rate = (unsigned)c.host_rate;
	o.host_burst = (unsigned)c.host_burst;
	o.retries = (unsigned)c.retries;
	o.backoff_ms = (unsigned)c.backoff_ms;
	o.retry_after_max_ms = (unsigned)c.retry_after_max_ms;
	o.url_timeout_ms = (unsigned)c.url_timeout_ms;
	o.max_body = c.max_body;
	o.max_redirects = (unsigned)c.max_redirects;
	o.head_mode = strcmp(c.head, "always") == 0  ? FETCH_HEAD_ALWAYS
	              : strcmp(c.head, "never") == 0 ? FETCH_HEAD_NEVER
	                                             : FETCH_HEAD_AUTO;
	o.soft404_probe = c.soft404_probe != 0;
	o.wayback_url = c.wayback_url;
	o.timegate_url = c.timegate_url;
	o.sru_url = c.sru_url;
	o.odata_url = c.odata_url;
	o.lookup_cache = (unsigned)c.lookup_cache;
	o.lookup_ttl_s = (unsigned)c.lookup_ttl_s;
	if ((rv = fetch_engine_start(&e, &o)) != VP_OK) {
		fprintf(stderr,
		    "vp-fetcher: cannot start the fetch engine: %s%s\n",
		    vp_strerror(rv),
		    rv == VP_EINVAL ? " (check VP_FETCH_ALLOW)" : "");
		return rv == VP_EINVAL ? 2 : 1;
	}
	if ((rv = start_worker(&check, &c, "check", (unsigned)c.contexts,
	         fetch_job, e)) != VP_OK ||
	    (rv = start_worker(&lookup, &c, "lookup",
	         (unsigned)c.lookup_contexts, fetch_lookup_job, e)) != VP_OK) {
		vp_worker_stop(check);
		fetch_engine_stop(e);
		return rv == VP_EINVAL ? 2 : 1;
	}
	VP_INFO("check and lookup workers started: %u + %u contexts dialing %s",
	    (unsigned)c.contexts, (unsigned)c.lookup_contexts, c.dispatcher);
	while (!stop_signal)
		pause();
	VP_INFO("stopping on signal %d after %llu check and %llu lookup jobs",
	    (int)stop_signal, (unsigned long long)vp_worker_jobs(check),
	    (unsigned long long)vp_worker_jobs(lookup));
	vp_worker_stop(check);
	vp_worker_stop(lookup);
	fetch_engine_stop(e);
	return 0;
}

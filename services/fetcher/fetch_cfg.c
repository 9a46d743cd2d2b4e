/* The configuration table of struct fetch_opts: one list of the fetcher's
 * options for every program that runs a fetch engine (vp-fetcher, the CLI).
 * Numbers take their defaults from fetch_opts_default. */
#include "fetch.h"

#define M(m) VP_CFG_AT(struct fetch_opts, m)
const struct vp_cfg_opt fetch_cfg_opts[] = {
    VP_OPT_STR("fetch-allow", M(allow), NULL,
        "SSRF allow list: addresses/CIDRs the fetcher may reach although "
        "private (tests only)"),
    VP_OPT_UINT("fetch-max-parallel", M(max_parallel), NULL, 1, 100000,
        "transfers in flight"),
    VP_OPT_UINT("fetch-host-conns", M(max_host_conns), NULL, 1, 1000,
        "connections per host"),
    VP_OPT_UINT("fetch-host-rate", M(host_rate), NULL, 0, 100000,
        "requests per second per host, all jobs (0 = no limit)"),
    VP_OPT_UINT("fetch-host-burst", M(host_burst), NULL, 1, 1000,
        "requests a host may get at once within its rate"),
    VP_OPT_UINT("fetch-retries", M(retries), NULL, 0, 10,
        "retries of transient failures and of 429/503"),
    VP_OPT_UINT("fetch-backoff-ms", M(backoff_ms), NULL, 1, 60000,
        "first retry delay (doubles, with jitter)"),
    VP_OPT_UINT("fetch-retry-after-max-ms", M(retry_after_max_ms), NULL, 0,
        3600000, "longest Retry-After waited for (longer: unverifiable)"),
    VP_OPT_UINT("fetch-url-timeout-ms", M(url_timeout_ms), NULL, 100, 3600000,
        "time per URL, all hops and retries"),
    VP_OPT_UINT("fetch-max-body", M(max_body), NULL, 1024, 1073741824,
        "bytes of a body read at most"),
    VP_OPT_UINT("fetch-max-redirects", M(max_redirects), NULL, 0, 32,
        "redirects followed at most"),
    VP_OPT_ENUM("fetch-head", M(head_mode), NULL, "auto|always|never",
        "HEAD first: for documents (auto), always or never"),
    VP_OPT_BOOL("fetch-soft404-probe", M(soft404_probe), NULL,
        "probe a random sibling URL per host for soft 404s"),
    VP_OPT_STR("fetch-wayback-url", M(wayback_url),
        "https://archive.org/wayback/available",
        "Wayback availability API for dead links (empty = off)"),
    VP_OPT_STR("fetch-timegate-url", M(timegate_url),
        "http://timetravel.mementoweb.org/timegate/",
        "Memento TimeGate, URL appended (empty = off)"),
    VP_OPT_STR("fetch-sru-url", M(sru_url),
        "https://repository.overheid.nl/sru",
        "KOOP SRU endpoint for lookups (empty = off)"),
    VP_OPT_STR("fetch-odata-url", M(odata_url),
        "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/",
        "Tweede Kamer OData v4 base for lookups (empty = off)"),
    VP_OPT_UINT("fetch-lookup-cache", M(lookup_cache), NULL, 1, 1000000,
        "lookup answers cached"),
    VP_OPT_UINT("fetch-lookup-ttl-s", M(lookup_ttl_s), NULL, 0, 31536000,
        "how long a cached lookup answer is used"),
};
#undef M
const size_t fetch_cfg_n_opts =
    sizeof(fetch_cfg_opts) / sizeof(fetch_cfg_opts[0]);

/* vp-linkmon: the link-rot monitor service. Wires configuration (VP_*
 * variables and flags), the store, the worker and the check loop; the logic
 * lives in mon_svc.c. */
#include "mon_svc.h"
#include "vp_admin.h"
#include "vp_cfg.h"
#include "vp_err.h"
#include "vp_log.h"

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct lm_cfg {
	const char *dispatcher;
	const char *api;
	const char *db;
	uint64_t contexts, batch, per_host, tick_ms, check_timeout_ms;
	uint64_t confirmations, confirm_gap, min_interval, max_interval;
	uint64_t growth_pct, jitter_pct, spread, lease, respread;
	int archive;
	const char *commit_log;
	const char *log_level;
	const char *admin_listen;
	int health_check;
	int help;
};

#define O(m) offsetof(struct lm_cfg, m)
static const struct vp_cfg_opt opts[] = {
    {"dispatcher", VP_CFG_URL, "tcp://127.0.0.1:7101", 0, 0, NULL,
        O(dispatcher), "dispatcher work socket (requests come from here)", 0},
    {"api", VP_CFG_URL, "tcp://127.0.0.1:7100", 0, 0, NULL, O(api),
        "dispatcher API (checks go there, events too)", 0},
    {"linkmon-db", VP_CFG_STR, "linkmon.db", 0, 0, NULL, O(db),
        "store: SQLite file, or a PostgreSQL conninfo "
        "(postgresql://... or host=... dbname=...)",
        0},
    {"contexts", VP_CFG_UINT, "2", 1, 64, NULL, O(contexts),
        "worker contexts answering watch/report/history", 0},
    {"batch", VP_CFG_UINT, "64", 1, 10000, NULL, O(batch),
        "sources checked per round", 0},
    {"per-host", VP_CFG_UINT, "4", 0, 10000, NULL, O(per_host),
        "at most this many sources of one host per round (0 = no cap)", 0},
    {"tick-ms", VP_CFG_UINT, "1000", 10, 3600000, NULL, O(tick_ms),
        "pause between rounds when nothing more is due", 0},
    {"check-timeout", VP_CFG_UINT, "120000", 100, 3600000, NULL,
        O(check_timeout_ms), "budget of one round's checks in ms", 0},
    {"confirmations", VP_CFG_UINT, "3", 1, 100, NULL, O(confirmations),
        "failed checks before a source is declared dead", 0},
    {"confirm-gap", VP_CFG_UINT, "86400", 0, 31536000, NULL, O(confirm_gap),
        "seconds between failures that count separately", 0},
    {"min-interval", VP_CFG_UINT, "21600", 1, 31536000, NULL, O(min_interval),
        "re-check interval after a change (s)", 0},
    {"max-interval", VP_CFG_UINT, "2592000", 1, 315360000, NULL,
        O(max_interval), "longest re-check interval of a stable source (s)", 0},
    {"growth", VP_CFG_UINT, "200", 100, 1000, NULL, O(growth_pct),
        "interval growth per stable check, percent", 0},
    {"jitter", VP_CFG_UINT, "10", 0, 50, NULL, O(jitter_pct),
        "jitter of each interval, +- percent", 0},
    {"spread", VP_CFG_UINT, "600", 0, 86400, NULL, O(spread),
        "first checks of new sources spread over this many seconds", 0},
    {"lease", VP_CFG_UINT, "900", 10, 86400, NULL, O(lease),
        "a claimed source is due again after this (crash recovery)", 0},
    {"respread", VP_CFG_UINT, "600", 0, 86400, NULL, O(respread),
        "at start, spread overdue sources over this many seconds", 0},
    {"archive", VP_CFG_BOOL, "1", 0, 0, NULL, O(archive),
        "look up archived copies of dead and drifted sources", 0},
    {"commit-log", VP_CFG_STR, NULL, 0, 0, NULL, O(commit_log),
        "append 'check_id url' after each committed check (tests)", 0},
    {"log-level", VP_CFG_CHOICE, "info", 0, 0, "debug|info|warn|error|off",
        O(log_level), "log level (JSON lines on stderr)", 0},
    {"admin-listen", VP_CFG_STR, "", 0, 0, NULL, O(admin_listen),
        "internal admin endpoint (/healthz /readyz /metrics), e.g. "
        "http://127.0.0.1:9101; empty = none",
        0},
    {"health-check", VP_CFG_BOOL, "0", 0, 0, NULL, O(health_check),
        "probe the admin endpoint's /readyz and exit 0 (ready) or 1", 0},
    {"help", VP_CFG_BOOL, "0", 0, 0, NULL, O(help), "show this help", 'h'},
};
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig)
{
	stop_signal = sig;
}

/* Ready = the worker is connected to the dispatcher: only then do watch
 * and report requests reach this monitor (the store is open once
 * mon_start returned). */
static bool lm_ready(void *arg)
{
	return mon_connections(arg) > 0;
}

static size_t lm_metrics(void *arg, char *buf, size_t cap)
{
	const struct mon *m = arg;
	int n = snprintf(buf, cap,
	    "# TYPE vp_worker_jobs_total counter\n"
	    "vp_worker_jobs_total{kind=\"monitor\"} %llu\n"
	    "# TYPE vp_worker_connections gauge\n"
	    "vp_worker_connections{kind=\"monitor\"} %u\n"
	    "# TYPE vp_linkmon_checks_total counter\n"
	    "vp_linkmon_checks_total %llu\n",
	    (unsigned long long)mon_requests(m), mon_connections(m),
	    (unsigned long long)mon_checks_stored(m));
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap;
}

/* One write(2) per line after the commit: what the crash test compares
 * with the database after kill -9. */
static void log_commit(void *arg, int64_t check_id, const char *url)
{
	char line[256];
	int fd = *(int *)arg;
	int n =
	    snprintf(line, sizeof(line), "%" PRId64 " %.200s\n", check_id, url);
	if (n > 0 && write(fd, line, (size_t)n) < 0)
		VP_WARN("linkmon: commit log: write failed");
}

int main(int argc, char **argv)
{
	struct lm_cfg c;
	struct mon_cfg mc;
	struct mon *m;
	struct vp_admin *admin = NULL;
	char err[256];
	const char *pos[1];
	size_t n_pos = 0;
	int log_fd = -1, rv;

	signal(SIGPIPE, SIG_IGN);
	memset(&c, 0, sizeof(c));
	if ((rv = vp_cfg_main(opts, N_OPTS, &c, argc, argv, pos, 1, &n_pos,
	         "vp-linkmon",
	         "Watches every cited source over time: re-checks through the "
	         "dispatcher, declares sources dead or drifted, publishes "
	         "link.changed, answers watch/report/history.")) >= 0)
		return rv;
	if (c.health_check)
		return vp_admin_health_check("vp-linkmon", c.admin_listen);
	if (n_pos > 0) {
		fprintf(
		    stderr, "vp-linkmon: unexpected argument '%s'\n", pos[0]);
		return 2;
	}
	if (c.min_interval > c.max_interval) {
		fprintf(stderr, "vp-linkmon: min-interval > max-interval\n");
		return 2;
	}
	vp_log_init("linkmon", vp_log_level_parse(c.log_level));
	mon_cfg_default(&mc);
	mc.db = c.db;
	mc.api_url = c.api;
	mc.work_url = c.dispatcher;
	mc.contexts = (unsigned)c.contexts;
	mc.batch = c.batch;
	mc.per_host = c.per_host;
	mc.tick_ms = (uint32_t)c.tick_ms;
	mc.check_timeout_ms = (uint32_t)c.check_timeout_ms;
	mc.archive = c.archive != 0;
	mc.respread = (int64_t)c.respread;
	mc.policy.confirmations = (uint32_t)c.confirmations;
	mc.policy.confirm_gap = (int64_t)c.confirm_gap;
	mc.policy.min_interval = (int64_t)c.min_interval;
	mc.policy.max_interval = (int64_t)c.max_interval;
	mc.policy.growth_pct = (uint32_t)c.growth_pct;
	mc.policy.jitter_pct = (uint32_t)c.jitter_pct;
	mc.policy.spread = (int64_t)c.spread;
	mc.policy.lease = (int64_t)c.lease;
	if (c.commit_log != NULL) {
		log_fd =
		    open(c.commit_log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (log_fd < 0) {
			fprintf(stderr, "vp-linkmon: %s: cannot open\n",
			    c.commit_log);
			return 2;
		}
		mc.on_commit = log_commit;
		mc.commit_arg = &log_fd;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (mon_start(&m, &mc, err, sizeof(err)) != VP_OK) {
		fprintf(stderr, "vp-linkmon: %s\n", err);
		return 1;
	}
	if (c.admin_listen != NULL && c.admin_listen[0] != '\0') {
		struct vp_admin_ops ops = {lm_ready, lm_metrics, m};
		if (vp_admin_start(&admin, c.admin_listen, "vp-linkmon", &ops,
		        err, sizeof(err)) != VP_OK) {
			fprintf(stderr, "vp-linkmon: %s\n", err);
			mon_stop(m);
			if (log_fd >= 0)
				close(log_fd);
			return 2;
		}
	}
	VP_INFO("linkmon: store %s, dispatcher %s, api %s", c.db, c.dispatcher,
	    c.api);
	while (!stop_signal)
		pause();
	/* the endpoint first: its callbacks read m */
	vp_admin_stop(admin);
	mon_stop(m);
	if (log_fd >= 0)
		close(log_fd);
	return 0;
}

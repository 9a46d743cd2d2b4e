/* vp-linkmon: the link-rot monitor service. Wires configuration (VP_*
 * variables and flags), the store, the worker and the check loop; the logic
 * lives in mon_svc.c. */
#include "mon_svc.h"
#include "vp_err.h"
#include "vp_log.h"
#include "vp_svc.h"

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What only this program has. */
struct lm_cfg {
	const char *commit_log;
	unsigned crash_pct;
};

static const struct vp_cfg_opt lm_opts[] = {
    VP_OPT_STR("commit-log", VP_CFG_AT(struct lm_cfg, commit_log), NULL,
        "append 'check_id url' after each committed check (tests)"),
    VP_OPT_UINT("crash-pct", VP_CFG_AT(struct lm_cfg, crash_pct), "0", 0, 100,
        "with commit-log: kill -9 itself at this % of commits and of "
        "publishes, between commit, publish and outbox (crash tests)"),
};

static unsigned crash_pct;

/* Fault injection for the crash test: dies where a crash hurts most. */
static void maybe_crash(void)
{
	if (crash_pct > 0 && (unsigned)(rand() % 100) < crash_pct)
		raise(SIGKILL);
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
	    "vp_linkmon_checks_total %llu\n"
	    "# HELP vp_linkmon_due_lag_seconds how late the most overdue "
	    "source of the last batch was checked\n"
	    "# TYPE vp_linkmon_due_lag_seconds gauge\n"
	    "vp_linkmon_due_lag_seconds %lld\n"
	    "# TYPE vp_linkmon_tick_failures_total counter\n"
	    "vp_linkmon_tick_failures_total %llu\n",
	    (unsigned long long)mon_requests(m), mon_connections(m),
	    (unsigned long long)mon_checks_stored(m), (long long)mon_due_lag(m),
	    (unsigned long long)mon_tick_failures(m));
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
	maybe_crash(); /* committed, not yet published */
}

/* After a publish, before the event leaves the outbox. */
static void on_publish(void *arg, int64_t check_id, const char *url)
{
	(void)arg;
	(void)check_id;
	(void)url;
	maybe_crash(); /* published, still in the outbox: sent again */
}

int main(int argc, char **argv)
{
	struct vp_svc_cfg svc;
	struct lm_cfg c;
	struct mon_cfg mc;
	struct mon *m;
	struct vp_admin *admin = NULL;
	const struct vp_cfg_table tables[] = {
	    {mon_cfg_opts, mon_cfg_n_opts, &mc},
	    {lm_opts, sizeof(lm_opts) / sizeof(lm_opts[0]), &c},
	};
	char err[256];
	const char *pos[1];
	size_t n_pos = 0;
	int log_fd = -1, rv;

	memset(&c, 0, sizeof(c));
	mon_cfg_default(&mc);
	if ((rv = vp_svc_start(&svc, tables, sizeof(tables) / sizeof(tables[0]),
	         argc, argv, pos, 1, &n_pos, "vp-linkmon", "linkmon",
	         "Watches every cited source over time: re-checks through the "
	         "dispatcher, declares sources dead or drifted, publishes "
	         "link.changed, answers watch/report/history.")) >= 0)
		return rv;
	if (n_pos > 0) {
		fprintf(
		    stderr, "vp-linkmon: unexpected argument '%s'\n", pos[0]);
		return 2;
	}
	if (mc.policy.min_interval > mc.policy.max_interval) {
		fprintf(stderr, "vp-linkmon: min-interval > max-interval\n");
		return 2;
	}
	if (c.commit_log != NULL) {
		log_fd =
		    open(c.commit_log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (log_fd < 0) {
			fprintf(stderr, "vp-linkmon: %s: cannot open\n",
			    c.commit_log);
			return 2;
		}
		mc.on_commit = log_commit;
		mc.on_publish = on_publish;
		mc.commit_arg = &log_fd;
		crash_pct = c.crash_pct;
		srand((unsigned)getpid());
	}
	if (mon_start(&m, &mc, err, sizeof(err)) != VP_OK) {
		fprintf(stderr, "vp-linkmon: %s\n", err);
		return 1;
	}
	struct vp_admin_ops ops = {lm_ready, lm_metrics, m};
	if (vp_svc_admin_start(&admin, &svc, "vp-linkmon", &ops) != VP_OK) {
		mon_stop(m);
		if (log_fd >= 0)
			close(log_fd);
		return 2;
	}
	VP_INFO("linkmon: store %s, dispatcher %s, api %s", mc.db, mc.work_url,
	    mc.api_url);
	vp_svc_wait();
	/* the endpoint first: its callbacks read m */
	vp_admin_stop(admin);
	mon_stop(m);
	if (log_fd >= 0)
		close(log_fd);
	return 0;
}

/* Monotonic clock and deadline arithmetic; wall-clock time. */
#include "vp_clock.h"

#include <time.h>

uint64_t vp_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t vp_deadline_in(uint64_t now, uint32_t timeout_ms)
{
	return timeout_ms == 0 ? UINT64_MAX : now + timeout_ms;
}

uint32_t vp_deadline_left(uint64_t now, uint64_t deadline)
{
	if (deadline == UINT64_MAX)
		return UINT32_MAX;
	if (deadline <= now)
		return 0;
	return deadline - now > UINT32_MAX - 1 ? UINT32_MAX - 1
	                                       : (uint32_t)(deadline - now);
}

void vp_abstime_in(struct timespec *ts, uint32_t ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += (time_t)(ms / 1000);
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

void vp_sleep_ms(uint32_t ms)
{
	struct timespec ts = {
	    (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0) {
	}
}

int64_t vp_unix_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void vp_time_rfc3339(char *buf, size_t cap, int64_t unix_s)
{
	struct tm tm;
	time_t t = (time_t)unix_s;

	if (cap == 0)
		return;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		buf[0] = '\0';
}

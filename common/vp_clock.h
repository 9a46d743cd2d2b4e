/* vp_clock.h - monotonic time and deadlines, wall-clock time and its
 * RFC 3339 form. Budgets travel between hops as relative milliseconds
 * (timeout_ms); each hop turns them into a local monotonic deadline with
 * these helpers. Pure code takes the time as an argument instead. */
#ifndef VP_CLOCK_H
#define VP_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds of the monotonic clock. */
uint64_t vp_now_ms(void);

/* Deadline timeout_ms from now (timeout_ms 0 means no deadline: UINT64_MAX). */
uint64_t vp_deadline_in(uint64_t now, uint32_t timeout_ms);

/* Milliseconds left until deadline (0 when passed; UINT32_MAX when none). */
uint32_t vp_deadline_left(uint64_t now, uint64_t deadline);

/* The realtime instant ms milliseconds from now, for
 * pthread_cond_timedwait. */
struct timespec;
void vp_abstime_in(struct timespec *ts, uint32_t ms);

/* Sleeps for ms milliseconds. */
void vp_sleep_ms(uint32_t ms);

/* Milliseconds since the Unix epoch (wall clock: may jump). */
int64_t vp_unix_ms(void);

/* Writes unix_s (seconds since the epoch) as UTC "YYYY-MM-DDTHH:MM:SSZ" into
 * buf (cap bytes; 21 suffice); an empty string when the time cannot be
 * represented or does not fit. */
void vp_time_rfc3339(char *buf, size_t cap, int64_t unix_s);

#endif

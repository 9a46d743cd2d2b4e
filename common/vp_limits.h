/* vp_limits.h - the numbers several programs must agree on, named once.
 * Plain decimal literals so that configuration tables can use them as the
 * text of a default (VP_STR). */
#ifndef VP_LIMITS_H
#define VP_LIMITS_H

/* The largest message any socket accepts, in bytes (80 MiB): a document of
 * up to 64 MiB plus its envelope. Dispatcher, workers, clients and the
 * codec's pre-validator all use it; a smaller cap anywhere drops messages
 * the others send. */
#define VP_MSG_MAX_BYTES 83886080

/* The dispatcher's idle heartbeat period for parked workers, in ms. A worker
 * gives up on an answer after its own park time plus 10 s, so a dispatcher
 * that parks longer than its workers expect looks dead to them: both sides
 * start from this one value. */
#define VP_PARK_MS 5000

/* VP_STRINGIFY(VP_PARK_MS) -> "5000" */
#define VP_STRINGIFY(x)  VP_STRINGIFY_(x)
#define VP_STRINGIFY_(x) #x

#endif

/* Error codes shared by every part of the project.
 * Every function that can fail returns an int: VP_OK (0) or a negative
 * enum vp_err value. nng and curl codes are mapped where they enter. */
#ifndef VP_ERR_H
#define VP_ERR_H

#include <stdbool.h>

enum vp_err {
	VP_OK = 0,
	VP_ENOMEM = -1,        /* out of memory */
	VP_EINVAL = -2,        /* invalid argument or malformed input */
	VP_ETOOLARGE = -3,     /* input exceeds a configured limit */
	VP_ETIMEDOUT = -4,     /* deadline passed */
	VP_EPROTO = -5,        /* peer broke the wire contract */
	VP_EVERSION = -6,      /* unsupported schema version */
	VP_ENOTFOUND = -7,     /* no such item */
	VP_EBUSY = -8,         /* queue or pool full; retry later */
	VP_EUPSTREAM = -9,     /* a worker or remote service failed */
	VP_EINTERNAL = -10,    /* a bug: a "cannot happen" check fired */
	VP_ECLOSED = -11,      /* object closed or shutting down */
	VP_EIO = -12,          /* operating system I/O error */
	VP_ECONNREFUSED = -13, /* could not reach a peer */
	VP_ECANCELED = -14,    /* operation canceled */
	VP_ECONNRESET = -15,   /* the connection to a peer was lost */
};

/* Returns a static, human-readable description of err (never NULL). */
const char *vp_strerror(int err);

/* Returns the wire error code string for err, as used in envelope "err.code":
 * bad_request, too_large, unsupported_version, not_found, timeout, busy,
 * upstream, internal. */
const char *vp_err_code(int err);

/* Maps a wire error code string back to an enum vp_err (VP_EINTERNAL when
 * unknown). */
int vp_err_from_code(const char *code);

/* True when retrying the same request later may succeed. */
bool vp_err_retryable(int err);

/* Maps an nng error number (NNG_E*) to an enum vp_err. */
int vp_err_from_nng(int nng_rv);

/* SQLite-style "cannot happen" checks: assert in debug builds, and evaluate to
 * the condition's value in release builds so the code stays harmless. */
#ifdef NDEBUG
#define VP_ALWAYS(x) (x)
#define VP_NEVER(x)  (x)
#else
#include <assert.h>
#define VP_ALWAYS(x) ((x) ? 1 : (assert(0 && #x), 0))
#define VP_NEVER(x)  ((x) ? (assert(0 && "NEVER(" #x ")"), 1) : 0)
#endif

#endif

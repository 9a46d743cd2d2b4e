/* Error strings and mappings for enum vp_err. */
#include "vp_err.h"

#include <nng/nng.h>
#include <string.h>

const char *vp_strerror(int err)
{
	switch (err) {
	case VP_OK: return "success";
	case VP_ENOMEM: return "out of memory";
	case VP_EINVAL: return "invalid argument or malformed input";
	case VP_ETOOLARGE: return "input exceeds a configured limit";
	case VP_ETIMEDOUT: return "deadline passed";
	case VP_EPROTO: return "protocol violation";
	case VP_EVERSION: return "unsupported schema version";
	case VP_ENOTFOUND: return "not found";
	case VP_EBUSY: return "busy, retry later";
	case VP_EUPSTREAM: return "upstream failure";
	case VP_EINTERNAL: return "internal error";
	case VP_ECLOSED: return "closed";
	case VP_EIO: return "I/O error";
	case VP_ECONNREFUSED: return "connection refused";
	case VP_ECANCELED: return "canceled";
	case VP_ECONNRESET: return "connection lost";
	default: return "unknown error";
	}
}

const char *vp_err_code(int err)
{
	switch (err) {
	case VP_EINVAL:
	case VP_EPROTO: return "bad_request";
	case VP_ETOOLARGE: return "too_large";
	case VP_EVERSION: return "unsupported_version";
	case VP_ENOTFOUND: return "not_found";
	case VP_ETIMEDOUT: return "timeout";
	case VP_EBUSY: return "busy";
	case VP_EUPSTREAM:
	case VP_ECONNREFUSED:
	case VP_ECONNRESET:
	case VP_ECLOSED: return "upstream";
	default: return "internal";
	}
}

int vp_err_from_code(const char *code)
{
	static const struct {
		const char *code;
		int err;
	} map[] = {
	    {"bad_request", VP_EINVAL},
	    {"too_large", VP_ETOOLARGE},
	    {"unsupported_version", VP_EVERSION},
	    {"not_found", VP_ENOTFOUND},
	    {"timeout", VP_ETIMEDOUT},
	    {"busy", VP_EBUSY},
	    {"upstream", VP_EUPSTREAM},
	    {"internal", VP_EINTERNAL},
	};
	if (code == NULL)
		return VP_EINTERNAL;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].code, code) == 0)
			return map[i].err;
	return VP_EINTERNAL;
}

bool vp_err_retryable(int err)
{
	switch (err) {
	case VP_ETIMEDOUT:
	case VP_EBUSY:
	case VP_EUPSTREAM:
	case VP_ECONNREFUSED:
	case VP_ECONNRESET:
	case VP_ECLOSED:
	case VP_EIO: return true;
	default: return false;
	}
}

int vp_err_from_nng(int rv)
{
	switch (rv) {
	case 0: return VP_OK;
	case NNG_ENOMEM: return VP_ENOMEM;
	case NNG_EINVAL:
	case NNG_EADDRINVAL: return VP_EINVAL;
	case NNG_EMSGSIZE: return VP_ETOOLARGE;
	case NNG_ETIMEDOUT: return VP_ETIMEDOUT;
	case NNG_EPROTO: return VP_EPROTO;
	case NNG_ENOENT: return VP_ENOTFOUND;
	case NNG_EAGAIN:
	case NNG_EBUSY: return VP_EBUSY;
	case NNG_ECLOSED:
	case NNG_ESTATE: return VP_ECLOSED;
	case NNG_ECONNREFUSED:
	case NNG_EUNREACHABLE: return VP_ECONNREFUSED;
	case NNG_ECONNRESET:
	case NNG_ECONNSHUT: return VP_ECONNRESET;
	case NNG_ECANCELED: return VP_ECANCELED;
	case NNG_EINTERNAL: return VP_EINTERNAL;
	default: return VP_EIO;
	}
}

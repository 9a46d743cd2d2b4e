/* fetch_ssrf.c - the SSRF guard: which addresses the fetcher may connect to.
 * The engine calls it from CURLOPT_OPENSOCKETFUNCTION, so it judges the
 * resolved address of every connection, of every hop, after DNS. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "fetch_int.h"
#include "vp_err.h"

struct prefix {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned bits;
};

struct fetch_allow {
	size_t n;
	struct prefix *v;
};

/* True when the first bits of a and b are equal. */
static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;
	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

/* a in network byte order, as 4 bytes. */
static bool v4_forbidden(const uint8_t *a)
{
	static const struct {
		uint8_t net[4];
		unsigned bits;
	} nets[] = {
	    {{0, 0, 0, 0}, 8},          /* "this network" */
	    {{10, 0, 0, 0}, 8},         /* private */
	    {{100, 64, 0, 0}, 10},      /* CGNAT */
	    {{127, 0, 0, 0}, 8},        /* loopback */
	    {{169, 254, 0, 0}, 16},     /* link-local, cloud metadata */
	    {{172, 16, 0, 0}, 12},      /* private */
	    {{192, 0, 0, 0}, 24},       /* IETF protocol assignments */
	    {{192, 0, 2, 0}, 24},       /* TEST-NET-1 */
	    {{192, 168, 0, 0}, 16},     /* private */
	    {{198, 18, 0, 0}, 15},      /* benchmarking */
	    {{198, 51, 100, 0}, 24},    /* TEST-NET-2 */
	    {{203, 0, 113, 0}, 24},     /* TEST-NET-3 */
	    {{224, 0, 0, 0}, 4},        /* multicast */
	    {{240, 0, 0, 0}, 4},        /* reserved, includes broadcast */
	    {{255, 255, 255, 255}, 32}, /* broadcast */
	};
	for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++)
		if (prefix_eq(a, nets[i].net, nets[i].bits))
			return true;
	return false;
}

static bool v6_forbidden(const uint8_t *a)
{
	static const uint8_t zero[16];
	static const uint8_t mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	/* ::ffff:0:a.b.c.d, the SIIT "IPv4-translated" form */
	static const uint8_t translated[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
	static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b};
	static const uint8_t nat64_local[6] = {0, 0x64, 0xff, 0x9b, 0, 1};
	static const uint8_t sixtofour[2] = {0x20, 0x02};
	static const uint8_t doc[4] = {0x20, 0x01, 0x0d, 0xb8};
	static const uint8_t discard[8] = {0x01, 0x00};
	static const uint8_t ec2_metadata[16] = {
	    0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};

	/* Forms that embed an IPv4 address are judged by that address; this
	 * also covers :: and ::1 (IPv4-compatible 0.0.0.0 and 0.0.0.1). */
	if (prefix_eq(a, zero, 96) || prefix_eq(a, mapped, 96) ||
	    prefix_eq(a, translated, 96) || prefix_eq(a, nat64, 96))
		return v4_forbidden(a + 12);
	if (prefix_eq(a, sixtofour, 16))
		return v4_forbidden(a + 2);
	if (prefix_eq(a, nat64_local, 48))
		return true;
	if (memcmp(a, ec2_metadata, 16) == 0)
		return true;
	if ((a[0] & 0xfe) == 0xfc) /* fc00::/7 unique local */
		return true;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) /* fe80::/10 link-local */
		return true;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) /* fec0::/10 site-local */
		return true;
	if (a[0] == 0xff) /* ff00::/8 multicast */
		return true;
	if (prefix_eq(a, doc, 32))
		return true;
	if (prefix_eq(a, discard, 64)) /* 100::/64 discard-only */
		return true;
	return false;
}

bool fetch_addr_forbidden(const struct sockaddr *sa)
{
	if (sa == NULL)
		return true;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		return v4_forbidden((const uint8_t *)&in->sin_addr);
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)sa;
		return v6_forbidden(in6->sin6_addr.s6_addr);
	}
	return true; /* AF_UNIX and anything else: never */
}

static int parse_prefix(struct prefix *p, const char *s, size_t len)
{
	char buf[INET6_ADDRSTRLEN + 8];
	if (len == 0 || len >= sizeof buf)
		return VP_EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *slash = strchr(buf, '/');
	long bits = -1;
	if (slash != NULL) {
		*slash = '\0';
		char *end;
		if (slash[1] < '0' || slash[1] > '9')
			return VP_EINVAL;
		bits = strtol(slash + 1, &end, 10);
		if (*end != '\0')
			return VP_EINVAL;
	}
	memset(p, 0, sizeof *p);
	if (inet_pton(AF_INET, buf, p->addr) == 1) {
		p->family = AF_INET;
		if (bits > 32)
			return VP_EINVAL;
		p->bits = bits < 0 ? 32 : (unsigned)bits;
	} else if (inet_pton(AF_INET6, buf, p->addr) == 1) {
		p->family = AF_INET6;
		if (bits > 128)
			return VP_EINVAL;
		p->bits = bits < 0 ? 128 : (unsigned)bits;
	} else {
		return VP_EINVAL;
	}
	return VP_OK;
}

int fetch_allow_parse(struct fetch_allow **out, const char *spec)
{
	struct fetch_allow *a = calloc(1, sizeof *a);
	if (a == NULL)
		return VP_ENOMEM;
	*out = NULL;
	if (spec == NULL)
		spec = "";
	size_t cap = 1;
	for (const char *s = spec; *s; s++)
		cap += *s == ',';
	a->v = calloc(cap, sizeof *a->v);
	if (a->v == NULL) {
		free(a);
		return VP_ENOMEM;
	}
	const char *s = spec;
	while (*s) {
		const char *end = strchr(s, ',');
		if (end == NULL)
			end = s + strlen(s);
		const char *b = s, *t = end;
		while (b < t && (*b == ' ' || *b == '\t'))
			b++;
		while (t > b && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		if (b == t || parse_prefix(&a->v[a->n], b, (size_t)(t - b))) {
			fetch_allow_free(a);
			return VP_EINVAL;
		}
		a->n++;
		s = *end ? end + 1 : end;
		if (*end && *s == '\0') { /* trailing comma */
			fetch_allow_free(a);
			return VP_EINVAL;
		}
	}
	*out = a;
	return VP_OK;
}

bool fetch_allow_match(const struct fetch_allow *a, const struct sockaddr *sa)
{
	if (a == NULL || sa == NULL)
		return false;
	const uint8_t *addr;
	if (sa->sa_family == AF_INET)
		addr = (const uint8_t *)&((const struct sockaddr_in *)sa)
		           ->sin_addr;
	else if (sa->sa_family == AF_INET6)
		addr = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	else
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].family == sa->sa_family &&
		    prefix_eq(addr, a->v[i].addr, a->v[i].bits))
			return true;
	return false;
}

bool fetch_addr_permitted(
    const struct fetch_allow *a, const struct sockaddr *sa)
{
	return !fetch_addr_forbidden(sa) || fetch_allow_match(a, sa);
}

void fetch_allow_free(struct fetch_allow *a)
{
	if (a == NULL)
		return;
	free(a->v);
	free(a);
}

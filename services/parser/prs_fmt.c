/* prs_fmt.c - the parser's snprintf: the few conversions the recognisers use
 * to build ids, URLs and fields, without stdio's machinery. glibc's snprintf
 * costs several hundred instructions a call (a string FILE, locale, the full
 * conversion table); the parser calls it several times per citation, which
 * made it a tenth of the parser's time.
 *
 * Supported: %s, %d, %u, %c, %%, the flag 0, a field width, a precision
 * (".N" or ".*", for %s the most bytes to copy) and the length modifiers l
 * and z. Anything else is copied as written. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "prs_internal.h"

struct out {
	char *buf;
	size_t cap, n; /* n: bytes produced, even past cap */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->n < o->cap) {
		size_t room = o->cap - 1 - o->n; /* keep one for the NUL */
		memcpy(o->buf + o->n, s, n < room ? n : room);
	}
	o->n += n;
}

static void pad(struct out *o, char c, size_t n)
{
	while (n--)
		put(o, &c, 1);
}

/* Decimal digits of v into the end of d[24]; returns the first. */
static char *digits(unsigned long long v, char d[24])
{
	char *p = d + 24;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	return p;
}

static void number(
    struct out *o, unsigned long long v, bool neg, size_t width, bool zero)
{
	char d[24], *p = digits(v, d);
	size_t n = (size_t)(d + 24 - p) + (neg ? 1 : 0);
	if (!zero && width > n)
		pad(o, ' ', width - n);
	if (neg)
		put(o, "-", 1);
	if (zero && width > n)
		pad(o, '0', width - n);
	put(o, p, (size_t)(d + 24 - p));
}

int prs_fmt(char *buf, size_t cap, const char *fmt, ...)
{
	struct out o = {buf, cap, 0};
	va_list ap;
	va_start(ap, fmt);
	while (*fmt) {
		const char *lit = fmt, *spec;
		size_t width = 0, prec = (size_t)-1;
		bool zero = false;
		int lng = 0; /* 1: l, 2: z */
		while (*fmt && *fmt != '%')
			fmt++;
		put(&o, lit, (size_t)(fmt - lit));
		if (!*fmt)
			break;
		spec = fmt++;
		if (*fmt == '0') {
			zero = true;
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (size_t)(*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				int p = va_arg(ap, int);
				prec = p < 0 ? (size_t)-1 : (size_t)p;
				fmt++;
			} else {
				prec = 0;
				while (*fmt >= '0' && *fmt <= '9')
					prec =
					    prec * 10 + (size_t)(*fmt++ - '0');
			}
		}
		if (*fmt == 'l') {
			lng = 1;
			fmt++;
		} else if (*fmt == 'z') {
			lng = 2;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n;
			if (!s)
				s = "(null)";
			/* never read past prec bytes: %.*s takes unterminated
			 * text */
			n = prec == (size_t)-1 ? strlen(s) : strnlen(s, prec);
			if (width > n)
				pad(&o, ' ', width - n);
			put(&o, s, n);
			break;
		}
		case 'd': {
			long long v = lng == 1   ? va_arg(ap, long)
			              : lng == 2 ? (long long)va_arg(ap, size_t)
			                         : va_arg(ap, int);
			number(&o,
			    v < 0 ? 0ull - (unsigned long long)v
			          : (unsigned long long)v,
			    v < 0, width, zero);
			break;
		}
		case 'u': {
			unsigned long long v =
			    lng == 1   ? va_arg(ap, unsigned long)
			    : lng == 2 ? va_arg(ap, size_t)
			               : va_arg(ap, unsigned int);
			number(&o, v, false, width, zero);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			put(&o, &c, 1);
			break;
		}
		case '%': put(&o, "%", 1); break;
		default:
			/* not supported: copy the conversion as written */
			if (!*fmt) {
				put(&o, spec, (size_t)(fmt - spec));
				goto done;
			}
			put(&o, spec, (size_t)(fmt + 1 - spec));
			break;
		}
		fmt++;
	}
done:
	va_end(ap);
	if (cap)
		buf[o.n < cap ? o.n : cap - 1] = 0;
	return o.n > (size_t)0x7fffffff ? 0x7fffffff : (int)o.n;
}

/* prs_kamerstuk.c - Kamerstukken (spec §2-3): labelled full forms
 * ("Kamerstukken II 2019/20, 35 300-XV, nr. 28"), compact forms
 * ("21501-32-1740"), bare "(25026, nr. 1)", dossier-only references, lists and
 * ranges of ondernummers, and the mislabelled "Kamerstukken II, 2020-2021,
 * nr. 3011" (an Aanhangsel number) and "..., nr. 2025Z14549" (a zaak). */
#include <stdio.h>
#include <string.h>

#include "prs_internal.h"

#define MAX_NRS 16

struct kst {
	char chamber; /* 't', 'e' or 0 */
	char vj8[9];  /* "" when absent */
	bool vj_repaired;
	char dossier[8];
	char toev[16];
	char rijkswet[12];
	char nrs[MAX_NRS][12];
	size_t n_nrs;
	char pages[64];
	/* a reading that guessed: confidence at most cap, with why */
	double cap;
	const char *why;
};

/* Dossier number at j: 5 digits, optionally grouped "35 300" / "35.300", or 4
 * digits when allow4 (pre-1995 dossiers, only after a label). Returns its
 * length and writes the digits to out. */
static size_t dossier_at(
    const char *s, size_t len, size_t j, bool allow4, char out[8])
{
	size_t d = prs_ndigits(s, len, j, 5), g;
	if (prs_at(s, len, j) == '0')
		return 0;
	if (d == 2) {
		/* grouped: "35 300", "35.300", "35<NBSP>300", and after a
		 * label "32-500" */
		g = prs_at(s, len, j + 2) == '.' ? 1 : prs_space(s, len, j + 2);
		if (!g && allow4 && prs_at(s, len, j + 2) == '-')
			g = 1;
		if (g && g < 4 && (allow4 || prs_at(s, len, j + 2) != '\n') &&
		    prs_ndigits(s, len, j + 2 + g, 3) == 3 &&
		    (prs_at(s, len, j + 2) != '-' ||
		        !prs_isalnum(prs_at(s, len, j + 5 + g)))) {
			memcpy(out, s + j, 2);
			memcpy(out + 2, s + j + 2 + g, 3);
			out[5] = 0;
			return 5 + g;
		}
		return 0;
	}
	if (d != 5 && !(allow4 && d == 4))
		return 0;
	/* "16/2836", "35300:1" are other numbers */
	if ((prs_at(s, len, j + d) == '/' || prs_at(s, len, j + d) == ':') &&
	    prs_isdigit(prs_at(s, len, j + d + 1)))
		return 0;
	memcpy(out, s + j, d);
	out[d] = 0;
	return d;
}

/* Roman-numeral begrotingshoofdstuk (VI, XV, XIV) optionally followed by one
 * letter (IIB, IXB), not followed by a letter or digit. */
static size_t roman_at(const char *s, size_t len, size_t j)
{
	size_t n = 0;
	while (n < 7 && strchr("IVXL", prs_at(s, len, j + n)) &&
	       prs_at(s, len, j + n))
		n++;
	if (n == 0)
		return 0;
	if (prs_isupper(prs_at(s, len, j + n)) &&
	    !prs_isalnum(prs_at(s, len, j + n + 1)))
		n++;
	return prs_isalnum(prs_at(s, len, j + n)) ? 0 : n;
}

/* Ondernummer at j: [1-9][0-9]{0,maxd-1}[a-z]{0,2}, or, when letters,
 * [A-Z]{1,2}; not followed by a letter, digit or "/digit". */
static size_t ondernr_at(const char *s, size_t len, size_t j, size_t maxd,
    bool letters, bool range_ok, char out[12])
{
	size_t d = prs_ndigits(s, len, j, maxd), n;
	unsigned char c;
	if (d > 0) {
		if (d > maxd || s[j] == '0')
			return 0;
		n = d;
		while (
		    n < d + 2 && (c = prs_at(s, len, j + n)) >= 'a' && c <= 'z')
			n++;
	} else {
		if (!letters)
			return 0;
		n = 0;
		while (n < 2 && prs_isupper(prs_at(s, len, j + n)))
			n++;
		if (n == 0)
			return 0;
	}
	c = prs_at(s, len, j + n);
	if (prs_isalnum(c) || c == '_' ||
	    ((c == '/' || c == ':' || c == '.' || (c == '-' && !range_ok)) &&
	        prs_isdigit(prs_at(s, len, j + n + 1))))
		return 0;
	memcpy(out, s + j, n);
	out[n] = 0;
	return n;
}

/* Empties k: the strings as "" and no numbers (cheaper than zeroing the
 * whole struct, which every digit run in the text would pay). */
static void kst_reset(struct kst *k)
{
	k->chamber = 0;
	k->vj8[0] = k->dossier[0] = k->toev[0] = k->rijkswet[0] = 0;
	k->pages[0] = 0;
	k->vj_repaired = false;
	k->n_nrs = 0;
	k->cap = 1.0;
	k->why = NULL;
}

static void guess(struct kst *k, double cap, const char *why)
{
	if (cap < k->cap) {
		k->cap = cap;
		k->why = why;
	}
}

static void add_nr(struct kst *k, const char *nr)
{
	if (k->n_nrs < MAX_NRS)
		strcpy(k->nrs[k->n_nrs++], nr);
}

static bool numeric(const char *nr)
{
	return prs_isdigit((unsigned char)nr[0]);
}

/* Emits one citation per ondernummer of k (or a dossier citation when there
 * is none), each covering [start, end). */
static int emit_kst(struct prs_ctx *ctx, const struct kst *k, size_t start,
    size_t end, double confidence, const char *reason)
{
	struct prs_cit c = {0};
	char id[64], url[128], vj[10] = "", dossier[24], alt[80];
	size_t base;
	int rv;
	if (k->vj8[0])
		prs_fmt(vj, sizeof vj, "%.4s-%.4s", k->vj8, k->vj8 + 4);
	if (k->toev[0])
		prs_fmt(dossier, sizeof dossier, "%s-%s", k->dossier, k->toev);
	else
		prs_fmt(dossier, sizeof dossier, "%s", k->dossier);
	c.family = "kamerstuk";
	c.id = id;
	c.url = url;
	c.start = start;
	c.end = end;
	c.confidence = confidence;
	c.reason = reason;
	if (k->vj_repaired && confidence > 0.9) {
		c.confidence = 0.9;
		c.reason = "vergaderjaar repaired (second year garbled)";
	}
	if (k->cap < c.confidence) {
		c.confidence = k->cap;
		c.reason = k->why;
	}
	prs_cit_field(&c, "chamber",
	    k->chamber == 't'   ? "tk"
	    : k->chamber == 'e' ? "ek"
	                        : NULL);
	prs_cit_field(&c, "vergaderjaar", vj);
	prs_cit_field(&c, "dossier", k->dossier);
	prs_cit_field(&c, "toevoeging", k->toev);
	prs_cit_field(&c, "rijkswet", k->rijkswet);
	if (k->n_nrs == 0) {
		prs_fmt(id, sizeof id, "dossier:%s", dossier);
		prs_fmt(url, sizeof url,
		    "https://zoek.officielebekendmakingen.nl/dossier/%s",
		    dossier);
		return prs_emit(ctx, &c);
	}
	prs_cit_field(&c, "pages", k->pages);
	prs_cit_field(&c, "ondernummer", "");
	/* papers before 1994-1995 are only in Staten-Generaal Digitaal: the
	 * id is still the dossier-ondernummer pair, but there is no obl URL */
	if (k->vj8[0] && strcmp(k->vj8, "19941995") < 0)
		c.url = NULL;
	if (!c.url) {
		prs_cit_field(&c, "lookup", "sgd");
		if (c.confidence > 0.9) {
			c.confidence = 0.9;
			c.reason = "paper before 1995: only in Staten-Generaal "
			           "Digitaal, no officielebekendmakingen URL";
		}
	}
	base = c.n_fields;
	for (size_t n = 0; n < k->n_nrs; n++) {
		prs_fmt(id, sizeof id, "kst-%s-%s", dossier, k->nrs[n]);
		prs_fmt(url, sizeof url,
		    "https://zoek.officielebekendmakingen.nl/%s.html", id);
		c.keys[c.n_fields] = "ondernummer";
		c.vals[c.n_fields] = k->nrs[n];
		c.n_fields++;
		/* some 1994-2002 papers have ids embedding the vergaderjaar */
		if (k->vj8[0] && strcmp(k->vj8, "19941995") >= 0 &&
		    strcmp(k->vj8, "20022003") < 0) {
			prs_fmt(alt, sizeof alt, "kst-%s-%s-%s", k->vj8,
			    dossier, k->nrs[n]);
			c.keys[c.n_fields] = "alt_id";
			c.vals[c.n_fields] = alt;
			c.n_fields++;
		}
		rv = prs_emit(ctx, &c);
		c.n_fields = base;
		if (rv != VP_OK)
			return rv;
	}
	return VP_OK;
}

/* Toevoeging after the dossier at j. Sets *spaced when it was separated by
 * a space only (then it may really be a letter ondernummer), *numeric for
 * "-02". Returns the new position (j when none). */
static size_t toevoeging(
    const char *s, size_t len, size_t j, struct kst *k, bool *spaced, bool *num)
{
	size_t n, p, w;
	*spaced = *num = false;
	if ((n = prs_dash(s, len, j)) || prs_at(s, len, j) == '.') {
		p = j + (n ? n : 1);
		if ((w = roman_at(s, len, p))) {
		} else if (prs_isupper(prs_at(s, len, p)) &&
		           !prs_isalnum(prs_at(s, len, p + 1))) {
			w = 1;
		} else if (n && prs_ndigits(s, len, p, 2) == 2 &&
		           !prs_isalnum(prs_at(s, len, p + 2))) {
			w = 2;
			*num = true;
		} else {
			return j;
		}
	} else if ((w = roman_at(s, len, j))) { /* glued: 31.700XII */
		p = j;
	} else {
		p = prs_ws(s, len, j);
		if (p == j)
			return j;
		if ((n = prs_word(s, len, p, "hoofdstuk")))
			p = prs_ws(s, len, p + n);
		else
			*spaced = true;
		if (!(w = roman_at(s, len, p)))
			return j;
	}
	if (w >= sizeof k->toev)
		return j;
	memcpy(k->toev, s + p, w);
	k->toev[w] = 0;
	return p + w;
}

/* Ondernummers after the dossier (and toevoeging) at j: ", nr. 28",
 * " nrs. 520 en 548", "nrs. 1–3", ", C", " 22", "-46", " (250, 250a)".
 * Returns the new position (j when none). */
static size_t ondernummers(
    const char *s, size_t len, size_t j, struct kst *k, bool compact_only)
{
	size_t p = prs_ws(s, len, j), n, m;
	bool comma = false, plural = false, paren = false, list, label = false;
	char nr[12];
	if ((n = prs_dash(s, len, p)) && prs_isdigit(prs_at(s, len, p + n))) {
		/* compact "-46", also "35334 -407" */
		if (!(m = ondernr_at(s, len, p + n, 5, false, false, nr)))
			return j;
		add_nr(k, nr);
		return p + n + m;
	}
	if (compact_only)
		return j;
	if (prs_at(s, len, p) == ',') {
		comma = true;
		p = prs_ws(s, len, p + 1);
	}
	if ((n = prs_nr_label(s, len, p, &plural))) {
		label = true;
		p = prs_ws(s, len, p + n);
	} else if (prs_at(s, len, p) == '(' && !comma) {
		paren = true;
		p = prs_ws(s, len, p + 1);
	} else if (p == j) {
		return j; /* glued to something else */
	} else if (dossier_at(s, len, p, false, nr)) {
		return j; /* "10 900, 10 901": another dossier */
	}
	/* without a label or comma a bare number is only read when short */
	m = ondernr_at(
	    s, len, p, (label || comma || paren) ? 5 : 4, true, label, nr);
	if (!m)
		return j;
	if (!label && !comma && !paren)
		guess(k, 0.9,
		    "ondernummer without 'nr.' or comma after the "
		    "dossier");
	add_nr(k, nr);
	p += m;
	/* a singular label also lists ("nr. 3 en 4", "nr. 10-13"), but
	 * only with "en" or a range: "nr. 8, p. 3" goes on with pages */
	list = plural || paren || label;
	while (list) {
		size_t q = prs_ws(s, len, p), sep = 0, r;
		bool range = false;
		if (prs_at(s, len, q) == ',' && (plural || paren))
			sep = 1;
		else if ((sep = prs_word(s, len, q, "en")))
			;
		else if ((sep = prs_word(s, len, q, "t/m")))
			range = true;
		else if ((sep = prs_dash(s, len, q)))
			range = true;
		if (!sep)
			break;
		r = prs_ws(s, len, q + sep);
		if (!(m = ondernr_at(s, len, r, 5, !numeric(nr), label, nr)))
			break;
		if (range && numeric(nr) && numeric(k->nrs[k->n_nrs - 1])) {
			int a = 0, b = 0;
			sscanf(k->nrs[k->n_nrs - 1], "%d", &a);
			sscanf(nr, "%d", &b);
			if (b <= a || b - a > 50)
				break;
			for (int x = a + 1; x <= b; x++) {
				char t[12];
				prs_fmt(t, sizeof t, "%d", x);
				add_nr(k, t);
			}
		} else {
			add_nr(k, nr);
		}
		p = r + m;
	}
	if (paren) {
		p = prs_ws(s, len, p);
		if (prs_at(s, len, p) != ')') {
			k->n_nrs = 0;
			return j;
		}
		p++;
	}
	return p;
}

/* Parses dossier, toevoeging, ondernummers and pages at j into k. Returns
 * the end position, or 0 when there is no dossier. */
static size_t dossier_part(
    const char *s, size_t len, size_t j, struct kst *k, bool allow4)
{
	size_t n, p;
	bool spaced, num;
	k->toev[0] = k->rijkswet[0] = k->pages[0] = 0;
	k->n_nrs = 0;
	if (!(n = dossier_at(s, len, j, allow4, k->dossier)))
		return 0;
	j += n;
	/* Rijkswet number "(R2064)" is not part of the id */
	p = prs_ws(s, len, j);
	if (prs_at(s, len, p) == '(' && prs_at(s, len, p + 1) == 'R' &&
	    (n = prs_ndigits(s, len, p + 2, 5)) > 0 && n < 5 &&
	    prs_at(s, len, p + 2 + n) == ')') {
		prs_fmt(k->rijkswet, sizeof k->rijkswet, "R%.*s", (int)n,
		    s + p + 2);
		j = p + 3 + n;
	}
	p = toevoeging(s, len, j, k, &spaced, &num);
	if (p > j) {
		size_t q = ondernummers(s, len, p, k, false);
		if (k->n_nrs == 0 && ((spaced && strlen(k->toev) == 1) ||
		                         (num && k->toev[0] != '0'))) {
			/* "31 700 D" is an EK letter, "35510-21" is
			 * dossier-ondernummer */
			if (spaced)
				guess(k, 0.9,
				    "letter after the dossier read as "
				    "an Eerste Kamer ondernummer");
			add_nr(k, k->toev);
			k->toev[0] = 0;
		}
		j = q;
	} else {
		j = ondernummers(s, len, j, k, false);
	}
	if (k->n_nrs)
		j = prs_pageref(s, len, j, k->pages, sizeof k->pages);
	return j;
}

/* After a vergaderjaar without dossier: "nr. 3011" (an Aanhangsel number)
 * or "nr. 2025Z14549" (a zaak). */
static int mislabelled(struct prs_ctx *ctx, const struct kst *k, size_t start,
    size_t j, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, n, d;
	bool plural;
	char nr[12], pages[64] = "";
	int rv;
	j = prs_ws(s, len, j);
	if (prs_at(s, len, j) == ',')
		j = prs_ws(s, len, j + 1);
	if (!(n = prs_nr_label(s, len, j, &plural)))
		return VP_OK;
	j = prs_ws(s, len, j + n);
	if ((n = prs_zaaknummer(s, len, j))) {
		rv = prs_emit_zaak(ctx, s + j, start, j + n, 0.8,
		    "Kamerstuk label with a TK zaaknummer as number: read as "
		    "zaak");
		if (rv == VP_OK)
			*end = j + n;
		return rv;
	}
	d = prs_ndigits(s, len, j, 6);
	if (d < 3 || d > 5 || s[j] == '0' || prs_isalnum(prs_at(s, len, j + d)))
		return VP_OK;
	memcpy(nr, s + j, d);
	nr[d] = 0;
	j = prs_pageref(s, len, j + d, pages, sizeof pages);
	rv = prs_emit_aanhangsel(ctx, k->chamber ? k->chamber : 't', k->vj8, nr,
	    pages, start, j, 0.7,
	    "no dossier number: read as Aanhangsel number");
	if (rv == VP_OK)
		*end = j;
	return rv;
}

/* Vergaderjaar(en) and the rest of a labelled citation at j. */
static int body(struct prs_ctx *ctx, struct kst *k, size_t start, size_t j,
    bool need_vj, double conf, const char *reason, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, n, p, e;
	char vj8[9];
	bool rep;
	int rv;

	if ((n = prs_word(s, len, j, "vergaderjaar")) ||
	    (n = prs_word(s, len, j, "zittingsjaar")) ||
	    (n = prs_word(s, len, j, "zitting")))
		j = prs_ws(s, len, j + n);
	k->vj8[0] = 0;
	if ((n = prs_vergaderjaar(s, len, j, k->vj8, &k->vj_repaired))) {
		j += n;
		/* several years: "2001/02-2003/04" (the first is kept) */
		if ((n = prs_dash(s, len, j)) &&
		    (p = prs_vergaderjaar(s, len, j + n, vj8, &rep)))
			j += n + p;
		/* further vergaderjaren "1999/2000, 2000/2001, ..." */
		for (int r = 0; r < 6; r++) {
			p = prs_ws(s, len, j);
			if (prs_at(s, len, p) == ',')
				p = prs_ws(s, len, p + 1);
			if (!(n = prs_vergaderjaar(s, len, p, vj8, &rep)))
				break;
			j = p + n;
		}
	} else if (need_vj) {
		return VP_OK;
	}
	p = prs_ws(s, len, j);
	if (prs_at(s, len, p) == ',' || (k->vj8[0] && prs_at(s, len, p) == '|'))
		p = prs_ws(s, len, p + 1);
	else if (k->vj8[0] && (n = prs_dash(s, len, p))) /* 1958-1959-5380 */
		p = prs_ws(s, len, p + n);
	if (!(e = dossier_part(s, len, p, k, true))) {
		if (k->vj8[0])
			return mislabelled(ctx, k, start, j, end);
		return VP_OK;
	}
	if (need_vj && k->n_nrs == 0)
		return VP_OK;
	if (strlen(k->dossier) == 4 && conf > 0.7) {
		/* a four-digit dossier is a pre-1995 paper, or a year read
		 * as a dossier ("2022-203") */
		conf = 0.7;
		reason = "four-digit dossier number: a pre-1995 paper or a "
		         "misread year";
	}
	if (k->n_nrs == 0) {
		bool pl;
		p = prs_ws(s, len, e);
		if (prs_at(s, len, p) == ',')
			p = prs_ws(s, len, p + 1);
		if (prs_nr_label(s, len, p, &pl) && conf > 0.6) {
			conf = 0.6;
			reason = "numbers after the dossier not read: dossier "
			         "only";
		}
	}
	if ((rv = emit_kst(ctx, k, start, e, conf, reason)) != VP_OK)
		return rv;
	*end = e;
	/* several dossiers: "Kamerstukken II 2003/04, 10 900, 10 901" */
	for (int r = 0; r < 8 && k->n_nrs == 0; r++) {
		struct kst c = *k;
		p = prs_ws(s, len, e);
		if (prs_at(s, len, p) == ',')
			p = prs_ws(s, len, p + 1);
		else if ((n = prs_word(s, len, p, "en")))
			p = prs_ws(s, len, p + n);
		else
			break;
		if (!(n = dossier_part(s, len, p, &c, false)))
			break;
		if (c.n_nrs && r > 0) {
			/* a later dossier with its own numbers */
			if ((rv = emit_kst(ctx, &c, p, n, conf, reason)))
				return rv;
			e = *end = n;
			break;
		}
		if (c.n_nrs) {
			/* "31 205 en 31 206, nr. C": one joint paper, its
			 * number given once for all dossiers */
			struct kst f = *k;
			const char *why = "several dossiers with one number: a "
			                  "joint paper, number applied to each";
			memcpy(f.nrs, c.nrs, sizeof f.nrs);
			f.n_nrs = c.n_nrs;
			if ((rv = emit_kst(ctx, &f, start, n, 0.9, why)) ||
			    (rv = emit_kst(ctx, &c, p, n, 0.9, why)))
				return rv;
			e = *end = n;
			break;
		}
		if ((rv = emit_kst(ctx, &c, p, n, conf, reason)) != VP_OK)
			return rv;
		e = *end = n;
	}
	/* continuations: "; nr. 7, p. 5-6" and "; 2001/2002, 26 855 (16)" */
	for (int r = 0; r < 8 && k->n_nrs; r++) {
		bool plural;
		bool semi;
		p = prs_ws(s, len, e);
		if (prs_at(s, len, p) != ';' && prs_at(s, len, p) != ',')
			break;
		semi = prs_at(s, len, p) == ';';
		p = prs_ws(s, len, p + 1);
		/* "nr. 8, p. 3 en 4, en nr. 11" */
		if ((n = prs_word(s, len, p, "en")) &&
		    prs_nr_label(s, len, prs_ws(s, len, p + n), &plural))
			p = prs_ws(s, len, p + n);
		if (prs_nr_label(s, len, p, &plural)) {
			struct kst c = *k;
			c.n_nrs = 0;
			c.pages[0] = 0;
			if ((n = ondernummers(s, len, p, &c, false)) == p)
				break;
			n = prs_pageref(s, len, n, c.pages, sizeof c.pages);
			if ((rv = emit_kst(ctx, &c, p, n, conf, reason)))
				return rv;
			e = *end = n;
		} else if (semi && prs_vergaderjaar(s, len, p, vj8, &rep)) {
			struct kst c = *k;
			size_t e2 = 0;
			if ((rv = body(ctx, &c, p, p, true, conf, reason,
			         &e2)) != VP_OK)
				return rv;
			if (e2 <= p)
				break;
			e = *end = e2;
			break; /* the nested call handled its own chain */
		} else {
			break;
		}
	}
	return VP_OK;
}

int prs_try_kamerstuk(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n;
	struct kst k;
	bool need_vj = false;
	double conf = 1.0;
	const char *reason = NULL;

	*end = i;
	kst_reset(&k);
	/* "kamerstuk" compared once, then its endings */
	if ((n = prs_prefix(s, len, i, "kamerstuk"))) {
		size_t m;
		if ((m = prs_word_full(s, len, i + n, "ken")) ||
		    (m = prs_word_full(s, len, i + n, "dossier")))
			n += m;
		else if (prs_isalpha(prs_at(s, len, i + n)))
			n = 0;
	}
	if (n) {
		j = prs_ws(s, len, i + n);
		if (prs_at(s, len, j) == ',')
			j = prs_ws(s, len, j + 1);
		if ((n = prs_chamber(s, len, j, &k.chamber))) {
			if (n == 2 && s[j] == '1' && s[j + 1] == '1')
				guess(&k, 0.9,
				    "chamber written '11': read as II "
				    "(OCR)");
			j = prs_ws(s, len, j + n);
			if (prs_at(s, len, j) == ',')
				j = prs_ws(s, len, j + 1);
		}
	} else if ((n = prs_word(s, len, i, "wetsvoorstel"))) {
		j = prs_ws(s, len, i + n);
		if (j == i + n ||
		    !(n = dossier_at(s, len, j, false, k.dossier)))
			return VP_OK;
		if (prs_isalnum(prs_at(s, len, j + n)))
			return VP_OK;
		*end = j + n;
		return emit_kst(ctx, &k, i, j + n, 0.9,
		    "bill number after 'wetsvoorstel' read as dossier");
	} else if ((n = prs_chamber(s, len, i, &k.chamber)) &&
	           prs_isalpha((unsigned char)s[i])) {
		/* "Tweede Kamer 2008-2009, 31459, 22", "TK 2008-2009, ..." */
		j = prs_ws(s, len, i + n);
		if (prs_at(s, len, j) == ',')
			j = prs_ws(s, len, j + 1);
		need_vj = true;
		conf = 0.9;
		reason =
		    "no Kamerstuk label: chamber, vergaderjaar and dossier";
	} else {
		return VP_OK;
	}
	return body(ctx, &k, i, j, need_vj, conf, reason, end);
}

int prs_kamerstuk_after_label(struct prs_ctx *ctx, size_t start, size_t j,
    char chamber, double conf, const char *reason, size_t *end)
{
	struct kst k;
	*end = start;
	kst_reset(&k);
	k.chamber = chamber;
	return body(ctx, &k, start, j, false, conf, reason, end);
}

int prs_try_kamerstuk_bare(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j = i, n, p;
	struct kst k;
	bool paren = false, plural, spaced, num;

	*end = i;
	kst_reset(&k);
	if (s[i] == '(') {
		paren = true;
		j = prs_ws(s, len, i + 1);
	}
	if (!(n = dossier_at(s, len, j, false, k.dossier)))
		return VP_OK;
	p = j + n;
	if (!paren && n == 5 && prs_dash(s, len, p)) {
		/* compact: 21501-32-1740, 35570-XIV-46, 35570-46 */
		size_t q = toevoeging(s, len, p, &k, &spaced, &num);
		if (q > p) {
			size_t r = ondernummers(s, len, q, &k, true);
			if (k.n_nrs == 0) {
				if (!num)
					return VP_OK; /* 36800-XVI alone */
				add_nr(&k, k.toev);
				k.toev[0] = 0;
				r = q;
				if (!strcmp(k.dossier, "21501")) {
					*end = r;
					return emit_kst(ctx, &k, i, r, 0.6,
					    "compact 21501-NN: toevoeging or "
					    "ondernummer is ambiguous");
				}
			}
			q = r;
		} else {
			q = ondernummers(s, len, p, &k, true);
		}
		n = q;
		if (k.n_nrs == 0)
			return VP_OK;
		/* must end the token: no "-", "/" or alnum after it */
		if (prs_isalnum(prs_at(s, len, n)) || prs_dash(s, len, n) ||
		    prs_at(s, len, n) == '/')
			return VP_OK;
		*end = n;
		return emit_kst(ctx, &k, i, n, 0.9,
		    "compact dossier-number form without Kamerstuk label");
	}
	/* bare "(25026, nr. 1)" / "35746, nr. 3"; in brackets also the Eerste
	 * Kamer's "(35.420, C)" and joint "(36.200 VII / 36.200 IV, F)" */
	{
		size_t q = toevoeging(s, len, p, &k, &spaced, &num);
		double conf = paren ? 1.0 : 0.8;
		const char *reason =
		    paren ? NULL : "bare dossier and number without label";
		char nr[12];
		if (spaced && (!paren || !k.toev[0]))
			return VP_OK;
		q = prs_ws(s, len, q);
		if (paren && prs_at(s, len, q) == '/') {
			struct kst o;
			size_t r = prs_ws(s, len, q + 1), m;
			kst_reset(&o);
			if (!(m = dossier_at(s, len, r, false, o.dossier)))
				return VP_OK;
			q = prs_ws(s, len,
			    toevoeging(s, len, r + m, &o, &spaced, &num));
			conf = 0.9;
			reason = "joint paper of two dossiers: id under the "
			         "first";
		}
		if (prs_at(s, len, q) != ',')
			return VP_OK;
		q = prs_ws(s, len, q + 1);
		if (paren && !prs_nr_label(s, len, q, &plural) &&
		    prs_isupper(prs_at(s, len, q)) &&
		    (n = ondernr_at(s, len, q, 5, true, false, nr))) {
			size_t r = prs_ws(s, len, q + n);
			if (prs_at(s, len, r) != ')')
				return VP_OK;
			add_nr(&k, nr);
			*end = r + 1;
			return emit_kst(ctx, &k, i, r + 1, 0.9,
			    reason ? reason
			           : "dossier and Eerste Kamer letter in "
			             "brackets without label");
		}
		if (!prs_nr_label(s, len, q, &plural))
			return VP_OK;
		q = ondernummers(s, len, q, &k, false);
		if (!k.n_nrs)
			return VP_OK;
		q = prs_pageref(s, len, q, k.pages, sizeof k.pages);
		if (paren) {
			size_t r = prs_ws(s, len, q);
			if (prs_at(s, len, r) == ')')
				q = r + 1;
		}
		*end = q;
		return emit_kst(ctx, &k, i, q, conf, reason);
	}
}

/* An amendment or motion numbered before the citation of its dossier
 * (spec §2.2): "amendement nr. 12 (Kamerstukken II 2003/04, 29 200)". */
int prs_try_amendement(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n, q;
	struct kst k;
	char nr[12];
	bool plural;

	*end = i;
	/* "motie" is a common word: first the "n" of "nr." after it */
	for (j = i; j < len && j - i < 12 && prs_isalpha((unsigned char)s[j]);
	     j++)
		;
	if ((prs_at(s, len, prs_ws(s, len, j)) | 0x20) != 'n')
		return VP_OK;
	if (!(n = prs_word(s, len, i, "amendement")) &&
	    !(n = prs_word(s, len, i, "motie")))
		return VP_OK;
	j = prs_ws(s, len, i + n);
	if (!(n = prs_nr_label(s, len, j, &plural)) || plural)
		return VP_OK;
	j = prs_ws(s, len, j + n);
	if (!(n = ondernr_at(s, len, j, 5, false, false, nr)))
		return VP_OK;
	j = prs_ws(s, len, j + n);
	if (prs_at(s, len, j) != '(')
		return VP_OK;
	j = prs_ws(s, len, j + 1);
	kst_reset(&k);
	if ((n = prs_word(s, len, j, "kamerstukken")) ||
	    (n = prs_word(s, len, j, "kamerstuk"))) {
		j = prs_ws(s, len, j + n);
		if ((n = prs_chamber(s, len, j, &k.chamber)))
			j = prs_ws(s, len, j + n);
		if (prs_at(s, len, j) == ',')
			j = prs_ws(s, len, j + 1);
		if ((n = prs_vergaderjaar(s, len, j, k.vj8, &k.vj_repaired)))
			j = prs_ws(s, len, j + n);
		if (prs_at(s, len, j) == ',')
			j = prs_ws(s, len, j + 1);
	}
	if (!(q = dossier_part(s, len, j, &k, false)) || k.n_nrs)
		return VP_OK;
	q = prs_ws(s, len, q);
	if (prs_at(s, len, q) != ')')
		return VP_OK;
	add_nr(&k, nr);
	*end = q + 1;
	return emit_kst(ctx, &k, i, q + 1, 0.9,
	    "number written before the dossier (amendment or motion): "
	    "read as its ondernummer");
}

/* Motie numbering in Handelingen (spec §3): "Zij krijgt nr. 456
 * (36800-XVI)." and, in older Handelingen, "nr. 22(30196)": the ondernummer
 * comes first, the dossier follows in brackets. */
int prs_try_motie(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n, q;
	struct kst k;
	char nr[12];
	bool spaced, num;

	*end = i;
	if ((s[i] | 0x20) != 'n' || (prs_at(s, len, i + 1) | 0x20) != 'r')
		return VP_OK;
	j = i + 2;
	if (prs_at(s, len, j) == '.')
		j++;
	if ((q = prs_ws(s, len, j)) == j || q - j > 3)
		return VP_OK;
	/* the ondernummer, directly followed (at most one space) by "(" */
	if ((n = prs_ndigits(s, len, q, 4)) == 0 || n > 4 || s[q] == '0')
		return VP_OK;
	memcpy(nr, s + q, n);
	nr[n] = 0;
	j = q + n;
	if (prs_at(s, len, j) == ' ')
		j++;
	if (prs_at(s, len, j) != '(')
		return VP_OK;
	j++;
	kst_reset(&k);
	if (!(n = dossier_at(s, len, j, false, k.dossier)) || n != 5)
		return VP_OK; /* only the compact five-digit form */
	j += n;
	q = toevoeging(s, len, j, &k, &spaced, &num);
	if (spaced)
		return VP_OK;
	if (prs_at(s, len, q) != ')')
		return VP_OK;
	add_nr(&k, nr);
	*end = q + 1;
	return emit_kst(ctx, &k, i, q + 1, 0.9,
	    "motie numbering in Handelingen: nr. N (dossier)");
}

/* prs_wet.c - references to legislation (spec §8): "artikel 10, tweede lid,
 * aanhef en onder e, van de Wob" -> JCI 1.3 ids, one per article/lid/onder
 * combination. Law names come from the document's own definitions first
 * ("Wet politiegegevens (Wpg)", "(hierna: Awb)"), then from the law table;
 * ambiguous abbreviations are resolved only by a definition or by context
 * words of the document, else reported with their candidates. */
#include <string.h>
#include <strings.h>

#include "prs_internal.h"

#define MAX_ARTS 24
#define MAX_LIDS 8
#define MAX_OS   8
#define MAX_REFS 48

struct ref {
	char art[20];
	char lid[4];
	char o1[8], o2[8];
};

struct law {
	char bwb[24];
	char title[128];
	char written[64];
	const char *reason;
	const char *candidates; /* for ambiguous abbreviations */
	char cand_buf[256];
	double conf;
	bool resolved;
};

static const char *const ordinals[] = {"eerste", "tweede", "derde", "vierde",
    "vijfde", "zesde", "zevende", "achtste", "negende", "tiende", "elfde",
    "twaalfde", "dertiende", "veertiende", "vijftiende", "zestiende",
    "zeventiende", "achttiende", "negentiende", "twintigste"};

/* Ordinal at j ("tweede", "2e", "2de"): its value and length, 0 if none. */
static size_t ordinal(const char *s, size_t len, size_t j, int *val)
{
	size_t n, d;
	for (size_t k = 0; k < sizeof ordinals / sizeof *ordinals; k++)
		if ((n = prs_word(s, len, j, ordinals[k]))) {
			*val = (int)k + 1;
			return n;
		}
	d = prs_ndigits(s, len, j, 2);
	if (d >= 1 && d <= 2) {
		n = prs_word(s, len, j + d, "e");
		if (!n)
			n = prs_word(s, len, j + d, "de");
		if (n) {
			*val = (int)(s[j] - '0');
			if (d == 2)
				*val = *val * 10 + (s[j + 1] - '0');
			return d + n;
		}
	}
	return 0;
}

/* Article number: 25, 20a, 7.57H, 4:8, 2.130, 3.5.4, 13.1a, 16h. */
static size_t art_number(
    const char *s, size_t len, size_t j, char *out, size_t cap)
{
	size_t p = j, d;
	if (!(d = prs_ndigits(s, len, p, 5)) || d > 5 || s[p] == '0')
		return 0;
	p += d;
	for (int parts = 0; parts < 4; parts++) {
		unsigned char c = prs_at(s, len, p);
		if ((c == '.' || c == ':') &&
		    (d = prs_ndigits(s, len, p + 1, 4)) > 0 && d <= 4)
			p += 1 + d;
		else
			break;
	}
	if (prs_isalpha(prs_at(s, len, p)) &&
	    !prs_isalpha(prs_at(s, len, p + 1)))
		p++;
	if (prs_isalnum(prs_at(s, len, p)) || p - j >= cap)
		return 0;
	memcpy(out, s + j, p - j);
	out[p - j] = 0;
	return p - j;
}

/* Onderdeel: "b", "aa", "1°", "6º", "1". */
static size_t onderdeel(const char *s, size_t len, size_t j, char *out)
{
	size_t n = 0, d;
	if ((d = prs_ndigits(s, len, j, 2)) >= 1 && d <= 2) {
		n = d;
		if (prs_at(s, len, j + n) == 0xC2 &&
		    (prs_at(s, len, j + n + 1) == 0xB0 ||
		        prs_at(s, len, j + n + 1) == 0xBA))
			n += 2;
	} else {
		while (n < 2 && prs_at(s, len, j + n) >= 'a' &&
		       prs_at(s, len, j + n) <= 'z')
			n++;
		if (n == 0)
			return 0;
	}
	if (prs_isalnum(prs_at(s, len, j + n)))
		return 0;
	memcpy(out, s + j, n);
	out[n] = 0;
	return n;
}

/* ", aanhef en onder b en c", " sub b", " onder a, sub 1°". Appends the
 * first-level onderdelen to os and a nested one to *o2. */
static size_t onder_part(
    const char *s, size_t len, size_t j, char os[][8], size_t *n_os, char *o2)
{
	size_t p = prs_ws(s, len, j), n, q;
	char x[8];
	if (prs_at(s, len, p) == ',')
		p = prs_ws(s, len, p + 1);
	if ((n = prs_word(s, len, p, "aanhef"))) {
		p = prs_ws(s, len, p + n);
		if (prs_at(s, len, p) == ',')
			p = prs_ws(s, len, p + 1);
		if (!(n = prs_word(s, len, p, "en")))
			return j;
		p = prs_ws(s, len, p + n);
	}
	if (!(n = prs_word(s, len, p, "onder")) &&
	    !(n = prs_word(s, len, p, "onderdeel")) &&
	    !(n = prs_word(s, len, p, "sub")) &&
	    !(n = prs_word(s, len, p, "letter")))
		return j;
	p = prs_ws(s, len, p + n);
	if (!(n = onderdeel(s, len, p, x)))
		return j;
	strcpy(os[(*n_os)++], x);
	p += n;
	for (;;) {
		size_t r = prs_ws(s, len, p), sep;
		if (prs_at(s, len, r) == ',')
			sep = 1;
		else if (!(sep = prs_word(s, len, r, "en")) &&
		         !(sep = prs_word(s, len, r, "of")))
			break;
		q = prs_ws(s, len, r + sep);
		if ((n = prs_word(s, len, q, "sub")) && *n_os == 1) {
			q = prs_ws(s, len, q + n);
			if ((n = onderdeel(s, len, q, o2))) {
				p = q + n;
				continue;
			}
			break;
		}
		if (*n_os >= MAX_OS || !(n = onderdeel(s, len, q, x)) ||
		    prs_word(s, len, prs_ws(s, len, q + n), "lid"))
			break;
		strcpy(os[(*n_os)++], x);
		p = q + n;
	}
	return p;
}

static int atoi_n(const char *s, size_t n)
{
	int v = 0;
	for (size_t k = 0; k < n && k < 6; k++)
		v = v * 10 + (s[k] - '0');
	return v;
}

/* Whether s[0..n) contains w in any case. */
static bool has_word(const char *s, size_t n, const char *w)
{
	return prs_find_ci(s, n, w, strlen(w)) != NULL;
}

/* Lid part: ", lid 1", " lid 1 en 2", "lid 1 en lid 3", ", eerste lid",
 * ", eerste, tweede, en vijfde lid", "1e lid". */
static size_t lid_part(
    const char *s, size_t len, size_t j, int *lids, size_t *n_lids)
{
	size_t p = prs_ws(s, len, j), n, q;
	int v;
	if (prs_at(s, len, p) == ',')
		p = prs_ws(s, len, p + 1);
	if ((n = prs_word(s, len, p, "lid")) ||
	    (n = prs_word(s, len, p, "leden"))) {
		p = prs_ws(s, len, p + n);
		if (!(n = prs_ndigits(s, len, p, 2)) || n > 2 ||
		    prs_isalnum(prs_at(s, len, p + n)))
			return j;
		lids[(*n_lids)++] = atoi_n(s + p, n);
		p += n;
		for (;;) {
			size_t r = prs_ws(s, len, p), sep;
			if (prs_at(s, len, r) == ',')
				sep = 1;
			else if (!(sep = prs_word(s, len, r, "en")))
				break;
			q = prs_ws(s, len, r + sep);
			if ((n = prs_word(s, len, q, "lid")))
				q = prs_ws(s, len, q + n);
			if (*n_lids >= MAX_LIDS ||
			    !(n = prs_ndigits(s, len, q, 2)) || n > 2 ||
			    prs_isalnum(prs_at(s, len, q + n)))
				break;
			lids[(*n_lids)++] = atoi_n(s + q, n);
			p = q + n;
		}
		return p;
	}
	/* ordinals, then "lid"/"leden" */
	{
		int vals[MAX_LIDS];
		size_t nv = 0;
		q = p;
		while (nv < MAX_LIDS && (n = ordinal(s, len, q, &v))) {
			vals[nv++] = v;
			q = prs_ws(s, len, q + n);
			if (prs_at(s, len, q) == ',')
				q = prs_ws(s, len, q + 1);
			if ((n = prs_word(s, len, q, "en")))
				q = prs_ws(s, len, q + n);
		}
		if (!nv)
			return j;
		/* back up to after the last ordinal */
		if (!(n = prs_word(s, len, q, "lid")) &&
		    !(n = prs_word(s, len, q, "leden")))
			return j;
		for (size_t k = 0; k < nv && *n_lids < MAX_LIDS; k++)
			lids[(*n_lids)++] = vals[k];
		return q + n;
	}
}

static bool doc_search(const struct prs_ctx *ctx, const char *w)
{
	if (ctx->segs) {
		for (size_t k = 0; k < ctx->n_segs; k++) {
			const char *t = ctx->segs[k].text;
			if (t && has_word(t, strlen(t), w))
				return true;
		}
		return false;
	}
	return has_word(ctx->doc, ctx->doc_len, w);
}

/* Whether the document contains w, searched once per document: asking for
 * every citation would make a document full of "art. 1 Wpg" quadratic. */
static bool doc_has(struct prs_ctx *ctx, const char *w)
{
	bool found;
	for (size_t k = 0; k < ctx->n_has; k++)
		if (!strcmp(ctx->has[k].w, w))
			return ctx->has[k].found;
	found = doc_search(ctx, w);
	if (ctx->n_has < PRS_MAX_HAS && strlen(w) < sizeof ctx->has[0].w) {
		strcpy(ctx->has[ctx->n_has].w, w);
		ctx->has[ctx->n_has++].found = found;
	}
	return found;
}

/* The distinctive word of a title: its longest word, cut to 7 letters
 * ("politiegegevens" -> "politie", "gezondheid" -> "gezondh"). */
static void stem(const char *title, char out[8])
{
	const char *best = "", *p = title;
	size_t bl = 0;
	while (*p) {
		size_t n = strcspn(p, " -");
		if (n > bl && strncasecmp(p, "wet", 3) != 0) {
			best = p;
			bl = n;
		}
		p += n;
		p += strspn(p, " -");
	}
	if (bl > 7)
		bl = 7;
	memcpy(out, best, bl);
	out[bl] = 0;
}

/* Picks the row of an ambiguous key by context words; -1 when none or more
 * than one candidate's word occurs in the document. Cached per key. */
static long by_context(
    struct prs_ctx *ctx, const char *key, size_t lo, size_t hi)
{
	long pick = -1;
	int hits = 0;
	for (size_t k = 0; k < ctx->n_ambig; k++)
		if (!strcmp(ctx->ambig[k].key, key))
			return ctx->ambig[k].pick;
	for (size_t r = lo; r < hi; r++) {
		char w[8];
		stem(ctx->laws->v[r].title, w);
		if (strlen(w) >= 5 && doc_has(ctx, w)) {
			if (pick < 0 ||
			    strcmp(ctx->laws->v[pick].bwb, ctx->laws->v[r].bwb))
				hits++;
			pick = (long)r;
		}
	}
	if (hits != 1)
		pick = -1;
	if (ctx->n_ambig < PRS_MAX_AMBIG && strlen(key) < 24) {
		strcpy(ctx->ambig[ctx->n_ambig].key, key);
		ctx->ambig[ctx->n_ambig++].pick = pick;
	}
	return pick;
}

/* Longest law name at j (table key or document definition). Fills *L and
 * returns the length in the original bytes, 0 if none. */
static size_t law_at(struct prs_ctx *ctx, size_t j, struct law *L)
{
	const char *s = ctx->s;
	size_t len = ctx->len, map[128], n, best = 0, lo = 0, hi = 0;
	char buf[128], key[128];
	unsigned char c = prs_at(s, len, j);
	if (!prs_isupper(c))
		return 0;
	memset(L, 0, sizeof *L);
	/* document definitions: exact case, whole word */
	for (size_t k = 0; k < ctx->n_defs; k++) {
		size_t al = strlen(ctx->defs[k].abbr);
		if (j + al <= len && !memcmp(s + j, ctx->defs[k].abbr, al) &&
		    !prs_isalnum(prs_at(s, len, j + al)) && al > best) {
			best = al;
			prs_fmt(L->bwb, sizeof L->bwb, "%s", ctx->defs[k].bwb);
			prs_fmt(L->title, sizeof L->title, "%s",
			    ctx->defs[k].title);
			L->resolved = L->bwb[0] != 0;
			L->conf = L->resolved ? 1.0 : 0.5;
			L->reason = L->resolved ? NULL
			                        : "law defined in the document "
			                          "but not in the law table";
		}
	}
	n = prs_law_norm(
	    s + j, len - j < 120 ? len - j : 120, buf, sizeof buf, map);
	for (size_t e = n; e > 0; e--) {
		size_t orig;
		if (e < n && buf[e] != ' ' && buf[e] != ',' && buf[e] != ';' &&
		    buf[e] != '.' && buf[e] != ')' && buf[e] != '(')
			continue;
		if (!prs_isalnum((unsigned char)buf[e - 1]))
			continue;
		orig = map[e - 1] - 0;
		if (orig <= best)
			break;
		if (prs_isalnum(prs_at(s, len, j + orig)))
			continue;
		memcpy(key, buf, e);
		key[e] = 0;
		if (prs_laws_find(ctx->laws, key, &lo, &hi)) {
			const struct prs_law *r = &ctx->laws->v[lo];
			best = orig;
			L->conf = 1.0;
			L->reason = NULL;
			L->resolved = true;
			if (r->ambiguous) {
				long pick = by_context(ctx, key, lo, hi);
				if (pick >= 0) {
					r = &ctx->laws->v[pick];
					L->conf = 0.8;
					L->reason = "ambiguous abbreviation "
					            "resolved by context words";
				} else {
					size_t o = 0;
					L->resolved = false;
					L->conf = 0.4;
					L->reason = "ambiguous abbreviation: "
					            "needs a local definition";
					for (size_t q = lo; q < hi; q++)
						o += (size_t)prs_fmt(
						    L->cand_buf + o,
						    o < sizeof L->cand_buf
						        ? sizeof L->cand_buf - o
						        : 0,
						    "%s%s %s",
						    q > lo ? "; " : "",
						    ctx->laws->v[q].bwb,
						    ctx->laws->v[q].title);
					L->candidates = L->cand_buf;
				}
			}
			prs_fmt(L->bwb, sizeof L->bwb, "%s",
			    L->resolved ? r->bwb : "");
			prs_fmt(L->title, sizeof L->title, "%s", r->title);
			break;
		}
	}
	if (best)
		prs_fmt(L->written, sizeof L->written, "%.*s",
		    (int)(best < 63 ? best : 63), s + j);
	return best;
}

/* A law title missing from the table: "Wet herstel voorzieningen Sint
 * Eustatius", "Reglement van Orde van de Eerste Kamer der Staten-Generaal".
 * Runs to the next punctuation or line end, at most 120 bytes. */
static size_t unknown_title(const char *s, size_t len, size_t j)
{
	static const char *const heads[] = {"Wet", "Wetboek", "Reglement",
	    "Besluit", "Regeling", "Verdrag", "Rijkswet", "Algemene"};
	size_t p = j, last = 0;
	bool ok = false;
	for (size_t k = 0; k < sizeof heads / sizeof *heads; k++)
		if (prs_word(s, len, j, heads[k]) &&
		    !strncmp(s + j, heads[k], strlen(heads[k])))
			ok = true;
	if (!ok)
		return 0;
	while (p < len && p - j < 120) {
		unsigned char c = (unsigned char)s[p];
		if (c == ',' || c == ';' || c == '.' || c == '(' || c == ')' ||
		    c == '\n' || c == ':' || c == '"')
			break;
		if (prs_word(s, len, p, "en") && p > j && s[p - 1] == ' ')
			break;
		p++;
		if (prs_isalnum(c))
			last = p;
	}
	return last > j ? last - j : 0;
}

/* Unknown abbreviation after an article: ARW, RWN (2-6 capitals). */
static size_t unknown_abbr(const char *s, size_t len, size_t j)
{
	size_t n = 0;
	while (n < 7 && prs_isupper(prs_at(s, len, j + n)))
		n++;
	if (n < 2 || n > 6 || prs_isalnum(prs_at(s, len, j + n)))
		return 0;
	return n;
}

static int emit_refs(struct prs_ctx *ctx, const struct law *L,
    const struct ref *refs, size_t n, size_t start, size_t end)
{
	for (size_t k = 0; k < n; k++) {
		struct prs_cit c = {0};
		char id[320], url[400], loc[96], book_key[40], lid[8];
		const struct ref *r = &refs[k];
		const char *art = r->art, *bwb = L->bwb;
		size_t lo, hi;
		int rv;
		/* BW: "6:162 BW" is article 162 of Boek 6 (own BWB id) */
		if ((!strcasecmp(L->written, "BW") ||
		        !strcasecmp(L->title, "Burgerlijk Wetboek")) &&
		    strchr(art, ':')) {
			prs_fmt(book_key, sizeof book_key, "bw boek %.*s",
			    (int)(strchr(art, ':') - art), art);
			for (char *p = book_key; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p + 32);
			if (ctx->laws &&
			    prs_laws_find(ctx->laws, book_key, &lo, &hi)) {
				bwb = ctx->laws->v[lo].bwb;
				art = strchr(art, ':') + 1;
			}
		}
		prs_fmt(lid, sizeof lid, "%s", r->lid);
		/* bounded by struct ref: 8 + 19 + 5 + 7 + 3 + 7 + 3 + 7 bytes
		 */
		prs_fmt(loc, sizeof loc, "artikel=%.19s%s%.7s%s%.7s%s%.7s", art,
		    lid[0] ? "&lid=" : "", lid, r->o1[0] ? "&o=" : "", r->o1,
		    r->o2[0] ? "&o=" : "", r->o2);
		c.family = "wet";
		c.start = start;
		c.end = end;
		c.confidence = L->conf;
		c.reason = L->reason;
		if (bwb[0] && (L->resolved || bwb != L->bwb)) {
			prs_fmt(id, sizeof id, "jci1.3:c:%s&%s", bwb, loc);
			prs_fmt(url, sizeof url,
			    "https://wetten.overheid.nl/%s", id);
			c.url = url;
			if (!strncmp(bwb, "CELEX:", 6)) {
				prs_fmt(id, sizeof id, "%s&%s", bwb, loc);
				prs_fmt(url, sizeof url,
				    "https://eur-lex.europa.eu/legal-content/"
				    "NL/TXT/?uri=%s",
				    bwb);
			}
		} else {
			prs_fmt(id, sizeof id, "wet:%s&%s",
			    L->title[0] ? L->title : L->written, loc);
			prs_cit_field(&c, "lookup", "law");
		}
		c.id = id;
		prs_cit_field(&c, "bwb", bwb);
		prs_cit_field(&c, "law", L->written);
		prs_cit_field(&c, "title", L->title);
		prs_cit_field(&c, "candidates", L->candidates);
		prs_cit_field(&c, "artikel", art);
		prs_cit_field(&c, "lid", lid);
		prs_cit_field(&c, "onder", r->o1);
		prs_cit_field(&c, "sub", r->o2);
		if ((rv = prs_emit(ctx, &c)) != VP_OK)
			return rv;
	}
	return VP_OK;
}

/* Letter range "16h t/m 16m": same base, letters h..m. */
static size_t expand_range(char arts[][20], size_t n_arts, const char *to)
{
	char from[20];
	size_t fl, tl = strlen(to);
	memcpy(from, arts[n_arts - 1], sizeof from);
	fl = strlen(from);
	if (fl == tl && fl > 1 && !strncmp(from, to, fl - 1) &&
	    prs_isalpha((unsigned char)from[fl - 1]) &&
	    to[tl - 1] > from[fl - 1] && to[tl - 1] - from[fl - 1] < 26) {
		for (char c = (char)(from[fl - 1] + 1);
		     c <= to[tl - 1] && n_arts < MAX_ARTS; c++) {
			prs_fmt(
			    arts[n_arts], 20, "%.*s%c", (int)(fl - 1), from, c);
			n_arts++;
		}
		return n_arts;
	}
	if (prs_isdigit((unsigned char)from[0]) &&
	    strspn(from, "0123456789") == fl &&
	    strspn(to, "0123456789") == tl) {
		int a = atoi_n(from, fl), b = atoi_n(to, tl);
		if (b > a && b - a <= 20)
			for (int x = a + 1; x <= b && n_arts < MAX_ARTS; x++)
				prs_fmt(arts[n_arts++], 20, "%d", x);
		return n_arts;
	}
	if (n_arts < MAX_ARTS)
		prs_fmt(arts[n_arts++], 20, "%s", to);
	return n_arts;
}

int prs_try_wet(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n, p;
	bool plural = false;
	char arts[MAX_ARTS][20];
	struct {
		int lids[MAX_LIDS];
		size_t n_lids;
		char os[MAX_OS][8];
		size_t n_os;
		char o2[8];
		int extra_lid;
	} q[MAX_ARTS];
	size_t n_arts = 0;
	struct ref refs[MAX_REFS];
	size_t n_refs = 0;
	struct law L;
	char book[4] = "";

	*end = i;
	if ((n = prs_word(s, len, i, "artikelen")) ||
	    (n = prs_word(s, len, i, "artt")))
		plural = true;
	else if (!(n = prs_word(s, len, i, "artikel")) &&
	         !(n = prs_word(s, len, i, "art")))
		return VP_OK;
	j = i + n;
	if (prs_at(s, len, j) == '.')
		j++;
	j = prs_ws(s, len, j);
	memset(q, 0, sizeof q);
	for (;;) {
		size_t m;
		if (!(m = art_number(s, len, j, arts[n_arts], sizeof arts[0])))
			break;
		j += m;
		p = lid_part(s, len, j, q[n_arts].lids, &q[n_arts].n_lids);
		p = onder_part(
		    s, len, p, q[n_arts].os, &q[n_arts].n_os, q[n_arts].o2);
		/* "(en derde lid)" */
		{
			size_t r = prs_ws(s, len, p), t;
			int v;
			if (prs_at(s, len, r) == '(' &&
			    (t = prs_word(
			         s, len, prs_ws(s, len, r + 1), "en"))) {
				size_t u =
				    prs_ws(s, len, prs_ws(s, len, r + 1) + t);
				if ((t = ordinal(s, len, u, &v))) {
					u = prs_ws(s, len, u + t);
					if ((t = prs_word(s, len, u, "lid")) &&
					    prs_at(s, len,
					        prs_ws(s, len, u + t)) == ')') {
						q[n_arts].extra_lid = v;
						p = prs_ws(s, len, u + t) + 1;
					}
				}
			}
		}
		j = p;
		n_arts++;
		if (n_arts >= MAX_ARTS)
			break;
		/* next article of a list or range */
		p = prs_ws(s, len, j);
		{
			size_t sep = 0;
			bool range = false;
			if ((sep = prs_word(s, len, p, "t/m")) ||
			    (sep = prs_word(s, len, p, "tot en met")))
				range = true;
			else if (prs_at(s, len, p) == ',' && plural) {
				sep = 1;
				size_t r = prs_ws(s, len, p + 1);
				if ((m = prs_word(s, len, r, "en")))
					sep = r + m - p;
			} else if ((sep = prs_word(s, len, p, "en")) &&
			           plural) {
			} else {
				sep = 0;
			}
			if (!sep)
				break;
			p = prs_ws(s, len, p + sep);
			if (range) {
				char to[20];
				if (!(m = art_number(s, len, p, to, sizeof to)))
					break;
				n_arts = expand_range(arts, n_arts, to);
				j = p + m;
				break;
			}
			if (!prs_isdigit(prs_at(s, len, p)))
				break;
			j = p;
		}
	}
	if (!n_arts)
		return VP_OK;
	/* law: [","] ["van" ("de"|"het"|"der")["."]] name; or "van boek N" */
	p = prs_ws(s, len, j);
	if (prs_at(s, len, p) == ',')
		p = prs_ws(s, len, p + 1);
	if ((n = prs_word(s, len, p, "van"))) {
		size_t r = prs_ws(s, len, p + n);
		if ((n = prs_word(s, len, r, "boek"))) {
			size_t b = prs_ws(s, len, r + n), d;
			if ((d = prs_ndigits(s, len, b, 2)) >= 1 && d <= 2) {
				prs_fmt(
				    book, sizeof book, "%.*s", (int)d, s + b);
				r = prs_ws(s, len, b + d);
				if ((n = prs_word(s, len, r, "van")))
					r = prs_ws(s, len, r + n);
			}
		}
		if ((n = prs_word(s, len, r, "de")) ||
		    (n = prs_word(s, len, r, "het")) ||
		    (n = prs_word(s, len, r, "der"))) {
			r += n;
			if (prs_at(s, len, r) == '.')
				r++;
			r = prs_ws(s, len, r);
		}
		p = r;
	}
	if ((n = law_at(ctx, p, &L))) {
		p += n;
	} else if ((n = unknown_title(s, len, p)) ||
	           (n = unknown_abbr(s, len, p))) {
		memset(&L, 0, sizeof L);
		prs_fmt(L.title, sizeof L.title, "%.*s",
		    (int)(n < 127 ? n : 127), s + p);
		for (char *c = L.title; *c; c++)
			if (*c == '\n' || *c == '\r' || *c == '\t')
				*c = ' ';
		prs_fmt(L.written, sizeof L.written, "%.63s", L.title);
		L.conf = 0.5;
		L.reason = "law not in the law table: needs a title lookup";
		p += n;
	} else {
		return VP_OK;
	}
	if (book[0]) {
		/* "Artikel 1 van boek 5 van het Burgerlijk Wetboek" */
		for (size_t a = 0; a < n_arts; a++) {
			char t[40];
			prs_fmt(t, sizeof t, "%.3s:%.19s", book, arts[a]);
			prs_fmt(arts[a], sizeof arts[a], "%.19s", t);
		}
		if (!strcasecmp(L.title, "Burgerlijk Wetboek") ||
		    !strncasecmp(L.written, "Burgerlijk Wetboek", 18))
			prs_fmt(L.title, sizeof L.title, "Burgerlijk Wetboek");
	}
	for (size_t a = 0; a < n_arts && n_refs < MAX_REFS; a++) {
		size_t nl = q[a].n_lids ? q[a].n_lids : 1;
		size_t no = q[a].n_os ? q[a].n_os : 1;
		for (size_t l = 0; l < nl; l++)
			for (size_t o = 0; o < no && n_refs < MAX_REFS; o++) {
				struct ref *r = &refs[n_refs++];
				memset(r, 0, sizeof *r);
				prs_fmt(
				    r->art, sizeof r->art, "%.19s", arts[a]);
				if (q[a].n_lids)
					prs_fmt(r->lid, sizeof r->lid, "%d",
					    q[a].lids[l] % 100);
				if (q[a].n_os) {
					prs_fmt(r->o1, sizeof r->o1, "%.7s",
					    q[a].os[o]);
					prs_fmt(r->o2, sizeof r->o2, "%.7s",
					    q[a].o2);
				}
			}
		if (q[a].extra_lid && n_refs < MAX_REFS) {
			struct ref *r = &refs[n_refs++];
			memset(r, 0, sizeof *r);
			prs_fmt(r->art, sizeof r->art, "%.19s", arts[a]);
			prs_fmt(
			    r->lid, sizeof r->lid, "%d", q[a].extra_lid % 100);
		}
	}
	*end = p;
	return emit_refs(ctx, &L, refs, n_refs, i, p);
}

/* ---- definitions ---- */

static void add_def(struct prs_ctx *ctx, const char *abbr, size_t an,
    const char *bwb, const char *title, size_t tn)
{
	struct prs_def *d;
	if (an == 0 || an >= sizeof d->abbr)
		return;
	for (size_t k = 0; k < ctx->n_defs; k++)
		if (strlen(ctx->defs[k].abbr) == an &&
		    !memcmp(ctx->defs[k].abbr, abbr, an))
			return; /* first definition wins */
	if (ctx->n_defs >= PRS_MAX_DEFS)
		return;
	d = &ctx->defs[ctx->n_defs++];
	memcpy(d->abbr, abbr, an);
	d->abbr[an] = 0;
	prs_fmt(d->bwb, sizeof d->bwb, "%s", bwb);
	prs_fmt(d->title, sizeof d->title, "%.*s",
	    (int)(tn < sizeof d->title ? tn : sizeof d->title - 1), title);
}

/* The law title that ends right before position e (exclusive, spaces
 * skipped): tries up to 9 preceding words, longest first. */
static void def_before(
    struct prs_ctx *ctx, const char *s, size_t e, const char *abbr, size_t an)
{
	size_t starts[9], ns = 0, p = e, lo, hi;
	char buf[160];
	while (p > 0 && s[p - 1] == ' ')
		p--;
	e = p;
	while (p > 0 && ns < 9 && e - p < 140) {
		while (p > 0 && s[p - 1] != ' ' && s[p - 1] != '\n' &&
		       s[p - 1] != '(' && s[p - 1] != ',' && s[p - 1] != ';')
			p--;
		starts[ns++] = p;
		if (p == 0 || s[p - 1] != ' ')
			break;
		while (p > 0 && s[p - 1] == ' ')
			p--;
	}
	for (size_t k = ns; k-- > 0;) {
		size_t b = starts[k];
		if (!prs_isupper((unsigned char)s[b]))
			continue;
		prs_law_norm(s + b, e - b, buf, sizeof buf, NULL);
		if (ctx->laws && prs_laws_find(ctx->laws, buf, &lo, &hi) &&
		    !ctx->laws->v[lo].ambiguous) {
			add_def(ctx, abbr, an, ctx->laws->v[lo].bwb,
			    ctx->laws->v[lo].title,
			    strlen(ctx->laws->v[lo].title));
			return;
		}
	}
	for (size_t k = ns; k-- > 0;) {
		size_t b = starts[k];
		if (!strncmp(s + b, "Wet ", 4) ||
		    !strncmp(s + b, "Wetboek ", 8)) {
			add_def(ctx, abbr, an, "", s + b, e - b);
			return;
		}
	}
}

void prs_find_defs(struct prs_ctx *ctx, const char *s, size_t len)
{
	const char *p = s, *endp;
	if (!s || !len)
		return; /* empty text (NULL is allowed with len 0) */
	endp = s + len;
	while ((p = memchr(p, '(', (size_t)(endp - p))) != NULL) {
		size_t i = (size_t)(p - s), j = i + 1, n, a;
		p++;
		if ((n = prs_word(s, len, j, "hierna"))) {
			j += n;
			if (prs_at(s, len, j) == ':')
				j++;
			j = prs_ws(s, len, j);
		}
		if (!prs_isupper(prs_at(s, len, j)))
			continue;
		a = 0;
		while (
		    a < 16 && (prs_isalnum(prs_at(s, len, j + a)) ||
		                  (prs_at(s, len, j + a) == ' ' &&
		                      prs_isdigit(prs_at(s, len, j + a + 1)))))
			a++;
		if (a < 2 || a > 15 || prs_at(s, len, j + a) != ')')
			continue;
		/* an abbreviation has a capital after its first letter or is
		 * short ("Awb", "Wpg", "AVG", "Aw 2012") */
		def_before(ctx, s, i, s + j, a);
	}
}

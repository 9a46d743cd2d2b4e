/* test_bwbimport.c - unit tests of the BWBIdList.xml importer: the table a
 * user gets from a small file in KOOP's schema, and a clear error (with the
 * current table left alone) for every kind of bad or hostile file. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "prs_bwbimport.h"
#include "vp_err.h"

static const char expected_sample[] =
    "bwb_id\tsoort\tciteertitel\tintitule\taliases\n"
    "BWBR0001840\twet\tGrondwet\tGrondwet\tGw\n"
    "BWBR0001854\twet\t\tWetboek van Strafrecht\tSr|WvSr|Wetboek van "
    "Strafrecht\n"
    "BWBR0005537\twet\tAlgemene wet bestuursrecht\tWet van 4 juni 1992, "
    "houdende algemene regels van bestuursrecht\tAwb|AWB\n"
    "BWBR0014194\twet\tWet justitiële en strafvorderlijke gegevens\tWet van "
    "7 november 2002, houdende regels met betrekking tot justitiële "
    "gegevens\tWet justitiële gegevens|Wjsg|Wjg\n"
    "BWBR0022463\twet\tWet politiegegevens\tWet van 21 juli 2007, houdende "
    "regels inzake de verwerking van politiegegevens (Wet "
    "politiegegevens)\tWpg|Wet politiegegevens / Wpg\n"
    "BWBR0037885\twet\tOmgevingswet\tWet van 23 maart 2016, houdende regels "
    "over het beschermen en benutten van de fysieke leefomgeving "
    "(Omgevingswet)\tOw\n"
    "BWBR0045754\twet\tWet open overheid\tWet van 18 juli 2021, houdende "
    "regels over de openbaarheid van publieke informatie (Wet open "
    "overheid)\tWoo\n"
    "BWBV0001000\tverdrag\tEuropees Verdrag tot bescherming van de rechten "
    "van de mens en de fundamentele vrijheden\tVerdrag tot bescherming van "
    "de rechten van de mens en de fundamentele vrijheden\tEuropees Verdrag "
    "voor de Rechten van de Mens|EVRM\n";

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void spit(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

#define FAILS(lit, rv) fails(lit, sizeof lit - 1, rv)

/* Imports xml and expects failure with rv; returns the message. */
static const char *fails(const char *xml, size_t len, int rv)
{
	static char err[256];
	char *out = (char *)"untouched";
	size_t out_len = 99;
	assert_int_equal(
	    prs_bwbimport(xml, len, &out, &out_len, err, sizeof err), rv);
	assert_null(out);
	assert_int_equal(out_len, 0);
	assert_true(err[0] != 0);
	assert_null(strchr(err, '\n'));
	return err;
}

/* Imports xml and expects success; the table is the caller's. */
static char *imports(const char *xml)
{
	char err[256], *out = NULL;
	size_t out_len = 0;
	int rv =
	    prs_bwbimport(xml, strlen(xml), &out, &out_len, err, sizeof err);
	if (rv != VP_OK)
		fail_msg("import failed: %s", err);
	assert_int_equal(strlen(out), out_len);
	return out;
}

static void test_sample(void **state)
{
	size_t len;
	char *xml = slurp(VP_BWB_FIXTURE, &len), *out = NULL, err[256];
	size_t out_len = 0;
	(void)state;
	assert_int_equal(
	    prs_bwbimport(xml, len, &out, &out_len, err, sizeof err), VP_OK);
	assert_string_equal(out, expected_sample);
	assert_int_equal(out_len, strlen(expected_sample));
	free(out);
	free(xml);
}

static void test_malformed(void **state)
{
	static const char xml[] = "<regelingInfoLijst>\n<regelingInfo>\n"
	                          "<bwbId>BWBR0005537</bwbid>\n</"
	                          "regelingInfo>\n</regelingInfoLijst>\n";
	const char *err;
	(void)state;
	err = fails(xml, sizeof xml - 1, VP_EINVAL);
	assert_non_null(strstr(err, "line 3"));
	/* cut off in the middle */
	fails(xml, 40, VP_EINVAL);
	/* not XML at all */
	FAILS("bwb_id\tsoort\n", VP_EINVAL);
	/* a second root after the first */
	err = FAILS("<a><regelingInfo><bwbId>BWBR0005537</bwbId></regelingInfo>"
	            "</a><b/>",
	    VP_EINVAL);
	/* a prefix that was never declared */
	FAILS("<ns2:regelingInfo><ns2:bwbId>BWBR0005537</ns2:bwbId>"
	      "</ns2:regelingInfo>",
	    VP_EINVAL);
	/* a regulation inside a regulation */
	err = FAILS("<l><regelingInfo><regelingInfo><bwbId>BWBR0005537</bwbId>"
	            "</regelingInfo></regelingInfo></l>",
	    VP_EINVAL);
	assert_non_null(strstr(err, "regelingInfo inside regelingInfo"));
}

/* "Billion laughs": ten levels of ten references each would be 10^9
 * copies. It must be refused at once, without expanding anything. */
static void test_entity_expansion(void **state)
{
	char xml[2048];
	size_t n = 0;
	const char *err;
	(void)state;
	n += (size_t)snprintf(xml + n, sizeof xml - n,
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
	    "<!ENTITY lol0 \"lol\">\n");
	for (int k = 1; k < 10; k++) {
		n += (size_t)snprintf(
		    xml + n, sizeof xml - n, "<!ENTITY lol%d \"", k);
		for (int q = 0; q < 10; q++)
			n += (size_t)snprintf(
			    xml + n, sizeof xml - n, "&lol%d;", k - 1);
		n += (size_t)snprintf(xml + n, sizeof xml - n, "\">\n");
	}
	n += (size_t)snprintf(xml + n, sizeof xml - n,
	    "]>\n<regelingInfoLijst><regelingInfo><bwbId>BWBR0005537</bwbId>"
	    "<officieleTitel>&lol9;</officieleTitel></regelingInfo>"
	    "</regelingInfoLijst>\n");
	assert_true(n < sizeof xml);
	err = fails(xml, n, VP_EINVAL);
	assert_non_null(strstr(err, "DOCTYPE"));
}

/* An external entity must be neither read nor expanded: the file it names
 * holds a marker that must not appear anywhere in the result. */
static void test_external_entity(void **state)
{
	char dir[] = "/tmp/vp-bwbimport-XXXXXX", secret[64], xml[1024];
	const char *err;
	int n;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(secret, sizeof secret, "%s/secret.txt", dir);
	spit(secret, "GEHEIM-7731", 11);
	n = snprintf(xml, sizeof xml,
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE regelingInfoLijst [\n"
	    "<!ENTITY geheim SYSTEM \"file://%s\">\n]>\n"
	    "<regelingInfoLijst><regelingInfo><bwbId>BWBR0005537</bwbId>"
	    "<officieleTitel>&geheim;</officieleTitel></regelingInfo>"
	    "</regelingInfoLijst>\n",
	    secret);
	err = fails(xml, (size_t)n, VP_EINVAL);
	assert_null(strstr(err, "GEHEIM"));
	assert_non_null(strstr(err, "DOCTYPE"));
	/* an external DTD subset is not fetched either */
	n = snprintf(xml, sizeof xml,
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE regelingInfoLijst SYSTEM \"file://%s\">\n"
	    "<regelingInfoLijst><regelingInfo><bwbId>BWBR0005537</bwbId>"
	    "</regelingInfo></regelingInfoLijst>\n",
	    secret);
	err = fails(xml, (size_t)n, VP_EINVAL);
	assert_null(strstr(err, "GEHEIM"));
	/* without a DOCTYPE a reference names nothing */
	FAILS("<l><regelingInfo><bwbId>BWBR0005537</bwbId><officieleTitel>"
	      "&geheim;</officieleTitel></regelingInfo></l>",
	    VP_EINVAL);
	assert_int_equal(unlink(secret), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void test_not_utf8(void **state)
{
	static const char latin1[] =
	    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<l>\n"
	    "<regelingInfo><bwbId>BWBR0002629</bwbId>"
	    "<officieleTitel>Wet op de omzetbelasting 1968 "
	    "\xe9</officieleTitel>"
	    "</regelingInfo></l>\n";
	static const char *const bad[] = {
	    "\xc0\xaf",         /* overlong '/' */
	    "\xed\xa0\x80",     /* a UTF-16 surrogate */
	    "\xf4\x90\x80\x80", /* past U+10FFFF */
	    "\xe2\x82",         /* cut short */
	    "\xff",
	};
	const char *err;
	(void)state;
	err = fails(latin1, sizeof latin1 - 1, VP_EINVAL);
	assert_non_null(strstr(err, "not UTF-8"));
	assert_non_null(strstr(err, "line 3"));
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		char xml[256];
		int n = snprintf(xml, sizeof xml,
		    "<l><regelingInfo><bwbId>BWBR0005537</"
		    "bwbId><officieleTitel>"
		    "Awb %s</officieleTitel></regelingInfo></l>",
		    bad[k]);
		err = fails(xml, (size_t)n, VP_EINVAL);
		assert_non_null(strstr(err, "not UTF-8"));
	}
	/* a NUL byte (UTF-16 text looks like this) */
	FAILS("<l>\0</l>", VP_EINVAL);
}

static void test_empty_list(void **state)
{
	const char *err;
	(void)state;
	err = FAILS(
	    "<regelingInfoLijst gegenereerdOp=\"2026-11-30\"/>", VP_EINVAL);
	assert_non_null(strstr(err, "no regelingInfo with a valid bwbId"));
	FAILS("", VP_EINVAL);
	/* entries, but none with an id the table can use */
	FAILS("<l><regelingInfo><bwbId>BWBR000553</bwbId></regelingInfo>"
	      "<regelingInfo><bwbId>bwbr0005537</bwbId></regelingInfo>"
	      "<regelingInfo><bwbId>BWBR00055370</bwbId></regelingInfo>"
	      "<regelingInfo><officieleTitel>Awb</officieleTitel>"
	      "</regelingInfo></l>",
	    VP_EINVAL);
}

static void test_too_large(void **state)
{
	size_t len = (size_t)PRS_BWB_MAX_INPUT + 1;
	/* reserved, never touched: the size alone must be refused */
	char *xml =
	    mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	const char *err;
	(void)state;
	assert_true(xml != MAP_FAILED);
	err = fails(xml, len, VP_ETOOLARGE);
	assert_non_null(strstr(err, "256 MiB"));
	munmap(xml, len);
}

/* A list of n regulations with distinct ids. */
static char *list_of(size_t n, size_t *len)
{
	static const char row[] =
	    "<regelingInfo><bwbId>BWBR%07zu</bwbId></regelingInfo>\n";
	size_t cap = 64 + n * (sizeof row + 8), o = 0;
	char *xml = malloc(cap);
	assert_non_null(xml);
	o += (size_t)snprintf(xml, cap, "<regelingInfoLijst>\n");
	for (size_t k = 0; k < n; k++)
		o += (size_t)snprintf(xml + o, cap - o, row, k);
	o += (size_t)snprintf(xml + o, cap - o, "</regelingInfoLijst>\n");
	*len = o;
	return xml;
}

static void test_row_limit(void **state)
{
	size_t len, out_len = 0, lines = 0;
	char *xml = list_of(PRS_BWB_MAX_ROWS, &len), *out = NULL, err[256];
	const char *msg;
	(void)state;
	assert_int_equal(
	    prs_bwbimport(xml, len, &out, &out_len, err, sizeof err), VP_OK);
	for (size_t k = 0; k < out_len; k++)
		lines += out[k] == '\n';
	assert_int_equal(lines, PRS_BWB_MAX_ROWS + 1);
	free(out);
	free(xml);
	xml = list_of(PRS_BWB_MAX_ROWS + 1, &len);
	msg = fails(xml, len, VP_ETOOLARGE);
	assert_non_null(strstr(msg, "more than 200000 regulations"));
	free(xml);
}

static void test_fields(void **state)
{
	char xml[4096], want[4096], *out;
	size_t n = 0;
	(void)state;
	/* a title of 499 bytes then 'é': the cut at 500 must not split it */
	n += (size_t)snprintf(xml, sizeof xml,
	    "<l><regelingInfo><bwbId> BWBR0005537\n</bwbId>"
	    "<officieleTitel>");
	memset(xml + n, 'a', 499);
	n += 499;
	n += (size_t)snprintf(xml + n, sizeof xml - n,
	    "\xc3\xa9 en meer</officieleTitel><afkortingen>");
	for (int k = 1; k <= 12; k++)
		n += (size_t)snprintf(
		    xml + n, sizeof xml - n, "<afkorting>A%d|B</afkorting>", k);
	n += (size_t)snprintf(
	    xml + n, sizeof xml - n, "</afkortingen></regelingInfo></l>");
	assert_true(n < sizeof xml);
	out = imports(xml);
	n = (size_t)snprintf(want, sizeof want,
	    "bwb_id\tsoort\tciteertitel\tintitule\taliases\n"
	    "BWBR0005537\t\t\t");
	memset(want + n, 'a', 499);
	n += 499;
	snprintf(want + n, sizeof want - n,
	    "\tA1/B|A2/B|A3/B|A4/B|A5/B|A6/B|A7/B|A8/B|A9/B|A10/B\n");
	assert_string_equal(out, want);
	free(out);

	/* the first current citeertitel wins, also past the first eleven */
	n = (size_t)snprintf(
	    xml, sizeof xml, "<l><regelingInfo><bwbId>BWBR0005537</bwbId>");
	for (int k = 1; k <= 13; k++)
		n += (size_t)snprintf(xml + n, sizeof xml - n,
		    "<citeertitel><titel>T%d</titel><status>%s</status>"
		    "</citeertitel>",
		    k, k == 13 ? "Officieel" : "vervallen");
	snprintf(xml + n, sizeof xml - n, "</regelingInfo></l>");
	out = imports(xml);
	assert_string_equal(out,
	    "bwb_id\tsoort\tciteertitel\tintitule\taliases\n"
	    "BWBR0005537\t\tT13\t\tT1|T2|T3|T4|T5|T6|T7|"
	    "T8|T9|T10\n");
	free(out);

	/* nesting deeper than the limit */
	n = 0;
	for (int k = 0; k <= PRS_BWB_MAX_DEPTH + 1; k++)
		n += (size_t)snprintf(xml + n, sizeof xml - n, "<x>");
	for (int k = 0; k <= PRS_BWB_MAX_DEPTH + 1; k++)
		n += (size_t)snprintf(xml + n, sizeof xml - n, "</x>");
	assert_non_null(strstr(fails(xml, n, VP_EINVAL), "nested deeper"));
}

/* ---- prs_laws_import_file ---- */

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;
	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void test_import_file(void **state)
{
	static const char old[] =
	    "bwb_id\tsoort\tciteertitel\tintitule\taliases\n"
	    "BWBR0005537\twet\tAwb\t\t\n";
	char dir[] = "/tmp/vp-bwbimport-XXXXXX", xml[128], tsv[128], big[128];
	char err[512], *got;
	size_t len;
	struct stat st;
	FILE *f;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(xml, sizeof xml, "%s/BWBIdList.xml", dir);
	snprintf(tsv, sizeof tsv, "%s/laws.tsv", dir);
	snprintf(big, sizeof big, "%s/big.xml", dir);
	spit(tsv, old, sizeof old - 1);
	assert_int_equal(chmod(tsv, 0640), 0);

	/* a malformed file: a clear error naming it, the table untouched */
	spit(xml, "<regelingInfoLijst><regelingInfo>", 33);
	assert_int_equal(
	    prs_laws_import_file(xml, tsv, err, sizeof err), VP_EINVAL);
	assert_non_null(strstr(err, xml));
	got = slurp(tsv, &len);
	assert_int_equal(len, sizeof old - 1);
	assert_memory_equal(got, old, len);
	free(got);
	assert_int_equal(entries(dir), 2);

	/* a missing file */
	assert_int_equal(
	    prs_laws_import_file(big, tsv, err, sizeof err), VP_EIO);
	assert_non_null(strstr(err, big));

	/* a file over the limit (sparse: nothing is written) */
	f = fopen(big, "wb");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), (off_t)PRS_BWB_MAX_INPUT + 1), 0);
	fclose(f);
	assert_int_equal(
	    prs_laws_import_file(big, tsv, err, sizeof err), VP_ETOOLARGE);
	assert_int_equal(unlink(big), 0);
	got = slurp(tsv, &len);
	assert_memory_equal(got, old, sizeof old - 1);
	free(got);
	assert_int_equal(entries(dir), 2);

	/* a target that cannot be replaced: no temporary file left */
	assert_int_equal(mkdir(big, 0755), 0);
	got = slurp(VP_BWB_FIXTURE, &len);
	spit(xml, got, len);
	free(got);
	assert_int_equal(
	    prs_laws_import_file(xml, big, err, sizeof err), VP_EIO);
	assert_int_equal(rmdir(big), 0);
	assert_int_equal(entries(dir), 2);

	/* a good file replaces the table and keeps its permissions */
	assert_int_equal(
	    prs_laws_import_file(xml, tsv, err, sizeof err), VP_OK);
	got = slurp(tsv, &len);
	assert_string_equal(got, expected_sample);
	free(got);
	assert_int_equal(stat(tsv, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(entries(dir), 2);

	assert_int_equal(unlink(xml), 0);
	assert_int_equal(unlink(tsv), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sample),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_entity_expansion),
	    cmocka_unit_test(test_external_entity),
	    cmocka_unit_test(test_not_utf8),
	    cmocka_unit_test(test_empty_list),
	    cmocka_unit_test(test_too_large),
	    cmocka_unit_test(test_row_limit),
	    cmocka_unit_test(test_fields),
	    cmocka_unit_test(test_import_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

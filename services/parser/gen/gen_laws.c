/* gen_laws.c - build-time tool: turns data/law-abbrev.tsv into a C file with
 * the sorted built-in law table, so the parser needs no file and no parsing
 * at run time unless a larger table is loaded (prs_laws_load). */
#include <stdio.h>

#include "prs_laws.h"
#include "vp_err.h"

static void put_str(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(o, "\\%03o", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

int main(int argc, char **argv)
{
	struct prs_laws *L;
	FILE *o;
	if (argc != 3) {
		fprintf(stderr, "usage: gen_laws TABLE.tsv OUT.c\n");
		return 2;
	}
	if (prs_laws_load(argv[1], &L) != VP_OK) {
		fprintf(stderr, "gen_laws: cannot load %s\n", argv[1]);
		return 1;
	}
	if (!(o = fopen(argv[2], "w"))) {
		perror(argv[2]);
		prs_laws_free(L);
		return 1;
	}
	fprintf(o, "/* Generated from data/law-abbrev.tsv by gen_laws: do not "
	           "edit. */\n#include \"prs_laws.h\"\n\n"
	           "static const struct prs_law rows[] = {\n");
	for (size_t k = 0; k < L->n; k++) {
		fputs("\t{", o);
		put_str(o, L->v[k].key);
		fputs(", ", o);
		put_str(o, L->v[k].title);
		fputs(", ", o);
		put_str(o, L->v[k].bwb);
		fprintf(o, ", %s},\n", L->v[k].ambiguous ? "true" : "false");
	}
	fprintf(o, "};\n\nconst struct prs_laws prs_laws_builtin = {rows, "
	           "sizeof rows / sizeof *rows, NULL, NULL};\n");
	prs_laws_free(L);
	return fclose(o) ? 1 : 0;
}

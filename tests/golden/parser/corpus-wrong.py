#!/usr/bin/env python3
"""Wrong answers at full confidence, measured on the developer corpus of
real regulations with the publisher's link markup (kept outside the repo).

For every publisher link to another regulation it runs `vindplaats parse`
on the regulation's text (through the corpus's own score.py, so spans and
ids are read the same way) and counts the links that only citations of
ANOTHER regulation overlap: a wrong id, not a miss. It splits them by the
confidence the parser gave (>= 0.9 is an answer, below it a guess that says
so), and by whether the right regulation is in the project's law tables at
all. It also counts the citations whose id is right but whose confidence a
"longer title" rule lowered, so that a guard that costs right answers shows.

  tests/golden/parser/corpus-wrong.py CORPUS_DIR BUILD/bin/vindplaats [-v]

CORPUS_DIR holds corpus.jsonl and score.py. A measurement: it judges
nothing and exits 0.
"""
import json
import os
import sys


def known_ids(repo):
    ids = set()
    for name in ("bwb-titles.tsv", "law-abbrev.tsv"):
        with open(os.path.join(repo, "data", name), encoding="utf-8") as f:
            for line in f:
                for col in line.rstrip("\n").split("\t"):
                    if col.startswith(("BWBR", "BWBV", "BWBW")):
                        ids.add(col)
    return ids


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    corpus, tool = argv[1], os.path.abspath(argv[2])
    verbose = "-v" in argv[3:]
    sys.path.insert(0, corpus)
    import score  # the corpus's own reader and matcher

    repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
    known = known_ids(repo)
    wrong, lowered_right, links = [], 0, 0
    with open(os.path.join(corpus, "corpus.jsonl"), encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    for d in docs:
        cits, err = score.run_tool(tool, d["text"], "/tmp", 120)
        if cits is None:
            print("tool failed on %s: %s" % (d["bwb_id"], err), file=sys.stderr)
            continue
        for r in d["refs"]:
            if r["kind"] == "intref" or r.get("target_type") in ("celex", "celex-derived", "other"):
                continue
            gold = score.parse_id(r.get("target"))["bwb"]
            if not gold:
                continue
            links += 1
            over = [c for c in cits if score.overlaps(c, r) and c["_id"]["bwb"]]
            right = [c for c in over if c["_id"]["bwb"] == gold]
            lowered_right += sum(1 for c in right if "longer title" in (c.get("reason") or ""))
            if over and not right:
                conf = max(c.get("confidence", 0) for c in over)
                wrong.append((conf, gold in known, d["bwb_id"], r["text"], over))
    sure = [w for w in wrong if w[0] >= 0.9]
    print("links to another regulation with a BWB id: %d" % links)
    print("overlapped only by another regulation's id: %d" % len(wrong))
    print("  at confidence >= 0.9: %d (the right regulation is in the law tables: %d)"
          % (len(sure), sum(1 for w in sure if w[1])))
    print("  below 0.9 (a guess, with its reason): %d" % (len(wrong) - len(sure)))
    print("right ids lowered by a longer-title rule: %d" % lowered_right)
    if verbose:
        for conf, inside, doc, text, over in sorted(sure, key=lambda w: -w[0]):
            print("- %.2f %s %s %r -> %s" % (conf, "known" if inside else "unknown", doc,
                                           text[:90], ", ".join(c["id"] for c in over[:3])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

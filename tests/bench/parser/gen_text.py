#!/usr/bin/env python3
"""gen_text.py - writes parliamentary-style Dutch text with a realistic
citation density (about one citation per 700 bytes, all families, footnote
digits, line breaks and NBSP inside citations) for the parser benchmark.
Deterministic: the same size gives the same bytes.
    gen_text.py OUT MEGABYTES"""
import random
import sys

WORDS = ("de het een van en in op te dat voor met is niet zijn aan door "
         "regering kabinet minister Kamer motie brief antwoord vraag "
         "beleid uitvoering wetsvoorstel toezegging onderzoek informatie "
         "gemeenten provincies ministerie staatssecretaris commissie "
         "overleg maatregelen ontwikkelingen gegevens verwerking politie "
         "belastingdienst toeslagen jaarverslag begroting inzet verzoek "
         "vergadering stemmingen amendement dossier bijlage rapport "
         "ontvangen verzonden datum kenmerk betreft geachte voorzitter "
         "2023 2024 15 maart 12 procent 1.200 miljoen euro").split()

CITES = [
    "Kamerstukken II 2019/20, 35 300-XV, nr. 28",
    "Kamerstuk 21 501-02, nr. 2733",
    "(Kamerstuk\n36 410, nr. 31)",
    "Kamerstukken I 2020/21, 35 570, C",
    "21501-32-1188",
    "(29323, nr. 38)",
    "Aanhangsel Handelingen II 2014/15, nr. 1241",
    "Aanhangsel\nHandelingen, vergaderjaar 2022\u20132023, nr. 3276",
    "Handelingen II 2010/11, nr. 108, item 5, p. 25-36",
    "Handelingen II 2007/08, nr. 108, p. 7909-7943",
    "Stb. 2011, 35",
    "Stcrt. 2015, 10247",
    "Trb.\u00a02008, 175",
    "ECLI:NL:HR:2020:123",
    "ECLI:NL:RVS:2016:2076",
    "LJN AB1234",
    "artikel 10, tweede lid, aanhef en onder e, van de Wob",
    "artikel 8:26 van de Algemene wet bestuursrecht (Awb)",
    "art. 19 Wpg",
    "artikelen 8, 9 en 10 van de Wet politiegegevens",
    "Verordening (EU) 2016/679",
    "Richtlijn 2008/98/EG",
    "2025Z15031",
    "https://www.tweedekamer.nl/kamerstukken/detail?id=2025Z15031&did=2025D36291",
    "https://zoek.officielebekendmakingen.nl/kst-36600-VI-12.html",
    "zie het antwoord op vraag 4",
    "Kamerstukken II 2023\u20132024, 36 410, nrs. 520 en 548",
]


def main():
    out, mb = sys.argv[1], float(sys.argv[2])
    target = int(mb * 1024 * 1024)
    rnd = random.Random(42)
    size = 0
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        note = 1
        while size < target:
            sent = []
            n = 0
            while n < 700:
                w = rnd.choice(WORDS)
                sent.append(w)
                n += len(w) + 1
                if rnd.random() < 0.06:
                    sent[-1] += "."
            cite = rnd.choice(CITES)
            if rnd.random() < 0.2:  # footnote digit glued in front
                cite = "%d%s" % (note, cite)
                note += 1
            pos = rnd.randrange(len(sent))
            sent.insert(pos, cite)
            para = " ".join(sent) + ".\n"
            if rnd.random() < 0.3:
                para += "\n"
            f.write(para)
            size += len(para.encode("utf-8"))


if __name__ == "__main__":
    main()

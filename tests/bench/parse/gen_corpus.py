#!/usr/bin/env python3
"""Write N MB of parliamentary-style Dutch text with citations at a realistic density
(about one citation per 300 bytes: a sentence in two cites one), deterministic for a
seed. Usage: gen_corpus.py OUT MB [SEED]"""
import random, sys, re
out, mb = sys.argv[1], float(sys.argv[2]); rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
words = ("de het een van en in is dat op te voor met niet zijn wordt door aan ook als bij om "
 "de minister heeft Kamer vragen beantwoording gegevens politie analyse organisatie wet artikel "
 "verwerking grondslag informatie brief regering onderzoek waarborgen privacy burgers software "
 "overheid ministerie Justitie Veiligheid Binnenlandse Zaken Koninkrijksrelaties toezicht "
 "Autoriteit Persoonsgegevens uitspraak rechter beleid verordening besluit uitvoering").split()
def vj(): y = rnd.randint(1996, 2024); return rnd.choice([f"{y}/{(y+1)%100:02d}", f"{y}-{y+1}", f"{y}–{y+1}"])
def dossier(): d = rnd.randint(21000, 36999); return rnd.choice([f"{d}", f"{d//1000} {d%1000:03d}"])
cites = [
 lambda: f"Kamerstukken II {vj()}, {dossier()}, nr. {rnd.randint(1,400)}",
 lambda: f"Kamerstuk {dossier()}, nr. {rnd.randint(1,400)}",
 lambda: f"Kamerstukken II, {vj()}, nr. {rnd.randint(100,4000)}",
 lambda: f"Aanhangsel Handelingen II {vj()}, nr. {rnd.randint(1,4000)}",
 lambda: f"Handelingen II {vj()}, nr. {rnd.randint(1,110)}, item {rnd.randint(1,30)}",
 lambda: f"Stb. {rnd.randint(1990,2025)}, {rnd.randint(1,600)}",
 lambda: f"Stcrt. {rnd.randint(2010,2025)}, {rnd.randint(1,40000)}",
 lambda: f"ECLI:NL:{rnd.choice(['HR','RVS','CRVB','RBAMS','GHDHA'])}:{rnd.randint(2000,2025)}:{rnd.randint(1,3000)}",
 lambda: f"artikel {rnd.randint(1,120)}, {rnd.choice(['eerste','tweede','derde'])} lid, van de {rnd.choice(['Wet politiegegevens','Algemene wet bestuursrecht','Wet open overheid','Vreemdelingenwet 2000'])}",
 lambda: f"art. {rnd.randint(1,12)}:{rnd.randint(1,200)} Awb",
 lambda: f"{rnd.randint(2018,2025)}Z{rnd.randint(10000,25000):05d}",
 lambda: f"https://www.rijksoverheid.nl/documenten/kamerstukken/{rnd.randint(2018,2025)}/{rnd.randint(1,12):02d}/{rnd.randint(1,28):02d}/brief-{rnd.randint(1000,9999)}",
]
target = int(mb * 1024 * 1024); n = 0
with open(out, 'w', encoding='utf-8') as f:
    while n < target:
        para = []
        for s in range(rnd.randint(3, 7)):
            sent = " ".join(rnd.choice(words) for _ in range(rnd.randint(8, 22)))
            if rnd.random() < 0.45: sent += " (" + rnd.choice(cites)() + ")"
            para.append(sent[0].upper() + sent[1:] + ".")
        t = " ".join(para) + "\n\n"
        f.write(t); n += len(t.encode())

#!/usr/bin/env python3
"""Writes a URL list for `vindplaats check` against the fixture server.

usage: check-list.py BASE KIND [N] [SEED]
  BASE  the fixture's origin, e.g. http://127.0.0.1:40000
  KIND  scale:  N URLs (default 2000): 70% 200, 10% 301, 10% 404, 5% 500,
                5% slow (0.2-1 s)
        polite: N URLs (default 160): 10% 429 with Retry-After: 3 (then
                200), 10% documents whose server refuses HEAD (405),
                10% 404, 70% 200
Every URL is distinct; the kind of each is in its path, so a test can tell
what it expects from the URL alone. Deterministic for a given SEED."""
import random
import sys


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in ("scale", "polite"):
        sys.exit(__doc__)
    base, kind = sys.argv[1].rstrip("/"), sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else (2000 if kind == "scale" else 160)
    rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    out = []
    for i in range(n):
        x = rnd.random()
        if kind == "scale":
            if x < 0.70:
                out.append(f"{base}/ok?i={i}")
            elif x < 0.80:
                out.append(f"{base}/r301?i={i}")
            elif x < 0.90:
                out.append(f"{base}/status/404?i={i}")
            elif x < 0.95:
                out.append(f"{base}/status/500?i={i}")
            else:
                out.append(f"{base}/slow?ms={rnd.randint(200, 1000)}&i={i}")
        else:
            if x < 0.10:
                out.append(f"{base}/ra/3/u{i}")
            elif x < 0.20:
                out.append(f"{base}/head405/d{i}.pdf")
            elif x < 0.30:
                out.append(f"{base}/status/404?i={i}")
            else:
                out.append(f"{base}/ok?i={i}")
    print("\n".join(out))


if __name__ == "__main__":
    main()

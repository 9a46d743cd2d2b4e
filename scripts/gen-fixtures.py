#!/usr/bin/env python3
"""gen-fixtures.py - writes the splitter's document fixtures (HTML, DOCX, PDF,
PDF-extracted text and the bad inputs) into tests/fixtures/docs/. All text is
written for the project (a fictional ministry letter with real-shaped
citations); nothing is copied from published documents. Python standard
library only; the output is committed, so the build does not need Python.
Usage: scripts/gen-fixtures.py [outdir]"""
import hashlib
import io
import os
import sys
import zipfile

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "docs")

# ---- HTML (shape of zoek.officielebekendmakingen.nl / wetten.overheid.nl) --

HTML = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Kamerstuk 36600-VI nr. 12 | Overheid.nl</title>
<style>p { margin: 0 } .noot { font-size: 80% }</style>
<script>var q = "<p>geen tekst</p>"; if (a < b && c > d) { run(); }</script>
</head>
<body>
<div id="content">
<h1 class="stuktitel">Brief van de Minister van Justitie en Veiligheid</h1>
<p>Aan de Voorzitter van de Tweede Kamer der Staten&#8209;Generaal</p>
<p>Hierbij ontvangt u de antwoorden op de vragen van het lid Jansen over de
verwerking van politiegegevens<sup><a href="#supernote-1" id="supernote-anchor-1">1</a></sup>.
Zie ook <a href="https://wetten.overheid.nl/BWBR0022463/2024-01-01#Hoofdstuk3">deze regeling</a>
en artikel 25 van de Wet politiegegevens.</p>
<h2>Vraag 1</h2>
<p>Kunt u aangeven op welke grond de gegevens zijn gedeeld&nbsp;(artikel&nbsp;8 Wpg)?<sup><a href="#supernote-2" id="supernote-anchor-2">2</a></sup></p>
<ul>
<li>Kamerstukken II 2024/25, 36&nbsp;600 VI, nr. 12;</li>
<li>de uitspraak ECLI:NL:HR:2020:1234 &amp; de conclusie &lt;A-G&gt;;</li>
<li>zaak 2025Z14549 (caf&eacute;, co&#246;rdinatie, &#x20AC; 5&shy;000).</li>
</ul>
<table>
<tr><th>Regeling</th><th>Artikel</th></tr>
<tr><td>Aanbestedingswet 2012</td><td>2.23 lid 1 onder e</td></tr>
</table>
<!-- <p>commentaar, geen tekst</p> -->
<p>Meer op <a href="https://www.tweedekamer.nl/kamerstukken/kamervragen/detail?id=2025Z14549&amp;did=2025D33333">de
website van de Kamer</a>.<br>Met vriendelijke groet,</p>
<div class="noten">
<hr>
<ol>
<li id="supernote-1"><a href="#supernote-anchor-1">1</a> Kamerstukken II, 2020-2021, nr. 3011.</li>
<li id="supernote-2"><a href="#supernote-anchor-2">2</a> Zie <a href="https://www.politie.nl/informatie/privacy.html">politie.nl</a>.</li>
</ol>
</div>
</div>
</body>
</html>
"""

# ---- DOCX ---------------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def run(text, space=False):
    sp = ' xml:space="preserve"' if space else ""
    return f'<w:r><w:t{sp}>{text}</w:t></w:r>'


def para(body, style=None, num=False):
    ppr = ""
    if style or num:
        ppr = "<w:pPr>"
        if style:
            ppr += f'<w:pStyle w:val="{style}"/>'
        if num:
            ppr += '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
        ppr += "</w:pPr>"
    return f"<w:p>{ppr}{body}</w:p>"


def fref(n):
    return f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{n}"/></w:r>'


DOC_BODY = "".join([
    para(run("Beantwoording Kamervragen"), style="Heading1"),
    para(run("In antwoord op uw brief van 6 augustus ", True) +
         run("jl. delen wij u mee dat de vragen zijn beantwoord.") + fref(1)),
    para(run("Zie ", True) +
         '<w:hyperlink r:id="rId8" w:history="1">' + run("deze pagina") + "</w:hyperlink>" +
         run(" en artikel 25 van de Wet politiegegevens", True) + fref(2) + run(".")),
    para(run("Vraag 1"), style="Heading2"),
    para(run("Kamerstukken II 2024/25, 36&#160;600 VI, nr. 12"), num=True),
    para(run("ECLI:NL:HR:2020:1234 &amp; &lt;conclusie&gt;"), num=True),
    "<w:tbl><w:tr><w:tc>" + para(run("Aanbestedingswet 2012")) + "</w:tc><w:tc>" +
    para(run("artikel 2.23") + "<w:r><w:tab/></w:r>" + run("lid 1")) + "</w:tc></w:tr></w:tbl>",
    para(run("Co\u00f6rdinatiebesluit, zaak 2025Z14549.") +
         '<w:r><w:delText>verwijderd</w:delText></w:r>' + fref(3) +
         '<w:r><w:endnoteReference w:id="1"/></w:r>'),
])

DOCUMENT = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W}><w:body>{DOC_BODY}<w:sectPr/></w:body></w:document>'


def note(n, body):
    return (f'<w:footnote w:id="{n}"><w:p><w:r><w:footnoteRef/></w:r>' +
            run(" ", True) + body + "</w:p></w:footnote>")


FOOTNOTES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {W}>'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>' +
             note(1, run("Kamerstukken II, 2020-2021, nr. 3011.")) +
             note(2, run("Stb. 2007, 300; zie ", True) +
                  '<w:hyperlink r:id="rId9">' + run("wetten.overheid.nl") + "</w:hyperlink>") +
             f'<w:footnote w:id="3"><w:p>{run("Kamerstukken II, 2024-2025,", True)}</w:p><w:p>{run("nr. 2025Z14549.")}</w:p></w:footnote>'
             "</w:footnotes>")

ENDNOTES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:endnotes {W}>'
            '<w:endnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:endnote>'
            '<w:endnote w:id="1"><w:p><w:r><w:endnoteRef/></w:r>' +
            run(" Handelingen II 2024/25, nr. 12, item 8.", True) + "</w:p></w:endnote></w:endnotes>")

RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        '<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
        'Target="https://zoek.officielebekendmakingen.nl/kst-36600-VI-12.html?a=1&amp;b=2" TargetMode="External"/>'
        '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
        'Target="https://wetten.overheid.nl/BWBR0022463/2024-01-01" TargetMode="External"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
        "</Relationships>")

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                 "</Types>")

PKG_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>")

FIXED_TIME = (2025, 9, 23, 12, 0, 0)


def docx_bytes(parts):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def docx_main():
    return docx_bytes([("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PKG_RELS),
                       ("word/document.xml", DOCUMENT), ("word/footnotes.xml", FOOTNOTES),
                       ("word/endnotes.xml", ENDNOTES),
                       ("word/_rels/document.xml.rels", RELS)])


# ---- PDF ----------------------------------------------------------------

def pdf_escape(s):
    out = []
    for ch in s.encode("cp1252"):
        if ch in b"()\\":
            out.append("\\" + chr(ch))
        elif ch >= 0x80:
            out.append("\\%03o" % ch)
        else:
            out.append(chr(ch))
    return "".join(out)


def pdf_bytes(pages, encrypt=False):
    """pages: list of lists of (x, y, size, text)."""
    objs = []

    def add(body):
        objs.append(body)
        return len(objs)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    pages_id = len(objs) + 1 + 2 * len(pages)
    kids = []
    for lines in pages:
        content = "BT\n" + "".join(
            f"/F1 {size} Tf 1 0 0 1 {x} {y} Tm ({pdf_escape(t)}) Tj\n" for x, y, size, t in lines) + "ET\n"
        data = content.encode("latin-1")
        cid = add(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                        b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (pages_id, font, cid)))
    add(b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    trailer_extra = b""
    if encrypt:
        # Standard security handler, revision 2 (RC4, 40 bits) with a user
        # password: no reader opens it without "geheim".
        pad = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")

        def rc4(key, data):
            s = list(range(256))
            j = 0
            for i in range(256):
                j = (j + s[i] + key[i % len(key)]) % 256
                s[i], s[j] = s[j], s[i]
            i = j = 0
            out = bytearray()
            for c in data:
                i = (i + 1) % 256
                j = (j + s[i]) % 256
                s[i], s[j] = s[j], s[i]
                out.append(c ^ s[(s[i] + s[j]) % 256])
            return bytes(out)

        user = (b"geheim" + pad)[:32]
        owner = (b"eigenaar" + pad)[:32]
        o = rc4(hashlib.md5(owner).digest()[:5], user)
        fid = hashlib.md5(b"vindplaats-fixture").digest()
        p = -4
        key = hashlib.md5(user + o + p.to_bytes(4, "little", signed=True) + fid).digest()[:5]
        u = rc4(key, pad)
        enc = add(b"<< /Filter /Standard /V 1 /R 2 /O <" + o.hex().encode() + b"> /U <" +
                  u.hex().encode() + b"> /P -4 >>")
        trailer_extra = b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (enc, fid.hex().encode(), fid.hex().encode())
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, body in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, catalog, trailer_extra, xref)
    return bytes(out)


HEADER = "Ministerie van Justitie en Veiligheid - Kenmerk 6687563"
PAGE1 = [
    "Verwerking van politiegegevens in de regio",
    "",
    "De korpschef heeft in 2024 opnieuw gekeken naar de verwerking van",
    "politiegegevens op grond van artikel 8 van de Wet politiegegevens.1 Daarbij",
    "zijn de afspraken met de regio's ver-",
    "nieuwd en is de data-",
    "analyse beperkt tot het hoogst noodzakelijke, zoals eerder gemeld in",
    "Kamerstukken II 2024/25, 36 600 VI, nr. 12.",
    "",
    "Grip op gegevens",
    "",
    "De Autoriteit Persoonsgegevens stelde vast dat de in- en uitvoer van",
    "bestanden tussen Noord-",
    "Holland en Zuid-Holland niet was vastgelegd.2 De minister kondigde",
]
NOTES1 = ["1 Stb. 2007, 300; zie https://wetten.overheid.nl/BWBR0022463.",
          "2 Kamerstukken II, 2020-2021, nr. 3011."]
PAGE2 = [
    "daarom een onderzoek aan, met een verslag aan de Kamer in 2025.",
    "",
    "\u2022 het register wordt openbaar gemaakt;",
    "\u2022 zaak 2025Z14549 blijft in behandeling.",
    "",
    "Het register wordt openbaar, belooft de minister in zijn brief aan de Kamer",
    "",
    "Zie ook ECLI:NL:HR:2020:1234 en de beantwoording op vraag 6.3",
]
NOTES2 = ["3 Aanhangsel Handelingen II 2020/21, nr. 3011, met een toelichting",
          "die doorloopt op een tweede regel."]


def pdf_pages():
    pages = []
    for n, (body, notes) in enumerate([(PAGE1, NOTES1), (PAGE2, NOTES2)], 1):
        lines = [(56, 800, 8, HEADER)]
        y = 760
        for t in body:
            if t:
                lines.append((56, y, 11, t))
            y -= 16 if t else 10
        y = 120
        for t in notes:
            lines.append((56, y, 8, t))
            y -= 11
        lines.append((290, 40, 8, f"{n}"))
        pages.append(lines)
    return pages


def pdftext():
    """The same article as text copied from a PDF viewer: form feeds
    between pages, a dangling space at most line ends."""
    out = []
    for n, (body, notes) in enumerate([(PAGE1, NOTES1), (PAGE2, NOTES2)], 1):
        page = [HEADER, ""]
        for t in body:
            page.append(t if (not t or t.endswith("-")) else t + " ")
        page += [""] + [t + " " for t in notes] + ["", f"{n}"]
        out.append("\n".join(page) + "\n")
    return "\f".join(out)


def main():
    os.makedirs(OUT, exist_ok=True)

    def write(name, data):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))

    write("besluit.html", HTML)
    write("besluit-latin1.html", HTML.replace('charset="utf-8"', 'charset="windows-1252"')
          .replace("&#8209;", "-").encode("cp1252"))
    write("kamerbrief.docx", docx_main())
    write("artikel.pdf", pdf_bytes(pdf_pages()))
    write("artikel-pdftext.txt", pdftext())
    write("latin1.txt", "Co\u00f6rdinatiebesluit, artikel 6 \u2013 caf\u00e9 \u20ac 5.\r\n"
          "Tweede regel.\r\n".encode("cp1252"))
    # bad inputs
    write("encrypted.pdf", pdf_bytes(pdf_pages(), encrypt=True))
    main_docx = docx_main()
    write("truncated.docx", main_docx[: len(main_docx) * 2 // 3])
    zeros = b"<w:document " + W.encode() + b"><w:body>" + b" " * (100 << 20) + b"</w:body></w:document>"
    write("bomb-size.docx", docx_bytes([("word/document.xml", zeros)]))
    write("bomb-ratio.docx", docx_bytes([("word/document.xml", zeros[: 8 << 20])]))
    write("notazip.docx", b"PK\x03\x04" + b"\x00" * 60)
    # "billion laughs": entities nested eleven deep in document.xml
    ents = '<!DOCTYPE w:document [<!ENTITY a0 "lol">' + "".join(
        '<!ENTITY a%d "%s">' % (i, ("&a%d;" % (i - 1)) * 10) for i in range(1, 12)) + "]>"
    write("laughs.docx", docx_bytes([("word/document.xml",
                                      '<?xml version="1.0"?>' + ents + "<w:document " + W +
                                      "><w:body><w:p><w:r><w:t>&a11;</w:t></w:r></w:p></w:body></w:document>")]))


if __name__ == "__main__":
    main()

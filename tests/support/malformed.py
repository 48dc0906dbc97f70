"""A corpus of malformed inputs for every reader, generated on disk (never committed as blobs).

Users point newsweave at folders and archives from the open web: broken encodings, pages
with no text or megabytes of script, truncated archives, feeds with entity bombs, files that
are not files. :func:`build_corpus` writes one small folder per case and returns a
:class:`Case` for each, saying which paths to hand to the reader and how many outcomes they
must give, so a test or a benchmark can check that every input item ends ingested,
duplicate or rejected with a reason, and that nothing escapes.

Example:
    >>> cases = build_corpus(tmp_path, big=False)  # doctest: +SKIP
    >>> sum(c.items or 1 for c in cases) >= 200  # doctest: +SKIP
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsweave.model import IngestOutcome, IngestStatus
from tests.support.warcgen import Page, render_page, truncate, write_arc, write_warc

MB = 1_000_000


@dataclass(frozen=True, slots=True)
class Case:
    """One malformed input.

    Attributes:
        name: a short slug, unique in the corpus.
        reader: which reader it aims at: text, html, jsonl, json, feed, warc or path.
        paths: what to hand to ``read_inputs`` (files or folders).
        items: the exact number of outcomes the paths must give, or None where it depends
            on how far a parser recovers (then at least one).
        note: what is wrong with it.
    """

    name: str
    reader: str
    paths: tuple[Path, ...]
    items: int | None
    note: str


# Short fictional reports, written for this corpus (no third-party text).
ARTICLES = (
    "The harbour council of Velmora voted on Tuesday to close the old ferry pier for "
    "eighteen months of repairs. Mayor Ines Carrow said the work would cost about 4.2 "
    "million euros and that a temporary pier would open next March.\n\nShop owners near the "
    "pier told reporters that they feared a 30% drop in trade over the summer.",
    "Engineers at the Dravik river dam began releasing water on Sunday after three days of "
    'heavy rain raised the reservoir to 97 percent of its capacity. "We are in control of '
    'the situation," said Tomas Brel, the chief engineer, adding that no homes were at risk.',
    "A regional court in Ostrel ruled on Friday that the sale of the municipal bus company "
    "to a private operator was void. The judges found that the city had not published the "
    "tender for the required 30 days. The operator said it would appeal within two weeks.",
    "Farmers in the Kessan valley reported the earliest grape harvest on record this year, "
    "starting on August 9, nearly three weeks ahead of the average. The growers' union said "
    "yields were down by roughly 15% after a dry spring and a hot July.",
    "The national library of Lurn reopened its reading room on Monday after a two-year "
    "renovation that cost 11 million crowns. Director Pia Solberg said visitors could now "
    "consult 40,000 digitised maps, many of them never shown in public before.",
    "Air traffic controllers at Merrow airport ended a 48-hour strike on Wednesday after "
    "the transport ministry agreed to hire 120 more staff by the end of next year. About "
    "300 flights were cancelled during the walkout, the airport operator said.",
)

# The same kind of report in other languages (written for this corpus).
FOREIGN = {
    "de": "Der Stadtrat von Velmora hat am Dienstag beschlossen, den alten Fähranleger für "
    "achtzehn Monate zu schließen. Die Bürgermeisterin sagte, die Arbeiten würden etwa vier "
    "Millionen Euro kosten und ein provisorischer Anleger werde im März öffnen.",
    "fr": "Le conseil portuaire de Velmora a voté mardi la fermeture de l'ancien embarcadère "
    "pour dix-huit mois de travaux. La maire a déclaré que les travaux coûteraient environ "
    "quatre millions d'euros et qu'un embarcadère provisoire ouvrirait en mars.",
    "es": "El consejo del puerto de Velmora votó el martes cerrar el antiguo muelle durante "
    "dieciocho meses de obras. La alcaldesa dijo que las obras costarían unos cuatro millones "
    "de euros y que un muelle provisional abriría en marzo.",
    "it": "Il consiglio portuale di Velmora ha votato martedì la chiusura del vecchio molo per "
    "diciotto mesi di lavori. La sindaca ha detto che i lavori costeranno circa quattro "
    "milioni di euro e che un molo provvisorio aprirà a marzo.",
    "pt": "O conselho do porto de Velmora votou na terça-feira o fecho do antigo cais durante "
    "dezoito meses de obras. A presidente da câmara disse que as obras custariam cerca de "
    "quatro milhões de euros e que um cais provisório abriria em março.",
    "nl": "De havenraad van Velmora heeft dinsdag besloten de oude veersteiger achttien "
    "maanden te sluiten voor herstel. De burgemeester zei dat de werken ongeveer vier miljoen "
    "euro zouden kosten en dat er in maart een tijdelijke steiger opengaat.",
    "pl": "Rada portu w Velmorze zagłosowała we wtorek za zamknięciem starego pomostu na "
    "osiemnaście miesięcy remontu. Burmistrz powiedziała, że prace będą kosztować około "
    "czterech milionów euro, a tymczasowy pomost zostanie otwarty w marcu.",
    "ru": "Портовый совет Вельморы во вторник проголосовал за закрытие старого паромного "
    "причала на восемнадцать месяцев ремонта. Мэр заявила, что работы обойдутся примерно в "
    "четыре миллиона евро, а временный причал откроется в марте.",
    "el": "Το λιμενικό συμβούλιο της Βελμόρα ψήφισε την Τρίτη το κλείσιμο της παλιάς "
    "προβλήτας για δεκαοκτώ μήνες εργασιών. Η δήμαρχος δήλωσε ότι οι εργασίες θα κοστίσουν "
    "περίπου τέσσερα εκατομμύρια ευρώ.",
    "tr": "Velmora liman meclisi salı günü eski feribot iskelesinin on sekiz ay boyunca "
    "onarım için kapatılmasına karar verdi. Belediye başkanı çalışmaların yaklaşık dört "
    "milyon avroya mal olacağını ve geçici bir iskelenin martta açılacağını söyledi.",
    "ar": "صوّت مجلس ميناء فيلمورا يوم الثلاثاء على إغلاق الرصيف القديم لمدة ثمانية عشر شهرا "
    "من أعمال الإصلاح. وقالت رئيسة البلدية إن الأعمال ستكلف نحو أربعة ملايين يورو وإن رصيفا "
    "مؤقتا سيفتح في مارس.",
    "he": "מועצת הנמל של ולמורה הצביעה ביום שלישי על סגירת המזח הישן למשך שמונה עשר חודשים "
    "של שיפוצים. ראש העירייה אמרה שהעבודות יעלו כארבעה מיליון אירו ושמזח זמני ייפתח במרץ.",
    "hi": "वेलमोरा की बंदरगाह परिषद ने मंगलवार को पुराने घाट को अठारह महीने की मरम्मत के लिए "
    "बंद करने के पक्ष में मतदान किया। महापौर ने कहा कि काम पर लगभग चार मिलियन यूरो खर्च होंगे।",
    "zh": "韦尔莫拉港口委员会周二投票决定关闭旧渡轮码头，进行为期十八个月的维修。市长表示，"
    "工程费用约为四百万欧元，临时码头将于明年三月开放。店主们担心夏季生意会下降三成。",
    "ja": "ヴェルモラ港湾評議会は火曜日、古いフェリー桟橋を十八か月間の修理のために閉鎖する"
    "ことを決めた。市長によると、工事費は約四百万ユーロで、仮の桟橋は三月に開く予定だという。",
    "ko": "벨모라 항만 위원회는 화요일 낡은 여객선 부두를 십팔 개월 동안 수리하기 위해 폐쇄하기로 "
    "의결했다. 시장은 공사비가 약 사백만 유로가 들 것이며 임시 부두가 삼월에 문을 연다고 말했다.",
    "th": "สภาท่าเรือเวลโมราลงมติเมื่อวันอังคารให้ปิดท่าเรือข้ามฟากเก่าเป็นเวลาสิบแปดเดือนเพื่อ"
    "ซ่อมแซม นายกเทศมนตรีกล่าวว่างานนี้จะมีค่าใช้จ่ายประมาณสี่ล้านยูโร",
    "fa": "شورای بندر ولمورا روز سه‌شنبه به بستن اسکله قدیمی برای هجده ماه تعمیر رأی داد. "
    "شهردار گفت که هزینه کار حدود چهار میلیون یورو خواهد بود.",
}

_WRITER = Callable[[Path], tuple[tuple[Path, ...], int | None]]


def _article(n: int) -> str:
    return ARTICLES[n % len(ARTICLES)]


def _unique(n: int) -> str:
    """A distinct article text per case, so that ingested cases are not all duplicates."""
    return f"{_article(n)}\n\nReference {n:04d} of the malformed-input corpus."


class _Corpus:
    """Collects cases; each case writes into its own numbered folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cases: list[Case] = []

    def _folder(self, name: str) -> Path:
        folder = self.root / f"{len(self.cases):03d}-{name}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def file(self, name: str, reader: str, filename: str, data: bytes, note: str) -> None:
        """A one-file case giving exactly one outcome."""
        path = self._folder(name) / filename
        path.write_bytes(data)
        self.cases.append(Case(name, reader, (path,), 1, note))

    def many(self, name: str, reader: str, write: _WRITER, note: str) -> None:
        """A case whose writer returns the paths to read and the outcomes they must give."""
        paths, items = write(self._folder(name))
        self.cases.append(Case(name, reader, paths, items, note))


def _text_cases(c: _Corpus, big: bool) -> None:
    a = _unique
    c.file("empty", "text", "empty.txt", b"", "zero bytes")
    c.file("whitespace", "text", "blank.txt", b" \n\t\r\n  \n" * 50, "only whitespace")
    c.file("bom-only", "text", "bom.txt", codecs.BOM_UTF8, "a UTF-8 BOM and nothing else")
    c.file("short", "text", "short.txt", b"Ministers met.", "fewer than min_chars")
    c.file("nul-middle", "text", "nul.txt", a(1).encode() + b"\x00" + a(2).encode(), "a NUL byte")
    c.file("nuls", "text", "nuls.txt", b"\x00" * 4096, "only NUL bytes")
    c.file("nul-every-other", "text", "wide.txt", a(3).encode("utf-16-le"), "UTF-16LE, no BOM")
    c.file("utf16be-nobom", "text", "be.txt", a(4).encode("utf-16-be"), "UTF-16BE, no BOM")
    c.file("utf32-nobom", "text", "u32.txt", a(5).encode("utf-32-le"), "UTF-32LE, no BOM")
    c.file("utf16-bom", "text", "u16.txt", a(6).encode("utf-16"), "UTF-16 with a BOM")
    c.file("utf16-bom-odd", "text", "odd.txt", a(7).encode("utf-16") + b"\x41", "odd length")
    c.file("utf8-bom", "text", "bom8.txt", codecs.BOM_UTF8 + a(8).encode(), "UTF-8 with BOM")
    c.file("latin1", "text", "latin1.txt", FOREIGN["de"].encode("latin-1"), "Latin-1 German")
    c.file(
        "cp1252",
        "text",
        "cp1252.txt",
        ("\u201c" + a(9) + "\u201d \u2014 caf\u00e9").encode("cp1252"),
        "Windows-1252 smart quotes",
    )
    c.file(
        "mixed-encodings",
        "text",
        "mixed.txt",
        a(10).encode() + " café – ".encode() + " café déjà ".encode("latin-1") + a(11).encode(),
        "UTF-8 and Latin-1 in one file",
    )
    junk = bytes(random.Random(1).randrange(128, 256) for _ in range(40))
    c.file("invalid-utf8", "text", "bad.txt", a(12).encode() + junk + a(13).encode(), "bad bytes")
    c.file(
        "overlong-utf8",
        "text",
        "overlong.txt",
        b"\xc0\xaf\xe0\x80\xaf" + a(14).encode(),
        "overlong UTF-8 sequences",
    )
    c.file("surrogate-utf8", "text", "surr.txt", a(15).encode() + b"\xed\xa0\x80", "CESU bytes")
    c.file("shift-jis", "text", "sjis.txt", FOREIGN["ja"].encode("shift_jis"), "Shift JIS")
    c.file("gb18030", "text", "gb.txt", FOREIGN["zh"].encode("gb18030"), "GB18030 Chinese")
    c.file("koi8r", "text", "koi8.txt", FOREIGN["ru"].encode("koi8-r"), "KOI8-R Russian")
    c.file("cp1256", "text", "cp1256.txt", FOREIGN["ar"].encode("cp1256"), "Windows-1256 Arabic")
    zw = "\u200b\u200c\u200d\u2060\ufeff"
    c.file("zero-width", "text", "zw.txt", zw.join(a(16)).encode(), "zero-width between letters")
    c.file("zero-width-only", "text", "zwo.txt", (zw * 300).encode(), "only zero-width chars")
    rtl = "\u202e\u202b\u200f\u2067"
    c.file("rtl-controls", "text", "rtl.txt", (rtl + a(17) + "\u202c").encode(), "bidi controls")
    c.file("rtl-mixed", "text", "rtlmix.txt", (a(18) + "\n\n" + FOREIGN["he"]).encode(), "he+en")
    c.file(
        "zalgo",
        "text",
        "zalgo.txt",
        "".join(ch + "\u0301\u0316\u0354" for ch in a(19)).encode(),
        "combining marks on every letter",
    )
    c.file("emoji", "text", "emoji.txt", ("🚢⚓️🌊 " * 20 + a(20) + " 👩🏽‍⚖️" * 30).encode(), "emoji")
    c.file("line-separators", "text", "ls.txt", a(21).replace(". ", ".\u2028").encode(), "U+2028")
    c.file("cr-only", "text", "cr.txt", a(22).replace("\n", "\r").encode(), "old Mac endings")
    c.file(
        "controls",
        "text",
        "ctl.txt",
        "".join(ch + ("\x07" if i % 40 == 0 else "") for i, ch in enumerate(a(23))).encode(),
        "a few control codes",
    )
    c.file("controls-many", "text", "ctl2.txt", bytes(range(1, 32)) * 40, "only control codes")
    c.file("punctuation", "text", "punct.txt", b"!?.,;:-" * 200, "no letters")
    c.file("digits", "text", "digits.txt", b"0123456789 " * 200, "only digits")
    c.file("headers-only", "text", "hdr.txt", b"title: T\ndate: 2025-10-26\nsource: X\n", "hdr")
    c.file("bad-header-date", "text", "date.txt", b"date: 99999-99-99\n\n" + a(24).encode(), "bad")
    c.file("far-date", "text", "far.txt", b"date: 0001-01-01\n\n" + a(25).encode(), "year 1")
    c.file("long-word", "text", "word.txt", b"x" * 200_000, "one 200 kB word")
    c.file("many-short-lines", "text", "lines.txt", b"a\n" * 5_000, "5k one-letter lines")
    c.file("markdown", "text", "doc.md", ("# Title\n\n```\n" + a(26) + "\n```\n").encode(), "md")
    c.file("html-as-txt", "text", "page.txt", render_page("T", a(27)).encode(), "HTML in .txt")
    c.file("json-as-txt", "text", "rec.txt", json.dumps({"text": a(28)}).encode(), "JSON in .txt")
    for lang, text in sorted(FOREIGN.items()):
        c.file(f"lang-{lang}", "text", f"{lang}.txt", text.encode(), f"an article in {lang}")
    if big:
        line = (a(29).replace("\n", " ") + " ") * (10 * MB // len(a(29)) + 1)
        c.file("huge-line", "text", "line.txt", line.encode()[: 10 * MB], "one 10 MB line")
        c.file("over-limit", "text", "big.txt", b"word " * (21 * MB // 5), "21 MB, over max_bytes")


def _binary_cases(c: _Corpus) -> None:
    blobs = {
        "png": b"\x89PNG\r\n\x1a\n" + bytes(200),
        "jpeg": b"\xff\xd8\xff\xe0" + bytes(200),
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 5,
        "zip": b"PK\x03\x04" + bytes(200),
        "gzip": gzip.compress(_article(0).encode()),
        "elf": b"\x7fELF\x02\x01\x01" + bytes(200),
        "sqlite": b"SQLite format 3\x00" + bytes(200),
        "random": bytes(random.Random(7).randrange(256) for _ in range(4096)),
    }
    for kind, data in blobs.items():
        for suffix in (".txt", ".html", ".jsonl", ".xml"):
            c.file(f"binary-{kind}{suffix}", "text", f"{kind}{suffix}", data, f"{kind} as {suffix}")
    c.file("unsupported-pdf", "path", "report.pdf", blobs["pdf"], "a real PDF name")
    c.file("no-extension-text", "text", "ARTICLE", _unique(30).encode(), "no extension, text")
    c.file("no-extension-binary", "text", "BLOB", blobs["random"], "no extension, binary")


def _html(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def _html_cases(c: _Corpus, big: bool) -> None:
    a = _unique
    p = "".join(f"<p>{s}</p>" for s in a(40).split("\n\n"))
    c.file("html-no-text", "html", "empty.html", _html("").encode(), "an empty body")
    c.file(
        "html-nav-only",
        "html",
        "nav.html",
        _html("<nav>" + "<a href='/x'>Home</a> " * 200 + "</nav>").encode(),
        "only links",
    )
    c.file("html-images-only", "html", "img.html", _html("<img src='a.png'>" * 50).encode(), "img")
    c.file("html-comment-only", "html", "comment.html", _html(f"<!-- {a(41)} -->").encode(), "c")
    c.file(
        "html-unclosed",
        "html",
        "unclosed.html",
        f"<html><body><div><p>{a(42)}<p><b><i>".encode(),
        "tags never closed",
    )
    c.file(
        "html-broken-attrs",
        "html",
        "attrs.html",
        _html(f"<p class='a\" id=<>{a(43)}</p>").encode(),
        "broken attribute quoting",
    )
    c.file("html-fragment", "html", "frag.html", p.encode(), "a fragment without html/body")
    c.file(
        "html-frameset",
        "html",
        "frames.html",
        b"<html><frameset><frame src='a.html'></frameset></html>",
        "frames, no text",
    )
    c.file(
        "html-charset-lie",
        "html",
        "lie.html",
        _html(p, "<meta charset='shift_jis'>").encode(),
        "declares Shift JIS, is UTF-8",
    )
    c.file("html-utf16", "html", "u16.html", _html(p).encode("utf-16"), "UTF-16 page")
    c.file(
        "html-latin1",
        "html",
        "l1.html",
        _html(f"<p>{FOREIGN['fr']}</p>").encode("latin-1"),
        "Latin-1 page without charset",
    )
    c.file("html-nul", "html", "nul.html", _html(p).encode().replace(b"<p>", b"<p>\x00", 1), "NUL")
    c.file(
        "html-entities",
        "html",
        "ent.html",
        _html("<p>" + "&amp;&lt;&#0;&#xD800;&#99999999;&bogus; " * 200 + a(44) + "</p>").encode(),
        "bad and huge entities",
    )
    c.file("html-xhtml-doctype-bomb", "html", "bomb.xhtml", _bomb("html", a(45)).encode(), "bomb")
    c.file(
        "html-svg",
        "html",
        "svg.html",
        _html("<svg>" + "<path d='M0 0'/>" * 500 + "</svg>").encode(),
        "only SVG",
    )
    c.file("html-cdata", "html", "cdata.html", _html(f"<![CDATA[{a(46)}]]>").encode(), "CDATA")
    c.file(
        "html-rtl",
        "html",
        "rtl.html",
        _html(f"<p dir='rtl'>{FOREIGN['ar']}</p>").encode(),
        "an Arabic page",
    )
    c.file(
        "html-zero-width",
        "html",
        "zw.html",
        _html("<p>" + "\u200b".join(a(47)) + "</p>").encode(),
        "zero-width joiners",
    )
    c.file(
        "html-huge-attr",
        "html",
        "attr.html",
        _html(f"<p title='{'x' * 500_000}'>{a(48)}</p>").encode(),
        "a 500 kB attribute",
    )
    c.file("html-in-feed-ext", "html", "page.rss", _html(p).encode(), "HTML named .rss")
    deep = "<div>" * 10_000 + a(49) + "</div>" * 10_000
    c.file("html-deep-10k", "html", "deep.html", _html(deep).encode(), "10k nested divs")
    c.file(
        "html-deep-unclosed",
        "html",
        "deep2.html",
        _html("<span><b>" * 10_000 + a(50)).encode(),
        "20k unclosed inline tags",
    )
    c.file(
        "html-table-deep",
        "html",
        "tables.html",
        _html("<table><tr><td>" * 3000 + a(51)).encode(),
        "3k nested tables",
    )
    if big:
        script = "<script>var x = '" + "a" * 3 * MB + "';</script>"
        c.file("html-script-3mb", "html", "script.html", _html(script + p).encode(), "3 MB script")
        c.file("html-script-only", "html", "scripts.html", _html(script).encode(), "only script")
        style = "<style>" + ".c{color:red}" * 200_000 + "</style>"
        c.file("html-style-2mb", "html", "style.html", _html(p, style).encode(), "2.6 MB style")
        line = (a(52).replace("\n", " ") + " ") * (10 * MB // len(a(52)))
        c.file("html-huge-line", "html", "line.html", _html(f"<p>{line}</p>").encode(), "10 MB")


def _bomb(kind: str, text: str, levels: int = 10) -> str:
    """A document whose DTD defines entities that expand to 10**levels copies (billion laughs)."""
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)
    ]
    dtd = f"<!DOCTYPE {'rss' if kind == 'rss' else 'html'} [{''.join(ents)}]>"
    if kind == "rss":
        return (
            f'<?xml version="1.0"?>{dtd}<rss version="2.0"><channel><title>&lol{levels - 1};'
            f"</title><item><title>Bomb</title><description>&lol{levels - 1}; {text}"
            "</description></item></channel></rss>"
        )
    return (
        f"<?xml version='1.0'?>{dtd}<html><body><p>&lol{levels - 1};</p><p>{text}</p></body></html>"
    )


def _rss(items: list[str], title: str = "Velmora Herald") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://velmora.example/</link>{''.join(items)}"
        "</channel></rss>"
    )


def _item(n: int, body: str | None = None, date: str = "Tue, 04 Nov 2025 10:00:00 GMT") -> str:
    # Two reports in one entry: longer than the 400 characters a summary needs to be an article.
    text = body if body is not None else f"{_unique(n)}\n\n{_article(n + 1)}"
    return (
        f"<item><title>Report {n}</title><link>https://velmora.example/{n}</link>"
        f"<pubDate>{date}</pubDate><description><![CDATA[{text}]]></description></item>"
    )


def _feed_cases(c: _Corpus) -> None:
    ok = _rss([_item(60), _item(61)])
    c.file("feed-truncated", "feed", "cut.xml", ok[: len(ok) // 2].encode(), "cut in the middle")
    c.file("feed-not-xml", "feed", "junk.rss", b"this is not < xml & at all" * 20, "not XML")
    c.file(
        "feed-undefined-entity",
        "feed",
        "ent.xml",
        _rss(
            [
                _item(62, _unique(62) + " &nbsp; &eacute; &bogus;")
                .replace("<![CDATA[", "")
                .replace("]]>", "")
            ]
        ).encode(),
        "undefined entities",
    )
    c.file("feed-billion-laughs", "feed", "bomb.xml", _bomb("rss", _unique(63)).encode(), "bomb")
    c.file(
        "feed-quadratic",
        "feed",
        "quad.xml",
        (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{"x" * 50_000}">]><rss version="2.0">'
            f"<channel><title>Q</title><item><title>Q</title><description>{'&a;' * 2000}"
            "</description></item></channel></rss>"
        ).encode(),
        "quadratic blowup: 2000 x 50 kB",
    )
    c.file(
        "feed-xxe",
        "feed",
        "xxe.xml",
        (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<rss version="2.0"><channel><title>X</title><item><title>X</title><description>&x; '
            f"{_unique(64)}</description></item></channel></rss>"
        ).encode(),
        "an external entity (must not be read)",
    )
    c.file("feed-no-items", "feed", "none.xml", _rss([]).encode(), "no entries")
    c.file("feed-link-only", "feed", "links.xml", _rss([_item(65, "Teaser.")]).encode(), "teaser")
    c.many(
        "feed-mixed",
        "feed",
        _write_feed([_item(66), _item(67, "Short."), _item(68)]),
        "two articles and a teaser",
    )
    c.many(
        "feed-bad-dates",
        "feed",
        _write_feed(
            [
                _item(69, date="not a date"),
                _item(70, date="Tue, 31 Feb 99999 99:99:99 GMT"),
                _item(71, date="Thu, 01 Jan 1970 00:00:00 GMT"),
                _item(72, date=""),
            ]
        ),
        "unreadable and extreme dates",
    )
    c.many("feed-duplicate-entries", "feed", _write_feed([_item(73)] * 3), "one entry three times")
    c.many("feed-200-entries", "feed", _write_feed([_item(100 + n) for n in range(200)]), "200")
    c.file(
        "feed-nul",
        "feed",
        "nul.xml",
        _rss([_item(74)]).encode().replace(b"<item>", b"\x00<item>"),
        "a NUL byte in the XML",
    )
    c.file(
        "feed-wrong-encoding",
        "feed",
        "enc.xml",
        _rss([_item(75, FOREIGN["fr"])]).encode("latin-1"),
        "says UTF-8, is Latin-1",
    )
    c.file(
        "feed-utf16",
        "feed",
        "u16.xml",
        _rss([_item(76)]).replace("utf-8", "utf-16").encode("utf-16"),
        "UTF-16 feed",
    )
    c.file(
        "feed-atom-html-content",
        "feed",
        "atom.atom",
        (
            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            '<entry><title>E</title><content type="html">&lt;script&gt;alert(1)&lt;/script&gt;'
            f"&lt;p&gt;{_unique(77)}&lt;/p&gt;</content></entry></feed>"
        ).encode(),
        "Atom content with a script",
    )
    c.file(
        "feed-atom-broken",
        "feed",
        "broken.atom",
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>E<content>',
        "Atom cut short",
    )
    c.file(
        "feed-deep",
        "feed",
        "deep.xml",
        ("<rss><channel>" + "<x>" * 10_000 + "</x>" * 10_000 + "</channel></rss>").encode(),
        "10k nested elements",
    )
    c.file(
        "feed-rtl",
        "feed",
        "rtl.xml",
        _rss([_item(78, FOREIGN["he"] + " " + FOREIGN["ar"])]).encode(),
        "an entry in Hebrew and Arabic",
    )


def _write_feed(items: list[str]) -> _WRITER:
    def write(folder: Path) -> tuple[tuple[Path, ...], int | None]:
        path = folder / "feed.xml"
        path.write_text(_rss(items), encoding="utf-8")
        return (path,), len(items)

    return write


def _jsonl_cases(c: _Corpus, big: bool) -> None:
    def lines(*rows: object, raw: tuple[str, ...] = ()) -> bytes:
        out = [json.dumps(r, ensure_ascii=False) if not isinstance(r, str) else r for r in rows]
        return ("\n".join(out + list(raw)) + "\n").encode()

    def multi(name: str, data: bytes, items: int, note: str, filename: str = "a.jsonl") -> None:
        def write(folder: Path) -> tuple[tuple[Path, ...], int | None]:
            path = folder / filename
            path.write_bytes(data)
            return (path,), items

        c.many(name, "jsonl", write, note)

    t = _unique
    multi(
        "jsonl-bad-lines",
        lines({"text": t(80)}, "{not json", "", "[1, 2]", "null", '"str"', {"text": t(81)}),
        6,
        "good lines between bad ones",
    )
    multi("jsonl-all-bad", b"{\n}\n{{{\n,,,\n", 4, "every line invalid")
    multi(
        "jsonl-types",
        lines(
            {"text": 5},
            {"text": None},
            {"text": ["a"]},
            {"title": "no text"},
            {"text": ""},
            {"text": "   "},
            {"text": True},
        ),
        7,
        "text of the wrong type",
    )
    multi(
        "jsonl-bom-crlf",
        codecs.BOM_UTF8 + lines({"text": t(82)}, {"text": t(83)}).replace(b"\n", b"\r\n"),
        2,
        "BOM and CRLF",
    )
    multi(
        "jsonl-u2028-in-string",
        lines({"text": t(84).replace(". ", ".\u2028 ")}, {"text": t(85).replace(". ", ".\u2029 ")}),
        2,
        "raw U+2028/2029 inside strings",
    )
    multi(
        "jsonl-lone-surrogate",
        lines(
            '{"text": "' + t(86).replace("\n", " ") + ' \\ud800"}',
            '{"text": "\\udfff ' + t(87).replace("\n", " ") + '"}',
        ),
        2,
        "escaped lone surrogates (valid JSON, not encodable)",
    )
    multi("jsonl-nul-escape", lines({"text": t(88) + "\x00\x00"}), 1, "escaped NULs in text")
    multi("jsonl-deep", lines("[" * 100_000 + "]" * 100_000, {"text": t(89)}), 2, "100k nesting")
    multi(
        "jsonl-nan",
        lines('{"text": NaN}', '{"text": ' + json.dumps(t(90)) + ', "published": Infinity}'),
        2,
        "NaN and Infinity",
    )
    multi(
        "jsonl-dup-keys",
        lines('{"text": "x", "text": ' + json.dumps(t(91)) + "}"),
        1,
        "a key twice (the last one wins)",
    )
    multi(
        "jsonl-bad-dates",
        lines(
            {"text": t(92), "published": "yesterday-ish"},
            {"text": t(93), "published": "99999-01-01"},
            {"text": t(94), "published": 1e300},
            {"text": t(95), "published": -5},
            {"text": t(96), "published": {"y": 1}},
        ),
        5,
        "dates of every wrong kind",
    )
    multi(
        "jsonl-html-text",
        lines({"text": _html("<script>x()</script>")}, {"text": render_page("T", t(97))}),
        2,
        "HTML in text",
    )
    multi(
        "jsonl-huge-number",
        lines('{"text": ' + json.dumps(t(98)) + ', "title": ' + "9" * 5000 + "}"),
        1,
        "a 5000-digit number",
    )
    multi(
        "jsonl-foreign",
        lines(*({"text": v, "title": k} for k, v in sorted(FOREIGN.items()))),
        len(FOREIGN),
        "one line per language",
    )
    multi("jsonl-latin1", lines({"text": FOREIGN["es"]}).decode().encode("latin-1"), 1, "latin1")
    multi(
        "jsonl-trailing-garbage",
        lines({"text": t(99)}) + b"\x00\x01\x02",
        1,
        "a binary tail: the whole file is refused as binary",
    )
    multi(
        "json-array", json.dumps([{"text": t(200)}, {"text": 1}, 3]).encode(), 3, "array", "a.json"
    )
    multi("json-empty-array", b"[]", 1, "an empty array", "a.json")
    multi("json-scalar", b"42", 1, "a number", "a.json")
    multi("json-deep", b"[" * 50_000 + b"]" * 50_000, 1, "50k nested arrays", "a.json")
    multi("json-truncated", json.dumps({"text": t(201)}).encode()[:-10], 1, "cut short", "a.json")
    if big:
        multi(
            "jsonl-huge-line",
            lines({"text": (t(202).replace("\n", " ") + " ") * 20_000}, {"text": t(203)}),
            2,
            "a 10 MB line",
        )


def _warc_pages(first: int, count: int) -> list[Page]:
    return [
        Page(f"https://velmora.example/{n}", render_page(f"Report {n}", _unique(n)))
        for n in range(first, first + count)
    ]


def _one(filename: str, data: bytes) -> _WRITER:
    """One file whose number of outcomes depends on how far the parser reads it."""

    def write(folder: Path) -> tuple[tuple[Path, ...], int | None]:
        path = folder / filename
        path.write_bytes(data)
        return (path,), None

    return write


def _warc_cases(c: _Corpus) -> None:
    for gz in (True, False):
        ext = ".warc.gz" if gz else ".warc"
        for keep in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95):

            def cut(
                folder: Path, keep: float = keep, ext: str = ext
            ) -> tuple[tuple[Path, ...], int | None]:
                path = write_warc(folder / f"cut{ext}", _warc_pages(300, 4))
                truncate(path, keep)
                return (path,), None

            c.many(f"warc-truncated-{int(keep * 100)}{ext}", "warc", cut, f"first {keep:.0%} kept")

    def corrupt(seed: int) -> _WRITER:
        def write(folder: Path) -> tuple[tuple[Path, ...], int | None]:
            path = write_warc(folder / "bad.warc.gz", _warc_pages(320, 4))
            data = bytearray(path.read_bytes())
            rng = random.Random(seed)
            for _ in range(8):
                data[rng.randrange(len(data) // 4, len(data))] ^= 0xFF
            path.write_bytes(bytes(data))
            return (path,), None

        return write

    for seed in range(6):
        c.many(f"warc-gzip-corrupt-{seed}", "warc", corrupt(seed), "8 flipped bytes in gzip")

    def whole(folder: Path) -> tuple[tuple[Path, ...], int | None]:
        # 4 pages + an image and a 404 (extras): 6 response records, 6 outcomes
        return (write_warc(folder / "ok.warc.gz", _warc_pages(330, 4)),), 6

    c.many("warc-intact", "warc", whole, "an intact archive, for contrast")
    c.file("warc-empty", "warc", "empty.warc.gz", b"", "zero bytes")
    c.file("warc-random", "warc", "rand.warc.gz", random.Random(3).randbytes(5000), "random")
    c.file("warc-gzip-of-text", "warc", "text.warc.gz", gzip.compress(b"hello " * 500), "not WARC")
    c.many("warc-plain-text", "warc", _one("text.warc", _unique(340).encode()), "text as .warc")
    c.file(
        "warc-header-only",
        "warc",
        "hdr.warc",
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999999\r\n\r\nshort",
        "a header that promises more",
    )
    c.file(
        "warc-bad-length",
        "warc",
        "len.warc",
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: -5\r\n\r\n",
        "a negative length",
    )

    def non_html(folder: Path) -> tuple[tuple[Path, ...], int | None]:
        pages = [
            Page("https://v.example/a.json", b'{"a": 1}', content_type="application/json"),
            Page("https://v.example/b", b"\x89PNG\r\n\x1a\n" + bytes(99), content_type=""),
            Page(
                "https://v.example/c",
                render_page("C", _unique(341)),
                content_type="text/html; charset=klingon",
            ),
            Page("https://v.example/d", _unique(342).encode("utf-16"), content_type="text/html"),
            Page("https://v.example/e", b"", content_type="text/html"),
        ]
        return (write_warc(folder / "odd.warc", pages, extras=False),), len(pages)

    c.many("warc-odd-responses", "warc", non_html, "JSON, untyped PNG, bad charset, empty")

    def arc(keep: float | None) -> _WRITER:
        def write(folder: Path) -> tuple[tuple[Path, ...], int | None]:
            path = write_arc(folder / "old.arc.gz", _warc_pages(350, 3))
            if keep is not None:
                truncate(path, keep)
            return (path,), 3 if keep is None else None

        return write

    c.many("arc-intact", "warc", arc(None), "an intact ARC")
    c.many("arc-truncated", "warc", arc(0.6), "a truncated ARC")


def _path_cases(c: _Corpus) -> None:
    def write(make: Callable[[Path], int]) -> _WRITER:
        def run(folder: Path) -> tuple[tuple[Path, ...], int | None]:
            return (folder,), make(folder)

        return run

    def directory_named_txt(folder: Path) -> int:
        (folder / "looks-like.txt").mkdir()
        (folder / "looks-like.txt" / "inside.txt").write_text(_unique(400))
        return 1

    def symlink_loop(folder: Path) -> int:
        os.symlink(folder / "b.txt", folder / "a.txt")
        os.symlink(folder / "a.txt", folder / "b.txt")
        return 2

    def dangling(folder: Path) -> int:
        os.symlink(folder / "missing.txt", folder / "dangling.txt")
        return 1

    def dir_loop(folder: Path) -> int:
        (folder / "sub").mkdir()
        (folder / "sub" / "story.txt").write_text(_unique(401))
        os.symlink(folder, folder / "sub" / "loop")
        return 2  # the story, and the loop reported

    def unreadable(folder: Path) -> int:
        path = folder / "locked.txt"
        path.write_text(_unique(402))
        path.chmod(0)
        return 1  # as root the file is still read: ingested; otherwise rejected

    def unreadable_dir(folder: Path) -> int:
        sub = folder / "locked"
        sub.mkdir()
        (sub / "story.txt").write_text(_unique(403))
        sub.chmod(0)
        return 1

    def long_name(folder: Path) -> int:
        (folder / ("n" * 251 + ".txt")).write_text(_unique(404))
        (folder / ("é" * 123 + ".txt")).write_text(_unique(405))  # 250 bytes in UTF-8
        return 2

    def odd_names(folder: Path) -> int:
        (folder / "new\nline.txt").write_text(_unique(406))
        (folder / " spaced  .txt").write_text(_unique(407))
        (folder / "-dash.txt").write_text(_unique(408))
        (folder / "\u202etxt.exe").write_text(_unique(409))
        return 4

    def bad_bytes_name(folder: Path) -> int:
        name = os.fsencode(folder) + b"/caf\xe9-\xff.txt"
        with open(name, "wb") as handle:
            handle.write(_unique(410).encode())
        return 1

    def fifo(folder: Path) -> int:
        os.mkfifo(folder / "pipe.txt")
        return 1

    def device(folder: Path) -> int:
        os.symlink("/dev/zero", folder / "zero.txt")
        os.symlink("/dev/urandom", folder / "random.html")
        return 2

    def deep_tree(folder: Path) -> int:
        deep = folder
        for n in range(60):
            deep = deep / f"d{n}"
        deep.mkdir(parents=True)
        (deep / "story.txt").write_text(_unique(411))
        return 1

    for name, make, note in (
        ("dir-named-txt", directory_named_txt, "a folder named .txt"),
        ("symlink-loop", symlink_loop, "two links to each other"),
        ("symlink-dangling", dangling, "a link to nothing"),
        ("symlink-dir-loop", dir_loop, "a folder link to its parent"),
        ("chmod-000", unreadable, "a file nobody may read (root still can)"),
        ("chmod-000-dir", unreadable_dir, "a folder nobody may list (root still can)"),
        ("long-names", long_name, "255-byte file names"),
        ("odd-names", odd_names, "newline, spaces, dash, RTL override in names"),
        ("undecodable-name", bad_bytes_name, "a file name that is not UTF-8"),
        ("fifo", fifo, "a named pipe: reading it would block forever"),
        ("device", device, "links to /dev/zero and /dev/urandom: endless"),
        ("deep-folders", deep_tree, "60 nested folders"),
    ):
        c.many(name, "path", write(make), note)

    def missing(folder: Path) -> tuple[tuple[Path, ...], int | None]:
        return (folder / "nope.txt", folder / "*.nothing"), 2

    c.many("missing-paths", "path", missing, "a missing file and an empty pattern")


def build_corpus(root: Path, *, big: bool = True) -> list[Case]:
    """Write the malformed-input corpus under ``root`` (an empty folder) and return its cases.

    Args:
        root: where to write; one numbered sub-folder per case.
        big: include the megabyte cases (10 MB lines, 3 MB of script, a file over the size
            limit); leave them out for fast tests.
    """
    corpus = _Corpus(root)
    _text_cases(corpus, big)
    _binary_cases(corpus)
    _html_cases(corpus, big)
    _feed_cases(corpus)
    _jsonl_cases(corpus, big)
    _warc_cases(corpus)
    _path_cases(corpus)
    return corpus.cases


def unlock(root: Path) -> None:
    """Give back the permissions the corpus took away, so that ``root`` can be deleted."""
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)


INTERNAL = "internal error"  # how a reader's safety net words a bug it caught


def problems(case: Case, outcomes: Sequence[IngestOutcome], min_chars: int = 80) -> list[str]:
    """What is wrong with the ``outcomes`` of ``case`` (empty when all is well).

    Every input item must end ingested (with text of at least ``min_chars``), duplicate (of a
    named article) or rejected (with a reason); the number of outcomes must be the case's
    ``items``, or at least one; no reason may be a bug caught by a reader's safety net.
    """
    found: list[str] = []
    if case.items is not None and len(outcomes) != case.items:
        found.append(f"{case.name}: {len(outcomes)} outcomes for {case.items} input items")
    if not outcomes:
        found.append(f"{case.name}: no outcome at all")
    for outcome in outcomes:
        label = f"{case.name}: {outcome.where!r}"
        if outcome.status is IngestStatus.REJECTED:
            if not (outcome.reason or "").strip():
                found.append(f"{label}: rejected without a reason")
            elif INTERNAL in (outcome.reason or ""):
                found.append(f"{label}: {outcome.reason}")
        elif outcome.status is IngestStatus.DUPLICATE:
            if not outcome.duplicate_of:
                found.append(f"{label}: duplicate of nothing")
        elif outcome.article is None or len(outcome.article.text) < min_chars:
            found.append(f"{label}: ingested without article text")
    return found

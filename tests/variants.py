"""Saving tools, imitated. Each kind turns a fixture page into the file that a way of saving
it leaves (another encoding, markdown, a terminal's wrap, a reader view, a cut capture) and
labels it with the record fields it must give: those of the original, less what the
transformation removes.

    python -m tests.variants        # the accuracy table of every kind (docs/reading.md)

The scores count, per kind, the labelled fields a variant gets right; a value where the label
has none is invented, a value unlike the label's is wrong, a page with no record while its
original has one is dropped.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from precarious.blocks import detect, extract_page
from precarious.errors import PrecariousError
from precarious.read import decode, page_from_text

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = [
    ROOT / "seeds",
    ROOT / "tests" / "fixtures" / "pages",
    ROOT / "tests" / "fixtures" / "corpus" / "harbours",
    ROOT / "tests" / "fixtures" / "other-books",
]
# The record fields a label states (book fields flattened).
FIELDS = (
    "type",
    "number",
    "title",
    "part",
    "authors",
    "summary_heading",
    "summary",
    "pages",
    "book_title",
    "book_subtitle",
    "publisher",
    "print_year",
    "published_online",
    "doi",
    "contents",
    "captured_at",
)
# What each kind of block gives in the record.
BLOCK_FIELDS = {
    "heading": ("number", "title", "part"),
    "online": ("published_online",),
    "authors": ("authors",),
    "summary": ("summary_heading", "summary"),
    "contents": ("contents",),
    "type": ("type",),
    "boilerplate": ("captured_at",),
}
INFORMATION = ("pages", "book_title", "book_subtitle", "publisher", "print_year", "doi")
for _kind in ("information", "book", "pages", "doi", "publisher", "year"):
    BLOCK_FIELDS[_kind] = INFORMATION


def fields(record: dict[str, Any]) -> dict[str, Any]:
    """A record's labelled fields; an empty list is no value."""
    book = record["book"]
    summary = record["summary"]
    out = {
        "type": record["type"],
        "number": record["number"],
        "title": record["title"],
        "part": record["part"],
        "authors": [(a["name"], a["affiliation"]) for a in record["authors"]],
        "summary_heading": summary["heading"],
        "summary": list(summary["paragraphs"]),
        "pages": record["pages"] and (record["pages"]["first"], record["pages"]["last"]),
        "book_title": book["title"],
        "book_subtitle": book["subtitle"],
        "publisher": book["publisher"],
        "print_year": book["print_year"],
        "published_online": record["published_online"],
        "doi": record["doi"],
        "contents": [(e["number"], e["title"]) for e in record["contents"]],
        "captured_at": record["captured_at"],
    }
    return {k: (v if v not in ([], "") else None) for k, v in out.items()}


@dataclass(frozen=True)
class Original:
    """A fixture page: its text, its lines' block kinds and its record's fields."""

    name: str
    text: str
    lines: list[str]
    kinds: list[str]
    label: dict[str, Any]
    open_end: bool


@dataclass(frozen=True)
class Variant:
    kind: str
    name: str
    data: bytes
    label: dict[str, Any]


def originals() -> list[Original]:
    """Every fixture page that gives a record."""
    found = []
    for folder in FOLDERS:
        for path in sorted(folder.rglob("*.txt")):
            text = decode(path.read_bytes(), str(path)).text.lstrip("\ufeff")
            text = text.replace("\r\n", "\n")
            page = page_from_text(text, path.stem)
            try:
                record = extract_page(page)
            except PrecariousError:
                continue
            kinds: list[str] = []
            for block in detect(page):
                kinds += [block.kind] * (block.end - block.start + 1)
            lines = text.split("\n")
            if not page.open_end:
                lines.pop()
            name = str(path.relative_to(ROOT))
            found.append(
                Original(name, text, lines, kinds, fields(record.to_dict()), page.open_end)
            )
    return found


# -- the kinds ---------------------------------------------------------------------------

Make = Callable[[Original], "tuple[str, dict[str, Any]] | tuple[bytes, dict[str, Any]] | None"]
KINDS: dict[str, Make] = {}


def kind(name: str) -> Callable[[Make], Make]:
    def register(make: Make) -> Make:
        KINDS[name] = make
        return make

    return register


def joined(lines: list[str], open_end: bool) -> str:
    return "\n".join(lines) + ("" if open_end else "\n")


def keeping(o: Original, kept: range | list[int]) -> dict[str, Any]:
    """The label of the original less the fields of the blocks none of whose lines are
    kept (the capture date goes with its 'Render date' line)."""
    label = dict(o.label)
    left = {o.kinds[i] for i in kept if o.lines[i]}
    for k in set(o.kinds) - left:
        for f in BLOCK_FIELDS.get(k, ()):
            label[f] = None
    if not any("Render date" in o.lines[i] for i in kept):
        label["captured_at"] = None
    return label


@kind("UTF-8 with BOM")
def _bom(o: Original) -> tuple[bytes, dict[str, Any]]:
    return b"\xef\xbb\xbf" + o.text.encode(), o.label


@kind("UTF-16 (Notepad 'Unicode')")
def _utf16(o: Original) -> tuple[bytes, dict[str, Any]]:
    return b"\xff\xfe" + o.text.replace("\n", "\r\n").encode("utf-16-le"), o.label


@kind("UTF-32")
def _utf32(o: Original) -> tuple[bytes, dict[str, Any]]:
    return b"\x00\x00\xfe\xff" + o.text.encode("utf-32-be"), o.label


def _cp1252(text: str) -> str:
    return text.encode("cp1252", "replace").decode("cp1252")


@kind("Windows-1252 (Notepad 'ANSI')")
def _ansi(o: Original) -> tuple[bytes, dict[str, Any]]:
    """What cannot be written in Windows-1252 becomes '?', in the file and in the label."""
    return o.text.replace("\n", "\r\n").encode("cp1252", "replace"), _mapped(o.label, _cp1252)


def _mapped(value: Any, f: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return f(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_mapped(v, f) for v in value)
    if isinstance(value, dict):
        return {k: _mapped(v, f) for k, v in value.items()}
    return value


# Windows-1252 leaves five bytes undefined; a sloppy reader maps them as Latin-1 does.
def _sloppy(data: bytes) -> str:
    return "".join(
        bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b)
        for b in data
    )


@kind("mojibake (UTF-8 read as Windows-1252)")
def _mojibake(o: Original) -> tuple[str, dict[str, Any]] | None:
    if o.text.isascii():
        return None
    return _sloppy(o.text.encode()), o.label


@kind("HTML character references")
def _entities(o: Original) -> tuple[str, dict[str, Any]] | None:
    if o.text.isascii() and "&" not in o.text:
        return None

    def ref(c: str) -> str:
        return {"&": "&amp;", "\xa0": "&nbsp;"}.get(c) or (c if c.isascii() else f"&#{ord(c)};")

    return "".join(map(ref, o.text)).replace("1924&#8211;", "1924&ndash;"), o.label


@kind("CRLF line ends")
def _crlf(o: Original) -> tuple[str, dict[str, Any]]:
    return o.text.replace("\n", "\r\n"), o.label


@kind("notes app paste (tabs, bullets, NBSP)")
def _notes(o: Original) -> tuple[str, dict[str, Any]]:
    out = []
    for line in o.lines:
        if line.startswith("- "):
            out.append(f"•\t{line[2:]} ")
        elif line:
            out.append("\t" + line.replace(": ", ":\xa0", 1) + " ")
        else:
            out.append("")
    return joined(out, o.open_end), o.label


@kind("reader view (blank line between lines, no site chrome)")
def _reader(o: Original) -> tuple[str, dict[str, Any]]:
    rows = [i for i, k in enumerate(o.kinds) if o.lines[i] and k != "boilerplate"]
    spaced = [x for i in rows for x in (o.lines[i], "")][:-1]
    return joined(spaced, o.open_end), keeping(o, rows)


@kind("site chrome removed")
def _no_chrome(o: Original) -> tuple[str, dict[str, Any]]:
    rows = [i for i, k in enumerate(o.kinds) if k != "boilerplate"]
    return joined([o.lines[i] for i in rows], o.open_end), keeping(o, rows)


# -- markdown ------------------------------------------------------------------------------

_LABELS = {"summary", "abstract", "type", "information", "book contents"}


def _escape(text: str) -> str:
    text = re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)
    text = re.sub(r"^(#|[-+] |\d+\. )", lambda m: "\\" + m[0] if m[0][0] in "#-+" else "", text)
    return re.sub(r"^(\d+)\. ", r"\1\\. ", text)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def _markdown_line(line: str, kind_: str, bullet: str) -> str:
    if not line:
        return line
    bare = line[2:] if line.startswith("- ") else line
    if kind_ == "heading" and not bare.casefold().startswith("from "):
        return f"# {_escape(bare)}"
    if kind_ == "heading":
        return f"*{_escape(bare)}*"
    if bare.casefold() in _LABELS and bare is line:
        return f"## {bare}" if bare.casefold() in ("summary", "book contents") else f"**{bare}**"
    if kind_ == "contents" and bare is not line:
        url = f"https://www.cambridge.org/core/books/the-book/{_slug(bare)}/0A1B2C3D"
        return f"{bullet}[{_escape(bare)}]({url})"
    if kind_ == "boilerplate" and bare.casefold() == "get access":
        return "[Get access](https://www.cambridge.org/core/product/identifier/CBO1/type/BOOK_PART)"
    if kind_ == "authors" and not bare.casefold().startswith("affiliation") and bare[:1].isupper():
        name = bare.rstrip("*†")
        url = f"https://www.cambridge.org/core/search?filters%5BauthorTerms%5D={_slug(name)}"
        mark = _escape(bare[len(name) :])
        return f"[{_escape(name)}]({url}){mark}" if " " in name else _escape(bare)
    if bare.startswith("DOI: https://"):
        doi = bare[5:]
        return f"DOI: [{doi}]({doi})"
    return bullet + _escape(bare) if bare is not line else _escape(line)


def _markdown(o: Original, bullet: str) -> list[str]:
    out = []
    previous = ""
    for line, k in zip(o.lines, o.kinds, strict=True):
        affiliation = k == "authors" and previous.casefold().endswith("affiliation:")
        out.append(_markdown_line(line, "affiliation" if affiliation else k, bullet))
        previous = line or previous
    return out


@kind("markdown clipper")
def _clipper(o: Original) -> tuple[str, dict[str, Any]]:
    """MarkDownload, Obsidian's web clipper: ATX headings, links, a blank line after each
    paragraph (list items stay together)."""
    out: list[str] = []
    for line in _markdown(o, "- "):
        out.append(line)
        if line and not line.startswith("- "):
            out.append("")
    return joined(out, o.open_end), o.label


_HTML2TEXT: dict[str, Any] = {"break_long_words": False, "break_on_hyphens": False}


@kind("html2text (markdown, wrapped at 78)")
def _html2text(o: Original) -> tuple[str, dict[str, Any]]:
    out: list[str] = []
    for line in _markdown(o, "  * "):
        if line.startswith("  * "):
            out += textwrap.wrap(line, 78, subsequent_indent="    ", **_HTML2TEXT)
        elif line:
            out += [*textwrap.wrap(line, 78, **_HTML2TEXT), ""]
        else:
            out.append("")
    return joined(out, o.open_end), o.label


# -- hard wraps ----------------------------------------------------------------------------


def _wrapped(o: Original, width: int, indent: str = "", bullet: str = "- ") -> list[str]:
    out: list[str] = []
    for line in o.lines:
        if not line:
            out.append("")
        elif line.startswith("- "):
            first = f"{indent}{bullet}{line[2:]}"
            rest = indent + " " * len(bullet)
            out += textwrap.wrap(first, width, subsequent_indent=rest, break_long_words=False)
        else:
            out += textwrap.wrap(
                indent + line, width, subsequent_indent=indent, break_long_words=False
            )
    return out


def wrap_kind(width: int) -> Make:
    def make(o: Original) -> tuple[str, dict[str, Any]]:
        return joined(_wrapped(o, width), o.open_end), o.label

    return make


KINDS["terminal wrap at 72"] = wrap_kind(72)
KINDS["terminal wrap at 80"] = wrap_kind(80)
KINDS["wrapped at 100"] = wrap_kind(100)


@kind("lynx -dump (indented, '*' bullets, wrapped at 76)")
def _lynx(o: Original) -> tuple[str, dict[str, Any]]:
    return joined(_wrapped(o, 76, "   ", "* "), o.open_end), o.label


def _hyphenate(text: str, width: int) -> list[str]:
    """A greedy fill that hyphenates a word that does not fit where TeX's English patterns
    allow it (pyphen), as a typesetting wrap does."""
    import pyphen

    dictionary = pyphen.Pyphen(lang="en_US")
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        room = width - len(line) - (1 if line else 0)
        if len(word) <= room:
            line = f"{line} {word}" if line else word
            continue
        pieces = dictionary.wrap(word, room) if word.isalpha() else None
        if pieces:
            lines.append(f"{line} {pieces[0]}" if line else pieces[0])
            line = pieces[1]
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


@kind("wrapped at 66 with hyphenation")
def _hyphenated(o: Original) -> tuple[str, dict[str, Any]]:
    out: list[str] = []
    for line in o.lines:
        out += _hyphenate(line, 66) if line else [""]
    return joined(out, o.open_end), o.label


# -- partial captures ------------------------------------------------------------------------


def _first(o: Original, kind_: str) -> int | None:
    return next((i for i, k in enumerate(o.kinds) if k == kind_), None)


@kind("selection starting at 'Summary'")
def _from_summary(o: Original) -> tuple[str, dict[str, Any]] | None:
    at = _first(o, "summary")
    if at is None or o.label["type"] is None:
        return None
    return joined(o.lines[at:], o.open_end), keeping(o, range(at, len(o.lines)))


@kind("capture starting below the heading")
def _below_heading(o: Original) -> tuple[str, dict[str, Any]] | None:
    at = _first(o, "heading")
    if at is None or o.label["type"] is None:
        return None
    while at < len(o.kinds) and o.kinds[at] == "heading":
        at += 1
    label = keeping(o, range(at, len(o.lines)))
    label.update(number=None, title=None, part=None)
    return joined(o.lines[at:], o.open_end), label


@kind("capture cut mid-summary")
def _mid_summary(o: Original) -> tuple[str, dict[str, Any]] | None:
    """Cut two thirds into the summary's last paragraph, inside a word. (A line so short
    that it could be the summary's heading is no test: the page cannot say which it is.)"""
    rows = [i for i, k in enumerate(o.kinds) if k == "summary" and o.lines[i]]
    if o.open_end or not o.label["summary"] or not rows:
        return None
    last = rows[-1]
    paragraph = o.lines[last]
    if o.label["summary"][-1] != paragraph:
        return None
    cut = paragraph.rindex(" ", 0, len(paragraph) * 2 // 3) + 4  # inside a word
    if len(o.label["summary"]) == 1 and len(paragraph[:cut].split()) <= 15:
        return None
    label = keeping(o, range(last + 1))
    label["summary"] = [*o.label["summary"][:-1], paragraph[:cut]]
    return joined([*o.lines[:last], paragraph[:cut]], True), label


def _cut_before(block: str) -> Make:
    """A capture that stops at a line break right before a block (its Type, its
    Information)."""

    def make(o: Original) -> tuple[str, dict[str, Any]] | None:
        at = _first(o, block)
        if at is None or o.open_end:
            return None
        return joined(o.lines[:at], False), keeping(o, range(at))

    return make


KINDS["capture cut before the Type line"] = _cut_before("type")
KINDS["capture cut before Information"] = _cut_before("information")


# -- scoring -------------------------------------------------------------------------------


def variants() -> Iterator[Variant]:
    for o in originals():
        for name, make in KINDS.items():
            made = make(o)
            if made is None:
                continue
            data, label = made
            if isinstance(data, str):
                data = data.encode()
            yield Variant(name, o.name, data, label)


def record_of(v: Variant) -> dict[str, Any] | None:
    """The fields the tool reads from a variant, or None when it gives no record."""
    try:
        read = decode(v.data, v.name)
        return fields(extract_page(page_from_text(read.text, "v", v.name, read.encoding)).to_dict())
    except PrecariousError:
        return None


Finding = tuple[str, str, str]  # (page, field, what was found)


@dataclass
class Score:
    labelled: int = 0
    correct: int = 0
    invented: list[Finding] = field(default_factory=list)
    wrong: list[Finding] = field(default_factory=list)
    missed: list[Finding] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    pages: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.labelled if self.labelled else 1.0

    def add(self, v: Variant, got: dict[str, Any] | None) -> None:
        self.pages += 1
        expected = {k: v.label[k] for k in FIELDS}
        self.labelled += sum(x is not None for x in expected.values())
        if got is None:
            self.dropped.append(v.name)
            return
        for k, label in expected.items():
            have, want = _norm(got[k]), _norm(label)
            if want is None and have is not None:
                self.invented.append((v.name, k, repr(have)))
            elif want is not None and have is None:
                self.missed.append((v.name, k, f"want {want!r}"))
            elif want is not None and have != want:
                self.wrong.append((v.name, k, f"{have!r}, want {want!r}"))
            elif want is not None:
                self.correct += 1


def _norm(value: Any) -> Any:
    if isinstance(value, list):
        return [tuple(x) if isinstance(x, list) else x for x in value] or None
    if isinstance(value, tuple):
        return tuple(value)
    return value


def scores() -> dict[str, Score]:
    out = {name: Score() for name in KINDS}
    for v in variants():
        out[v.kind].add(v, record_of(v))
    return out


def table(found: dict[str, Score]) -> str:
    """The scores as a markdown table, each kind and all together."""
    rows = ["| way of saving | pages | fields right | invented | wrong | dropped |"]
    rows.append("|---|---:|---:|---:|---:|---:|")
    total = Score()
    for name, s in found.items():
        rows.append(_row(name, s))
        total.pages += s.pages
        total.labelled += s.labelled
        total.correct += s.correct
        total.invented += s.invented
        total.wrong += s.wrong
        total.dropped += s.dropped
    rows.append(_row("**all**", total))
    return "\n".join(rows)


def _row(name: str, s: Score) -> str:
    return (
        f"| {name} | {s.pages} | {s.accuracy:.3f} | {len(s.invented)} | {len(s.wrong)} "
        f"| {len(s.dropped)} |"
    )


if __name__ == "__main__":
    import sys

    found = scores()
    print(table(found))
    if "-v" in sys.argv:
        for name, s in found.items():
            for what in ("invented", "wrong", "missed", "dropped"):
                for item in getattr(s, what):
                    print(f"{name}: {what}: {item if isinstance(item, str) else ' '.join(item)}")

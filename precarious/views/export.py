"""Record → citation formats. CSL-JSON is the model; BibTeX and RIS are derived from it.

Nothing is invented: what a record does not state is left out of every format (a
chapter whose last page was cut off has a first page and no range). bibtexparser and
rispy are imported only when those formats are asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import regex

from precarious.record import Record

# What a reference needs to be findable; an item without one of these is reported.
ESSENTIAL = {
    "title": "title",
    "container-title": "book title",
    "issued": "print year",
    "page": "page range",
}
_ARTICLES = frozenset({"a", "an", "the"})
_DOI = regex.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", regex.IGNORECASE)


def csl_items(records: Sequence[Record]) -> list[dict[str, Any]]:
    """One CSL-JSON item per record, each with a citation key unique within the list."""
    return [csl_item(r, key) for r, key in zip(records, citation_keys(records), strict=True)]


def csl_item(record: Record, key: str) -> dict[str, Any]:
    """The CSL-JSON item (type "chapter") of one record; absent fields are left out."""
    book = record.book
    item: dict[str, Any] = {"id": key, "type": "chapter"}
    container = ": ".join(x for x in (book.title, book.subtitle) if x)
    pages = record.pages
    fields: dict[str, Any] = {
        "title": record.title,
        "container-title": container or None,
        "chapter-number": record.number,
        "page": f"{pages.first}-{pages.last}" if pages and pages.first and pages.last else None,
        "page-first": pages.first if pages else None,
        "publisher": book.publisher,
        "issued": _date_parts(str(book.print_year)) if book.print_year is not None else None,
        "available-date": _date_parts(record.published_online),
        "accessed": _date_parts(record.captured_at[:10]) if record.captured_at else None,
        "author": [csl_name(a.name) for a in record.authors] or None,
        "abstract": "\n\n".join(record.summary) or None,
        "DOI": _DOI.sub("", record.doi) if record.doi else None,
    }
    item.update((k, v) for k, v in fields.items() if v is not None)
    return item


def gaps(item: dict[str, Any]) -> list[str]:
    """The essential fields an item lacks, in words ('title', 'page range', …)."""
    return [words for key, words in ESSENTIAL.items() if key not in item]


_PARTICLES = frozenset("da das de del della den der di do dos du la le ten ter van von zu".split())


def csl_name(name: str) -> dict[str, str]:
    """A printed name as CSL parts, split by nameparser: 'Ludwig van Beethoven' → given
    'Ludwig', particle 'van', family 'Beethoven'; 'Martin Luther King Jr.' → suffix 'Jr.';
    'Doe, Jane' as written. A name of one word stays whole, as a literal."""
    from nameparser import HumanName

    parsed = HumanName(name)
    given = " ".join(p for p in (parsed.title, parsed.first, parsed.middle) if p)
    family = parsed.last
    if not given or not family:
        return {"literal": name}
    out = {"family": family, "given": given}
    words = family.split()
    lead = 0
    while lead < len(words) - 1 and words[lead] in _PARTICLES:
        lead += 1
    if lead:
        out["family"] = " ".join(words[lead:])
        out["non-dropping-particle"] = " ".join(words[:lead])
    if parsed.suffix:
        out["suffix"] = parsed.suffix
    return out


def family_first(n: dict[str, str]) -> str:
    """'van Beethoven, Ludwig', 'King, Jr., Martin Luther' (BibTeX's and RIS's order)."""
    if "literal" in n:
        return n["literal"]
    family = " ".join(p for p in (n.get("non-dropping-particle"), n["family"]) if p)
    suffix = n.get("suffix")
    return f"{family}, {suffix}, {n['given']}" if suffix else f"{family}, {n['given']}"


def _date_parts(iso: str | None) -> dict[str, list[list[int]]] | None:
    """'2011-06-01' → {"date-parts": [[2011, 6, 1]]}; a month-only date stays a month."""
    return None if not iso else {"date-parts": [[int(p) for p in iso.split("-")]]}


# -- citation keys ----------------------------------------------------------------------


class Chosen(NamedTuple):
    """The records an export holds, their CSL items, and what it left out."""

    records: list[Record]
    items: list[dict[str, Any]]
    untitled: int  # pages without a title, left out
    copies: int  # copies of a chapter already exported


def chosen(records: Iterable[Record], untitled: bool = False) -> Chosen:
    """The records of an export, each chapter once (its copy with the fewest warnings), the
    pages without a title left out unless `untitled`, each with its CSL item."""
    kept: dict[tuple[Any, ...], Record] = {}
    left_out = copies = 0
    for r in records:
        if r.title is None and not untitled:
            left_out += 1
            continue
        work = _work(r)
        if work in kept:
            copies += 1
            if len(r.warnings) < len(kept[work].warnings):
                kept[work] = r
            continue
        kept[work] = r
    out = list(kept.values())
    keys = citation_keys(out)
    return Chosen(out, [csl_item(r, k) for r, k in zip(out, keys, strict=True)], left_out, copies)


def _work(r: Record) -> tuple[Any, ...]:
    """What makes two pages the same chapter: its book, number, title and first page."""
    pages = r.pages.first if r.pages else None
    return (r.book.title, r.book.print_year, r.number, r.title, pages)


def citation_keys(records: Sequence[Record]) -> list[str]:
    """Each record's citation key (base_key). Two chapters of an export that share one get
    four letters of a digest of the chapter each: a key never depends on the order of the
    export, and changes with what else it holds only for chapters that would clash."""
    bases = [base_key(r) for r in records]
    counts = Counter(bases)
    keys = [
        b if counts[b] == 1 else f"{b}-{_digest(r)}" for b, r in zip(bases, records, strict=True)
    ]
    # Copies of one chapter (which an export holds once: `chosen`) are numbered in order.
    seen: Counter[str] = Counter()
    out = []
    for key in keys:
        seen[key] += 1
        out.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return out


def _digest(r: Record) -> str:
    import zlib

    return f"{zlib.crc32(repr(_work(r)).encode()) & 0xFFFF:04x}"


def base_key(r: Record) -> str:
    """'gorodetsky1977ch4': the first author's family name (else the first word of the book
    title that is not an article), the print year, then 'ch' and the chapter number (else
    the first word of the title, else 'p' and the first page), folded to ASCII letters by
    anyascii ('Łukasz' → 'lukasz', 'Городецкий' → 'gorodetskii')."""
    who = _ascii(csl_name(r.authors[0].name).get("family", "")) if r.authors else ""
    if not who:
        who = next((w for w in map(_ascii, (r.book.title or "").split()) if w not in _ARTICLES), "")
    year = "" if r.book.print_year is None else str(r.book.print_year)
    if r.number is not None:
        which = f"ch{r.number}"
    elif r.title:
        which = next((w for w in map(_ascii, r.title.split()) if w and w not in _ARTICLES), "")
    else:
        which = f"p{_ascii(r.pages.first)}" if r.pages and r.pages.first else ""
    return f"{who or 'chapter'}{year}{which}"


def _ascii(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'O’Neil' → 'oneil', 'Zoë' → 'zoe'."""
    from anyascii import anyascii

    return "".join(c for c in anyascii(text).casefold() if c.isascii() and c.isalnum())


# -- BibTeX -----------------------------------------------------------------------------

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL = regex.compile("[" + regex.escape("".join(_LATEX_SPECIALS)) + "]")
# A word with a capital, or the word after a colon, which BibTeX readers capitalise.
_PROTECTED = regex.compile(r"(?<=:\s+)[\w'’]+|[\w'’]*\p{Lu}[\w'’]*")


def latex(text: str) -> str:
    """Text as a BibTeX value: LaTeX's special characters escaped, UTF-8 kept as is."""
    return _SPECIAL.sub(lambda m: _LATEX_SPECIALS[m[0]], text)


def latex_title(text: str) -> str:
    """A title as a BibTeX value, each word with a capital (and the word after a colon) in
    braces, so that readers and styles that change case keep the case the page prints."""
    out, at = [], 0
    for m in _PROTECTED.finditer(text):
        out += [latex(text[at : m.start()]), "{", latex(m[0]), "}"]
        at = m.end()
    return "".join([*out, latex(text[at:])])


def bibtex_fields(item: dict[str, Any]) -> list[tuple[str, str]]:
    """The @incollection fields of a CSL item, as BibTeX values (before enclosing)."""
    fields: list[tuple[str, str]] = []
    if "author" in item:
        names = (
            "{" + latex(n["literal"]) + "}"  # braces: one name, not split into parts
            if "literal" in n
            else latex(family_first(n))
            for n in item["author"]
        )
        fields.append(("author", " and ".join(names)))
    if "title" in item:
        fields.append(("title", latex_title(item["title"])))
    if "container-title" in item:
        fields.append(("booktitle", latex_title(item["container-title"])))
    if "chapter-number" in item:
        fields.append(("chapter", str(item["chapter-number"])))
    if "page" in item:
        fields.append(("pages", latex(item["page"].replace("-", "--"))))
    if "publisher" in item:
        fields.append(("publisher", latex(item["publisher"])))
    if "issued" in item:
        fields.append(("year", str(item["issued"]["date-parts"][0][0])))
    if "DOI" in item:
        fields.append(("doi", latex(item["DOI"])))
    if "accessed" in item:
        fields.append(("urldate", _iso(item["accessed"])))
    if "abstract" in item:
        fields.append(("abstract", latex(item["abstract"])))
    return fields


def _iso(date: dict[str, list[list[int]]]) -> str:
    return "-".join(f"{p:02d}" for p in date["date-parts"][0])


def to_bibtex(items: Sequence[dict[str, Any]]) -> str:
    """@incollection entries (pandoc reads @inbook's title as the book's), written by
    bibtexparser; the citation keys are the items' ids."""
    from bibtexparser.entrypoint import write_string
    from bibtexparser.library import Library
    from bibtexparser.model import Entry, Field

    library = Library()
    for item in items:
        fields = [Field(k, v) for k, v in bibtex_fields(item)]
        library.add(Entry("incollection", item["id"], fields))
    text: str = write_string(library)
    return text


# -- RIS --------------------------------------------------------------------------------


def ris_record(item: dict[str, Any]) -> dict[str, Any]:
    """The rispy fields of a CSL item. RIS values are one line each, so the abstract's
    paragraphs are joined by a space."""
    ref: dict[str, Any] = {"type_of_reference": "CHAP"}
    if "author" in item:
        ref["authors"] = [family_first(n) for n in item["author"]]
    simple = {"title": "title", "container-title": "secondary_title", "page-first": "start_page"}
    ref.update((to, item[key]) for key, to in simple.items() if key in item)
    if "page" in item:
        ref["end_page"] = item["page"].rsplit("-", 1)[1]
    if "issued" in item:
        ref["year"] = str(item["issued"]["date-parts"][0][0])
    if "publisher" in item:
        ref["publisher"] = item["publisher"]
    if "DOI" in item:
        ref["doi"] = item["DOI"]
    if "chapter-number" in item:
        ref["section"] = str(item["chapter-number"])  # SE: the chapter, for CHAP
    if "accessed" in item:
        ref["access_date"] = _iso(item["accessed"]).replace("-", "/")
    if "abstract" in item:
        ref["abstract"] = " ".join(item["abstract"].split("\n\n"))
    ref["id"] = item["id"]
    # Zotero keeps a citation key in Extra ("Citation Key: …"), which its RIS import fills
    # from M2; rispy knows no M2, so it is written as an unknown tag.
    ref["unknown_tag"] = {"M2": [f"Citation Key: {item['id']}"]}
    return ref


def to_ris(items: Sequence[dict[str, Any]]) -> str:
    """RIS references (TY CHAP … ER), written by rispy without its numbered header lines."""
    import rispy

    class Writer(rispy.RisWriter):  # type: ignore[misc]  # rispy ships no type hints
        def set_header(self, count: int) -> str:
            return ""

    text: str = rispy.dumps([ris_record(i) for i in items], implementation=Writer)
    return text


# What bibtexparser and rispy write between two entries: an export is written an entry at
# a time (render.citation_item), and must be what writing all at once gives (tests check).
SEPARATORS = {"bibtex": "\n\n", "ris": "\n"}


def citation_item(fmt: str, item: dict[str, Any]) -> str:
    """A CSL item as one entry of an export format (csl-json, bibtex, ris), as
    `citations_chunks` puts them together."""
    if fmt == "csl-json":
        from precarious.views.render import indented

        return indented(item, 1)
    return to_bibtex([item]) if fmt == "bibtex" else to_ris([item])


def citations_chunks(fmt: str, entries: Iterable[str]) -> Iterator[str | bytes]:
    """Entries (citation_item) in order as one document: the text a JSON array, to_bibtex or
    to_ris gives for all their items at once, never held whole."""
    if fmt == "csl-json":
        from precarious.views.render import json_array

        yield from json_array(e.encode() for e in entries)
        return
    between = ""
    for entry in entries:
        yield between + entry
        between = SEPARATORS[fmt]

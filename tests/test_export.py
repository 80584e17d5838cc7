"""`precarious export`: each format read back by the tool its users feed it to —
bibtexparser, rispy, citeproc-py and pandoc — to the values the pages state."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from precarious.cli import cli
from precarious.views.export import (
    chosen,
    citation_item,
    citation_keys,
    citations_chunks,
    csl_items,
    csl_name,
    family_first,
    latex_title,
    to_bibtex,
    to_ris,
)
from precarious.views.render import to_json
from tests.conftest import FIXTURES, SEEDS
from tests.pagemaker import Loaded, corpus, page

CORPORA = [SEEDS, FIXTURES / "corpus", FIXTURES / "pages"]
HOSTILE = FIXTURES / "pages" / "hostile_title.txt"
HOSTILE_TITLE = 'Ports, "quotes" & [brackets]: tariffs of 5% on {goods} #1_a, ~x^2 \\ C$ 1920–30'
BOOK = "The Precarious Truce: Anglo-Soviet Relations 1924–27"
PANDOC = shutil.which("pandoc")


def export(*args: str, code: int = 0) -> tuple[str, str]:
    result = CliRunner().invoke(cli, ["export", *args], env={"PRECARIOUS_CORPUS": None})
    assert result.exit_code == code, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout, result.stderr


def items_of(folder: Path) -> list[dict[str, Any]]:
    """The items `export` writes of a folder: each chapter once, none without a title."""
    return chosen(Loaded(folder).records).items


# -- BibTeX, read back by bibtexparser --------------------------------------------------


def _decoder() -> LatexDecodingMiddleware:
    """bibtexparser's decoding, but \\textasciicircum is '^' (pylatexenc reads it as 'ˆ')."""
    db = get_default_latex_context_db()
    db.add_context_category(
        "caret", prepend=True, macros=[MacroTextSpec("textasciicircum", simplify_repl="^")]
    )
    return LatexDecodingMiddleware(decoder=LatexNodes2Text(latex_context=db, math_mode="verbatim"))


def parse_bibtex(text: str, decode: bool) -> list[dict[str, str]]:
    library = bibtexparser.parse_string(text, append_middleware=[_decoder()] if decode else [])
    assert library.failed_blocks == []
    return [
        {"ENTRYTYPE": e.entry_type, "ID": e.key, **{f.key: f.value for f in e.fields}}
        for e in library.entries
    ]


def test_done_when_chapter_4_as_bibtex() -> None:
    text, stderr = export("4", "--format", "bibtex")
    assert stderr == ""
    assert text.count("@incollection{") == 1
    (raw,) = parse_bibtex(text, decode=False)
    assert raw["ENTRYTYPE"] == "incollection"
    assert raw["ID"] == "precarious1977ch4"
    assert raw["pages"] == "134--179"
    assert raw["year"] == "1977"
    assert raw["publisher"] == "Cambridge University Press"
    assert raw["title"] == "{Russia} and the general strike"  # the capital protected
    (entry,) = parse_bibtex(text, decode=True)
    assert entry["title"] == "Russia and the general strike"
    assert entry["booktitle"] == BOOK
    assert entry["chapter"] == "4"


def expected_bibtex(item: dict[str, Any]) -> dict[str, str]:
    """The fields an entry must decode to, worked out from the CSL item."""
    fields = {
        "title": item.get("title"),
        "booktitle": item.get("container-title"),
        "chapter": str(item["chapter-number"]) if "chapter-number" in item else None,
        "pages": item["page"].replace("-", "–") if "page" in item else None,  # '--' decodes to –
        "publisher": item.get("publisher"),
        "year": str(item["issued"]["date-parts"][0][0]) if "issued" in item else None,
        "doi": item.get("DOI"),
        "urldate": "-".join(f"{p:02d}" for p in item["accessed"]["date-parts"][0])
        if "accessed" in item
        else None,
        "abstract": item.get("abstract"),
        "author": " and ".join(family_first(n) for n in item.get("author", [])) or None,
    }
    return {"ENTRYTYPE": "incollection", "ID": item["id"]} | {
        k: v for k, v in fields.items() if v is not None
    }


@pytest.mark.parametrize("folder", CORPORA, ids=lambda p: p.name)
def test_bibtex_parses_back_to_the_same_fields(folder: Path) -> None:
    items = items_of(folder)
    text, _ = export("--format", "bibtex", "--corpus", str(folder))
    assert parse_bibtex(text, decode=True) == [expected_bibtex(i) for i in items]


def test_bibtex_escapes_latex_specials_and_protects_capitals() -> None:
    assert latex_title("A & B: the 5% {x}") == r"{A} \& {B}: {the} 5\% \{x\}"
    assert latex_title("Zoë’s O'Neil 1924–27") == "{Zoë’s} {O'Neil} 1924–27"
    assert latex_title("back\\slash ~ ^ $ # _") == (
        r"back\textbackslash{}slash \textasciitilde{} \textasciicircum{} \$ \# \_"
    )


# -- RIS, read back by rispy ------------------------------------------------------------


@pytest.mark.parametrize("folder", CORPORA, ids=lambda p: p.name)
def test_ris_parses_back_to_the_same_fields(folder: Path) -> None:
    items = items_of(folder)
    text, _ = export("--format", "ris", "--corpus", str(folder))
    assert not text.startswith("1.")  # no numbered header line
    assert text.count("TY  - CHAP\n") == text.count("ER  - \n") == len(items)
    for ref, item in zip(rispy.loads(text), items, strict=True):
        expected = {
            "type_of_reference": "CHAP",
            "title": item.get("title"),
            "secondary_title": item.get("container-title"),
            "start_page": item.get("page-first"),
            "end_page": item["page"].split("-")[1] if "page" in item else None,
            "year": str(item["issued"]["date-parts"][0][0]) if "issued" in item else None,
            "publisher": item.get("publisher"),
            "abstract": item["abstract"].replace("\n\n", " ") if "abstract" in item else None,
            "doi": item.get("DOI"),
            "section": str(item["chapter-number"]) if "chapter-number" in item else None,
            "access_date": "/".join(f"{p:02d}" for p in item["accessed"]["date-parts"][0])
            if "accessed" in item
            else None,
            "id": item["id"],
        }
        if "author" in item:
            expected["authors"] = [family_first(n) for n in item["author"]]
        ref["unknown_tag"] = dict(ref["unknown_tag"])
        expected["unknown_tag"] = {"M2": [f"Citation Key: {item['id']}"]}
        assert ref == {k: v for k, v in expected.items() if v is not None}


def test_ris_of_chapter_4() -> None:
    text, _ = export("4", "--format", "ris")
    lines = text.splitlines()
    assert lines[:7] == [
        "TY  - CHAP",
        "TI  - Russia and the general strike",
        f"T2  - {BOOK}",
        "SP  - 134",
        "EP  - 179",
        "PY  - 1977",
        "PB  - Cambridge University Press",
    ]
    assert "SE  - 4" in lines  # the chapter, where Zotero and EndNote read it for CHAP
    # Zotero keeps the citation key in Extra, which its RIS import fills from M2
    assert lines[-3:] == [
        "ID  - precarious1977ch4",
        "M2  - Citation Key: precarious1977ch4",
        "ER  - ",
    ]


# -- CSL-JSON, rendered by citeproc-py --------------------------------------------------


def test_done_when_csl_json_of_the_seeds() -> None:
    text, stderr = export("--format", "csl-json")
    items = json.loads(text)
    assert [i["id"] for i in items] == ["precarious1977ch4", "precarious1977ch6"]
    assert items[0] == {
        "id": "precarious1977ch4",
        "type": "chapter",
        "title": "Russia and the general strike",
        "container-title": BOOK,
        "chapter-number": 4,
        "page": "134-179",
        "page-first": "134",
        "publisher": "Cambridge University Press",
        "issued": {"date-parts": [[1977]]},
        "available-date": {"date-parts": [[2011, 6, 1]]},
        "abstract": items[0]["abstract"],
    }
    assert items[0]["abstract"].startswith("At the beginning of 1926")
    assert "\n\nEver since Locarno" in items[0]["abstract"]
    assert items[1]["accessed"] == {"date-parts": [[2025, 1, 26]]}  # its render date
    # the Preface prints no title: a reference without one cannot be printed
    assert stderr == "precarious: 1 page without a title left out (--untitled exports them)\n"
    text, stderr = export("--format", "csl-json", "--untitled")
    preface = json.loads(text)[1]
    assert preface["id"] == "precarious1977pix"
    assert "title" not in preface
    assert "available-date" not in preface
    assert stderr == (
        "precarious: 002_84761bd352faf2a0: exported as precarious1977pix without title\n"
    )


def test_the_capture_date_is_the_access_date() -> None:
    text, _ = export("6", "--format", "ris")
    assert "Y2  - 2025/01/26" in text.splitlines()
    (entry,) = parse_bibtex(export("6", "--format", "bibtex")[0], decode=False)
    assert entry["urldate"] == "2025-01-26"


def test_many_gaps_are_named_five_then_counted(tmp_path: Path) -> None:
    corpus(tmp_path, {f"p{n}": page(heading=f"{n} - N{n}", pages=None) for n in range(1, 9)})
    _, stderr = export("--corpus", str(tmp_path))
    lines = stderr.splitlines()
    assert len(lines) == 6
    assert lines[-1] == (
        "precarious: 8 entries exported without a field (8 page range); --verbose names each"
    )
    assert len(export("--corpus", str(tmp_path), "--verbose")[1].splitlines()) == 8
    assert export("--corpus", str(tmp_path), "--quiet")[1] == ""


def render_citeproc(items: list[dict[str, Any]]) -> list[str]:
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


@pytest.mark.filterwarnings("ignore:The following arguments for Reference are unsupported")
def test_csl_json_renders_through_citeproc_py() -> None:
    """citeproc-py (CSL 1.0.1) does not know available-date, hence the filter."""
    text, _ = export("4", "6", "--format", "csl-json")
    four, six = sorted(render_citeproc(json.loads(text)))
    assert "Russia and the general strike" in four
    assert BOOK in four
    assert "134–179" in four  # the style writes the range with an en dash
    assert "1977" in four
    assert "Cambridge University Press" in four
    assert "The rupture of Anglo-Soviet relations" in six
    assert "211–256" in six


# -- citeproc-js, what Zotero renders with ----------------------------------------------

NODE_MODULES = Path(__file__).resolve().parent.parent / ".node" / "node_modules"


def render_citeproc_js(items: list[dict[str, Any]]) -> list[str]:
    """The bibliography citeproc-js makes of the items, in the style and locale citeproc-py
    ships (`.ci/run` installs citeproc-js: `npm install --prefix .node citeproc@2`)."""
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "citeproc").is_dir():
        if os.environ.get("CI"):
            pytest.fail("citeproc-js is missing: .ci/run installs it")
        pytest.skip("citeproc-js is not installed (npm install --prefix .node citeproc@2)")
    import citeproc

    data = Path(citeproc.__file__).parent / "data"
    done = subprocess.run(
        [
            node,
            str(Path(__file__).parent / "citeproc_js.js"),
            str(data / "styles" / "harvard-cite-them-right.csl"),
            str(data / "locales" / "locales-en-US.xml"),
        ],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
    )
    return done.stdout.splitlines()


def test_csl_json_renders_through_citeproc_js() -> None:
    """citeproc-js, stricter than citeproc-py (which prints a chapter's title twice): each
    reference once, its title once."""
    text, _ = export("4", "6", "--format", "csl-json")
    four, six = render_citeproc_js(json.loads(text))
    assert four == (
        "“Russia and the general strike” (1977) The Precarious Truce: Anglo-Soviet "
        "Relations 1924–27. Cambridge University Press, pp. 134–179."
    )
    assert six.count("The rupture of Anglo-Soviet relations") == 1
    assert "pp. 211–256" in six


# -- pandoc reads both ------------------------------------------------------------------


def pandoc(*args: str, stdin: str = "") -> str:
    if PANDOC is None:
        if os.environ.get("CI"):
            pytest.fail("pandoc is missing: .ci/run installs it")
        pytest.skip("pandoc is not installed (apt-get install pandoc; CI installs it)")
    done = subprocess.run(
        [PANDOC, *args], input=stdin, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def test_pandoc_renders_csl_json_and_bibtex_to_the_same_reference(tmp_path: Path) -> None:
    export("4", "-o", str(tmp_path / "ch4.bib"))
    export("4", "-o", str(tmp_path / "ch4.json"))
    doc = '---\nnocite: "@*"\n---\n'
    from_json = pandoc(
        "--citeproc", "--bibliography", str(tmp_path / "ch4.json"), "-t", "plain", stdin=doc
    )
    from_bib = pandoc(
        "--citeproc", "--bibliography", str(tmp_path / "ch4.bib"), "-t", "plain", stdin=doc
    )
    assert from_bib == from_json
    flat = " ".join(from_bib.split())
    assert flat == (
        "“Russia and the General Strike.” 1977. In The Precarious Truce: "
        "Anglo-Soviet Relations 1924–27, 134–79. Cambridge University Press."
    )


@pytest.mark.parametrize("folder", [SEEDS, FIXTURES / "corpus", HOSTILE], ids=lambda p: p.name)
def test_pandoc_reads_the_bibtex_as_the_csl_json(folder: Path, tmp_path: Path) -> None:
    """pandoc's own BibTeX reader gives back the titles as printed: case and all."""
    source = ["--corpus", str(folder)] if folder.is_dir() else [str(folder)]
    bib, _ = export(*source, "--format", "bibtex")
    csl, _ = export(*source, "--format", "csl-json")
    read_bib = json.loads(pandoc("-f", "bibtex", "-t", "csljson", stdin=bib))
    read_csl = json.loads(pandoc("-f", "csljson", "-t", "csljson", stdin=csl))
    assert len(read_bib) == len(read_csl) == len(json.loads(csl))
    # LaTeX has no straight double quote: pandoc curls them in CSL-JSON only
    same = ("id", "type", "container-title", "chapter-number", "page", "publisher", "issued")
    for b, c in zip(read_bib, read_csl, strict=True):
        assert {k: b.get(k) for k in same} == {k: c.get(k) for k in same}
        assert b.get("title") == (
            c["title"].replace("“", '"').replace("”", '"') if "title" in c else None
        )


# -- hostile text in every format -------------------------------------------------------


def test_a_hostile_title_survives_every_format() -> None:
    (item,) = json.loads(export(str(HOSTILE))[0])
    assert item["title"] == HOSTILE_TITLE
    assert item["container-title"] == "Trade & [Empire]: Essays on Ports, 1800–1914"
    assert item["author"] == [
        {"family": "O'Neil", "given": "Zoë"},
        {"family": "Khan", "given": "Ahmed"},
    ]
    assert item["DOI"] == "10.1017/CBO9781139000001.008"
    (entry,) = parse_bibtex(export(str(HOSTILE), "-f", "bibtex")[0], decode=True)
    assert entry["title"] == HOSTILE_TITLE
    assert entry["booktitle"] == item["container-title"]
    assert entry["ID"] == "oneil2013ch7"
    (ref,) = rispy.loads(export(str(HOSTILE), "-f", "ris")[0])
    assert ref["title"] == HOSTILE_TITLE
    assert ref["secondary_title"] == item["container-title"]


# -- an entry at a time -----------------------------------------------------------------

ITEMS = [item for folder in CORPORA for item in items_of(folder)]


@settings(deadline=None, max_examples=60)
@given(
    st.lists(st.tuples(st.sampled_from(ITEMS), st.text(min_size=1)), min_size=1, max_size=6),
    st.sampled_from(["csl-json", "bibtex", "ris"]),
)
def test_entries_written_apart_join_to_the_document_written_at_once(
    picked: list[tuple[dict[str, Any], str]], fmt: str
) -> None:
    # `export` writes an entry at a time (see render.citation_item); bibtexparser and rispy
    # put their own separators between entries when they write a whole library.
    items = [{**item, "id": f"k{n}", "title": title} for n, (item, title) in enumerate(picked)]
    whole = {"csl-json": to_json, "bibtex": to_bibtex, "ris": to_ris}[fmt](items)
    entries = (citation_item(fmt, item) for item in items)
    chunks = citations_chunks(fmt, entries)
    assert "".join(c.decode() if isinstance(c, bytes) else c for c in chunks) == whole


# -- nothing invented, keys stable ------------------------------------------------------


def test_a_cut_off_page_range_exports_its_first_page_only() -> None:
    (item,) = json.loads(export(str(FIXTURES / "pages" / "cut_in_pages.txt"))[0])
    record = Loaded(FIXTURES / "pages" / "cut_in_pages.txt").records[0]
    assert record.pages is not None
    assert record.pages.last is None
    assert "page" not in item
    assert item.get("page-first") == record.pages.first
    (entry,) = parse_bibtex(
        export(str(FIXTURES / "pages" / "cut_in_pages.txt"), "-f", "bibtex")[0], decode=False
    )
    assert "pages" not in entry


def test_every_item_holds_only_what_its_record_states() -> None:
    for folder in CORPORA:
        records = Loaded(folder).records
        for record, item in zip(records, csl_items(records), strict=True):
            assert item.get("title") == record.title
            assert item.get("chapter-number") == record.number
            assert item.get("publisher") == record.book.publisher
            year = record.book.print_year
            assert item.get("issued") == (None if year is None else {"date-parts": [[year]]})
            assert ("abstract" in item) == bool(record.summary)


def test_citation_keys(tmp_path: Path) -> None:
    c = corpus(
        tmp_path,
        {
            "a": page(),
            "b": page(heading="1 - One", book="Alpha Studies"),  # another book's chapter 1
            "c": page(heading=None, pages="ix - xii"),
            "d": page(heading="Introduction", pages="1 - 9", year=None),
            "e": page(heading="2 - Two", book=None),
        },
    )
    keys = citation_keys(c.records)
    assert keys[2:] == ["alpha2000pix", "alphaintroduction", "chapter2000ch2"]
    assert keys[0].startswith("alpha2000ch1-")
    assert keys[1].startswith("alpha2000ch1-")
    assert len(set(keys)) == len(keys)
    # a key is the same whatever the order of the export
    assert citation_keys(list(reversed(c.records))) == list(reversed(keys))
    assert citation_keys(c.records[2:]) == keys[2:]


def test_copies_of_a_chapter_are_exported_once(tmp_path: Path) -> None:
    c = corpus(tmp_path, {"a": page(), "b": page()})
    picked = chosen(c.records)
    assert [i["id"] for i in picked.items] == ["alpha2000ch1"]
    assert picked.copies == 1


def test_keys_fold_to_ascii_and_keep_letters() -> None:
    from precarious.views.export import _ascii

    assert _ascii("Łukasz") == "lukasz"
    assert _ascii("Городецкий") == "gorodetskiy"
    assert _ascii("Zoë O’Neil") == "zoeoneil"


def test_names() -> None:
    assert csl_name("Jane Q. Doe") == {"family": "Doe", "given": "Jane Q."}
    assert csl_name("Doe, Jane") == {"family": "Doe", "given": "Jane"}
    assert csl_name("UNESCO") == {"literal": "UNESCO"}
    assert csl_name("Ludwig van Beethoven") == {
        "family": "Beethoven",
        "given": "Ludwig",
        "non-dropping-particle": "van",
    }
    assert csl_name("Martin Luther King Jr.") == {
        "family": "King",
        "given": "Martin Luther",
        "suffix": "Jr.",
    }
    assert family_first(csl_name("Ludwig van Beethoven")) == "van Beethoven, Ludwig"
    assert family_first(csl_name("Martin Luther King Jr.")) == "King, Jr., Martin Luther"


def test_odd_names_stay_whole() -> None:
    """Found by the fuzzer: a name with nothing on one side of its comma."""
    assert csl_name(",") == {"literal": ","}
    assert csl_name("Doe,") == {"literal": "Doe,"}
    assert csl_name(", Jane") == {"literal": ", Jane"}

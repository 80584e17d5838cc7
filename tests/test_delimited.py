"""--tsv and --csv: the same flattened columns, read back by Python's csv module (and by a
plain split for TSV) to exactly the values of --json."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from precarious.blocks import extract
from precarious.cli import _pieces, cli
from precarious.corpus.books import Splice
from precarious.corpus.keys import key_of
from precarious.record import Entry, Placement, Record
from precarious.views.render import (
    delimited,
    json_chunks,
    jsonl_chunks,
    page_item,
    page_parts,
    records_chunks,
    splice_parts,
)
from precarious.views.rows import LEADING, record_columns
from tests.conftest import FIXTURES, SEEDS

COLUMNS = record_columns()

HOSTILE = FIXTURES / "pages" / "hostile_title.txt"
TITLE = 'Ports, "quotes" & [brackets]: tariffs of 5% on {goods} #1_a, ~x^2 \\ C$ 1920–30'


def out(*args: str, code: int = 0) -> str:
    """stdout as written (CliRunner's .stdout would turn CSV's CRLF into LF)."""
    result = CliRunner().invoke(cli, list(args), env={"PRECARIOUS_CORPUS": None})
    assert result.exit_code == code, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout_bytes.decode("utf-8")


def expected_cell(record: dict[str, Any], column: str) -> str:
    """What a column holds, worked out from the JSON record independently: a field by its
    path, a list as its items joined by '; ' (paragraphs by a blank line)."""
    if column == "authors":
        return "; ".join(
            a["name"] + (f" ({a['affiliation']})" if a["affiliation"] else "")
            for a in record["authors"]
        )
    if column == "summary.paragraphs":
        return "\n\n".join(record["summary"]["paragraphs"])
    if column == "warnings":
        return "; ".join(w["code"] for w in record["warnings"])
    if column == "contents":
        return "; ".join(
            (f"{e['number']} " if e["number"] is not None else "") + e["title"]
            for e in record["contents"]
        )
    value: Any = record
    for key in column.split("."):
        value = None if value is None else value[key]
    if column == "placement.candidates":
        return "; ".join(
            (f"{c['number']} " if c["number"] is not None else "") + c["title"] for c in value or []
        )
    return "" if value is None else str(value)


def read_tsv(text: str) -> list[dict[str, str]]:
    """Linear TSV: split on tabs and newlines, then undo the \\t \\n \\r \\\\ escapes."""

    def unescape(cell: str) -> str:
        escapes = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
        chars, i = [], 0
        while i < len(cell):
            if cell[i] == "\\":
                chars.append(escapes[cell[i + 1]])
                i += 2
            else:
                chars.append(cell[i])
                i += 1
        return "".join(chars)

    header, *rows = (line.split("\t") for line in text.split("\n")[:-1])
    return [dict(zip(header, map(unescape, row), strict=True)) for row in rows]


SOURCES = [str(SEEDS), str(FIXTURES / "corpus"), str(FIXTURES / "pages")]


@pytest.mark.parametrize("source", SOURCES, ids=["seeds", "corpus", "pages"])
def test_csv_reads_back_to_the_json_values(source: str) -> None:
    records = json.loads(out("list", "--json", source))
    text = out("list", "--csv", source)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        assert list(row) == list(COLUMNS)
        assert row == {c: expected_cell(record, c) for c in COLUMNS}


def test_the_columns_are_every_field_of_the_schema() -> None:
    """Every leaf of the record schema is a column (placement.by, book.joined.by, …), the
    first ones in the order of the first versions."""
    schema = json.loads(out("schema"))
    leaves: list[str] = []

    def walk(node: dict[str, Any], path: str) -> None:
        node = schema["$defs"][node["$ref"].split("/")[-1]] if "$ref" in node else node
        if "properties" not in node:
            leaves.append(path)
        for name, child in node.get("properties", {}).items():
            walk(child, f"{path}.{name}" if path else name)

    walk(schema, "")
    assert sorted(COLUMNS) == sorted(leaves)
    assert COLUMNS[: len(LEADING)] == LEADING
    assert {
        "placement.by",
        "placement.evidence",
        "book.joined.by",
        "book.title_split.method",
    } <= set(COLUMNS)


@pytest.mark.parametrize("source", SOURCES, ids=["seeds", "corpus", "pages"])
def test_tsv_has_the_same_columns_and_values_one_line_per_record(source: str) -> None:
    text = out("list", "--tsv", source)
    records = json.loads(out("list", "--json", source))
    assert text.count("\n") == len(records) + 1  # a header, then one line per record
    csv_rows = list(csv.DictReader(io.StringIO(out("list", "--csv", source), newline="")))
    assert read_tsv(text) == csv_rows


def test_piped_list_defaults_to_tsv() -> None:
    assert out("list") == out("list", "--tsv")
    assert out("list").splitlines()[0].split("\t") == list(COLUMNS)


def test_csv_is_rfc_4180() -> None:
    text = out("list", "--csv", str(HOSTILE))
    assert text.startswith("id,number,title,pages.first,")
    assert text.endswith("\r\n")
    lines = text.split("\r\n")
    # header, one record whose summary cell holds a blank line between paragraphs, end
    assert '"Ports, ""quotes"" & [brackets]: tariffs' in lines[1]
    assert "\n" not in lines[0]


def test_a_hostile_title_survives_csv_and_tsv() -> None:
    csv_row = next(csv.DictReader(io.StringIO(out("list", "--csv", str(HOSTILE)), newline="")))
    tsv_row = read_tsv(out("list", "--tsv", str(HOSTILE)))[0]
    for row in (csv_row, tsv_row):
        assert row["title"] == TITLE
        assert row["book.title"] == "Trade & [Empire]"
        assert row["book.subtitle"] == "Essays on Ports, 1800–1914"
        assert row["authors"] == "Zoë O'Neil (Université de Genève); Ahmed Khan"
        assert row["summary.paragraphs"].split("\n\n")[0].startswith('Tariffs were "a tax')


def test_tsv_escapes_newlines_and_backslashes() -> None:
    """One TSV line per record, even with a backslash in the title and a paragraph break."""
    tsv = out("list", "--tsv", str(HOSTILE))
    assert tsv.count("\n") == 2
    assert "\\\\ C$" in tsv  # the backslash of the title, doubled
    assert "\\n\\n" in tsv  # the paragraph break


def test_tsv_escapes_every_character_that_would_break_a_line_or_a_cell() -> None:
    cells = ["a\tb", "line\nbreak", "cr\rhere", "back\\slash", 'quote " and , comma']
    text = delimited("tsv", (["one", "two", "three", "four", "five"], [cells]))
    assert text.count("\n") == 2
    assert text.splitlines()[1].split("\t") == [
        "a\\tb",
        "line\\nbreak",
        "cr\\rhere",
        "back\\\\slash",
        'quote " and , comma',
    ]
    assert list(read_tsv(text)[0].values()) == cells


@pytest.mark.parametrize(
    ("args", "header", "code"),
    [
        (["books"], "id,title,subtitle,publisher,year,pages,entries,covered", 0),
        (["toc"], "entry,number,title,status,pages,ids,note", 0),
        (["check"], "id,path,code,line,message", 1),
    ],
)
def test_every_table_view_has_csv(args: list[str], header: str, code: int) -> None:
    text = out(*args, "--csv", code=code)
    assert text.split("\r\n")[0] == header
    tsv_rows = [line.split("\t") for line in out(*args, "--tsv", code=code).splitlines()]
    assert list(csv.reader(io.StringIO(text, newline=""))) == tsv_rows


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=200)
@given(st.lists(st.dictionaries(st.text(max_size=4), JSON_VALUES, max_size=4), max_size=4))
def test_json_written_an_item_at_a_time_is_json_dumps(items: list[dict[str, object]]) -> None:
    text = b"".join(json_chunks(items)).decode()
    assert text == json.dumps(items, ensure_ascii=False, indent=2) + "\n"


RECORDS = [extract(HOSTILE.read_text(encoding="utf-8"), name="hostile")] + [
    extract(p.read_text(encoding="utf-8"), name=p.stem) for p in sorted(SEEDS.glob("*.txt"))
]


SPLICES = st.builds(
    lambda book, placed, settled: (book, placed, settled),
    st.sampled_from([None, "a-book-1977", 'x\ty, "z"']),
    st.sampled_from(
        [
            None,
            Placement(2, "heading", "the heading 'x' is contents entry 2"),
            Placement(None, None, "5 fit", None, ((1, Entry(None, "Preface")),)),
            Placement(3, "order", "only 'Preface' fits", "Preface"),
        ]
    ),
    st.booleans(),
)


@settings(deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(RECORDS), SPLICES)),
    st.sampled_from(["json", "jsonl"]),
)
def test_records_made_in_two_steps_are_the_whole_document(
    pages: list[tuple[Record, tuple[str | None, Placement | None, bool]]], fmt: str
) -> None:
    # `list` makes what each page states apart (in --jobs processes), fills in what the
    # corpus found, and puts the items together: as if each whole record were written.
    spliced = []
    items = []
    for record, (book, placement, settled) in pages:
        splice = Splice(record.book._replace(id=book, joined_by="book fields"), placement, settled)
        spliced.append(splice.apply(record))
        parts = [p.encode() for p in page_parts(fmt, record)]
        items.append(page_item(fmt, parts, splice_parts(fmt, key_of(record), splice)))
    whole = {
        "json": lambda: b"".join(json_chunks(r.to_dict() for r in spliced)).decode(),
        "jsonl": lambda: "".join(jsonl_chunks(r.to_dict() for r in spliced)),
    }[fmt]()
    assert b"".join(records_chunks(fmt, items)).decode() == whole


@given(st.lists(st.text(max_size=30)), st.integers(1, 60))
def test_output_is_written_in_pieces_of_whole_chunks(chunks: list[str], size: int) -> None:
    # stdout gets a write for every `size` characters or so, not one for every record.
    pieces = list(_pieces(chunks, size))
    assert b"".join(pieces) == "".join(chunks).encode()
    assert all(len(p) >= size for p in pieces[:-1])
    assert len(pieces) <= max(1, len("".join(chunks).encode()) // size + 1)

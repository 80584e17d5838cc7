"""One test per block rule, on small pages written here."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from precarious.blocks import LABELS, chrome, detect, label_of
from precarious.blocks.base import Line, State
from precarious.blocks.information import field_kind
from precarious.read import page_from_text


def kinds(text: str) -> list[tuple[int, int, str]]:
    return [(b.start, b.end, b.kind) for b in detect(page_from_text(text, "t"))]


def test_boilerplate_lines() -> None:
    text = (
        "Skip to main content Accessibility help\n×\n"
        "Hostname: x Render date: 2025-01-01T00:00:00Z\n"
    )
    assert kinds(text) == [(1, 3, "boilerplate")]


CHROME = [
    "Skip to main content",
    "Accessibility help",
    "Hostname: page-component-745bb68f8f-5r2nc",
    "×",
    "Close",
    "Get access",
    "Access options",
    "Available formats",
    "Find out more about the Kindle Personal Document Service.",
    "Save book to Kindle",
    "Save PDFs",
    "To save this book to your Kindle, first ensure",
    "Note you can select to save to either",
    "‘@free.kindle.com’ emails are free",
    "We use cookies",
    "Close this message",
    "Log in",
    "Export citation",
    "Recommend to librarian",
    "Cited by",
    "Share",
    "Cite",
]


def test_each_kind_of_chrome() -> None:
    for text in CHROME:
        assert kinds(f"{text}\n") == [(1, 1, "boilerplate")], text


@given(st.text(alphabet=st.sampled_from(list("sSkKaAhHcCtT×'‘@ eiopgvlrxnw.:ſK")), max_size=14))
def test_the_chrome_rule_is_its_pattern(text: str) -> None:
    """The rule looks at the first letters before the pattern: never to another verdict."""
    expected = "boilerplate" if chrome.is_chrome(text) else None
    assert chrome.rule(Line(text, False, [text], 0), State()) == expected


def test_labels_open_sections() -> None:
    text = "Summary\nA paragraph.\n- Type\n- Chapter\n- Information\n"
    assert kinds(text) == [(1, 2, "summary"), (3, 4, "type"), (5, 5, "information")]


def test_numbered_heading_and_online() -> None:
    text = "4 - Russia\nPublished online by Cambridge University Press: 01 June 2011\n"
    assert kinds(text) == [(1, 1, "heading"), (2, 2, "online")]


def test_unnumbered_heading_needs_the_online_line_below() -> None:
    assert kinds("Preface\nPublished online by Cambridge University Press: 1 June 2011\n")[0][
        2
    ] == ("heading")
    assert kinds("Preface\nSomething else\n")[0][2] == "unknown"


def test_part_line_joins_the_heading() -> None:
    text = "Chapter 1 - Empires\nfrom Part I - Foundations\nOnline publication date: June 2011\n"
    assert kinds(text) == [(1, 2, "heading"), (3, 3, "online")]


def test_authors_between_online_and_get_access() -> None:
    text = (
        "Published online by Cambridge University Press: 1 June 2011\n"
        "Jane Doe\nAffiliation:\nUniversity of Leeds\nGet access\n"
    )
    assert kinds(text) == [(1, 1, "online"), (2, 4, "authors"), (5, 5, "boilerplate")]


def test_contents_bullets_twice_around_the_heading() -> None:
    text = "Book contents\n- Preface\n- 1 One\n1 - One\n- Preface\n- 1 One\n"
    assert kinds(text) == [(1, 3, "contents"), (4, 4, "heading"), (5, 6, "contents")]


def test_information_fields_on_their_own_lines() -> None:
    text = (
        "Information\nThe Book\nIts Subtitle\n, pp. 1 - 20\nDOI: https://doi.org/10.1/x\n"
        "Publisher: Cambridge University Press\nPrint publication year: 1977\n"
    )
    assert kinds(text) == [
        (1, 1, "information"),
        (2, 3, "book"),
        (4, 4, "pages"),
        (5, 5, "doi"),
        (6, 6, "publisher"),
        (7, 7, "year"),
    ]


def test_glued_information_line() -> None:
    glued = "The BookSub, pp. 1 - 9Publisher: CUPPrint publication year: 1977"
    assert field_kind(glued) == "information"
    assert field_kind("Publisher: CUP") == "publisher"
    assert field_kind(", pp. 1 - 9") == "pages"
    assert field_kind("The Book") is None


def test_blank_lines_join_the_block_before() -> None:
    assert kinds("\n\nSummary\n\nA paragraph.\n\n") == [(1, 6, "summary")]


def test_unknown_lines_are_kept() -> None:
    page = page_from_text("Summary\nText.\nGet access\nStray line\n", "t")
    blocks = detect(page)
    assert blocks[-1].kind == "unknown"
    assert blocks[-1].lines == ("Stray line",)


def test_a_cut_last_line_is_read_as_what_it_starts() -> None:
    assert kinds("Summary\nText.\nInformation\n, pp. 1 - 2\nPublishe")[-1] == (5, 5, "publisher")
    assert kinds("4 - Title\nPublished onl")[-1][2] == "online"
    assert kinds("Summary\nText.\nGet access\nPublished onl\n")[-1][2] == "unknown"  # not cut


def test_labels_are_known_whatever_their_case() -> None:
    assert all(label_of(label.upper()) and label_of(label.title()) for label in LABELS)
    assert label_of("Summary of the argument") is None
    # label_of skips lines longer than the longest label without folding them: sound only
    # because casefolding never makes a text shorter.
    assert all(len(chr(c).casefold()) >= 1 for c in range(0x110000))

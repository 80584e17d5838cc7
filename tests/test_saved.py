"""The rules for pages saved by other tools, one by one: encodings and mojibake, markdown,
hard wraps, names, what makes a chapter page (tests/test_variants.py runs them together)."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from precarious import NotAChapter, extract
from precarious.blocks import opens, resumes
from precarious.blocks.authors import name_shaped
from precarious.markup import is_markdown, plain_lines
from precarious.read import page_from_text
from precarious.repair import mojibake, references
from precarious.wraps import unwrap
from tests.conftest import FIXTURES, SEEDS
from tests.variants import _hyphenate

CHAPTER = (FIXTURES / "other-books" / "part-two-digit.txt").read_text(encoding="utf-8")


def test_mojibake_is_repaired_and_named() -> None:
    text, repaired = mojibake("Relations 1924â€“27, Universit\u00c3\u00a9 de Gen\u00c3\u00a8ve")
    assert text == "Relations 1924–27, Université de Genève"
    assert repaired is not None
    assert "Windows-1252" in repaired
    record = extract(CHAPTER.replace("–", "â€“"))
    assert record.book.subtitle == "A Global History, 1500–1800"
    assert [w.code for w in record.warnings] == ["mojibake"]


def test_text_that_only_looks_odd_is_left_alone() -> None:
    for text in ["São Paulo – café", "Ångström and Ørsted", "a €5 note"]:
        assert mojibake(text) == (text, None)


def test_character_references_are_decoded_and_nothing_else() -> None:
    found = references("1924&#8211;27 &amp; R&D, AT&T; &bogus; &#x2014;")
    assert found == "1924–27 & R&D, AT&T; &bogus; —"


def test_markdown_keeps_each_line_where_it_was() -> None:
    source = (
        "# 4 - Russia and the general strike\n"
        "\n"
        "[Jane Doe](https://www.cambridge.org/core/search?q=Jane)\\*\n"
        "Affiliation:\n"
        "* [Frontmatter](https://www.cambridge.org/core/books/x/frontmatter/AB12)\n"
        "**Summary**\n"
        "1\\. A sentence with *emphasis* and ![a cover](cover.png).\n"
    )
    assert is_markdown(source)
    assert plain_lines(source, 7) == [
        "4 - Russia and the general strike",
        "",
        "Jane Doe*",
        "Affiliation:",
        "- Frontmatter",
        "Summary",
        "1. A sentence with emphasis and .",
    ]


def test_a_link_target_is_never_a_value() -> None:
    page = CHAPTER.replace("Get access", "[Get access](https://www.cambridge.org/core/login)")
    page = page.replace(
        "Ana Lucía Ferreira de Souza", "[Ana Lucía Ferreira de Souza](https://orcid.org/0000)"
    )
    record = extract(page)
    assert [a.name for a in record.authors] == ["Ana Lucía Ferreira de Souza"]
    assert "orcid" not in repr(record.to_dict())


def test_plain_text_is_not_read_as_markdown() -> None:
    for seed in sorted(SEEDS.glob("*.txt")):
        assert not is_markdown(seed.read_text(encoding="utf-8"))
    assert not is_markdown("- Frontmatter\n* Contents\nEmpires of the mind [revisited]\n")


def _unwrapped(text: str) -> list[str]:
    page = page_from_text(text, "x")
    return [line for line in unwrap(page.lines, page.text, opens, resumes).lines if line]


SUMMARY = (
    "The diehards renewed their vigorous campaign for the expulsion of the Russians at the "
    "beginning of 1927, and the Anglo-Soviet trade agreement was their target; its "
    "reconciliation with the Foreign Office had been a rapidly-deteriorating affair of many "
    "months, and a well-known one."
)


def test_hard_wrapped_lines_are_joined_with_their_hyphens_judged() -> None:
    """textwrap breaks after a compound's hyphen; a typesetting wrap hyphenates words too."""
    hyphenated = 0
    for width in range(56, 90, 2):
        for lines in (textwrap.wrap(SUMMARY, width), _hyphenate(SUMMARY, width)):
            hyphenated += any(line.endswith("-") for line in lines)
            text = "Summary\n" + "\n".join(lines) + "\n- Type\n"
            assert _unwrapped(text) == ["Summary", SUMMARY, "- Type"], width
    assert hyphenated >= 10


def test_short_lines_that_are_not_wrapped_stay_apart() -> None:
    """A heading as long as the page's longest line, and a name under it: no wrap."""
    text = (
        "3 - The Anglo-Soviet trade union alliance: an uneasy partnership\n"
        "Gabriel Gorodetsky\n"
        "Summary\n"
        "By the spring the truce had run its course.\n"
        "What remained was the question of who would be blamed.\n"
    )
    assert _unwrapped(text) == [line for line in text.splitlines() if line]


@given(st.sampled_from(sorted(SEEDS.glob("*.txt")) + sorted((FIXTURES / "pages").glob("*.txt"))))
def test_a_page_with_a_long_line_is_never_unwrapped(path: object) -> None:
    page = page_from_text(path.read_text(encoding="utf-8"), "x")  # type: ignore[attr-defined]
    if max(map(len, page.lines)) > 100:
        assert unwrap(page.lines, page.text, opens, resumes).lines == page.lines


@pytest.mark.parametrize(
    ("text", "shaped"),
    [
        ("Kirsten E. Shepherd-Barr", True),
        ("Jane Q. Doe*", True),
        ("Sophie van der Berg", True),
        ("Tomás O'Riordan", True),
        ("J. R. R. Tolkien", True),
        ("Get access", False),
        ("Save PDF", False),
        ("Add bookmark", False),
        ("University of Oxford", False),
        ("Peterborough, Ontario, Canada K9J 7B8", False),
        ("The Reformation", False),
        ("Introduction", False),
        ("1 Soviet Russia and the first Labour Government", False),
    ],
)
def test_the_shape_of_a_name(text: str, shaped: bool) -> None:
    assert name_shaped(text) is shaped


def test_authors_without_an_online_line() -> None:
    record = extract((FIXTURES / "other-books" / "no-online-unnumbered.txt").read_text("utf-8"))
    assert record.title == "Conclusion"
    assert [(a.name, a.affiliation) for a in record.authors] == [
        ("Margaret L. Ashdown", "University of St Andrews")
    ]


def test_a_button_is_never_a_contents_entry_or_an_author() -> None:
    page = CHAPTER.replace("Get access\n", "- Add bookmark\nRights & Permissions\n")
    record = extract(page)
    assert record.contents == ()
    assert [a.name for a in record.authors] == ["Ana Lucía Ferreira de Souza"]


def test_a_cut_subtitle_keeps_the_title() -> None:
    page = CHAPTER[: CHAPTER.index("A Global History") + 8]
    record = extract(page)
    assert (record.book.title, record.book.subtitle) == ("Commodities and Empire", None)
    assert "truncated-book-subtitle" in {w.code for w in record.warnings}


def test_a_part_heading_gives_the_part() -> None:
    record = extract((FIXTURES / "other-books" / "part-own-heading.txt").read_text("utf-8"))
    assert (record.part, record.title) == ("Part II - Methods", "Methods")


def test_a_capture_without_type_or_pages_is_a_chapter_by_its_signals() -> None:
    text = (FIXTURES / "other-books" / "edited-unnumbered-cut-before-type.txt").read_text("utf-8")
    record = extract(text)
    assert record.title == "Afterword: reading the archive backwards"
    assert record.type is None


def test_a_journal_article_cut_before_its_type_is_still_no_chapter() -> None:
    text = (FIXTURES / "other" / "journal_article.txt").read_text("utf-8")
    with pytest.raises(NotAChapter):
        extract(text[: text.index("Type")])

"""check: every finding a corpus can raise, and a clean corpus raising none."""

from __future__ import annotations

from pathlib import Path

from precarious.corpus.run import Corpus
from precarious.views.check import Finding, check
from tests.pagemaker import ALPHA, page


def corpus(folder: Path, pages: dict[str, str]) -> Corpus:
    """The pages written into folder, read as `precarious check` reads a corpus."""
    for name, text in pages.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return Corpus([folder], "warnings")


def codes(findings: list[Finding]) -> list[tuple[str | None, str]]:
    return [(f.id, f.code) for f in findings]


def test_a_complete_corpus_is_clean(tmp_path: Path) -> None:
    c = corpus(tmp_path, {"a": page(), "b": page("2 - Two", "21 - 40")})
    assert check(c) == []


def test_record_warnings_are_findings(tmp_path: Path) -> None:
    c = corpus(tmp_path, {"a": page(), "pref": page(None, "ix - xii")})
    found = codes(check(c))
    assert ("pref", "missing-heading") in found
    assert ("pref", "missing-online-date") in found
    assert ("pref", "unplaced") in found


def test_files_that_gave_no_record(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "journal.txt").write_text("Type\nArticle\n")
    c = corpus(tmp_path, {"a": page()})
    assert [(f.path, f.code, f.message) for f in check(c)] == [
        (str(tmp_path / "empty.txt"), "unreadable", "empty file"),
        (str(tmp_path / "journal.txt"), "not-a-chapter", "its Type is 'Article'"),
    ]


def test_disagreeing_contents_and_book_fields(tmp_path: Path) -> None:
    older = page("2 - Two", "21 - 40", contents=[*ALPHA[:3], *ALPHA[4:], "3 Three"])
    c = corpus(
        tmp_path,
        {
            "a": page(),
            "b": page("Preface", "ix - x"),
            "c": older,
            "d": page("Introduction", "xi - xx", publisher="Another Press"),
        },
    )
    found = {f.id: f for f in check(c) if f.code in ("contents-differ", "book-fields-differ")}
    assert found["c"].message == (
        "its contents list differs from the book's (printed by a): lacks 'Acknowledgements'; "
        "adds '3 Three'"
    )
    assert found["d"].message == (
        "publisher 'Another Press', where the book's pages say 'Cambridge University Press'"
    )


def test_duplicates_name_the_more_complete_page(tmp_path: Path) -> None:
    cut = page().rsplit("Publisher", 1)[0].rstrip("\n")  # cut off inside the Information
    c = corpus(tmp_path, {"a": page(), "b": cut})
    (dup,) = [f for f in check(c) if f.code == "duplicate"]
    assert (dup.id, dup.path) == ("b", str(tmp_path / "b.txt"))
    assert dup.message.startswith(
        "'1 One' is saved 2 times: a (list layout, 0 warnings) is more complete than b "
    )


def test_three_copies_are_each_judged_against_the_best(tmp_path: Path) -> None:
    """Two whole copies and a cut one: the whole ones are as complete as each other, the cut
    one less complete than the best (it was called 'as complete' when the tie with the
    second best decided for every copy)."""
    cut = page().rsplit("Publisher", 1)[0].rstrip("\n")
    c = corpus(tmp_path, {"a": page(), "b": page(), "c": cut})
    found = {f.id: f.message for f in check(c) if f.code == "duplicate"}
    assert found["b"].endswith(
        "a (list layout, 0 warnings) is as complete as b (list layout, 0 warnings)"
    )
    assert "a (list layout, 0 warnings) is more complete than c (list layout, " in found["c"]


def test_headings_that_differ_from_the_contents(tmp_path: Path) -> None:
    c = corpus(tmp_path, {"a": page("1 - Uno"), "b": page("9 - Nine", "50 - 60")})
    found = {f.id: f for f in check(c)}
    assert found["a"].code == "heading-differs"
    assert "chapter 1 is contents entry 6, whose title is 'One'" in found["a"].message
    assert found["b"].code == "not-in-contents"


def test_overlapping_and_disordered_page_ranges(tmp_path: Path) -> None:
    c = corpus(
        tmp_path,
        {"one": page("1 - One", "30 - 50"), "two": page("2 - Two", "10 - 35")},
    )
    found = {(f.id, f.code): f.message for f in check(c)}
    assert found["one", "pages-overlap"] == "pages 30–50 overlap '2 Two' (10–35, two)"
    assert found["two", "pages-order"].startswith("contents entry 7 starts on page 10, before")


def test_impossible_page_range(tmp_path: Path) -> None:
    c = corpus(tmp_path, {"a": page(pages="40 - 30")})
    assert codes(check(c)) == [("a", "impossible-pages")]


def test_pages_of_no_book(tmp_path: Path) -> None:
    c = corpus(tmp_path, {"a": page("3 - Three", contents=[], book=None)})
    (finding,) = [f for f in check(c) if f.code == "no-book"]
    assert finding.message.startswith("in no book: it states no book title")

"""Small list-layout chapter pages for tests of the corpus views (books, toc, check)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from precarious.corpus import Corpus, Keep, extract_all

ALPHA = ["Frontmatter", "Contents", "Preface", "Acknowledgements", "Introduction", "1 One", "2 Two"]


def page(
    heading: str | None = "1 - One",
    pages: str | None = "1 - 20",
    *,
    contents: Sequence[str] = ALPHA,
    book: str | None = "Alpha Book",
    year: str | None = "2000",
    publisher: str = "Cambridge University Press",
) -> str:
    """A complete list-layout page; leave a part out with None."""
    bullets = "".join(f"- {c}\n" for c in contents)
    text = f"Book contents\n{bullets}" if contents else ""
    if heading:
        text += f"{heading}\nPublished online by Cambridge University Press: 01 June 2011\n"
    text += bullets + "Summary\nA first paragraph of the summary, ending as sentences do.\n"
    info = book or ""
    if pages:
        info += f", pp. {pages}"
    info += f"Publisher: {publisher}"
    if year:
        info += f"Print publication year: {year}"
    return text + f"- Type\n- Chapter\n- Information\n- {info}\n"


def corpus(folder: Path, pages: dict[str, str], keep: Keep = "records") -> Corpus:
    """Write the pages (name → text) into folder and read them as one corpus."""
    for name, text in pages.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return extract_all([folder], keep=keep)

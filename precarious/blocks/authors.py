"""The chapter's authors: names and "Affiliation:" lines between the online line and the
next block ("Get access", the summary)."""

from __future__ import annotations

import re

from precarious.blocks.base import Line, Reading, State
from precarious.record import Author

KIND = "authors"
LABELS: tuple[str, ...] = ()
MARKERS: dict[str, str] = {}
_AFFILIATION = re.compile(r"(.*?)\s*\bAffiliations?\s*:\s*(.*)$", re.IGNORECASE)
_NAME_MARKS = "*†‡§¶"


def rule(line: Line, state: State) -> str | None:
    """Every line of the section the online line opened."""
    return KIND if state.section == KIND else None


def read(page: Reading) -> tuple[Author, ...]:
    """Each name with its affiliation ("Name Affiliation: X", or "Affiliation:" on a line
    of its own followed by the affiliation)."""
    authors: list[Author] = []
    awaiting = False  # a bare "Affiliation:" line: the next line is the affiliation
    for line, text in page.lines(KIND):
        if page.is_cut(line):
            page.cut("authors", line, text)
            break
        m = _AFFILIATION.match(text)
        name = (m[1] if m else text).rstrip(_NAME_MARKS).strip()  # "*" alone is no name
        if m and name:
            authors.append(Author(name, m[2] or None))
            awaiting = not m[2]
        elif m:
            awaiting = not m[2]
            if m[2]:
                _affiliate(page, authors, m[2], line)
        elif awaiting:
            _affiliate(page, authors, text, line)
            awaiting = False
        elif name:
            authors.append(Author(name))
    return tuple(authors)


def _affiliate(page: Reading, authors: list[Author], affiliation: str, line: int) -> None:
    if not authors:
        page.warn(
            "orphan-affiliation", f"line {line}: an affiliation with no author: ignored", line
        )
        return
    last = authors[-1]
    joined = affiliation if last.affiliation is None else f"{last.affiliation}; {affiliation}"
    authors[-1] = last._replace(affiliation=joined)

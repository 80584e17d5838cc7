"""The online-publication line: "Published online by Cambridge University Press: 01 June
2011" (or "Online publication date: August 2016"). The chapter's authors follow it."""

from __future__ import annotations

import re

from precarious import values
from precarious.blocks.base import Line, Reading, State

KIND = "online"
LABELS: tuple[str, ...] = ()
MARKERS = {"Published online by Cambridge University Press": KIND, "Online publication date": KIND}
# The line's label, with its colon: what follows is the date.
PATTERN = re.compile(
    r"(?:published online by cambridge university press|online publication date)\b\s*:?\s*",
    re.IGNORECASE,
)


def rule(line: Line, state: State) -> str | None:
    """The online line; the authors' section opens after it (not inside Information)."""
    if not PATTERN.match(line.text):
        return None
    if state.section != "information":
        state.section = "authors"
    return KIND


def read(page: Reading) -> str | None:
    """published_online as an ISO date (a month-only date stays a month)."""
    found = page.lines(KIND)
    if not found:
        page.warn(
            "missing-online-date",
            "the page has no 'Published online' line: published_online is null",
        )
        return None
    line, text = found[0]
    value = PATTERN.sub("", text, count=1)
    date = values.iso_date(value)
    if date is None:
        if page.is_cut(line):
            page.cut("online-date", line, text)
        else:
            page.warn("bad-date", f"line {line}: cannot read the date {value!r}: left null", line)
    return date

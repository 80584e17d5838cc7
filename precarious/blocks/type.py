"""The Type: a "Type" label and, on the next line, its value ("Chapter")."""

from __future__ import annotations

from precarious.blocks.base import Line, Reading, State

KIND = "type"
LABELS = ("type",)
MARKERS = {"Type": KIND}


def rule(line: Line, state: State) -> str | None:
    """The line after the label is its value."""
    if state.section != KIND:
        return None
    state.section = None
    return KIND


def read(page: Reading) -> str | None:
    """The Type as printed; a value the download cut off is no value."""
    values = [(n, t) for n, t in page.lines(KIND) if t.casefold() not in LABELS]
    if not values:
        page.warn("missing-type", "the page states no Type: type is null")
        return None
    line, text = values[0]
    if page.is_cut(line):
        page.cut("type", line, text)
        return None
    return text

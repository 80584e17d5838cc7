"""The book's table of contents: a "Book contents" label and bulleted entries, printed
once or twice before the summary (the list layout prints it twice)."""

from __future__ import annotations

from functools import lru_cache

from precarious import values
from precarious.blocks.base import Line, Reading, State
from precarious.record import Entry

KIND = "contents"
LABELS = ("book contents",)
MARKERS = {"Book contents": KIND}


def rule(line: Line, state: State) -> str | None:
    """A bulleted line before the summary is a contents entry."""
    if line.bulleted and not state.summary_seen:
        state.section = KIND
        return KIND
    if state.section == KIND:
        state.section = None
    return None


def read(page: Reading) -> tuple[Entry, ...]:
    """The entries, each printing once; an entry the download cut off ends the list."""
    entries: list[str] = []
    for line, text in page.lines(KIND):
        if text.casefold() in LABELS:
            continue
        if page.is_cut(line):
            page.cut("contents", line, text)
            break
        entries.append(text)
    return _entries(tuple(entries))


@lru_cache(maxsize=64)
def _entries(texts: tuple[str, ...]) -> tuple[Entry, ...]:
    """The contents list these entry lines print. Memoized: the pages of a book print the
    same list, and they are mostly read one after another."""
    return tuple(merge_printings([Entry(*values.contents_entry(t)) for t in texts]))


def merge_printings(entries: list[Entry]) -> list[Entry]:
    """The list layout prints the contents twice: keep one printing, add what others add."""
    if not entries:
        return []
    printings: list[list[Entry]] = []
    for entry in entries:
        if not printings or entry == entries[0]:
            printings.append([])
        printings[-1].append(entry)
    merged = printings[0]
    seen = set(merged)
    for printing in printings[1:]:
        for e in printing:
            if e not in seen:
                merged.append(e)
                seen.add(e)
    return merged

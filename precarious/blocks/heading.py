"""The chapter heading: "4 - Title", "Chapter 1 - Title", or an unnumbered title right
above the online line or a "from Part …" line; and the "from Part …" line itself."""

from __future__ import annotations

from precarious import values
from precarious.blocks import online
from precarious.blocks.base import Line, Reading, State, short

KIND = "heading"
LABELS: tuple[str, ...] = ()
MARKERS: dict[str, str] = {}


def rule(line: Line, state: State) -> str | None:
    """A numbered heading or part line, or the line above the online line or a part line
    (never inside the authors' section)."""
    if state.section == "authors":
        return None
    if (
        values.NUMBERED.match(line.text)
        or values.PART.match(line.text)
        or online.PATTERN.match(line.next_text)
        or values.PART.match(line.next_text)
    ):
        state.section = None
        return KIND
    return None


def read(page: Reading) -> tuple[int | None, str | None, str | None]:
    """(number, title, part): exactly what the heading states; a second heading is named
    and ignored, a title the download cut off is null."""
    number = title = part = None
    seen = False
    for line, text in page.lines(KIND):
        if (value := values.part(text)) is not None:
            if page.is_cut(line):
                page.cut("part", line, text)
            else:
                part = value
            continue
        if seen:
            page.warn(
                "extra-heading", f"line {line}: a second heading {short(text)!r}: ignored", line
            )
            continue
        seen = True
        number, title = values.heading(text)
        if page.is_cut(line) and title is not None:
            page.cut("title", line, text)
            title = None
    if not seen:
        page.warn("missing-heading", "the page has no chapter heading: number and title are null")
    return number, title, part


def numbered(page: Reading) -> bool:
    """Whether a heading of the page states a chapter number."""
    return any(values.heading(t)[0] is not None for _, t in page.lines(KIND))

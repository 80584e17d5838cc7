"""The chapter heading: "4 - Title", "Chapter 1 - Title", or an unnumbered title right
above the online line, a "from Part …" line or the authors; and the "from Part …" line
itself. A heading opens the authors' section: the names under it are the chapter's authors,
whether or not an online line comes between."""

from __future__ import annotations

from precarious import values
from precarious.blocks import authors, chrome, online, summary
from precarious.blocks.base import Line, Reading, State, short

KIND = "heading"
LABELS: tuple[str, ...] = ()
MARKERS: dict[str, str] = {}


def rule(line: Line, state: State) -> str | None:
    """A numbered heading or part line, or the line above the online line, a part line or
    an author (a name followed by an affiliation, the summary or site chrome)."""
    text = line.text
    if values.PART.match(text):
        return KIND  # the part line, under the heading: the authors may follow it
    if state.section == authors.KIND or line.bulleted:
        return None
    if (
        values.NUMBERED.match(text)
        or online.PATTERN.match(line.next_text)
        or values.PART.match(line.next_text)
        or _above_authors(line)
    ):
        state.section = authors.KIND
        state.heading_seen = True
        return KIND
    return None


def _above_authors(line: Line) -> bool:
    """An unnumbered title with no online line under it: the name under it shows it, when
    an affiliation, the summary or site chrome follows the name."""
    if not authors.name_shaped(line.next_text) or authors.name_shaped(line.text):
        return False
    after = line.following(2)
    return bool(
        authors.AFFILIATION.match(after)
        or after.casefold() in summary.LABELS
        or chrome.is_chrome(after)
    )


def read(page: Reading) -> tuple[int | None, str | None, str | None]:
    """(number, title, part): exactly what the heading states; a second heading is named
    and ignored, a title the download cut off is null. A heading that is a part's own
    ("Part I - Foundations") gives the part and its title."""
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
        elif title is not None and (own := values.own_part(title)) is not None:
            part, title = title, own
    if not seen:
        page.warn("missing-heading", "the page has no chapter heading: number and title are null")
    return number, title, part


def numbered(page: Reading) -> bool:
    """Whether a heading of the page states a chapter number."""
    return any(values.heading(t)[0] is not None for _, t in page.lines(KIND))

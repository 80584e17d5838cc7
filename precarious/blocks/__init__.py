"""Page → blocks → Record: which line is which part of a Cambridge Core chapter page, and
the record its blocks state.

Each block has a module of its own that holds both what makes lines that block (`rule`,
its `LABELS` and the `MARKERS` a cut-off line may be the start of) and how its values are
read (`read`). Every line is offered to RULES in order; the first rule that claims it
decides its kind, and `unknown` is last. A label line ("Summary", "- Type", …) opens its
block's section, which decides how the next lines are read. Blank lines join the block
before them, so every line lands in exactly one block.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from precarious import values, wraps
from precarious.blocks import (
    authors,
    chapter,
    chrome,
    contents,
    heading,
    information,
    online,
    summary,
)
from precarious.blocks import type as type_
from precarious.blocks.base import Line, Reading, State, short, strip_bullet, strip_bullets
from precarious.read import Page, page_from_text
from precarious.record import Record, RecordWarning

MODULES = (contents, heading, online, authors, summary, type_, information, chrome)
# Each label, casefolded, and the block it opens.
LABELS = {label: m.KIND for m in MODULES for label in m.LABELS}
_LONGEST_LABEL = max(map(len, LABELS))
# What a last line cut off mid-word may be the start of, and the kind that makes it.
MARKERS = {marker.casefold(): kind for m in MODULES for marker, kind in m.MARKERS.items()}

Rule = Callable[[Line, State], "str | None"]


def label_of(text: str) -> str | None:
    """The block a label on a line of its own opens ("Summary", any case). A line longer
    than the longest label is not casefolded at all: casefolding never shortens a text."""
    return LABELS.get(text.casefold()) if len(text) <= _LONGEST_LABEL else None


def _label(line: Line, state: State) -> str | None:
    """A section label on a line of its own opens its block's section."""
    kind = label_of(line.text)
    if kind:
        state.section, state.fields_seen = kind, False
        state.summary_seen = state.summary_seen or kind == summary.KIND
    return kind


# The order in which the rules are offered a line: the first that claims it decides.
RULES: tuple[Rule, ...] = (
    chrome.rule,
    _label,
    online.rule,
    type_.rule,
    information.rule,
    summary.rule,
    contents.rule,
    heading.rule,
    authors.rule,
)
# Of these, the rules that may claim a line whatever section it is in (see _classify).
_ANYWHERE = RULES[:3]


def _bulk(line: Line, state: State) -> bool:
    """Whether the rule of the section the line is in claims it (a summary paragraph, a
    contents entry): then the rules before it need no asking but those that work anywhere."""
    section = state.section
    if section == summary.KIND:
        return not line.bulleted
    return section == contents.KIND and line.bulleted and not state.summary_seen


# A numbered heading, as it starts a line: "4 - Russia…" (not "134 - 179Publisher…").
_HEADING = re.compile(r"(?:chapter\s+)?\d{1,3}\s*[-–—]\s+\D", re.IGNORECASE)


def opens(text: str, after: str) -> bool:
    """Whether a line starts something of its own (a list entry, a label, a field, the online
    line, a heading, an author or an affiliation, site chrome): then it is no wrapped tail of
    the line above it. `after` is the line after it."""
    bare = strip_bullet(text)
    if bare is not text:
        # A list entry; not '- xivPublisher: …' or a lone '-', which go on a page range.
        return bare != "" and not resumes(bare)
    return (
        label_of(bare) is not None
        or online.PATTERN.match(bare) is not None
        or _field_line(bare)
        or authors.AFFILIATION.match(bare) is not None
        or (authors.name_shaped(bare) and authors.AFFILIATION.match(after) is not None)
        or _HEADING.match(bare) is not None
        or values.PART.match(bare) is not None
        or chrome.is_chrome(bare)
    )


def _field_line(text: str) -> bool:
    """A line that starts with a field: "Publisher: …", ", pp. 1 - 28" (a wrap's tail may
    start "pp. xi - xii…" but never with the comma, which stays with the word before it)."""
    found = information.FIELDS.match(text)
    return found is not None and (found.lastgroup != "pages" or text.startswith(","))


def resumes(text: str) -> bool:
    """Whether a line is evidently the rest of a longer one: it holds an Information field
    glued to the word before it ("PressPrint publication year: 1977"), or starts with a page
    number glued to the next field ("179Publishe…", cut inside the field's name)."""
    if _GLUED_PAGE.match(text):
        return True
    found = information.FIELDS.search(text)
    return found is not None and found.start() > 0 and text[found.start() - 1].isalnum()


_GLUED_PAGE = re.compile(r"(?:\d+|[ivxlc]+)[A-Z]")


def unwrapped(page: Page) -> Page:
    """The page with its hard-wrapped lines joined again (see precarious.wraps)."""
    found = wraps.unwrap(page.lines, page.text, opens, resumes)
    if not found.joined:
        return page
    note = (
        "hard-wrapped",
        f"the text is wrapped at {found.width} columns: {found.joined} lines cut by the wrap "
        "were joined again",
    )
    return page._replace(lines=found.lines, notes=(*page.notes, note))


def _cut_kind(text: str, previous: str | None) -> str | None:
    """For a last line cut off mid-word: the marker it is the start of, if any."""
    if len(text) < 3:
        return None
    folded = text.casefold()
    kinds = {kind for marker, kind in MARKERS.items() if marker.startswith(folded)}
    if previous in information.KINDS and "publisher" in kinds:
        return "publisher"  # "Publishe…" after the page range: Publisher, not Published online
    return kinds.pop() if len(kinds) == 1 else None


def _classify(
    page: Page,
) -> tuple[list[str | None], list[str], dict[str, list[tuple[int, str]]]]:
    """The kind of every line (None for blank lines), its text (bullet removed), and the
    (line number, text) of the lines of each kind."""
    lines = page.lines
    texts = strip_bullets(lines)
    kinds: list[str | None] = [None] * len(texts)
    last = next((i for i in range(len(texts) - 1, -1, -1) if texts[i]), -1)
    state = State()
    previous = None
    buckets: dict[str, list[tuple[int, str]]] = {}
    for i, text in enumerate(texts):
        if not text:
            continue
        line = Line(text, text is not lines[i], texts, i)
        if _bulk(line, state):
            # The bulk of a page, summary paragraphs and contents entries: the section's
            # own rule claims them unless a rule that works anywhere does first.
            for rule in _ANYWHERE:
                if kind := rule(line, state):
                    break
            else:
                kind = state.section
        else:
            for rule in RULES:
                if kind := rule(line, state):
                    break
            else:
                if i == last and page.open_end:
                    kind = _cut_kind(text, previous)
        kinds[i] = previous = kind = kind or "unknown"
        found = buckets.get(kind)
        if found is None:
            buckets[kind] = [(i + 1, text)]
        else:
            found.append((i + 1, text))
    return kinds, texts, buckets


class Block(NamedTuple):
    """A run of lines `start`..`end` (1-based, inclusive) of one kind."""

    kind: str
    start: int
    end: int
    lines: tuple[str, ...]

    def text_lines(self) -> list[tuple[int, str]]:
        """The non-blank lines with their line numbers."""
        return [(self.start + i, line) for i, line in enumerate(self.lines) if line]

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "start": self.start, "end": self.end, "lines": list(self.lines)}


def detect(page: Page) -> list[Block]:
    """The page as blocks; every line is in exactly one."""
    page = unwrapped(page)
    return _blocks(page, _classify(page)[0])


def _blocks(page: Page, kinds: list[str | None]) -> list[Block]:
    # Blank lines join the block before them; leading blank lines join the first block.
    current = next((k for k in kinds if k), "unknown")
    filled: list[str] = []
    for kind in kinds:
        current = kind or current
        filled.append(current)
    blocks: list[Block] = []
    start = 0
    for i in range(1, len(filled) + 1):
        if i == len(filled) or filled[i] != filled[start]:
            blocks.append(Block(filled[start], start + 1, i, page.lines[start:i]))
            start = i
    return blocks


def extract(text: str, name: str = "page", path: str = "") -> Record:
    """The record of one page's text. Raises NotAChapter for any other kind of page."""
    return extract_page(page_from_text(text, name, path))


def extract_page(page: Page) -> Record:
    """The record of one Page: each block's values read by its module, in the order their
    warnings are given."""
    layout = _layout(page)
    page = unwrapped(page)
    page_ = Reading(page, *_classify(page))
    page_.warnings.extend(RecordWarning(code, message) for code, message in page.notes)
    type_value = type_.read(page_)
    chapter.check(page_, type_value)
    number, title, part = heading.read(page_)
    summary_heading, paragraphs = summary.read(page_)
    pages, book, doi = information.read(page_)
    record = Record(
        id=page.name,
        source=page.path,
        layout=layout,
        type=type_value,
        number=number,
        title=title,
        part=part,
        authors=authors.read(page_),
        summary_heading=summary_heading,
        summary=paragraphs,
        pages=pages,
        book=book,
        published_online=online.read(page_),
        captured_at=chrome.read(page_),
        doi=doi,
        contents=contents.read(page_),
    )
    _unknown(page_)
    _truncation(page_)
    return record._replace(warnings=tuple(page_.warnings))


def _layout(page: Page) -> str:
    """'page' when blank lines separate the blocks, 'list' for the compact dash list."""
    lines = page.lines
    first = next((i for i, line in enumerate(lines) if line), 0)
    last = len(lines) - next((i for i, line in enumerate(reversed(lines)) if line), 0)
    return "page" if "" in lines[first:last] else "list"


def _unknown(page: Reading) -> None:
    """Each block of lines no rule claims is kept (see `precarious blocks`) and named."""
    if "unknown" not in page.buckets:
        return
    for b in _blocks(page.page, page.kinds):
        if b.kind == "unknown":
            first = next(t for _, t in b.text_lines())
            where = f"line {b.start}" if b.start == b.end else f"lines {b.start}-{b.end}"
            page.warn("unknown-lines", f"{where} not recognised: {short(first)!r}", b.start)


# Missing one of these on a page that ends mid-line means the download was cut.
_END_FIELDS = frozenset(
    {"missing-type", "missing-pages", "missing-publisher", "missing-print-year"}
)


def _truncation(page: Reading) -> None:
    """Say so once when the download looks cut off: it ends mid-line, and a value was cut
    or the fields a whole page ends with (Type, Information) are missing."""
    if not page.page.open_end:
        return
    if any(w.code.startswith("truncated-") or w.code in _END_FIELDS for w in page.warnings):
        n = len(page.page.lines)
        page.warn("truncated", f"the page ends mid-line at line {n}: the download looks cut off", n)

"""Page → [Block]: which line is which part of a Cambridge Core chapter page.

Each line is offered to an ordered table of small rules; the first rule that
claims it decides its kind, and `unknown` is last. A label line ("Summary",
"- Type", "Information", …) opens a section that decides how the next lines
are read. Blank lines join the block before them. Consecutive lines of one kind
form one block, so every line lands in exactly one block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import regex

from precarious.normalize import NUMBERED, PART
from precarious.reader import Page

KINDS = (
    "contents",  # the book's table of contents (label and "- " entries)
    "heading",  # "4 - Title", "Chapter 1 - Title", an unnumbered title, "from Part I - …"
    "online",  # "Published online by Cambridge University Press: …", "Online publication date: …"
    "authors",  # names and "Affiliation:" lines after the online date
    "summary",  # the "Summary" label, an optional short heading, the paragraphs
    "type",  # the "Type" label and its value ("Chapter")
    "information",  # the "Information" label, or all its fields glued onto one line
    "book",  # book title and subtitle lines in the Information section
    "pages",  # ", pp. 211 - 256"
    "doi",  # "DOI: https://doi.org/…"
    "publisher",  # "Publisher: …"
    "year",  # "Print publication year: …"
    "boilerplate",  # site chrome: navigation, access and save-to-Kindle text, render stamp
    "unknown",  # anything else: kept and reported, never dropped
)


@dataclass(frozen=True, slots=True)
class Block:
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


_BULLETS = "-•–"


def strip_bullet(line: str) -> str:
    """'- Chapter' → 'Chapter': the list layout's bullets carry no meaning of their own.
    (String tests, not a pattern: this runs on every line of every page.)"""
    if line[:1] and line[0] in _BULLETS and (len(line) == 1 or line[1].isspace()):
        return line[1:].lstrip()
    return line


LABELS = {
    "book contents": "contents",
    "summary": "summary",
    "abstract": "summary",
    "type": "type",
    "information": "information",
}

_LONGEST_LABEL = max(map(len, LABELS))


def is_label(text: str) -> bool:
    """A section label on a line of its own (bullet already removed). A longer line, a
    paragraph say, is not casefolded at all: casefolding never shortens a text."""
    return len(text) <= _LONGEST_LABEL and text.casefold() in LABELS


_BOILERPLATE = regex.compile(
    r"""^(?:
        skip\ to\ main\ content | accessibility\ help | hostname: | [×✕✖]$ | close$
      | get\ access | access\ options$ | available\ formats$ | find\ out\ more\ about
      | save\ (?:book|content|chapter|article|pdf)s?\b | to\ save\ (?:this|content)
      | note\ you\ can\ select\ to\ save | ['‘]@(?:free\.)?kindle\.com
      | we\ use\ cookies | close\ this\ message | log\ ?in\b | export\ citation$
      | recommend\ (?:this|to\ librarian) | cited\ by$ | share$ | cite$
    )""",
    regex.IGNORECASE | regex.VERBOSE,
)
# The online-publication line's label, with its colon: what follows is the date.
ONLINE = regex.compile(
    r"^(?:published\ online\ by\ cambridge\ university\ press|online\ publication\ date)\b\s*:?\s*",
    regex.IGNORECASE | regex.VERBOSE,
)
# The kinds of the Information section's lines.
INFO_KINDS = frozenset({"information", "book", "pages", "doi", "publisher", "year"})
# The Information fields, as they start a line (page layout) or sit inside a glued line (list).
FIELD_MARKERS = {
    "pages": regex.compile(r",?\s*\bpp?\.\s*"),
    # No \b before these: in the glued line they follow a word ("179Publisher: …").
    "doi": regex.compile(r"DOI\s*:\s*"),
    "publisher": regex.compile(r"Publisher\s*:\s*"),
    "year": regex.compile(r"Print publication year\s*:\s*", regex.IGNORECASE),
}
# What a line cut off at the end of a download may be the start of.
_CUT_MARKERS = {
    "Book contents": "contents",
    "Summary": "summary",
    "Type": "type",
    "Information": "information",
    "Published online by Cambridge University Press": "online",
    "Online publication date": "online",
    "Publisher:": "publisher",
    "Print publication year:": "year",
    "Skip to main content": "boilerplate",
    "Hostname:": "boilerplate",
}


@dataclass
class _State:
    """What the lines so far have opened: the current section and what it has seen."""

    section: str | None = None
    fields_seen: bool = False
    summary_seen: bool = False


@dataclass(frozen=True, slots=True)
class _Line:
    text: str  # normalized, bullet removed
    bulleted: bool
    next_text: str  # the next non-blank line (bullet removed), "" at the end


_Rule = Callable[[_Line, _State], str | None]


def _boilerplate(line: _Line, state: _State) -> str | None:
    """Site chrome: navigation, access options, save-to-Kindle/Dropbox text, render stamp."""
    if _BOILERPLATE.match(line.text):
        state.section = None
        return "boilerplate"
    return None


def _label(line: _Line, state: _State) -> str | None:
    """A section label on a line of its own: Book contents, Summary, Type, Information."""
    kind = LABELS.get(line.text.casefold())
    if kind:
        state.section, state.fields_seen = kind, False
        state.summary_seen = state.summary_seen or kind == "summary"
    return kind


def _online(line: _Line, state: _State) -> str | None:
    """The online-publication line; the chapter's authors may follow it."""
    if not ONLINE.match(line.text):
        return None
    if state.section != "information":
        state.section = "authors"
    return "online"


def _type_value(line: _Line, state: _State) -> str | None:
    """The line after the Type label is its value."""
    if state.section != "type":
        return None
    state.section = None
    return "type"


def _information(line: _Line, state: _State) -> str | None:
    """Lines of the Information section: book title lines, then pages, DOI, publisher, year."""
    if state.section != "information":
        return None
    kind = field_kind(line.text)
    if kind is None:
        if state.fields_seen:
            state.section = None
            return None
        return "book"
    state.fields_seen = True
    return kind


def _summary(line: _Line, state: _State) -> str | None:
    """Every line after the Summary label until the next label, site chrome or "- " line
    (paragraphs are never bulleted; in the list layout the labels after them are)."""
    if state.section != "summary":
        return None
    if line.bulleted:
        state.section = None
        return None
    return "summary"


def _contents(line: _Line, state: _State) -> str | None:
    """A "- " entry of the book contents list (printed once or twice, before the summary)."""
    if line.bulleted and not state.summary_seen:
        state.section = "contents"
        return "contents"
    if state.section == "contents":
        state.section = None
    return None


def _heading(line: _Line, state: _State) -> str | None:
    """The chapter heading: "4 - Title", "Chapter 1 - Title", or a title right above the
    online date or a "from Part …" line, and the "from Part …" line itself."""
    if state.section == "authors":
        return None
    if (
        NUMBERED.match(line.text)
        or PART.match(line.text)
        or ONLINE.match(line.next_text)
        or PART.match(line.next_text)
    ):
        state.section = None
        return "heading"
    return None


def _authors(line: _Line, state: _State) -> str | None:
    """Names and "Affiliation:" lines between the online date and "Get access"."""
    return "authors" if state.section == "authors" else None


RULES: tuple[_Rule, ...] = (
    _boilerplate,
    _label,
    _online,
    _type_value,
    _information,
    _summary,
    _contents,
    _heading,
    _authors,
)


def field_kind(text: str) -> str | None:
    """The Information field a line holds: one field at its start, or several glued."""
    found = [(m.start(), kind) for kind, rx in FIELD_MARKERS.items() if (m := rx.search(text))]
    if not found:
        return None
    first_at, kind = min(found)
    if len(found) > 1 or first_at > 0:
        return "information"
    return kind


def _cut_kind(text: str, previous: str | None) -> str | None:
    """For a last line cut off mid-word: the marker it is the start of, if any."""
    if len(text) < 3:
        return None
    folded = text.casefold()
    kinds = {kind for marker, kind in _CUT_MARKERS.items() if marker.casefold().startswith(folded)}
    if previous in INFO_KINDS and "publisher" in kinds:
        return "publisher"  # "Publishe…" after the page range: Publisher, not Published online
    return kinds.pop() if len(kinds) == 1 else None


def _continues(text: str, bulleted: bool, state: _State) -> bool:
    """A shortcut through RULES for the bulk of a page, a paragraph of the summary or an
    entry of the contents: true when the rules would give the line the kind of the section
    it is in (no rule before _summary and _contents claims it, and the section goes on)."""
    if state.section == "summary":
        if bulleted:
            return False
    elif state.section != "contents" or not bulleted or state.summary_seen:
        return False
    return not (_BOILERPLATE.match(text) or ONLINE.match(text) or is_label(text))


def _classify(page: Page) -> list[str | None]:
    """The kind of every non-blank line (None for blank lines)."""
    texts = [strip_bullet(line) for line in page.lines]
    kinds: list[str | None] = [None] * len(texts)
    state = _State()
    next_text = ""
    nexts = [""] * len(texts)
    for i in range(len(texts) - 1, -1, -1):
        nexts[i] = next_text
        if texts[i]:
            next_text = texts[i]
    last = len(texts) - 1
    previous = None
    for i, text in enumerate(texts):
        if not text:
            continue
        bulleted = text != page.lines[i]
        if _continues(text, bulleted, state):
            kinds[i] = previous = state.section
            continue
        line = _Line(text, bulleted, nexts[i])
        kind = next((k for rule in RULES if (k := rule(line, state))), None)
        if kind is None and i == last and page.open_end:
            kind = _cut_kind(text, previous)
        kinds[i] = previous = kind or "unknown"
    return kinds


def detect(page: Page) -> list[Block]:
    """Split a page into blocks; every line is in exactly one."""
    kinds = _classify(page)
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

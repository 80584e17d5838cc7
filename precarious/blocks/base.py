"""What every block module works with: a line as the rules see it, the state the lines so
far have opened, and the page being read (its lines by kind, and its warnings)."""

from __future__ import annotations

from precarious.read import Page
from precarious.record import RecordWarning

# The bullets saved lists carry: the list layout's '-', markdown's '*' and '+', and what word
# processors, notes apps and terminal browsers draw.
_BULLETS = "-*+•–·◦▪‣∙○●■□➢►"


def strip_bullet(line: str) -> str:
    """'- Chapter' → 'Chapter': the list layout's bullets carry no meaning of their own.
    (The line itself when it has none: `is` tells a bulleted line.)"""
    if line[:1] in _BULLETS and line and (len(line) == 1 or line[1].isspace()):
        return line[1:].lstrip()
    return line


_BULLETED = frozenset(f"{b} " for b in _BULLETS)
_BARE = frozenset(_BULLETS)


def strip_bullets(lines: tuple[str, ...]) -> list[str]:
    """strip_bullet of every normalized line (one plain space after a bullet, no space
    before), at the speed of one comprehension."""
    return [line[2:] if line[:2] in _BULLETED else "" if line in _BARE else line for line in lines]


def short(text: str, limit: int = 60) -> str:
    """A value shortened for a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Line:
    """A non-blank line as the rules see it: its text (normalized, bullet removed), whether
    it was bulleted, and the next non-blank line's text ("" at the end)."""

    __slots__ = ("_at", "_texts", "bulleted", "text")

    def __init__(self, text: str, bulleted: bool, texts: list[str], at: int) -> None:
        self.text, self.bulleted, self._texts, self._at = text, bulleted, texts, at

    @property
    def next_text(self) -> str:
        """(Looked for only when a rule asks: few do.)"""
        return next((t for t in self._texts[self._at + 1 :] if t), "")

    def following(self, n: int) -> str:
        """The text of the n-th non-blank line after this one ("" past the end)."""
        for t in self._texts[self._at + 1 :]:
            if t:
                n -= 1
                if n == 0:
                    return t
        return ""


class State:
    """What the lines so far have opened: the current section and what it has seen."""

    __slots__ = ("affiliation_due", "fields_seen", "heading_seen", "section", "summary_seen")

    def __init__(self) -> None:
        self.section: str | None = None
        self.fields_seen = False
        self.summary_seen = False
        self.heading_seen = False
        self.affiliation_due = False  # an "Affiliation:" line: its text is on the next line


class Reading:
    """One page being read into a record: its non-blank lines bucketed by kind (bullets
    removed), where a cut-off download ends, and the warnings said so far."""

    def __init__(
        self,
        page: Page,
        kinds: list[str | None],
        texts: list[str],
        buckets: dict[str, list[tuple[int, str]]],
    ) -> None:
        self.page = page
        self.kinds = kinds
        self.texts = texts
        self.buckets = buckets
        self.last_kind = next((k for k in reversed(kinds) if k), "unknown")
        # The line the download stops in: the last one with text (a wrapped last line was
        # joined to the one it was cut from).
        self.cut_line = (
            next((i + 1 for i in range(len(kinds) - 1, -1, -1) if kinds[i]), None)
            if page.open_end
            else None
        )
        self.warnings: list[RecordWarning] = []

    def lines(self, *kinds: str) -> list[tuple[int, str]]:
        """The (line number, text) of every line of these kinds, in page order."""
        if len(kinds) == 1:
            return self.buckets.get(kinds[0], [])
        found = [x for kind in kinds for x in self.buckets.get(kind, ())]
        return sorted(found)

    def warn(self, code: str, message: str, line: int | None = None) -> None:
        self.warnings.append(RecordWarning(code, message, line))

    def is_cut(self, line: int) -> bool:
        """The download stops inside this line: its value may be missing characters."""
        return line == self.cut_line

    def cut(self, what: str, line: int, text: str) -> None:
        self.warn(
            f"truncated-{what}",
            f"line {line}: the page ends inside the {what.replace('-', ' ')} "
            f"({short(text)!r}): left null",
            line,
        )

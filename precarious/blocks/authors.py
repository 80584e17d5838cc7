"""The chapter's authors: the names under the heading (and under the online line, when the
page has one), each with its affiliation ("Affiliation:" and the affiliation on the next
line, or both on the name's line).

A line is a name only by its shape: two to six words, each capitalized (or an initial, or a
particle such as 'van' or 'de'), no digits, no words of an institution. Anything else ends
the section, so a contents entry, a button label or the tail of a long affiliation is never
taken for an author."""

from __future__ import annotations

import re

from precarious.blocks.base import Line, Reading, State
from precarious.record import Author

KIND = "authors"
LABELS: tuple[str, ...] = ()
MARKERS: dict[str, str] = {}
# "Affiliation:" (or "Affiliations:") starting a line: the affiliation follows it or is on
# the next line.
AFFILIATION = re.compile(r"affiliations?\s*:\s*", re.IGNORECASE)
# A name and its affiliation on one line (a reader view joins them).
_NAME_AND_AFFILIATION = re.compile(r"(.+?)\s*\bAffiliations?\s*:\s*(.*)$", re.IGNORECASE)
_NAME_MARKS = "*†‡§¶"
_PARTICLES = frozenset(
    "al bin da das de del della der di do dos du el ibn la le ten ter van von wa y zu".split()
)
# Words that are never part of a name: an institution's, or a title's.
_NOT_NAME = frozenset(
    (
        "academy archive archives centre center college council department faculty foundation "
        "hospital institute institution laboratory library museum press program programme "
        "research school society university the a an and of in on for to from with at by or "
        "its his her their our is are was"
    ).split()
)
_DIGIT = re.compile(r"\d")
_NAME_WORD = re.compile(r"[\w'’.-]+")
_INITIALS = re.compile(r"(?:\w\.)+(?:-\w\.)*")


def name_shaped(text: str) -> bool:
    """Whether a line has the shape of a person's name ("Kirsten E. Shepherd-Barr*")."""
    text = text.rstrip(_NAME_MARKS + " ")
    if not 3 <= len(text) <= 80 or _DIGIT.search(text):
        return False
    words = text.replace(", Jr.", " Jr.").split()
    if not 2 <= len(words) <= 6 or words[0].casefold() in _PARTICLES:
        return False
    for word in words:
        folded = word.casefold()
        if folded in _NOT_NAME or not _NAME_WORD.fullmatch(word):
            return False
        if folded in _PARTICLES or _INITIALS.fullmatch(word):
            continue
        if not word[0].isupper() or (len(word) > 2 and word.isupper()):
            return False  # 'access', 'PDF': a label, not a name
    return True


def rule(line: Line, state: State) -> str | None:
    """Names and affiliations, in the section a heading or the online line opened; any other
    line ends the section."""
    text = line.text
    if state.section != KIND:
        # A capture that starts at the authors: a name with an affiliation under it.
        if (
            state.section is None
            and not state.summary_seen
            and AFFILIATION.match(line.next_text)
            and name_shaped(text)
        ):
            state.section = KIND
            return KIND
        return None
    if AFFILIATION.match(text) or _NAME_AND_AFFILIATION.match(text):
        state.affiliation_due = text.endswith(":")  # the affiliation is on the next line
        return KIND
    if state.affiliation_due or name_shaped(text):
        state.affiliation_due = False
        return KIND
    state.section = None
    return None


def read(page: Reading) -> tuple[Author, ...]:
    """Each name with its affiliation ("Name Affiliation: X", or "Affiliation:" on a line
    of its own followed by the affiliation)."""
    authors: list[Author] = []
    awaiting = False  # a bare "Affiliation:" line: the next line is the affiliation
    for line, text in page.lines(KIND):
        if page.is_cut(line):
            page.cut("authors", line, text)
            break
        m = _NAME_AND_AFFILIATION.match(text)
        if m is None and AFFILIATION.match(text):
            affiliation = AFFILIATION.sub("", text, count=1)
            awaiting = not affiliation
            if affiliation:
                _affiliate(page, authors, affiliation, line)
        elif m is not None:
            name = m[1].rstrip(_NAME_MARKS).strip()
            authors.append(Author(name, m[2] or None))
            awaiting = not m[2]
        elif awaiting:
            _affiliate(page, authors, text, line)
            awaiting = False
        else:
            authors.append(Author(text.rstrip(_NAME_MARKS).strip()))
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

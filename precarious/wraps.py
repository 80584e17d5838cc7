"""Hard-wrapped text → the lines the page printed. A terminal browser, `fold -s`, an e-mail
client or html2text cuts every line at a column (60-100); a line it cut is joined again to
the line it was cut from, and the joined-away line is left blank, so line numbers keep
pointing into the file.

A line is taken as cut only on the evidence of the wrap: no line of the page is longer than
the wrap column, the first word of the next line would not have fitted on it, and the next
line does not start a block of its own (a bullet, a label, a field, a name with its
affiliation under it). One such cut could be
chance, and so could any number after a sentence's end; the page counts as wrapped when it
has two cuts inside a sentence, or one that breaks off mid-sentence
(the next line goes on in lower case, the line ends in a comma, a colon, a hyphen or a word
such as 'the', or the next line is evidently the rest of a longer one).

Where a cut fell after a hyphen, the hyphen is kept ("Anglo-" + "Soviet") unless the
evidence says the wrap put it there: the page prints the word whole elsewhere, or the wrap
is one that hyphenates words (one of its cuts leaves a piece that is no word: "exhaus-" +
"tive") and the pieces make a word ("af-" + "fair") or are no words ("Cen-" + "tre").
"""

import re
from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from spellchecker.spellchecker import WordFrequency

MAX_WIDTH = 100  # wider lines are not wrapped by anyone
MIN_WIDTH = 40  # narrower is no wrap column but a page of short lines
# Prefixes that make hyphenated compounds ('pre-eminence', 'co-operation').
_PREFIXES = frozenset("anti co counter ex neo non post pre pro quasi re self semi".split())
# How common a word must be to count as one (in pyspellchecker's counts): rarer entries of
# the list are as often names and misspellings.
_WORD_FLOOR = 50


class _Patterns:
    """The patterns of a wrapped page, compiled when a page first looks wrapped (most never
    do, and compiling them would cost every run its start-up)."""

    def __init__(self) -> None:
        self.word = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
        self.bare = re.compile(r"[^\W\d_]+")
        self.hyphenated = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")
        self.abbreviation = re.compile(
            r"(?:^|[\s(])(?:\w|dr|mr|mrs|ms|st|prof|jr|sr|pp|vol|ed|eds|no)\.$", re.I
        )
        # A line that stops mid-sentence: a comma, a hyphen or dash, or a word no sentence
        # ends on.
        self.open = re.compile(
            r"(?:[,:\-–—/]|\b(?:a|an|the|of|and|or|to|in|on|at|by|for|from|with|as|that|which|"
            r"its|his|her|their|is|was|were|be|been|not|but|into|than|this|these|those))$",
            re.IGNORECASE,
        )


@cache
def _re() -> _Patterns:
    return _Patterns()


class Unwrapped(NamedTuple):
    lines: tuple[str, ...]
    joined: int  # how many cut lines were joined again
    width: int  # the wrap column (0 when the text is not wrapped)


def unwrap(
    lines: tuple[str, ...],
    text: str,
    opens: Callable[[str, str], bool],
    resumes: Callable[[str], bool],
) -> Unwrapped:
    """`lines` (normalized) with the cuts of a wrap joined again. `text` holds the same
    lines as the file has them: their lengths are what the wrap counted. `opens` tells a
    line that starts a block of its own, `resumes` one that is evidently the rest of a
    longer line."""
    if not lines or max(map(len, lines)) > MAX_WIDTH:
        return Unwrapped(lines, 0, 0)
    source = text.split("\n")
    width = width_of(source)
    if width is None:
        return Unwrapped(lines, 0, 0)
    cuts = [i for i in range(len(lines) - 1) if _cut(i, lines, source, width, opens)]
    # Any number of cuts after a sentence's end, before a capital, could be paragraphs'
    # ends instead: the page counts as wrapped on the evidence of the others.
    sure = [i for i in cuts if not _ends_sentence(lines[i], lines[i + 1])]
    if len(sure) < 2 and not any(
        _mid_sentence(lines[i], lines[i + 1]) or resumes(lines[i + 1]) for i in sure
    ):
        return Unwrapped(lines, 0, 0)
    out = list(lines)
    hyphens = _Hyphens(lines, cuts)
    into = 0
    for i in cuts:
        into = into if out[i] == "" else i  # a run of cuts joins onto its first line
        head, tail = out[into], lines[i + 1]
        if _hyphen(head, tail):
            out[into] = head + tail if hyphens.kept(head, tail) else head[:-1] + tail
        elif head[-1:] in "–—/" and head[-2:-1].isalnum():
            out[into] = head + tail  # a dash or slash between words: the wrap cut after it
        else:
            out[into] = f"{head} {tail}"
        out[i + 1] = ""
    return Unwrapped(tuple(out), len(cuts), width)


def width_of(source: list[str]) -> int | None:
    """The wrap column: the longest line but those a wrap cannot cut (a link's address)."""
    widths = [len(line.rstrip()) for line in source if "://" not in line]
    width = max(widths, default=0)
    return width if MIN_WIDTH <= width <= MAX_WIDTH else None


def _cut(
    i: int,
    lines: tuple[str, ...],
    source: list[str],
    width: int,
    opens: Callable[[str, str], bool],
) -> bool:
    """Whether line i + 1 is the tail the wrap cut from line i."""
    tail = lines[i + 1]
    if not lines[i] or not tail or opens(tail, _after(lines, i + 1)):
        return False
    first = source[i + 1].split()
    return len(source[i].rstrip()) + 1 + len(first[0] if first else tail) > width


def _after(lines: tuple[str, ...], i: int) -> str:
    """The first line with text after line i."""
    for line in lines[i + 1 : i + 4]:
        if line:
            return line
    return next((t for t in lines[i + 4 :] if t), "")


def _ends_sentence(head: str, tail: str) -> bool:
    """A line that ends a sentence (not an initial or an abbreviation) before a capital."""
    bare = head.rstrip("'’”\")")
    return bare[-1:] in ".!?" and tail[:1].isupper() and _re().abbreviation.search(bare) is None


def _mid_sentence(head: str, tail: str) -> bool:
    if _re().open.search(head):
        return True
    return (tail[:1].islower() or tail[:1].isdigit()) and head[-1:] not in ".!?"


class _Hyphens:
    """Whether a hyphen a cut fell after belongs to the word: on the page's evidence, and on
    an English word list (pyspellchecker's, loaded only for a page that needs it)."""

    def __init__(self, lines: tuple[str, ...], cuts: list[int]) -> None:
        self.words: Counter[str] = Counter()
        for line in lines:
            self.words.update(w.casefold() for w in _re().word.findall(line))
            self.words.update(w.casefold() for w in _re().hyphenated.findall(line))
        pieces = [
            self._pieces(lines[i], lines[i + 1]) for i in cuts if _hyphen(lines[i], lines[i + 1])
        ]
        # Whether the wrap hyphenates words, as a typesetting one does: one of its cuts
        # leaves a piece that is no word ('exhaus-' + 'tive'). A wrap that does not (a
        # terminal's, textwrap's) cuts only after the hyphens the text had.
        self.hyphenates = any(self._broken(a, b) for a, b in pieces if a and b)

    @staticmethod
    def _pieces(head: str, tail: str) -> tuple[str, str]:
        """The word pieces either side of the cut (a possessive's 's left off)."""
        left = _re().word.findall(head[:-1])
        right = _re().bare.findall(tail)
        return (left[-1].casefold() if left else ""), (right[0].casefold() if right else "")

    def _broken(self, a: str, b: str, sure: bool = True) -> bool:
        """Whether the cut is a hyphenation's: the pieces make a word and one of them is
        none ('exhaus-' + 'tive'); or, short of sure, neither piece is a word ('Cen-' +
        'tre', though a name may look so too: 'Kai-' + 'shek')."""
        known = _frequencies()
        if self.words[a + b]:
            return True
        if a in _PREFIXES or (known[a] and known[b]):
            return False
        return known[a + b] >= _WORD_FLOOR or (not sure and not known[a] and not known[b])

    def kept(self, head: str, tail: str) -> bool:
        a, b = self._pieces(head, tail)
        if not a or not b or tail[:1].isupper() or self.words[f"{a}-{b}"]:
            return True  # 'Anglo-' + 'Soviet', or hyphenated elsewhere on the page
        if self.words[a + b] or (self.hyphenates and self._broken(a, b, sure=False)):
            return False
        known = _frequencies()
        whole = known[a + b]
        if a in _PREFIXES:  # 'pre-' + 'eminence', not 'pre-' + 'tended'
            return whole < known[b]
        if self.hyphenates:
            # The hyphen is the wrap's unless the pieces are words that make none
            # ('rapidly-' + 'deteriorating').
            return whole < _WORD_FLOOR and bool(known[a]) and bool(known[b])
        # No sign of a wrap that hyphenates: a compound's pieces are each commoner than the
        # word they would make, if they make one ('post-' + 'war', 'Kai-' + 'shek'); a cut
        # that makes a word commoner than a piece was the wrap's ('af-' + 'fair').
        return not whole or whole < min(known[a], known[b])


def _hyphen(head: str, tail: str) -> bool:
    """Whether a cut fell right after a hyphen inside a word."""
    return head.endswith("-") and head[-2:-1].isalpha() and tail[:1].isalpha()


@cache
def _frequencies() -> "WordFrequency":
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1).word_frequency

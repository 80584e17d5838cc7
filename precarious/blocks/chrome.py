"""Site chrome: navigation, access options, save-to-Kindle/Dropbox text and the render
stamp. None of it is about the chapter; the render stamp says when the page was saved."""

from __future__ import annotations

import re

from precarious import values
from precarious.blocks.base import Line, Reading, State

KIND = "boilerplate"
LABELS: tuple[str, ...] = ()
MARKERS = {"Skip to main content": KIND, "Hostname:": KIND}

PATTERN = re.compile(
    r"""(?:
        skip\ to\ main\ content | accessibility\ help | hostname: | [×✕✖]$ | close$
      | get\ access | access\ options$ | available\ formats$ | find\ out\ more\ about
      | save\ (?:book|content|chapter|article|pdf)s?\b | to\ save\ (?:this|content)
      | note\ you\ can\ select\ to\ save | ['‘]@(?:free\.)?kindle\.com
      | we\ use\ cookies | close\ this\ message | log\ ?in\b | export\ citation$
      | recommend\ (?:this|to\ librarian) | cited\ by$ | share$ | cite$
      | (?:view|download|save)\ (?:pdf|html|epub)\b | buy\ (?:the\ )?print
    )""",
    re.IGNORECASE | re.VERBOSE,
)


# The first two letters, case folded, of every line PATTERN matches: most lines (paragraphs,
# contents entries) are told apart by them without the pattern.
STARTS = frozenset("sk ac ho cl ge av fi sa to no '@ ‘@ we lo ex re ci sh vi do bu × ✕ ✖".split())
# Buttons and links that are a line of their own, as printed (and in capitals, as a copy
# of a styled button gives them): a bullet of them is no contents entry, a line of them no
# author. Looked up whole, which costs next to nothing.
_BUTTONS = (
    "Add bookmark",
    "Remove bookmark",
    "Rights & Permissions",
    "Request permissions",
    "Open access",
    "Institutional login",
    "Check access",
    "Full text views",
)
BUTTONS = frozenset(f(b) for b in _BUTTONS for f in (str, str.upper, str.lower, str.title))


def rule(line: Line, state: State) -> str | None:
    """A line of site chrome; it closes whatever section was open."""
    text = line.text
    if text in BUTTONS or (
        (text[:2].casefold() in STARTS or text[:1] in STARTS) and PATTERN.match(text)
    ):
        state.section = None
        return KIND
    return None


def is_chrome(text: str) -> bool:
    """Whether a line is site chrome (for a rule that looks at a line ahead)."""
    return text in BUTTONS or PATTERN.match(text) is not None


def read(page: Reading) -> str | None:
    """captured_at: the 'Render date' stamp of the save, when it is a whole timestamp."""
    for _, text in page.lines(KIND):
        if "Render date" in text:
            return values.render_date(text)
    return None

"""The summary: a "Summary" (or "Abstract") label, an optional short heading, then the
paragraphs, up to the next label, site chrome or bulleted line (paragraphs are never
bulleted; in the list layout the labels after them are)."""

from __future__ import annotations

from precarious.blocks.base import Line, Reading, State, short

KIND = "summary"
LABELS = ("summary", "abstract")
MARKERS = {"Summary": KIND}
# The labels a summary is followed by: a last line cut inside one may be either.
_AFTER = ("type", "information")
_SENTENCE_END = (".", ";", ",", ":")


def rule(line: Line, state: State) -> str | None:
    """Every line after the label, until a bulleted line."""
    if state.section != KIND:
        return None
    if line.bulleted:
        state.section = None
        return None
    return KIND


def heading_shaped(text: str) -> bool:
    """A summary's own heading is short and does not end like a sentence."""
    return len(text) <= 120 and len(text.split()) <= 15 and not text.endswith(_SENTENCE_END)


def read(page: Reading) -> tuple[str | None, tuple[str, ...]]:
    """(heading, paragraphs). The first line is the heading when it is heading-shaped and
    more lines follow. A page that stops inside the summary keeps what it states whole."""
    found = page.lines(KIND)
    if not found:
        page.warn("missing-summary", "the page has no summary")
        return None, ()
    texts = [(n, t) for n, t in found if t.casefold() not in LABELS]
    # Nothing after the summary: the download may have stopped inside it, mid-line
    # (open_end) or at a line break, so a lone short line could be either part.
    ends_here = page.last_kind == KIND
    mid_line = ends_here and page.page.open_end  # the last summary line itself is cut
    heading = None
    cut_text = texts[-1][1].casefold() if texts and mid_line else ""
    if cut_text and any(label.startswith(cut_text) for label in _AFTER):
        line, text = texts.pop()
        page.warn(
            "truncated-summary",
            f"line {line}: the page ends in {text!r}, which may be a paragraph or the label "
            "after the summary: left out",
            line,
        )
        mid_line = False  # what is left ends at a line break
    if len(texts) == 1 and ends_here and heading_shaped(texts[0][1]):
        line, text = texts[0]
        page.warn(
            "truncated-summary",
            f"line {line}: the page ends after one summary line {short(text)!r}: "
            "it may be a heading or the start of a paragraph, so it is left out",
            line,
        )
        return None, ()
    if len(texts) > 1 and heading_shaped(texts[0][1]):
        heading, texts = texts[0][1], texts[1:]
    if texts and mid_line:
        line = texts[-1][0]
        page.warn(
            "truncated-summary",
            f"line {line}: the page ends inside this summary paragraph: it may be cut off",
            line,
        )
    if not texts:
        page.warn("missing-summary", "the summary has no paragraphs")
    return heading, tuple(t for _, t in texts)

"""Markdown from clippers and converters (html2text, Obsidian, MarkDownload, pandoc) → the text
it marks up, line for line: each line of the result stands where its source line stood, so
line numbers keep pointing into the file.

A heading's '#', emphasis, escapes ('\\-', '1\\.') and character references go; a link or image
keeps its text and loses its target (a target is never a value); a list item keeps one bullet,
'- ', which is what the block rules know a list entry by. markdown-it-py reads the markup, by
the CommonMark rules, so nothing here is a hand-written pattern for it.
"""

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# What only markdown writes: an ATX heading, a link or image, strong emphasis, a backslash
# escape, a '*' or '+' bullet, a setext underline, an HTML tag. (Compiled when a page first
# has one of the _HINTS: most never do.)
_SIGNS = (
    r"^ {0,3}#{1,6}[ \t]|\]\([^)\s]*\)|\*\*\S|__\S|\\[-.*_#+!\[\]()`>]|^ {0,3}[*+][ \t]+\S"
    r"|^ {0,3}=+[ \t]*$|</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?>"
)
_TAG = r"<[^<>]*>"


# What a markdown page holds: a link, a heading or strong emphasis, looked for first because
# substring tests are many times cheaper than the pattern (and one character's many times
# cheaper than two). '*' and '+' bullets alone need no markdown reading: the rules know them.
_HINTS = (("]", "]("), ("#", "#"), ("*", "**"))


def is_markdown(text: str) -> bool:
    """Whether the text carries markup only markdown writes."""
    hinted = any(char in text and hint in text for char, hint in _HINTS)
    return hinted and re.search(_SIGNS, text, re.MULTILINE) is not None


@cache
def _parser() -> "MarkdownIt":
    from markdown_it import MarkdownIt

    # Indented code blocks off: a saved page indents text for layout, never for code.
    return MarkdownIt("commonmark").disable("code")


def plain_lines(text: str, count: int) -> list[str]:
    """The `count` lines of markdown `text` as the text they mark up, each at its source
    line; lines of markup alone (rules, link definitions, blank lines) are blank."""
    out = [""] * count
    bullet = False  # a list item just opened: its first line carries the bullet
    for token in _parser().parse(text):
        if token.type == "list_item_open":
            bullet = True
        elif token.map is None:
            continue
        elif token.type == "inline":
            parts = _inline(token.children or [])
            if bullet:
                parts[0] = f"- {parts[0]}"
                bullet = False
            _place(out, token.map, parts)
        elif token.type in ("fence", "html_block"):
            body = token.content.split("\n")
            first = token.map[0] + (token.type == "fence")  # after the opening fence
            _place(out, [first, token.map[1]], [re.sub(_TAG, "", line) for line in body])
    return out


def _inline(children: "list[Token]") -> list[str]:
    """An inline run's text, split where its source lines break."""
    lines = [""]
    for child in children:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            lines.append("")
        elif kind in ("text", "code_inline", "text_special"):
            lines[-1] += child.content
        # link_open/close, em/strong, images and inline HTML: markup, not text
    return lines


def _place(out: list[str], span: list[int], parts: list[str]) -> None:
    """Each part on its source line; any beyond the span join its last line."""
    start, end = span
    for k, part in enumerate(parts):
        at = min(start + k, max(end - 1, start), len(out) - 1)
        out[at] = f"{out[at]} {part}" if out[at] and part else out[at] or part

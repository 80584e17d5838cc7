"""Text a saving tool mangled → the text the page showed: mojibake (UTF-8 that was once read
as Windows-1252 and saved again) and HTML character references (`&amp;`, `&#8211;`)."""

import re
from functools import cache

# UTF-8 writes every character past ASCII as a lead byte (0xC2-0xEF) and continuation bytes
# (0x80-0xBF). Read as Windows-1252 each pair turns into two characters no text puts side
# by side ("Ã©", "â€"): the sign to look for before handing the text to ftfy.


@cache
def _mojibake() -> re.Pattern[str]:
    """UTF-8 writes every character past ASCII as a lead byte (0xC2-0xEF) and continuation
    bytes (0x80-0xBF). Read as Windows-1252 each pair turns into two characters no text puts
    side by side ("Ã©", "â€"): the sign to look for before handing the text to ftfy."""
    leads = "".join(bytes([b]).decode("cp1252") for b in range(0xC2, 0xF0))
    continuations = "".join(bytes([b]).decode("cp1252", "ignore") for b in range(0x80, 0xC0))
    return re.compile(f"[{re.escape(leads)}][{re.escape(continuations)}\x80-\x9f]")


# What the mojibake of punctuation ('â€') and of Latin-1 letters and spaces ('Ã', 'Â')
# starts with: a text with none of them is taken to have none (looked for first, because a
# one-character substring test is many times cheaper than the pattern).
_HINTS = ("â", "Ã", "Â")
_REFERENCE = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"


def mojibake(text: str) -> tuple[str, str | None]:
    """(text, what was repaired or None). Only the encoding is fixed (ftfy.fix_encoding):
    quotes, ligatures and the rest stay as the page printed them."""
    if not any(hint in text for hint in _HINTS):
        return text, None
    found = _mojibake().search(text)
    if found is None:
        return text, None
    import ftfy  # only for the rare page that needs it

    fixed = ftfy.fix_encoding(text)
    if fixed == text:
        return text, None
    return fixed, f"UTF-8 text that had been read as Windows-1252 ({found[0]!r}…) was repaired"


def references(text: str) -> str:
    """HTML character references decoded: '&#8211;' → '–', '&amp;' → '&', '&nbsp;' → NBSP.
    Only a whole reference (with its ';') counts: 'R&D' and 'AT&T;' stay as they are
    unless they name a character."""
    if "&" not in text:
        return text
    import html

    return re.sub(_REFERENCE, lambda m: html.unescape(m[0]), text)  # (re caches it)

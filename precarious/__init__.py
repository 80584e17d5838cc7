"""precarious: clean, structured records out of saved Cambridge Core book-chapter pages.

>>> from precarious import extract
>>> record = extract(text, name="000_89d64f6c4c7f9a3b")
>>> record.to_dict()["title"]

The names below are imported on first use (PEP 562), so that `import precarious` and the
command line start fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

# name → the module that defines it
_EXPORTS = {
    "Ambiguous": "precarious.errors",
    "NotAChapter": "precarious.errors",
    "NotFound": "precarious.errors",
    "PrecariousError": "precarious.errors",
    "UnreadableFile": "precarious.errors",
    "extract": "precarious.blocks",
    "Record": "precarious.record",
    "SCHEMA_VERSION": "precarious.record",
    "schema_text": "precarious.record",
    "Corpus": "precarious.corpus.run",
    "Source": "precarious.corpus.walk",
    "sources": "precarious.corpus.walk",
    "extract_source": "precarious.corpus",
    "Key": "precarious.corpus.keys",
    "key_of": "precarious.corpus.keys",
    "books_of": "precarious.corpus",
    "arranged": "precarious.corpus",
    "book_dict": "precarious.corpus.books",
}

if TYPE_CHECKING:
    from precarious.blocks import extract
    from precarious.corpus import arranged, books_of, extract_source
    from precarious.corpus.books import book_dict
    from precarious.corpus.keys import Key, key_of
    from precarious.corpus.run import Corpus
    from precarious.corpus.walk import Source, sources
    from precarious.errors import (
        Ambiguous,
        NotAChapter,
        NotFound,
        PrecariousError,
        UnreadableFile,
    )
    from precarious.record import SCHEMA_VERSION, Record, schema_text

__all__ = [
    "SCHEMA_VERSION",
    "Ambiguous",
    "Corpus",
    "Key",
    "NotAChapter",
    "NotFound",
    "PrecariousError",
    "Record",
    "Source",
    "UnreadableFile",
    "__version__",
    "arranged",
    "book_dict",
    "books_of",
    "extract",
    "extract_source",
    "key_of",
    "schema_text",
    "sources",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'precarious' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

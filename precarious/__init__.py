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

__version__ = "0.1.0"

# name → the module that defines it
_EXPORTS = {
    "Ambiguous": "precarious.errors",
    "NotAChapter": "precarious.errors",
    "NotFound": "precarious.errors",
    "PrecariousError": "precarious.errors",
    "UnreadableFile": "precarious.errors",
    "Corpus": "precarious.corpus",
    "extract_all": "precarious.corpus",
    "extract_source": "precarious.corpus",
    "page_paths": "precarious.reader",
    "CorpusBook": "precarious.books",
    "arrange": "precarious.shelving",
    "Record": "precarious.records",
    "SCHEMA_VERSION": "precarious.records",
    "extract": "precarious.records",
    "schema_text": "precarious.records",
}

if TYPE_CHECKING:
    from precarious.books import CorpusBook
    from precarious.corpus import Corpus, extract_all, extract_source
    from precarious.errors import (
        Ambiguous,
        NotAChapter,
        NotFound,
        PrecariousError,
        UnreadableFile,
    )
    from precarious.reader import page_paths
    from precarious.records import SCHEMA_VERSION, Record, extract, schema_text
    from precarious.shelving import arrange

__all__ = [
    "SCHEMA_VERSION",
    "Ambiguous",
    "Corpus",
    "CorpusBook",
    "NotAChapter",
    "NotFound",
    "PrecariousError",
    "Record",
    "UnreadableFile",
    "__version__",
    "arrange",
    "extract",
    "extract_all",
    "extract_source",
    "page_paths",
    "schema_text",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'precarious' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

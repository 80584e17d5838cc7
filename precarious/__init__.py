"""precarious: clean, structured records out of saved Cambridge Core book-chapter pages.

>>> from precarious import extract
>>> record = extract(text, name="000_89d64f6c4c7f9a3b")
>>> record.to_dict()["title"]
"""

from precarious.books import CorpusBook
from precarious.corpus import Corpus, extract_all
from precarious.errors import Ambiguous, NotAChapter, NotFound, PrecariousError, UnreadableFile
from precarious.records import SCHEMA_VERSION, Record, extract, schema_text

__version__ = "0.1.0"

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
    "extract",
    "extract_all",
    "schema_text",
]

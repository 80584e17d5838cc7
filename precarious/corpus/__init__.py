"""The corpus: many pages → books, as a map (each page on its own) and a reduce (over the
pages' small keys). For the library and Dask: `extract_source` maps a file to its record,
`books_of` folds the records' keys into the corpus's books."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from precarious.corpus.books import CorpusBook, Splice, in_order, shelve
from precarious.corpus.grouping import Grouping
from precarious.corpus.keys import Key, key_of
from precarious.corpus.walk import Source
from precarious.errors import PrecariousError
from precarious.record import Record


def extract_source(source: Source) -> Record | PrecariousError:
    """One file's record, or the error that says why there is none (pure: picklable in,
    picklable out, for worker processes and Dask)."""
    from precarious.blocks import extract_page
    from precarious.read import read_page

    try:
        return extract_page(read_page(source.file, source.id))
    except PrecariousError as err:
        return err.with_traceback(None)


def books_of(keys: Iterable[Key]) -> list[CorpusBook]:
    """The books of a corpus, given its pages' keys in corpus order (key_of each record),
    in the order of their first pages: what `precarious books` lists."""
    return in_order(shelve(Grouping.of(list(keys))))


def arranged(records: Sequence[Record]) -> list[Record]:
    """The records of a corpus (in corpus order) with what the whole corpus finds of each:
    its book and its place in the book's contents list."""
    splices = {page.pos: page.splice for b in books_of(map(key_of, records)) for page in b.pages}
    return [splices.get(i, Splice(r.book)).apply(r) for i, r in enumerate(records)]

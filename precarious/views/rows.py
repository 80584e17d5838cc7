"""Objects (records, books, contents entries, findings) → rows: every field by its JSON path
(`pages.first`, `book.joined.by`), the fields a user picks (`--fields`), and the cell text
of each, for TSV, CSV and tables. JSON keeps the objects' own structure."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from precarious.errors import PrecariousError

LIST_SEPARATOR = "; "  # between the items of a list in one cell
PARAGRAPH_SEPARATOR = "\n\n"  # between summary paragraphs in one cell


class UnknownField(PrecariousError):
    """--fields names a field the objects do not have."""

    def __init__(self, field: str, known: Sequence[str]) -> None:
        self.field, self.known = field, tuple(known)
        super().__init__(f"no field {field!r}; the fields are: {', '.join(known)}")


def paths(schema: dict[str, Any]) -> tuple[str, ...]:
    """The JSON path of every leaf a JSON Schema's objects have, in the schema's order; an
    array is one leaf."""
    found: list[str] = []

    def walk(node: dict[str, Any], prefix: str) -> None:
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        properties = node.get("properties")
        if properties is None:
            found.append(prefix[:-1])
            return
        for name, child in properties.items():
            walk(child, f"{prefix}{name}.")

    walk(schema, "")
    return tuple(found)


# The record's columns people look at first (those of the first versions, in their order);
# every other field follows in the schema's order.
LEADING = (
    "id",
    "number",
    "title",
    "pages.first",
    "pages.last",
    "pages.count",
    "book.title",
    "book.subtitle",
    "book.publisher",
    "book.print_year",
    "published_online",
    "authors",
    "part",
    "type",
    "summary.heading",
    "summary.paragraphs",
    "doi",
    "captured_at",
    "book.id",
    "placement.entry",
    "placement.inferred_title",
    "warnings",
    "layout",
    "source",
    "schema_version",
)


@cache
def record_columns() -> tuple[str, ...]:
    """Every field of a record, by JSON path: LEADING, then the rest the schema has."""
    from precarious.record import schema_text

    every = paths(json.loads(schema_text()))
    return (*LEADING, *(p for p in every if p not in LEADING))


def columns(fields: str | None, known: Sequence[str]) -> tuple[str, ...]:
    """The columns `--fields a,b.c` names (each a field or a whole object: `book`), else all."""
    if not fields:
        return tuple(known)
    out: list[str] = []
    for field in (f.strip() for f in fields.split(",")):
        under = [k for k in known if k == field or k.startswith(f"{field}.")]
        if not field or not under:
            raise UnknownField(field, known)
        out += [k for k in under if k not in out]
    return tuple(out)


def value(data: Any, path: str) -> Any:
    """The value at a dotted JSON path (None where an object on the way is null)."""
    for name in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(name)
    return data


def picked(data: dict[str, Any], chosen: Sequence[str]) -> dict[str, Any]:
    """The object with only these paths, nested as in the original (a null object on the
    way stays null)."""
    out: dict[str, Any] = {}
    for path in chosen:
        *parents, name = path.split(".")
        source: Any = data
        at: Any = out
        for parent in parents:
            source = source.get(parent)
            if source is None:
                at.setdefault(parent, None)
                break
            at = at.setdefault(parent, {})
            if at is None:
                break
        else:
            at[name] = source.get(name)
    return out


def cell(data: Any, path: str) -> str:
    """The text of one field in a TSV/CSV cell or a table: '' for null, lists joined."""
    found = value(data, path)
    if found is None:
        return ""
    if isinstance(found, list):
        return _joined(path, found)
    if isinstance(found, dict):
        return json.dumps(found, ensure_ascii=False)
    return str(found)


def _joined(path: str, items: list[Any]) -> str:
    if path.endswith("paragraphs"):
        return PARAGRAPH_SEPARATOR.join(items)
    return LIST_SEPARATOR.join(_item(x) for x in items)


def _item(x: Any) -> str:
    """One list item in a cell: an author with their affiliation, an entry with its number,
    a warning by its code."""
    if not isinstance(x, dict):
        return str(x)
    if "name" in x:
        return str(x["name"]) + (f" ({x['affiliation']})" if x.get("affiliation") else "")
    if "code" in x:
        return str(x["code"])
    if "id" in x:
        return str(x["id"])
    if "title" in x:
        return " ".join(str(p) for p in (x.get("number"), x["title"]) if p is not None)
    return json.dumps(x, ensure_ascii=False)


def grid(
    objects: Iterable[dict[str, Any]], chosen: Sequence[str], headers: bool = True
) -> tuple[Sequence[str] | None, Iterable[list[str]]]:
    """A header (None without headers) and the rows of the chosen columns."""
    return (tuple(chosen) if headers else None), ([cell(o, c) for c in chosen] for o in objects)

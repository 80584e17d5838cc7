"""The record contract, checked by a real JSON Schema validator (jsonschema)."""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator

from precarious.record import schema_text

SCHEMA = json.loads(schema_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(record: dict[str, Any]) -> list[str]:
    """Every way the record breaks the schema, as readable lines ('' when it is valid)."""
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(record)'}: {e.message}"
        for e in VALIDATOR.iter_errors(record)
    ]


def assert_valid(record: dict[str, Any]) -> None:
    assert problems(record) == [], record.get("id")

"""`precarious schema` is a valid 2020-12 schema, and every record the tool emits follows it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from precarious import SCHEMA_VERSION
from precarious.cli import cli
from tests.conftest import FIXTURES, GOLDEN, ROOT, SEEDS
from tests.contract import SCHEMA, assert_valid, problems

GOLDEN_RECORDS = sorted(p for p in GOLDEN.glob("*/*.json") if p.parent.name != "views")


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schema_and_the_records_carry_one_version() -> None:
    assert SCHEMA["$id"] == f"urn:precarious:schema:record:{SCHEMA_VERSION}"
    assert SCHEMA["properties"]["schema_version"] == {
        "description": "The version of this schema the record follows.",
        "const": SCHEMA_VERSION,
    }


def test_the_schema_command_prints_the_shipped_schema() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == SCHEMA
    assert result.stderr == ""


def test_the_schema_names_every_key_a_record_has() -> None:
    """additionalProperties is false everywhere, so a new key must be added to the schema."""
    result = CliRunner().invoke(cli, ["show", "4", "--json"])
    record = json.loads(result.stdout)
    assert list(record) == SCHEMA["required"]
    assert list(record["book"]) == SCHEMA["properties"]["book"]["required"]


@pytest.mark.parametrize("path", GOLDEN_RECORDS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_golden_record_validates(path: Path) -> None:
    content = json.loads(path.read_text(encoding="utf-8"))
    if "record" in content:
        assert_valid(content["record"])


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--json", str(SEEDS)],
        ["list", "--json", str(FIXTURES / "corpus")],
        ["list", "--json", str(FIXTURES / "pages")],
    ],
    ids=["seeds", "corpus", "pages"],
)
def test_every_record_list_emits_validates(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    records = json.loads(result.stdout)
    assert records
    for record in records:
        assert_valid(record)


def test_show_of_a_file_read_alone_validates() -> None:
    result = CliRunner().invoke(cli, ["show", str(SEEDS / "002_84761bd352faf2a0.txt"), "--json"])
    assert_valid(json.loads(result.stdout))


def _seed_record() -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["show", "4", "--json"], catch_exceptions=False)
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda r: r.update(extra=1), "Additional properties"),
        (lambda r: r.update(number="4"), "is not of type"),
        (lambda r: r["pages"].update(last=179), "is not of type"),
        (lambda r: r.update(schema_version="2-0-0"), "was expected"),
        (lambda r: r.update(published_online="June 2011"), "does not match"),
        (
            lambda r: r["warnings"].append({"code": "made-up", "message": "x", "line": 1}),
            "is not one of",
        ),
        (lambda r: r["book"].pop("id"), "'id' is a required property"),
    ],
    ids=["extra-key", "number-as-text", "page-as-number", "version", "date", "code", "missing"],
)
def test_the_schema_rejects_a_broken_record(change: Any, complaint: str) -> None:
    """The validation above can fail: each of these breaks the contract."""
    record = copy.deepcopy(_seed_record())
    assert problems(record) == []
    change(record)
    found = problems(record)
    assert any(complaint in p for p in found), found


def test_the_docs_explain_the_versioning() -> None:
    record = (ROOT / "docs" / "record.md").read_text(encoding="utf-8")
    assert "schema_version" in record
    assert SCHEMA_VERSION in record

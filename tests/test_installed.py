"""The installed command as users run it: subprocesses, real jq, pipes, packaging."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from precarious import __version__
from tests.conftest import BIN, ROOT, SEEDS, copies, sh

JQ = shutil.which("jq")


def test_jq_is_installed() -> None:
    assert JQ, "the tests pipe into the real jq: install it (.ci/run does)"


@pytest.mark.parametrize(
    ("command", "stdout"),
    [
        ("precarious list --json | jq length", "3\n"),
        ("precarious show 4 --json | jq -r .title", "Russia and the general strike\n"),
        (
            "precarious show 6 --json | jq -c '.pages | {first, last, count}'",
            '{"first":"211","last":"256","count":46}\n',
        ),
        ("precarious show 002 --json | jq .title", "null\n"),
        ("precarious list --jsonl | jq -s length", "3\n"),
        (
            "precarious list --json | jq -r '.[0].book.subtitle'",
            "Anglo-Soviet Relations 1924\u201327\n",
        ),
        ("precarious books --json | jq -r '.[0] | \"\\(.pages)/\\(.entries)\"'", "3/14\n"),
        (
            "precarious toc --json | jq -r '.entries[] | select(.number == 4) | .records[0].id'",
            "000_89d64f6c4c7f9a3b\n",
        ),
        (
            "precarious schema | jq -r '.\"$schema\"'",
            "https://json-schema.org/draft/2020-12/schema\n",
        ),
        (
            "precarious export 4 --format csl-json "
            "| jq -r '.[0] | [.id, .page, .issued[\"date-parts\"][0][0]] | @tsv'",
            "precarious1977ch4\t134-179\t1977\n",
        ),
        (
            "precarious check --json > report.json; echo $?; "
            "jq -c '[.clean, (.findings | length)]' report.json",
            "1\n[false,3]\n",
        ),
    ],
)
def test_pipes_into_jq(command: str, stdout: str, tmp_path: Path, cli_env: dict[str, str]) -> None:
    result = sh(command, cli_env, tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, stdout, "")


def test_export_csl_json_into_jq_and_the_schema_validates(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    """The issue's words: `export --format csl-json | jq length` prints 3; and the records
    `list --json` wrote to a file validate against the schema `schema` wrote to a file."""
    result = sh("precarious export --format csl-json | jq length", cli_env, tmp_path)
    assert (result.returncode, result.stdout) == (0, "2\n")
    assert result.stderr == (
        "precarious: 1 page without a title left out (--untitled exports them)\n"
    )
    result = sh("precarious export --untitled | jq length", cli_env, tmp_path)
    assert (result.returncode, result.stdout) == (0, "3\n")
    assert result.stderr == (
        "precarious: 002_84761bd352faf2a0: exported as precarious1977pix without title\n"
    )
    check = (
        "import json, sys; from jsonschema import Draft202012Validator as V; "
        "schema = json.load(open('schema.json')); V.check_schema(schema); "
        "records = json.load(open('records.json')); "
        "[V(schema).validate(r) for r in records]; print(len(records))"
    )
    result = sh(
        "precarious schema > schema.json && precarious list --json > records.json && "
        f'{sys.executable} -c "{check}"',
        cli_env,
        tmp_path,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "3\n", "")


def test_python_dash_m(tmp_path: Path, cli_env: dict[str, str]) -> None:
    result = sh(f"{sys.executable} -m precarious --version", cli_env, tmp_path)
    assert result.stdout == f"precarious, version {__version__}\n"


def test_head_ends_quietly(tmp_path: Path, cli_env: dict[str, str]) -> None:
    corpus = copies(tmp_path / "big", 400)
    result = sh(f"precarious list --jsonl --corpus {corpus} | head -1", cli_env, tmp_path)
    assert result.stdout.count("\n") == 1
    assert result.stderr == ""
    assert result.returncode == 0  # (sh runs with pipefail): the reader had what it asked
    assert "Traceback" not in result.stderr


def test_errors_reach_stderr_without_traceback(tmp_path: Path, cli_env: dict[str, str]) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00broken")
    (tmp_path / "junk.txt").write_bytes(b"caf\xe9\n")
    result = sh(f"precarious list --corpus {tmp_path}", cli_env, tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert (
        f"precarious: {tmp_path / 'junk.txt'}: not a Cambridge Core chapter page" in result.stderr
    )


def test_seeds_are_the_shared_seeds_byte_for_byte() -> None:
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    names = sorted(p.name for p in shared.glob("*.txt"))
    assert names == sorted(p.name for p in SEEDS.glob("*.txt"))
    _, mismatch, errors = filecmp.cmpfiles(shared, SEEDS, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_wheel_ships_the_seeds(tmp_path: Path) -> None:
    subprocess.run(
        [BIN / "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", tmp_path, ROOT],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("precarious-*.whl")
    with zipfile.ZipFile(wheel) as z:
        for seed in SEEDS.glob("*.txt"):
            assert z.read(f"precarious/seeds/{seed.name}") == seed.read_bytes()
        schema = ROOT / "precarious" / "schemas" / "record.schema.json"
        assert z.read("precarious/schemas/record.schema.json") == schema.read_bytes()


def test_machine_output_does_not_import_rich(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """Nor the citation libraries: each is imported only on the path that needs it."""
    code = (
        "import sys; from precarious.cli import main; rc = main(['list', '--json']); "
        "sys.stdout.flush(); assert rc == 0; "
        "loaded = {'rich', 'bibtexparser', 'rispy'} & set(sys.modules); "
        "assert not loaded, loaded"
    )
    result = sh(f'{sys.executable} -c "{code}"', cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("[")

"""A generated corpus (benchmarks/make_corpus.py): the tool against its truth file, and the
same output with any number of jobs."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import precarious.corpus.run
from benchmarks.truth import load_truth, mismatches
from precarious.cli import cli
from precarious.corpus import arranged, extract_source
from precarious.corpus.walk import Source, sources
from precarious.record import Record
from precarious.views.export import chosen, to_bibtex, to_ris
from precarious.views.render import to_json
from tests.conftest import ROOT, SEEDS

PAGES = 400


def generate(out: Path, count: int = PAGES, seed: int = 11) -> Path:
    subprocess.run(
        [
            sys.executable,
            ROOT / "benchmarks" / "make_corpus.py",
            out,
            "--count",
            str(count),
            "--seed",
            str(seed),
        ],
        check=True,
    )
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("generated") / "corpus")


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_the_generator_is_deterministic(corpus: Path, tmp_path: Path) -> None:
    again = generate(tmp_path / "again")
    assert digest(again) == digest(corpus)
    assert digest(generate(tmp_path / "other", seed=12)) != digest(corpus)


def test_the_generator_writes_what_it_promises(corpus: Path) -> None:
    truth = load_truth(corpus)
    pages = sorted(corpus.rglob("*.txt"))
    assert len(pages) == len(truth) == PAGES
    layouts = {row["layout"] for row in truth.values()}
    assert layouts == {"list", "page"}
    assert any(row["cut"] for row in truth.values())
    assert any(row["pages"][0].isalpha() for row in truth.values())  # roman front matter
    data = [p.read_bytes() for p in pages]
    assert any(b"\r\n" in d for d in data)
    assert any(d.startswith(b"\xef\xbb\xbf") for d in data)
    assert len({p.parent for p in pages}) > 10  # many books


def run(*args: str) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(cli, list(args), env={"PRECARIOUS_CORPUS": None})
    return result.exit_code, result.stdout_bytes, result.stderr


def test_records_match_the_truth(corpus: Path) -> None:
    code, stdout, stderr = run("list", "--jsonl", str(corpus))
    assert code == 0
    records = [json.loads(line) for line in stdout.splitlines()]
    assert mismatches(load_truth(corpus), records) == []
    # only cut-off pages may be refused, each in one line
    truth = load_truth(corpus)
    refused = {line.split(": ")[1] for line in stderr.splitlines()}
    cut = {str(corpus / f"{page_id}.txt") for page_id, row in truth.items() if row["cut"]}
    assert refused <= cut


def test_the_truth_check_can_fail(corpus: Path) -> None:
    _, stdout, _ = run("list", "--jsonl", str(corpus))
    records = [json.loads(line) for line in stdout.splitlines()]
    records[0]["title"] = "Something else"
    records[1]["pages"] = None
    assert len(mismatches(load_truth(corpus), records)) >= 1


def test_a_cut_page_may_leave_a_value_null_but_never_state_another() -> None:
    want = {
        "number": None, "title": "Conclusions", "pages": ["360", "369"],
        "book": "The Popular Welfare: Imperial religion, 1765–83", "publisher": None,
        "print_year": None, "published_online": None, "paragraphs": 3, "cut": True,
    }  # fmt: skip
    book = {"title": "The Popular Welfare", "subtitle": None, "publisher": None}
    record = {
        "id": "p", "number": None, "title": "Conclusions", "published_online": None,
        "pages": {"first": "360", "last": None}, "summary": {"paragraphs": ["a", "b"]},
        "book": {**book, "print_year": None},
    }  # fmt: skip
    assert mismatches({"p": want}, [record]) == []
    assert mismatches({"p": {**want, "cut": False}}, [record]) != []
    for book_title in ("The Popular", "The Popular Welfare: Imperial"):
        record["book"]["title"] = book_title
        assert mismatches({"p": want}, [record]) == [
            f"p: book is {book_title!r}, the page states {want['book']!r}"
        ]


@pytest.mark.parametrize("fmt", ["--jsonl", "--json", "--tsv"])
def test_two_jobs_give_the_same_bytes_as_one(corpus: Path, fmt: str) -> None:
    one = run("list", fmt, "--jobs", "1", str(corpus))
    two = run("list", fmt, "--jobs", "2", str(corpus))
    assert one[0] == two[0] == 0
    assert one[1] == two[1]
    assert one[2] == two[2]  # the same files named on stderr, in the same order


def test_jobs_default_to_the_cpus_the_command_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    real = precarious.corpus.run.Corpus

    def spy(paths: Any, fmt: str, jobs: int = 1, *rest: Any) -> Any:
        asked.append(jobs)
        return real(paths, fmt, jobs, *rest)

    monkeypatch.setattr(precarious.corpus.run, "Corpus", spy)
    for args, env in (([], {}), (["--jobs", "1"], {}), ([], {"PRECARIOUS_JOBS": "3"})):
        done = CliRunner().invoke(cli, ["list", "--jsonl", *args, str(SEEDS)], env=env)
        assert done.exit_code == 0, done.stderr
    assert asked == [len(os.sched_getaffinity(0)), 1, 3]


@pytest.mark.parametrize("fmt", ["csl-json", "bibtex", "ris"])
def test_a_streamed_export_is_the_library_writing_every_item_at_once(
    corpus: Path, fmt: str
) -> None:
    """`export` writes an entry at a time, its records read in two passes around the
    grouping (by --jobs processes): the bytes are what bibtexparser, rispy or json write
    for all the items at once of the records the library arranges."""
    items = chosen(library(corpus)).items
    whole = {"csl-json": to_json, "bibtex": to_bibtex, "ris": to_ris}[fmt](items)
    one = run("export", "--format", fmt, "--jobs", "1", "--corpus", str(corpus))
    two = run("export", "--format", fmt, "--jobs", "2", "--corpus", str(corpus))
    assert one[0] == two[0] == 0
    assert one[1] == two[1] == whole.encode()
    assert one[2] == two[2]
    assert len(items) > 256  # enough for --jobs 2 to fork (run.FEW)


def library(corpus: Path) -> list[Record]:
    """The corpus's records as the library makes them: each file on its own, then arranged."""
    found = (extract_source(s) for s in sources([corpus]) if isinstance(s, Source))
    return arranged([r for r in found if isinstance(r, Record)])


def test_list_is_the_library_map_and_reduce(corpus: Path) -> None:
    code, stdout, _ = run("list", "--jsonl", "--jobs", "2", str(corpus))
    assert code == 0
    assert [json.loads(line) for line in stdout.splitlines()] == [
        r.to_dict() for r in library(corpus)
    ]


def test_check_gives_the_same_findings_with_any_jobs(corpus: Path) -> None:
    found = [run("check", "--json", "--jobs", jobs, str(corpus)) for jobs in ("1", "2")]
    assert found[0] == found[1]
    assert found[0][0] == 1
    assert len(json.loads(found[0][1])["findings"]) > 50

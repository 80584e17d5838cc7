"""Every ```console example of the README and of docs/, run by bash against the installed
command."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, sh

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def examples() -> list[tuple[str, str]]:
    """(command, expected stdout) for each `$ ` line of the documents' console blocks."""
    found: list[tuple[str, str]] = []
    for document in DOCUMENTS:
        found += _examples(document)
    return found


def _examples(document: Path) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    in_console = False
    for line in document.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_console = line == "```console"
            continue
        if not in_console:
            continue
        if line.startswith("$ "):
            found.append((line[2:], ""))
        elif found:
            command, output = found[-1]
            found[-1] = (command, output + line + "\n")
    return found


EXAMPLES = examples()


def test_the_readme_has_examples() -> None:
    assert len(_examples(ROOT / "README.md")) >= 9  # one a command
    assert len(EXAMPLES) >= 30


def test_the_readme_is_for_a_newcomer() -> None:
    """About 12 KB: what it is, install, a first run, the commands; the rest in docs/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) <= 12_500
    for heading in ("## Install", "## A first run", "## Commands", "## Exit codes"):
        assert heading in readme
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert f"(docs/{doc.name})" in readme, doc.name


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example(
    command: str, expected: str, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    (tmp_path / "corpus").symlink_to(ROOT / "tests" / "fixtures" / "corpus")
    # any directory: the bundled seeds ship with the package; corpus/ is the multi-book
    # test corpus the README's examples name
    result = sh(command, cli_env, tmp_path)
    assert result.stdout == expected, result.stderr

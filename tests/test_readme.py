"""Every ```console example in the README, run by bash against the installed command."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, sh


def examples() -> list[tuple[str, str]]:
    """(command, expected stdout) for each `$ ` line of the README's console blocks."""
    found: list[tuple[str, str]] = []
    in_console = False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
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
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example(
    command: str, expected: str, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    (tmp_path / "corpus").symlink_to(ROOT / "tests" / "fixtures" / "corpus")
    # any directory: the bundled seeds ship with the package; corpus/ is the multi-book
    # test corpus the README's examples name
    result = sh(command, cli_env, tmp_path)
    assert result.stdout == expected, result.stderr

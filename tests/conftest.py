"""Shared paths and helpers for the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# `make test` stays fast; `make fuzz` runs the same properties with HYPOTHESIS_PROFILE=fuzz.
settings.register_profile("default", max_examples=150)
settings.register_profile("fuzz", max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = ROOT / "tests" / "golden"
# The installed console script of the environment running the tests.
BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets an empty cache directory for the page index (never the user's)."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    for name in ("PRECARIOUS_JOBS", "PRECARIOUS_NO_CACHE"):
        monkeypatch.delenv(name, raising=False)
    return cache


@pytest.fixture
def cli_env(tmp_path: Path, own_cache: Path) -> dict[str, str]:
    """An environment for running the installed command: our venv first on PATH,
    no corpus override, no colour, the test's own cache."""
    env = {k: v for k, v in os.environ.items() if k != "PRECARIOUS_CORPUS"}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["NO_COLOR"] = "1"
    env["XDG_CACHE_HOME"] = str(own_cache)
    return env


def sh(command: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a shell command line as a user would (bash, pipefail), capturing its output."""
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def copies(folder: Path, pages: int) -> Path:
    """A corpus of `pages` copies of one seed page: big enough for runs that take a while."""
    folder.mkdir()
    page = (SEEDS / "004_c3effe51be84b58d.txt").read_bytes()
    for i in range(pages):
        (folder / f"{i:05d}.txt").write_bytes(page)
    return folder

"""Run every command of two versions of precarious on the same corpora and compare their
stdout, stderr and exit codes byte for byte.

    python -m benchmarks.same_output REV [CORPUS ...] [--work DIR]

REV is a git revision of this repository (checked out into a temporary worktree and
imported from there); the other side is the package as installed. The corpora are the
bundled seeds, the test fixtures and any CORPUS folders given (a generated corpus, say).
A reference's outputs are kept under --work, so a second comparison runs only this side.
Exits 1 on any difference, naming each command that differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Runs the command line of the package found first on sys.path (REV's worktree, or ours).
RUNNER = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)) if sys.argv[1] else sys.argv.pop(1); "
    "from precarious.cli import main; sys.exit(main(sys.argv[1:]))"
)
FIXTURES = ["seeds", "tests/fixtures/pages", "tests/fixtures/other", "tests/fixtures/corpus"]


def commands(corpus: str, books: list[str], records: list[dict[str, object]]) -> list[list[str]]:
    """Every command worth comparing on one corpus (the books and records of the reference
    choose the keys)."""
    out: list[list[str]] = []
    for fmt in ("--jsonl", "--json", "--tsv", "--csv", "--table"):
        out.append(["list", fmt, corpus])
    out.append(["list", "--jsonl", "--jobs", "2", corpus])
    out.append(["list", "--strict", "--tsv", corpus])
    for fmt in ("--json", "--tsv", "--csv", "--table"):
        out.append(["books", fmt, corpus])
        out.append(["check", fmt, corpus])
    for book in books[:3]:
        for fmt in ("--json", "--tsv", "--table"):
            out.append(["toc", book, fmt, "--corpus", corpus])
    if len(books) == 1:
        out.append(["toc", "--json", "--corpus", corpus])
    elif books:
        out.append(["toc", "--corpus", corpus])
    keys = ["4", "999", "general strike", "00"]
    picked = (
        [records[i] for i in sorted({0, len(records) // 2, len(records) - 1})] if records else []
    )
    for r in picked:
        keys.append(str(r["id"]))
        if r["title"]:
            keys.append(" ".join(str(r["title"]).split()[:2]))
    for key in keys:
        out.append(["show", key, "--json", "--corpus", corpus])
        out.append(["show", key, "--corpus", corpus])
        out.append(["blocks", key, "--corpus", corpus])
    if picked:
        out.append(["blocks", str(picked[0]["id"]), "--json", "--corpus", corpus])
        out.append(["export", str(picked[0]["id"]), "4", "--format", "bibtex", "--corpus", corpus])
    for fmt in ("csl-json", "bibtex", "ris"):
        out.append(["export", "--format", fmt, "--corpus", corpus])
    if books:
        out.append(["list", "--json", "--book", books[0], corpus])
        out.append(["export", "--format", "ris", "--book", books[0], "--corpus", corpus])
    return out


def run(source: str, args: list[str], cache: Path) -> dict[str, object]:
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(cache),
        "NO_COLOR": "1",
        "COLUMNS": "120",
        "PRECARIOUS_JOBS": "1",
    }
    env.pop("PRECARIOUS_CORPUS", None)
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, source, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    return {
        "exit": done.returncode,
        "stdout": done.stdout.decode("utf-8", "backslashreplace"),
        "stderr": done.stderr.decode("utf-8", "backslashreplace"),
    }


def reference(rev: str, work: Path) -> tuple[str, Path]:
    """REV checked out into a worktree under work (made once), and its commit."""
    commit = subprocess.run(
        ["git", "rev-parse", rev], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    tree = work / commit
    if not (tree / "precarious").is_dir():
        shutil.rmtree(tree, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=True)
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), commit],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return commit, tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rev")
    parser.add_argument("corpora", nargs="*")
    parser.add_argument("--work", type=Path, default=ROOT / ".bench" / "same-output")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    commit, tree = reference(args.rev, args.work)
    differ = 0
    total = 0
    with tempfile.TemporaryDirectory() as scratch:
        caches = {side: Path(scratch, side) for side in ("ref", "ours")}
        for corpus in [*FIXTURES, *args.corpora]:
            name = hashlib.sha256(f"{commit}\0{Path(corpus).resolve()}".encode()).hexdigest()[:16]
            kept = args.work / f"{name}.json"
            saved: dict[str, dict[str, object]] = (
                json.loads(kept.read_text()) if kept.is_file() else {}
            )
            listed = run(str(tree), ["list", "--json", corpus], caches["ref"])
            records = json.loads(str(listed["stdout"]) or "[]")
            shelf = run(str(tree), ["books", "--json", corpus], caches["ref"])
            books = [str(b["id"]) for b in json.loads(str(shelf["stdout"]) or "[]")]
            for cmd in [*commands(corpus, books, records), ["schema"]]:
                label = " ".join(cmd)
                if label not in saved:
                    saved[label] = run(str(tree), cmd, caches["ref"])
                ours = run("", cmd, caches["ours"])
                total += 1
                if ours != saved[label]:
                    differ += 1
                    what = [k for k in ("exit", "stdout", "stderr") if ours[k] != saved[label][k]]
                    print(f"DIFFERS ({', '.join(what)}): precarious {label}")
            kept.write_text(json.dumps(saved))
    print(f"{total - differ} of {total} commands give the same bytes as {args.rev} ({commit[:7]})")
    if differ:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""`make bench-instructions`: instructions a page (valgrind's callgrind) to extract the pages
of a fixed 1,000-page corpus, and to run `list --jsonl` over it, start-up taken out. Unlike
this machine's clock they repeat exactly: the figure to compare two versions by.

    python -m benchmarks.instructions [--work .bench]
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = 1000
EXTRACT = (
    "import sys\n"
    "from precarious.blocks import extract_page\n"
    "from precarious.corpus.walk import Source, sources\n"
    "from precarious.errors import PrecariousError\n"
    "from precarious.read import read_page\n"
    "for s in sources([sys.argv[1]] if len(sys.argv) > 1 else []):\n"
    "    if isinstance(s, Source):\n"
    "        try:\n"
    "            extract_page(read_page(s.file, s.id))\n"
    "        except PrecariousError:\n"
    "            pass\n"
)
LIST = "import sys; from precarious.cli import main; main(sys.argv[1:])"


def instructions(code: str, *args: str) -> int:
    """Instructions of one run of `python -c code args` under callgrind."""
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            code,
            *args,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=True,
    )
    return int(re.search(r"refs:\s+([\d,]+)", done.stderr)[1].replace(",", ""))  # type: ignore[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=ROOT / ".bench")
    folder = parser.parse_args().work / "corpus-instructions"
    if not (folder / "truth.jsonl").is_file():
        subprocess.run(
            [
                sys.executable,
                ROOT / "benchmarks" / "make_corpus.py",
                folder,
                "--count",
                str(PAGES),
                "--seed",
                "7",
            ],
            check=True,
        )
    compileall.compile_dir(ROOT / "precarious", quiet=1)
    extract = instructions(EXTRACT, str(folder)) - instructions(EXTRACT)
    empty = folder.with_name("corpus-instructions-empty")
    empty.mkdir(exist_ok=True)
    (empty / "one.txt").write_bytes((ROOT / "seeds" / "000_89d64f6c4c7f9a3b.txt").read_bytes())
    listing = ["list", "--jsonl", "--no-cache", "--jobs", "1"]
    whole = instructions(LIST, *listing, str(folder)) - instructions(LIST, *listing, str(empty))
    print(f"extract: {extract / PAGES:,.0f} instructions a page")
    print(f"list --jsonl: {whole / PAGES:,.0f} instructions a page (start-up taken out)")


if __name__ == "__main__":
    main()

"""`make bench`: generate the corpora, measure the tool against this machine's floors in one
run, print one table with each target and whether it is met, and write it to
benchmarks/RESULTS.md.

    python -m benchmarks.bench [--sizes 10000 100000] [--repeat 3] [--work .bench]

Every figure is measured in this run, next to the floor it is compared with: the `--help`
of a click group with no commands for start-up, a naive three-field regex extractor
(benchmarks/floors.py) for throughput, `list --json` on the bundled seeds for a warm
`show`. Times of one process are CPU time (user + system: this machine is shared), the
median of --repeat runs (of 21 for start-up; 100,000-page figures are single runs); a run
of two processes is timed by the clock. Peak memory is the process's own high-water mark
(VmHWM). The package is measured as a user has it installed: its bytecode compiled. The
exit code is 1 when a target is not met.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.truth import load_truth, mismatches

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent / "precarious"
FLOORS = ROOT / "benchmarks" / "floors.py"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
# The floor of any click command line: a group with no commands, asked for its --help.
BARE_CLICK = "import click\n@click.group()\ndef cli() -> None: pass\ncli(['--help'])"
# Runs `precarious ARGS` in-process and reports the process's peak memory on stderr.
MEASURED = (
    "import sys; from precarious.cli import main; rc = main(sys.argv[1:]); sys.stdout.flush(); "
    "hwm = [x for x in open('/proc/self/status') if x.startswith('VmHWM:')]; "
    "print('VmHWM', hwm[0].split()[1] if hwm else 0, file=sys.stderr); sys.exit(rc)"
)
# The targets (issue 18), each a ratio to its floor.
THROUGHPUT, JOBS2, STARTUP, HELP, SHOW, MEMORY = 6.0, 0.6, 1.3, 1.1, 2.0, 1.5


@dataclass
class Row:
    what: str
    value: str
    floor: str = ""
    ratio: float | None = None
    target: float | None = None

    @property
    def met(self) -> bool | None:
        return None if self.target is None or self.ratio is None else self.ratio <= self.target


def run(
    cmd: list[str], out: Path | None = None, env: dict[str, str] | None = None
) -> dict[str, float | str]:
    """One run: its CPU time (its children's, user + system), clock time and stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(out or os.devnull, "wb") as sink:
        done = subprocess.run(
            cmd, stdout=sink, stderr=subprocess.PIPE, text=True, check=False, env=env
        )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(map(str, cmd))} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"cpu": cpu, "wall": wall, "stderr": done.stderr}


def median(cmd: list[str], repeat: int, key: str = "cpu", **kw: object) -> tuple[float, str]:
    """The median of `repeat` runs (CPU time, or "wall"), and the last run's stderr."""
    found = [run(cmd, **kw) for _ in range(repeat)]  # type: ignore[arg-type]
    return statistics.median(float(r[key]) for r in found), str(found[-1]["stderr"])


def peak_mb(stderr: str) -> float:
    line = next(x for x in reversed(stderr.splitlines()) if x.startswith("VmHWM"))
    return int(line.split()[1]) / 1024


def corpus(work: Path, size: int, flat: bool = False) -> Path:
    """The generated corpus of `size` pages (kept between runs: the same seed, the same
    bytes)."""
    out = work / f"corpus-{size}{'-flat' if flat else ''}"
    truth = out / "truth.jsonl"
    if not truth.is_file() or len(truth.read_text().splitlines()) != size:
        shutil.rmtree(out, ignore_errors=True)
        print(f"bench: generating {size} pages in {out} …", file=sys.stderr)
        args = [PYTHON, ROOT / "benchmarks" / "make_corpus.py", out, "--count", str(size)]
        subprocess.run([*map(str, args), "--seed", "1", *(["--flat"] if flat else [])], check=True)
    return out


def startup(rows: list[Row]) -> float:
    """Start-up on the seeds against a bare click group's --help; `list --json` on the seeds
    (the floor of a warm show)."""
    bare, _ = median([PYTHON, "-c", BARE_CLICK], 21)
    rows.append(Row("floor: --help of a click group with no commands", f"{bare * 1000:.1f} ms"))
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache}
        seeds, _ = median([str(BIN), "list", "--json"], 21, env=env)
        helped, _ = median([str(BIN), "--help"], 21, env=env)
    rows.append(
        Row(
            "start-up: precarious list --json (seeds)",
            f"{seeds * 1000:.1f} ms",
            "bare --help",
            seeds / bare,
            STARTUP,
        )
    )
    rows.append(
        Row(
            "start-up: precarious --help",
            f"{helped * 1000:.1f} ms",
            "bare --help",
            helped / bare,
            HELP,
        )
    )
    return seeds


def output(folder: Path, jobs: int) -> Path:
    return folder.with_name(f"{folder.name}.jobs{jobs}.jsonl")


def throughput(rows: list[Row], folder: Path, size: int, repeat: int, judged: bool) -> float:
    """list --jsonl with 1 and 2 processes against the naive extractor (judged against the
    targets at the largest size, which the targets are set for); its peak memory (the
    return); the records against the truth file, and 2 processes against 1."""
    naive, _ = median([PYTHON, str(FLOORS), "naive", str(folder)], repeat)
    rows.append(Row(f"{size} pages: naive 3-field extractor (floor)", f"{naive:.2f} s"))
    cmd = [PYTHON, "-c", MEASURED, "list", "--jsonl", "--no-cache", str(folder)]
    one, err = median([*cmd, "--jobs", "1"], repeat, out=output(folder, 1))
    rows.append(
        Row(
            f"{size} pages: list --jsonl, 1 process",
            f"{one:.2f} s ({size / one:,.0f} pages/s)",
            "naive extractor",
            one / naive,
            THROUGHPUT if judged else None,
        )
    )
    wall_one, _ = median([*cmd, "--jobs", "1"], repeat, key="wall")
    wall_two, _ = median([*cmd, "--jobs", "2"], repeat, key="wall", out=output(folder, 2))
    rows.append(
        Row(
            f"{size} pages: list --jsonl, 2 processes (clock)",
            f"{wall_two:.2f} s",
            f"1 process: {wall_one:.2f} s",
            wall_two / wall_one,
            JOBS2 if judged else None,
        )
    )
    one_bytes, two_bytes = output(folder, 1).read_bytes(), output(folder, 2).read_bytes()
    output(folder, 1).unlink()
    output(folder, 2).unlink()
    wrong = mismatches(load_truth(folder), [json.loads(x) for x in one_bytes.splitlines()])
    same = one_bytes == two_bytes
    rows.append(
        Row(
            f"{size} pages: records against the truth file",
            f"{len(wrong)} wrong, --jobs 2 {'the same bytes' if same else 'DIFFERS'}",
            ratio=0.0 if not wrong and same else 1.0,
            target=0.0,
        )
    )
    return peak_mb(err)


def memory(rows: list[Row], work: Path, sizes: list[int], peaks: dict[int, float]) -> None:
    """Peak memory at the largest size against the smallest, per-book folders (from the
    throughput runs) and one flat folder."""
    small, large = min(sizes), max(sizes)
    flat = {}
    for size in (small, large):
        folder = corpus(work, size, flat=True)
        cmd = [PYTHON, "-c", MEASURED, "list", "--jsonl", "--no-cache", "--jobs", "1", str(folder)]
        flat[size] = peak_mb(str(run(cmd)["stderr"]))
    for layout, found in (("one folder per book", peaks), ("one flat folder", flat)):
        rows.append(
            Row(
                f"peak memory of list --jsonl, {layout}",
                f"{found[small]:.0f} MB at {small}, {found[large]:.0f} MB at {large}",
                f"{small} pages",
                found[large] / found[small],
                MEMORY,
            )
        )


def show(rows: list[Row], folder: Path, seeds: float, repeat: int) -> None:
    """A lookup on the large corpus, cold (it reads and keeps the corpus) and warm, by id
    and by title words, against `list --json` on the seeds."""
    truth = load_truth(folder)
    page_id = next(iter(truth))
    words = unique_words([str(r["title"]).casefold() for r in truth.values() if r["title"]])
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache}

        def shown(key: str) -> list[str]:
            return [str(BIN), "show", key, "--json", "--corpus", str(folder)]

        cold = float(run(shown(page_id), env=env)["wall"])
        rows.append(Row("show ID, cold (reads and keeps the corpus)", f"{cold:.1f} s"))
        for what, key in (("ID", page_id), ('"title words"', words)):
            warm, _ = median(shown(key), repeat, env=env)
            rows.append(
                Row(
                    f"show {what}, warm",
                    f"{warm * 1000:.0f} ms",
                    "list --json (seeds)",
                    warm / seeds,
                    SHOW,
                )
            )


def unique_words(titles: list[str]) -> str:
    """The words of the first title of three or more words that no other title holds all
    of: a key that names one page (one naming many is answered by an error listing them)."""
    for title in titles:
        words = title.split()
        if len(words) >= 3 and sum(all(w in t for w in words) for t in titles) == 1:
            return " ".join(words)
    raise SystemExit("bench: no title of the corpus is named by its own words alone")


def table(rows: list[Row]) -> str:
    header = ("measure", "value", "against", "ratio", "target", "met")
    cells = [header] + [
        (
            r.what,
            r.value,
            r.floor,
            "" if r.ratio is None else f"{r.ratio:.2f}×",
            "" if r.target is None else f"≤ {r.target:g}×",
            "" if r.met is None else ("yes" if r.met else "NO"),
        )
        for r in rows
    ]
    lines = ["| " + " | ".join(c) + " |" for c in cells]
    lines.insert(1, "|" + "---|" * len(header))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=ROOT / ".bench")
    args = parser.parse_args()
    args.work.mkdir(exist_ok=True)
    started = time.monotonic()
    compileall.compile_dir(ROOT / "precarious", quiet=1)
    rows: list[Row] = []
    seeds = startup(rows)
    peaks = {}
    for size in sorted(args.sizes):
        repeat = args.repeat if size < 100_000 else 1
        judged = size == max(args.sizes)
        peaks[size] = throughput(rows, corpus(args.work, size), size, repeat, judged)
    if len(args.sizes) > 1:
        memory(rows, args.work, args.sizes, peaks)
    show(rows, corpus(args.work, max(args.sizes)), seeds, args.repeat)
    took = time.monotonic() - started
    rows.append(Row("make bench, this run", f"{took:.0f} s", "10 minutes", took / 600, 1.0))
    met = sum(r.met is True for r in rows)
    counted = sum(r.met is not None for r in rows)
    machine = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )
    report = (
        f"# Benchmark results\n\n`make bench` on {time.strftime('%Y-%m-%d')}, {machine}.\n"
        f"{met} of {counted} targets met.\n\n{table(rows)}\n"
    )
    print(report)
    RESULTS.write_text(report, encoding="utf-8")
    if met < counted:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""`make bench`: generate the corpora, measure the tool against this machine's floors in one
run, and print one table with each target and whether it is met.

    python -m benchmarks.bench [--sizes 10000 100000] [--repeat 3] [--work .bench]

Every figure is the median of --repeat runs (start-up: of 21), measured in this run, next to
the floor it is compared with: `python -c pass` for start-up, a loop that only reads every
page and a naive three-field regex extractor (benchmarks/floors.py) for throughput. Peak
memory is the process's own high-water mark (VmHWM). The exit code is 1 when a target is
not met, so the table cannot be mistaken for a pass.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
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
# The ratios against `python -c pass`; each also bounds the floors beneath it.
STARTUP, SHOW = 2.2, 3.0
# The floor of any click command line: a group with no commands, asked for its --help.
BARE_CLICK = "import click\n@click.group()\ndef cli() -> None: pass\ncli(['--help'])"
# Runs `precarious ARGS` in-process and reports the process's peak memory on stderr.
MEASURED = (
    "import sys; from precarious.cli import main; rc = main(sys.argv[1:]); sys.stdout.flush(); "
    "hwm = [x for x in open('/proc/self/status') if x.startswith('VmHWM:')]; "
    "print('VmHWM', hwm[0].split()[1] if hwm else 0, file=sys.stderr); sys.exit(rc)"
)


@dataclass
class Row:
    what: str
    value: str
    floor: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    # A floor's row: the ratio the target it lies under allows (the floor alone above it
    # means that target cannot be met on this machine).
    limit: float | None = None


def timed(
    cmd: list[str], repeat: int, out: Path | None = None, **kw: object
) -> tuple[float, list[str]]:
    """Median seconds of `repeat` runs, and the stderr lines of the last; stdout goes to
    `out` (each run overwrites it) or nowhere."""
    times, err = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        with open(out or os.devnull, "wb") as sink:
            done = subprocess.run(
                cmd, stdout=sink, stderr=subprocess.PIPE, text=True, check=False, **kw
            )  # type: ignore[call-overload]
        times.append(time.perf_counter() - start)
        err = done.stderr
        if done.returncode not in (0, 1):
            raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{err}")
    return statistics.median(times), err.splitlines()


def peak_kb(stderr: list[str]) -> int:
    return next(int(x.split()[1]) for x in reversed(stderr) if x.startswith("VmHWM"))


def corpus(work: Path, size: int) -> Path:
    """The generated corpus of `size` pages (kept between runs: same seed, same bytes)."""
    out = work / f"corpus-{size}"
    if (
        not (out / "truth.jsonl").is_file()
        or len((out / "truth.jsonl").read_text().splitlines()) != size
    ):
        shutil.rmtree(out, ignore_errors=True)
        print(f"bench: generating {size} pages in {out} …", file=sys.stderr)
        subprocess.run(
            [
                PYTHON,
                ROOT / "benchmarks" / "make_corpus.py",
                out,
                "--count",
                str(size),
                "--seed",
                "1",
            ],
            check=True,
        )
    return out


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.txt"))


def startup(rows: list[Row]) -> float:
    """Start-up on the seeds, with the index warm (its own, in a temporary cache folder) and
    the package's bytecode compiled as a wheel install would have it: an editable install
    under PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module on every run."""
    compileall.compile_dir(ROOT / "precarious", quiet=1)
    base, _ = timed([PYTHON, "-c", "pass"], 21)
    rows.append(Row("python -c pass", f"{base * 1000:.1f} ms"))
    # What any command line built on click costs before it does anything (the brief has
    # ours built on click): the floor under the start-up targets and the warm `show`'s.
    for what, code, target, limit in [
        ("floor: python -c 'import click'", "import click", f"show ≤ {SHOW:g}×", SHOW),
        (
            "floor: --help of a click group with no commands",
            BARE_CLICK,
            f"start-up ≤ {STARTUP:g}×",
            STARTUP,
        ),
    ]:
        t, _ = timed([PYTHON, "-c", code], 21)
        rows.append(
            Row(what, f"{t * 1000:.1f} ms", "python -c pass", t / base, target, limit=limit)
        )
    for what, cmd in [
        ("start-up: precarious list --json (seeds)", [str(BIN), "list", "--json"]),
        ("start-up: precarious --help", [str(BIN), "--help"]),
    ]:
        with tempfile.TemporaryDirectory() as cache:
            t, _ = timed(cmd, 21, env={**os.environ, "XDG_CACHE_HOME": cache})
        ratio = t / base
        rows.append(
            Row(
                what,
                f"{t * 1000:.1f} ms",
                "python -c pass",
                ratio,
                f"≤ {STARTUP:g}×",
                ratio <= STARTUP,
            )
        )
    return base


def throughput(rows: list[Row], folder: Path, size: int, repeat: int) -> dict[str, float]:
    megabytes = size_of(folder) / 1e6
    read, _ = timed([PYTHON, str(FLOORS), "read", str(folder)], repeat)
    naive, _ = timed([PYTHON, str(FLOORS), "naive", str(folder)], repeat)
    rows.append(
        Row(
            f"{size} pages: read every file (floor)",
            f"{read:.2f} s",
            f"{size / read:,.0f} pages/s, {megabytes / read:.0f} MB/s",
        )
    )
    rows.append(
        Row(
            f"{size} pages: naive 3-field regex (floor)",
            f"{naive:.2f} s",
            f"{size / naive:,.0f} pages/s, {megabytes / naive:.0f} MB/s",
        )
    )
    out = {"naive": naive}
    for jobs in (1, 2):
        cmd = [
            PYTHON,
            "-c",
            MEASURED,
            "list",
            "--jsonl",
            "--no-cache",
            "--jobs",
            str(jobs),
            str(folder),
        ]
        t, err = timed(cmd, repeat, output(folder, jobs))
        out[f"jobs{jobs}"], out[f"rss{jobs}"] = t, peak_kb(err)
        if jobs == 1:
            encode = float(
                subprocess.run(
                    [PYTHON, str(FLOORS), "encode", str(output(folder, 1))],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            rows.append(
                Row(
                    f"{size} pages: floor: json.dumps of those records alone",
                    f"{encode:.2f} s",
                    "naive extractor",
                    encode / naive,
                )
            )
        against = naive if jobs == 1 else out["jobs1"]
        ratio = t / against
        rows.append(
            Row(
                f"{size} pages: list --jsonl, {jobs} process{'es' if jobs > 1 else ''}",
                f"{t:.2f} s ({size / t:,.0f} pages/s, {megabytes / t:.1f} MB/s)",
                "naive extractor" if jobs == 1 else "1 process",
                ratio,
                "≤ 2×" if jobs == 1 else "≤ 0.65×",
                ratio <= (2 if jobs == 1 else 0.65),
            )
        )
    rows.append(Row(f"{size} pages: peak memory of list --jsonl", f"{out['rss1'] / 1024:.0f} MB"))
    return out


def output(folder: Path, jobs: int) -> Path:
    """Where the timed `list --jsonl` runs write, to be checked after (not run again)."""
    return folder.with_name(f"{folder.name}.jobs{jobs}.jsonl")


def correct(rows: list[Row], folder: Path, size: int) -> None:
    """The records of the timed runs against the truth file, and --jobs 2 against 1."""
    one, two = output(folder, 1).read_bytes(), output(folder, 2).read_bytes()
    output(folder, 1).unlink()
    output(folder, 2).unlink()
    records = [json.loads(line) for line in one.splitlines()]
    wrong = mismatches(load_truth(folder), records)
    same = one == two
    rows.append(
        Row(
            f"{size} pages: records against the truth file",
            f"{len(wrong)} wrong, --jobs 2 {'byte for byte the same' if same else 'DIFFERS'}",
            target="0 wrong",
            met=not wrong and same,
        )
    )


def show(rows: list[Row], folder: Path, base: float, repeat: int) -> None:
    truth = load_truth(folder)
    key = next(iter(truth))
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache}
        cmd = [str(BIN), "show", key, "--json", "--corpus", str(folder)]
        cold, _ = timed(cmd, 1, env=env)
        warm, _ = timed(cmd, 3, env=env)
    # Without --jobs: a process for each CPU, as a user gets.
    rows.append(
        Row(f"show KEY, cold ({len(os.sched_getaffinity(0))} processes)", f"{cold * 1000:.0f} ms")
    )
    ratio = warm / base
    rows.append(
        Row(
            "show KEY, warm",
            f"{warm * 1000:.0f} ms",
            "python -c pass",
            ratio,
            f"≤ {SHOW:g}×",
            ratio <= SHOW,
        )
    )
    # Nothing stale may be shown, so a warm `show` must at least stat every file (an edit in
    # place changes no folder's time stamp): find, in C, doing only that.
    stat, _ = timed(["find", str(folder), "-name", "*.txt", "-printf", "%i %s %T@\n"], repeat)
    rows.append(
        Row(
            f"floor: find stats the {len(truth)} files",
            f"{stat * 1000:.0f} ms",
            "python -c pass",
            stat / base,
            f"show ≤ {SHOW:g}×",
            limit=SHOW,
        )
    )


def print_table(rows: list[Row]) -> None:
    header = ("measure", "value", "against", "ratio", "target", "met")
    cells = [header] + [
        (
            r.what,
            r.value,
            r.floor,
            "" if r.ratio is None else f"{r.ratio:.3f}×" if r.ratio < 1 else f"{r.ratio:.2f}×",
            r.target,
            "" if r.met is None else ("yes" if r.met else "NO"),
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    for i, c in enumerate(cells):
        print("  ".join(x.ljust(w) for x, w in zip(c, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=ROOT / ".bench")
    args = parser.parse_args()
    args.work.mkdir(exist_ok=True)
    started = time.monotonic()
    rows: list[Row] = []
    base = startup(rows)
    results = {}
    for size in args.sizes:
        folder = corpus(args.work, size)
        results[size] = throughput(rows, folder, size, args.repeat)
        correct(rows, folder, size)
    small, large = min(args.sizes), max(args.sizes)
    if large != small:
        growth = results[large]["rss1"] / results[small]["rss1"]
        rows.append(
            Row(
                f"peak memory at {large} against {small} pages",
                f"{growth:.2f}×",
                target="≤ 1.5×",
                met=growth <= 1.5,
            )
        )
    show(rows, corpus(args.work, large), base, args.repeat)
    print(
        f"precarious benchmark, {time.strftime('%Y-%m-%d')}, {platform.node()}: "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print_table(rows)
    above = [r for r in rows if r.limit is not None and r.ratio is not None and r.ratio > r.limit]
    if above:
        print("\nTargets that a floor alone is already above, on this machine:")
        for r in above:
            print(f"- {r.target}: {r.what.removeprefix('floor: ')} alone is {r.ratio:.2f}×")
    unmet = [r.what for r in rows if r.met is False]
    print(
        f"\n{sum(r.met is True for r in rows)} of {sum(r.met is not None for r in rows)} "
        f"targets met in {time.monotonic() - started:.0f} s"
    )
    if unmet:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""Benchmark: how long rendering takes, in process and as a whole ``gidoc`` process.

Run: ``python bench/bench_render.py [--repeat 100]``.  Prints a table; times
are medians.  Compares gidoc's compiled-once template with naive docxtpl use
(a new DocxTemplate, Jinja compiling the document XML on every render), and
times ``gidoc render`` for one report and for 40 reports in one call.

The yardstick for a report in a batch is what python-docx needs merely to open
and save the same output (``Document(…)`` + ``save``): measured in alternation
with gidoc's render, so that a busy machine slows both alike.  The target is a
ratio of at most 0.5.  On a busy machine the times wander; ``--instructions``
also counts instructions under valgrind's callgrind, which load does not change.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import jinja2
from docx import Document
from docxtpl import DocxTemplate

from gidoc import ReportTemplate, build_context, load, validate
from gidoc.resources import default_template_bytes

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (ROOT / "samples").iterdir() if p.suffix in (".json", ".yaml"))


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def paired_ms(
    first: Callable[[], object], second: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Medians of two actions run in turn, each once per round."""
    one, two = [], []
    for _ in range(repeat):
        for action, times in ((first, one), (second, two)):
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
    return statistics.median(one) * 1000, statistics.median(two) * 1000


def open_and_save(docx: bytes) -> bytes:
    """What python-docx needs merely to read a .docx and write it back."""
    out = io.BytesIO()
    Document(io.BytesIO(docx)).save(out)
    return out.getvalue()


def naive(context: dict, template: bytes) -> bytes:
    """What a first docxtpl script does: load, render (compiling), save."""
    doc = DocxTemplate(io.BytesIO(template))
    doc.render(
        context, jinja_env=jinja2.Environment(undefined=jinja2.StrictUndefined), autoescape=True
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def gidoc_command() -> list[str]:
    """The gidoc script of this Python's environment (not a shell shim in front of it)."""
    beside = Path(sys.executable).parent / "gidoc"
    return [str(beside) if beside.exists() else (shutil.which("gidoc") or "gidoc")]


def process_ms(args: list[str], repeat: int, cwd: Path) -> float:
    def run() -> None:
        subprocess.run(gidoc_command() + args, cwd=cwd, check=True, capture_output=True)

    run()  # warm the OS file cache and Jinja's bytecode cache
    return median_ms(run, repeat)


#: Run under callgrind by --instructions: N renders (or N open+save) of one sample.
_COUNTED = """
import io, sys
from docx import Document
from gidoc import ReportTemplate, build_context, load, validate
t = ReportTemplate(); c = build_context(validate(load(sys.argv[1]))); d = t.render(c)
for _ in range(int(sys.argv[3])):
    if sys.argv[2] == "render":
        t.render(c)
    elif sys.argv[2] == "open+save":
        Document(io.BytesIO(d)).save(io.BytesIO())
"""


def instructions(sample: Path, action: str, count: int) -> int:
    """Instructions callgrind counts for ``count`` repetitions of ``action``."""
    out = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            _COUNTED,
            str(sample),
            action,
            str(count),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    return int(out.rsplit("Collected :", 1)[1].split()[0])


def instruction_ratios(count: int = 20) -> None:
    """The ratio in instructions, which a busy machine does not change (needs valgrind)."""
    for sample in SAMPLES:
        base = instructions(sample, "none", count)
        ours = (instructions(sample, "render", count) - base) / count
        theirs = (instructions(sample, "open+save", count) - base) / count
        print(f"{sample.name + ': instructions, gidoc render':58} {ours / 1e6:8.1f} M")
        print(f"{sample.name + ': instructions, python-docx open + save':58} {theirs / 1e6:8.1f} M")
        print(f"{sample.name + ': ratio in instructions (target <= 0.5)':58} {ours / theirs:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=100, help="renders per in-process measure")
    parser.add_argument("--process-repeat", type=int, default=10, help="runs per process measure")
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions with valgrind"
    )
    args = parser.parse_args()
    template = default_template_bytes()
    print(f"{'measure':58} {'median':>10}")
    for sample in SAMPLES:
        context = build_context(validate(load(sample)))
        once = ReportTemplate()
        once.render(context)
        rows: list[tuple[str, Callable[[], object]]] = [
            ("in-process, template compiled once (gidoc)", lambda t=once, c=context: t.render(c)),
            (
                "in-process, new ReportTemplate per report",
                lambda c=context: ReportTemplate().render(c),
            ),
            (
                "in-process, naive docxtpl (compiles every render)",
                lambda c=context: naive(c, template),
            ),
        ]
        for name, action in rows:
            repeat = args.repeat if "naive" not in name else max(10, args.repeat // 5)
            print(f"{sample.name + ': ' + name:58} {median_ms(action, repeat):8.1f} ms")
        output = once.render(context)
        ours, theirs = paired_ms(
            lambda t=once, c=context: t.render(c), lambda d=output: open_and_save(d), args.repeat
        )
        print(f"{sample.name + ': gidoc render, in turn with the next':58} {ours:8.1f} ms")
        print(f"{sample.name + ': python-docx open + save of that output':58} {theirs:8.1f} ms")
        print(f"{sample.name + ': ratio (target <= 0.5)':58} {ours / theirs:8.2f}")
        print(f"{sample.name + ': output size':58} {len(output) / 1024:8.1f} KB")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        one = work / "one.json"
        shutil.copy(ROOT / "samples" / "muye-2025.json", one)
        single = process_ms(["render", "one.json"], args.process_repeat, work)
        print(f"{'whole process: gidoc render, 1 report':58} {single:8.0f} ms")
        batch = work / "batch"
        batch.mkdir()
        names = []
        for i in range(40):
            source = SAMPLES[i % len(SAMPLES)]
            target = batch / f"{i:02d}-{source.name}"
            shutil.copy(source, target)
            names.append(str(target.relative_to(work)))
        many = process_ms(["render", *names, "-o", "out"], max(3, args.process_repeat // 3), work)
        print(f"{'whole process: gidoc render, 40 reports in one call':58} {many:8.0f} ms")
        print(f"{'  per report':58} {many / 40:8.1f} ms")
    if args.instructions:
        instruction_ratios()


if __name__ == "__main__":
    main()

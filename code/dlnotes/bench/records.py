"""Timing runs recorded on an idle machine, shipped with the package and read
back by the pages.

A page whose lesson rests on a timing states one number for it: a *recorded*
run, made by a benchmark command on a quiet machine
(:func:`dlnotes.bench.load.quiet`), saved as a small JSON file; beside it, one
column gives the measurement made while the page was built, on whatever
machine builds it, with that machine's load
(:func:`dlnotes.bench.wording.build_column`). A record whose run was not quiet
is not stated (:meth:`TimingRecord.cell`), and is to be re-recorded:

.. code-block:: none

    {"format": 1, "command": "python -m dlnotes.bench mobilenet --record ...",
     "date": "2026-12-01 12:40 UTC", "machine": {"cpus": "2", "torch":
     "2.13.0", ...}, "load": {"spread": 1.04, "cpu_share": 0.99, "busy": false,
     ...}, "estimates": {"network/fwd/1/nchw": {"ratio": 3.1, "low": 2.9,
     "high": 3.3, "rounds": 9}}, "values": {"network/theory": 8.56}}

``estimates`` are :class:`~dlnotes.bench.interval.RatioEstimate` s (candidate
time over reference time, named by the benchmark); ``values`` are other numbers
the page needs (a Mult-Add ratio, a GMAC/s). ``load`` is
:meth:`dlnotes.bench.load.Load.to_dict` of the whole run: how quiet the machine
really was.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import torch

from dlnotes._io import check_file, read_record_json, write_text
from dlnotes.bench import wording
from dlnotes.bench.interval import RatioEstimate
from dlnotes.bench.load import Load, LoadMonitor, LoadSummary, quiet

FORMAT = 1
#: The records the pages state, as (package, file name) by benchmark topic.
SHIPPED = {
    "backprop": ("dlnotes.backprop", "bench-idle.json"),
    "mobilenet": ("dlnotes.mobilenet.experiments", "speed-idle.json"),
    "sphere": ("dlnotes.sphere", "bench-idle.json"),
}


@dataclass(frozen=True)
class TimingRecord:
    """A recorded timing run: how it was made, on what, when, how quiet it was,
    what it measured."""

    command: str
    date: str
    machine: dict[str, str]
    load: dict[str, object]
    estimates: dict[str, RatioEstimate]
    values: dict[str, float]

    @property
    def busy(self) -> bool:
        """Whether the calibration kernel saw other work during the recorded
        run."""
        return bool(self.load["busy"])

    @property
    def load_summary(self) -> LoadSummary:
        """The recorded run's calibration spread and CPU share."""
        return LoadSummary(
            float(self.load["spread"]), float(self.load["cpu_share"])
        )

    @property
    def quiet(self) -> bool:
        """Whether the recorded run was quiet enough to be stated
        (:func:`dlnotes.bench.load.quiet`)."""
        return quiet(self.load_summary)

    @property
    def label(self) -> str:
        """How the page names this run ("recorded on a quiet machine, <date>",
        or "recorded on a machine that was not quiet, <date>")."""
        how = (
            "a quiet machine" if self.quiet else "a machine that was not quiet"
        )
        return f"recorded on {how}, {self.date}"

    @property
    def note(self) -> str:
        """Where the recorded numbers come from (command, machine, date and
        load), for under a table."""
        m = self.machine
        return (
            f"Recorded by `{self.command}` on {self.date}:"
            f" {m.get('cpus', '?')} logical CPUs ({m.get('processor', '?')}),"
            f" torch {m.get('torch', '?')},"
            f" {wording.load_note(self.load_summary)}."
        )

    def cell(self, key: str) -> str:
        """The table cell stating estimate ``key``
        (:func:`dlnotes.bench.wording.cell`), or why it is not stated: the run
        was not quiet, or the record does not hold it."""
        if key not in self.estimates:
            return "not recorded"
        if not self.quiet:
            return "not stated: the run was not quiet"
        return wording.cell(self.estimates[key])

    def estimate(self, key: str) -> RatioEstimate:
        """One estimate by name (a clear error for a name the record does not
        hold)."""
        if key not in self.estimates:
            raise KeyError(
                f"the record has no estimate {key!r}; it has"
                f" {', '.join(sorted(self.estimates))}"
            )
        return self.estimates[key]


def table_rows(
    record: TimingRecord,
    labels: Mapping[str, Mapping[str, object]],
    live: Mapping[str, RatioEstimate],
    load: Load | LoadSummary,
) -> list[dict[str, object]]:
    """A timing table's rows, one per key of ``labels`` (estimate name → the
    row's label columns): the label columns, the record's cell under its
    :attr:`~TimingRecord.label` (the number the page states), and the
    measurement made while the page was built, ``live[key]`` judged by
    ``load``, as one compact column
    (:func:`~dlnotes.bench.wording.build_column`)."""
    built = wording.build_column(load)
    return [
        {
            **label,
            record.label: record.cell(key),
            built: (
                wording.cell(live[key], load)
                if key in live
                else "not measured"
            ),
        }
        for key, label in labels.items()
    ]


def machine() -> dict[str, str]:
    """What the run ran on: CPU model, logical CPUs, OS, Python, torch and its
    thread count."""
    return {
        "processor": platform.processor() or platform.machine(),
        "cpus": str(os.cpu_count()),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": str(torch.get_num_threads()),
    }


def check_destination(path: str | os.PathLike[str]) -> Path:
    """Validate where a record will go before any timing starts.

    Raises:
        ValueError: the name does not end in ``.json``, it names a folder, or
            its folder does not exist or cannot be written
            (``dlnotes._io.check_file``).
    """
    path = Path(path)
    if path.suffix != ".json":
        raise ValueError(f"record path must end in .json, got {str(path)!r}")
    if not path.parent.is_dir():
        raise ValueError(f"record folder {str(path.parent)!r} does not exist")
    return check_file(path, 2**16, "--record")


def write_record(
    path: str | os.PathLike[str],
    command: str,
    load: Load,
    estimates: Mapping[str, RatioEstimate],
    values: Mapping[str, float] | None = None,
) -> TimingRecord:
    """Write a record atomically (a temporary file in the same folder, then a
    rename)."""
    path = check_destination(path)
    record = TimingRecord(
        command,
        datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine(),
        load.to_dict(),
        dict(estimates),
        {k: float(v) for k, v in (values or {}).items()},
    )
    data = {
        "format": FORMAT,
        "command": record.command,
        "date": record.date,
        "machine": record.machine,
        "load": record.load,
        "estimates": {
            k: {
                "ratio": e.ratio,
                "low": e.low,
                "high": e.high,
                "rounds": e.rounds,
                "level": e.level,
            }
            for k, e in record.estimates.items()
        },
        "values": record.values,
    }
    write_text(
        path,
        json.dumps(data, indent=1, sort_keys=True, allow_nan=False) + "\n",
    )
    return record


def _estimate(key: str, raw: object) -> RatioEstimate:
    if (
        not isinstance(raw, dict)
        or not {"ratio", "low", "high", "rounds"} <= raw.keys()
    ):
        raise ValueError(
            f"estimate {key!r} must have ratio, low, high and rounds, got"
            f" {raw!r}"
        )
    numbers = [raw["ratio"], raw["low"], raw["high"]]
    if not all(
        isinstance(x, (int, float)) and math.isfinite(x) and x > 0
        for x in numbers
    ):
        raise ValueError(
            f"estimate {key!r} must have finite positive ratio, low and high,"
            f" got {numbers}"
        )
    if not raw["low"] <= raw["ratio"] <= raw["high"]:
        raise ValueError(
            f"estimate {key!r} must have low <= ratio <= high, got {numbers}"
        )
    return RatioEstimate(
        float(raw["ratio"]),
        float(raw["low"]),
        float(raw["high"]),
        int(raw["rounds"]),
        float(raw.get("level", 0.95)),
    )


def read_record(path: str | os.PathLike[str]) -> TimingRecord:
    """Read and validate a record written by :func:`write_record`.

    Raises:
        ValueError: not a record of this format, or a field missing or
            malformed.
    """
    data = read_record_json(
        path,
        "timing record",
        FORMAT,
        ("command", "date", "machine", "load", "estimates", "values"),
    )
    if (
        not isinstance(data["load"], dict)
        or not {"busy", "spread", "cpu_share"} <= data["load"].keys()
    ):
        raise ValueError(f"{path}: load must give busy, spread and cpu_share")
    estimates = {k: _estimate(k, v) for k, v in data["estimates"].items()}
    return TimingRecord(
        str(data["command"]),
        str(data["date"]),
        dict(data["machine"]),
        dict(data["load"]),
        estimates,
        {k: float(v) for k, v in data["values"].items()},
    )


def packaged_record(package: str, name: str) -> TimingRecord:
    """A record shipped in ``package``'s ``records`` folder, e.g.
    ``packaged_record("dlnotes.mobilenet.experiments", "speed-idle.json")``."""
    return read_record(Path(str(resources.files(package) / "records" / name)))


def timed_rounds(text: str) -> int:
    """``--repeats``' type: an int of at least 2 (an interval needs two
    rounds). Anything else raises argparse's ``ArgumentTypeError``, which the
    parser prints as the option's error."""
    try:
        rounds = int(text)
    except ValueError:
        rounds = None
    if rounds is None or rounds < 2:
        raise argparse.ArgumentTypeError(
            f"must be an int >= 2 (an interval needs two rounds), got {text!r}"
        )
    return rounds


def topic_parser(
    topic: str, doc: str, quick: str, record: str, repeats: int | None = None
) -> argparse.ArgumentParser:
    """The parser of ``python -m dlnotes.bench <topic>``, described by the
    first line of ``doc``, with the shared options: ``--quick`` (help
    ``quick``), ``--record PATH`` (help ``record``) and, given a default
    ``repeats``, ``--repeats R`` (timed rounds); the topic adds its own."""
    parser = argparse.ArgumentParser(
        prog=f"python -m dlnotes.bench {topic}",
        description=doc.split("\n")[0],
    )
    parser.add_argument("--quick", action="store_true", help=quick)
    parser.add_argument("--record", metavar="PATH", help=record)
    if repeats is not None:
        parser.add_argument(
            "--repeats",
            type=timed_rounds,
            default=repeats,
            help=f"timed rounds per comparison (default {repeats})",
        )
    return parser


def record_from_cli(
    parser: argparse.ArgumentParser,
    path: str,
    topic: str,
    argv: list[str] | None,
    run: Callable[[LoadMonitor], Mapping[str, RatioEstimate]],
) -> TimingRecord:
    """What ``python -m dlnotes.bench <topic> --record PATH`` does: check
    ``path`` before any timing (a bad one is the parser's error), ``run`` the
    measurements under a fresh load monitor, write them with the command that
    made them, and print each estimate."""
    try:
        destination = check_destination(path)
    except ValueError as error:
        parser.error(str(error))
    monitor = LoadMonitor()
    monitor.check()
    estimates = run(monitor)
    command = f"python -m dlnotes.bench {topic} " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    written = write_record(destination, command, monitor.load(), estimates)
    report(written, destination)
    return written


def report(written: TimingRecord, path: str | os.PathLike[str]) -> None:
    """Print what a benchmark just recorded: how quiet the run was (a warning
    if too busy to be stated), each estimate, and where it went."""
    print(f"{written.label}: {wording.load_sentence(written.load_summary)}")
    if not written.quiet:
        print(
            "not quiet enough to be stated on a page: record again on an"
            " idle machine",
            file=sys.stderr,
        )
    for key, estimate in written.estimates.items():
        print(f"{key:<55} {wording.cell(estimate)}")
    print(f"wrote {path}", file=sys.stderr)


def audit(record: TimingRecord) -> str:
    """One line on a record: its date and load (quiet or not), and the
    estimates too uncertain to be stated (``wording.TOO_WIDE``)."""
    wide = sorted(
        key
        for key, estimate in record.estimates.items()
        if wording.word(estimate).direction == wording.TOO_WIDE
    )
    verdict = "quiet" if record.quiet else "NOT QUIET: record again"
    return (
        f"{record.date}: calibration spread {record.load_summary.spread:.2f},"
        f" {100 * record.load_summary.cpu_share:.0f} % of a core, {verdict};"
        f" {len(record.estimates)} estimates, {len(wide)} too uncertain"
        + (f" ({', '.join(wide)})" if wide else "")
    )


def main() -> None:
    """``python -m dlnotes.bench.records``: :func:`audit` each shipped record,
    with the command that makes it again."""
    for topic, (package, name) in SHIPPED.items():
        print(f"{topic}: {audit(packaged_record(package, name))}")
        folder = Path(str(resources.files(package) / "records"))
        path = os.path.relpath(folder / name)
        print(f"  python -m dlnotes.bench {topic} --record {path}")


if __name__ == "__main__":
    main()

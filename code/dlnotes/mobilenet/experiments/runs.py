"""Recorded trade-off runs, as data: one JSON record per trained
(configuration, seed).

Training every configuration of
:func:`~dlnotes.mobilenet.experiments.tradeoffs.claim_configs`, or the three
networks of :func:`~dlnotes.mobilenet.experiments.tradeoffs.plateau_design`
to a plateau, over enough seeds, takes far longer than a book build; so
``python -m dlnotes.mobilenet.experiments tradeoffs --save DIR ...``
(:mod:`dlnotes.mobilenet.experiments.cli`) records the outcome, it is committed
in :data:`RECORDS` or :data:`PLATEAU_RECORDS` (each with a README giving the
command, machine and date) and read back when the book is built. A record
``<run_name>.json``::

    {"format": 1, "command": "python -m dlnotes.mobilenet.experiments tradeoffs
    ...",
     "config": {"variant": "separable", "width_mult": 1.0, "side": 28}, "seed":
     0, "settings": {"epochs": 8, "lr": 0.01, "batch_size": 64, "threads": 1,
     "schedule": "cosine", "task": "cluttered"}, "accuracy": 0.912,
     "mult_adds": 667376, "params": 55520, "machine": "x86_64 Linux, 2 CPUs, 1
     thread, torch 2.13.0+cpu", "date": "2026-12-06 07:30 UTC", "epochs":
     [{"epoch": 1, "train_loss": 1.9,
     "train_accuracy": 0.31, "test_loss": 1.4, "test_accuracy": 0.52,
     "seconds": 14.1}, ...]}

``accuracy`` is the final test accuracy (the last epoch's); ``date`` (UTC,
when the run ended) is absent from the first records. With ``--weights``
a run also leaves ``<run_name>.pt``, its final ``state_dict`` (read back by
:func:`load_model` with ``weights_only=True``); while it trains,
``<run_name>.ckpt`` holds the whole training state (:func:`dlnotes.train.fit`)
and is removed when the run ends. Every file is written atomically.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import os
import platform
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import torch
from torch import nn

from dlnotes._io import (
    FolderLock,
    load_state_dict,
    load_tensors,
    read_record_json,
    remove_temporaries,
    save_tensors,
    write_text,
)
from dlnotes._io import check_folder as check_output_folder
from dlnotes.mobilenet.experiments.tradeoffs import (
    PLATEAU,
    Config,
    Design,
    Run,
    Settings,
    Summary,
    fit_run,
    plateau_design,
)
from dlnotes.record_json import record_json, run_settings
from dlnotes.train import EpochStats

RECORDS = Path(
    str(
        resources.files("dlnotes.mobilenet.experiments")
        / "records"
        / "tradeoffs"
    )
)
"""The first recorded runs shipped inside the package (found through the
package, never the cwd): the ten configurations of
:func:`~dlnotes.mobilenet.experiments.tradeoffs.claim_configs`, 8 epochs."""
PLATEAU_RECORDS = RECORDS.with_name("tradeoffs-plateau")
"""The plateau records, the three networks of
:func:`~dlnotes.mobilenet.experiments.tradeoffs.plateau_design` under
:data:`~dlnotes.mobilenet.experiments.tradeoffs.PLATEAU`."""
FORMAT = 1
#: About the size of one checkpoint (the largest network's weights and Adam's
#: moments, with room to spare): the free space a run needs.
CHECKPOINT_BYTES = 16 * 2**20


def run_name(config: Config, seed: int) -> str:
    """``"<variant>-a<α>-<side>px-seed<seed>"``, e.g.
    ``"separable-a0.625-28px-seed0"`` (``…-28px-min16-seed0`` with a floor of
    16 channels)."""
    floor = f"-min{config.min_channels}" if config.min_channels > 1 else ""
    return (
        f"{config.variant}-a{config.width_mult:g}-{config.side}px{floor}"
        f"-seed{seed}"
    )


@dataclass(frozen=True)
class TradeoffRecord:
    """One trained (configuration, seed) (see the module docstring for the JSON
    layout)."""

    command: str
    config: Config
    seed: int
    settings: dict[str, object]
    accuracy: float
    mult_adds: int
    params: int
    machine: str
    epochs: tuple[dict[str, float], ...]
    date: str = ""

    @property
    def run(self) -> Run:
        """The record as a
        :class:`~dlnotes.mobilenet.experiments.tradeoffs.Run`."""
        curve = tuple(row["test_accuracy"] for row in self.epochs)
        return Run(
            self.config,
            self.seed,
            curve,
            sum(row["seconds"] for row in self.epochs),
            tuple(row["train_accuracy"] for row in self.epochs),
        )

    def to_json(self) -> str:
        """The record as JSON text (``format`` first, one line per epoch)."""
        return record_json(FORMAT, asdict(self))


def this_machine(threads: int | None = None) -> str:
    """Where a run happens: processor, system, CPUs, threads (torch's count
    unless given), torch."""
    threads = torch.get_num_threads() if threads is None else threads
    return (
        f"{platform.machine()} {platform.system()}, {os.cpu_count()} CPUs,"
        f" {threads} thread{'s' if threads > 1 else ''}, torch"
        f" {torch.__version__}"
    )


def write_record(record: TradeoffRecord, path: str | Path) -> Path:
    """Write ``record`` to ``path`` atomically
    (``dlnotes._io.atomic_write``), after checking it
    (:func:`check_record`)."""
    check_record(record)
    return write_text(path, record.to_json())


def check_record(record: TradeoffRecord) -> None:
    """Raise a one-line ``ValueError`` for a record that breaks the layout:
    accuracy outside [0, 1] or not the last epoch's, no epochs, a negative
    seed, counts that are not positive ints."""
    if not 0.0 <= record.accuracy <= 1.0 or not record.epochs:
        raise ValueError(
            "accuracy must lie in [0, 1] and epochs must not be empty"
        )
    if record.accuracy != record.epochs[-1].get("test_accuracy"):
        raise ValueError(
            f"accuracy {record.accuracy} is not the last epoch's test accuracy"
        )
    if record.seed < 0 or record.mult_adds < 1 or record.params < 1:
        raise ValueError(
            "seed must be >= 0 and mult_adds, params >= 1, got"
            f" {record.seed}, {record.mult_adds}, {record.params}"
        )
    for row in record.epochs:
        value = row.get("test_accuracy")
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 <= value <= 1
        ):
            raise ValueError(
                f"every epoch needs a test_accuracy in [0, 1], got {value!r}"
            )


def read_record(path: str | Path) -> TradeoffRecord:
    """Read a record written by :func:`write_record`.

    Raises:
        ValueError: the file is not JSON, has another ``format``, lacks a field
            or holds a bad value.
    """
    data = read_record_json(path, "run record", FORMAT)
    try:
        record = TradeoffRecord(
            command=str(data["command"]),
            config=Config(**data["config"]),
            seed=int(data["seed"]),
            settings=dict(data["settings"]),
            accuracy=float(data["accuracy"]),
            mult_adds=int(data["mult_adds"]),
            params=int(data["params"]),
            machine=str(data["machine"]),
            epochs=tuple(dict(row) for row in data["epochs"]),
            date=str(data.get("date", "")),
        )
        check_record(record)
    except KeyError as error:
        raise ValueError(
            f"{path} lacks the field {error.args[0]!r} of a run record"
        ) from None
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path} holds a bad value: {error}") from None
    return record


def read_records(folder: str | Path = RECORDS) -> list[TradeoffRecord]:
    """Every record ``<folder>/*.json`` (by default the shipped ones), sorted
    by file name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no folder of run records at {folder}")
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise ValueError(f"{folder} holds no run records (<run>.json)")
    return [read_record(path) for path in paths]


class Recorded:
    """Recorded runs as a source of
    :class:`~dlnotes.mobilenet.experiments.tradeoffs.Summary`:
    ``Recorded(records)(config)`` collects that configuration's seeds, in seed
    order.

    Raises:
        ValueError: the records were made with different settings (they cannot
            be compared).
    """

    def __init__(self, records: Iterable[TradeoffRecord]) -> None:
        self.records = tuple(records)
        kinds = {json.dumps(r.settings, sort_keys=True) for r in self.records}
        if len(kinds) > 1:
            raise ValueError(
                "the records were made with different settings:"
                f" {sorted(kinds)}"
            )
        self.settings = self.records[0].settings if self.records else {}

    @property
    def seeds(self) -> tuple[int, ...]:
        """The seeds that every recorded configuration has (the ones a paired
        comparison uses)."""
        configs = {r.config for r in self.records}
        common = (
            set.intersection(
                *(
                    {r.seed for r in self.records if r.config == c}
                    for c in configs
                )
            )
            if configs
            else set()
        )
        return tuple(sorted(common))

    def __call__(self, config: Config) -> Summary:
        """``config``'s runs of the seeds every configuration has
        (:attr:`seeds`).

        Raises:
            KeyError: no record of ``config``.
        """
        seeds = self.seeds
        runs = sorted(
            (
                r.run
                for r in self.records
                if r.config == config and r.seed in seeds
            ),
            key=lambda run: run.seed,
        )
        if not runs:
            raise KeyError(
                f"no recorded run of {config.label}; recorded:"
                f" {sorted({r.config.label for r in self.records})}"
            )
        first = next(r for r in self.records if r.config == config)
        return Summary(config, tuple(runs), first.mult_adds, first.params)


def covers(
    source: Recorded, configs: Sequence[Config], settings: Settings
) -> bool:
    """Whether ``source`` holds a record of every ``configs`` × seed of
    ``settings``, all made with ``settings``."""
    if not source.records or source.settings != run_settings(settings):
        return False
    done = {(r.config, r.seed) for r in source.records}
    return all((c, s) in done for c in configs for s in settings.seeds)


def pairs_source() -> tuple[Recorded, Design]:
    """The records and networks behind the chapter's two paired comparisons:
    the plateau records (:data:`PLATEAU_RECORDS`) of
    :func:`~dlnotes.mobilenet.experiments.tradeoffs.plateau_design`.

    Raises:
        ValueError: the records lack a network or seed of
            :data:`~dlnotes.mobilenet.experiments.tradeoffs.PLATEAU`.
    """
    source, design = recorded(PLATEAU_RECORDS), plateau_design()
    if not covers(source, design.configs, PLATEAU):
        raise ValueError(
            f"{PLATEAU_RECORDS} must hold a record of every network of"
            " plateau_design() and seed of PLATEAU, made with PLATEAU"
        )
    return source, design


def recorded(folder: str | Path = RECORDS) -> Recorded:
    """The recorded runs in ``folder`` (by default the shipped ones) as a
    source of summaries."""
    return Recorded(read_records(folder))


def save_weights(model: nn.Module, path: str | Path) -> Path:
    """Write ``model.state_dict()`` (CPU tensors) to ``path`` atomically."""
    state = {
        key: value.detach().cpu() for key, value in model.state_dict().items()
    }
    return save_tensors(path, state)


def load_model(record: TradeoffRecord, weights: str | Path) -> nn.Module:
    """The network ``record`` describes with the weights in ``weights``
    (``weights_only=True``), in eval mode."""
    state = load_tensors(weights, "weights")
    model = record.config.build()
    load_state_dict(model, state, weights)
    return model.eval()


def check_folder(
    folder: Path, configs: Sequence[Config], settings: Settings, resume: bool
) -> list[tuple[Config, int]]:
    """The (configuration, seed) pairs still to train in ``folder``, checked
    before anything runs.

    Raises:
        ValueError: ``folder`` is a file; or it holds records or checkpoints
            and ``resume`` is false (they would be overwritten); or a record
            there was made with other settings.
    """
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"--save {folder} is a file, not a folder")
    existing = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if existing and not resume:
        raise ValueError(
            f"--save {folder} already holds {len(existing)} run records; add"
            " --resume to continue them, or choose another folder"
        )
    leftover = sorted(folder.glob("*.ckpt")) if folder.is_dir() else []
    if leftover and not resume:
        raise ValueError(
            f"--save {folder} holds the checkpoint {leftover[0].name} of an"
            " unfinished run; add --resume to continue it, or choose another"
            " folder"
        )
    wanted = run_settings(settings)
    for path in existing:
        record = read_record(path)
        if record.settings != wanted:
            raise ValueError(
                f"{path} was made with settings {record.settings}, not"
                f" {wanted}; use another folder"
            )
    done = {path.stem for path in existing}
    return [
        (config, seed)
        for seed in settings.seeds
        for config in configs
        if run_name(config, seed) not in done
    ]


def record_runs(
    folder: str | Path,
    configs: Sequence[Config],
    settings: Settings,
    command: str,
    resume: bool = False,
    weights: bool = False,
    say: Callable[[str], None] | None = None,
) -> list[TradeoffRecord]:
    """Train every (configuration, seed) of ``configs`` × ``settings.seeds``
    not yet recorded in ``folder``, seed by seed (so a stopped command leaves
    whole seeds), and record each.

    Args:
        folder: where ``<run_name>.json`` (and ``.pt`` with ``weights``) go.
        command: the command line, stored in each record.
        resume: continue a folder that already holds records of the same
            settings (finished runs are skipped; an interrupted run continues
            from its ``.ckpt``).
        weights: also save each final ``state_dict``.
        say: called with one line of progress per epoch and per run (``print``,
            for instance).

    Returns:
        The records written by this call.

    Raises:
        ValueError: see :func:`check_folder` (raised before any training).
    """
    folder = Path(folder)
    check_output_folder(folder, CHECKPOINT_BYTES)
    with FolderLock(folder):
        pending = check_folder(folder, configs, settings, resume)
        remove_temporaries(folder)
        return _record(folder, pending, settings, command, weights, say)


def run_identity(config: Config, settings: Settings) -> dict[str, object]:
    """What a checkpoint of ``config``'s run must match to be resumed, besides
    :func:`dlnotes.train.fit`'s own settings: the configuration, every
    setting (the task among them) and the library's version."""
    return {
        "config": asdict(config),
        **run_settings(settings),
        "dlnotes": importlib.metadata.version("dlnotes"),
    }


def _record(
    folder: Path,
    pending: list[tuple[Config, int]],
    settings: Settings,
    command: str,
    weights: bool,
    say: Callable[[str], None] | None,
) -> list[TradeoffRecord]:
    """Train and record the ``pending`` runs (see :func:`record_runs`)."""
    written = []
    start = time.perf_counter()
    for k, (config, seed) in enumerate(pending, start=1):
        name = run_name(config, seed)

        def progress(stats: EpochStats, name: str = name) -> None:
            if say is not None:
                say(
                    f"{name} epoch {stats.epoch}/{settings.epochs}: train"
                    f" accuracy {stats.train_accuracy:.3f}, test accuracy"
                    f" {stats.test_accuracy:.3f}, {stats.seconds:.0f} s"
                )

        checkpoint = folder / f"{name}.ckpt"
        run, history, model = fit_run(
            config,
            seed,
            settings,
            on_epoch=progress,
            checkpoint=checkpoint,
            identity=run_identity(config, settings),
        )
        record = TradeoffRecord(
            command=command,
            config=config,
            seed=seed,
            settings=run_settings(settings),
            accuracy=round(run.test_accuracy, 5),
            mult_adds=config.mult_adds,
            params=config.params,
            machine=this_machine(settings.threads),
            date=datetime.datetime.now(datetime.UTC).strftime(
                "%Y-%m-%d %H:%M UTC"
            ),
            epochs=tuple(
                {
                    key: round(value, 5) if isinstance(value, float) else value
                    for key, value in asdict(stats).items()
                }
                for stats in history.epochs
            ),
        )
        if weights:
            save_weights(model, folder / f"{name}.pt")
        write_record(record, folder / f"{name}.json")
        checkpoint.unlink(missing_ok=True)
        written.append(record)
        if say is not None:
            elapsed = time.perf_counter() - start
            say(
                f"[{k}/{len(pending)}] {name}: accuracy"
                f" {run.test_accuracy:.3f}; {elapsed / 60:.1f} min so far,"
                f" about {elapsed / k * (len(pending) - k) / 60:.0f} min to go"
            )
    return written

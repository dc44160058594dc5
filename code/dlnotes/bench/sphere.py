"""``python -m dlnotes.bench sphere [--part transforms|layers|all] [--quick]``.

The transforms' benchmark (Wigner tables, S² FFT against healpy, SO(3) FFT scaling, naive vs FFT
correlation) lives in :mod:`dlnotes.bench.sphere_transforms`; the layers' (S² and SO(3)
convolutions, training epochs) in :mod:`dlnotes.bench.sphere_layers`. Each defines
``main(quick: bool) -> None``, which prints its tables.
"""

from __future__ import annotations

import argparse
import importlib

PARTS = ("transforms", "layers")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dlnotes.bench sphere", description=__doc__)
    parser.add_argument("--part", choices=(*PARTS, "all"), default="all")
    parser.add_argument("--quick", action="store_true", help="fewer sizes and repeats")
    args = parser.parse_args(argv)
    for part in PARTS if args.part == "all" else (args.part,):
        importlib.import_module(f"dlnotes.bench.sphere_{part}").main(quick=args.quick)

"""`county-sim calibrate EXPERIMENT`: run the prior sample into a resumable store (a sweep), then keep
the sets that reproduce the calibration patterns and check the held-back ones (`sim.calibrate.abc`)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path
from typing import Any

from ..cli import EXIT_FAIL, EXIT_OK, _int_at_least
from ..scenario import ScenarioError


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--prior-scale must be a number > 0 (got {text!r})") from None
    if not 0 < v <= 10:
        raise argparse.ArgumentTypeError(f"--prior-scale must be in (0, 10] (got {text!r})")
    return v


def register(sub: Any) -> None:
    """Add the calibrate subcommand."""
    ca = sub.add_parser(
        "calibrate",
        help="approximate Bayesian computation: the parameter sets that reproduce the calibration patterns",
        description="Run an experiment's prior sample (its [vary]/[vary_all] ranges, Latin hypercube) into a "
        "resumable store, accept the sets whose summed violation of the [calibrate] targets is within the "
        "tolerance, and report the held-back patterns. Writes accepted.csv, posterior.csv, validation.csv, "
        "convergence.csv, statistics.csv, figures and calibration.json.",
    )
    ca.add_argument("experiment", metavar="EXPERIMENT", help="a name from experiments/ or a TOML file with [calibrate]")
    ca.add_argument(
        "--workers",
        "-j",
        type=_int_at_least(1, "--workers"),
        default=None,
        help="worker processes (default: CPU count)",
    )
    ca.add_argument("--backend", choices=("local", "dask"), default="local", help="local processes or a Dask cluster")
    ca.add_argument("--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler (default a LocalCluster)")
    ca.add_argument(
        "--prior-scale",
        type=_positive_float,
        default=1.0,
        metavar="S",
        help="scale every varied range about its registry default (0.5 halves, 2 doubles; clipped to the "
        "registry's range): the prior-sensitivity rerun",
    )
    ca.add_argument("--out", type=Path, default=None, help="results folder (default results/<experiment>[_prior<S>]/)")
    ca.add_argument("--fresh", action="store_true", help="discard the store and start over")
    ca.add_argument("--chunk-size", type=_int_at_least(1, "--chunk-size"), default=None, help="runs per chunk")
    ca.set_defaults(func=cmd_calibrate)


def scaled(exp: Any, scale: float) -> Any:
    """The experiment with every varied range scaled about its parameter's registry default (clipped to
    the registry's range); the name says so. Scale 1 returns it unchanged."""
    if scale == 1.0:
        return exp
    out = []
    for v in exp.varied:
        p = exp.spec.params[v.name]
        if v.low is None or v.values is not None:
            raise ScenarioError(f"{exp.path}: key 'vary.{v.name}': --prior-scale needs ranges, not values")
        d = min(max(float(p.default), v.low), v.high)
        low = max(p.low, d - scale * (d - v.low))
        high = min(p.high, d + scale * (v.high - d))
        if p.kind == "int":
            import math

            low, high = math.ceil(low), math.floor(high)
        out.append(dataclasses.replace(v, low=round(float(low), 12), high=round(float(high), 12)))
    return dataclasses.replace(exp, varied=tuple(out), name=f"{exp.name}_prior{scale:g}")


def cmd_calibrate(args: argparse.Namespace, argv: list[str] | None) -> int:
    """Validate everything, run what the store lacks, then accept, validate and write."""
    from ..cli import claim_output_dir
    from ..explore.backends import ChunkFailed
    from ..explore.cli import _refuse_another_experiments_store
    from ..explore.experiment import load_experiment
    from ..explore.runner import DEFAULT_CHUNK, sweep
    from . import abc

    exp = load_experiment(args.experiment)
    if exp.calibration is None:
        raise ScenarioError(
            f"{exp.path}: no [calibrate] table: name the patterns to calibrate on (targets = [...]) and those"
            " to hold back (holdout = [...]); `county-sim sweep` runs a plain design"
        )
    exp = scaled(exp, args.prior_scale)
    if args.scheduler and args.backend != "dask":
        raise ScenarioError("--scheduler needs --backend dask")
    if args.backend == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ScenarioError("--backend dask needs dask.distributed: pip install 'county-sim[dask]'") from None
    out = args.out if args.out is not None else Path("results") / exp.name
    _refuse_another_experiments_store(out, exp.name, args.fresh)
    claim_output_dir(out, (), lambda m: True)
    workers = args.workers or os.cpu_count() or 1
    try:
        res = sweep(
            exp,
            out,
            backend=args.backend,
            workers=workers,
            scheduler=args.scheduler,
            fresh=args.fresh,
            chunk_size=args.chunk_size or max(1, DEFAULT_CHUNK // exp.spec.extra.get("sims_per_run", 1)),
            argv=argv,
        )
    except ChunkFailed as e:
        print(f"county-sim: error: {e}; run the same command again to resume", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print(
            f"county-sim: interrupted; finished runs are stored in {out}{os.sep}; run the same command to resume",
            file=sys.stderr,
        )
        return 130
    print(
        f"{exp.name}: {res.total} runs ({res.new} run now, {res.reused} already stored)"
        f" on {res.backend} x{res.workers} in {res.seconds:.1f} s"
    )
    cal = abc.analyse(exp, out)
    files = abc.write(cal, exp, out, abc.load_manifest(out))
    for line in abc.summary_lines(cal):
        print(line)
    print(f"wrote {', '.join(files)} to {out}{os.sep}")
    return EXIT_OK

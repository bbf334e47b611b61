"""`county-sim sweep`, `analyze` and `report`: experiments from the command line::

county-sim sweep EXPERIMENT [--workers N] [--backend local|dask] [--scheduler ADDRESS] [--out DIR] [--fresh]
county-sim analyze EXPERIMENT_OR_DIR
county-sim report DIR
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ..cli import EXIT_FAIL, EXIT_OK, _int_at_least
from ..scenario import ScenarioError


def register(sub: Any) -> None:
    """Add the sweep, analyze, report and export subcommands."""
    sw = sub.add_parser(
        "sweep",
        help="run an experiment's design (resumable); write runs.sqlite, runs.csv and manifest.json",
        description="Run every (point, replicate) of an experiment into a crash-safe store; running it again "
        "after an interruption runs only what is missing.",
    )
    sw.add_argument("experiment", metavar="EXPERIMENT", help="a name from experiments/ or a TOML file")
    sw.add_argument(
        "--workers",
        "-j",
        type=_int_at_least(1, "--workers"),
        default=None,
        help="worker processes (default: CPU count; 1 runs in-process)",
    )
    sw.add_argument("--backend", choices=("local", "dask"), default="local", help="local processes or a Dask cluster")
    sw.add_argument(
        "--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler (tcp://host:8786); default a LocalCluster"
    )
    sw.add_argument("--out", type=Path, default=None, help="results folder (default results/<experiment name>/)")
    sw.add_argument("--fresh", action="store_true", help="discard the store and start over")
    sw.add_argument(
        "--chunk-size",
        type=_int_at_least(1, "--chunk-size"),
        default=None,
        help="runs per chunk sent to a worker (default 256, sim.explore.runner.DEFAULT_CHUNK, or fewer, down to "
        "16, when that would leave a worker without two chunks)",
    )
    sw.add_argument(
        "--ensemble",
        type=Path,
        default=None,
        metavar="FILE",
        help="run the design once per parameter set of FILE (a calibration's accepted.csv), each with that set "
        "fixed, into OUT/set_<row>/; `county-sim analyze OUT` then reports how the answer varies across sets",
    )
    sw.add_argument(
        "--sets",
        type=_int_at_least(1, "--sets"),
        default=None,
        metavar="K",
        help="with --ensemble: the first K accepted sets (default 20)",
    )
    sw.set_defaults(func=cmd_sweep)

    an = sub.add_parser(
        "analyze",
        help="sensitivity indices, noise share, convergence, discovery rules and figures from a sweep's store",
        description="Read a sweep's store and write tables (CSV, Markdown) and figures (PNG) into DIR/analysis/.",
    )
    an.add_argument("target", metavar="EXPERIMENT_OR_DIR", help="an experiment (name or TOML) or a results folder")
    an.add_argument(
        "--resamples", type=_int_at_least(1, "--resamples"), default=1000, help="bootstrap resamples for the intervals"
    )
    an.set_defaults(func=cmd_analyze)

    rp = sub.add_parser("report", help="one Markdown and HTML report of a sweep: design, runs, indices, figures, rules")
    rp.add_argument("target", metavar="DIR", help="a results folder written by `county-sim sweep`")
    rp.add_argument("--lang", choices=("en", "zh"), default="en", help="the report's language (default en)")
    rp.set_defaults(func=cmd_report)

    ex = sub.add_parser(
        "export",
        help="write a sweep's runs in another tool's format (ema: what ema_workbench.load_results reads)",
        description="Export a sweep's store. --format ema writes a .tar.gz in the EMA Workbench's save_results "
        "format: experiments (varied parameters, seed, replicate) and one scalar outcome per output.",
    )
    ex.add_argument("target", metavar="EXPERIMENT_OR_DIR", help="an experiment (name or TOML) or a results folder")
    ex.add_argument("--format", choices=("ema",), default="ema", help="the target tool's format (default ema)")
    ex.add_argument("--out", type=Path, default=None, help="the file to write (default DIR/ema_results.tar.gz)")
    ex.set_defaults(func=cmd_export)


def results_dir(target: str, must_be_dir: bool = False) -> Path:
    """The results folder for an experiment name/file or a folder."""
    from .experiment import load_experiment
    from .store import STORE_NAME

    p = Path(target)
    if must_be_dir and not p.is_dir():
        raise ScenarioError(f"{p}: not a results folder (run `county-sim sweep` first)")
    if p.is_dir():
        if (p / "ensemble.json").is_file():  # sweep --ensemble: one store per set below it
            return p
        if not (p / STORE_NAME).exists():
            raise ScenarioError(f"{p}: no {STORE_NAME} here (run `county-sim sweep` first)")
        return p
    exp = load_experiment(target)
    out = Path("results") / exp.name
    if not (out / STORE_NAME).exists():
        raise ScenarioError(f"{out}: no {STORE_NAME} here (run `county-sim sweep {target}` first)")
    return out


def _refuse_another_experiments_store(out: Path, name: str, fresh: bool) -> None:
    """A sweep resumes into its own experiment's store; a folder holding another experiment's
    sweep is refused unless --fresh (which discards that store)."""
    import json

    from .store import STORE_NAME, Store

    if fresh or not (out / STORE_NAME).exists():
        return
    try:
        store = Store(out / STORE_NAME, readonly=True)
        try:
            info = json.loads(store.meta("experiment") or "{}")
        finally:
            store.close()
    except Exception:  # an unreadable store is the runner's to report
        return
    other = info.get("name")
    if other and other != name:
        raise ScenarioError(
            f"--out {out}: holds the sweep of experiment '{other}', not '{name}'; choose another --out,"
            " or give --fresh to discard it"
        )


def cmd_sweep(args: argparse.Namespace, argv: list[str] | None) -> int:
    """`county-sim sweep`: validate everything, then run what the store lacks."""
    from ..cli import claim_output_dir
    from .backends import ChunkFailed
    from .experiment import load_experiment
    from .runner import sweep

    exp = load_experiment(args.experiment)
    if args.scheduler and args.backend != "dask":
        raise ScenarioError("--scheduler needs --backend dask")
    if args.backend == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ScenarioError("--backend dask needs dask.distributed: pip install 'county-sim[dask]'") from None
    if args.sets is not None and args.ensemble is None:
        raise ScenarioError("--sets needs --ensemble FILE")
    if args.ensemble is not None:
        return _sweep_ensemble(args, exp, argv)
    out = args.out if args.out is not None else Path("results") / exp.name
    _refuse_another_experiments_store(out, exp.name, args.fresh)
    claim_output_dir(out, (), lambda m: True)  # create it now: an unwritable folder fails before any run
    workers = args.workers or os.cpu_count() or 1
    try:
        res = sweep(
            exp,
            out,
            backend=args.backend,
            workers=workers,
            scheduler=args.scheduler,
            fresh=args.fresh,
            chunk_size=args.chunk_size,
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
    rate = f", {res.rate:.1f} runs/s" if res.new else ""
    print(
        f"{exp.name}: {res.total} runs ({res.new} run now, {res.reused} already stored) "
        f"on {res.backend} x{res.workers} in {res.seconds:.1f} s{rate}"
    )
    print(f"wrote {', '.join(res.files)} to {out}{os.sep}")
    return EXIT_OK


def _sweep_ensemble(args: argparse.Namespace, exp: Any, argv: list[str] | None) -> int:
    """`sweep --ensemble FILE`: every set validated first, then one resumable sweep per set."""
    from ..calibrate import ensemble
    from ..cli import claim_output_dir
    from .backends import ChunkFailed

    sets = args.sets
    ensemble.prepare(exp, args.ensemble, sets)  # every mistake before anything is written
    out = args.out if args.out is not None else Path("results") / f"{exp.name}+{args.ensemble.stem}"
    if out.exists() and any(out.iterdir()) and not ensemble.is_ensemble(out):
        raise ScenarioError(f"--out {out}: holds other results; choose another --out")
    claim_output_dir(out, (), lambda m: True)
    try:
        outcomes = ensemble.run(
            exp,
            args.ensemble,
            sets,
            out,
            argv=argv,
            backend=args.backend,
            workers=args.workers or os.cpu_count() or 1,
            scheduler=args.scheduler,
            fresh=args.fresh,
            chunk_size=args.chunk_size,
        )
    except ChunkFailed as e:
        print(f"county-sim: error: {e}; run the same command again to resume", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print(f"county-sim: interrupted; run the same command to resume into {out}{os.sep}", file=sys.stderr)
        return 130
    total, new = sum(o.total for o in outcomes), sum(o.new for o in outcomes)
    print(
        f"{exp.name} on {len(outcomes)} sets of {args.ensemble}: {total} runs ({new} run now)"
        f" in {sum(o.seconds for o in outcomes):.1f} s"
    )
    print(f"wrote set_<row>/ folders and {ensemble.ENSEMBLE_FILE} to {out}{os.sep}; next: county-sim analyze {out}")
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace, argv: list[str] | None) -> int:
    """`county-sim analyze`: indices, noise, convergence, discovery and figures into DIR/analysis/."""
    from ..calibrate import ensemble
    from .sensitivity import analyze_dir

    folder = results_dir(args.target)
    if ensemble.is_ensemble(folder):
        files = ensemble.analyze(folder, resamples=args.resamples)
        print((folder / "analysis" / "robust.md").read_text(encoding="utf-8").strip())
        print(f"wrote {len(files)} files to {folder / 'analysis'}{os.sep} (and each set's own analysis/)")
        return EXIT_OK
    files = analyze_dir(folder, resamples=args.resamples)
    summary = analysis_summary(folder / "analysis" / "analysis.json")
    if summary:
        print(summary)
    print(f"wrote {len(files)} files to {folder / 'analysis'}{os.sep}")
    return EXIT_OK


def analysis_summary(path: Path, top: int = 3) -> str:
    """The headline of an analysis: per output its noise share and the parameters that matter most
    (Sobol' ST or Morris mu*, with 95% intervals), the discovery rules, and how to read the numbers."""
    import json

    try:
        a = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    lines = [f"{a.get('experiment')}: {a.get('method')}, {a.get('points')} points x {a.get('replicates')} replicates"]
    negative = False
    for output, e in a.get("outputs", {}).items():
        if "sobol" in e:
            rows = sorted(e["sobol"], key=lambda r: -r["ST"])
            negative |= any(r["ST"] < 0 or r["S1"] < 0 for r in e["sobol"])
            best = ", ".join(f"{r['parameter']} {r['ST']:.2f} ± {r['ST_conf']:.2f}" for r in rows[:top])
            lines.append(f"  {output}: noise {e.get('noise_share_of_means', float('nan')):.2f} of the means; ST {best}")
        elif "morris" in e:
            rows = e["morris"][:top]
            best = ", ".join(f"{r['parameter']} {r['mu_star']:.3g} ± {r['mu_star_conf']:.2g}" for r in rows)
            lines.append(f"  {output}: mu* {best}")
        elif e.get("note"):
            lines.append(f"  {output}: {e['note']}")
    if a.get("sustained_share") is not None:
        rules = "; ".join(
            f"{b['rule']} (coverage {b['coverage']:.2f}, density {b['density']:.2f})" for b in a.get("discovery") or []
        )
        lines.append(f"  runs sustaining the trajectory: {a['sustained_share']:.0%}; rules: {rules or 'none found'}")
        stab = a.get("discovery_stability")
        if stab and a.get("discovery"):
            lines.append(
                f"  the first rule's parameters recur in {stab['same_parameters']:.0%} of {stab['resamples']}"
                " random halves of the runs (discovery_stability.md; quasi-p-values in discovery_significance.md)"
            )
    if negative:
        lines.append(
            "  Indices below zero are estimates of zero within their sampling and noise error"
            " (corrected for replicate noise; see noise.csv)."
        )
    return "\n".join(lines)


def cmd_export(args: argparse.Namespace, argv: list[str] | None) -> int:
    """`county-sim export`: the sweep's runs as EMA results (ema_workbench.load_results reads them)."""
    from .export import export_ema

    folder = results_dir(args.target)
    if args.out is not None and (args.out.is_dir() or not args.out.parent.is_dir()):
        raise ScenarioError(f"--out {args.out}: must be a file in an existing folder (for example ema.tar.gz)")
    path = export_ema(folder, args.out)
    print(f"wrote {path} (ema_workbench.load_results reads it)")
    return EXIT_OK


def cmd_report(args: argparse.Namespace, argv: list[str] | None) -> int:
    """`county-sim report`: report.md and report.html (analysing first if needed)."""
    from .report import write_report

    folder = results_dir(args.target, must_be_dir=True)
    if (folder / "calibration.json").is_file():
        from ..calibrate.report import write_report as calibration_report

        files = calibration_report(folder, lang=args.lang)
        print(f"wrote {', '.join(files)} to {folder}{os.sep}")
        return EXIT_OK
    files = write_report(folder, lang=args.lang)
    print(f"wrote {', '.join(files)} to {folder}{os.sep}")
    return EXIT_OK

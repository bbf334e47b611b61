"""`county-sim calibrate EXPERIMENT`: run the prior sample into a resumable store (a sweep), then keep
the sets that reproduce the calibration patterns and check the held-back ones (`sim.calibrate.abc`)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path
from typing import Any

from .. import __version__ as sim_version  # the source's version: an editable install's metadata can lag
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

    ps = sub.add_parser(
        "prior-sensitivity",
        help="compare a calibration with its reruns at other prior scales (--prior-scale): what the prior decides",
        description="Read a calibration folder and its reruns with every range halved or doubled "
        "(`county-sim calibrate EXP --prior-scale 0.5`, `2`) and report, parameter by parameter, whether "
        "the posterior keeps its width when the prior changes (decided by the patterns) or stretches with it "
        "(set by the prior), with the acceptance rate and the patterns reproduced at each scale. Writes "
        "prior_sensitivity.csv, prior_sensitivity_summary.csv, prior_sensitivity.png, prior_sensitivity.md "
        "(and .zh.md) and manifest.json, and adds the section to the reference calibration's report.",
    )
    ps.add_argument("folders", metavar="FOLDER", nargs="+", type=Path, help="calibration folders, one at scale 1")
    ps.add_argument(
        "--out", type=Path, default=None, help="results folder (default: prior_sensitivity/ in the scale-1 folder)"
    )
    ps.add_argument("--overwrite", action="store_true", help="replace another job's results in --out")
    ps.set_defaults(func=cmd_prior_sensitivity)

    ag = sub.add_parser(
        "posterior-agreement",
        help="do two calibrations of the same question agree? (rejection and ABC-SMC, 1 worker and many)",
        description="Read two calibration folders of the same question (same parameters, prior ranges, "
        "patterns and tolerance) and compare their weighted posteriors parameter by parameter (two-sample KS at "
        "the effective sizes, Bonferroni) and the patterns their accepted sets reproduce. Writes agreement.csv, "
        "agreement_patterns.csv, agreement.png, agreement.md (and .zh.md) and manifest.json.",
    )
    ag.add_argument("first", metavar="A", type=Path, help="a calibration folder")
    ag.add_argument("second", metavar="B", type=Path, help="another calibration folder of the same question")
    ag.add_argument("--out", type=Path, default=None, help="results folder (default: agreement_<B>/ in A)")
    ag.add_argument("--overwrite", action="store_true", help="replace another job's results in --out")
    ag.set_defaults(func=cmd_agreement)

    cl = sub.add_parser(
        "classifier",
        help="how the share sustaining and the phase months move with each trajectory-classifier threshold",
        description="Run a scenario's seeds once (or the scenario at each of a calibration's accepted sets) and "
        "classify every run again at 5 levels of each classifier threshold, default -spread .. +spread. Writes "
        "classifier.csv, classifier.png and manifest.json.",
    )
    cl.add_argument(
        "scenario",
        metavar="SCENARIO",
        help="a scenario name or TOML file (default l_county)",
        nargs="?",
        default="l_county",
    )
    cl.add_argument(
        "--replicates",
        "-r",
        type=_int_at_least(2, "--replicates"),
        default=50,
        help="seeds (per set with --ensemble; default 50)",
    )
    cl.add_argument("--seed", type=_int_at_least(0, "--seed"), default=0, help="root seed (default 0)")
    cl.add_argument(
        "--spread", type=_positive_float, default=0.5, help="relative half-width of the levels (default 0.5)"
    )
    cl.add_argument("--ensemble", type=Path, default=None, metavar="FILE", help="a calibration's accepted.csv")
    cl.add_argument(
        "--sets",
        type=_int_at_least(1, "--sets"),
        default=None,
        metavar="K",
        help="with --ensemble: the first K sets (default 20)",
    )
    cl.add_argument("--out", type=Path, default=None, help="results folder (default results/classifier/<scenario>)")
    cl.add_argument("--overwrite", action="store_true", help="replace another job's results in --out")
    cl.set_defaults(func=cmd_classifier)


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
    if exp.calibration.get("sampler") == "smc":
        return _calibrate_smc(args, exp, argv)
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
    try:
        cal = abc.analyse(exp, out, workers, args.backend, args.scheduler)
    except ChunkFailed as e:
        print(f"county-sim: error: {e}; run the same command again to resume", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print(
            f"county-sim: interrupted; the sweep is stored in {out}{os.sep} and finished chunks of the later"
            " stages are kept; run the same command to resume",
            file=sys.stderr,
        )
        return 130
    files = abc.write(cal, exp, out, abc.load_manifest(out), prior_scale=args.prior_scale)
    from .report import write_report

    files += write_report(out)
    for line in abc.summary_lines(cal):
        print(line)
    print(f"wrote {', '.join(files)} to {out}{os.sep}")
    return EXIT_OK


def _calibrate_smc(args: argparse.Namespace, exp: Any, argv: list[str] | None) -> int:
    """`[calibrate] sampler = "smc"`: pyabc's ABC-SMC into out/smc.db (resumable by generation)."""
    from ..cli import claim_output_dir
    from . import abc, smc
    from .report import write_report

    try:
        import pyabc
    except ImportError:
        raise ScenarioError(f"{exp.path}: sampler = \"smc\" needs pyabc: pip install 'county-sim[calibrate]'") from None
    if args.scheduler and args.backend != "dask":
        raise ScenarioError("--scheduler needs --backend dask")
    smc.check(exp)
    out = args.out if args.out is not None else Path("results") / exp.name
    claim_output_dir(out, (), lambda m: True)
    started = time.perf_counter()
    try:
        cal, prior = smc.run(exp, out, args.backend, args.workers or os.cpu_count() or 1, args.scheduler, args.fresh)
    except KeyboardInterrupt:
        print(
            f"county-sim: interrupted; finished generations are in {out / smc.DB_NAME}; run again to resume",
            file=sys.stderr,
        )
        return 130
    seconds = time.perf_counter() - started
    from .. import manifest as mf

    mf.write_json(
        out / "manifest.json",
        {
            "kind": "calibrate_smc",
            "version": sim_version,
            "git_commit": mf.git_commit(),
            "model_version": exp.spec.version(),
            "experiment": {"name": exp.name, "path": exp.path, "content_hash": exp.content_hash()},
            "scenario": mf.scenario_record(exp.scenario) if exp.scenario is not None else None,
            "root_seed": exp.seed,
            "replicates": exp.replicates,
            "steps": exp.steps,
            "backend": args.backend,
            "workers": args.workers or os.cpu_count() or 1,
            "seconds": round(seconds, 3),
            "command": mf.command_line(argv),
            **mf.environment(),
        },
    )
    files = abc.write(
        cal,
        exp,
        out,
        None,
        prior=prior,
        sampler=f"ABC-SMC (pyabc {pyabc.__version__}): population {exp.calibration['population']}, "
        f"tolerance by the {smc.EPS_QUANTILE} quantile of the last generation's distances",
        prior_scale=args.prior_scale,
    )
    files += write_report(out)
    last = cal.convergence.iloc[-1]
    print(
        f"{exp.name}: ABC-SMC, {len(cal.convergence)} generations, {cal.draws} simulations of {exp.replicates} seeds,"
        f" final tolerance {last['epsilon']:g} (asked {cal.tolerance:g}), {len(cal.accepted)} particles,"
        f" {seconds:.1f} s"
    )
    for line in abc.summary_lines(cal)[1:]:
        print(line)
    print(f"wrote {', '.join(files)} to {out}{os.sep}")
    return EXIT_OK


def cmd_prior_sensitivity(args: argparse.Namespace, argv: list[str] | None) -> int:
    """Validate every folder, then compare and write; the reference report gains the section."""
    from .. import manifest as mf
    from ..cli import claim_output_dir
    from . import priors
    from .report import write_report

    cals = [priors.load(f) for f in args.folders]
    ref = priors.check(cals)
    out = args.out if args.out is not None else ref.folder / "prior_sensitivity"
    folders = sorted(str(c.folder.resolve()) for c in cals)

    def same(m: dict) -> bool:
        return m.get("kind") == "prior_sensitivity" and m.get("folders") == folders

    claim_output_dir(out, priors.FILES, same, args.overwrite)
    started = mf.now_iso()
    # the manifest first (unfinished), so that a rerun after a crash mid-way recognises its own files
    mf.write_json(out / "manifest.json", {"kind": "prior_sensitivity", "folders": folders, "finished": None})
    files, table, summary = priors.write(cals, out)
    mf.write_json(
        out / "manifest.json",
        {
            "kind": "prior_sensitivity",
            "folders": folders,
            "calibrations": {
                str(c.folder.resolve()): {
                    "prior_scale": c.scale,
                    "calibration_sha256": mf.file_sha256(c.folder / "calibration.json"),
                }
                for c in cals
            },
            "elasticity_midpoint": priors.ELASTIC_MID,
            "bootstrap": {"resamples": priors.BOOTSTRAP, "quantiles": list(priors.BOOT_Q), "seed": priors.BOOT_SEED},
            "prior_change_min": priors.PRIOR_CHANGE_MIN,
            "command": mf.command_line(argv),
            "started": started,
            "finished": mf.now_iso(),
            **mf.environment(),
            "files": {n: mf.file_sha256(out / n) for n in files},
        },
    )
    for line in priors.summary_lines(table, summary):
        print(line)
    print(f"wrote {', '.join(files)}, manifest.json to {out}{os.sep}")
    if out.resolve() == (ref.folder / "prior_sensitivity").resolve():  # where the report looks for it
        write_report(ref.folder)
        print(f"updated report.md, report.html in {ref.folder}{os.sep} with the prior-sensitivity section")
    return EXIT_OK


def cmd_agreement(args: argparse.Namespace, argv: list[str] | None) -> int:
    """Validate both folders, then compare and write."""
    from .. import manifest as mf
    from ..cli import claim_output_dir
    from . import agree, priors

    a, b = priors.load(args.first), priors.load(args.second)
    agree.check(a, b)
    out = args.out if args.out is not None else a.folder / f"agreement_{b.folder.resolve().name}"
    claim_output_dir(
        out, agree.FILES, agree.same_job([str(a.folder.resolve()), str(b.folder.resolve())]), args.overwrite
    )
    started = mf.now_iso()
    files, table, pats = agree.write(a, b, out)
    agree.manifest(a, b, out, files, argv, started)
    for line in agree.summary_lines(table, pats):
        print(line)
    print(f"wrote {', '.join(files)}, manifest.json to {out}{os.sep}")
    return EXIT_OK


def cmd_classifier(args: argparse.Namespace, argv: list[str] | None) -> int:
    """Validate, run once, classify again at every threshold level, write the table and figure."""
    from .. import manifest as mf
    from ..cli import claim_output_dir
    from ..model import replicate_seed
    from ..scenario import load_scenario
    from . import classifier as cf

    if args.sets is not None and args.ensemble is None:
        raise ScenarioError("--sets needs --ensemble FILE")
    base = load_scenario(args.scenario)
    if int(base.params["model_version"]) != 2:
        raise ScenarioError(f"{base.path}: the classifier sensitivity is for Model 2 (model_version = 2)")
    seeds = [replicate_seed(args.seed, r) for r in range(args.replicates)]
    groups: list[tuple[str, Any]] = [("scenario", base)]
    if args.ensemble is not None:
        from .ensemble import rows_of
        from .params_file import load_param_row

        groups = [
            (
                f"set {row}",
                base.with_overrides(
                    where=f"--ensemble {args.ensemble} row {row}", **load_param_row(args.ensemble, row)
                ),
            )
            for row in rows_of(args.ensemble, args.sets)
        ]
    name = base.name + (f"+{args.ensemble.stem}" if args.ensemble is not None else "")
    out = args.out if args.out is not None else Path("results") / "classifier" / name
    files = ("classifier.csv", "classifier.png", "manifest.json")

    def same(m: dict) -> bool:
        return m.get("kind") == "classifier" and m.get("command") == mf.command_line(argv)

    claim_output_dir(out, files, same, args.overwrite)
    started = mf.now_iso()
    runs = []
    for label, sc in groups:
        runs += [(label, params, series) for _, params, series in cf.run_series([sc] * len(seeds), seeds)]
    table = cf.sensitivity(runs, args.spread)
    with mf.atomic_open(out / "classifier.csv", "w", encoding="utf-8", newline="") as f:
        table.to_csv(f, index=False, lineterminator="\n")
    what = f"{base.name}, {len(seeds)} seeds" + (f" at each of {len(groups)} accepted sets" if len(groups) > 1 else "")
    mf.atomic_write(
        out / "classifier.png",
        lambda tmp: cf.figure(table, Path(tmp), f"Classifier thresholds, each moved alone ({what})"),
    )
    mf.write_json(
        out / "manifest.json",
        {
            "kind": "classifier",
            "scenario": mf.scenario_record(base),
            "ensemble": str(args.ensemble) if args.ensemble else None,
            "ensemble_sha256": mf.file_sha256(args.ensemble) if args.ensemble else None,
            "sets": [g for g, _ in groups],
            "root_seed": args.seed,
            "replicate_seeds": seeds,
            "spread": args.spread,
            "command": mf.command_line(argv),
            "started": started,
            "finished": mf.now_iso(),
            **mf.environment(),
            "files": {n: mf.file_sha256(out / n) for n in files[:2]},
        },
    )
    print(f"classifier sensitivity: {what}; every threshold at {cf.LEVELS} levels, default x (1 -+ {args.spread:g})")
    for line in cf.summary_lines(table):
        print(line)
    print(f"wrote {', '.join(files)} to {out}{os.sep}")
    return EXIT_OK

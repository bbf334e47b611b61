"""`county-sim`: run a scenario, validate scenario, policy and experiment files, print the parameter registry.

    county-sim run SCENARIO [--seed S] [--replicates R] [--steps T] [--set KEY=VALUE ...] [--out DIR]
    county-sim validate FILE [FILE ...]
    county-sim params [--markdown]

Bad input (any `ScenarioError`, a bad option) prints one line `county-sim: error: ...` per mistake on
stderr (every mistake of a file at once) and exits with code 2 before anything is written.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn

from .scenario import Scenario, ScenarioError, load_scenario, parse_set

PROG = "county-sim"
EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
OUTPUT_FILES: tuple[str, ...] = ("series.csv", "summary.csv", "trajectory.png", "manifest.json")
#: What a Model 2 run (the default engine) writes beside them: every problem of every replicate.
PROBLEM_FILE = "problems.csv"
#: The data dictionary every run writes: each column of its CSV files, its meaning, unit and how it
#: is computed (`sim.columns`).
COLUMNS_FILE = "columns.csv"
#: Modules that add subcommands: each has `register(subparsers)` that adds its parsers and sets
#: `func=handler(args, argv) -> exit code`. Handlers raise ScenarioError for bad input.
COMMAND_MODULES: tuple[str, ...] = (
    "sim.explore.cli",
    "sim.calibrate.cli",
    "sim.app.cli",
    "sim.whatif.cli",
    "sim.whatif.ablate",
)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr (exit 2), like every other bad input."""

    def error(self, message: str) -> NoReturn:
        """Print `<prog>: error: <message>` (and where to find help) and exit 2."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _int_at_least(low: int, what: str):
    """An argparse type: an integer >= `low`."""

    def parse(text: str) -> int:
        """Parse and bound-check one option value."""
        try:
            value = int(text, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer >= {low} (got {text!r})") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be an integer >= {low} (got {value})")
        return value

    parse.__name__ = what
    return parse


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with the run, validate and params subcommands."""
    parser = _Parser(
        prog=PROG,
        description="Agent-based model of county government performance improvement "
        "(Bao & Liu 2025, the practice of L County).",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser(
        "run",
        help="run a scenario's replicates; print a table; write series, summary, manifest and figure",
        description="Run replicates of a scenario and write series.csv, summary.csv, manifest.json and "
        "trajectory.png into the output folder.",
    )
    run.add_argument("scenario", metavar="SCENARIO", help="a name from scenarios/ (e.g. l_county) or a TOML file")
    run.add_argument(
        "--seed",
        type=_int_at_least(0, "--seed"),
        default=0,
        help="root seed S (default 0); replicate r uses SeedSequence(S).spawn, recorded in the seed column",
    )
    run.add_argument(
        "--exact-seed",
        type=_int_at_least(0, "--exact-seed"),
        default=None,
        metavar="SEED",
        help="run one replicate with exactly this model seed (a `seed` value from series.csv, "
        "runs.csv or the app) instead of deriving it from --seed",
    )
    run.add_argument(
        "--replicates", "-r", type=_int_at_least(1, "--replicates"), default=1, help="number of replicates (default 1)"
    )
    run.add_argument(
        "--steps", type=_int_at_least(1, "--steps"), default=None, help="months to simulate (default: the scenario's)"
    )
    run.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter (TOML value syntax; repeatable), e.g. --set k_ME_DI=0",
    )
    run.add_argument(
        "--params",
        type=Path,
        default=None,
        metavar="FILE",
        help="take parameter values from a CSV of parameter sets (a calibration's accepted.csv); with --row",
    )
    run.add_argument(
        "--row",
        type=_int_at_least(0, "--row"),
        default=None,
        metavar="K",
        help="which row of --params (its 'row' column; --set still wins)",
    )
    run.add_argument(
        "--policy",
        dest="policies",
        action="append",
        default=[],
        metavar="FILE",
        help="apply a policy file's interventions and overrides (repeatable; e.g. what_if/learning_visits)",
    )
    run.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default results/<scenario>[+<policy>][--<key>=<value>,...]/, naming what differs"
        " from the scenario file; _model1 added for Model 1)",
    )
    run.add_argument(
        "--overwrite",
        action="store_true",
        help="replace another run's results in --out (without it such a folder is refused; the same run"
        " again may always rewrite its own)",
    )
    run.add_argument(
        "--lang", choices=("en", "zh"), default="en", help="figure labels (Chinese needs a CJK font; default en)"
    )
    run.set_defaults(func=cmd_run)

    val = sub.add_parser("validate", help="check scenario, policy and experiment files without running them")
    val.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="scenario, policy or experiment TOML file(s), or names from scenarios/ or experiments/",
    )
    val.set_defaults(func=cmd_validate)

    scn = sub.add_parser("scenarios", help="list the scenario files and the what-if policy files")
    scn.set_defaults(func=cmd_scenarios)

    exp = sub.add_parser(
        "explain", help="what a column of the results (or a parameter) means, its unit and how it is computed"
    )
    exp.add_argument(
        "names", nargs="+", metavar="NAME", help="a column of series.csv, summary.csv or problems.csv, or a parameter"
    )
    exp.set_defaults(func=cmd_explain)

    par = sub.add_parser("params", help="print the parameter table (default, range, unit, meaning, source)")
    par.add_argument("--markdown", action="store_true", help="print a Markdown table")
    par.set_defaults(func=cmd_params)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    """Print the error on stderr, one line per mistake (a `ScenarioError` carries every mistake of a
    file at once), and return the exit code."""
    for line in message.split("\n") or [""]:
        if line.strip():
            print(f"{PROG}: error: {' '.join(line.split())}", file=sys.stderr)
    return code


def prepare_run(args: argparse.Namespace) -> tuple[Scenario, dict[str, Any], Path]:
    """Validate everything a run needs (scenario, overrides, steps) and choose its output folder."""
    overrides = parse_set("command line", args.sets)
    if args.steps is None:
        scenario = load_scenario(args.scenario)
    else:
        try:
            scenario = load_scenario(args.scenario, steps=args.steps)
        except ScenarioError as e:
            load_scenario(args.scenario)  # a fault of the file itself is reported as it is
            raise ScenarioError(f"{e} (with --steps {args.steps})") from None
    if args.policies:
        from .whatif.variants import apply_policy, load_policy

        for token in args.policies:
            scenario = apply_policy(scenario, load_policy(token))
    if (getattr(args, "params", None) is None) != (getattr(args, "row", None) is None):
        raise ScenarioError("--params FILE and --row K go together")
    if getattr(args, "params", None) is not None:
        from .calibrate.params_file import load_param_row

        row = load_param_row(args.params, args.row)
        scenario = scenario.with_overrides(where=f"--params {args.params} --row {args.row}", **row)
    if overrides:
        scenario = scenario.with_overrides(where=f"--set on {scenario.path}", **overrides)
    if args.exact_seed is not None and args.replicates != 1:
        raise ScenarioError("--exact-seed runs one replicate: leave out --replicates (or give 1)")
    out = args.out
    if out is None:
        out = default_run_dir(scenario, overrides, args.policies, args.steps)
        if getattr(args, "params", None) is not None:  # name the parameter set, not its ~80 values
            stem, _, rest = out.name.partition("--")
            tag = f"{stem}+{Path(args.params).stem}_row{args.row}"
            out = out.with_name(tag + (f"--{rest}" if rest else ""))
    return scenario, overrides, out  # the folder is claimed next (claim_output_dir), before any run


def claim_output_dir(
    out: Path, files: Iterable[str], same_job: Callable[[dict], bool], overwrite: bool = False
) -> bool:
    """Called once everything else is validated: refuse a folder that holds another job's results
    (any of `files` present, and its manifest.json not `same_job`) unless `overwrite`, then create
    the folder and check that it takes a file, so that an uncreatable --out fails before any run.
    The same job again (same scenario content, seeds and horizon) may write over its own results:
    they come out byte-identical. Returns whether the folder was created here (see `release_output_dir`)."""
    import json

    check_output_dir(out)
    present = sorted(f for f in files if (out / f).exists())
    if present and not overwrite:
        try:
            manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = None
        if not isinstance(manifest, dict) or not same_job(manifest):
            what = "results without a readable manifest.json"
            if isinstance(manifest, dict):
                name = (manifest.get("scenario") or {}).get("name") or manifest.get("kind") or "another job"
                what = f"the results of another job ({name}, started {manifest.get('started', '?')})"
            raise ScenarioError(
                f"--out {out}: holds {what} ({', '.join(present)}); give --overwrite to replace them,"
                " or choose another --out"
            )
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".county-sim-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise ScenarioError(f"--out {out}: cannot write there ({e.strerror or e})") from None
    return created


def release_output_dir(out: Path, created: bool) -> None:
    """After a run that wrote nothing (interrupted, failed): remove the folder if it was created for
    it and is still empty, so that an interrupted run leaves nothing behind."""
    if created:
        with contextlib.suppress(OSError):
            out.rmdir()  # only if empty


def default_run_dir(scenario: Scenario, overrides: dict[str, Any], policies: list[str], steps: int | None) -> Path:
    """results/<scenario>[+<policy>...][--<key>=<value>,...][_model1]: the name says what differs from
    the scenario file, so that runs with other settings do not land in the same folder."""

    from .report.tables import format_value

    name = scenario.name + "".join(f"+{Path(p).stem}" for p in policies)
    parts = [f"{k}={format_value(v)}" for k, v in overrides.items() if k != "model_version"]
    if steps is not None:
        parts.append(f"steps={steps}")
    if parts:
        name += "--" + ",".join(parts)
    if int(scenario.params["model_version"]) != 2:
        name += f"_model{int(scenario.params['model_version'])}"  # Model 1 beside, not over, Model 2
    name = re.sub(r"[^A-Za-z0-9_.,=+-]+", "_", name)
    if len(name) > 100:
        name = f"{name[:80]}-{hashlib.sha256(name.encode()).hexdigest()[:12]}"
    return Path("results") / name


def check_output_dir(out: Path) -> None:
    """Raise ScenarioError unless `out` is (or can be created as) a writable folder. Creates nothing."""
    if out.exists() and not out.is_dir():
        raise ScenarioError(f"--out {out}: exists and is not a folder")
    probe = out
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise ScenarioError(f"--out {out}: {probe} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ScenarioError(f"--out {out}: no permission to write in {probe}")


def cmd_scenarios(args: argparse.Namespace, argv: list[str] | None) -> int:
    """`county-sim scenarios`: every scenario file and policy file, with what it is and its passage."""
    from .report.tables import text_table
    from .scenario import SCENARIO_DIR
    from .whatif.variants import WHAT_IF_DIR, load_policy

    rows = []
    for path in sorted(SCENARIO_DIR.glob("*.toml")):
        sc = load_scenario(path)
        rows.append([path.stem, sc.description, sc.paper])
    print(f"Scenarios ({SCENARIO_DIR}): county-sim run NAME")
    print(text_table(("name", "what it is", "paper"), rows))
    rows = []
    for path in sorted(WHAT_IF_DIR.glob("*.toml")):
        policy = load_policy(path)
        rows.append([f"what_if/{path.stem}", policy.description])
    print(f"\nPolicy files ({WHAT_IF_DIR}): county-sim run NAME --policy FILE, or county-sim compare")
    print(text_table(("file", "what it does"), rows))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace, argv: list[str] | None) -> int:
    """`county-sim explain NAME ...`: the data dictionary's entry of a column, or a parameter's."""
    from .columns import NAMES, lookup
    from .params import PARAMS
    from .scenario import suggest

    known = sorted(set(NAMES) | set(PARAMS))
    for name in args.names:  # validate every name first: one error, nothing printed
        if not lookup(name) and name not in PARAMS:
            raise ScenarioError(
                f"explain: '{name}' is neither a results column nor a parameter." + suggest(name, known)
            )
    blocks = []
    for name in args.names:
        lines = [name]
        for c in lookup(name):
            lines.append(f"  {c.file}: {c.meaning}")
            lines.append(f"    unit: {c.unit}")
            lines.append(f"    how: {c.how}")
        if name in PARAMS:
            p = PARAMS[name]
            rng = "true/false" if p.kind == "bool" else f"[{p.low}, {p.high}]"
            lines.append(f"  parameter ({p.group}): {p.meaning}")
            engines = ", ".join(map(str, p.models))
            lines.append(f"    default {p.default}, range {rng}, unit {p.unit}; read by model_version {engines}")
            if p.reason:
                lines.append(f"    why this value: {p.reason}")
        blocks.append("\n".join(lines))
    print("\n\n".join(blocks))
    return EXIT_OK


def cmd_run(args: argparse.Namespace, argv: list[str] | None) -> int:
    """`county-sim run`: validate, claim the output folder, run the replicates with a progress bar,
    print the table, write files."""
    from .model import replicate_seed

    scenario, overrides, out = prepare_run(args)
    seeds = (
        [replicate_seed(args.seed, r) for r in range(args.replicates)]
        if args.exact_seed is None
        else [int(args.exact_seed)]
    )

    def same_run(m: dict) -> bool:  # the same scenario content, seeds, horizon and engine
        return (
            (m.get("scenario") or {}).get("content_hash") == scenario.content_hash()
            and m.get("replicate_seeds") == seeds
            and m.get("steps") == scenario.steps
            and m.get("model_version") == int(scenario.params["model_version"])
        )

    created = claim_output_dir(out, [*OUTPUT_FILES, PROBLEM_FILE, COLUMNS_FILE], same_run, args.overwrite)
    try:
        return _run_and_write(args, argv, scenario, overrides, out)
    except BaseException:
        release_output_dir(out, created)
        raise


def _run_and_write(args: argparse.Namespace, argv: list[str] | None, scenario, overrides, out: Path) -> int:
    import pandas as pd
    from tqdm import tqdm

    from . import manifest as mf
    from .report import run_table, summary_frame
    from .report.plots import handover_months
    from .runner import iter_exact, iter_replicates

    started = mf.now_iso()
    series, rows, problems = [], [], []
    with tqdm(
        total=args.replicates, desc=scenario.name, unit="run", file=sys.stderr, disable=None, dynamic_ncols=True
    ) as bar:
        runs = (
            iter_replicates(scenario, args.seed, args.replicates, scenario.steps)
            if args.exact_seed is None
            else iter_exact(scenario, args.exact_seed)
        )
        for r, res in enumerate(runs):
            series.append(res.series)
            rows.append({"replicate": r, **res.summary})
            if res.problems is not None:
                problems.append(res.problems.assign(replicate=r, seed=res.summary["seed"]))
            bar.update(1)
    series_df = pd.concat(series, ignore_index=True)
    summary_df = summary_frame(rows)

    seed_note = f"root seed {args.seed}" if args.exact_seed is None else f"exact seed {args.exact_seed}"
    print(f"{scenario.name}: {args.replicates} replicate(s) x {scenario.steps} months, {seed_note}")
    if overrides:
        print("overrides: " + ", ".join(f"{k}={v!r}" for k, v in overrides.items()))
    print(run_table(summary_df))

    title = default_run_dir(scenario, overrides, args.policies, args.steps).name  # says what differs
    handovers = handover_months(scenario.params, scenario.events, scenario.steps)
    files = write_results(out, series_df, summary_df, lang=args.lang, title=title, handovers=handovers)
    if not problems and (out / PROBLEM_FILE).exists():  # a Model 2 run's, replaced by a Model 1 run's results
        (out / PROBLEM_FILE).unlink()
    if problems:  # Model 2: every problem of every replicate, and a line on how long they took
        frame = pd.concat(problems, ignore_index=True)
        frame = frame[["replicate", "seed", *[c for c in frame.columns if c not in ("replicate", "seed")]]]
        with mf.atomic_open(out / PROBLEM_FILE, "w", encoding="utf-8", newline="") as f:
            frame.to_csv(f, index=False, lineterminator="\n")
        files.append(PROBLEM_FILE)
        print(problems_line(frame))
    from .columns import dictionary_csv

    written = {"series.csv": list(series_df.columns), "summary.csv": list(summary_df.columns)}
    if problems:
        written[PROBLEM_FILE] = list(frame.columns)
    with mf.atomic_open(out / COLUMNS_FILE, "w", encoding="utf-8", newline="") as f:
        f.write(dictionary_csv(written))
    files.append(COLUMNS_FILE)
    manifest = mf.build_manifest(
        scenario=scenario,
        root_seed=args.seed if args.exact_seed is None else None,
        replicate_seeds=[int(s) for s in summary_df["seed"]],
        steps=scenario.steps,
        overrides=overrides,
        argv=mf.command_line(argv),
        started=started,
        finished=mf.now_iso(),
        files={name: mf.file_sha256(out / name) for name in files},
    )
    mf.write_json(out / "manifest.json", manifest)
    print(f"wrote {', '.join([*files, 'manifest.json'])} to {out}{os.sep}")
    return EXIT_OK


def problems_line(frame: Any) -> str:
    """One line from problems.csv: mean months to solve by departments needed, open at the end."""
    solved = frame[frame["status"] == "solved"]
    by_n = solved.groupby("departments")["months_open"].mean()
    open_end = (frame["status"] == "open").sum() / max(frame["replicate"].nunique(), 1)
    months = ", ".join(f"{int(n)}: {m:.1f}" for n, m in by_n.items())
    return f"problems: mean months to solve by departments needed ({months}); open at the end: {open_end:.1f} a run"


def write_results(
    out: Path, series: Any, summary: Any, lang: str = "en", title: str | None = None, handovers: Any = ()
) -> list[str]:
    """Write series.csv, summary.csv and trajectory.png into `out` atomically; return their names.

    Float columns are written with Python's shortest round-trip repr, so the CSVs are exact and
    byte-identical across runs of the same command. Warnings from drawing (no CJK font) become
    one `county-sim: warning:` line each on stderr.
    """
    from . import manifest as mf
    from .report.plots import trajectory_figure

    with mf.atomic_open(out / "series.csv", "w", encoding="utf-8", newline="") as f:
        series.to_csv(f, index=False, lineterminator="\n")
    with mf.atomic_open(out / "summary.csv", "w", encoding="utf-8", newline="") as f:
        summary.to_csv(f, index=False, lineterminator="\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mf.atomic_write(
            out / "trajectory.png",
            lambda tmp: trajectory_figure(series, tmp, lang=lang, title=title, handovers=handovers),
        )
    for w in caught:
        print(f"{PROG}: warning: {w.message}", file=sys.stderr)
    return ["series.csv", "summary.csv", "trajectory.png"]


def cmd_validate(args: argparse.Namespace, argv: list[str] | None) -> int:
    """`county-sim validate`: load and check each file; OK line per file, one error line per bad file.

    A file with an experiment's own keys ([design], [vary], scenario, model) is checked as an
    experiment; any other as a scenario, or as a policy if it schedules [[interventions]]."""
    from .explore.design import n_points
    from .explore.experiment import load_experiment
    from .whatif.variants import load_policy

    code = EXIT_OK
    for name in args.files:
        experiment = _experiment_file(name)
        if experiment is not None:
            try:
                exp = load_experiment(experiment)
            except ScenarioError as e:
                code = _fail(str(e))
                continue
            points = n_points(exp)
            horizon = f"{exp.steps} months" if exp.scenario is not None else f"model {exp.model}"
            print(
                f"OK: experiment {exp.name} ({exp.method}, {len(exp.varied)} varied, {points} points x "
                f"{exp.replicates} replicates = {points * exp.replicates} runs, {horizon})"
            )
            continue
        try:
            scenario = load_scenario(name)
        except ScenarioError as e:
            # a file with keys only policies have, or that schedules [[interventions]], is a policy:
            # check it as one; any other is a scenario and gets the scenario's error
            if not _toml_keys(name) & _policy_only_keys():
                code = _fail(str(e))
                continue
            try:
                policy = load_policy(name)
            except ScenarioError as policy_error:
                code = _fail(str(policy_error))
                continue
            print(f"OK: policy {policy.name} ({len(policy.params)} params set, {len(policy.events)} interventions)")
            continue
        n_set = len(scenario.file_keys)
        print(f"OK: {scenario.name} ({n_set} params set, {len(scenario.events)} events, {scenario.steps} months)")
    return code


def _policy_only_keys() -> frozenset[str]:
    from .scenario import TOP_LEVEL_KEYS
    from .whatif.variants import POLICY_KEYS

    return frozenset(POLICY_KEYS) - frozenset(TOP_LEVEL_KEYS) | {"interventions"}


def _toml_keys(name: str | Path) -> set[str]:
    """The top-level keys of the TOML file `name` stands for (a path, or a name from scenarios/);
    empty if it cannot be read or parsed (the loaders then report that)."""
    import tomllib

    from .scenario import resolve_path

    try:
        return set(tomllib.loads(resolve_path(name).read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return set()


def _experiment_file(name: str) -> Path | None:
    """The experiment file `name` stands for, or None: a TOML file with any of the keys only
    experiments have (`EXPERIMENT_KEYS`), or a name from experiments/ that no scenario has. A file
    that cannot be read or parsed is left to the scenario loader, which reports it."""
    from .explore.experiment import EXPERIMENT_KEYS, resolve_experiment
    from .scenario import resolve_path

    path = resolve_path(name)
    if not path.exists():
        path = resolve_experiment(name)
        return path if path.is_file() else None
    return path if _toml_keys(path) & set(EXPERIMENT_KEYS) else None


def cmd_params(args: argparse.Namespace, argv: list[str] | None) -> int:
    """`county-sim params`: the parameter registry as aligned text or Markdown."""
    from .report import params_table

    print(params_table(markdown=args.markdown))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of `county-sim`; returns the exit code (0 ok, 2 bad input, 130 interrupted)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version and usage errors
        return e.code if isinstance(e.code, int) else (EXIT_OK if e.code is None else EXIT_USAGE)
    try:
        return args.func(args, argv)
    except ScenarioError as e:
        return _fail(str(e))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; no partial files were left", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `county-sim params | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main())

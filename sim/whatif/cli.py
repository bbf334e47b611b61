"""`county-sim compare` and `county-sim interventions` (registered through `sim.cli.COMMAND_MODULES`).

    county-sim compare BASE ALT [ALT ...] [--replicates R] [--seed S] [--steps T] [--set KEY=VALUE ...]
                       [--question TEXT] [--bootstrap N] [--lang en|zh] [--out DIR]
    county-sim interventions [--markdown]

Each BASE or ALT is `[LABEL=]SCENARIO[+POLICY ...][:KEY=VALUE[,KEY=VALUE ...]]`; an ALT may start
with '+' or ':' to extend the BASE (see `sim.whatif.variants`). Everything is validated before the
first run; bad input is one `county-sim: error:` line, exit 2, and nothing is written.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import warnings
from pathlib import Path

from ..cli import EXIT_OK, PROG, _int_at_least, claim_output_dir
from ..scenario import ScenarioError

OUTPUT_FILES: tuple[str, ...] = (
    "report.md",
    "report.html",
    "trajectories.png",
    "forest.png",
    "differences.csv",
    "variants.csv",
    "summary.csv",
    "manifest.json",
)

SPEC_HELP = """\
variants (BASE and each ALT):
  [LABEL=]SCENARIO[+POLICY ...][:KEY=VALUE[,KEY=VALUE ...]]
    l_county                                   a scenario by name (scenarios/) or a TOML file
    l_county+what_if/hotline_year_earlier      plus a policy file (path, or name under scenarios/)
    l_county:fault_tolerance=0.1,training=0.8  with parameter overrides
    "no fault tolerance=l_county:fault_tolerance=0.1"   with a label for tables and figures
    +what_if/learning_visits   or   :k_ME_DI=0  an ALT that extends the BASE as written
  Overrides apply in order: scenario, policies' [params], --set (all variants), the variant's own.

worked comparisons (scenarios/what_if/, see README "Policy what-if"):
  county-sim compare l_county+what_if/hotline_as_happened l_county+what_if/hotline_year_earlier
  county-sim compare l_county+what_if/pay_reform_with_fault_tolerance \\
                     l_county+what_if/pay_reform_without_fault_tolerance
  county-sim compare l_county+what_if/closed_to_learning +what_if/learning_visits l_county
  county-sim compare l_county+what_if/successor_keeps_practices l_county+what_if/successor_drops_practices \\
                     l_county+what_if/successor_drops_practices+what_if/institutionalise_before_handover
"""


def register(sub) -> None:
    """Add the `compare` and `interventions` subcommands."""
    cmp = sub.add_parser(
        "compare",
        help="compare policy variants on common random numbers; write a report (Markdown, HTML), figures, tables",
        description="Run a BASE and one or more ALTernatives on the same replicate seeds (common random "
        "numbers) and report, per alternative against the base, the paired differences with 95% bootstrap "
        "intervals and the share of seeds in which the alternative is better.",
        epilog=SPEC_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmp.add_argument("base", metavar="BASE", help="the base variant (see below)")
    cmp.add_argument("alts", nargs="+", metavar="ALT", help="alternative variant(s)")
    cmp.add_argument(
        "--replicates",
        "-r",
        type=_int_at_least(2, "--replicates"),
        default=50,
        help="replicates per variant, the same seeds for every variant (default 50)",
    )
    cmp.add_argument(
        "--seed", type=_int_at_least(0, "--seed"), default=0, help="root seed S of the replicate seeds (default 0)"
    )
    cmp.add_argument(
        "--steps", type=_int_at_least(1, "--steps"), default=None, help="months to simulate (default: the scenario's)"
    )
    cmp.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter in every variant (TOML value syntax; repeatable)",
    )
    cmp.add_argument("--question", default=None, help="the question the report answers (default: the policy's)")
    cmp.add_argument(
        "--bootstrap",
        type=_int_at_least(100, "--bootstrap"),
        default=2000,
        help="bootstrap resamples for the intervals (default 2000)",
    )
    cmp.add_argument(
        "--ensemble",
        type=Path,
        default=None,
        metavar="FILE",
        help="run the comparison at each of the first --sets parameter sets of FILE (a calibration's accepted.csv):"
        " the effect with an interval over sets and seeds, and the share of sets in which each alternative helps",
    )
    cmp.add_argument(
        "--sets",
        dest="sets_k",
        type=_int_at_least(2, "--sets"),
        default=None,
        metavar="K",
        help="with --ensemble: the first K sets (default 20)",
    )
    cmp.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the report and figures")
    cmp.add_argument("--out", type=Path, default=None, help="output folder (default results/compare/<variants>/)")
    cmp.add_argument("--overwrite", action="store_true", help="replace another job's results in --out")
    cmp.set_defaults(func=cmd_compare)

    iv = sub.add_parser(
        "interventions",
        help="list the interventions a scenario or policy can schedule (fields, meaning, paper passage)",
        description="The intervention registry: every kind that [[events]] or [[interventions]] may schedule.",
    )
    iv.add_argument("--markdown", action="store_true", help="print Markdown (as in docs/ODD.md)")
    iv.set_defaults(func=cmd_interventions)


def default_out(labels: list[str]) -> Path:
    """results/compare/<base>_vs_<alt>[_<alt> ...], made filename-safe and at most 100 characters."""
    slug = "_vs_".join([labels[0], "_".join(labels[1:])])
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", slug).strip("-.") or "comparison"
    return Path("results") / "compare" / slug[:100]


def cmd_compare(args: argparse.Namespace, argv: list[str] | None) -> int:
    """Validate everything, run every variant on the same seeds, print the tables, write the files."""
    from tqdm import tqdm

    from .. import manifest as mf
    from .compare import compare
    from .variants import build_variants

    if args.question is not None and not args.question.strip():
        raise ScenarioError("--question: empty; write the question the report answers")
    variants = build_variants([args.base, *args.alts], sets=args.sets, steps=args.steps)
    if args.ensemble is not None or args.sets_k is not None:
        return _compare_ensemble(args, variants, argv)
    out = args.out if args.out is not None else default_out([v.label for v in variants])
    from ..model import replicate_seed

    seeds = [replicate_seed(args.seed, r) for r in range(args.replicates)]

    def same_comparison(m: dict) -> bool:  # the same variants (labels and content), seeds and horizon
        done = [(v.get("label"), (v.get("scenario") or {}).get("content_hash")) for v in m.get("variants") or []]
        return (
            m.get("kind") == "compare"
            and done == [(v.label, v.scenario.content_hash()) for v in variants]
            and m.get("replicate_seeds") == seeds
            and m.get("bootstrap_resamples") == args.bootstrap
        )

    claim_output_dir(out, OUTPUT_FILES, same_comparison, args.overwrite)

    started = mf.now_iso()
    total = len(variants) * args.replicates
    with tqdm(total=total, desc="compare", unit="run", file=sys.stderr, disable=None, dynamic_ncols=True) as bar:
        result = compare(variants, args.seed, args.replicates, args.bootstrap, progress=bar.update)

    from .report import print_tables

    # files first, so that a closed pipe (`county-sim compare ... | head`) does not lose them
    files = write_outputs(out, result, args, argv)
    manifest = build_manifest(result, args, argv, started, {name: mf.file_sha256(out / name) for name in files})
    mf.write_json(out / "manifest.json", manifest)
    print(
        f"{len(variants)} variants x {args.replicates} replicates on common seeds (root seed {args.seed}),"
        f" {result.steps} months; base: {variants[0].label}"
    )
    print(print_tables(result, args.lang))
    print(f"wrote {', '.join([*files, 'manifest.json'])} to {out}{os.sep}")
    return EXIT_OK


def _compare_ensemble(args: argparse.Namespace, variants: list, argv: list[str] | None) -> int:
    """`compare ... --ensemble accepted.csv`: the comparison at each accepted set, pooled."""
    from tqdm import tqdm

    from .. import manifest as mf
    from ..calibrate import ensemble
    from ..calibrate.params_file import load_param_row

    if args.ensemble is None:
        raise ScenarioError("--sets needs --ensemble FILE")
    k = args.sets_k
    rows = ensemble.rows_of(args.ensemble, k)
    ensemble.check_variants(variants, args.ensemble)
    for row in rows:  # every set checked against every variant before anything runs or is written
        theta = load_param_row(args.ensemble, row)
        for v in variants:
            v.scenario.with_overrides(where=f"--ensemble {args.ensemble} row {row}", **theta)
    default = default_out([v.label for v in variants])
    out = args.out if args.out is not None else default.with_name(f"{default.name}+{args.ensemble.stem}")

    def same(m: dict) -> bool:
        return m.get("kind") == "compare_ensemble" and m.get("command") == mf.command_line(argv)

    claim_output_dir(out, ensemble.COMPARE_FILES, same, args.overwrite)
    started = mf.now_iso()
    total = len(rows) * len(variants) * args.replicates
    with tqdm(total=total, desc="compare --ensemble", unit="run", file=sys.stderr, disable=None) as bar:
        pooled, by_set = ensemble.compare_ensemble(
            variants, args.ensemble, k, args.seed, args.replicates, args.bootstrap, progress=bar.update
        )
    for name, frame in (("ensemble_effects.csv", pooled), ("ensemble_by_set.csv", by_set)):
        with mf.atomic_open(out / name, "w", encoding="utf-8", newline="") as f:
            frame.to_csv(f, index=False, lineterminator="\n")
    mf.atomic_write(out / "ensemble_effects.png", lambda tmp: ensemble.effects_figure(pooled, by_set, Path(tmp)))
    files = {n: mf.file_sha256(out / n) for n in ensemble.COMPARE_FILES if n != "manifest.json"}
    mf.write_json(
        out / "manifest.json",
        {
            "kind": "compare_ensemble",
            "variants": [
                {"label": v.label, "spec": v.spec, "scenario": mf.scenario_record(v.scenario)} for v in variants
            ],
            "ensemble": str(args.ensemble),
            "ensemble_sha256": mf.file_sha256(args.ensemble),
            "rows": rows,
            "root_seed": args.seed,
            "replicates": args.replicates,
            "bootstrap_resamples": args.bootstrap,
            "interval": "two-level bootstrap: sets with replacement, then replicates within each set",
            "command": mf.command_line(argv),
            "started": started,
            "finished": mf.now_iso(),
            **mf.environment(),
            "files": files,
        },
    )
    print(
        f"{len(variants)} variants x {args.replicates} replicates (common seeds, root {args.seed}) at each of"
        f" {len(rows)} parameter sets of {args.ensemble}; base: {variants[0].label}"
    )
    head = f"{'alternative':24s} {'outcome':28s} {'mean diff':>9s} {'95% interval':>19s} {'sets 10-90%':>19s}"
    print(head + f" {'sets better':>11s}")
    for r in pooled.itertuples():
        print(
            f"{r.variant[:24]:24s} {r.outcome:28s} {r.difference:+9.4f} [{r.ci_low:+.4f}, {r.ci_high:+.4f}]"
            f" [{r.set_q10:+.4f}, {r.set_q90:+.4f}] {r.share_sets_better:11.0%}"
        )
    print(
        "mean diff: the mean over sets of each set's paired mean difference (alternative - base); 95% interval:"
        " of that mean (sets and seeds resampled), it narrows as sets are added; sets 10-90%: how the effect"
        " itself varies across the accepted sets; sets better: share of sets whose effect favours the alternative"
    )
    print(f"wrote {', '.join(ensemble.COMPARE_FILES)} to {out}{os.sep}")
    return EXIT_OK


def write_outputs(out: Path, result, args: argparse.Namespace, argv: list[str] | None) -> list[str]:
    """Figures, CSVs and the report, each written atomically; figure warnings become one line each."""
    from .. import manifest as mf
    from .figures import forest_figure, trajectories_figure
    from .report import blocks, to_html, to_markdown

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mf.atomic_write(out / "trajectories.png", lambda tmp: trajectories_figure(result, tmp, lang=args.lang))
        mf.atomic_write(out / "forest.png", lambda tmp: forest_figure(result, tmp, lang=args.lang))
    for w in sorted({str(w.message) for w in caught}):
        print(f"{PROG}: warning: {w}", file=sys.stderr)
    for name, frame in (
        ("differences.csv", result.differences),
        ("variants.csv", result.levels),
        ("summary.csv", result.summary),
    ):
        with mf.atomic_open(out / name, "w", encoding="utf-8", newline="") as f:
            frame.to_csv(f, index=False, lineterminator="\n")
    command = " ".join(_quote(a) for a in mf.command_line(argv))
    bl = blocks(result, args.lang, {"trajectories": "trajectories.png", "forest": "forest.png"}, command, args.question)
    with mf.atomic_open(out / "report.md", "w", encoding="utf-8", newline="\n") as f:
        f.write(to_markdown(bl))
    html_text = to_html(bl, out, args.lang)
    with mf.atomic_open(out / "report.html", "w", encoding="utf-8", newline="\n") as f:
        f.write(html_text)
    return [name for name in OUTPUT_FILES if name != "manifest.json"]  # the manifest is written last


def _quote(arg: str) -> str:
    return arg if re.fullmatch(r"[A-Za-z0-9_./:+=,@%-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"


def build_manifest(result, args: argparse.Namespace, argv: list[str] | None, started: str, files: dict) -> dict:
    """Provenance: package, git, every variant's scenario and policy files, seeds, command, times."""
    from .. import __version__
    from .. import manifest as mf

    return {
        "package": "county-sim",
        "version": __version__,
        "git_commit": mf.git_commit(),
        "git_dirty": mf.git_dirty(),
        "kind": "compare",
        "variants": [
            {
                "label": v.label,
                "role": "base" if i == 0 else "alternative",
                "spec": v.spec,
                "scenario": mf.scenario_record(v.scenario),
                "policies": [
                    {"name": p.name, "path": p.path, "file_sha256": mf.file_sha256(p.path)} for p in v.policies
                ],
                "overrides": dict(v.overrides),
                "added_interventions": [{"month": e.month, "kind": e.kind, **dict(e.values)} for e in v.added],
                "removed_interventions": [{"month": e.month, "kind": e.kind, **dict(e.values)} for e in v.removed],
            }
            for i, v in enumerate(result.variants)
        ],
        "set": list(args.sets),
        "root_seed": result.root_seed,
        "replicates": result.replicates,
        "replicate_seeds": [int(s) for s in result.seeds],
        "seed_derivation": "replicate r of root seed S: SeedSequence(S).spawn(r + 1)[r] (sim.replicate_seed);"
        " the same seeds for every variant (common random numbers)",
        "bootstrap_resamples": result.n_boot,
        "steps": result.steps,
        "lang": args.lang,
        "command": mf.command_line(argv),
        "cwd": os.getcwd(),
        "started": started,
        "finished": mf.now_iso(),
        **mf.environment(),
        "files": files,
    }


def cmd_interventions(args: argparse.Namespace, argv: list[str] | None) -> int:
    """Print the registry: per kind its group, meaning, fields, what it touches and the paper passage."""
    from .listing import interventions_table

    print(interventions_table(markdown=args.markdown))
    return EXIT_OK

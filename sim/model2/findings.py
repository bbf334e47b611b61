"""Measure again every Model 2 figure that docs/ODD.md §12 and the README's Model 2 section
report: `python -m sim.model2.findings [--replicates R] [--steps T]`.

Prints the scenario table of the patterns (50 common seeds from root 2025 by default), the share
sustaining across reform_resolve, the closed-channel gap across `citizen_verification` (50 and 100
seeds), the month-60 cost of economy-driven arrivals (40 seeds from root 0), the agent experiments
(48 seeds from root 7) and the heterogeneity of agents over time with and without noise. Pattern 8 is
`county-sim ablate l_county --seed 2025`. Nothing here is asserted: tests/test_patterns2.py and
tests/test_model2.py assert what holds.
"""

from __future__ import annotations

import argparse

import numpy as np

from .. import load_scenario, replicate_seed
from ..model import make_engine
from . import management_execution as me
from .readout import COL

SCENARIOS = (
    "status_quo",
    "l_county",
    "no_action_base",
    "frozen_pm",
    "closed_channels",
    "developed_county",
    "pressure_only",
    "leadership_turnover",
)
AGENT_ARMS: tuple[tuple[str, dict], ...] = (
    ("default", {}),
    ("1 leader, 4 departments", {"n_leaders": 1, "n_departments": 4}),
    ("1 leader, 16 departments", {"n_leaders": 1}),
    ("heads alike (concentration 40)", {"threshold_concentration": 40.0}),
    ("heads diverse (concentration 3)", {"threshold_concentration": 3.0}),
    ("64 cadres, 200 citizens", {"n_cadres": 64, "n_citizens": 200}),
    ("1 township", {"n_townships": 1}),
    ("opinion_confidence 0.1", {"opinion_confidence": 0.1}),
)


def batch(name: str, root: int, replicates: int, steps: int | None, **overrides):
    """Run `replicates` common seeds of `name` (Model 2) in one batch; return (summaries, engine)."""
    sc = load_scenario(name, model_version=2, **overrides)
    engine = make_engine([sc] * replicates, [replicate_seed(root, r) for r in range(replicates)], steps or sc.steps)
    for _ in range(engine.steps):
        engine.step()
    return [summary for _, summary in engine.results(with_series=False)], engine


def col(rows, key) -> np.ndarray:
    return np.array([np.nan if r[key] is None else float(r[key]) for r in rows])


def _median(x: np.ndarray) -> float:
    return float(np.nanmedian(x)) if np.any(~np.isnan(x)) else float("nan")


def patterns(replicates: int, steps: int | None) -> None:
    print(f"patterns: {replicates} seeds from root 2025")
    print("scenario               sustain  start  act IQR  deliver  relapse  real   assessed  satisf.  within .05")
    for name in SCENARIOS:
        rows, e = batch(name, 2025, replicates, steps)
        act = col(rows, "t_activate")
        iqr = np.subtract(*np.nanpercentile(act, [75, 25])) if np.any(~np.isnan(act)) else float("nan")
        start = e.recorder.data[0, :, COL["real_performance"]]
        within = np.mean(np.abs(col(rows, "final_real_performance") - start) < 0.05)
        print(
            f"{name:22s} {col(rows, 'sustained').mean():7.2f} {_median(col(rows, 't_start')):6.1f}"
            f" {_median(act):4.1f} {iqr:4.1f} {_median(col(rows, 't_deliver')):8.1f}"
            f" {np.mean(~np.isnan(col(rows, 't_relapse'))):8.2f} {col(rows, 'final_real_performance').mean():6.3f}"
            f" {col(rows, 'final_assessed_performance').mean():9.3f} {col(rows, 'final_satisfaction').mean():8.3f}"
            f" {within:11.2f}"
        )
    print("\nsustaining share across reform_resolve (l_county)")
    for resolve in (0.4, 0.5, 0.6, 0.7, 0.8):
        rows, _ = batch("l_county", 2025, replicates, steps, reform_resolve=resolve)
        print(f"  reform_resolve {resolve}: {col(rows, 'sustained').mean():.2f}")


def _extras(e) -> dict[str, np.ndarray]:
    """Per-seed figures of a batch that the summaries do not hold (what tests/test_patterns2.py reads)."""
    data = e.recorder.data
    real = data[:, :, COL["real_performance"]]
    T = data.shape[0] - 1
    return {
        "start": real[0],
        "change_late": real[T] - real[T // 2],
        "start_satisfaction": data[0, :, COL["satisfaction"]],
        "late_backlog_cross": data[-12:, :, COL["backlog_cross"]].mean(axis=0),
        "solved_single": (data[1:, :, COL["problems_solved"]] - data[1:, :, COL["solved_cross"]]).sum(axis=0),
    }


def pattern_figures(replicates: int, steps: int | None) -> None:
    """The figures docs/ODD.md §12 and tests/test_patterns2.py's docstrings report, pattern by pattern."""
    print(f"\npattern figures ({replicates} seeds from root 2025)")
    arms = {
        "l_county": ("l_county", {}),
        "status_quo": ("status_quo", {}),
        "no_action_base": ("no_action_base", {}),
        "frozen_pm": ("frozen_pm", {}),
        "closed_channels": ("closed_channels", {}),
        "k_ME_DI=0": ("l_county", {"k_ME_DI": 0.0}),
        "k_CL_ME=0": ("l_county", {"k_CL_ME": 0.0}),
    }
    got = {}
    for label, (name, over) in arms.items():
        rows, e = batch(name, 2025, replicates, steps, **over)
        got[label] = (rows, _extras(e))

    def mean(label, key):
        rows, ex = got[label]
        return float(np.mean(ex[key] if key in ex else col(rows, key)))

    base_rows, base_ex = got["l_county"]
    real = col(base_rows, "final_real_performance")
    gain = float(np.mean(real - base_ex["start"]))
    sat_gain = float(np.mean(col(base_rows, "final_satisfaction") - base_ex["start_satisfaction"]))
    rows, ex = got["status_quo"]
    change = col(rows, "final_real_performance") - ex["start"]
    print(
        f"  1 status_quo: sustains {col(rows, 'sustained').mean():.2f}; mean change {change.mean():+.3f}"
        f" (SD {change.std(ddof=1):.3f}); within 0.05 of the start {np.mean(np.abs(change) < 0.05):.2f}"
    )
    act = col(base_rows, "t_activate")
    q1, q3 = np.nanpercentile(act, [25, 75])
    print(
        f"  2 l_county: sustains {col(base_rows, 'sustained').mean():.2f}; median start"
        f" {_median(col(base_rows, 't_start')):.1f}; median activation {_median(act):.1f} (IQR {q3 - q1:.1f});"
        f" median delivery {_median(col(base_rows, 't_deliver')):.1f}; final real {real.mean():.3f};"
        f" gain over the run {gain:.3f} (satisfaction {sat_gain:.3f})"
    )
    many = []
    for root in (0, 1, 7, 2025):
        rows, _ = batch("l_county", root, replicates, steps)
        many.append(col(rows, "sustained"))
    print(f"    sustains {np.concatenate(many).mean():.2f} over {4 * replicates} seeds of roots 0, 1, 7, 2025")
    for label in ("no_action_base", "frozen_pm"):
        rows, _ = got[label]
        print(
            f"  {3 if label == 'no_action_base' else 4} {label}: starts {np.mean(~np.isnan(col(rows, 't_start'))):.2f};"
            f" sustains {col(rows, 'sustained').mean():.2f}; final real {mean(label, 'final_real_performance'):.3f}"
            f" ({real.mean() - mean(label, 'final_real_performance'):.3f} lower)"
        )

    def gap(label):
        return mean(label, "final_assessed_performance") - mean(label, "final_real_performance")

    print(
        f"  5 closed_channels: assessed - real {gap('closed_channels'):.3f} against {gap('l_county'):.3f};"
        f" satisfaction {mean('closed_channels', 'final_satisfaction'):.3f} against"
        f" {mean('l_county', 'final_satisfaction'):.3f}"
    )
    rows, ex = got["k_ME_DI=0"]
    print(
        f"  6 k_ME_DI = 0: sustains {col(rows, 'sustained').mean():.2f}; final real"
        f" {mean('k_ME_DI=0', 'final_real_performance'):.3f}; change from the middle month to the end"
        f" {ex['change_late'].mean():+.3f} (full model {base_ex['change_late'].mean():+.3f})"
    )
    print(
        f"  7 k_CL_ME = 0: open cross-department backlog in the last year {mean('k_CL_ME=0', 'late_backlog_cross'):.2f}"
        f" against {mean('l_county', 'late_backlog_cross'):.2f}; single-department problems solved"
        f" {mean('k_CL_ME=0', 'solved_single'):.0f} against {mean('l_county', 'solved_single'):.0f}"
    )


def checks(replicates: int, steps: int | None) -> None:
    """Figures the README, the registry and the tests quote beside the patterns: the closed-channel gap
    across `citizen_verification` (the reason for its default) and the month-60 cost of arrivals that
    grow with the economy."""
    for r in (replicates, 2 * replicates):  # the patterns' seeds (tests), and the registry's reason
        print(f"\ncitizen_verification and the final assessed - real gap ({r} seeds from root 2025)")
        for v in (0.0, 0.5, 0.75, 1.0):
            gaps = []
            for name in ("closed_channels", "l_county"):
                rows, _ = batch(name, 2025, r, steps, citizen_verification=v)
                gaps.append(np.mean(col(rows, "final_assessed_performance") - col(rows, "final_real_performance")))
            print(f"  citizen_verification {v:.2f}: closed_channels {gaps[0]:.4f}, l_county {gaps[1]:.4f}")
    n = max(2, replicates * 40 // 50)
    print(f"\narrivals that grow with the economy (l_county, {n} seeds from root 0)")
    for elasticity in (0.3, 0.0):
        _, e = batch("l_county", 0, n, steps, arrival_economy=elasticity)
        month = min(60, e.steps)
        real = np.median(e.recorder.data[month, :, COL["real_performance"]])
        print(f"  arrival_economy {elasticity}: median real performance at month {month} {real:.3f}")


def agents(replicates: int, steps: int | None) -> None:
    print(f"\nagent experiments (l_county, {replicates} seeds from root 7)")
    for label, over in AGENT_ARMS:
        rows, e = batch("l_county", 7, replicates, steps, **over)
        blocked = e.recorder.data[1:, :, COL["wom_blocked"]].mean()
        print(
            f"  {label:32s} real {col(rows, 'final_real_performance').mean():.3f}"
            f" sustains {col(rows, 'sustained').mean():.2f} activation {_median(col(rows, 't_activate')):5.1f}"
            f" word of mouth blocked {blocked:.3f}"
        )


def heterogeneity(replicates: int, steps: int | None) -> None:
    arms = (
        ("defaults", {}),
        ("every noise at 0", {"shock_volatility": 0.0, "brain_drain": 0.0, "head_turnover": 0.0}),
    )
    for label, over in arms:
        quiet = bool(over)
        saved = me.MOTIVATION_NOISE
        me.MOTIVATION_NOISE = 0.0 if quiet else saved
        try:
            sc = load_scenario("l_county", model_version=2, **over)
            T = steps or sc.steps
            e = make_engine([sc] * replicates, [replicate_seed(11, r) for r in range(replicates)], T)
            marks = {0: _spread(e.s)}
            for t in range(1, T + 1):
                e.step()
                if t in (T // 2, T):
                    marks[t] = _spread(e.s)
        finally:
            me.MOTIVATION_NOISE = saved
        print(f"\nheterogeneity (SD across agents, mean over {replicates} seeds), {label}")
        print("  month  motivation  competence  engaged  signal  satisfaction by township  heads' threshold")
        for t, v in marks.items():
            print(f"  {t:5d}  {v[0]:10.3f}  {v[1]:10.3f}  {v[2]:7.3f}  {v[3]:6.3f}  {v[4]:24.3f}  {v[5]:16.3f}")


def _spread(s) -> tuple[float, ...]:
    town = np.stack([s.citizen_satisfaction[:, s.citizen_township == k].mean(axis=1) for k in range(s.T)], axis=1)
    heads = np.take_along_axis(s.cadre_threshold, s.dept_head, axis=1)
    return tuple(
        float(x.std(axis=1).mean())
        for x in (s.cadre_motivation, s.cadre_competence, s.dept_engaged, s.dept_signal, town, heads)
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sim.model2.findings", description=__doc__.splitlines()[0])
    ap.add_argument("--replicates", type=int, default=50, help="seeds per arm (default 50; agents 48, 24)")
    ap.add_argument("--steps", type=int, default=None, help="months (default: the scenarios' 120)")
    args = ap.parse_args(argv)
    r = args.replicates
    patterns(r, args.steps)
    pattern_figures(r, args.steps)
    checks(r, args.steps)
    agents(max(2, r * 48 // 50), args.steps)
    heterogeneity(max(2, r * 24 // 50), args.steps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

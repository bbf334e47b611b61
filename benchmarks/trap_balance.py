"""Why `status_quo` seeds drift (pattern 1): `python -m benchmarks.trap_balance [--seeds 200]`.

Pattern 1 asks that real performance end within 0.05 of where it began in 95% of the trap's seeds.
This script measures the trap as the model has it (nothing is patched) and splits the change from
month 0 to month 120 of each seed into

- the **mismatch**: the seed's own level (its mean over months 30-120) minus month 0. The spin-up
  (docs/ODD.md §3, "Spin-up") sets month 0 exactly to the starting performance and balances the
  arrivals on the list as it stands at that moment; where the seed's routine holds the burden
  elsewhere, the run moves there;
- the **fluctuation**: month 120 minus the seed's own level (the discrete problems' noise).

It also prints the stocks that move: the hidden (latent) and listed burden per cell as a share of
the reference burden, the cadres' mean competence, the departments' work capacity and the leaders'
mean resolve, at months 0, 12, 60 and 120, and how the change correlates with the month-0 list.
Figures for docs/ODD.md §13 ("The trap balance is approximate"); a measurement, not a test.
"""

from __future__ import annotations

import argparse

import numpy as np

import sim
from sim.model import make_engine
from sim.model2 import problems as pb
from sim.model2.readout import COL
from sim.scenario import parse_set

ROOT_SEED = 2025  # the pattern tests' root (tests/test_patterns2.py)
MONTHS = (0, 12, 60, 120)


def measure(scenario: str, seeds: list[int], **overrides) -> dict:
    """Run `scenario` on `seeds` in one batch; return each seed's change of real performance from
    month 0 to the last month, its mismatch and fluctuation (which add up to the change), its
    within-seed SD over months 30 on, and the mean of each stock at MONTHS."""
    sc = sim.load_scenario(scenario, model_version=2, **overrides)
    eng = make_engine([sc] * len(seeds), seeds, sc.steps)
    s = eng.s
    stocks: dict[str, list[np.ndarray]] = {k: [] for k in ("latent", "listed", "competence", "work", "resolve")}

    def snap() -> None:
        ref = s.ref_cell[:, None]
        total = pb.cell_burden(s)
        stocks["latent"].append((s.latent / ref).mean(axis=1))
        stocks["listed"].append(((total - s.latent) / ref).mean(axis=1))
        stocks["competence"].append(s.cadre_competence.mean(axis=1))
        stocks["work"].append(s.dept_work.sum(axis=1))
        stocks["resolve"].append(s.leader_resolve.mean(axis=1))

    snap()
    for _ in range(eng.steps):
        eng.step()
        snap()
    rp = eng.recorder.data[: eng.recorder.n, :, COL["real_performance"]]
    level = rp[30:].mean(axis=0)
    return {
        "steps": sc.steps,
        "change": rp[-1] - rp[0],
        "mismatch": level - rp[0],
        "fluctuation": rp[-1] - level,
        "within_sd": rp[30:].std(axis=0),
        "listed0": stocks["listed"][0],
        "stocks": {k: [v[m].mean() for m in MONTHS if m < len(v)] for k, v in stocks.items()},
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200, help="replicates of status_quo (default 200)")
    ap.add_argument("--scenario", default="status_quo")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter override, e.g. --set spin_up=48 --set measured_balance=true (repeatable)",
    )
    args = ap.parse_args(argv)
    overrides = parse_set("benchmarks.trap_balance", args.set)  # TOML values, as `county-sim run --set`
    seeds = [sim.replicate_seed(ROOT_SEED, r) for r in range(args.seeds)]
    m = measure(args.scenario, seeds, **overrides)
    change = m["change"]
    shown = "".join(f", {k} = {v}" for k, v in overrides.items())
    head = f"{args.scenario}{shown}, {len(seeds)} seeds from root {ROOT_SEED}, {m['steps']} months"
    print(f"{head} (model {sim.__version__})")
    print(
        f"change of real performance: mean {change.mean():+.4f}, SD {change.std():.4f}; "
        f"within 0.05 of month 0: {np.mean(np.abs(change) < 0.05):.1%} (pattern 1 asks 95%)"
    )
    rows = (
        ("mismatch (own level over months 30-120 minus month 0)", m["mismatch"]),
        ("fluctuation (month 120 minus own level)", m["fluctuation"]),
    )
    for label, x in rows:
        print(f"  {label:55s} mean {x.mean():+.4f}, SD {x.std():.4f}")
    print(f"  {'SD of real performance within a seed, months 30-120':55s} {m['within_sd'].mean():.4f}")
    r = np.corrcoef(change, m["listed0"])[0, 1]
    print(f"  correlation of the change with the month-0 listed burden: {r:+.2f}")
    print("stock (mean over seeds)          " + "  ".join(f"month {t:>3d}" for t in MONTHS))
    for name, values in m["stocks"].items():
        print(f"  {name:31s}" + "  ".join(f"{v:9.4f}" for v in values))


if __name__ == "__main__":
    main()

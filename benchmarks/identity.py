"""Fingerprint of every shipped scenario's runs: `python -m benchmarks.identity`.

A change meant to leave results alone (speed, refactoring; CHANGELOG "Results unchanged") must give
the same fingerprint before and after: run this on both commits and compare the last line. It
hashes, for every scenario in `scenarios/`, six seeds stepped together (every recorded column of
every month and every state array at the end), checks that a run alone equals its row in the batch,
and adds one `sim.evaluate` call. A few seconds; not a test (the fingerprint is only compared
across commits on one machine: another platform's libm may differ in the last bit). CI (.ci/run)
also compares it between its two Pythons on one machine, to know whether the statistical tests need
to run on both.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

import sim
from sim.model import make_engine

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
SEEDS = [sim.replicate_seed(7, r) for r in range(6)]


def fingerprint(name: str, total: hashlib._Hash) -> str:
    """Run scenario `name` on SEEDS; feed its numbers to `total`; return its own short hash."""
    sc = sim.load_scenario(name)
    engine = make_engine([sc] * len(SEEDS), SEEDS)
    for _ in range(engine.steps):
        engine.step()
    data = np.ascontiguousarray(engine.recorder.data[: engine.recorder.n])
    total.update(data.tobytes())
    for key, value in sorted(vars(engine.s).items()):
        if isinstance(value, np.ndarray):
            total.update(key.encode())
            total.update(np.ascontiguousarray(value).tobytes())
    alone = make_engine([sc], SEEDS[2:3])
    for _ in range(alone.steps):
        alone.step()
    if not np.array_equal(alone.recorder.data[: alone.recorder.n, 0], data[:, 2], equal_nan=True):
        raise SystemExit(f"{name}: a run alone differs from its row in a batch")
    return hashlib.sha256(data.tobytes()).hexdigest()[:12]


def main() -> None:
    total = hashlib.sha256()
    for path in sorted(SCENARIOS.glob("*.toml")):
        print(f"{path.stem:32s} {fingerprint(path.stem, total)}", flush=True)
    total.update(repr(sorted(sim.evaluate({"k_ME_DI": 0.3}, seed=11).items())).encode())
    print(f"{'all':32s} {total.hexdigest()}")


if __name__ == "__main__":
    main()

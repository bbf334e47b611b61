"""Model 2's compiled kernels against their plain-NumPy twins (ENGINEERING.md: a kernel is the one path
every run takes; the NumPy twin stays for the tests).

Each kernel does the same floating-point operations in the same order as its twin (sums in slot or
citizen order, as `np.bincount` adds), so the claim tested is the strongest one: whole runs are
bit-identical, over every recorded column and the final state, in scenarios that reach every branch
(events, ablations, the mean-field twin, couplings at 0, one department or leader, no word of mouth).
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.model import make_engine
from sim.model2 import engine as e2

BASE = sim.load_scenario("l_county", model_version=2)
CASES = {
    "l_county": BASE,
    "status_quo": sim.load_scenario("status_quo", model_version=2),
    "closed_channels": sim.load_scenario("closed_channels", model_version=2),
    "ablations": BASE.with_overrides(ablate_townships=True, ablate_task_force_targeting=True, ablate_role_models=True),
    "mean_field": BASE.with_overrides(mean_field=True),
    "couplings_off": BASE.with_overrides(k_CL_ME=0.0, k_GC_CL=0.0, k_GC_ME=0.0, k_DI_ME=0.0),
    "small_county": BASE.with_overrides(n_leaders=1, n_departments=4, n_cadres=8, n_citizens=40, n_townships=1),
    "no_word_of_mouth": BASE.with_overrides(citizen_ties=0, opinion_confidence=0.05),
    "busy_pool": BASE.with_overrides(problem_slots=60, cross_share=0.8),
}


def run_with(rules, sc: sim.Scenario, seeds: list[int], monkeypatch) -> tuple[np.ndarray, dict]:
    monkeypatch.setattr(e2.Engine2, "rules", rules)
    engine = make_engine([sc] * len(seeds), seeds, 60)
    for _ in range(engine.steps):
        engine.step()
    state = {k: v.copy() for k, v in vars(engine.s).items() if isinstance(v, np.ndarray)}
    return engine.recorder.data.copy(), state


def test_every_kernel_replaces_a_rule_of_the_step():
    assert e2.STEP_RULES != e2.NUMPY_RULES
    plain = {rule for _, rule in e2.NUMPY_RULES}
    assert set(e2.KERNELS) <= plain
    compiled = {rule for _, rule in e2.STEP_RULES}
    assert all(kernel in compiled for _, kernel in e2.KERNELS.values())


@pytest.mark.parametrize("case", sorted(CASES))
def test_kernels_give_the_numpy_twin_bit_for_bit(case, monkeypatch):
    sc = CASES[case]
    seeds = [sim.replicate_seed(11, r) for r in range(3)]
    data_np, state_np = run_with(e2.NUMPY_RULES, sc, seeds, monkeypatch)
    data_k, state_k = run_with(e2.STEP_RULES, sc, seeds, monkeypatch)
    np.testing.assert_array_equal(data_k, data_np)
    assert state_k.keys() == state_np.keys()
    for name in state_np:
        np.testing.assert_array_equal(state_k[name], state_np[name], err_msg=name)
    # the runs did something the kernels compute: problems were solved, citizens complained
    cols = dict(zip(e2.NAMES, range(len(e2.NAMES)), strict=True))
    assert data_k[1:, :, cols["problems_solved"]].sum() > 0


def test_newcomers_beyond_the_block_keep_a_run_alone_equal_to_the_run_in_a_batch():
    # brain_drain at its maximum takes about a tenth of 320 cadres a month, beyond the FRESH_SLOTS
    # newcomers the monthly block draws for, so the generator's own draws after the block are used
    from sim.model2.state import FRESH_SLOTS

    drained = BASE.with_overrides(brain_drain=0.2)
    seeds = [sim.replicate_seed(5, r) for r in range(3)]
    batch = make_engine([drained, BASE, drained], seeds, 24)
    alone = make_engine([drained], seeds[:1], 24)
    most = 0
    for _ in range(24):
        before = batch.s.cadre_tenure.copy()
        batch.step()
        alone.step()
        most = max(most, int(((batch.s.cadre_tenure == 1.0) & (before > 0)).sum(axis=1).max()))
    assert most > FRESH_SLOTS
    np.testing.assert_array_equal(alone.recorder.data[:, 0], batch.recorder.data[:, 0])
    np.testing.assert_array_equal(alone.s.cadre_motivation[0], batch.s.cadre_motivation[0])

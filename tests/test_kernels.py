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
from sim.model2 import adaptation_interaction as ai
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
    # helpers that rules of both paths call have their own twins: the NumPy path uses those
    twin = ai._argmax_in_dept_numpy if rules is e2.NUMPY_RULES else ai._argmax_in_dept_compiled
    monkeypatch.setattr(ai, "_argmax_in_dept", twin)
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


def test_poisson_counts_from_a_short_table_equal_the_full_table_row_by_row():
    # the table stops once every row's CDF passes its uniform; the count must equal the full
    # 0..MAX_NEW table's, and a row's count must not depend on the other rows (the batch)
    from scipy.special import gammaln

    from sim.model2 import problems as pb

    def full(mean, u):
        lam = np.maximum(mean, 1e-300)[..., None]
        cdf = np.cumsum(np.exp(pb._K * np.log(lam) - lam - gammaln(pb._K + 1.0)), axis=-1)
        exact = (cdf < u[..., None]).sum(axis=-1)
        big = np.rint(mean + np.sqrt(mean) * pb.ndtri(np.clip(u, 1e-12, 1 - 1e-12)))
        return np.where(exact > pb.MAX_NEW, np.maximum(big, pb.MAX_NEW + 1), exact)

    rng = np.random.default_rng(1)
    for trial in range(300):
        mean = rng.exponential(10 ** rng.uniform(-3, 2.3), (8, 6))
        u = rng.random((8, 6))
        u[0, 0] = 1 - 1e-15 if trial % 5 == 0 else u[0, 0]  # a row the short table cannot reach
        counts = pb._poisson_counts(mean, u)
        np.testing.assert_array_equal(counts, full(mean, u))
        np.testing.assert_array_equal(pb._poisson_counts(mean[3:4], u[3:4]), counts[3:4])


def test_campaigns_in_many_runs_at_once_equal_campaigns_run_by_run(monkeypatch):
    # leaders_campaigns rectifies every due run in one call; the plain way is one run after another
    from sim.model2 import events as ev

    def one_by_one(s, p, r):
        due = (
            (p.campaigns_follow_start[:, 0] > 0)
            & ~s.campaigns_done
            & s.launched
            & (s.diagnosed >= p.campaign_trigger[:, 0])
        )
        for b in np.flatnonzero(due):
            strength = float(p.campaign_strength[b, 0])
            ev.rectification(s, p, int(b), strength, r)
            ev.emancipation(s, p, int(b), strength, r)
            s.campaigns_done[b] = True

    plain = tuple((name, one_by_one if rule is ev.leaders_campaigns else rule) for name, rule in e2.STEP_RULES)
    seeds = [sim.replicate_seed(13, r) for r in range(6)]
    data_plain, state_plain = run_with(plain, BASE, seeds, monkeypatch)
    together = []  # how many runs each call of the batched path rectified
    batched = ev.rectify_runs

    def spy(s, p, runs, strengths, r):
        together.append(len(runs))
        return batched(s, p, runs, strengths, r)

    monkeypatch.setattr(ev, "rectify_runs", spy)
    data_fast, state_fast = run_with(e2.STEP_RULES, BASE, seeds, monkeypatch)
    assert max(together) >= 2  # some month rectified several runs in one call: the case under test
    np.testing.assert_array_equal(data_fast, data_plain)
    for name in state_plain:
        np.testing.assert_array_equal(state_fast[name], state_plain[name], err_msg=name)


def test_argmax_in_dept_kernel_equals_its_numpy_twin_with_ties():
    """Head appointments pick the first cadre with the best record or the longest tenure; tenure ties
    are the rule (cadres hired together), so ties must go to the first cadre on both paths."""
    rng = np.random.default_rng(5)
    for n_depts, n_cadres in ((16, 320), (4, 4), (5, 11), (4, 7)):
        engine = make_engine([BASE.with_overrides(n_departments=n_depts, n_cadres=n_cadres)] * 4, [1, 2, 3, 4], 1)
        s = engine.s
        for x in (
            rng.random((4, n_cadres)),
            rng.integers(0, 3, (4, n_cadres)).astype(float),  # many ties
            np.zeros((4, n_cadres)),  # all tied: the department's first cadre
        ):
            got = ai._argmax_in_dept_compiled(s, x)
            want = ai._argmax_in_dept_numpy(s, x)
            np.testing.assert_array_equal(got, want)
            assert got.dtype == want.dtype
        np.testing.assert_array_equal(
            ai._argmax_in_dept_compiled(s, np.zeros((4, n_cadres))), np.tile(s.dept_start, (4, 1))
        )


@pytest.mark.parametrize("case", ["l_county", "staggered", "small_county", "short_terms"])
def test_successors_at_a_terms_end_equal_new_leaders_one_by_one(case, monkeypatch):
    """A term's end replaces many leaders of many runs in one month, at once (`events.successors`); one
    by one through `new_leader` (its twin) must give the same runs bit for bit: joint and staggered
    terms, a one-leader county (whose top leader supervises every department), terms of two years."""
    from sim.model2 import events as ev

    sc = {
        "l_county": BASE,
        "staggered": BASE.with_overrides(stagger_terms=True),
        "small_county": CASES["small_county"],
        "short_terms": BASE.with_overrides(term_length=24),
    }[case]

    def one_by_one(s, p, r, due, outgoing):
        for b, leader in due:
            ev.new_leader(
                s, p, int(b), int(leader), float(p.successor_resolve[b, 0]), float(outgoing[b]),
                ev.SUCCESSOR_COLLABORATION, r, 1.0 - ev.FADE,
            )  # fmt: skip

    seeds = [sim.replicate_seed(3, r) for r in range(4)]

    def run(successors):
        monkeypatch.setattr(ev, "successors", successors)
        engine = make_engine([sc] * len(seeds), seeds, 80)
        for _ in range(engine.steps):
            engine.step()
        return engine.recorder.data.copy(), {
            k: v.copy() for k, v in vars(engine.s).items() if isinstance(v, np.ndarray)
        }

    real = ev.successors
    data_a, state_a = run(real)
    data_b, state_b = run(one_by_one)
    np.testing.assert_array_equal(data_a, data_b)
    for name in state_a:
        np.testing.assert_array_equal(state_a[name], state_b[name], err_msg=name)
    assert (state_a["leader_tenure"] < 80).any()  # someone was replaced within the 80 months


def test_a_terms_end_in_a_batch_mixing_the_top_leader_ablation_equals_each_run_alone():
    """When any run due a successor has the top-leader ablation on, the whole month's successors go
    one by one (`term_turnover`'s loop, which re-averages after each); each run of such a mixed batch
    must still equal the same run alone, ablated or not."""
    ablated = BASE.with_overrides(ablate_top_leader=True)
    scs, seeds = [ablated, BASE, ablated, BASE], [sim.replicate_seed(9, r) for r in range(4)]
    batch = make_engine(scs, seeds, 70)
    for _ in range(batch.steps):
        batch.step()
    for i, (sc, seed) in enumerate(zip(scs, seeds, strict=True)):
        alone = make_engine([sc], [seed], 70)
        for _ in range(alone.steps):
            alone.step()
        np.testing.assert_array_equal(alone.recorder.data[:, 0], batch.recorder.data[:, i])
    assert (batch.s.leader_tenure < 70).all()  # every leader was replaced at the term's end (month 60)


def test_neighbours_kernel_equals_its_numpy_twin():
    """Word-of-mouth ties: the compiled kernel against the NumPy expression it replaced, on townships
    of one citizen (the tie falls back to oneself), of unequal sizes, one township (no cross ties) and
    every tie crossing; integer results, so equal means equal."""
    from sim.model2.kernels import neighbours
    from sim.model2.state import neighbours_numpy
    from sim.state import blocks

    rng = np.random.default_rng(9)
    for C, T, k, cross_share in ((1000, 10, 6, 0.2), (7, 7, 3, 0.5), (13, 4, 5, 1.0), (40, 1, 4, 0.5), (9, 3, 2, 0.0)):
        township = blocks(C, T).astype(np.intp)
        start = np.searchsorted(township, np.arange(T))
        size = np.bincount(township, minlength=T).astype(np.intp)
        uu = rng.random((3, C, k))
        cross = rng.random((3, C, k)) < cross_share
        got = np.empty((3, C, k), dtype=np.intp)
        neighbours(uu, cross, township, start, size, T > 1, got)
        want = neighbours_numpy(uu, cross, township, start, size, T > 1)
        np.testing.assert_array_equal(got, want)
        own = township[got] == township[None, :, None]
        assert own[~cross].all() or T == 1  # a tie that does not cross stays in the township


def test_fresh_values_equal_fresh_uniforms_at_the_posts_including_beyond_the_block():
    """Newcomers' uniforms: the kernel path (`fresh_values`) against `fresh_uniforms`, its twin, with
    runs that lose no cadre, a few, and more than the block's slots in one month (those draw from the
    run's own generator, in post order, on both paths)."""
    from sim.model2.state import FRESH, FRESH_SLOTS
    from sim.state import Rand

    B, N = 4, 60
    gone = np.zeros((B, N), dtype=bool)
    gone[1, [3, 17, 40]] = True
    gone[2, ::2] = True  # 30 leavers: 14 beyond the slots
    gone[3, 5 : 5 + FRESH_SLOTS + 1] = True  # one beyond
    block = np.random.default_rng(1).random((B, len(FRESH), FRESH_SLOTS))

    def rand():
        r = Rand([np.random.default_rng(100 + b) for b in range(B)])
        r.u["fresh"] = block
        return r

    b_idx, n_idx = np.nonzero(gone)
    got = ai.fresh_values(rand(), gone, b_idx, n_idx)
    want = ai.fresh_uniforms(rand(), gone)
    for i, key in enumerate(FRESH):
        np.testing.assert_array_equal(got[i], want[key][b_idx, n_idx], err_msg=key)
    assert (got[:, b_idx == 2] != 0).all()


def test_pairwise_sums_equal_numpys_sums_bit_for_bit():
    """Kernels that replace a NumPy reduction must add in NumPy's order: `np.sum` over a contiguous
    axis is pairwise (eight accumulators, halves beyond 128 terms), `np.add.reduceat` starts from a
    segment's first element. Lengths around every branch (7, 8, 9, 128, 129, ...) and magnitudes over
    six orders, where a different order changes the last bits."""
    from sim.model2.kernels import row_sum, segment_sum

    rng = np.random.default_rng(3)
    lengths = [*range(1, 40), 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 4099]
    for n in lengths:
        for _ in range(5):
            x = rng.random(n) * 10.0 ** rng.integers(-3, 3, n)
            assert row_sum(x, 0, n) == x.sum(), n
            X = x.reshape(1, n)
            start = np.array([0, n // 3, n // 2]) if n >= 3 else np.array([0])
            start = np.unique(start)
            want = np.add.reduceat(X, start, axis=1)[0]
            ends = [*start[1:], n]
            got = [segment_sum(x, lo, hi - lo) for lo, hi in zip(start, ends, strict=True)]
            np.testing.assert_array_equal(got, want)
    x = rng.random(100) * 10.0 ** rng.integers(-3, 3, 100)
    assert sum(x) != x.sum()  # the sequential order differs: the test can tell the two apart


def test_engage_kernel_equals_numpy_in_a_batch_it_serves():
    """The bit-for-bit cases run batches of 3, which take engage's kernel; a large batch takes NumPy
    (ENGAGE_KERNEL_BATCH): both paths must give each run the same numbers as the run alone."""
    from sim.model2 import management_execution as me

    assert me.ENGAGE_KERNEL_BATCH >= 3  # the cases above exercise the kernel
    seeds = [sim.replicate_seed(5, r) for r in range(me.ENGAGE_KERNEL_BATCH + 1)]
    big = make_engine([BASE] * len(seeds), seeds, 24)
    alone = make_engine([BASE], seeds[:1], 24)
    for _ in range(24):
        big.step()
        alone.step()
    np.testing.assert_array_equal(big.recorder.data[:, 0], alone.recorder.data[:, 0])

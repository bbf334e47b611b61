"""Model 1's rules (`model_version = 1`; docs/ODD_model1.md), kept unchanged so that results made
before the cut-over to Model 2 (issue 10) can be reproduced exactly. One module per subsystem, plus
citizens, events and turnover.

Each rule is a function `rule(s, p, r)` over the whole batch: `s` the `State`, `p` the `Pars`,
`r` the per-run random generators. Rules read the subsystem levels computed at the end of the
previous step (`s.levels`). docs/MODEL.md §2 (principle 1) forbids exactly this (levels are read-outs that no rule
reads, and couplings are channels between agent processes); it is why Model 2 (`sim/model2/`, the
default engine) replaced these rules. No Model 2 rule reads a level:
`tests/test_model2.py::test_levels_are_read_outs_that_no_rule_reads` fills them with NaN and finds
every other output unchanged; the only rules Model 2 borrows from here are `turnover.EVENT_RULES`'
generic lever, channel and resource-shock kinds, none of which reads a level. Do not build on these
rules; change Model 2.
"""

import numpy as np

LEVEL = {"DI": 0, "CL": 1, "GC": 2, "ME": 3, "AI": 4}


def level(s, name: str) -> np.ndarray:
    """A subsystem level as a (B, 1) column."""
    return s.levels[:, LEVEL[name], None]


# A run must give the same bits alone or inside a batch. So reductions are row-wise sums over
# C-ordered arrays, never matrix products (BLAS may add in another order for another batch size),
# and gathers use np.take(..., axis=1), which keeps rows contiguous where x[:, idx] would not.


def leaders_mean(s, x: np.ndarray) -> np.ndarray:
    """Leadership-team mean with the top leader weighted most (paper §3(四)), shape (B, 1)."""
    return (x * s.leader_weight).sum(axis=1, keepdims=True)


def domain_mean(s, x: np.ndarray) -> np.ndarray:
    """Mean of a department attribute within each policy domain, shape (B, 4)."""
    return np.add.reduceat(np.take(x, s.domain_order, axis=1), s.domain_start, axis=1) / s.domain_size


def dept_mean(s, x: np.ndarray) -> np.ndarray:
    """Mean of a cadre attribute within each department, shape (B, J)."""
    return np.add.reduceat(x, s.dept_start, axis=1) / s.dept_size


def col(x: np.ndarray) -> np.ndarray:
    """A per-run vector (B,) as a (B, 1) column."""
    return x[:, None]


def fault_tolerance_effective(s, p) -> np.ndarray:
    """Fault tolerance protects only once the incentive platform exists (paper §3(二) 激励平台), (B, 1)."""
    return p.fault_tolerance * (0.3 + 0.7 * col(s.action_base))


def overall(weights: np.ndarray, perf: np.ndarray) -> np.ndarray:
    """Overall performance as a weighted mean over domains, shape (B,)."""
    return (weights * perf).sum(axis=1) / weights.sum(axis=1)

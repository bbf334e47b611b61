"""Pattern 8's ablations and the mean-field twin (docs/MODEL.md §7): the same engine with one kind of
individuality switched off, run on common seeds beside the full model by `county-sim ablate`.

Each switch is a registry parameter read per run, so an ablated run and the full one can share a
batch and their random streams. Where a switch acts: `ablate_top_leader` here (at the start and
whenever a leader changes); `ablate_role_models` in `management_execution.cadres`;
`ablate_task_force_targeting` in `coordination_linkage.convene`; `ablate_townships` in the citizens'
listing hazards and in the exposure of closures on paper; `mean_field` here (every month), in
`drive_input.attention` (portfolios pooled), `problems.list_new` (mean difficulty) and
`readout.performance` (townships pooled).
"""

from __future__ import annotations

import numpy as np

#: what the mean-field twin averages every month: (state array, axis of the agents)
MEAN_FIELD_ARRAYS: tuple[str, ...] = (
    "leader_disposition",
    "leader_resolve",
    "leader_public_value",
    "leader_collaboration",
    "leader_vision",
    "dept_capacity",
    "dept_silo",
    "dept_practices",
    "dept_rules",
    "dept_budget_share",
    "cadre_motivation",
    "cadre_base_motivation",
    "cadre_competence",
    "cadre_discipline",
    "cadre_base_discipline",
    "cadre_blame_fear",
    "cadre_base_blame_fear",
    "cadre_public_value",
    "cadre_threshold",
    "cadre_base_threshold",
    "cadre_record",
    "citizen_expectation",
    "citizen_satisfaction",
    "citizen_trust",
    "citizen_voice_propensity",
    "citizen_participation_propensity",
)
TOP_LEADER_ARRAYS: tuple[str, ...] = (
    "leader_disposition",
    "leader_resolve",
    "leader_public_value",
    "leader_collaboration",
    "leader_vision",
)


def rows(p, name: str) -> np.ndarray:
    """The runs of the batch whose switch `name` is on, shape (B,)."""
    return getattr(p, name)[:, 0] > 0


def top_leader_at_mean(s, p, only: int | None = None) -> None:
    """Ablation (一把手): the top leader's resolve, values, skill and vision become the team's mean."""
    on = rows(p, "ablate_top_leader")
    if only is not None:
        on = on & (np.arange(s.B) == only)
    if not on.any() or s.L == 1:
        return
    for name in TOP_LEADER_ARRAYS:
        x = getattr(s, name)
        x[on, 0] = x[on].mean(axis=1)


def homogenise(s, p) -> None:
    """The mean-field twin: every agent attribute of the switched runs replaced by its mean over the
    agents of that run; ties by complete mixing at the mean tie; citizens' needs by the mean need."""
    on = rows(p, "mean_field")
    if not on.any():
        return
    for name in MEAN_FIELD_ARRAYS:
        x = getattr(s, name)
        x[on] = x[on].mean(axis=1, keepdims=True)
    J = s.J
    off = ~np.eye(J, dtype=bool)
    mean_tie = s.dept_ties[on][:, off].mean(axis=1) if J > 1 else np.zeros(int(on.sum()))
    s.dept_ties[on] = np.where(off, mean_tie[:, None, None], 0.0)
    s.citizen_needs[on] = s.citizen_needs[on].mean(axis=1, keepdims=True)

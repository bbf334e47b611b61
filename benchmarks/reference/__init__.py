"""The reference implementation: county-sim's rules written the idiomatic Mesa way.

One `mesa.Agent` per leader, department, cadre and citizen with plain attributes; each rule of
`sim.model.STEP_RULES` is a model method that computes what is county-wide once and then lets the
agents act (`AgentSet.shuffle_do`), reading only what the vectorised rule reads; the measures are
Mesa `DataCollector` model reporters. It shares with `sim` only the scenario registry and the pure
functions of the outputs (`sim.record.summarise`, `sim.trajectory.coupling_degree`), so that
docking (tests/test_docking.py) tests the agent rules and not a copy of them.

    from benchmarks.reference import run_reference
    summary = run_reference("l_county", seed=1)  # the keys of sim.SUMMARY_COLUMNS
"""

from .agents import Cadre, Citizen, Department, Leader
from .model import RULES, ReferenceModel, run_reference

__all__ = ["RULES", "Cadre", "Citizen", "Department", "Leader", "ReferenceModel", "run_reference"]

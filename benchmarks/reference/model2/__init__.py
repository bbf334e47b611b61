"""The reference implementation of Model 2: docs/ODD.md written the idiomatic Mesa way.

One `mesa.Agent` per leader, department, cadre and citizen with plain attributes; problems are plain
objects in the county's pool of slots; county-level state lives on the model. Each rule of the month
(docs/ODD.md §3, the order of `sim.model2.engine.NUMPY_RULES`) is a model method that computes
what is county-wide once and then lets the agents act (`AgentSet.shuffle_do`); the measures are Mesa
`DataCollector` model reporters. It shares with `sim` only the scenario registry and the pure
functions of the outputs (`sim.model2.readout.classify` and its column names, `sim.record.summarise`,
`sim.trajectory.coupling_degree`), so that docking (tests/test_docking2.py) tests the agent rules and
not a copy of them.

    from benchmarks.reference.model2 import run_reference2
    summary = run_reference2("l_county", seed=1)  # the summary row of a Model 2 run
"""

from .agents import Cadre, Citizen, Department, Leader, Problem
from .model import RULES, ReferenceModel2, run_reference2

__all__ = ["RULES", "Cadre", "Citizen", "Department", "Leader", "Problem", "ReferenceModel2", "run_reference2"]

"""county-sim: an agent-based model of how an underdeveloped county government escapes a
low-performance trap (Bao Guoxian & Liu Ying 2025, the practice of L County)."""

from .evaluate import evaluate, evaluate_many
from .model import CountyModel, Engine, replicate_seed
from .params import COUPLINGS, DOMAINS, PARAMS, SUBSYSTEMS
from .record import MEASURES, SUMMARY_COLUMNS, RunResult
from .runner import iter_replicates, run, run_batch, run_replicates
from .scenario import Scenario, ScenarioError, load_scenario
from .trajectory import PHASES, classify, coupling_degree

__version__ = "0.4.5"

__all__ = [
    "COUPLINGS",
    "DOMAINS",
    "MEASURES",
    "PARAMS",
    "PHASES",
    "SUBSYSTEMS",
    "SUMMARY_COLUMNS",
    "CountyModel",
    "Engine",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "classify",
    "coupling_degree",
    "evaluate",
    "evaluate_many",
    "iter_replicates",
    "load_scenario",
    "replicate_seed",
    "run",
    "run_batch",
    "run_replicates",
]

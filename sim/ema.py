"""county-sim as a model of the EMA Workbench (Kwakkel 2017, *Environmental Modelling & Software* 96),
the exploratory modelling toolkit researchers use for scenario discovery (issue 12). Optional: it
needs `pip install 'county-sim[ema]'`.

    from ema_workbench import perform_experiments
    from sim.ema import BatchEvaluator, county_model

    model = county_model()                    # the ten couplings as uncertainties, the summary as outcomes
    with BatchEvaluator(model) as evaluator:  # every experiment of a call stepped together
        experiments, outcomes = evaluator.perform_experiments(scenarios=500)

What comes from the registry: each uncertainty or lever is a `RealParameter` (or `IntegerParameter`,
`BooleanParameter`) over the parameter's registry range unless a narrower one is given; outcomes are
`ScalarOutcome`s of the summary's numeric columns (a phase never reached is NaN, `sustained` is 0 or
1), each with its meaning from `sim.columns`. A name the chosen engine does not read is refused.

Seeds (the convention of `sim.evaluate`): a run is fixed by its parameters and its seed. Every
experiment runs with the model's `seed` constant (default 0), so experiments are compared on common
random numbers and the batch evaluator, EMA's sequential one and EMA's multiprocessing one give the
same numbers. To sample replicate noise as one more uncertainty, add `IntegerParameter("seed", 0,
2**31 - 1)` to the model's uncertainties: the seed then comes from the experiment.

`BatchEvaluator` hands every experiment of a `perform_experiments` call to `sim.evaluate_many` (the
batched engine, in chunks of 256 runs) instead of calling the model function once per experiment;
it gives exactly what EMA's `SequentialEvaluator` gives with the same model, at the sweep's rate.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .evaluate import evaluate, evaluate_many
from .params import COUPLINGS, PARAMS
from .record import SUMMARY_COLUMNS, SUMMARY_EXTRA
from .scenario import Scenario, ScenarioError, load_scenario

try:  # the adapter is optional; everything else in county-sim runs without EMA
    with warnings.catch_warnings():  # EMA warns at import about its optional ipyparallel evaluator
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        import ema_workbench
    from ema_workbench import (
        BooleanParameter,
        Constant,
        IntegerParameter,
        Model,
        RealParameter,
        ScalarOutcome,
    )
    from ema_workbench.em_framework.evaluators import BaseEvaluator
except ImportError as e:  # pragma: no cover - exercised only where EMA is missing
    raise ImportError(
        "sim.ema needs the EMA Workbench: pip install 'county-sim[ema]' (or pip install ema-workbench)"
    ) from e

#: EMA 2.x (Python 3.11) and 3.x (Python 3.12+) differ in two places this adapter touches: how an
#: evaluator receives its experiments, and the name of a point in parameter space
EMA_MAJOR = int(ema_workbench.__version__.split(".")[0])
if EMA_MAJOR >= 3:
    from ema_workbench import Sample as Point
else:  # pragma: no cover - exercised on the Python that gets EMA 2.x
    from ema_workbench.em_framework.points import Scenario as Point
    from ema_workbench.em_framework.points import experiment_generator

#: the summary's numeric outcomes, in the order of summary.csv (the `seed` column is an input)
OUTCOMES: tuple[str, ...] = tuple(c for c in (*SUMMARY_COLUMNS, *SUMMARY_EXTRA) if c not in ("seed",))
DEFAULT_OUTCOMES: tuple[str, ...] = (
    "sustained",
    "trajectory_score",
    "final_real_performance",
    "final_satisfaction",
    "gap_closure",
    "t_start",
    "t_deliver",
)


def parameter(name: str, low: float | None = None, high: float | None = None):
    """The EMA parameter for registry parameter `name`, over [low, high] (default: its registry range)."""
    if name == "seed":
        return IntegerParameter("seed", 0 if low is None else int(low), 2**31 - 1 if high is None else int(high))
    if name not in PARAMS:
        raise ScenarioError(f"sim.ema: unknown parameter '{name}'; `county-sim params` lists them")
    p = PARAMS[name]
    lo = p.low if low is None else low
    hi = p.high if high is None else high
    if not (p.low <= lo < hi <= p.high):
        raise ScenarioError(f"sim.ema: '{name}' range must lie within [{p.low}, {p.high}] (got [{lo}, {hi}])")
    if p.kind == "bool":
        return BooleanParameter(name)
    if p.kind == "int":
        return IntegerParameter(name, int(lo), int(hi))
    return RealParameter(name, float(lo), float(hi))


def _parameters(spec: Iterable[str] | Mapping[str, tuple[float, float]] | None) -> list:
    if spec is None:
        return []
    if isinstance(spec, Mapping):
        return [parameter(n, *bounds) for n, bounds in spec.items()]
    return [parameter(n) for n in spec]


def county_model(
    name: str = "county",
    scenario: Scenario | str = "l_county",
    uncertainties: Iterable[str] | Mapping[str, tuple[float, float]] | None = COUPLINGS,
    levers: Iterable[str] | Mapping[str, tuple[float, float]] | None = None,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    seed: int = 0,
    steps: int | None = None,
) -> Model:
    """An EMA `Model` of `scenario`: `uncertainties` and `levers` are registry names (or name ->
    (low, high)), `outcomes` summary columns; every experiment runs with `seed` unless `seed` is
    itself an uncertainty. Its function is `sim.evaluate`, so any EMA evaluator can run it."""
    base = load_scenario(scenario) if isinstance(scenario, str) else scenario
    for o in outcomes:
        if o not in OUTCOMES:
            raise ScenarioError(f"sim.ema: unknown outcome '{o}'; allowed: {', '.join(OUTCOMES)}")

    def run(**values: Any) -> dict[str, float]:
        run_seed = int(values.pop("seed", seed))
        return evaluate(values, seed=run_seed, scenario=base, steps=steps)

    model = Model(name, function=run)
    model.uncertainties = _parameters(uncertainties)
    model.levers = _parameters(levers)
    model.outcomes = [ScalarOutcome(o, kind=ScalarOutcome.INFO) for o in outcomes]
    varied = {p.name for p in [*model.uncertainties, *model.levers]}
    model.constants = [] if "seed" in varied else [Constant("seed", int(seed))]  # EMA refuses a name twice
    engine = int(base.params["model_version"])
    for p in [*model.uncertainties, *model.levers]:  # refuse what this engine does not read, now
        if p.name != "seed" and engine not in PARAMS[p.name].models:
            raise ScenarioError(f"sim.ema: '{p.name}' is not read by model_version {engine}")
    model.county_scenario = base  # what BatchEvaluator runs
    model.county_steps = steps
    return model


def _outcome_values(outcomes, result: Mapping[str, Any]) -> dict[str, Any]:
    """EMA's own mapping of a run's output to its outcomes (as `AbstractModel.outcomes_output`)."""
    return {o.name: o.process([result[var] for var in o.variable_name]) for o in outcomes}


class BatchEvaluator(BaseEvaluator):
    """An EMA evaluator that runs every experiment of a call on county-sim's batched engine
    (`sim.evaluate_many`), for models made by `county_model`; the numbers are those of EMA's
    `SequentialEvaluator` with the same model."""

    def initialize(self) -> None:
        for model in self._msis:
            if not hasattr(model, "county_scenario"):
                raise TypeError(f"BatchEvaluator runs models made by sim.ema.county_model (got {model.name!r})")

    def finalize(self) -> None:
        pass

    def evaluate_experiments(self, *args, **kwargs) -> None:
        """EMA 3.x: (experiments, callback); EMA 2.x: (scenarios, policies, callback, combine)."""
        if EMA_MAJOR >= 3:
            experiments, callback = _arguments(args, kwargs, ("experiments", "callback"))
        else:  # pragma: no cover - exercised on the Python that gets EMA 2.x
            scenarios, policies, callback = _arguments(args, kwargs, ("scenarios", "policies", "callback"))
            combine = kwargs.get("combine", args[3] if len(args) > 3 else "factorial")
            experiments = experiment_generator(scenarios, self._msis, policies, combine=combine)
        experiments = list(experiments)
        models = {m.name: m for m in self._msis}
        for name, model in models.items():
            mine = [e for e in experiments if e.model_name == name]
            if not mine:
                continue
            constants = {c.name: c.value for c in model.constants}
            rows, seeds = [], []
            for e in mine:
                values = {**constants, **dict(e.scenario), **dict(e.policy)}
                seeds.append(int(values.pop("seed")))
                rows.append(values)
            results = evaluate_many(rows, seeds, scenario=model.county_scenario, steps=model.county_steps)
            for e, result in zip(mine, results, strict=True):
                callback(e, _outcome_values(model.outcomes, result))


def _arguments(args: tuple, kwargs: dict, names: tuple[str, ...]) -> tuple:
    """The named arguments of a call, positional or by keyword."""
    return tuple(args[i] if i < len(args) else kwargs[name] for i, name in enumerate(names))


def points(values: Sequence[Mapping[str, float]]) -> list:
    """EMA points (scenarios or policies) for explicit values, named 0, 1, ... (EMA 2.x calls them
    Scenario, 3.x Sample)."""
    return [Point(name=str(i), **dict(v)) for i, v in enumerate(values)]

"""Policy files and variant specifications: what `county-sim compare` is asked to compare.

A policy file is a TOML file of scheduled interventions and, optionally, parameter overrides:

    name = "hotline_year_earlier"           # defaults to the file name
    description = "..."                     # one line, shown in the report
    paper = "§3(一) ..."                    # the passage it represents
    question = "What if ...?"               # the report's question (optional)
    description_zh = "..."                  # optional Chinese versions for --lang zh
    question_zh = "..."
    [params]                                # overrides applied to the scenario (optional)
    channel_openness = 0.1
    [[interventions]]                       # any kind of `county-sim interventions`
    month = 1
    kind = "open_channel"
    openness = 0.7

A variant is written `[LABEL=]SCENARIO[+POLICY ...][:KEY=VALUE[,KEY=VALUE ...]]`:

    l_county                                   the scenario as it is
    l_county+what_if/hotline_year_earlier      plus a policy (a file, or a name under scenarios/)
    l_county+a.toml+b.toml                     policies apply in order
    l_county:fault_tolerance=0.1,training=0.8  with parameter overrides (TOML values)
    "no fault tolerance=l_county:fault_tolerance=0.1"   with a label for tables and figures
    +what_if/learning_visits  or  :k_ME_DI=0    (an ALT only) the BASE as written, plus this

Overrides apply in this order: the scenario file, each policy's [params], `--set` (every variant),
the variant's own `:KEY=VALUE`. Every piece is validated like a scenario key before anything runs.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..scenario import (
    MAX_STEPS,
    SCENARIO_DIR,
    Event,
    Problems,
    Scenario,
    ScenarioError,
    _check_param,
    load_scenario,
    parse_schedule,
    parse_set,
    suggest,
)

POLICY_KEYS: tuple[str, ...] = (
    "name",
    "description",
    "description_zh",
    "paper",
    "question",
    "question_zh",
    "params",
    "interventions",
)
WHAT_IF_DIR = SCENARIO_DIR / "what_if"
_LABEL = re.compile(r"^([^:+=/\\]+)=(.+)$")


@dataclass(frozen=True)
class Policy:
    """A policy file: interventions to schedule and parameter overrides, with its provenance."""

    name: str
    path: str
    description: str = ""
    paper: str = ""
    question: str = ""
    description_zh: str = ""
    question_zh: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    events: tuple[Event, ...] = ()


@dataclass(frozen=True)
class Variant:
    """One column of a comparison: a label, the specification as typed, and the scenario it builds."""

    label: str
    spec: str
    scenario: Scenario
    policies: tuple[Policy, ...] = ()
    overrides: dict[str, Any] = field(default_factory=dict)
    added: tuple[Event, ...] = ()  # events this variant schedules that the base does not
    removed: tuple[Event, ...] = ()  # events the base schedules that this variant does not

    def describe(self, lang: str = "en") -> str:
        """What the variant is: its policies' descriptions (Chinese ones with lang zh, where given),
        else its scenario's."""
        texts = [(p.description_zh or p.description) if lang == "zh" else p.description for p in self.policies]
        return "; ".join(t for t in texts if t) or self.scenario.description


def known_policies() -> list[str]:
    """Names of the shipped policy files, as written after '+' (e.g. what_if/hotline_year_earlier)."""
    return sorted(f"what_if/{p.stem}" for p in WHAT_IF_DIR.glob("*.toml"))


def resolve_policy(token: str) -> Path:
    """A policy file from a path, or a name relative to scenarios/ (`what_if/learning_visits`)."""
    p = Path(token)
    candidates = [p] if p.suffix == ".toml" else [p, Path(f"{token}.toml")]
    candidates += [SCENARIO_DIR / c for c in candidates if not c.is_absolute()]
    for c in candidates:
        if c.is_file():
            return c
    known = known_policies()
    raise ScenarioError(
        f"{token}: policy file not found (looked for {token}.toml here and under scenarios/)."
        f" Shipped policies: {', '.join(known)}.{suggest(token, known)}"
    )


def load_policy(token: str | Path) -> Policy:
    """Load and validate a policy file; every error is one line naming the file and the key."""
    path = resolve_policy(str(token))
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ScenarioError(f"{where}: cannot read file ({e.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ScenarioError(f"{where}: not valid TOML ({e})") from None
    problems = Problems()
    for key in data:
        if key not in POLICY_KEYS:
            if key == "events":
                hint = " A policy schedules its items under [[interventions]]."
            elif key == "steps":
                hint = " Variants share the scenario's horizon; use --steps to change it."
            else:
                hint = suggest(key, POLICY_KEYS)
            problems.messages.append(
                f"{where}: unknown top-level key '{key}' in a policy file; allowed: {', '.join(POLICY_KEYS)}.{hint}"
            )
    for key in ("name", "description", "description_zh", "paper", "question", "question_zh"):
        if key in data and not isinstance(data[key], str):
            problems.messages.append(f"{where}: key '{key}' must be a string")
    params = data.get("params", {})
    if not isinstance(params, dict):
        problems.messages.append(f"{where}: key 'params' must be a table of parameter = value")
        params = {}
    if "steps" in params:
        problems.messages.append(f"{where}: key 'params.steps': a policy may not change the horizon; use --steps")
    checked = {key: problems.check(_check_param, where, key, value) for key, value in params.items() if key != "steps"}
    events = problems.check(
        parse_schedule, where, data.get("interventions", []), MAX_STEPS, "interventions", default=[]
    )
    problems.done()
    if not events and not checked:
        raise ScenarioError(f"{where}: a policy needs at least one [[interventions]] entry or a [params] table")
    return Policy(
        name=data.get("name", path.stem),
        path=where,
        description=data.get("description", ""),
        paper=data.get("paper", ""),
        question=data.get("question", ""),
        description_zh=data.get("description_zh", ""),
        question_zh=data.get("question_zh", ""),
        params=checked,
        events=tuple(events),
    )


def apply_policy(scenario: Scenario, policy: Policy) -> Scenario:
    """The scenario with the policy's parameter overrides and interventions (checked on its horizon)."""
    if policy.params:
        scenario = scenario.with_overrides(where=policy.path, **policy.params)
    if policy.events:
        scenario = scenario.with_interventions(policy.events, where=policy.path)
    return scenario


@dataclass(frozen=True)
class Spec:
    """A parsed variant specification (see the module docstring)."""

    text: str
    label: str | None
    scenario: str | None  # None: relative to the base (`+policy` or `:k=v`)
    policies: tuple[str, ...]
    overrides: dict[str, Any]


def parse_spec(text: str) -> Spec:
    """Split `[LABEL=]SCENARIO[+POLICY ...][:KEY=VALUE,...]` into its parts (no files are read)."""
    where = f"variant '{text}'"
    label = None
    body = text.strip()
    m = _LABEL.match(body)
    if m:
        label, body = m.group(1).strip(), m.group(2).strip()
        if not label:
            raise ScenarioError(f"{where}: the label before '=' is empty")
    head, sep, tail = body.partition(":")
    overrides: dict[str, Any] = {}
    if sep:
        items = [x for x in tail.split(",") if x.strip()]
        if not items:
            raise ScenarioError(f"{where}: nothing after ':'; write KEY=VALUE[,KEY=VALUE ...]")
        overrides = parse_set(where, items)
    parts = head.split("+")
    scenario = parts[0].strip() or None
    policies = tuple(x.strip() for x in parts[1:])
    if any(not x for x in policies):
        raise ScenarioError(f"{where}: an empty policy name after '+'")
    if scenario is None and not policies and not overrides:
        raise ScenarioError(f"{where}: empty; write a scenario name or file, e.g. l_county")
    return Spec(text, label, scenario, policies, overrides)


def _auto_label(scenario: str, policies: list[Policy], overrides: dict[str, Any]) -> str:
    label = Path(scenario).stem + "".join(f"+{p.name}" for p in policies)
    if overrides:
        label += ":" + ",".join(f"{k}={v}" for k, v in overrides.items())
    return label


def _load_base(spec: Spec, steps: int | None) -> Scenario:
    """The spec's scenario; a policy file given in its place gets a message saying where it goes."""
    assert spec.scenario is not None
    try:
        return load_scenario(spec.scenario) if steps is None else load_scenario(spec.scenario, steps=steps)
    except ScenarioError as e:
        try:
            load_policy(spec.scenario)
        except ScenarioError:
            raise e from None
        raise ScenarioError(
            f"variant '{spec.text}': '{spec.scenario}' is a policy file, not a scenario;"
            f" put it after a scenario, e.g. l_county+{spec.scenario}"
        ) from None


def build_variant(
    spec: Spec,
    base: Spec | None = None,
    sets: dict[str, Any] | None = None,
    steps: int | None = None,
) -> Variant:
    """Load the scenario and policies of a parsed spec and apply them (an ALT written `+...` or
    `:...` extends `base`)."""
    if spec.scenario is None:
        if base is None:
            raise ScenarioError(
                f"variant '{spec.text}': the base must name a scenario (only an ALT may start with '+' or ':')"
            )
        spec = Spec(
            spec.text,
            spec.label,
            base.scenario,
            base.policies + spec.policies,
            {**base.overrides, **spec.overrides},
        )
    scenario = _load_base(spec, steps)
    policies = [load_policy(tok) for tok in spec.policies]
    for pol in policies:
        scenario = apply_policy(scenario, pol)
    if sets:
        scenario = scenario.with_overrides(where="--set", **sets)
    if spec.overrides:
        scenario = scenario.with_overrides(where=f"variant '{spec.text}'", **spec.overrides)
    label = spec.label or _auto_label(spec.scenario or "", policies, spec.overrides)
    return Variant(label, spec.text, scenario, tuple(policies), dict(spec.overrides))


def build_variants(
    texts: list[str],
    sets: list[str] | dict[str, Any] | None = None,
    steps: int | None = None,
) -> list[Variant]:
    """The variants of a comparison, the first being the base: parsed, loaded, validated, labelled
    uniquely, sharing one horizon, each knowing the interventions it adds to the base."""
    if len(texts) < 1:
        raise ScenarioError("compare: name at least a BASE scenario")
    if isinstance(sets, list):
        sets = parse_set("--set", sets)
    specs = [parse_spec(t) for t in texts]
    variants = [
        build_variant(s, specs[0], sets, steps) if i else build_variant(s, None, sets, steps)
        for i, s in enumerate(specs)
    ]
    horizons = {v.scenario.steps for v in variants}
    if len(horizons) > 1:
        detail = ", ".join(f"'{v.label}' {v.scenario.steps}" for v in variants)
        raise ScenarioError(f"compare: variants must share one horizon (months: {detail}); pass --steps")
    seen: Counter[str] = Counter()
    out = []
    base_events = Counter(variants[0].scenario.events)
    for v in variants:
        seen[v.label] += 1
        label = v.label if seen[v.label] == 1 else f"{v.label} ({seen[v.label]})"
        mine = Counter(v.scenario.events)
        added = tuple(e for e in (mine - base_events).elements())
        removed = tuple(e for e in (base_events - mine).elements())
        out.append(Variant(label, v.spec, v.scenario, v.policies, v.overrides, added, removed))
    return out

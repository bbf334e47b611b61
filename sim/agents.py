"""Leader, Department, Cadre, Citizen: real `mesa.Agent` objects whose attributes are views onto
their row of the array state (ENGINEERING.md: structure of arrays, agents as views).

Reading `cadre.motivation` reads `model.engine.s.cadre_motivation[0, cadre.index]`; writing it writes
the array, so a teacher can click an agent in the app and a researcher can select agents with
Mesa's AgentSet while the rules stay vectorised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from .params import DOMAINS

if TYPE_CHECKING:
    from .model import CountyModel


def _view(array: str, kind: str = "float") -> property:
    def get(self):
        v = getattr(self.model.engine.s, array)[0, self.index]
        return int(v) if kind == "int" else float(v)

    def set_(self, value):
        getattr(self.model.engine.s, array)[0, self.index] = value

    return property(get, set_, doc=f"row view onto State.{array}")


class _Row(mesa.Agent):
    def __init__(self, model: CountyModel, index: int):
        super().__init__(model)
        self.index = index


class Leader(_Row):
    """A member of the county leadership team; index 0 is the top leader (一把手)."""

    resolve = _view("leader_resolve")
    vision = _view("leader_vision")
    public_value = _view("leader_public_value")
    collaboration = _view("leader_collaboration")
    months_in_office = _view("leader_tenure", "int")

    @property
    def is_top_leader(self) -> bool:
        return self.index == 0


class Department(_Row):
    """A functional bureau in one policy domain, tied to others by a weighted network."""

    capacity = _view("dept_capacity")
    budget_share = _view("dept_budget_share")
    silo = _view("dept_silo")
    responsibility_clarity = _view("dept_clarity")
    real_output = _view("dept_output")
    reported_output = _view("dept_reported")
    adopted_practices = _view("dept_practices")

    @property
    def domain(self) -> str:
        return DOMAINS[self.model.engine.s.dept_domain[self.index]]

    @property
    def ties(self) -> np.ndarray:
        return self.model.engine.s.dept_ties[0, self.index]


class Cadre(_Row):
    """A civil servant in one department."""

    motivation = _view("cadre_motivation")
    competence = _view("cadre_competence")
    discipline = _view("cadre_discipline")
    blame_fear = _view("cadre_blame_fear")
    public_value = _view("cadre_public_value")
    effort = _view("cadre_effort")

    @property
    def department(self) -> int:
        return int(self.model.engine.s.cadre_dept[self.index])


class Citizen(_Row):
    """A resident of one township, with need weights over the policy domains."""

    expectation = _view("citizen_expectation")
    satisfaction = _view("citizen_satisfaction")
    trust = _view("citizen_trust")
    voice_propensity = _view("citizen_voice_propensity")
    participation_propensity = _view("citizen_participation_propensity")

    @property
    def township(self) -> int:
        return int(self.model.engine.s.citizen_township[self.index])

    @property
    def needs(self) -> np.ndarray:
        return self.model.engine.s.citizen_needs[0, self.index]

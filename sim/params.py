"""Every model parameter in one typed place: default, range, unit, meaning, source.

The registry is the single source of truth for scenario validation, `county-sim params`,
the ODD glossary and (later) experiment designs. Paper references use the section numbers of
Bao & Liu (2025) as printed in Bao & Liu (2025), Journal of Lanzhou University (Social Sciences) 2025(4):
"§3(一)" is 三、(一), "§4(二)" is 四、(二), "§5" is 五、结论与展望.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["float", "int", "bool"]
Group = Literal["size", "lever", "condition", "coupling", "rate", "switch", "classifier"]

#: Policy domains; departments are assigned round-robin, citizens weigh them differently.
DOMAINS: tuple[str, ...] = ("economy", "public_services", "infrastructure", "administration")

#: The five subsystems, in the order their rules run each step (docs/MODEL.md §4).
SUBSYSTEMS: tuple[str, ...] = ("DI", "CL", "GC", "ME", "AI")
SUBSYSTEM_NAMES: dict[str, tuple[str, str]] = {
    "DI": ("drive–input", "驱动—投入"),
    "CL": ("coordination–linkage", "协同—联动"),
    "GC": ("guidance–change", "指引—变革"),
    "ME": ("management–execution", "管理—执行"),
    "AI": ("adaptation–interaction", "适应—互动"),
}

#: The ten named couplings of docs/MODEL.md §5 (Figure 4 of the paper).
COUPLINGS: tuple[str, ...] = (
    "k_DI_CL",
    "k_DI_ME",
    "k_CL_ME",
    "k_GC_ME",
    "k_GC_CL",
    "k_ME_DI",
    "k_ME_GC",
    "k_AI_DI",
    "k_AI_GC",
    "k_CL_AI",
)


@dataclass(frozen=True)
class Param:
    name: str
    default: float | int | bool
    low: float | int | None
    high: float | int | None
    kind: Kind
    group: Group
    unit: str
    meaning: str
    source: str
    zh: str = ""
    reason: str = ""  # why this value (Model 2 parameters)
    pattern: str = ""  # the pattern of docs/MODEL.md §7 that constrains it, if any
    models: tuple[int, ...] = (1, 2)  # the engines that read it (`model_version`)

    def check(self, value: object) -> str | None:
        """Return None if `value` is allowed, else a sentence saying what is allowed."""
        if self.kind == "bool":
            if not isinstance(value, bool):
                return f"must be true or false (got {value!r})"
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be a number in [{self.low}, {self.high}] (got {value!r})"
        if self.kind == "int" and not float(value).is_integer():
            return f"must be an integer in [{self.low}, {self.high}] (got {value!r})"
        if value != value or not (self.low <= value <= self.high):  # NaN fails too
            return f"must be in [{self.low}, {self.high}] {self.unit} (got {value!r})"
        return None

    def coerce(self, value: object) -> float | int | bool:
        if self.kind == "bool":
            return bool(value)
        if self.kind == "int":
            return int(value)  # type: ignore[arg-type]
        return float(value)  # type: ignore[arg-type]


def _p(name, default, low, high, kind, group, unit, meaning, source, zh="", *, reason: str = "", pattern: str = ""):
    """A parameter read by both engines, with the reason for its value."""
    return Param(name, default, low, high, kind, group, unit, meaning, source, zh, reason, pattern)


def _v1(name, default, low, high, kind, group, unit, meaning, source, zh="", *, reason: str = "", pattern: str = ""):
    """A parameter read only by Model 1 (`model_version = 1`), with the reason for its value."""
    return Param(name, default, low, high, kind, group, unit, meaning, source, zh, reason, pattern, models=(1,))


def _v2(name, default, low, high, group, unit, meaning, source, zh, reason, pattern="", kind="float"):
    """A parameter read only by Model 2 (`model_version = 2`), with the reason for its value."""
    return Param(name, default, low, high, kind, group, unit, meaning, source, zh, reason, pattern, (2,))


_LEVEL = "level 0–1"
_RATE = "per month"

_PARAMS: list[Param] = [
    # --- sizes -------------------------------------------------------------------------
    _p(
        "n_leaders",
        7,
        1,
        30,
        "int",
        "size",
        "agents",
        "county leadership team (top leader first)",
        "docs/MODEL.md §3; paper §3(四) 县委书记与领导班子",
        "领导班子",
        reason=(
            "hand-set to a small county leadership team (§3(四): the party secretary and the team); a "
            "real unit: a team of seven differs from a team of three (docs/MODEL.md §3)"
        ),
    ),
    _p(
        "n_departments",
        16,
        4,
        200,
        "int",
        "size",
        "agents",
        "functional bureaus, round-robin over 4 domains",
        "docs/MODEL.md §3; paper §3(四) 部门",
        "职能部门",
        reason=(
            "hand-set: four functional bureaus in each of the four domains; a real "
            "unit of the county, whose number changes the county (docs/MODEL.md §3)"
        ),
    ),
    _p(
        "n_cadres",
        320,
        4,
        20000,
        "int",
        "size",
        "agents",
        "civil servants, spread over departments",
        "docs/MODEL.md §3; paper §3(五) 干部",
        "干部",
        reason=(
            "a sample of the county's staff, twenty a department; its "
            "size should not move expected outcomes (docs/MODEL.md §3)"
        ),
    ),
    _p(
        "n_citizens",
        1000,
        10,
        100000,
        "int",
        "size",
        "agents",
        "residents, spread over townships",
        "docs/MODEL.md §3; paper §3(一) 群众",
        "群众",
        reason=(
            "a sample of the county's residents, a hundred a township; "
            "its size should not move expected outcomes (docs/MODEL.md §3)"
        ),
    ),
    _p(
        "n_townships",
        10,
        1,
        200,
        "int",
        "size",
        "units",
        "townships citizens live in",
        "docs/MODEL.md §3",
        "乡镇",
        reason="hand-set to a county of ten townships; a real unit: ten townships differ from one (docs/MODEL.md §3)",
    ),
    _p(
        "citizen_ties",
        6,
        0,
        30,
        "int",
        "size",
        "ties per citizen",
        "word-of-mouth ties per citizen (Model 2: a share `cross_township_ties` drawn county-wide)",
        "Deffuant et al. 2000 (bounded confidence)",
        "口碑联系",
        reason="hand-set to a handful of word-of-mouth contacts per resident; not calibrated (issue 11)",
    ),
    _p(
        "term_length",
        60,
        12,
        600,
        "int",
        "condition",
        "months",
        "leadership term; the team changes at its end",
        "docs/MODEL.md §3; paper §2(一) 上下两届领导班子薪火相传",
        "任期",
        reason=(
            "a five-year term of a county leadership team (docs/MODEL.md §3: 60 months); the paper's two teams (§2(一))"
        ),
    ),
    # --- levers (what a county or its superiors choose) ------------------------------------
    _p(
        "reform_resolve",
        0.85,
        0.0,
        1.0,
        "float",
        "lever",
        _LEVEL,
        "the new leadership's resolve to change things this term",
        "paper §3(四) '我确确实实想在这一届位置上做出一些东西'",
        "改革决心",
        reason=(
            "L County's reading of §3(四) '我确确实实想在这一届位置上做出一些东西': "
            "a new team resolved to change things, near the top of the range"
        ),
        pattern="2 (start)",
    ),
    _p(
        "successor_resolve",
        0.4,
        0.0,
        1.0,
        "float",
        "lever",
        _LEVEL,
        "resolve of the team that follows at the end of a term",
        "paper §2(一) 上下两届领导班子薪火相传",
        "继任者决心",
        reason=(
            "L County's reading of §2(一) 薪火相传: the next team keeps "
            "course through rules, not zeal, so its own resolve is moderate"
        ),
    ),
    _p(
        "assessment_pressure",
        0.5,
        0.0,
        1.0,
        "float",
        "lever",
        _LEVEL,
        "pressure from higher-level assessment and competing counties",
        "paper §3(四) 竞争考核压力; §4(一) 多重竞争关系",
        "考核压力",
        reason=(
            "hand-set to the middle of its range: the paper names competition and "
            "assessment (§3(四)) without their strength; not calibrated (issue 11)"
        ),
    ),
    _p(
        "inertia",
        0.6,
        0.0,
        1.0,
        "float",
        "lever",
        _LEVEL,
        "backward concepts: drive needed to start (等靠要)",
        "paper §3(一) 观念与认知的落后是首要因素; Emerson et al. 2012 prop. 1",
        "观念惰性",
        reason=(
            "L County's reading of §3(一): backward concepts (等靠要) are the "
            "first obstacle, so above the middle; the trap and L County share it"
        ),
        pattern="1 (trap), 2 (start)",
    ),
    _p(
        "resource_introduction",
        0.6,
        0.0,
        1.0,
        "float",
        "lever",
        _LEVEL,
        "effort and success in bringing in talent, funds, land, policy",
        "paper §3(二) 多种资源的引入整合",
        "资源引入",
        reason=(
            "L County's reading of §3(二): talent, funds, land and policy "
            "brought in; hand-set above the middle, 0 in no_action_base"
        ),
        pattern="3 (action base)",
    ),
    _p(
        "fault_tolerance",
        0.7,
        0.0,
        1.0,
        "float",
        "lever",
        _LEVEL,
        "protection of cadres who try and fail (容错纠错)",
        "paper §3(二) 激励平台 '让干事者无忧、担当者无虑'",
        "容错纠错",
        reason=(
            "L County's reading of §3(二) 容错纠错 '让干事者无忧、担当者无虑': "
            "a strong protection, hand-set; 0 in no_action_base"
        ),
        pattern="3 (action base)",
    ),
    _p(
        "performance_pay",
        0.6,
        0.0,
        1.0,
        "float",
        "lever",
        _LEVEL,
        "share of pay tied to assessed performance",
        "paper §3(二) '底薪+绩效奖金、绩效奖金高于底薪'; Holmström & Milgrom 1991",
        "绩效薪酬",
        reason=(
            "L County's reading of §3(二) '绩效奖金高于底薪': the bonus "
            "exceeds base pay, so above half; hand-set; 0 in no_action_base"
        ),
        pattern="3 (action base)",
    ),
    _p(
        "promotion_by_merit",
        0.5,
        0.0,
        1.0,
        "float",
        "lever",
        _LEVEL,
        "weight of recorded achievements in promotion",
        "paper §3(二) 凭'实绩'用人; Li & Zhou 2005; Pang, Keng & Zhang 2023",
        "凭实绩用人",
        reason=(
            "hand-set to the middle of its range: the paper names promotion by achievements "
            "(§3(二) 凭'实绩'用人) without its weight; not calibrated (issue 11)"
        ),
    ),
    _p(
        "pm_strength",
        0.7,
        0.0,
        1.0,
        "float",
        "lever",
        _LEVEL,
        "investment in the performance-management system",
        "paper §3(六) 政府绩效管理体系的搭建; §5 第三 '利器'",
        "绩效管理投入",
        reason=(
            "L County's reading of §3(六): the county built a "
            "performance-management system, the '利器' of §5 第三; hand-set"
        ),
        pattern="4 (PM)",
    ),
    _p(
        "channel_openness",
        0.7,
        0.0,
        1.0,
        "float",
        "lever",
        _LEVEL,
        "openness of citizens' channels (12345, visits, proposals)",
        "paper §3(一) 12345热线、群众满意度大走访; §3(三) 人大政协",
        "民意渠道开放度",
        reason=(
            "L County's reading of §3(一), §3(三): the 12345 hotline, satisfaction "
            "visits and deputies' proposals; hand-set, 0 in closed_channels"
        ),
        pattern="5 (public value)",
    ),
    _p(
        "learning_openness",
        0.6,
        0.0,
        1.0,
        "float",
        "lever",
        _LEVEL,
        "learning from developed counties and outside experts",
        "paper §3(三) '带着干部省内学习…跑了发达的市'",
        "学习开放度",
        reason=(
            "L County's reading of §3(三) '带着干部…跑了发达的市': cadres "
            "taken to learn in developed places; hand-set above the middle"
        ),
    ),
    _p(
        "training",
        0.5,
        0.0,
        1.0,
        "float",
        "lever",
        _LEVEL,
        "training and front-line postings for cadres",
        "paper §3(五) 业务培训、选派干部到一线锻炼",
        "干部培训",
        reason=(
            "hand-set to the middle of its range: the paper names training and "
            "front-line postings (§3(五)) without their scale; not calibrated (issue 11)"
        ),
    ),
    _p(
        "campaign_strength",
        0.6,
        0.0,
        1.0,
        "float",
        "lever",
        _LEVEL,
        "strength of the campaigns leaders launch (Model 1: once the process starts; Model 2: once the diagnosis names enough problems)",
        "paper §3(一) 作风建设年 and 解放思想大讨论",
        "专项活动力度",
        reason=(
            "hand-set: the two campaigns of §3(一) at the events' default strength (0.6), above the middle of the range"
        ),
    ),
    # --- conditions (what the county starts from) ---------------------------------------
    _p(
        "initial_resources",
        0.3,
        0.0,
        1.0,
        "float",
        "condition",
        _LEVEL,
        "starting fiscal and material resources",
        "paper §3(二) 财政收入有限",
        "初始资源",
        reason="L County's reading of §3(二) 财政收入有限: a poor county, low on the scale; hand-set",
    ),
    _p(
        "initial_capacity",
        0.3,
        0.0,
        1.0,
        "float",
        "condition",
        _LEVEL,
        "starting mean department capacity",
        "paper §3(五) 治理能力不足",
        "初始部门能力",
        reason="L County's reading of §3(五) 治理能力不足: weak departments, low on the scale; hand-set",
    ),
    _p(
        "initial_performance",
        0.3,
        0.05,
        1.0,
        "float",
        "condition",
        _LEVEL,
        "starting real performance in every domain",
        "paper §2(一) 绩效水平持续低迷",
        "初始绩效",
        reason="L County's reading of §2(一) 绩效水平持续低迷: low, far below the developed neighbour (0.75); hand-set",
        pattern="1 (trap)",
    ),
    _p(
        "initial_motivation",
        0.3,
        0.0,
        1.0,
        "float",
        "condition",
        _LEVEL,
        "starting mean cadre motivation",
        "paper §3(一) 干部作风懒散",
        "初始积极性",
        reason="L County's reading of §3(一) 干部作风懒散: lax cadres, low on the scale; hand-set",
    ),
    _p(
        "initial_competence",
        0.35,
        0.0,
        1.0,
        "float",
        "condition",
        _LEVEL,
        "starting mean cadre competence",
        "paper §3(三) 干部队伍能力相对薄弱",
        "初始能力",
        reason=(
            "L County's reading of §3(三) 干部队伍能力相对薄弱: relatively weak, a little above motivation; hand-set"
        ),
    ),
    _p(
        "initial_discipline",
        0.4,
        0.0,
        1.0,
        "float",
        "condition",
        _LEVEL,
        "starting mean cadre work-style discipline",
        "paper §2(一) 领导干部的作风问题逐渐显露",
        "初始作风",
        reason="L County's reading of §2(一) 作风问题逐渐显露: a lax work style, below the middle; hand-set",
    ),
    _p(
        "initial_pm_maturity",
        0.1,
        0.0,
        1.0,
        "float",
        "condition",
        _LEVEL,
        "starting maturity of performance management (Model 1: each of its components)",
        "paper §3(六) 绩效管理水平明显落后",
        "初始绩效管理成熟度",
        reason="L County's reading of §3(六) 绩效管理水平明显落后: performance management barely exists; hand-set",
        pattern="4 (PM)",
    ),
    _p(
        "initial_openness",
        0.2,
        0.0,
        1.0,
        "float",
        "condition",
        _LEVEL,
        "starting organisational openness",
        "paper §3(三) 行政环境较为闭塞",
        "初始开放度",
        reason="L County's reading of §3(三) 行政环境较为闭塞: a closed administration; hand-set",
    ),
    _p(
        "initial_public_value",
        0.15,
        0.0,
        1.0,
        "float",
        "condition",
        _LEVEL,
        "starting public-value clarity",
        "paper §4(一) 忽视公共价值",
        "初始公共价值清晰度",
        reason="L County's reading of §4(一) 忽视公共价值: public value neglected, near the bottom; hand-set",
    ),
    _p(
        "initial_ties",
        0.1,
        0.0,
        1.0,
        "float",
        "condition",
        _LEVEL,
        "starting mean tie strength between departments",
        "paper §3(二) 守住'一亩三分地'",
        "初始部门联系",
        reason="L County's reading of §3(二) 守住'一亩三分地': departments barely linked; hand-set",
    ),
    _p(
        "initial_silo",
        0.7,
        0.0,
        1.0,
        "float",
        "condition",
        _LEVEL,
        "starting silo tendency of departments",
        "paper §3(二) 一亩三分地; §3(三) 各自为政",
        "初始本位主义",
        reason="L County's reading of §3(二) 一亩三分地 and §3(三) 各自为政: strong silos; hand-set",
    ),
    _p(
        "initial_action_base",
        0.05,
        0.0,
        1.0,
        "float",
        "condition",
        _LEVEL,
        "starting action base (platforms, incentive system)",
        "paper §4(一) 行动基础",
        "初始行动基础",
        reason=(
            "L County's reading of §4(一) 行动基础: almost no platforms or "
            "incentive system before reform; hand-set, 0 in no_action_base"
        ),
        pattern="3 (action base)",
    ),
    _p(
        "economy_bias",
        0.6,
        0.0,
        1.0,
        "float",
        "condition",
        _LEVEL,
        "how far leaders' priorities start toward the economy (唯GDP)",
        "paper 引言 '唯GDP'导向和压力型体制",
        "经济偏向",
        reason=(
            "hand-set: leaders' priorities lean toward the economy "
            "(引言 '唯GDP'导向) but not wholly; not calibrated (issue 11)"
        ),
    ),
    _p(
        "benchmark_performance",
        0.75,
        0.05,
        1.0,
        "float",
        "condition",
        _LEVEL,
        "the developed neighbour's performance at month 0",
        "paper §3(三) 与发达县区对比找出短板",
        "标杆县绩效",
        reason=(
            "hand-set: a developed neighbour well ahead of the county's "
            "0.3 (§3(三) 与发达县区对比找出短板); not calibrated (issue 11)"
        ),
    ),
    _p(
        "shock_volatility",
        0.1,
        0.0,
        0.5,
        "float",
        "condition",
        "log-units per month",
        "volatility of the county's economic and fiscal conditions (AR(1) shock on resources)",
        "paper §3(二) 财政收入有限; persistent AR(1) shocks as in Hamilton 1994 ch. 3",
        "经济波动",
        reason=(
            "hand-set: modest fiscal shocks for a county of limited "
            "revenue (§3(二) 财政收入有限); not calibrated (issue 11)"
        ),
    ),
    _p(
        "benchmark_growth",
        0.05,
        0.0,
        1.0,
        "float",
        "condition",
        "share of remaining headroom per year",
        "how fast the benchmark county keeps improving",
        "paper §3(一) '其他兄弟县区都在不断的发展'",
        "标杆增长",
        reason=(
            "hand-set: the neighbour closes 5% of its remaining headroom a "
            "year ('其他兄弟县区都在不断的发展'); not calibrated (issue 11)"
        ),
    ),
    # --- couplings (docs/MODEL.md §5) ------------------------------------------------------
    _p(
        "k_DI_CL",
        0.7,
        0.0,
        1.0,
        "float",
        "coupling",
        "weight 0–1",
        "the action base (platforms, task forces) enables linkage",
        "paper §3(二) 工作专班、工作线; Fig. 4",
        "驱动投入→协同联动",
        reason=(
            "on at the strength of the paper's account (§3(二) 工作专班; Fig. "
            "4), below full: all ten couplings are 0.7; not calibrated (issue 11)"
        ),
    ),
    _p(
        "k_DI_ME",
        0.7,
        0.0,
        1.0,
        "float",
        "coupling",
        "weight 0–1",
        "inputs reach execution and key actions",
        "paper §3(五) 关键行动带来大量资源; Fig. 4",
        "驱动投入→管理执行",
        reason=(
            "on at the strength of the paper's account (§3(五) 关键行动; Fig. "
            "4), below full: all ten couplings are 0.7; not calibrated (issue 11)"
        ),
        pattern="3 (action base)",
    ),
    _p(
        "k_CL_ME",
        0.7,
        0.0,
        1.0,
        "float",
        "coupling",
        "weight 0–1",
        "leadership and linkage carry cross-department execution",
        "paper §3(四) '一次不行两次、两次不行三次'; Fig. 4",
        "协同联动→管理执行",
        reason=(
            "on at the strength of the paper's account (§3(四) 一次不行两次; Fig. "
            "4), below full: all ten couplings are 0.7; not calibrated (issue 11)"
        ),
        pattern="7 (linkage)",
    ),
    _p(
        "k_GC_ME",
        0.7,
        0.0,
        1.0,
        "float",
        "coupling",
        "weight 0–1",
        "public value aligns indicators and prevents goal displacement",
        "paper §4(一) 公共价值 '持续纠正并预防绩效偏差'; Fig. 4",
        "指引变革→管理执行",
        reason=(
            "on at the strength of the paper's account (§4(一) 持续纠正并预防绩效偏差; "
            "Fig. 4), below full: all ten are 0.7; not calibrated (issue 11)"
        ),
        pattern="5 (public value)",
    ),
    _p(
        "k_GC_CL",
        0.7,
        0.0,
        1.0,
        "float",
        "coupling",
        "weight 0–1",
        "shared values ease coordination",
        "paper §3(一) 凝聚和构建新的'共识'; Fig. 4",
        "指引变革→协同联动",
        reason=(
            "on at the strength of the paper's account (§3(一) 凝聚共识; Fig. "
            "4), below full: all ten couplings are 0.7; not calibrated (issue 11)"
        ),
    ),
    _p(
        "k_ME_DI",
        0.7,
        0.0,
        1.0,
        "float",
        "coupling",
        "weight 0–1",
        "evaluation feedback presses department heads and finds new problems (Model 1: renews drive)",
        "paper §4(二) 监督、评价…持续发现绩效差距…反馈到各阶段; Fig. 4",
        "管理执行→驱动投入",
        reason=(
            "on at the strength of the paper's account (§4(二) 反馈到前述各个环节; Fig. "
            "4), below full: all ten couplings are 0.7; not calibrated (issue 11)"
        ),
        pattern="6 (loop)",
    ),
    _p(
        "k_ME_GC",
        0.7,
        0.0,
        1.0,
        "float",
        "coupling",
        "weight 0–1",
        "results turn practices into standing rules",
        "paper §3(五) 将经验做法凝结为固定的工作机制和长效制度; Fig. 4",
        "管理执行→指引变革",
        reason=(
            "on at the strength of the paper's account (§3(五) 长效制度; Fig. "
            "4), below full: all ten couplings are 0.7; not calibrated (issue 11)"
        ),
    ),
    _p(
        "k_AI_DI",
        0.7,
        0.0,
        1.0,
        "float",
        "coupling",
        "weight 0–1",
        "outside comparison names problems at home and brings resources (Model 1: activation points)",
        "paper §4(二) 与系统环境的互动持续探寻新的绩效改进激活点; Fig. 4",
        "适应互动→驱动投入",
        reason=(
            "on at the strength of the paper's account (§4(二) 新的绩效改进激活点; "
            "Fig. 4), below full: all ten are 0.7; not calibrated (issue 11)"
        ),
    ),
    _p(
        "k_AI_GC",
        0.7,
        0.0,
        1.0,
        "float",
        "coupling",
        "weight 0–1",
        "participation feeds public value",
        "paper §3(三) 代表委员…收集与'公共价值'相关的有效信息; Fig. 4",
        "适应互动→指引变革",
        reason=(
            "on at the strength of the paper's account (§3(三) 代表委员; Fig. "
            "4), below full: all ten couplings are 0.7; not calibrated (issue 11)"
        ),
    ),
    _p(
        "k_CL_AI",
        0.7,
        0.0,
        1.0,
        "float",
        "coupling",
        "weight 0–1",
        "leadership opens the county to learning and participation",
        "paper §3(三) 打通…领导班子间…的沟通渠道; Fig. 4",
        "协同联动→适应互动",
        reason=(
            "on at the strength of the paper's account (§3(三) 打通…沟通渠道; Fig. "
            "4), below full: all ten couplings are 0.7; not calibrated (issue 11)"
        ),
    ),
    # --- calibrated rates (behavioural constants, exposed for screening) -------------------
    _p(
        "drive_gap_weight",
        0.3,
        0.0,
        1.0,
        "float",
        "rate",
        "weight",
        "weight of the gap to the benchmark in drive",
        "docs/MODEL.md §4 Drive a_gap; paper §3(一) 明确问题和差距",
        "差距驱动权重",
        reason=(
            "hand-set: the starting gap (0.6 of the benchmark) adds 0.18 and default pressure "
            "0.15 to the reform signal, short of inertia 0.6; not calibrated (issue 11)"
        ),
        pattern="1 (trap)",
    ),
    _p(
        "drive_pressure_weight",
        0.3,
        0.0,
        1.0,
        "float",
        "rate",
        "weight",
        "weight of assessment pressure in drive",
        "docs/MODEL.md §4 Drive a_press",
        "压力驱动权重",
        reason=(
            "hand-set: default pressure (0.5) adds 0.15 and the starting gap 0.18 "
            "to the reform signal, short of inertia 0.6; not calibrated (issue 11)"
        ),
        pattern="1 (trap)",
    ),
    _p(
        "drive_resolve_weight",
        0.45,
        0.0,
        1.0,
        "float",
        "rate",
        "weight",
        "weight of leaders' resolve in drive",
        "docs/MODEL.md §4 Drive a_lead; paper §2(一) 新一届领导班子",
        "决心驱动权重",
        reason=(
            "hand-set so that L County's resolve (0.85) clears inertia 0.6 with pressure and gap "
            "(about 0.71) and the trap's (0.2) does not (about 0.42); not calibrated (issue 11)"
        ),
        pattern="1 (trap), 2 (start)",
    ),
    _v1(
        "resolve_fatigue",
        0.04,
        0.0,
        0.2,
        "float",
        "rate",
        _RATE,
        "share of leaders' resolve lost each month without small wins",
        "Ansell & Gash 2008 (small wins sustain commitment)",
        "决心衰减",
        reason=(
            "Model 1's hand-set decay: without small wins resolve "
            "halves in about a year and a half (Ansell & Gash 2008)"
        ),
    ),
    _p(
        "build_rate",
        0.06,
        0.0,
        0.5,
        "float",
        "rate",
        _RATE,
        "speed at which active stocks build (Model 1: action base, PM, ties; Model 2: the action base)",
        "Repenning & Sterman 2002 (capability accumulates with delay)",
        "蓄力速率",
        reason=(
            "hand-set: an attended stock builds over a few years (Repenning & Sterman "
            "2002); in Model 2 it builds the action base; not calibrated (issue 11)"
        ),
        pattern="3 (action base)",
    ),
    _p(
        "stock_decay",
        0.01,
        0.0,
        0.2,
        "float",
        "rate",
        _RATE,
        "decay of uninstitutionalised stocks when not maintained",
        "Repenning & Sterman 2002 (capability erodes)",
        "存量衰减",
        reason=(
            "hand-set: an unmaintained stock halves in about six years, slower "
            "than it builds (Repenning & Sterman 2002); not calibrated (issue 11)"
        ),
    ),
    _p(
        "peer_influence",
        0.15,
        0.0,
        1.0,
        "float",
        "rate",
        _RATE,
        "pull of a cadre's motivation toward its department peers",
        "docs/MODEL.md §4 Cadre effort; paper §3(一) 营造创先争优的工作氛围",
        "同伴影响",
        reason=(
            "hand-set: a cadre's motivation moves about a seventh of the "
            "way toward its peers' each month; not calibrated (issue 11)"
        ),
    ),
    _p(
        "gaming_propensity",
        0.4,
        0.0,
        1.0,
        "float",
        "rate",
        "share",
        "how much unwatched pressure turns into inflated reports",
        "Bevan & Hood 2006 (output distortion)",
        "数据造假倾向",
        reason=(
            "hand-set below half: unwatched pressure turns partly, not mostly, "
            "into inflated reports (Bevan & Hood 2006); not calibrated (issue 11)"
        ),
        pattern="5 (public value)",
    ),
    _p(
        "brain_drain",
        0.01,
        0.0,
        0.2,
        "float",
        "rate",
        _RATE,
        "monthly chance a competent cadre leaves an unattractive county",
        "paper §3(三) 高素质人才的流失",
        "人才流失",
        reason=(
            "hand-set to a small monthly hazard, the largest for competent cadres "
            "of an unattractive county (§3(三) 高素质人才的流失); not calibrated (issue 11)"
        ),
    ),
    _v1(
        "performance_lag",
        0.06,
        0.01,
        1.0,
        "float",
        "rate",
        _RATE,
        "speed at which real performance follows output",
        "Repenning & Sterman 2002 (delay between effort and results)",
        "绩效时滞",
        reason=(
            "Model 1's hand-set lag: real performance follows output with "
            "a time constant of about 16 months (Repenning & Sterman 2002)"
        ),
    ),
    _p(
        "expectation_adaptation",
        0.05,
        0.0,
        1.0,
        "float",
        "rate",
        _RATE,
        "speed at which citizens' expectations follow experience",
        "Van Ryzin 2004 (adaptive expectations)",
        "期望调整",
        reason=(
            "hand-set: citizens' expectations follow experience over about "
            "twenty months (Van Ryzin 2004); not calibrated (issue 11)"
        ),
    ),
    _p(
        "trust_loss_ratio",
        3.0,
        1.0,
        10.0,
        "float",
        "rate",
        "ratio",
        "trust is lost this many times faster than gained",
        "Slovic 1993 asymmetry; docs/MODEL.md §4 Citizens",
        "信任损失倍数",
        reason=(
            "hand-set to a clear asymmetry: trust is lost three times faster "
            "than it is gained (Slovic 1993); not calibrated (issue 11)"
        ),
    ),
    _p(
        "opinion_confidence",
        0.3,
        0.0,
        1.0,
        "float",
        "rate",
        "satisfaction distance",
        "bounded-confidence range of word of mouth",
        "Deffuant et al. 2000",
        "意见信任区间",
        reason=(
            "hand-set to a middling bound (Deffuant et al. 2000); in l_county it "
            "blocks about 2% of word-of-mouth hearings; not calibrated (issue 11)"
        ),
    ),
    # --- switches -----------------------------------------------------------------------
    _p(
        "campaigns_follow_start",
        True,
        None,
        None,
        "bool",
        "switch",
        "on/off",
        "leaders launch rectification and emancipation by their own rule (Model 1: once drive starts; Model 2: once the top leader's diagnosis names campaign_trigger problems)",
        "paper §3(一) 发起两项活动",
        "启动后开展专项活动",
        reason=(
            "on: in L County the leaders launched both campaigns themselves "
            "(§3(一) 发起两项活动); off when a scenario schedules them"
        ),
    ),
    _p(
        "freeze_pm_maturity",
        False,
        None,
        None,
        "bool",
        "switch",
        "on/off",
        "hold PM maturity at its initial value (the frozen_pm scenario)",
        "docs/MODEL.md §7 pattern 4",
        "冻结绩效管理成熟度",
        reason="a switch for pattern 4's experiment (the frozen_pm scenario), off by default",
        pattern="4 (PM)",
    ),
    # --- trajectory classifier (docs/MODEL.md §6) ---------------------------------------------
    _v1(
        "motivation_departure",
        0.02,
        0.0,
        0.5,
        "float",
        "classifier",
        "motivation units",
        "rise of mean motivation that marks the start",
        "docs/MODEL.md §6 start",
        "积极性启动阈值",
        reason="Model 1's start threshold: a small but clear rise of mean motivation; hand-set",
    ),
    _p(
        "build_gain",
        0.05,
        0.0,
        0.5,
        "float",
        "classifier",
        "capacity-index units",
        "rise of the capacity index that marks build",
        "docs/MODEL.md §6 build",
        "蓄力阈值",
        reason=(
            "hand-set to a small but clear rise of the capacity index; "
            "reports show phase shares across its range (docs/MODEL.md §6)"
        ),
    ),
    _v1(
        "activation_threshold",
        0.45,
        0.0,
        1.0,
        "float",
        "classifier",
        _LEVEL,
        "level a subsystem must reach to count as activated",
        "docs/MODEL.md §6 activate",
        "激活阈值",
        reason="Model 1's activation level, hand-set a little below the middle of the range",
    ),
    _v1(
        "activation_count",
        3,
        1,
        5,
        "int",
        "classifier",
        "subsystems",
        "how many subsystems must be activated together",
        "docs/MODEL.md §6 activate",
        "激活子系统数",
        reason="Model 1: a majority (three) of the five subsystems must be activated together",
    ),
    _p(
        "deliver_share",
        0.5,
        0.05,
        1.0,
        "float",
        "classifier",
        "share of gap",
        "share of the gap to the benchmark closed to deliver",
        "docs/MODEL.md §6 deliver",
        "发力阈值",
        reason=(
            "hand-set: closing half the gap to the developed neighbour "
            "counts as delivering (发力); shares are reported across its range"
        ),
    ),
    _p(
        "deliver_hold",
        6,
        1,
        60,
        "int",
        "classifier",
        "months",
        "months the closure must hold to count as delivered",
        "docs/MODEL.md §6 deliver",
        "发力保持期",
        reason="hand-set to half a year, so that a passing peak does not count as delivery",
    ),
    _p(
        "relapse_margin",
        0.15,
        0.0,
        1.0,
        "float",
        "classifier",
        "share of gap",
        "drop below the deliver share that counts as relapse",
        "docs/MODEL.md §6 relapse",
        "回落幅度",
        reason=(
            "hand-set: trailing closure must fall well below deliver_share "
            "(to 0.35 of the gap at the defaults) to count as relapse"
        ),
    ),
]

#: Model 2 (docs/MODEL.md): the engine switch and the parameters only its rules read. Each
#: has a plausible range, the reason for its default and, where one does, the pattern that bounds it.
_PARAMS_V2: list[Param] = [
    _p(
        "model_version",
        2,
        1,
        2,
        "int",
        "size",
        "engine",
        "which engine runs: 2 (Model 2, the default: problems, engagement cascades, couplings as channels)"
        " or 1 (Model 1, kept for users of results made before the cut-over)",
        "issue 10 (Model 2 replaced Model 1 as the default at the cut-over)",
        "模型版本",
        reason="2 since the cut-over; a batch must share it, as it shares the agent counts",
    ),
    _v2(
        "problem_slots",
        500,
        50,
        5000,
        "size",
        "slots",
        "problem pool: listed problems a county can hold at once",
        "ENGINEERING.md (problems as a fixed pool of slots)",
        "问题清单容量",
        "sized so that the pool is full in at most 1% of months at the defaults (counted in `pool_full`)",
        kind="int",
    ),
    _v2(
        "spin_up",
        24,
        24,
        120,
        "size",
        "months",
        "months of the old team's routine run before month 1, not recorded, so that the trap settles (shared by a batch, like the sizes)",
        "docs/ODD.md §5.3 (the spin-up and the trap balance)",
        "预热期",
        "24 lets the list settle to what the old routine holds; with `measured_balance`, 48 months (the last 36 measured) "
        "estimate each run's own level of the list well enough for pattern 1 (docs/ODD.md §13)",
        pattern="1 (trap)",
        kind="int",
    ),
    # --- the problem substrate ------------------------------------------------------------------
    _v2(
        "reference_burden",
        8.0,
        3.0,
        30.0,
        "condition",
        "problems per township and domain",
        "unsolved burden (in problems of mean difficulty) at which a township's performance in a domain is 0",
        "docs/MODEL.md §4 (performance is one minus the burden of unsolved problems)",
        "参照问题负荷",
        "a scale: with 10 townships and 4 domains, 320 problems of mean difficulty make performance 0; a county at 0.3 carries 224",
    ),
    _v2(
        "township_inequality",
        0.5,
        0.0,
        1.5,
        "condition",
        "SD of log hardship",
        "how unequal townships are in their problems (initial burden and arrivals)",
        "paper §1 欠发达地区 (uneven development); docs/MODEL.md §3 (townships live in different counties of experience)",
        "乡镇差异",
        "a log-normal hardship with SD 0.5 puts the hardest of ten townships at several times the burden of the easiest",
        "word of mouth's confidence bound binds in some scenarios",
    ),
    _v2(
        "countywide_share",
        0.25,
        0.0,
        0.6,
        "condition",
        "share",
        "share of problems that are county-wide (weigh on every township)",
        "docs/MODEL.md §4 (county-wide problems: the economy, investment)",
        "全县性问题占比",
        "economy and investment problems (one domain of four) are mostly county-wide",
    ),
    _v2(
        "cross_share",
        0.35,
        0.05,
        0.8,
        "condition",
        "share",
        "share of new problems that need two or three departments",
        "paper §3(四) '十几个部门开会解决'; 一亩三分地",
        "跨部门问题占比",
        "a third of county problems cross departments in the paper's account of joint meetings",
        "7 (linkage)",
    ),
    _v2(
        "problem_obsolescence",
        0.03,
        0.0,
        0.06,
        "rate",
        "per month",
        "hazard that an unsolved problem is overtaken by events (counted, never dropped silently)",
        "docs/MODEL.md §4 (the stream of problems never stops)",
        "问题自然消解率",
        "a problem left alone for about two years (half-life 23 months) is overtaken by events; with 1% the trap's burden wandered too far from its start",
        "1 (trap)",
    ),
    _v2(
        "routine_listing",
        0.01,
        0.002,
        0.05,
        "rate",
        "per month",
        "hazard that a latent problem reaches the list through ordinary work orders",
        "paper §3(五) 问题悬置 (problems left hanging in a closed county)",
        "常规发现率",
        "in the trap a hidden problem waits about eight years to be listed by ordinary work orders alone; arrivals are balanced against the routine's listing and obsolescence",
        "1 (trap)",
    ),
    _v2(
        "diagnosis_rate",
        0.3,
        0.0,
        1.0,
        "rate",
        "per month",
        "hazard a leader's full front-line attention lists the latent problems of its portfolio's domains",
        "paper §3(五) 一线工作法 '去一线摸家底、找问题…形成清单'",
        "一线诊断率",
        "a resolute team going out lists most of the hidden problems of its domains within a year or two (问题清单)",
        "2 (start)",
    ),
    _v2(
        "complaint_listing",
        0.5,
        0.0,
        2.0,
        "rate",
        "per month per complaint share",
        "hazard a township's latent problems in a domain are listed, per share of its residents complaining about that domain",
        "paper §3(一) 12345热线 '定期将反映的共性问题汇报县委书记并推动解决'",
        "投诉转化率",
        "with 10% of a township complaining about a domain and channels fully open, 5% of its hidden problems there are listed a month",
        "5 (public value)",
    ),
    _v2(
        "evaluation_listing",
        0.05,
        0.0,
        0.2,
        "rate",
        "per month",
        "hazard assessment exposes the latent problems of a department's domain, per unit of its assessment pressure (k_ME_DI)",
        "paper §3(六) '动态掌握问题和差距'; §4(二) 监督、评价…持续发现绩效差距",
        "考核发现率",
        "a mature assessment that ranks a department last lists about a fortieth of the hidden problems of its domain a month at the default k_ME_DI",
        "6 (loop)",
    ),
    _v2(
        "comparison_listing",
        0.15,
        0.0,
        0.5,
        "rate",
        "per visit",
        "share of a visiting department's hidden domain problems a learning visit lists (k_AI_DI)",
        "paper §3(三) '与发达县区对比找出短板'",
        "对标发现率",
        "a study tour names about a tenth of what the visitors did not see at home at the default k_AI_DI",
    ),
    _v2(
        "proposal_listing",
        0.1,
        0.0,
        0.5,
        "rate",
        "per month",
        "hazard deputies' and social organisations' proposals list a township's latent problems, per unit of participation (k_AI_GC)",
        "paper §3(三) 人大政协 提案、带案视察",
        "提案转化率",
        "proposals are fewer than complaints but reach problems complaints miss",
    ),
    _v2(
        "work_rate",
        55.0,
        15.0,
        150.0,
        "rate",
        "problems per month",
        "problems of mean difficulty a department solves in a month at full capacity, with all cadres at full real effort and competence",
        "docs/MODEL.md §4 (real effort x competence x capacity)",
        "部门工作能力",
        "the starting county's engaged department (capacity 0.3, real effort x competence about 0.1) solves about 1.7 problems a month; routine work then keeps up with the trap's ordinary work orders",
        "2 (start), 3",
    ),
    _v2(
        "routine_fraction",
        0.25,
        0.05,
        0.6,
        "rate",
        "share",
        "share of its capacity a department not engaged in reform works (routine)",
        "docs/MODEL.md §4 (a non-engaged department does routine work); paper §3(五) 按照惯有行动模式低效运行",
        "常规工作比例",
        "routine administration is about a quarter of what an engaged bureau does; enough to keep up with ordinary work orders in the trap",
        "1 (trap)",
    ),
    _v2(
        "solo_factor",
        0.3,
        0.05,
        0.7,
        "rate",
        "share",
        "speed of a cross-department problem worked by its lead department alone, against joint work",
        "paper §3(四) 一亩三分地; docs/MODEL.md §5 k_CL_ME",
        "单独推进系数",
        "without partners a cross problem moves at under a third of the speed",
        "7 (linkage)",
    ),
    _v2(
        "priority_key",
        2.0,
        0.0,
        5.0,
        "rate",
        "weight",
        "extra priority of a key action (重点工作, 挂号督办) in a department's work",
        "paper §3(六) '由绩考办进行挂号督办'",
        "挂号督办权重",
        "a registered problem gets three times the attention of an ordinary one",
    ),
    _v2(
        "priority_age",
        0.5,
        0.0,
        2.0,
        "rate",
        "weight per year",
        "extra priority per year a problem has waited",
        "paper §3(四) '盯住不放'",
        "久拖问题权重",
        "old problems are chased, but not ahead of key actions",
    ),
    _v2(
        "priority_complaint",
        1.0,
        0.0,
        3.0,
        "rate",
        "weight",
        "extra priority of a citizen-raised problem when indicators count citizens (x k_GC_ME x public-value clarity)",
        "paper §3(一) 首问责任制, 现场督办",
        "群众诉求权重",
        "counted complaints add 1.7 times an ordinary problem's priority at full clarity and the default k_GC_ME (0.7)",
    ),
    # --- leaders -----------------------------------------------------------------------------------
    _v2(
        "attention_supervise",
        0.4,
        0.1,
        0.8,
        "rate",
        "share of attention",
        "share of a launched leader's attention spent supervising the portfolio",
        "paper §3(四) '各部门…领导在工作中也亲自牵头督促' (分管)",
        "督导精力",
        "supervision is the largest single use of a leader's time",
    ),
    _v2(
        "attention_convene",
        0.3,
        0.0,
        0.6,
        "rate",
        "share of attention",
        "share spent convening task forces for cross-department problems",
        "paper §3(四) '领导就召集相关部门…一次不行两次'",
        "协调精力",
        (
            "hand-set: convening is the second use of a launched leader's "
            "time, after supervision (0.4); not calibrated (issue 11)"
        ),
        "7 (linkage)",
    ),
    _v2(
        "attention_diagnose",
        0.2,
        0.0,
        0.5,
        "rate",
        "share of attention",
        "share spent on front-line diagnosis (the rest lobbies for resources)",
        "paper §3(五) 一线工作法",
        "一线调研精力",
        (
            "hand-set: a fifth of a leader's time; with supervision and convening "
            "it leaves a tenth to lobby for resources; not calibrated (issue 11)"
        ),
    ),
    _v2(
        "task_force_cost",
        0.1,
        0.03,
        0.5,
        "rate",
        "attention per task force",
        "attention one task force takes for a month",
        "paper §3(二) 工作专班",
        "专班精力成本",
        "a leader with full collaborative skill can hold three task forces at once on bare attention",
    ),
    _v2(
        "task_force_platform",
        2.0,
        0.0,
        5.0,
        "rate",
        "multiplier",
        "how much a full task-force mechanism (action base) multiplies the task forces leaders can hold (k_DI_CL)",
        "paper §3(二) '建立工作专班、工作线等工作机制'",
        "专班机制放大",
        "with a full action base and the default k_DI_CL (0.7) standing task-force rules hold 2.4 times what bare attention holds",
    ),
    _v2(
        "resolve_adjust",
        0.1,
        0.01,
        0.5,
        "rate",
        "per month",
        "speed at which a leader's resolve moves to what disposition, results and superiors support",
        "Ansell & Gash 2008 (small wins); docs/MODEL.md §4 Leaders",
        "决心调整速度",
        "resolve follows its supports within about a year",
    ),
    _v2(
        "win_gain",
        1.0,
        0.0,
        3.0,
        "rate",
        "resolve per solve ratio",
        "how much recent results (problems solved in the portfolio against its backlog) add to resolve",
        "Ansell & Gash 2008 (small wins deepen commitment)",
        "小胜激励",
        (
            "hand-set to one: recent results add to resolve's target one for "
            "one (small wins, Ansell & Gash 2008); not calibrated (issue 11)"
        ),
        "2 (start)",
    ),
    _v2(
        "term_end_drop",
        0.3,
        0.0,
        1.0,
        "rate",
        "share",
        "share of resolve a leader loses over the last year of the term",
        "docs/MODEL.md §4 (resolve responds to months left in the term)",
        "任期末衰减",
        "a lame duck loses about a third of resolve",
    ),
    _v2(
        "pulse_retention",
        0.85,
        0.5,
        0.99,
        "rate",
        "per month",
        "share of a visit's or campaign's pulse of drive kept from one month to the next",
        "paper §2(一) 视察; Emerson et al. 2012",
        "外部推动保持率",
        "a pulse halves in about four months",
    ),
    # --- departments and cadres -------------------------------------------------------------------
    _v2(
        "engage_w_attention",
        0.25,
        0.0,
        1.0,
        "rate",
        "weight",
        "weight of the supervising leader's attention x resolve in a head's engagement signal (the weights are normalised to sum to one)",
        "paper §3(四) 一把手 and 分管 leaders; Granovetter 1978",
        "领导关注权重",
        (
            "hand-set: with peers the largest of the five signal weights "
            "(0.25, 0.2, 0.25, 0.2, 0.1; sum one); not calibrated (issue 11)"
        ),
    ),
    _v2(
        "engage_w_incentive",
        0.2,
        0.0,
        1.0,
        "rate",
        "weight",
        "weight of incentives (performance pay, promotion by merit)",
        "paper §3(二) 激励平台",
        "激励权重",
        (
            "hand-set: one of the five signal weights (0.25, 0.2, 0.25, "
            "0.2, 0.1), which sum to one; not calibrated (issue 11)"
        ),
    ),
    _v2(
        "engage_w_peer",
        0.25,
        0.0,
        1.0,
        "rate",
        "weight",
        "weight of tied departments' engagement (seeing linked departments succeed)",
        "Granovetter 1978; paper §3(三) 工作网络和牢固的信任关系",
        "同伴部门权重",
        "the cascade term",
    ),
    _v2(
        "engage_w_pressure",
        0.2,
        0.0,
        1.0,
        "rate",
        "weight",
        "weight of the department's own assessment pressure (rank, 挂号督办; k_ME_DI)",
        "paper §3(六) '有清单、有督查、有考核、有问责'",
        "考核压力权重",
        (
            "hand-set: one of the five signal weights (0.25, 0.2, 0.25, "
            "0.2, 0.1), which sum to one; not calibrated (issue 11)"
        ),
        "6 (loop)",
    ),
    _v2(
        "engage_w_rules",
        0.1,
        0.0,
        1.0,
        "rate",
        "weight",
        "weight of the department's institutionalised practices",
        "paper §3(五) 长效制度",
        "制度化权重",
        (
            "hand-set: the smallest of the five signal weights (0.25, "
            "0.2, 0.25, 0.2, 0.1; sum one); not calibrated (issue 11)"
        ),
    ),
    _v2(
        "engage_w_fear",
        0.3,
        0.0,
        1.0,
        "rate",
        "weight",
        "how much blame fear not covered by fault tolerance lowers the signal",
        "paper §3(二) 容错纠错 '让干事者无忧'; 不敢为",
        "避责心理权重",
        (
            "hand-set: full uncovered fear takes 0.3 off the signal, about "
            "a typical head's threshold (0.30); not calibrated (issue 11)"
        ),
    ),
    _v2(
        "threshold_concentration",
        10.0,
        3.0,
        40.0,
        "rate",
        "Beta concentration",
        "how alike cadres' reform thresholds are (Beta with mean `inertia` x `threshold_scale`)",
        "Granovetter 1978 (the distribution of thresholds decides the cascade)",
        "阈值集中度",
        "SD about 0.14 at the default mean 0.3",
        "2 (spread)",
    ),
    _v2(
        "threshold_scale",
        0.5,
        0.2,
        1.0,
        "rate",
        "signal per inertia",
        "mean of department heads' reform thresholds as a share of `inertia` (the launch threshold)",
        "Granovetter 1978; paper §3(一) 等靠要 (inertia sets the thresholds)",
        "阈值尺度",
        "a typical head needs a signal of 0.30 in a county of inertia 0.6: the leaders' push alone moves the keenest, peers move the rest",
        "2 (start)",
    ),
    _v2(
        "engagement_hysteresis",
        0.08,
        0.0,
        0.3,
        "rate",
        "signal units",
        "how far below the threshold the signal must fall before a head disengages",
        "docs/MODEL.md §4 (engagement has hysteresis)",
        "参与滞后",
        (
            "hand-set to about a quarter of a typical head's threshold (0.30), "
            "so that noise does not flip engagement; not calibrated (issue 11)"
        ),
    ),
    _v2(
        "role_model_gain",
        0.1,
        0.0,
        0.5,
        "rate",
        "per month",
        "pull of a recognised role model's motivation on department peers",
        "paper §3(一) 明树典型 '发挥其带动作用'",
        "典型带动",
        (
            "hand-set and weak: at 0.1 the role-model ablation is "
            "equivalent within the minimum effect; its range is for issue 11"
        ),
        "8 (role models)",
    ),
    _v2(
        "head_turnover",
        0.02,
        0.0,
        0.1,
        "rate",
        "per month",
        "hazard a department head post changes hands (promotion by merit or seniority fills it)",
        "Li & Zhou 2005; paper §3(六) '能者上、平者让、庸者下'",
        "部门负责人更替率",
        "a head serves about four years",
    ),
    _v2(
        "campaign_fade",
        0.03,
        0.0,
        0.2,
        "rate",
        "per month",
        "how fast a campaign's effect on thresholds, discipline and fear fades where rules do not hold it",
        "docs/MODEL.md §2 (a change lasts only as long as something holds it)",
        "运动效应衰减",
        "half gone in two years without rules",
    ),
    _v2(
        "practice_gain",
        0.05,
        0.0,
        0.3,
        "rate",
        "per solved problem",
        "practice an engaged department gains from each problem it solves",
        "paper §3(五) 经验做法",
        "实践积累",
        (
            "hand-set: each solved problem closes a twentieth of an engaged "
            "department's remaining headroom in practice; not calibrated (issue 11)"
        ),
    ),
    _v2(
        "practice_fade",
        0.03,
        0.0,
        0.2,
        "rate",
        "per month",
        "how fast practices not yet rules fade in a department not engaged",
        "paper §2(一) 薪火相传 (what only people carry is lost)",
        "实践消退",
        (
            "hand-set: practices not made rules halve in about two "
            "years in a department not engaged; not calibrated (issue 11)"
        ),
    ),
    _v2(
        "institution_rate",
        0.1,
        0.0,
        0.5,
        "rate",
        "per month",
        "speed at which results turn practices into standing rules (k_ME_GC x PM maturity)",
        "paper §3(五) 凝结为固定的工作机制和长效制度",
        "制度化速度",
        (
            "hand-set; scaled by k_ME_GC and PM maturity, so practices "
            "become rules only where PM has matured; not calibrated (issue 11)"
        ),
    ),
    _v2(
        "resource_gain",
        1.0,
        0.0,
        3.0,
        "rate",
        "multiplier",
        "extra work capacity per unit of resources above the starting level (k_DI_ME)",
        "paper §3(二) 资源引入整合 '保障有限资金被…落实在重点项目上'",
        "资源转化率",
        (
            "hand-set to one: a unit of resources above the start multiplies work "
            "capacity by 1 + k_DI_ME (1.7 at the default); not calibrated (issue 11)"
        ),
        "3 (action base)",
    ),
    _v2(
        "leader_vision",
        0.5,
        0.1,
        0.9,
        "condition",
        _LEVEL,
        "mean vision of the county's leaders (大局意识: an overall plan for the county), each leader drawn around it",
        "paper §3(四) FT19 '大局意识非常非常强,具备驾驭全局的能力'",
        "领导愿景",
        (
            "the middle of the scale, as for collaborative skill: a team neither short-sighted nor exceptional; "
            "a successor is drawn around it too"
        ),
    ),
    _v2(
        "budget_performance",
        0.2,
        0.0,
        0.5,
        "rate",
        "share per year",
        "weight of assessed results in the yearly budget among departments, at full PM maturity (the rest: last year's shares and key actions)",
        "paper §3(二) '加强预算绩效管理…保障有限资金被有序、及时落实在重点项目上'; §3(六) 嵌入…预算管理",
        "预算绩效权重",
        (
            "hand-set: performance budgeting moves a fifth of a mature county's allocation of project funds "
            "a year; the rest follows last year's shares (incremental budgeting, Wildavsky 1964); not calibrated (issue 11)"
        ),
    ),
    _v2(
        "budget_key_actions",
        0.2,
        0.0,
        0.5,
        "rate",
        "share per year",
        "weight of each department's open key actions (重点工作, 挂号督办) in the yearly budget among departments",
        "paper §3(二) '将上级决策转换为重点工作'; '落实在重点项目上'",
        "重点工作预算权重",
        (
            "hand-set: key actions steer a fifth of the project funds a year, as much as results do; "
            "not calibrated (issue 11)"
        ),
    ),
    _v2(
        "vision_weight",
        0.5,
        0.0,
        1.0,
        "rate",
        "multiplier",
        "how much the top leader's vision (its overall plan) speeds the building of the action base, relative to a leader of middling vision",
        "paper §3(四) FT19 '从战略层面对全县发展进行总体布局…开展了很多打基础、利长远的工作'",
        "愿景作用",
        (
            "hand-set: a top leader of vision 0.8 builds 30% faster than one of 0.5, one of 0.2 30% "
            "slower; at 0 vision plays no part; not calibrated (issue 11)"
        ),
    ),
    _v2(
        "stall_progress",
        0.001,
        0.0,
        0.004,
        "rate",
        "performance per month",
        "monthly gain in real performance (a year's average) below which the top leader sees progress as stalled",
        "paper §4(二) '动态纠偏…持续识别和分析绩效差距'; §3(五) 一线工作法",
        "停滞判断线",
        (
            "a quarter of L County's monthly gain while it builds (about 0.004); at 0 only a fall "
            "counts as a stall; not calibrated (issue 11)"
        ),
    ),
    _v2(
        "rediagnosis_gain",
        1.0,
        0.0,
        3.0,
        "rate",
        "multiplier",
        "extra front-line diagnosis when progress stalls, at full openness (an open leadership goes out again)",
        "paper §3(五) 一线工作法; §4(二) '持续识别和分析绩效差距'; March 1991",
        "再诊断强度",
        (
            "hand-set: a stalled, fully open leadership doubles its front-line diagnosis; "
            "at 0 there is no re-diagnosis; not calibrated (issue 11)"
        ),
    ),
    _v2(
        "arrival_economy",
        0.3,
        0.0,
        1.0,
        "rate",
        "elasticity",
        "how new problems grow with economic activity: arrivals times 1 + this x (relative change of the economy's real performance)",
        "MODEL.md §4 (problems arise with economic activity); paper §3(二) 开发区和产业园区 '汇聚大量人流、物流'",
        "经济活动致问题弹性",
        (
            "hand-set: an economy 40% better brings 12% more new problems (more firms, projects and "
            "people); at 0 arrivals are fixed; not calibrated (issue 11)"
        ),
    ),
    _v2(
        "visit_rate",
        0.15,
        0.0,
        0.5,
        "rate",
        "per month",
        "monthly chance a department sends cadres on a learning visit, at full openness and learning openness",
        "paper §3(三) '带着干部省内学习、市内学习'",
        "学习考察频率",
        "about two visits a year per department in an open county",
    ),
    _v2(
        "monitoring_rate",
        0.05,
        0.0,
        0.5,
        "rate",
        "per month",
        "hazard a closure on paper is caught, at full PM maturity",
        "Bevan & Hood 2006; paper §3(六) 重点督查",
        "监控发现率",
        (
            "hand-set: a mature PM system catches about a twentieth "
            "of closures on paper a month; not calibrated (issue 11)"
        ),
        "5 (public value)",
    ),
    _v2(
        "citizen_verification",
        0.75,
        0.0,
        1.0,
        "rate",
        "share",
        "share of monitoring's checks that rely on residents' testimony (回访, satisfaction calls): behind "
        "closed channels that share of the checks cannot find a closure on paper",
        "paper §3(六) '群众满意度…第三方评估'; Bevan & Hood 2006; Fung 2006",
        "群众核验比重",
        (
            "hand-set: in a county's inspections most checks of a closed work order ask the residents "
            "(return visits, satisfaction calls), so closed channels blind most of them; 0 leaves "
            "monitoring as blind to channels as before version 0.4.0. Chosen with pattern 5 in view "
            "(closed-channel gap 0.046, 0.058, 0.071 at 0.5, 0.75, 1 over 100 seeds from root 2025): not calibrated"
        ),
        "5 (public value)",
    ),
    _v2(
        "campaign_trigger",
        40,
        5,
        200,
        "rate",
        "problems",
        "problems this top leader's front-line diagnosis must list before the top leader launches the two campaigns (with `campaigns_follow_start`)",
        "paper §3(一) '识别出其面临的主客观压力，明确问题和差距并发起两项活动'",
        "专项活动触发问题数",
        "the campaigns follow the naming of problems, a few months into the term, not the launch itself",
        kind="int",
    ),
    _v2(
        "complaint_exposure",
        5.0,
        1.0,
        10.0,
        "rate",
        "multiplier",
        "how much more readily residents' complaints expose a problem declared solved that is not than a hidden one",
        "paper §3(一) 12345热线, 群众满意度大走访; Bevan & Hood 2006 (gaming is caught where users see the service)",
        "投诉纠偏倍数",
        "a closure on paper is a claim residents can contradict; five times the listing hazard catches about a tenth a month where a twentieth of residents complain",
        "5 (public value)",
    ),
    _v2(
        "pm_build",
        0.03,
        0.0,
        0.2,
        "rate",
        "per month",
        "speed at which a launched leadership builds the PM system (x pm_strength)",
        "paper §3(六) 政府绩效管理体系的搭建",
        "绩效体系建设速度",
        (
            "hand-set: a launched leadership at the default pm_strength "
            "builds PM over several years; not calibrated (issue 11)"
        ),
        "4 (PM)",
    ),
    _v2(
        "voice_cost",
        0.8,
        0.2,
        1.0,
        "rate",
        "grievance units",
        "cost of voice with channels closed (open channels halve it or more)",
        "Epstein 2002 (grievance against a cost); paper §3(一) 12345",
        "表达成本",
        (
            "hand-set: with channels closed voice costs most of a full grievance "
            "(Epstein 2002); open channels halve it or more; not calibrated (issue 11)"
        ),
    ),
    _v2(
        "cross_township_ties",
        0.2,
        0.0,
        1.0,
        "condition",
        "share",
        "share of citizens' word-of-mouth ties that cross townships",
        "Deffuant et al. 2000; docs/MODEL.md §4 Citizens",
        "跨乡镇联系",
        "hand-set: a fifth of word-of-mouth ties cross townships, most stay local; not calibrated (issue 11)",
        "confidence bound binds",
    ),
    _v2(
        "stagger_terms",
        False,
        None,
        None,
        "switch",
        "on/off",
        "leaders' terms end one by one across the term instead of all at once",
        "docs/MODEL.md §3 (terms may be staggered)",
        "任期错开",
        "joint turnover is the paper's two teams (上下两届领导班子)",
        kind="bool",
    ),
    _v2(
        "measured_balance",
        False,
        None,
        None,
        "switch",
        "on/off",
        "the trap balance holds the total burden at its target through the spin-up and sets arrivals to the hidden "
        "stock's measured monthly outflow over its last spin_up - 12 months; off: arrivals = (mean listing hazard + "
        "obsolescence) x the hidden burden left at month 0",
        "docs/ODD.md §5.3; §13 (the trap balance)",
        "实测平衡",
        "off keeps version 0.4's results; on (with spin_up 48) keeps 97-99% of status_quo seeds within 0.05 of their "
        "start where off keeps 86-88% (docs/ODD.md §13); the default changes with the next results-changing release",
        pattern="1 (trap)",
        kind="bool",
    ),
    # --- pattern 8's ablations and the mean-field twin (switches; `county-sim ablate`) -----------------
    _v2(
        "ablate_top_leader",
        False,
        None,
        None,
        "switch",
        "on/off",
        "the top leader (一把手) is a person of the team's mean: resolve, values, skill and vision set to the team's average",
        "paper §3(四) '县委书记…决定了我们这个地方…的发展' (FT19); docs/MODEL.md §7 pattern 8",
        "一把手取平均",
        "an ablation: does the particular top leader matter?",
        "8 (ablation)",
        kind="bool",
    ),
    _v2(
        "ablate_role_models",
        False,
        None,
        None,
        "switch",
        "on/off",
        "no recognition of role models: a department's best contributor pulls no one",
        "paper §3(一) 明树典型; docs/MODEL.md §7 pattern 8",
        "取消典型带动",
        "an ablation: do role models matter?",
        "8 (ablation)",
        kind="bool",
    ),
    _v2(
        "ablate_task_force_targeting",
        False,
        None,
        None,
        "switch",
        "on/off",
        "task forces are convened for cross-department problems at random, not for the most pressing",
        "paper §3(二) 工作专班; §3(四) 召集相关部门; docs/MODEL.md §7 pattern 8",
        "专班随机组建",
        "an ablation: does convening for the problems that need it matter?",
        "8 (ablation)",
        kind="bool",
    ),
    _v2(
        "ablate_townships",
        False,
        None,
        None,
        "switch",
        "on/off",
        "complaints and proposals lose their place: they list problems of their domain anywhere in the county",
        "paper §3(一) 12345热线; docs/MODEL.md §7 pattern 8",
        "诉求不分乡镇",
        "an ablation: does it matter that complaints name their township?",
        "8 (ablation)",
        kind="bool",
    ),
    _v2(
        "mean_field",
        False,
        None,
        None,
        "switch",
        "on/off",
        "the mean-field twin: every agent attribute replaced by its population mean each month, ties by complete mixing, portfolios pooled, problems of mean difficulty experienced county-wide; process noise kept",
        "Epstein 2006 (generative social science: what the agents add); docs/MODEL.md §7 pattern 8",
        "平均场对照",
        "the same engine with heterogeneity and structure switched off",
        "8 (ablation)",
        kind="bool",
    ),
    # --- classifier (Model 2, docs/MODEL.md §6) ---------------------------------------------------------
    _v2(
        "start_engaged",
        2,
        1,
        20,
        "classifier",
        "departments",
        "departments that must be engaged, with reform launched, for the start",
        "docs/MODEL.md §6 start",
        "启动参与部门数",
        "hand-set: two engaged departments, so that one department alone does not make a start",
        kind="int",
    ),
    _v2(
        "activation_share",
        0.5,
        0.2,
        0.9,
        "classifier",
        "share",
        "engaged share of departments that marks activation (the cascade tips)",
        "docs/MODEL.md §6 activate",
        "激活参与比例",
        "a majority of departments engaged, as docs/MODEL.md §6 states (the cascade tips)",
    ),
    _v2(
        "relapse_engaged",
        0.25,
        0.0,
        0.6,
        "classifier",
        "share",
        "after delivery, an engaged share below this for `relapse_months` is a relapse",
        "docs/MODEL.md §6 relapse",
        "回落参与比例",
        "hand-set: a quarter of departments engaged, half the activation share, marks a relapse",
    ),
    _v2(
        "relapse_months",
        12,
        1,
        60,
        "classifier",
        "months",
        "months the engaged share must stay low to count as relapse",
        "docs/MODEL.md §6 relapse",
        "回落持续月数",
        "hand-set to a year, so that a passing dip does not count as relapse",
        kind="int",
    ),
]
_PARAMS += _PARAMS_V2


PARAMS: dict[str, Param] = {p.name: p for p in _PARAMS}
DEFAULTS: dict[str, float | int | bool] = {p.name: p.default for p in _PARAMS}
SIZE_PARAMS: tuple[str, ...] = tuple(p.name for p in _PARAMS if p.group == "size")

"""Every model parameter in one typed place: default, range, unit, meaning, source.

The registry is the single source of truth for scenario validation, `county-sim params`,
the ODD glossary and (later) experiment designs. Paper references use the section numbers of
Bao & Liu (2025) as printed in `shared/seed/bao-liu-2025-county-performance.txt`:
"§3(一)" is 三、(一), "§4(二)" is 四、(二), "§5" is 五、结论与展望.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["float", "int", "bool"]
Group = Literal["size", "lever", "condition", "coupling", "rate", "switch", "classifier"]

#: Policy domains; departments are assigned round-robin, citizens weigh them differently.
DOMAINS: tuple[str, ...] = ("economy", "public_services", "infrastructure", "administration")

#: The five subsystems, in the order their rules run each step (MODEL_SPEC §3).
SUBSYSTEMS: tuple[str, ...] = ("DI", "CL", "GC", "ME", "AI")
SUBSYSTEM_NAMES: dict[str, tuple[str, str]] = {
    "DI": ("drive–input", "驱动—投入"),
    "CL": ("coordination–linkage", "协同—联动"),
    "GC": ("guidance–change", "指引—变革"),
    "ME": ("management–execution", "管理—执行"),
    "AI": ("adaptation–interaction", "适应—互动"),
}

#: The ten named couplings of MODEL_SPEC §4 (Figure 4 of the paper).
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


def _p(name, default, low, high, kind, group, unit, meaning, source, zh=""):
    return Param(name, default, low, high, kind, group, unit, meaning, source, zh)


_LEVEL = "level 0–1"
_RATE = "per month"

_PARAMS: list[Param] = [
    # --- sizes -------------------------------------------------------------------------
    _p("n_leaders", 7, 1, 30, "int", "size", "agents", "county leadership team (top leader first)",
       "MODEL_SPEC §2; paper §3(四) 县委书记与领导班子", "领导班子"),
    _p("n_departments", 16, 4, 200, "int", "size", "agents", "functional bureaus, round-robin over 4 domains",
       "MODEL_SPEC §2; paper §3(四) 部门", "职能部门"),
    _p("n_cadres", 320, 4, 20000, "int", "size", "agents", "civil servants, spread over departments",
       "MODEL_SPEC §2; paper §3(五) 干部", "干部"),
    _p("n_citizens", 1000, 10, 100000, "int", "size", "agents", "residents, spread over townships",
       "MODEL_SPEC §2; paper §3(一) 群众", "群众"),
    _p("n_townships", 10, 1, 200, "int", "size", "units", "townships citizens live in",
       "MODEL_SPEC §2", "乡镇"),
    _p("citizen_ties", 6, 0, 30, "int", "size", "ties per citizen", "word-of-mouth ties inside a township",
       "Deffuant et al. 2000 (bounded confidence)", "口碑联系"),
    _p("term_length", 60, 12, 600, "int", "size", "months", "leadership term; the team changes at its end",
       "MODEL_SPEC §2; paper §2(一) 上下两届领导班子薪火相传", "任期"),
    # --- levers (what a county or its superiors choose) ------------------------------------
    _p("reform_resolve", 0.85, 0.0, 1.0, "float", "lever", _LEVEL, "the new leadership's resolve to change things this term",
       "paper §3(四) '我确确实实想在这一届位置上做出一些东西'", "改革决心"),
    _p("successor_resolve", 0.4, 0.0, 1.0, "float", "lever", _LEVEL, "resolve of the team that follows at the end of a term",
       "paper §2(一) 上下两届领导班子薪火相传", "继任者决心"),
    _p("assessment_pressure", 0.5, 0.0, 1.0, "float", "lever", _LEVEL, "pressure from higher-level assessment and competing counties",
       "paper §3(四) 竞争考核压力; §4(一) 多重竞争关系", "考核压力"),
    _p("inertia", 0.6, 0.0, 1.0, "float", "lever", _LEVEL, "backward concepts: drive needed to start (等靠要)",
       "paper §3(一) 观念与认知的落后是首要因素; Emerson et al. 2012 prop. 1", "观念惰性"),
    _p("resource_introduction", 0.6, 0.0, 1.0, "float", "lever", _LEVEL, "effort and success in bringing in talent, funds, land, policy",
       "paper §3(二) 多种资源的引入整合", "资源引入"),
    _p("fault_tolerance", 0.7, 0.0, 1.0, "float", "lever", _LEVEL, "protection of cadres who try and fail (容错纠错)",
       "paper §3(二) 激励平台 '让干事者无忧、担当者无虑'", "容错纠错"),
    _p("performance_pay", 0.6, 0.0, 1.0, "float", "lever", _LEVEL, "share of pay tied to assessed performance",
       "paper §3(二) '底薪+绩效奖金、绩效奖金高于底薪'; Holmström & Milgrom 1991", "绩效薪酬"),
    _p("promotion_by_merit", 0.5, 0.0, 1.0, "float", "lever", _LEVEL, "weight of recorded achievements in promotion",
       "paper §3(二) 凭'实绩'用人; Li & Zhou 2005; Pang, Keng & Zhang 2023", "凭实绩用人"),
    _p("pm_strength", 0.7, 0.0, 1.0, "float", "lever", _LEVEL, "investment in the performance-management system",
       "paper §3(六) 政府绩效管理体系的搭建; §5 第三 '利器'", "绩效管理投入"),
    _p("channel_openness", 0.7, 0.0, 1.0, "float", "lever", _LEVEL, "openness of citizens' channels (12345, visits, proposals)",
       "paper §3(一) 12345热线、群众满意度大走访; §3(三) 人大政协", "民意渠道开放度"),
    _p("learning_openness", 0.6, 0.0, 1.0, "float", "lever", _LEVEL, "learning from developed counties and outside experts",
       "paper §3(三) '带着干部省内学习…跑了发达的市'", "学习开放度"),
    _p("training", 0.5, 0.0, 1.0, "float", "lever", _LEVEL, "training and front-line postings for cadres",
       "paper §3(五) 业务培训、选派干部到一线锻炼", "干部培训"),
    _p("campaign_strength", 0.6, 0.0, 1.0, "float", "lever", _LEVEL, "strength of the campaigns leaders launch once the process starts",
       "paper §3(一) 作风建设年 and 解放思想大讨论", "专项活动力度"),
    # --- conditions (what the county starts from) ---------------------------------------
    _p("initial_resources", 0.3, 0.0, 1.0, "float", "condition", _LEVEL, "starting fiscal and material resources",
       "paper §3(二) 财政收入有限", "初始资源"),
    _p("initial_capacity", 0.3, 0.0, 1.0, "float", "condition", _LEVEL, "starting mean department capacity",
       "paper §3(五) 治理能力不足", "初始部门能力"),
    _p("initial_performance", 0.3, 0.05, 1.0, "float", "condition", _LEVEL, "starting real performance in every domain",
       "paper §2(一) 绩效水平持续低迷", "初始绩效"),
    _p("initial_motivation", 0.3, 0.0, 1.0, "float", "condition", _LEVEL, "starting mean cadre motivation",
       "paper §3(一) 干部作风懒散", "初始积极性"),
    _p("initial_competence", 0.35, 0.0, 1.0, "float", "condition", _LEVEL, "starting mean cadre competence",
       "paper §3(三) 干部队伍能力相对薄弱", "初始能力"),
    _p("initial_discipline", 0.4, 0.0, 1.0, "float", "condition", _LEVEL, "starting mean cadre work-style discipline",
       "paper §2(一) 领导干部的作风问题逐渐显露", "初始作风"),
    _p("initial_pm_maturity", 0.1, 0.0, 1.0, "float", "condition", _LEVEL, "starting maturity of each PM component",
       "paper §3(六) 绩效管理水平明显落后", "初始绩效管理成熟度"),
    _p("initial_openness", 0.2, 0.0, 1.0, "float", "condition", _LEVEL, "starting organisational openness",
       "paper §3(三) 行政环境较为闭塞", "初始开放度"),
    _p("initial_public_value", 0.15, 0.0, 1.0, "float", "condition", _LEVEL, "starting public-value clarity",
       "paper §4(一) 忽视公共价值", "初始公共价值清晰度"),
    _p("initial_ties", 0.1, 0.0, 1.0, "float", "condition", _LEVEL, "starting mean tie strength between departments",
       "paper §3(二) 守住'一亩三分地'", "初始部门联系"),
    _p("initial_silo", 0.7, 0.0, 1.0, "float", "condition", _LEVEL, "starting silo tendency of departments",
       "paper §3(二) 一亩三分地; §3(三) 各自为政", "初始本位主义"),
    _p("initial_action_base", 0.05, 0.0, 1.0, "float", "condition", _LEVEL, "starting action base (platforms, incentive system)",
       "paper §4(一) 行动基础", "初始行动基础"),
    _p("economy_bias", 0.6, 0.0, 1.0, "float", "condition", _LEVEL, "how far leaders' priorities start toward the economy (唯GDP)",
       "paper 引言 '唯GDP'导向和压力型体制", "经济偏向"),
    _p("benchmark_performance", 0.75, 0.05, 1.0, "float", "condition", _LEVEL, "the developed neighbour's performance at month 0",
       "paper §3(三) 与发达县区对比找出短板", "标杆县绩效"),
    _p("shock_volatility", 0.1, 0.0, 0.5, "float", "condition", "log-units per month",
       "volatility of the county's economic and fiscal conditions (AR(1) shock on resources)",
       "paper §3(二) 财政收入有限; persistent AR(1) shocks as in Hamilton 1994 ch. 3", "经济波动"),
    _p("benchmark_growth", 0.05, 0.0, 1.0, "float", "condition", "share of remaining headroom per year",
       "how fast the benchmark county keeps improving", "paper §3(一) '其他兄弟县区都在不断的发展'", "标杆增长"),
    # --- couplings (MODEL_SPEC §4) ------------------------------------------------------
    _p("k_DI_CL", 0.7, 0.0, 1.0, "float", "coupling", "weight 0–1", "the action base (platforms, task forces) enables linkage",
       "paper §3(二) 工作专班、工作线; Fig. 4", "驱动投入→协同联动"),
    _p("k_DI_ME", 0.7, 0.0, 1.0, "float", "coupling", "weight 0–1", "inputs reach execution and key actions",
       "paper §3(五) 关键行动带来大量资源; Fig. 4", "驱动投入→管理执行"),
    _p("k_CL_ME", 0.7, 0.0, 1.0, "float", "coupling", "weight 0–1", "leadership and linkage carry cross-department execution",
       "paper §3(四) '一次不行两次、两次不行三次'; Fig. 4", "协同联动→管理执行"),
    _p("k_GC_ME", 0.7, 0.0, 1.0, "float", "coupling", "weight 0–1", "public value aligns indicators and prevents goal displacement",
       "paper §4(一) 公共价值 '持续纠正并预防绩效偏差'; Fig. 4", "指引变革→管理执行"),
    _p("k_GC_CL", 0.7, 0.0, 1.0, "float", "coupling", "weight 0–1", "shared values ease coordination",
       "paper §3(一) 凝聚和构建新的'共识'; Fig. 4", "指引变革→协同联动"),
    _p("k_ME_DI", 0.7, 0.0, 1.0, "float", "coupling", "weight 0–1", "evaluation feedback finds new problems and renews drive",
       "paper §4(二) 监督、评价…持续发现绩效差距…反馈到各阶段; Fig. 4", "管理执行→驱动投入"),
    _p("k_ME_GC", 0.7, 0.0, 1.0, "float", "coupling", "weight 0–1", "results turn practices into standing rules",
       "paper §3(五) 将经验做法凝结为固定的工作机制和长效制度; Fig. 4", "管理执行→指引变革"),
    _p("k_AI_DI", 0.7, 0.0, 1.0, "float", "coupling", "weight 0–1", "outside interaction brings new activation points and resources",
       "paper §4(二) 与系统环境的互动持续探寻新的绩效改进激活点; Fig. 4", "适应互动→驱动投入"),
    _p("k_AI_GC", 0.7, 0.0, 1.0, "float", "coupling", "weight 0–1", "participation feeds public value",
       "paper §3(三) 代表委员…收集与'公共价值'相关的有效信息; Fig. 4", "适应互动→指引变革"),
    _p("k_CL_AI", 0.7, 0.0, 1.0, "float", "coupling", "weight 0–1", "leadership opens the county to learning and participation",
       "paper §3(三) 打通…领导班子间…的沟通渠道; Fig. 4", "协同联动→适应互动"),
    # --- calibrated rates (behavioural constants, exposed for screening) -------------------
    _p("drive_gap_weight", 0.3, 0.0, 1.0, "float", "rate", "weight", "weight of the gap to the benchmark in drive",
       "MODEL_SPEC §3 Drive a_gap; paper §3(一) 明确问题和差距", "差距驱动权重"),
    _p("drive_pressure_weight", 0.3, 0.0, 1.0, "float", "rate", "weight", "weight of assessment pressure in drive",
       "MODEL_SPEC §3 Drive a_press", "压力驱动权重"),
    _p("drive_resolve_weight", 0.45, 0.0, 1.0, "float", "rate", "weight", "weight of leaders' resolve in drive",
       "MODEL_SPEC §3 Drive a_lead; paper §2(一) 新一届领导班子", "决心驱动权重"),
    _p("resolve_fatigue", 0.04, 0.0, 0.2, "float", "rate", _RATE, "share of leaders' resolve lost each month without small wins",
       "Ansell & Gash 2008 (small wins sustain commitment)", "决心衰减"),
    _p("build_rate", 0.06, 0.0, 0.5, "float", "rate", _RATE, "speed at which active stocks (action base, PM, ties) build",
       "Repenning & Sterman 2002 (capability accumulates with delay)", "蓄力速率"),
    _p("stock_decay", 0.01, 0.0, 0.2, "float", "rate", _RATE, "decay of uninstitutionalised stocks when not maintained",
       "Repenning & Sterman 2002 (capability erodes)", "存量衰减"),
    _p("peer_influence", 0.15, 0.0, 1.0, "float", "rate", _RATE, "pull of a cadre's motivation toward its department peers",
       "MODEL_SPEC §3 Cadre effort; paper §3(一) 营造创先争优的工作氛围", "同伴影响"),
    _p("gaming_propensity", 0.4, 0.0, 1.0, "float", "rate", "share", "how much unwatched pressure turns into inflated reports",
       "Bevan & Hood 2006 (output distortion)", "数据造假倾向"),
    _p("brain_drain", 0.01, 0.0, 0.2, "float", "rate", _RATE, "monthly chance a competent cadre leaves an unattractive county",
       "paper §3(三) 高素质人才的流失", "人才流失"),
    _p("performance_lag", 0.06, 0.01, 1.0, "float", "rate", _RATE, "speed at which real performance follows output",
       "Repenning & Sterman 2002 (delay between effort and results)", "绩效时滞"),
    _p("expectation_adaptation", 0.05, 0.0, 1.0, "float", "rate", _RATE, "speed at which citizens' expectations follow experience",
       "Van Ryzin 2004 (adaptive expectations)", "期望调整"),
    _p("trust_loss_ratio", 3.0, 1.0, 10.0, "float", "rate", "ratio", "trust is lost this many times faster than gained",
       "Slovic 1993 asymmetry; MODEL_SPEC §3 Citizens", "信任损失倍数"),
    _p("opinion_confidence", 0.3, 0.0, 1.0, "float", "rate", "satisfaction distance", "bounded-confidence range of word of mouth",
       "Deffuant et al. 2000", "意见信任区间"),
    # --- switches -----------------------------------------------------------------------
    _p("campaigns_follow_start", True, None, None, "bool", "switch", "on/off", "leaders launch rectification and emancipation once drive starts",
       "paper §3(一) 发起两项活动", "启动后开展专项活动"),
    _p("freeze_pm_maturity", False, None, None, "bool", "switch", "on/off", "hold PM maturity at its initial value (the frozen_pm scenario)",
       "MODEL_SPEC §6 pattern 4", "冻结绩效管理成熟度"),
    # --- trajectory classifier (MODEL_SPEC §5) ---------------------------------------------
    _p("motivation_departure", 0.02, 0.0, 0.5, "float", "classifier", "motivation units", "rise of mean motivation that marks the start",
       "MODEL_SPEC §5 start", "积极性启动阈值"),
    _p("build_gain", 0.05, 0.0, 0.5, "float", "classifier", "capacity-index units", "rise of the capacity index that marks build",
       "MODEL_SPEC §5 build", "蓄力阈值"),
    _p("activation_threshold", 0.45, 0.0, 1.0, "float", "classifier", _LEVEL, "level a subsystem must reach to count as activated",
       "MODEL_SPEC §5 activate", "激活阈值"),
    _p("activation_count", 3, 1, 5, "int", "classifier", "subsystems", "how many subsystems must be activated together",
       "MODEL_SPEC §5 activate", "激活子系统数"),
    _p("deliver_share", 0.5, 0.05, 1.0, "float", "classifier", "share of gap", "share of the gap to the benchmark closed to deliver",
       "MODEL_SPEC §5 deliver", "发力阈值"),
    _p("deliver_hold", 6, 1, 60, "int", "classifier", "months", "months the closure must hold to count as delivered",
       "MODEL_SPEC §5 deliver", "发力保持期"),
    _p("relapse_margin", 0.15, 0.0, 1.0, "float", "classifier", "share of gap", "drop below the deliver share that counts as relapse",
       "MODEL_SPEC §5 relapse", "回落幅度"),
]

PARAMS: dict[str, Param] = {p.name: p for p in _PARAMS}
DEFAULTS: dict[str, float | int | bool] = {p.name: p.default for p in _PARAMS}
SIZE_PARAMS: tuple[str, ...] = tuple(p.name for p in _PARAMS if p.group == "size")

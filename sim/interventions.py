"""The intervention registry: everything a scenario or a policy file can schedule at a month.

Each kind is one small, documented object (in the spirit of Covasim's interventions): its name, what
it models, the paper passage it stands for, its typed fields (range or choices, default, meaning), the
state or parameters it touches, and the rule that applies it (`sim.rules.turnover.EVENT_RULES`, looked
up by name). The four original event kinds (higher_level_visit, rectification_campaign,
emancipation_campaign, leadership_change) are entries here with their field names unchanged.

Timing (ODD §3 scheduling): an intervention at month t acts at the start of month t, after the end of
a term and before the campaigns due and the subsystem rules; so every recorded value up to month
t - 1 is the base run's. A ramp over k months acts at months t .. t + k - 1. Interventions act on one
run of a batch at a time and draw no random numbers (except a leadership change, which draws the new
team as the term turnover does), so paired runs share their random streams (common random numbers).

Paper references use Bao & Liu (2025) section numbers: "§3(一)" is 三、(一).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .params import PARAMS


@dataclass(frozen=True)
class EventField:
    """One field of an intervention: a number in [low, high], an integer (`integer`), or a name
    from `choices`; `default` None means required. `scale` ties a number's range to the lever named
    in another field: "lever" (the lever's own range) or "lever_span" (plus or minus its width)."""

    low: float
    high: float
    default: float | str | None
    meaning: str
    choices: tuple[str, ...] = ()
    integer: bool = False
    scale: str = ""
    lever: bool = False  # the value names a lever (checked by `lever_problem`)

    def describe(self) -> str:
        """The allowed values in words, for listings and error messages."""
        if self.lever:
            return "a lever name (see the list of levers)"
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.scale == "lever":
            return "a value in the lever's range"
        if self.scale == "lever_span":
            return "a change within ± the lever's range width"
        kind = "an integer" if self.integer else "a number"
        return f"{kind} in [{_fmt(self.low)}, {_fmt(self.high)}]"


@dataclass(frozen=True)
class EventKind:
    """One kind of intervention (kept under its old name, `EventKind`, for `sim.scenario`)."""

    name: str
    meaning: str
    source: str
    fields: dict[str, EventField]
    group: str = ""
    touches: tuple[str, ...] = ()
    zh: str = ""
    example: dict[str, float | str] = field(default_factory=dict)

    @property
    def rule(self) -> Callable:
        """The function that applies it to run b (`sim.rules.turnover.EVENT_RULES[name]`)."""
        from .rules.turnover import EVENT_RULES

        return EVENT_RULES[self.name]

    @property
    def numeric(self) -> bool:
        """True if every field is a plain number (no choices, no integers, no lever-relative range)."""
        return all(not f.choices and not f.integer and not f.scale for f in self.fields.values())


def _fmt(v: float) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


#: Conditions that only set the county up at month 0 (no rule reads them later): changing them in the
#: middle of a run would do nothing, so an intervention may not name them (set them in [params]).
START_ONLY: tuple[str, ...] = (
    "initial_capacity",
    "initial_motivation",
    "initial_pm_maturity",
    "initial_public_value",
    "initial_ties",
    "initial_action_base",
    "economy_bias",
    "benchmark_performance",
    "initial_performance",  # also the reference level of output saturation: a mid-run change is not a policy
)

#: Levers that only seed a state at month 0; an intervention that changes them moves that state by the
#: same amount (clipped to [0, 1]), so that "resolve up by 0.2 at month 30" means what it says.
STATE_LEVERS: dict[str, str] = {
    "reform_resolve": "leader_resolve",
    "inertia": "inertia_threshold",
    "leader_vision": "leader_vision",  # sitting leaders' vision (Model 2); successors are drawn around the new value
}

#: What a lever intervention may change: every float parameter that is a lever, condition, coupling
#: or rate and that the rules read during a run (or that seeds a state, see STATE_LEVERS).
LEVERS: tuple[str, ...] = tuple(
    name
    for name, p in PARAMS.items()
    if p.kind == "float" and p.group in ("lever", "condition", "coupling", "rate") and name not in START_ONLY
)


def lever_problem(name: object) -> str | None:
    """None if `name` may be changed by an intervention, else why not (one clause)."""
    if name in LEVERS:
        return None
    if not isinstance(name, str) or name not in PARAMS:
        return (
            "must be the name of a float lever, condition, coupling or rate that the rules read during a run"
            f" (`county-sim interventions` lists them) (got {name!r})"
        )
    p = PARAMS[name]
    if name in START_ONLY:
        return (
            f"'{name}' only sets the county up at month 0, so changing it later would do nothing;"
            " set it in [params] or with --set instead"
        )
    if p.group == "classifier":
        return f"'{name}' is a threshold of the trajectory classifier, not part of the county"
    return f"'{name}' is a {p.kind} {p.group} parameter; interventions change float parameters only"


_STRENGTH = EventField(0.0, 1.0, 0.6, "campaign strength")
_LEVER = EventField(0.0, 0.0, None, "the parameter to change", choices=LEVERS, lever=True)


def _kinds() -> list[EventKind]:
    return [
        # --- drive ---------------------------------------------------------------------------------
        EventKind(
            "higher_level_visit",
            "a visit or instruction from above: a pulse of drive that fades over months",
            "paper §2(一) 2013年11月…赴L县视察; Emerson et al. 2012 (consequential incentives)",
            {"strength": EventField(0.0, 1.0, 0.3, "size of the drive pulse")},
            group="drive",
            touches=("event_drive", "drive"),
            zh="上级视察",
            example={"strength": 0.3},
        ),
        # --- campaigns -----------------------------------------------------------------------------
        EventKind(
            "rectification_campaign",
            "work-style rectification (作风建设年): discipline up, some lax cadres removed",
            "paper §3(一) '作风建设年'活动…及时发现并查处一批干部",
            {"strength": _STRENGTH},
            group="campaign",
            touches=("cadre_discipline", "cadre_motivation", "cadre_competence"),
            zh="作风建设年",
            example={"strength": 0.8},
        ),
        EventKind(
            "emancipation_campaign",
            "emancipation of thinking (解放思想大讨论): openness and motivation up, inertia down",
            "paper §3(一) '解放思想大讨论'活动",
            {"strength": _STRENGTH},
            group="campaign",
            touches=("openness", "cadre_motivation", "inertia_threshold"),
            zh="解放思想大讨论",
            example={"strength": 0.8},
        ),
        EventKind(
            "stop_campaigns",
            "campaigns are called off: those pending are cancelled and none follow a later start",
            "paper §3(一) 两项活动 (read in reverse: a county that does without them)",
            {},
            group="campaign",
            touches=("campaign_due", "campaigns_follow_start"),
            zh="停止专项活动",
        ),
        # --- levers --------------------------------------------------------------------------------
        EventKind(
            "set_lever",
            "set a lever, condition, coupling or rate to a value from this month on",
            "docs/MODEL.md §5 levers; paper §3(二)–(六) (the county's and its superiors' choices)",
            {"lever": _LEVER, "value": EventField(0.0, 1.0, None, "the new value", scale="lever")},
            group="lever",
            touches=("the named parameter", "leader_resolve (reform_resolve)", "inertia_threshold (inertia)"),
            zh="设定政策杠杆",
            example={"lever": "pm_strength", "value": 0.95},
        ),
        EventKind(
            "add_lever",
            "add to (or, negative, take from) a lever; the result is kept inside the lever's range",
            "docs/MODEL.md §5 levers",
            {"lever": _LEVER, "delta": EventField(-1.0, 1.0, None, "the change", scale="lever_span")},
            group="lever",
            touches=("the named parameter", "leader_resolve (reform_resolve)", "inertia_threshold (inertia)"),
            zh="调整政策杠杆",
            example={"lever": "training", "delta": 0.3},
        ),
        EventKind(
            "ramp_lever",
            "move a lever in equal monthly steps from its current value to `value` over `months` months",
            "docs/MODEL.md §5 levers; paper §3(四) '一年打基础、两年上台阶、三年大变样' (reforms phased in)",
            {
                "lever": _LEVER,
                "value": EventField(0.0, 1.0, None, "the value reached at the last month", scale="lever"),
                "months": EventField(1, 600, 12, "months the ramp takes (1: at once)", integer=True),
            },
            group="lever",
            touches=("the named parameter", "leader_resolve (reform_resolve)", "inertia_threshold (inertia)"),
            zh="逐步调整政策杠杆",
            example={"lever": "performance_pay", "value": 0.95, "months": 6},
        ),
        # --- citizens' channels --------------------------------------------------------------------
        EventKind(
            "open_channel",
            "open citizens' channels (12345 hotline, satisfaction visits, deputies' proposals) to at least `openness`",
            "paper §3(一) 12345政府服务热线、'群众满意度大走访'; §3(三) 人大政协、疏通群众参与渠道",
            {"openness": EventField(0.0, 1.0, 0.7, "channel openness from this month on (never lowers it)")},
            group="channel",
            touches=("channel_openness", "voice_rate", "participation_rate"),
            zh="开放民意渠道",
            example={"openness": 0.9},
        ),
        EventKind(
            "close_channel",
            "close citizens' channels down to at most `openness`",
            "paper §3(一) (read in reverse); §5 第五 公共价值作为底层逻辑",
            {"openness": EventField(0.0, 1.0, 0.0, "channel openness from this month on (never raises it)")},
            group="channel",
            touches=("channel_openness", "voice_rate", "participation_rate"),
            zh="关闭民意渠道",
            example={"openness": 0.0},
        ),
        # --- learning --------------------------------------------------------------------------------
        EventKind(
            "learning_visit",
            "cadres visit developed counties: competence and capacity move toward the benchmark's, openness"
            " rises and the comparison names new problems",
            "paper §3(三) '带着干部省内学习、市内学习…跑了发达的市，让他们去看'; 与发达县区对比找出短板",
            {"strength": EventField(0.0, 1.0, 0.5, "how much a visit changes (1: a long, intensive study tour)")},
            group="learning",
            touches=("cadre_competence", "dept_capacity", "openness", "problems_identified"),
            zh="赴发达地区学习",
            example={"strength": 1.0},
        ),
        # --- resources -------------------------------------------------------------------------------
        EventKind(
            "resource_shock",
            "a resource shock (negative) or windfall (positive): resources lose that share of their level"
            " or gain that share of their headroom, then return to what the economy sustains",
            "paper §3(二) 财政收入有限; 多种资源的引入整合 (a windfall such as a special transfer)",
            {"size": EventField(-1.0, 1.0, None, "share lost (negative) or headroom gained (positive)")},
            group="resources",
            touches=("resources",),
            zh="资源冲击或意外收入",
            example={"size": -0.6},
        ),
        # --- leadership -------------------------------------------------------------------------------
        EventKind(
            "leadership_change",
            "a new leadership team takes over now, with the given profile; it keeps `keeps_practices` of"
            " what only the outgoing team carried, and what was institutionalised stays in any case",
            "paper §2(一) 上下两届领导班子薪火相传",
            {
                "resolve": EventField(0.0, 1.0, None, "the successor team's reform resolve"),
                "public_value": EventField(0.0, 1.0, 0.5, "the successor team's public-value commitment"),
                "collaboration": EventField(0.0, 1.0, 0.5, "the successor team's collaborative skill"),
                "keeps_practices": EventField(
                    0.0,
                    1.0,
                    0.5,
                    "share of the outgoing team's uninstitutionalised practices, priorities and public-value"
                    " clarity the successor keeps (0.5: as at the end of a term)",
                ),
            },
            group="leadership",
            touches=(
                "leader_resolve",
                "leader_public_value",
                "leader_collaboration",
                "priorities",
                "public_value_clarity",
                "dept_practices",
                "action_base",
            ),
            zh="领导班子更替",
            example={"resolve": 0.2, "public_value": 0.3, "collaboration": 0.3, "keeps_practices": 0.0},
        ),
        EventKind(
            "leader_change",
            "one leader is replaced now (leader 0 is the top leader) by one with the given resolve, public"
            " value and collaboration; the rest of the team stays",
            "paper §3(四) 一把手; docs/MODEL.md §4 Leaders (staggered turnover)",
            {
                "leader": EventField(0, 29, 0, "which leader (0: the top leader 一把手)", integer=True),
                "resolve": EventField(0.0, 1.0, None, "the successor's reform resolve"),
                "public_value": EventField(0.0, 1.0, 0.5, "the successor's public-value commitment"),
                "collaboration": EventField(0.0, 1.0, 0.5, "the successor's collaborative skill"),
                "keeps_practices": EventField(
                    0.0, 1.0, 0.5, "share of the practices not yet rules that the departments it supervises keep"
                ),
            },
            group="leadership",
            touches=("leader_resolve", "leader_public_value", "leader_collaboration", "dept_practices"),
            zh="更换单个领导",
            example={"leader": 0, "resolve": 0.3},
        ),
        # --- institutions ------------------------------------------------------------------------------
        EventKind(
            "institutionalise",
            "turn practices into standing rules: institutionalisation closes `share` of its gap to the"
            " departments' mean practice (only what is practised can be made a rule)",
            "paper §3(五) 将工作中积累的经验做法凝结为固定的工作机制和长效制度",
            {"share": EventField(0.0, 1.0, 0.5, "share of the gap between practices and rules closed now")},
            group="institutions",
            touches=("institutionalisation",),
            zh="经验做法制度化",
            example={"share": 1.0},
        ),
    ]


INTERVENTIONS: dict[str, EventKind] = {k.name: k for k in _kinds()}
GROUPS: dict[str, str] = {
    "drive": "drive from above",
    "campaign": "campaigns (start or stop)",
    "lever": "levers, conditions, couplings, rates",
    "channel": "citizens' channels",
    "learning": "learning from developed counties",
    "resources": "resources",
    "leadership": "leadership",
    "institutions": "institutionalisation",
}

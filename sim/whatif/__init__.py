"""Policy what-if: policies (scheduled interventions) applied to scenarios, paired comparisons on
common random numbers, and a report a decision-maker can read (issue 6).

    from sim.whatif import build_variants, compare
    variants = build_variants(["l_county", "l_county:fault_tolerance=0.1"])
    result = compare(variants, seed=0, replicates=50)
    result.differences  # one row per variant and outcome: paired difference, 95% CI, share better
"""

from .compare import OUTCOMES, Comparison, compare
from .variants import Policy, Variant, build_variants, load_policy, parse_spec

__all__ = [
    "OUTCOMES",
    "Comparison",
    "Policy",
    "Variant",
    "build_variants",
    "compare",
    "load_policy",
    "parse_spec",
]

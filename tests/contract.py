"""Names that issue #2 fixes as a contract for later work and outside users (series.csv columns).

Written out literally, not derived from `sim`, so that renaming a measure in the code fails the tests.
"""

FIXED_SERIES_COLUMNS: tuple[str, ...] = (
    "replicate",
    "seed",
    "step",
    "real_performance",
    "assessed_performance",
    "satisfaction",
    "trust",
    "drive",
    "level_DI",
    "level_CL",
    "level_GC",
    "level_ME",
    "level_AI",
    "coupling_C",
    "coupling_T",
    "coupling_D",
    "phase",
    *(
        f"{kind}_performance_{d}"
        for kind in ("real", "assessed")
        for d in ("economy", "public_services", "infrastructure", "administration")
    ),
)

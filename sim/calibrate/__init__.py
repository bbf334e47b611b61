"""Calibration to the patterns (approximate Bayesian computation by rejection on a sweep's store)."""

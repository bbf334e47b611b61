"""Benchmarks of county-sim (issue 4): the speed baseline and the docking reference.

`benchmarks.reference` is the same model written the idiomatic Mesa way (one Python object per
agent, loops over agents, Mesa's DataCollector); it is the baseline the vectorised model in `sim`
is timed against and the independent implementation it is docked with (tests/test_docking.py).
"""

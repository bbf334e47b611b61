"""Model 2 (`model_version = 2`): problems as entities, department engagement as a threshold cascade,
leaders with portfolios, couplings as channels between agent processes, subsystem levels as
read-outs only (docs/MODEL.md; the code is described in docs/ODD.md).

`sim.model.make_engine` picks `engine.Engine2` for scenarios with `model_version = 2`; the rule
modules follow the subsystems: drive_input, coordination_linkage, guidance_change,
management_execution, adaptation_interaction, citizens, plus problems, events, ablation, readout.
"""

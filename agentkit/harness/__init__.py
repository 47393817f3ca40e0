"""The dense-vs-MoE harness behind `agentkit compare`: same agent, two models, diffed.

Read in this order: `run` (a suite through the agents on one model, each run
traced and checked), `diff` (where two runs' decisions part: sequence
alignment), `metrics` (latency and tokens from traces), `summary` (all of it
as one typed object), `report_terminal` and `report_html` (two views of it).
"""

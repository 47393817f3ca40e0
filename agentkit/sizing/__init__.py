"""Sizing a model for a machine (`agentkit fit`): will it fit, and how fast can it decode at best.

All of it is arithmetic on the model's own files.

Read in this order: `parameters` (count them from the safetensors headers or
the config), `kv_cache` (bytes per token of context, and the fixed state of
hybrid models), `chips` (Apple chips' memory bandwidth), `estimate` (weights +
KV cache vs the GPU budget, and the decode ceiling), `command` (`agentkit fit`).
"""

from agentkit.sizing.estimate import FitError, FitReport, decode_ceiling, fit

__all__ = ["FitError", "FitReport", "decode_ceiling", "fit"]

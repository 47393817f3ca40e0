"""agentkit: build LLM agents from scratch against a local mlx_lm.server.

The modules are meant to be read in lesson order; see README.md.
"""

__version__ = "0.1.0"

"""Serving: find a model, render its chat template, start mlx_lm.server, hand out an `Endpoint`.

Read in this order: `models` (what a name means and where its files are:
`model_directory` is the one place that answers), `chat_template` (render the
exact prompt the server builds), `ports`, `backend` (is MLX usable here),
`signals` (SIGTERM unwinds like Ctrl-C), `watchdog` (the server never
outlives agentkit), `hosts` (one model across machines: the `mlx.launch`
command), `server` (`ManagedServer`: start, wait, always stop), `endpoint`
(`--model`, `--url` or `--hosts` into an `Endpoint` that carries the model's
directory and template),
`doctor` and `command` (`agentkit doctor`, `agentkit serve`).
"""

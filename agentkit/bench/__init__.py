"""The benches from the write-ups, and the arithmetic behind them.

People who ran Qwen3.6 on their Macs measured a handful of things by hand;
each is a command here (`agentkit bench NAME`) that runs on any server, prints
a table, and returns a typed result for tests and lessons:

| module | what it measures |
|---|---|
| `speed` | TTFT and decode tok/s on a fixed prompt, cold (first request) vs warm |
| `thinking` | thinking on vs off on a trivial and a hard prompt: tokens and time to the answer |
| `multiturn` | the 10-round pressure test: TTFT and cached tokens per round |
| `concurrency` | 1/2/4/8 requests at once: aggregate tok/s and TTFT |

Read in this order: `prompts` (the fixed inputs), `measure` (what one request
records, and how every request is made the same length), `tables` (units),
then the four benches, then `command` (the CLI).

`cache_report` measures what the server's prompt cache saves over a tool-using
conversation; `multiturn` and lesson 09 run it.

`agentkit fit` (`agentkit/sizing/`) is the arithmetic side: will a model fit,
and how fast can it decode at best.
"""

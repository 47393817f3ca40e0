"""`agentkit compare`: the same agent on a dense and a MoE model, side by side.

The models run one after the other, as they must on a Mac that cannot hold
both: start the server, warm it up, run the whole suite, stop it, then the
other. Both get temperature 0 and the same `AgentConfig`, prompts and tools,
so every difference in the report comes from the models. Each run is traced
(`--out DIR/<model>/<task>-r<N>.jsonl`); the reports are built from those
traces (see `agentkit/harness/`: run, diff, metrics, summary, reports).

    agentkit compare                                   # toy-dense vs toy-moe, default suite, ReAct
    agentkit compare --repeats 3 --out runs/compare    # traces, summary.json, report.html
    agentkit compare --dense-url http://127.0.0.1:8080/v1 --moe-url http://127.0.0.1:8081/v1
    agentkit compare --hosts 127.0.0.1,127.0.0.1      # each model served as two ranks (mlx.launch)

With a URL, the model id sent is the one that server reports (or the one
named with --dense/--moe, checked against the server's list before anything
runs). A server the kit started that dies stops the comparison: the runs
measured so far are written, the rest are listed as not run, exit code 2.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from importlib import metadata
from pathlib import Path

from agentkit.agents.config import AgentConfig
from agentkit.cli_types import at_least, base_url
from agentkit.harness.run import ServerDiedError, TaskRun, run_suite, warm_up
from agentkit.harness.suite import load_suite
from agentkit.harness.summary import CompareSummary, RunSetup, build_summary
from agentkit.trace import read_trace

SEED_NOTE = ("none sent: temperature 0 is greedy decoding, so mlx_lm.server draws no random numbers; "
             "differences between repeats come from batching and floating-point order, not sampling")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dense", default=None,
                        help="dense model (default: toy-dense; with --dense-url: the model that server reports)")
    parser.add_argument("--moe", default=None,
                        help="mixture-of-experts model (default: toy-moe; with --moe-url: the model that server "
                        "reports)")
    parser.add_argument("--dense-url", type=base_url, default=None, help="use a running server for the dense model")
    parser.add_argument("--moe-url", type=base_url, default=None, help="use a running server for the MoE model")
    parser.add_argument("--pattern", choices=["react", "reflection", "plan"], default="react",
                        help="agent pattern for tasks that do not name one (default: %(default)s)")
    parser.add_argument("--suite", default="default", help="suite name under fixtures/suites or a JSON path")
    parser.add_argument("--thinking", choices=["on", "off"], default="off", help="ask for reasoning (default: off)")
    parser.add_argument("--repeats", type=at_least(1), default=1, help="runs of each task per model (default: 1)")
    parser.add_argument("--out", type=Path, default=None,
                        help="write traces, summary.json and report.html here (default: traces in a temp dir)")
    parser.add_argument("--chip", default=None,
                        help="Apple chip (e.g. 'M4 Max') to show decode tok/s as a share of its bandwidth "
                        "ceiling; detected on Apple Silicon Macs")
    from agentkit.serving.endpoint import add_request_timeout_argument
    from agentkit.serving.hosts import add_hosts_arguments

    add_request_timeout_argument(parser)
    add_hosts_arguments(parser)


def this_chip() -> str | None:
    """The Apple chip this Mac runs on ('Apple M4 Max' -> 'M4 Max'), None elsewhere."""
    import platform
    import subprocess

    if platform.system() != "Darwin":
        return None
    try:
        brand = subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True,
                               text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return brand.removeprefix("Apple ").strip() or None


def decode_ceilings(chip: str | None, models: dict[str, str]) -> dict[str, float]:
    """Model label -> decode tok/s ceiling on `chip` (bytes read per token vs bandwidth); {} if unknown."""
    from agentkit.errors import AgentkitError
    from agentkit.sizing.chips import UnknownChipError, chip_bandwidth
    from agentkit.sizing.estimate import decode_ceiling

    if not chip:
        return {}
    try:
        _, bandwidth = chip_bandwidth(chip)
    except UnknownChipError:
        return {}
    ceilings = {}
    for label, model in models.items():
        try:
            ceilings[label] = decode_ceiling(model, bandwidth)
        except (AgentkitError, OSError, ValueError):
            continue  # a server given by URL with no local files: no config to read
    return ceilings


def versions() -> dict[str, str]:
    """Versions of what produced the numbers: the packages (models are recorded by id beside them)."""
    found = {}
    for package in ("mlx", "mlx-lm", "agentkit"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    if found["agentkit"] == "not installed":
        import agentkit  # run from a checkout without `pip install -e .`

        found["agentkit"] = f"{agentkit.__version__} (checkout)"
    return found


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from agentkit.client import OpenAIClient
    from agentkit.errors import AgentkitError
    from agentkit.serving.endpoint import open_endpoint
    from agentkit.serving.hosts import hosts_from_args

    console = Console()
    suite = load_suite(args.suite)
    config = AgentConfig(thinking=args.thinking == "on")
    # Every URL is checked before anything runs: a model a server cannot serve fails now, not after the dense half.
    plan = [model_plan(args.dense, "toy-dense", args.dense_url), model_plan(args.moe, "toy-moe", args.moe_url)]
    if plan[0][0] == plan[1][0]:
        raise AgentkitError(f"Both sides of the comparison are {plan[0][0]!r}.",
                            fix="compare two different models (--dense and --moe), or two servers that serve "
                            "different models")
    hosts = hosts_from_args(args)
    # Not removed at the end: the traces and report.html are the result, and the last line prints where.
    out = args.out or Path(tempfile.mkdtemp(prefix="agentkit-compare-"))
    runs: dict[str, list[TaskRun]] = {label: [] for label, _ in plan}
    model_ids: dict[str, str] = {}
    wall: dict[str, float] = {}
    stopped: str | None = None
    not_run: dict[str, list[str]] = {}
    total = len(suite.tasks) * args.repeats
    # markup=False: a model label or task id like "[/]" is a name, not rich markup.
    with Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        for label, url in plan:
            if stopped:
                not_run[label] = [f"{t.id}-r{r}" for r in range(args.repeats) for t in suite.tasks]
                continue
            bar = progress.add_task(f"{label}: starting server", total=total)
            started = time.perf_counter()
            with open_endpoint(label, url=url, hosts=hosts, request_timeout=args.request_timeout,
                               model_given=url is not None) as endpoint:
                client = OpenAIClient(endpoint)
                model_ids[label] = endpoint.model_id
                progress.update(bar, description=f"{label}: warming up")
                warm_up(client)

                def advance(run: TaskRun, bar=bar, label=label) -> None:
                    # "right": checker passed and the verdict found nothing (never "ok" for a run with problems)
                    mark = "right" if run.outcome == "success" else run.outcome
                    progress.update(bar, advance=1, description=f"{label}: {run.task} {mark}")

                server = endpoint.server
                try:
                    runs[label] = run_suite(client, label, suite, config, out, pattern=args.pattern,
                                            repeats=args.repeats, on_run=advance,
                                            server_died=server.died if server is not None else None)
                except ServerDiedError as died:
                    runs[label], not_run[label], stopped = died.runs, died.not_run, died.message
            wall[label] = time.perf_counter() - started
            progress.update(bar, description=f"{label}: {'stopped' if stopped else 'done'} "
                            f"in {wall[label]:.0f} s")
    summary = summarize(suite.name, args, config, runs, model_ids, wall, stopped=stopped, not_run=not_run)
    publish(summary, out, console)  # the report says it stopped early, and why
    return 2 if stopped else 0


def publish(summary: CompareSummary, out: Path, console) -> None:
    """Write summary.json and report.html, then print the report: nothing on a terminal may lose a result."""
    from agentkit.harness.report_terminal import print_report

    write_outputs(summary, out)
    print_report(summary, console)
    console.print(f"traces, summary.json and report.html: {out}", highlight=False, soft_wrap=True, markup=False)


def model_plan(named: str | None, default: str, url: str | None) -> tuple[str, str | None]:
    """(label, url) for one side: with a URL, the label is the model id that server serves."""
    if url is None:
        return named or default, None
    from agentkit.serving.endpoint import served_model_id

    return served_model_id(url, "not-needed", named, fallback=named or default), url


def summarize(suite_name: str, args: argparse.Namespace, config: AgentConfig, runs: dict[str, list[TaskRun]],
              model_ids: dict[str, str], wall: dict[str, float], *, stopped: str | None = None,
              not_run: dict[str, list[str]] | None = None) -> CompareSummary:
    chip = getattr(args, "chip", None) or this_chip()
    setup = RunSetup(suite=suite_name, pattern=args.pattern, thinking=config.thinking, repeats=args.repeats,
                     agent_config=config.model_dump(), models=model_ids, versions=versions(),
                     seed=SEED_NOTE, wall_s=wall, chip=chip,
                     decode_ceiling_tps=decode_ceilings(chip, {label: label for label in runs}),
                     stopped=stopped, not_run=not_run or {})
    traces = {r.trace: read_trace(r.trace) for rs in runs.values() for r in rs}
    return build_summary(setup, list(runs), runs, traces)


def write_outputs(summary: CompareSummary, out: Path) -> None:
    """summary.json and report.html next to the traces."""
    from agentkit.harness.report_html import render_html

    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(summary.model_dump_json(indent=2) + "\n", encoding="utf-8")
    (out / "report.html").write_text(render_html(summary), encoding="utf-8")

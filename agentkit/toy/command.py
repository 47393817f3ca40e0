"""`agentkit toy data|train|eval` (also `python -m agentkit.toy`): rebuild and evaluate the toy models."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from agentkit.cli_types import at_least, positive_float
from agentkit.toy.architecture import ARCHITECTURES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="toy_command", required=True)
    data = sub.add_parser("data", help="generate the synthetic corpus, tokenizer and training arrays")
    data.add_argument("--out", type=Path, default=Path("build/toy-data"))
    data.add_argument("--transcripts", type=at_least(1), default=None, help="number of training transcripts")
    data.add_argument("--vocab-size", type=at_least(1), default=None)
    data.add_argument("--seed", type=int, default=0)
    data.add_argument("--workers", type=at_least(1), default=None, help="processes (default: one per core)")
    data.add_argument("--tokenizer", type=Path, default=None,
                      help="reuse this model folder's tokenizer (to continue training it with --init-from)")
    data.add_argument("--family", action="append", default=None,
                      help="draw only from this scenario family (repeatable; default: all, by their weights)")

    train = sub.add_parser("train", help="train toy-dense, toy-moe and/or toy-attn (GPU if available)")
    train.add_argument("--data", type=Path, default=Path("build/toy-data"))
    train.add_argument("--out", type=Path, default=None, help="models directory (default: fixtures/models)")
    train.add_argument("--model", choices=list(ARCHITECTURES), action="append",
                       help="train only this model (repeatable; default: all three)")
    train.add_argument("--steps", type=at_least(1), default=None)
    train.add_argument("--batch-size", type=at_least(1), default=None)
    train.add_argument("--batch-tokens", type=at_least(64), default=None,
                       help="most padded tokens per forward pass: long batches run in pieces (caps memory)")
    train.add_argument("--device", default="auto", help="auto, cuda, mps or cpu")
    train.add_argument("--lr", type=positive_float, default=None, help="peak learning rate (default 3e-3)")
    train.add_argument("--max-minutes", type=positive_float, default=None,
                       help="time budget per model: the schedule is shortened to fit it")
    train.add_argument("--init-from", type=Path, default=None,
                       help="models directory to continue training from (each model from its own folder)")

    ev = sub.add_parser("eval", help="held-out evaluation through the real mlx_lm.server")
    ev.add_argument("--model", action="append", help="model(s) to evaluate (default: both toy models)")
    ev.add_argument("--template", action="append", choices=["qwen3.6", "hermes"],
                    help="chat template(s) to serve with (default: both)")
    ev.add_argument("--tasks", type=at_least(1), default=60, help="held-out tasks per model and template")
    ev.add_argument("--paraphrases", type=at_least(0), default=48, help="held-out requests in unseen wordings")
    ev.add_argument("--agent-episodes", type=at_least(0), default=60,
                    help="extra Reflection / Plan-and-Execute episodes for the critic and planner rates")
    ev.add_argument("--markdown", type=Path, default=None, help="also write the table as markdown here")
    ev.add_argument("--failures", type=Path, default=None,
                    help="also write every miss (request, gold and actual calls, answer) as JSON lines here")


def run(args: argparse.Namespace) -> int:
    if args.toy_command == "data":
        from agentkit.errors import AgentkitError
        from agentkit.toy.build import DEFAULT_TRANSCRIPTS, DEFAULT_VOCAB, build_data
        from agentkit.toy.families import FAMILIES

        unknown = sorted(set(args.family or ()) - set(FAMILIES))
        if unknown:
            raise AgentkitError(f"No scenario family named {', '.join(unknown)}.",
                                fix=f"use one of: {', '.join(FAMILIES)}")
        stats = build_data(args.out, args.transcripts or DEFAULT_TRANSCRIPTS, args.seed,
                           args.vocab_size or DEFAULT_VOCAB, workers=args.workers, tokenizer_from=args.tokenizer,
                           families=args.family)
        print(json.dumps(stats, indent=2))
        return 0
    if args.toy_command == "train":
        from agentkit.toy.build import train_and_export
        from agentkit.toy.train import TrainConfig

        cfg = TrainConfig(device=args.device, max_seconds=args.max_minutes * 60 if args.max_minutes else None)
        cfg.steps = args.steps or cfg.steps
        cfg.batch_size = args.batch_size or cfg.batch_size
        cfg.lr = args.lr or cfg.lr
        cfg.batch_tokens = args.batch_tokens
        out = args.out or _default_models_dir()
        for name in args.model or list(ARCHITECTURES):
            cfg.init_from = args.init_from / name if args.init_from else None
            summary = train_and_export(name, args.data, out / name, cfg)
            print(json.dumps(summary, indent=2))
        return 0
    from agentkit.toy.evaluate import run_eval

    return run_eval(args)


def _default_models_dir() -> Path:
    from agentkit.serving.models import models_dir

    return models_dir()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="agentkit toy", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


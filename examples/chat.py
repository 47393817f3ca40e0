"""A small interactive chat with any model the kit can serve, and a live stats line.

    python examples/chat.py                        # toy-dense, started for you
    python examples/chat.py --model toy-moe --tools
    python examples/chat.py --url http://127.0.0.1:8080/v1 --thinking off
    printf 'Hello\nSay hello to Ada.\n' | python examples/chat.py   # unattended

The same program as `agentkit chat`. Type /think or /nothink to turn reasoning
on or off, /prompt to see the exact prompt the chat template built, /reset to
start over, /quit to leave. The code is in agentkit/chat/command.py: a loop
over user lines, a `History` that keeps the server's prompt cache hot, and
`OpenAIClient.complete(..., on_delta=...)` feeding a rich `Live` display.
"""

import argparse
import sys

from agentkit.chat.command import add_arguments, run


def main() -> int:
    parser = argparse.ArgumentParser(description="Chat with a model; /think, /nothink, /prompt, /reset, /quit.")
    add_arguments(parser)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())

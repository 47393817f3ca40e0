"""`python -m agentkit.toy` = `agentkit toy`: rebuild and evaluate the toy models."""

from agentkit.toy.command import main

if __name__ == "__main__":
    raise SystemExit(main())

"""The kit's exceptions: every error a person can hit says what happened and what to do.

All of them derive from `AgentkitError`, which carries a `fix` next to the
message. The command line prints both in red and exits with code 2 instead of
showing a traceback (set `AGENTKIT_DEBUG=1` to see the traceback too).

Other modules add their own subclasses next to the code that raises them; the
ones here are about getting a model served: the environment, the model files,
the chat template and the server process.
"""

from __future__ import annotations


class AgentkitError(Exception):
    """Base class of every error the kit raises on purpose."""

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        if self.fix:
            return f"{self.message}\nFix: {self.fix}"
        return self.message


class SetupError(AgentkitError):
    """Something outside the agent is not ready: packages, model files, server."""


class BackendError(SetupError):
    """mlx-lm is not installed or MLX cannot run an array operation here."""


class ModelNotFoundError(SetupError):
    """The model name or directory does not point at anything."""


class IncompleteModelError(SetupError):
    """A model directory exists but lacks files mlx_lm needs to serve it."""


class TemplateNotFoundError(SetupError):
    """A chat template name or path does not point at a .jinja file."""


class PortInUseError(SetupError):
    """The requested port is already taken by another process."""


class ServerStartError(SetupError):
    """mlx_lm.server exited, or could not load its model."""


class ServerNotReadyError(SetupError):
    """mlx_lm.server did not answer within the readiness deadline."""


class ClientError(AgentkitError):
    """A request to the model server failed; `agentkit.client` raises these."""


class ServerUnreachableError(ClientError):
    """Nothing answers at the server's base URL."""


class ModelNotServedError(ClientError):
    """The server answered but does not serve (or cannot load) the requested model."""


class RequestTimeoutError(ClientError):
    """The server went silent for longer than the client's timeout."""


class ContextTooLongError(ClientError):
    """The prompt plus the tokens to generate do not fit in the model's context window."""


class StreamInterruptedError(ClientError):
    """A streamed answer stopped before the server said it was finished.

    `partial` holds the `Turn` received up to the break (text, reasoning,
    timings), so a caller can show or log what did arrive.
    """

    def __init__(self, message: str, fix: str | None = None, partial: object | None = None) -> None:
        super().__init__(message, fix)
        self.partial = partial


class ServerResponseError(ClientError):
    """The server refused the request or sent something the client cannot read."""


class ModelFilesMissingError(ClientError):
    """Rendering the prompt, counting tokens or decoding token ids needs the model's files here."""


class RawModeUnavailableError(ClientError):
    """The server returns neither token ids nor bytes, so the exact output cannot be recovered."""

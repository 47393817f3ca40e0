"""Raw mode returns the exact bytes the model generated.

The reference is in-process greedy generation with mlx_lm itself
(`mlx_lm.load` + `stream_generate`, temperature 0) on the same rendered
prompt: the text the client decodes from the server's token ids must be
byte-identical, and so must the token ids.
"""


import pytest

from agentkit.client import OpenAIClient
from agentkit.serving.models import TOY_MODELS, models_dir
from agentkit.serving.server import ManagedServer
from agentkit.tools import example_tools

pytestmark = pytest.mark.server

CASES = [
    # (messages, max_tokens): parallel tool calls after reasoning; a plain answer;
    # an answer cut by max_tokens (no stop token to drop).
    ([{"role": "user", "content": "What's the weather in Paris and Tokyo?"}], 160),
    ([{"role": "user", "content": "Hello"}], 64),
    ([{"role": "user", "content": "What is 17 * 23?"}], 9),
]


def greedy_in_process(model, tokenizer, prompt_ids, max_tokens):
    """Token ids and text mlx_lm generates at temperature 0 (the stop token has an id, no text)."""
    from mlx_lm import stream_generate
    from mlx_lm.sample_utils import make_sampler

    responses = list(stream_generate(model, tokenizer, prompt_ids, max_tokens=max_tokens,
                                     sampler=make_sampler(0.0)))
    # Each response carries one new token; the last one's text is the detokenizer's flush.
    return [r.token for r in responses], "".join(r.text for r in responses)


@pytest.mark.parametrize("name", TOY_MODELS)
def test_raw_text_is_byte_identical_to_in_process_greedy_generation(name, tmp_path):
    directory = models_dir() / name
    if not directory.is_dir():
        pytest.skip(f"{name} is not in fixtures/models")
    import mlx_lm

    tools = example_tools(tmp_path).schemas()
    model, tokenizer = mlx_lm.load(str(directory))
    with ManagedServer(name) as server:
        client = OpenAIClient(base_url=server.base_url, model=server.model_id)
        finishes = []
        for messages, max_tokens in CASES:
            prompt = client.render_prompt(messages, tools)
            prompt_ids = tokenizer.encode(prompt, add_special_tokens=False)
            expected_ids, expected_text = greedy_in_process(model, tokenizer, prompt_ids, max_tokens)

            turn = client.complete(messages, tools, parser="raw", max_tokens=max_tokens)
            assert turn.usage.prompt_tokens == len(prompt_ids)
            assert turn.token_ids == expected_ids
            assert turn.raw_text.encode("utf-8") == expected_text.encode("utf-8")
            finishes.append(turn.finish_reason)
            assert not turn.errors
    # The cases cover what raw mode is for: calls after reasoning, a plain answer, a cut answer.
    assert finishes == ["tool_calls", "stop", "length"]

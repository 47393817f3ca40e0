"""Shared fixtures. The tiny model below is also the shortest description of what
`mlx_lm.server` needs in a model directory:

    config.json            architecture (model_type qwen3) and sizes
    model.safetensors      weights under mlx_lm's (= Hugging Face's) parameter names
    tokenizer.json         a byte-level BPE with Qwen's special tokens as single tokens
    tokenizer_config.json  eos token and chat template

Its weights are random, so it generates noise; it exists so the server tests run
in seconds whether or not the trained toy models are in fixtures/models.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SPECIAL_TOKENS = [
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>",
    "<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>",
]

# ChatML, the layout every Qwen template builds on.
CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "<|im_start|>{{ message.role }}\n{{ message.content }}<|im_end|>\n"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}<|im_start|>assistant\n{%- endif %}"
)

TRAINING_TEXT = [
    "What is the weather in Paris? It is sunny and 21 degrees.",
    "Add 17 and 25. The answer is 42.",
    "List the files in the workspace, then read notes.txt.",
]


def build_tiny_model(directory: Path, vocab_size: int = 300) -> Path:
    """Write a random-weight qwen3 model (hidden 64, 2 layers) that mlx_lm can serve."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    import mlx.core as mx
    from mlx.utils import tree_flatten
    from mlx_lm.models import qwen3

    directory.mkdir(parents=True, exist_ok=True)

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    # A ByteLevel decoder is how mlx_lm picks its streaming BPE detokenizer.
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tokenizer.train_from_iterator(TRAINING_TEXT, trainer)
    tokenizer.save(str(directory / "tokenizer.json"))
    (directory / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "PreTrainedTokenizerFast",
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "chat_template": CHAT_TEMPLATE,
    }, indent=2))

    config = {
        "model_type": "qwen3",
        "architectures": ["Qwen3ForCausalLM"],
        "hidden_size": 64,
        "num_hidden_layers": 2,
        "intermediate_size": 128,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "rms_norm_eps": 1e-6,
        "vocab_size": tokenizer.get_vocab_size(),
        "max_position_embeddings": 1024,
        "tie_word_embeddings": True,
        "rope_theta": 10000.0,
        "eos_token_id": tokenizer.token_to_id("<|im_end|>"),
    }
    (directory / "config.json").write_text(json.dumps(config, indent=2))

    mx.random.seed(0)
    model = qwen3.Model(qwen3.ModelArgs.from_dict(config))
    weights = dict(tree_flatten(model.parameters()))
    mx.save_safetensors(str(directory / "model.safetensors"), weights, metadata={"format": "mlx"})
    return directory


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete, servable random-weight qwen3 model directory (built once per run)."""
    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny-qwen3")


def write_model_files(directory: Path, *, skip=(), template: str = "config") -> Path:
    """Empty stand-ins for the files `resolve_model` checks; never loaded by mlx_lm.

    template: "config" puts it in tokenizer_config.json, "jinja" in
    chat_template.jinja, anything else leaves it out.
    """
    directory.mkdir(parents=True)
    files = {
        "config.json": "{}",
        "model.safetensors": "",
        "tokenizer.json": "{}",
        "tokenizer_config.json": json.dumps(
            {"chat_template": "{{ messages }}"} if template == "config" else {}
        ),
    }
    if template == "jinja":
        files["chat_template.jinja"] = "{{ messages }}"
    for name, text in files.items():
        if name not in skip:
            (directory / name).write_text(text)
    return directory


@pytest.fixture
def model_files():
    """`write_model_files` as a fixture, for tests of model resolution."""
    return write_model_files

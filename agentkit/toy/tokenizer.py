"""A small byte-level BPE tokenizer with Qwen's special tokens.

Real Qwen tokenizers are byte-level BPE with ~150k tokens; ours has a couple
of thousand, learned on the synthetic corpus, but keeps the parts that matter
to an agent kit:
- the same pre-tokenizer rule, which splits numbers into single digits (a tiny
  model copies "1234" far more reliably digit by digit);
- the chat markers `<|im_start|>`, `<|im_end|>`, `<|endoftext|>` as special
  tokens, and `<think>`, `</think>`, `<tool_call>`, `</tool_call>`,
  `<tool_response>`, `</tool_response>` as single added tokens that are NOT
  special, exactly as in Qwen3: decoding keeps them in the text, and
  mlx_lm.server finds `<think>`/`</think>` in the vocabulary and switches on
  its reasoning parser.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers, trainers

CONTROL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
MARKUP_TOKENS = ["<think>", "</think>", "<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>"]

# Qwen2/Qwen3's pre-tokenizer split (letters, single digits, punctuation runs, newlines).
_QWEN_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
               r"|\s*[\r\n]+|\s+(?!\S)|\s+")


def train_tokenizer(texts: Iterable[str], vocab_size: int) -> Tokenizer:
    """Learn BPE merges on `texts`; the special tokens get the first ids."""
    tok = Tokenizer(models.BPE(unk_token=None, fuse_unk=False, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(_QWEN_SPLIT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=CONTROL_TOKENS + MARKUP_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    # Re-register with Qwen's flags: control tokens special, markup tokens not.
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in CONTROL_TOKENS])
    tok.add_tokens([AddedToken(t, special=False, normalized=False) for t in MARKUP_TOKENS])
    return tok


def save_tokenizer(tok: Tokenizer, out_dir: Path, chat_template: str) -> None:
    """Write tokenizer.json and a tokenizer_config.json that transformers and mlx_lm read."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tok.save(str(out_dir / "tokenizer.json"))
    added = {
        str(tok.token_to_id(t)): {"content": t, "lstrip": False, "normalized": False, "rstrip": False,
                                  "single_word": False, "special": t in CONTROL_TOKENS}
        for t in CONTROL_TOKENS + MARKUP_TOKENS
    }
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "added_tokens_decoder": added,
        "bos_token": None,
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "unk_token": None,
        "model_max_length": 4096,
        "clean_up_tokenization_spaces": False,
        "chat_template": chat_template,
    }
    (out_dir / "tokenizer_config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    (out_dir / "special_tokens_map.json").write_text(json.dumps(
        {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"}, indent=2) + "\n")


def encode_spans(tok: Tokenizer, text: str, spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Token ids of `text` and a 0/1 loss mask that is 1 inside the character `spans`.

    Each span is encoded on its own, so a target starts on a token boundary
    exactly as generation does (the server tokenizes the prompt, then the
    model emits fresh tokens). Prompt pieces are cut only after a newline or a
    special token, where the pre-tokenizer cuts anyway.
    """
    ids: list[int] = []
    mask: list[int] = []
    cursor = 0
    for start, end in spans:
        for piece, label in ((text[cursor:start], 0), (text[start:end], 1)):
            if piece:
                piece_ids = tok.encode(piece, add_special_tokens=False).ids
                ids += piece_ids
                mask += [label] * len(piece_ids)
        cursor = end
    if cursor < len(text):
        tail = tok.encode(text[cursor:], add_special_tokens=False).ids
        ids += tail
        mask += [0] * len(tail)
    return ids, mask

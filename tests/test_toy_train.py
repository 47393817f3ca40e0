"""The training loop's batching: long batches run in pieces whose gradients add up to the whole batch's.

`_pieces` is plain numpy and runs in CI; the gradient check needs the optional
`.[train]` extra and is skipped without it.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from agentkit.toy.train import _batch, _pieces

HAS_TORCH = all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers"))


def test_a_batch_that_fits_is_one_piece():
    lengths = np.array([10, 20, 30, 40])
    rows = np.array([0, 1, 2, 3])
    assert [list(p) for p in _pieces(rows, lengths, 2048, None)] == [[0, 1, 2, 3]]
    assert [list(p) for p in _pieces(rows, lengths, 2048, 4 * 40)] == [[0, 1, 2, 3]]


def test_a_long_batch_is_split_into_the_fewest_pieces_that_fit():
    lengths = np.full(128, 2000)
    rows = np.arange(128)
    pieces = _pieces(rows, lengths, 2048, 49152)
    # 128 x 2000 padded tokens need ceil(256000 / 49152) = 6 pieces, each under the cap, every row once.
    assert len(pieces) == 6
    assert all(len(p) * 2000 <= 49152 for p in pieces)
    assert sorted(np.concatenate(pieces)) == list(rows)
    # Ten rows of 30 under a cap of 100: three rows a piece at most, so four pieces, not ceil(300 / 100).
    pieces = _pieces(np.arange(10), np.full(10, 30), 2048, 100)
    assert [len(p) for p in pieces] == [3, 3, 2, 2]


def test_max_len_caps_the_width_counted_and_one_row_is_never_split():
    lengths = np.array([5000, 5000])
    rows = np.array([0, 1])
    assert len(_pieces(rows, lengths, 1024, 1024)) == 2
    assert len(_pieces(rows, lengths, 1024, 64)) == 2


@pytest.mark.skipif(not HAS_TORCH, reason="needs the train extra: pip install -e '.[train]'")
def test_gradients_of_the_pieces_equal_one_pass_over_the_batch():
    import torch

    from agentkit.toy.architecture import hf_config
    from agentkit.toy.train import _accumulate_gradients, build_model, training_config

    torch.manual_seed(0)
    cfg = hf_config("toy-moe", vocab_size=64, eos_token_id=1, pad_token_id=0)
    model = build_model(training_config(cfg)).float()
    rng = np.random.default_rng(0)
    lengths = np.array([7, 9, 12, 16])
    ids = rng.integers(2, 64, lengths.sum()).astype(np.uint16)
    mask = (rng.random(lengths.sum()) < 0.5).astype(np.uint8)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    rows = np.arange(4)

    def grads(pieces):
        model.zero_grad(set_to_none=True)
        loss = _accumulate_gradients(model, [_batch(ids, mask, offsets, p, 64) for p in pieces],
                                     torch.device("cpu"), 0.0, False)
        return loss, [p.grad.clone() for p in model.parameters() if p.grad is not None]

    # Without the router's balancing term (a product of means over the tokens, so a sum over pieces
    # only approximates it) the pieces' gradients are the whole batch's exactly.
    whole_loss, whole = grads([rows])
    split_loss, split = grads(_pieces(rows, lengths, 64, 32))
    assert split_loss == pytest.approx(whole_loss, rel=1e-5)
    for a, b in zip(whole, split):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)

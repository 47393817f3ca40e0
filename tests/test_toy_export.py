"""The export writes what mlx_lm loads as a published Qwen3.6 checkpoint, and the numbers survive it.

Needs the training extra (`pip install -e '.[train]'`: torch, transformers);
skipped without it. A random model of each architecture goes through
`published_state_dict` and `save_weights`, mlx_lm loads the folder with its
own class (`qwen3_5`, `qwen3_5_moe`, `qwen3`) through its own `sanitize`, and
the logits must equal transformers' on the same tokens.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from agentkit.serving.models import models_dir  # noqa: E402
from agentkit.toy.architecture import ARCHITECTURES, hf_config, is_hybrid, parameter_counts, training_config  # noqa: E402
from agentkit.toy.export import load_published, published_state_dict, save_config, save_weights  # noqa: E402
from agentkit.toy.train import build_model  # noqa: E402


@pytest.mark.parametrize("name", list(ARCHITECTURES))
def test_mlx_lm_computes_what_transformers_computes(name: str, tmp_path: Path):
    import mlx.core as mx
    from mlx_lm import load

    cfg = hf_config(name, vocab_size=1024, eos_token_id=2, pad_token_id=0)
    torch.manual_seed(0)
    model = build_model(training_config(cfg)).float().eval()
    with torch.no_grad():  # move the norms off their initial values, so the +1 offset in sanitize matters
        for param in model.parameters():
            if param.dim() == 1:
                param.add_(torch.randn_like(param) * 0.1)
    save_weights(published_state_dict(model.state_dict(), is_hybrid(name)), tmp_path)
    save_config(cfg, tmp_path)
    for file in (models_dir() / "toy-dense").glob("*token*"):
        shutil.copy(file, tmp_path / file.name)
    ids = torch.randint(0, 1000, (1, 150))
    with torch.no_grad():
        expected = model(input_ids=ids).logits.numpy()
    loaded, _ = load(str(tmp_path))
    got = np.array(loaded(mx.array(ids.numpy()))).astype(np.float32)
    assert np.abs(got - expected).max() < 1e-4
    # The card's arithmetic counts what transformers builds (tied embeddings once).
    assert sum(p.numel() for p in model.parameters()) == parameter_counts(name, 1024)["total"]

    again = build_model(training_config(cfg)).float().eval()
    load_published(again, tmp_path)  # what --init-from does
    with torch.no_grad():
        assert torch.equal(again(input_ids=ids).logits, model(input_ids=ids).logits)

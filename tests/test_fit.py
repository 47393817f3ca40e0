"""`agentkit fit`: parameter counts, weight memory, KV-cache growth and the decode ceiling.

The small configs below are counted by hand in the comments; the real Qwen3.6
configs (fixtures/configs/) and the toy models check the same code on the
models the lessons use. No server, no weights loaded: each test runs in well
under a second (building a model from its config is lazy in MLX).
"""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import pytest

from agentkit.cli import main
from agentkit.serving.models import resolve_model
from agentkit.sizing.chips import APPLE_BANDWIDTH_GBPS, UnknownChipError, chip_bandwidth
from agentkit.sizing.estimate import GIB, FitError, decode_ceiling, fit
from agentkit.sizing.kv_cache import fixed_state_bytes, kv_bytes_per_token, layer_caches, layer_pattern
from agentkit.sizing.parameters import count_parameters
from agentkit.toy.architecture import parameter_counts

REPO = Path(__file__).resolve().parent.parent
QWEN36_DENSE = REPO / "fixtures" / "configs" / "qwen3.6-27b"
QWEN36_MOE = REPO / "fixtures" / "configs" / "qwen3.6-35b-a3b"

SMALL = {"model_type": "qwen3", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
         "num_key_value_heads": 2, "head_dim": 16, "intermediate_size": 128, "vocab_size": 300,
         "tie_word_embeddings": True, "rms_norm_eps": 1e-6, "torch_dtype": "bfloat16",
         "max_position_embeddings": 4096, "rope_theta": 10000.0}
# embeddings 300*64 = 19200
# per layer: q 64*64 + k 64*32 + v 64*32 + o 64*64 = 12288, q_norm + k_norm 32,
#            mlp 3*64*128 = 24576, two norms 128  -> 37024
# final norm 64  -> 19200 + 2*37024 + 64 = 93312
SMALL_TOTAL = 93312

SMALL_MOE = {**SMALL, "model_type": "qwen3_moe", "num_experts": 4, "num_experts_per_tok": 2,
             "moe_intermediate_size": 32, "decoder_sparse_step": 1, "mlp_only_layers": [], "norm_topk_prob": True}
# per layer the mlp becomes: router 64*4 = 256, experts 4 * 3*64*32 = 24576
# -> per layer 12288 + 32 + 256 + 24576 + 128 = 37280; total 19200 + 2*37280 + 64 = 93824
# routed experts 2 * 24576 = 49152; active = 93824 - 49152 * (1 - 2/4) = 69248
SMALL_MOE_TOTAL, SMALL_MOE_ROUTED, SMALL_MOE_ACTIVE = 93824, 49152, 69248


def test_dense_config_counts_by_hand():
    params = count_parameters(None, SMALL)
    assert (params.total, params.active, params.routed_experts, params.source) == (SMALL_TOTAL, SMALL_TOTAL, 0, "config")
    assert params.input_embedding == 300 * 64
    # Tied embeddings: the output head is the embedding table, read whole for every token.
    assert params.read_per_token == SMALL_TOTAL


def test_moe_config_counts_by_hand():
    params = count_parameters(None, SMALL_MOE)
    assert (params.total, params.routed_experts, params.active) == (SMALL_MOE_TOTAL, SMALL_MOE_ROUTED, SMALL_MOE_ACTIVE)


def test_untied_embedding_table_is_not_read_per_token():
    params = count_parameters(None, {**SMALL, "tie_word_embeddings": False})
    assert params.total == SMALL_TOTAL + 300 * 64  # a separate lm_head
    assert params.read_per_token == params.total - 300 * 64


def test_weight_memory_is_parameters_times_bits():
    assert fit(SMALL, bits=16).weights_bytes == SMALL_TOTAL * 2
    assert fit(SMALL, bits=8).weights_bytes == SMALL_TOTAL * 8.5 / 8  # + 16-bit scale and offset per 64
    assert fit(SMALL, bits=4).weights_bytes == SMALL_TOTAL * 4.5 / 8
    assert fit(SMALL).weights_bytes == SMALL_TOTAL * 2  # as the config says: bfloat16


def test_kv_cache_per_token_and_linear_growth():
    # 2 layers x 2 kv heads x 16 head_dim x 2 (K, V) x 2 bytes
    assert kv_bytes_per_token(SMALL) == 256
    assert kv_bytes_per_token({**SMALL, "torch_dtype": "float32"}) == 512
    sizes = [fit(SMALL, context=n).kv_bytes for n in (0, 1000, 2000, 4000)]
    assert sizes == [0, 256_000, 512_000, 1_024_000]
    assert fit(SMALL, context=4000).total_bytes - fit(SMALL, context=0).total_bytes == 1_024_000


def test_decode_ceiling_is_bandwidth_over_bytes_per_token():
    # 100 GB/s, 16-bit weights: 93312 params * 2 bytes read per token
    assert decode_ceiling(SMALL, 100, bits=16) == pytest.approx(100e9 / (SMALL_TOTAL * 2))
    # with 1000 tokens of context the whole KV cache (256 kB) is read as well
    assert decode_ceiling(SMALL, 100, bits=16, context=1000) == pytest.approx(100e9 / (SMALL_TOTAL * 2 + 256_000))
    moe = decode_ceiling(SMALL_MOE, 100, bits=16)
    assert moe == pytest.approx(100e9 / (SMALL_MOE_ACTIVE * 2))
    assert moe > decode_ceiling(SMALL, 100, bits=16) * (SMALL_TOTAL / SMALL_MOE_ACTIVE) * 0.99


def test_fits_against_the_macos_gpu_budget():
    assert fit(SMALL, memory_gib=48).gpu_budget_bytes == int(48 * GIB * 3 / 4)
    assert fit(SMALL, memory_gib=32).gpu_budget_bytes == int(32 * GIB * 2 / 3)
    assert fit(SMALL, memory_gib=1).fits is True
    assert fit(SMALL, memory_gib=0.0001).fits is False
    assert fit(SMALL).fits is None


def test_toy_models_counted_from_their_safetensors_headers():
    for name in ("toy-dense", "toy-moe", "toy-attn"):
        params = fit(name).params
        expected = parameter_counts(name, 1024)
        assert params.source == "safetensors"
        assert (params.total, params.active) == (expected["total"], expected["active"])
        assert params.stored_bytes == params.total * 4  # float32 on disk
    assert fit("toy-moe").params.active < fit("toy-dense").params.active < fit("toy-moe").params.total


def test_config_only_count_matches_the_weights(tmp_path: Path):
    shutil.copy(resolve_model("toy-moe").path / "config.json", tmp_path / "config.json")
    from_config = fit(tmp_path).params
    assert from_config.source == "config"
    assert (from_config.total, from_config.active) == (fit("toy-moe").params.total, fit("toy-moe").params.active)


def test_quantized_safetensors_count_unpacked_parameters(tmp_path: Path):
    # An MLX 4-bit linear layer 128 -> 256: uint32 weight [256, 128*4/32], a scale and an offset per 64 inputs.
    header = {"layer.weight": {"dtype": "U32", "shape": [256, 16], "data_offsets": [0, 16384]},
              "layer.scales": {"dtype": "BF16", "shape": [256, 2], "data_offsets": [16384, 17408]},
              "layer.biases": {"dtype": "BF16", "shape": [256, 2], "data_offsets": [17408, 18432]},
              "norm.weight": {"dtype": "BF16", "shape": [128], "data_offsets": [18432, 18688]}}
    raw = json.dumps(header).encode()
    (tmp_path / "model.safetensors").write_bytes(struct.pack("<Q", len(raw)) + raw)
    params = count_parameters(tmp_path, {"quantization": {"group_size": 64, "bits": 4}})
    assert params.total == 256 * 128 + 128
    assert params.stored_bytes == 18688


def test_qwen36_configs_match_their_names():
    dense, moe = fit(QWEN36_DENSE).params, fit(QWEN36_MOE).params
    assert 26.5e9 < dense.total < 27.5e9 and dense.active == dense.total  # "27B", dense
    assert 34e9 < moe.total < 36e9 and 3.0e9 < moe.active < 3.6e9  # "35B-A3B": ~3B active
    # Hybrid attention: only 16 of 64 (dense) and 10 of 40 (MoE) layers keep a KV cache.
    assert kv_bytes_per_token(json.loads((QWEN36_DENSE / "config.json").read_text())) == 16 * 4 * 256 * 2 * 2
    assert kv_bytes_per_token(json.loads((QWEN36_MOE / "config.json").read_text())) == 10 * 2 * 256 * 2 * 2
    assert fixed_state_bytes(json.loads((QWEN36_MOE / "config.json").read_text())) > 0


def test_qwen36_ceilings_match_the_published_roofline():
    # notes/mlx_lm_server.md: ~0.56 bytes/param at MLX 4-bit; M4 ~8 vs ~75 tok/s, M4 Max ~37 vs ~340.
    assert decode_ceiling(QWEN36_DENSE, 120, bits=4) == pytest.approx(8.2, abs=0.5)
    assert decode_ceiling(QWEN36_DENSE, 546, bits=4) == pytest.approx(37.5, abs=1.5)
    assert 60 < decode_ceiling(QWEN36_MOE, 120, bits=4) < 80
    assert 280 < decode_ceiling(QWEN36_MOE, 546, bits=4) < 360


def test_decode_ceiling_takes_a_model_ref():
    ref = resolve_model("toy-dense")
    assert decode_ceiling(ref, 100) == decode_ceiling("toy-dense", 100)


def test_chips_by_any_spelling():
    assert chip_bandwidth("m4-max") == ("M4 Max", 546)
    assert chip_bandwidth("M4 Pro") == ("M4 Pro", 273)
    assert chip_bandwidth("m4") == ("M4", 120)
    assert all(bandwidth > 60 for bandwidth in APPLE_BANDWIDTH_GBPS.values())
    with pytest.raises(UnknownChipError) as raised:
        chip_bandwidth("M9 Hyper")
    assert "M4 Max" in raised.value.fix and "--bandwidth" in raised.value.fix


def test_unknown_model_says_what_to_pass(tmp_path: Path):
    with pytest.raises(FitError) as raised:
        fit(tmp_path / "nothing-here")
    assert "config.json" in raised.value.fix


def test_cli_fit_prints_the_table_and_exit_code_says_fit(capsys):
    assert main(["fit", "toy-moe", "--memory", "16", "--chip", "M4", "--context", "2048"]) == 0
    out = capsys.readouterr().out
    for expected in ("active per token", "KV cache at 2048 tokens", "fits", "decode ceiling", "M4, 120 GB/s"):
        assert expected in out, out
    assert main(["fit", str(QWEN36_DENSE), "--memory", "16", "--bits", "4", "--bandwidth", "100"]) == 1
    assert "does not fit" in capsys.readouterr().out


def test_cli_fit_unknown_chip_is_a_kit_error(capsys):
    assert main(["fit", "toy-dense", "--chip", "Z80"]) == 2
    assert "--bandwidth" in capsys.readouterr().err


@pytest.mark.parametrize("toy", ["toy-dense", "toy-moe", "toy-attn"])
def test_per_layer_cache_matches_what_mlx_allocates(toy):
    # The arithmetic against mlx_lm itself: build the toy's cache, prefill a few tokens,
    # and weigh each layer's arrays (a KVCache allocates 256 positions at a time).
    import mlx.core as mx
    from mlx.utils import tree_flatten
    from mlx_lm import load
    from mlx_lm.models.cache import make_prompt_cache

    model, _ = load(str(resolve_model(toy).path))
    cache = make_prompt_cache(model)
    model(mx.array([[5, 6, 7, 8, 9]]), cache=cache)
    measured = []
    for layer in cache:
        arrays = [a for _, a in tree_flatten(layer.state) if isinstance(a, mx.array)]
        if type(layer).__name__ == "KVCache":
            keys = layer.state[0]
            measured.append(("attention", 0, sum(a.nbytes for a in arrays) // keys.shape[2]))
        else:
            measured.append(("Gated DeltaNet", sum(a.nbytes for a in arrays), 0))
    config = json.loads((resolve_model(toy).path / "config.json").read_text())
    assert [(c.kind, c.fixed_bytes, c.bytes_per_token) for c in layer_caches(config)] == measured


def test_hybrid_layers_are_told_apart_on_toys_and_real_configs():
    toy = json.loads((resolve_model("toy-dense").path / "config.json").read_text())
    assert layer_pattern(layer_caches(toy)) == "DDDA x 2"
    attn = json.loads((resolve_model("toy-attn").path / "config.json").read_text())
    assert layer_pattern(layer_caches(attn)) == "A x 6"
    real = json.loads((QWEN36_DENSE / "config.json").read_text())
    # 27B: 48 Gated DeltaNet layers, each a float32 recurrent state of 48 value heads x 128 x 128 plus its conv.
    assert layer_pattern(layer_caches(real)) == "DDDA x 16"
    assert sum(c.fixed_bytes for c in layer_caches(real)) == fixed_state_bytes(real) > 48 * 48 * 128 * 128 * 4
    # Without layer_types, the interval decides, as in mlx_lm's qwen3_5.
    text = {**real["text_config"]}
    del text["layer_types"]
    assert layer_pattern(layer_caches({"text_config": text})) == "DDDA x 16"


def test_cli_fit_shows_the_cache_layer_by_layer(capsys):
    assert main(["fit", "toy-dense"]) == 0
    out = capsys.readouterr().out
    for expected in ("DDDA x 2", "768 B/token", "40.5 KiB", "fixed; cannot be rolled back", "6 layers"):
        assert expected in out, out
    assert main(["fit", "toy-attn"]) == 0
    out = capsys.readouterr().out
    assert "A x 6" in out and "DeltaNet layer" not in out


def test_a_split_by_layers_holds_the_shared_tables_on_every_rank():
    from agentkit.sizing.split import plan_split, shared_params

    report = fit(SMALL, bits=16, context=1000)
    plan = plan_split(report, num_layers=2, hidden_size=64, machines=2)
    shared = shared_params(report) * 2  # tied embeddings, 16 bits: 2 bytes each
    assert [r.layers for r in plan.ranks] == ["1-1 (1)", "0-0 (1)"]  # rank 0 runs the last layers
    assert all(r.weights_bytes == shared + (report.weights_bytes - shared) // 2 for r in plan.ranks)
    assert sum(r.kv_bytes for r in plan.ranks) == report.kv_bytes
    # One 64-value bf16 vector crosses the boundary, one is gathered back.
    assert plan.transfer_bytes_per_token == 64 * 2 and plan.transfers_per_token == 2
    tensor = plan_split(report, num_layers=2, hidden_size=64, machines=2, parallel="tensor")
    assert tensor.transfers_per_token == 4  # two all-reduces per layer
    assert tensor.transfer_bytes_per_token == 4 * 64 * 2  # a ring all-reduce of 2 ranks moves the vector once


def test_fit_says_how_many_machines_and_what_each_holds(capsys):
    # Qwen3.6-27B at 8 bits does not fit a 24 GB Mac; two of them hold it by layers.
    assert main(["fit", str(QWEN36_DENSE / "config.json"), "--memory", "24", "--bits", "8"]) == 1
    out = capsys.readouterr().out
    assert "It needs 2 machines of 24 GB" in out and "--hosts HOST1,HOST2" in out
    assert "32-63 (32)" in out and "0-31 (32)" in out
    assert main(["fit", str(QWEN36_DENSE / "config.json"), "--memory", "24", "--bits", "8", "--machines", "2",
                 "--tensor", "--chip", "M4 Pro"]) == 0
    out = capsys.readouterr().out
    assert "1/2 of each" in out and "all-reduces" in out and "tok/s" in out


def test_a_pipeline_rank_holds_the_cache_and_weights_of_its_own_layers():
    # Qwen3.6-27B over three machines: 22, 21 and 21 layers. Only every fourth layer is attention,
    # so rank 0 (layers 42-63) holds six of the 16 attention layers' caches, not 22/64 of the cache.
    from agentkit.sizing.split import plan_split, shared_params

    report = fit(str(QWEN36_DENSE / "config.json"), bits=8, context=32768)
    plan = plan_split(report, num_layers=64, hidden_size=5120, machines=3)
    assert [r.layers for r in plan.ranks] == ["42-63 (22)", "21-41 (21)", "0-20 (21)"]
    per_attention_layer = report.kv_bytes // 16
    assert [r.kv_bytes for r in plan.ranks] == [6 * per_attention_layer, 5 * per_attention_layer,
                                                 5 * per_attention_layer]
    # Each rank has 16 Gated DeltaNet layers, so the same fixed state.
    assert [r.state_bytes for r in plan.ranks] == [report.fixed_state_bytes // 3] * 3
    # The two kinds of layer differ in weights: the ranks' weights are the sums of their own layers'.
    per_layer = report.params.per_layer
    assert len(set(per_layer)) == 2 and len(per_layer) == 64
    per_param = report.weights_bytes / report.params.total
    for rank, held in zip(plan.ranks, (range(42, 64), range(21, 42), range(0, 21))):
        assert rank.weights_bytes == round((shared_params(report) + sum(per_layer[i] for i in held)) * per_param)
    # Every rank keeps the embeddings, the head and the final norm; the layers are shared out once.
    extra = 2 * shared_params(report) * per_param
    assert abs(sum(r.weights_bytes for r in plan.ranks) - (report.weights_bytes + extra)) <= 3

"""Model resolution: toy names, local directories, Hugging Face ids, and the errors."""

from pathlib import Path

import pytest

from agentkit.errors import AgentkitError, IncompleteModelError, ModelNotFoundError
from agentkit.serving.models import TOY_MODELS, missing_model_files, model_directory, models_dir, resolve_model


@pytest.fixture
def toy_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTKIT_MODELS_DIR", str(tmp_path / "toys"))
    return tmp_path / "toys"


def test_default_models_dir_is_the_repository_fixtures(monkeypatch):
    monkeypatch.delenv("AGENTKIT_MODELS_DIR", raising=False)
    repo_root = Path(__file__).resolve().parent.parent
    assert models_dir() == repo_root / "fixtures" / "models"


def test_toy_name_resolves_under_models_dir(toy_dir, model_files):
    model_files(toy_dir / "toy-moe")
    ref = resolve_model("toy-moe")
    assert ref.kind == "toy"
    assert ref.path == (toy_dir / "toy-moe").resolve()
    assert ref.server_arg == str((toy_dir / "toy-moe").resolve())


def test_missing_toy_model_says_how_to_rebuild(toy_dir):
    with pytest.raises(ModelNotFoundError) as caught:
        resolve_model("toy-dense")
    assert "toy-dense" in caught.value.message
    assert "agentkit toy train" in caught.value.fix


def test_incomplete_toy_model_lists_what_is_missing(toy_dir, model_files):
    model_files(toy_dir / "toy-dense", skip=("model.safetensors", "tokenizer.json"))
    with pytest.raises(IncompleteModelError) as caught:
        resolve_model("toy-dense")
    message = caught.value.message
    assert "weights (*.safetensors)" in message
    assert "tokenizer.json" in message
    assert "config.json" not in message
    assert "agentkit toy train" in caught.value.fix


def test_local_directory_resolves_to_absolute_path(tmp_path, monkeypatch, model_files):
    model_files(tmp_path / "my-model")
    monkeypatch.chdir(tmp_path)
    ref = resolve_model("my-model")
    assert ref.kind == "local"
    assert ref.path == tmp_path.resolve() / "my-model"
    assert Path(ref.server_arg).is_absolute()


def test_incomplete_local_directory_names_each_missing_file(tmp_path, model_files):
    directory = model_files(tmp_path / "half", skip=("config.json",), template="none")
    with pytest.raises(IncompleteModelError) as caught:
        resolve_model(str(directory))
    message = caught.value.message
    assert "config.json" in message
    assert "chat template" in message
    assert "safetensors" not in message
    assert "--template" in caught.value.fix


def test_chat_template_may_come_from_a_jinja_file(tmp_path, model_files):
    directory = model_files(tmp_path / "m", template="jinja")
    assert missing_model_files(directory) == []


def test_chat_template_is_optional_when_the_caller_brings_one(tmp_path, model_files):
    directory = model_files(tmp_path / "m", template="none")
    with pytest.raises(IncompleteModelError):
        resolve_model(str(directory))
    assert resolve_model(str(directory), need_chat_template=False).kind == "local"


def test_null_chat_template_counts_as_missing(tmp_path, model_files):
    directory = model_files(tmp_path / "m", template="none")
    (directory / "tokenizer_config.json").write_text('{"chat_template": null}')
    assert any("chat template" in item for item in missing_model_files(directory))


@pytest.mark.parametrize(
    "spec", ["unsloth/Qwen3.6-27B-UD-MLX-6bit", "unsloth/Qwen3.6-35B-A3B-UD-MLX-4bit"]
)
def test_hugging_face_id_passes_through_unchecked(spec):
    ref = resolve_model(spec)
    assert ref.kind == "hf"
    assert ref.path is None
    assert ref.server_arg == spec


@pytest.mark.parametrize("spec", ["toy-dens", "toy_dense", "qwen"])
def test_typo_lists_the_toy_models(spec):
    with pytest.raises(ModelNotFoundError) as caught:
        resolve_model(spec)
    for name in TOY_MODELS:
        assert name in caught.value.fix


@pytest.mark.parametrize("spec", ["./no/such/dir", "/no/such/model", "~/no-such-model"])
def test_missing_path_is_not_mistaken_for_a_hub_id(spec):
    with pytest.raises(ModelNotFoundError):
        resolve_model(spec)


def test_a_file_is_not_a_model_directory(tmp_path):
    weights = tmp_path / "model.safetensors"
    weights.write_text("")
    with pytest.raises(ModelNotFoundError) as caught:
        resolve_model(str(weights))
    assert "directory" in caught.value.fix


def test_errors_carry_their_fix_in_str():
    error = ModelNotFoundError("No model 'x'.", fix="use toy-dense")
    assert isinstance(error, AgentkitError)
    assert str(error) == "No model 'x'.\nFix: use toy-dense"


def test_model_directory_is_the_one_answer_to_where_the_files_are(toy_dir, model_files, tmp_path):
    toy = model_files(toy_dir / "toy-dense")
    local = model_files(tmp_path / "local", skip=("tokenizer.json",))
    assert model_directory("toy-dense") == toy
    assert model_directory(str(local)) == local
    # The caller names the file it needs: without it, the directory is not the answer.
    assert model_directory(str(local), holding="tokenizer.json") is None
    assert model_directory(str(local), holding=("chat_template.jinja", "tokenizer_config.json")) == local
    # Not here: a toy that was never built, a file, a Hub id not in the local cache (never the network).
    assert model_directory("toy-moe") is None
    assert model_directory(str(local / "config.json")) is None
    assert model_directory("org/not-cached-anywhere") is None
    assert model_directory("not a model") is None


"""compare's decode ceilings: bandwidth / bytes read per token, only where the chip is known."""

from agentkit.harness.compare import decode_ceilings
from agentkit.sizing.estimate import decode_ceiling


def test_ceiling_per_model_on_a_known_chip():
    ceilings = decode_ceilings("M4 Max", {"dense": "toy-dense", "moe": "toy-moe"})
    assert set(ceilings) == {"dense", "moe"}
    # The MoE reads fewer bytes per token (fewer active parameters): a higher ceiling.
    assert ceilings["moe"] > ceilings["dense"] > 0
    assert ceilings["dense"] == decode_ceiling("toy-dense", 546)


def test_no_ceiling_without_a_known_chip_or_local_model():
    assert decode_ceilings(None, {"dense": "toy-dense"}) == {}
    assert decode_ceilings("Z99 Ultra", {"dense": "toy-dense"}) == {}
    assert decode_ceilings("M4", {"remote": "org/not-downloaded-model"}) == {}

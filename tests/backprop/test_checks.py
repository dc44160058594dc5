"""dlnotes.backprop._checks: the shared argument checks name the argument and
what was expected."""

import pytest
import torch

from dlnotes.backprop._checks import require_channel_vector, require_floating


def test_require_floating():
    require_floating("x", None)
    require_floating("x", torch.zeros(2, dtype=torch.float16))
    with pytest.raises(TypeError, match="w must be a torch.Tensor, got list"):
        require_floating("w", [1.0])  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match="w must have a floating-point dtype, got torch.int32"
    ):
        require_floating("w", torch.zeros(2, dtype=torch.int32))


def test_require_channel_vector():
    require_channel_vector("bias", None, 3)
    require_channel_vector("bias", torch.zeros(3), 3)
    with pytest.raises(
        ValueError,
        match=r"bias must have shape \(3,\) for 3 channels, got \(1, 3\)",
    ):
        require_channel_vector("bias", torch.zeros(1, 3), 3)

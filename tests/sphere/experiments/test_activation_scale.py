"""dlnotes.sphere.experiments.activation_scale: the initialisation carries the
scale; ReLUs halve the mean square."""

from dlnotes.sphere.experiments.activation_scale import rms_through_depth


def test_scale_through_a_small_stack():
    linear = rms_through_depth(False, depth=4, channels=8, b=4, seed=0)
    rectified = rms_through_depth(True, depth=4, channels=8, b=4, seed=0)
    assert len(linear) == len(rectified) == 4
    assert rectified[0] == linear[0]  # the same S² layer, before any ReLU
    # unit mean square in, about unit out
    assert all(0.5 < value < 2.0 for value in linear)
    # three ReLUs: E[y²] halved three times, an RMS about 2^{-3/2} ≈ 0.35 of
    # the linear stack's
    assert rectified[-1] < 0.5 * linear[-1]
    assert (
        rms_through_depth(True, depth=4, channels=8, b=4, seed=0) == rectified
    )

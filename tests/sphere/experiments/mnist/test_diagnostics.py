"""dlnotes.sphere.experiments.mnist.diagnostics: what the invariant features
of an untrained spherical model hold."""


def test_feature_diagnosis_is_bounded_and_repeatable():
    from dlnotes.sphere.experiments.mnist import diagnose_invariant_features

    first = diagnose_invariant_features(
        6, 4, 3, n_train=100, n_test=50, seed=0
    )
    assert 0 < first.first_component_share <= 1
    assert 0 <= first.mass_correlation <= 1
    assert 0 <= first.frozen_accuracy <= 1
    assert (
        diagnose_invariant_features(6, 4, 3, n_train=100, n_test=50, seed=0)
        == first
    )

"""Spherical MNIST (Cohen et al., 2018, §5.2, Table 1), one job a module.

* :mod:`~.projection` — digits lifted onto the sphere, rotated or not
  (:func:`~.projection.spherical_mnist`);
* :mod:`~.models` — the planar and the spherical CNN of the paper's Table 1;
* :mod:`~.experiment` — train on NR and on R, test on NR and R
  (:func:`~.experiment.mnist_experiment`);
* :mod:`~.diagnostics` — why the recipe matters (invariant features at
  initialisation);
* :mod:`~.records` — recorded paper-scale runs read back as data;
* :mod:`~.checkpoints` — the shipped trained weights, loaded and evaluated;
* :mod:`~.evaluation` — the chapter's Table 1 from those weights
  (``mnist-eval``);
* :mod:`~.claims` — the table's three claims, each with its interval and
  verdict.
"""

from dlnotes.sphere.experiments.mnist.diagnostics import (
    FeatureDiagnosis,
    diagnose_invariant_features,
)
from dlnotes.sphere.experiments.mnist.experiment import (
    CONDITIONS,
    PAPER_ACCURACY,
    MnistResult,
    MnistRun,
    MnistSettings,
    balanced_subset,
    mnist_experiment,
)
from dlnotes.sphere.experiments.mnist.models import (
    MODELS,
    PAPER_PARAMETERS,
    PlanarCNN,
    SphericalCNN,
    build_model,
    parameter_count,
)
from dlnotes.sphere.experiments.mnist.projection import (
    SphericalMNIST,
    project,
    project_to_healpix,
    spherical_mnist,
)

__all__ = [
    "CONDITIONS",
    "MODELS",
    "PAPER_ACCURACY",
    "PAPER_PARAMETERS",
    "FeatureDiagnosis",
    "MnistResult",
    "MnistRun",
    "MnistSettings",
    "PlanarCNN",
    "SphericalCNN",
    "SphericalMNIST",
    "balanced_subset",
    "build_model",
    "diagnose_invariant_features",
    "mnist_experiment",
    "parameter_count",
    "project",
    "project_to_healpix",
    "spherical_mnist",
]

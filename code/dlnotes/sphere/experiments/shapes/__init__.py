"""SHREC17 in miniature (Cohen et al., 2018, §5.3): procedural shapes on the
sphere (:mod:`~dlnotes.sphere.experiments.shapes.dataset`), the three
classifiers (:mod:`~dlnotes.sphere.experiments.shapes.models`), the
competition's retrieval scores
(:mod:`~dlnotes.sphere.experiments.shapes.retrieval`), the experiment and its
shipped runs (:mod:`~dlnotes.sphere.experiments.shapes.experiment`) and its
commands (:mod:`~dlnotes.sphere.experiments.shapes.cli`)."""

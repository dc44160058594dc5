"""The spherical CNN paper's experiments, as the book runs them (Cohen et al.,
2018, §5).

These are studies built on the library :mod:`dlnotes.sphere`, not part of it:

* :mod:`~dlnotes.sphere.experiments.mnist` — spherical MNIST (Table 1);
* :mod:`~dlnotes.sphere.experiments.equivariance` — the equivariance error of
  layer stacks (Figure 3);
* :mod:`~dlnotes.sphere.experiments.band_limit` — what a band limit leaves of a
  digit (a planar ceiling);
* :mod:`~dlnotes.sphere.experiments.capacity` — the memorisation probe;
* :mod:`~dlnotes.sphere.experiments.activation_scale` — the scale of the
  activations through depth;
* :mod:`~dlnotes.sphere.experiments.paper` — the paper's printed numbers,
  quoted (Tables 1–3);
* ``python -m dlnotes.sphere.experiments`` — paper-scale runs from the command
  line;
* :mod:`~dlnotes.sphere.experiments.bench` — the benchmark of the transforms
  (:mod:`~dlnotes.sphere.experiments.bench_transforms`) and the layers
  (:mod:`~dlnotes.sphere.experiments.bench_layers`), ``python -m dlnotes.bench
  sphere``.
"""

"""MobileNet's paper reproduced and its trade-offs trained: studies built on
:mod:`dlnotes.mobilenet`.

* ``paper`` — the numbers the paper prints, as quoted data;
* ``reproduce`` — our counts beside the printed ones (Tables 4–10, 12);
* ``tradeoffs`` — the trained trade-offs on real digits (``python -m
  dlnotes.mobilenet.experiments``), with ``cluttered`` (the task), ``runs``
  (the records), ``checks`` (can a comparison test its claim?) and
  ``intervals``;
* ``speed`` — timing of layers and networks on a CPU (used by ``python -m
  dlnotes.bench mobilenet`` and the chapter);
* ``bench`` — that benchmark's command line (``python -m dlnotes.bench
  mobilenet``).
"""

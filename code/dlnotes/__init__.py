"""dlnotes: the code behind the lecture notes *Deep Learning, Derived*.

Every layer, transform, model, data loader and training loop that a chapter
uses lives here, with tests in ``tests/``. The chapters import from this
package; they do not define.

Sub-packages
------------
``dlnotes.data``      real digits that ship with installed packages
``dlnotes.train``     a small, seeded training and evaluation loop
``dlnotes.bench``     interleaved timing against a reference in the same run
``dlnotes.backprop``  hand-written backward passes (Part I)
``dlnotes.mobilenet`` MobileNetV1 and its cost model (Part II)
``dlnotes.sphere``    analysis on S² and SO(3), spherical CNNs (Part III)
"""

__version__ = "0.1.0"

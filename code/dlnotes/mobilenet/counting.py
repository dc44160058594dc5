"""Parameters and Mult-Adds of a model, layer by layer, under a stated
convention.

**Mult-Adds.** One Mult-Add is one multiply–accumulate ``y += w·x``. We count
them for
convolutions and fully connected layers only:

* ``Conv2d``: ``(output elements) × (C_in / groups) × k_h × k_w`` per image;
  for a depthwise convolution (``groups = C_in``) that is the paper's
  ``D_K·D_K·M·D_F·D_F`` (equation 3);
* ``Linear``: ``in_features × out_features``;
* BatchNorm, ReLU, pooling, dropout: zero — BatchNorm folds into the preceding
  convolution at inference, and ReLU and pooling do no multiplications that
  scale with the weights; biases are additions, not Mult-Adds.

This is what ``torch.utils.flop_counter.FlopCounterMode`` counts too (it
reports FLOPs = 2 × Mult-Adds for convolutions and matrix products, and nothing
for the rest); the tests check that.

**Parameters** (``convention``):

* ``"weights"`` — weights of convolutions and fully connected layers; no
  biases, no BatchNorm. This reproduces the paper's Table 2 exactly (e.g.
  pointwise 74.59 %, FC 24.33 %), so it is the default;
* ``"weights_and_biases"`` — the same plus the biases of convolutions and FC
  layers;
* ``"trainable"`` — every trainable tensor, BatchNorm's γ and β included (what
  an optimiser sees);
* ``"state"`` — ``"trainable"`` plus BatchNorm's running mean and variance
  (what a checkpoint stores, less the integer step counter).

Counts are taken by running one image through the model with forward hooks, on
the model's own
device: build big models on the meta device to count them without memory or
time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from dlnotes._checks import is_int

CONVENTIONS = ("weights", "weights_and_biases", "trainable", "state")

PAPER_KINDS = {
    "conv 1×1": "Conv 1×1",
    "conv dw 3×3": "Conv DW 3×3",
    "conv 3×3": "Conv 3×3",
    "fc": "Fully Connected",
}
"""Our layer kinds → the row names of the paper's Table 2."""


@dataclass(frozen=True)
class LayerCount:
    """One leaf module: its name in the model, its kind, output shape (one
    image), parameters (under the chosen convention) and Mult-Adds."""

    name: str
    kind: str
    output_shape: tuple[int, ...]
    params: int
    mult_adds: int


def _check_convention(convention: str) -> str:
    if convention not in CONVENTIONS:
        raise ValueError(
            f"convention must be one of {CONVENTIONS}, got {convention!r}"
        )
    return convention


def _own_tensors(module: nn.Module, convention: str) -> list[torch.Tensor]:
    """The tensors that count under ``convention`` and belong to ``module``
    itself (not its children)."""
    if convention in ("weights", "weights_and_biases"):
        if not isinstance(module, (nn.Conv2d, nn.Linear)):
            return []
        tensors = [module.weight]
        if convention == "weights_and_biases" and module.bias is not None:
            tensors.append(module.bias)
        return tensors
    tensors = [p for p in module.parameters(recurse=False) if p.requires_grad]
    if convention == "state":
        tensors += [
            b for b in module.buffers(recurse=False) if b.is_floating_point()
        ]
    return tensors


def _count_once(tensors: list[torch.Tensor], seen: set[int]) -> int:
    """Elements of the ``tensors`` not in ``seen`` (by identity), which then
    joins ``seen``.

    A weight shared by two layers (tied weights) is one tensor, so it counts
    once, as in ``sum(p.numel() for p in model.parameters())``, which PyTorch
    deduplicates the same way.
    """
    fresh = [t for t in tensors if id(t) not in seen]
    seen.update(id(t) for t in fresh)
    return sum(t.numel() for t in fresh)


def count_params(model: nn.Module, convention: str = "weights") -> int:
    """The number of parameters of ``model`` under ``convention`` (see the
    module docstring).

    A tensor shared by several layers counts once.

    Raises:
        TypeError: ``model`` is not an ``nn.Module``.
        ValueError: unknown convention.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"model must be a torch.nn.Module, got {type(model).__name__}"
        )
    _check_convention(convention)
    seen: set[int] = set()
    return sum(
        _count_once(_own_tensors(module, convention), seen)
        for module in model.modules()
    )


def layer_kind(module: nn.Module) -> str:
    """``"conv 3×3"``, ``"conv dw 3×3"``, ``"conv 1×1"``, ``"fc"``,
    ``"batchnorm"``, ``"relu"``, ``"pool"``, or the class name for anything
    else."""
    if isinstance(module, nn.Conv2d):
        kh, kw = module.kernel_size
        size = f"{kh}×{kw}"
        depthwise = module.groups > 1 and module.groups == module.in_channels
        return f"conv dw {size}" if depthwise else f"conv {size}"
    if isinstance(module, nn.Linear):
        return "fc"
    if isinstance(module, nn.modules.batchnorm._BatchNorm):
        return "batchnorm"
    if isinstance(module, nn.ReLU):
        return "relu"
    if isinstance(
        module,
        (
            nn.modules.pooling._AvgPoolNd,
            nn.modules.pooling._MaxPoolNd,
            nn.modules.pooling._AdaptiveAvgPoolNd,
        ),
    ):
        return "pool"
    return type(module).__name__


def _mult_adds(module: nn.Module, output: torch.Tensor) -> int:
    per_output = 0
    if isinstance(module, nn.Conv2d):
        kh, kw = module.kernel_size
        per_output = module.in_channels // module.groups * kh * kw
    elif isinstance(module, nn.Linear):
        per_output = module.in_features
    return output[0].numel() * per_output


def _input_shape(
    model: nn.Module, input_size: int | Sequence[int]
) -> tuple[int, int, int]:
    if isinstance(input_size, bool):
        raise TypeError(
            "input_size must be an int or a tuple of ints, got bool"
        )
    if isinstance(input_size, int):
        input_size = (input_size, input_size)
    if not isinstance(input_size, Sequence) or not all(
        is_int(s) for s in input_size
    ):
        raise TypeError(
            "input_size must be an int or a tuple (H, W) or (C, H, W) of"
            f" ints, got {input_size!r}"
        )
    if len(input_size) == 2:
        first = next(
            (m for m in model.modules() if isinstance(m, nn.Conv2d)), None
        )
        if first is None:
            raise ValueError(
                "input_size must be (C, H, W) for a model without a Conv2d"
            )
        input_size = (first.in_channels, *input_size)
    if len(input_size) != 3 or min(input_size) < 1:
        raise ValueError(
            "input_size must be an int or (H, W) or (C, H, W) with entries >="
            f" 1, got {tuple(input_size)}"
        )
    channels, height, width = input_size
    return channels, height, width


def layer_table(
    model: nn.Module,
    input_size: int | Sequence[int],
    convention: str = "weights",
) -> list[LayerCount]:
    """One :class:`LayerCount` per leaf module, in the order the forward pass
    calls them.

    A module called twice, or a weight shared by two modules, has its
    parameters counted on the first row that uses them only, so the rows sum to
    :func:`count_params`.

    Args:
        model: any ``nn.Module`` taking one image batch ``[1, C, H, W]``.
        input_size: the side of a square image, ``(H, W)``, or ``(C, H, W)``;
            the channels default to those of the first ``Conv2d``.
        convention: which parameters count (see the module docstring).

    Raises:
        TypeError: ``model`` is not a module, or ``input_size`` is not ints.
        ValueError: unknown convention, a size below 1, or the model rejects
            the input (for a
            MobileNet: an input smaller than its total stride).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"model must be a torch.nn.Module, got {type(model).__name__}"
        )
    _check_convention(convention)
    shape = _input_shape(model, input_size)
    leaves = [
        (name, m)
        for name, m in model.named_modules()
        if not list(m.children())
    ]
    rows: list[LayerCount] = []
    # tensors already counted: a layer called twice, or a shared weight, counts
    # once
    seen: set[int] = set()

    def hook(name: str):
        def record(
            module: nn.Module, inputs: object, output: torch.Tensor
        ) -> None:
            params = _count_once(_own_tensors(module, convention), seen)
            rows.append(
                LayerCount(
                    name,
                    layer_kind(module),
                    tuple(output.shape[1:]),
                    params,
                    _mult_adds(module, output),
                )
            )

        return record

    handles = [
        module.register_forward_hook(hook(name)) for name, module in leaves
    ]
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros(1, *shape, device=device))
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    return rows


def count_mult_adds(model: nn.Module, input_size: int | Sequence[int]) -> int:
    """Mult-Adds of one forward pass of one image (see the module docstring for
    what counts).

    Args and raises as :func:`layer_table`.
    """
    return sum(row.mult_adds for row in layer_table(model, input_size))


def by_kind(rows: Sequence[LayerCount]) -> dict[str, tuple[int, int]]:
    """Total ``(mult_adds, params)`` per layer kind, kinds with neither left
    out."""
    totals: dict[str, list[int]] = {}
    for row in rows:
        entry = totals.setdefault(row.kind, [0, 0])
        entry[0] += row.mult_adds
        entry[1] += row.params
    return {kind: (m, p) for kind, (m, p) in totals.items() if m or p}


def as_frame(rows: Sequence[LayerCount]):
    """The rows as a ``pandas.DataFrame`` (columns: name, kind, output, params,
    mult_adds)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "name": [r.name for r in rows],
            "kind": [r.kind for r in rows],
            "output": ["×".join(map(str, r.output_shape)) for r in rows],
            "params": [r.params for r in rows],
            "mult_adds": [r.mult_adds for r in rows],
        }
    )

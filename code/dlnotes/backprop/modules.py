"""``nn.Module`` wrappers whose constructors and ``state_dict`` are
``torch.nn``'s own.

Each subclasses the ``torch.nn`` layer, so parameters, buffers, ``state_dict``
keys, ``load_state_dict`` and ``repr`` are PyTorch's; only ``forward`` is
replaced, to call this package's functions with hand-written backward passes. A
trained torch model's weights load unchanged.
"""

from __future__ import annotations

import torch
from torch import nn

from dlnotes.backprop.batchnorm import batch_norm
from dlnotes.backprop.conv import conv2d
from dlnotes.backprop.dropout import dropout


class _BatchNormForward:
    """The forward of ``torch.nn.modules.batchnorm._BatchNorm``, calling
    :func:`dlnotes.backprop.batchnorm.batch_norm`."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:  # noqa: A002 (torch's name)
        self._check_input_dim(input)  # type: ignore[attr-defined]
        factor = 0.0 if self.momentum is None else self.momentum  # type: ignore[attr-defined]
        if (
            self.training
            and self.track_running_stats
            and self.num_batches_tracked is not None
        ):  # type: ignore[attr-defined]
            self.num_batches_tracked.add_(1)  # type: ignore[attr-defined]
            factor = (
                1.0 / float(self.num_batches_tracked)
                if self.momentum is None
                else self.momentum
            )  # type: ignore[attr-defined]
        use_batch = self.training or (
            self.running_mean is None and self.running_var is None
        )  # type: ignore[attr-defined]
        keep_running = not self.training or self.track_running_stats  # type: ignore[attr-defined]
        return batch_norm(
            input,
            self.running_mean if keep_running else None,  # type: ignore[attr-defined]
            self.running_var if keep_running else None,  # type: ignore[attr-defined]
            self.weight,  # type: ignore[attr-defined]
            self.bias,  # type: ignore[attr-defined]
            use_batch,
            factor,
            self.eps,  # type: ignore[attr-defined]
        )


class BatchNorm1d(_BatchNormForward, nn.BatchNorm1d):
    """``torch.nn.BatchNorm1d`` (input ``(N, C)`` or ``(N, C, L)``) with
    :func:`dlnotes.backprop.batchnorm.batch_norm`.

    ``momentum=None`` gives the cumulative moving average, as in PyTorch.

    Raises:
        ValueError: on input that is not 2- or 3-dimensional (PyTorch's own
            check), and whatever :func:`dlnotes.backprop.batchnorm.batch_norm`
            refuses.
    """


class BatchNorm2d(_BatchNormForward, nn.BatchNorm2d):
    """``torch.nn.BatchNorm2d`` (input ``(N, C, H, W)``) with
    :func:`dlnotes.backprop.batchnorm.batch_norm`.

    ``momentum=None`` gives the cumulative moving average, as in PyTorch.

    Raises:
        ValueError: on input that is not 4-dimensional (PyTorch's own check),
            and whatever :func:`dlnotes.backprop.batchnorm.batch_norm` refuses.
    """


class Dropout(nn.Dropout):
    """``torch.nn.Dropout`` with :func:`dlnotes.backprop.dropout.dropout`,
    never in place.

    Raises:
        ValueError: if ``inplace=True``: the hand-written Function returns a
            new tensor, and silently ignoring the flag would break code that
            relies on the input changing.
        TypeError, ValueError, RuntimeError: from
            :func:`dlnotes.backprop.dropout.dropout`.
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        if inplace:
            raise ValueError(
                "inplace=True is not supported: dlnotes.backprop.dropout never"
                " works in place"
            )
        super().__init__(p, inplace)

    def forward(self, input: torch.Tensor) -> torch.Tensor:  # noqa: A002 (torch's name)
        return dropout(input, self.p, self.training)


class Conv2d(nn.Conv2d):
    """``torch.nn.Conv2d`` (every ``padding_mode`` included) with
    :func:`dlnotes.backprop.conv.conv2d`.

    Raises:
        ValueError, TypeError: as ``torch.nn.Conv2d``'s constructor, and on
            input that :func:`dlnotes.backprop.conv.conv2d` refuses.
    """

    def _conv_forward(
        self,
        input: torch.Tensor,
        weight: torch.Tensor,
        bias: torch.Tensor | None,
    ) -> torch.Tensor:  # noqa: A002
        if self.padding_mode != "zeros":
            padded = nn.functional.pad(
                input,
                self._reversed_padding_repeated_twice,
                mode=self.padding_mode,
            )
            return conv2d(
                padded,
                weight,
                bias,
                self.stride,
                0,
                self.dilation,
                self.groups,
            )
        return conv2d(
            input,
            weight,
            bias,
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
        )

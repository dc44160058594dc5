"""VGG16 (Simonyan and Zisserman, 2015, configuration D), defined only to be
counted.

The MobileNet paper's Table 8 compares against VGG16 (15,300 million Mult-Adds,
138 million parameters). To check those numbers we count this definition with
the same code and the same convention as MobileNetV1
(:mod:`dlnotes.mobilenet.counting`). Build it on the meta device (``with
torch.device("meta"): model = VGG16()``) to count it without allocating its
0.55 GB of weights.
"""

from __future__ import annotations

import torch
from torch import nn

CONFIG_D: tuple[int | str, ...] = (
    64,
    64,
    "M",
    128,
    128,
    "M",
    256,
    256,
    256,
    "M",
    512,
    512,
    512,
    "M",
    512,
    512,
    512,
    "M",
)
"""Configuration D, with 13 convolutions 3×3 (their channels) and five 2×2 max
pools ("M")."""


class VGG16(nn.Module):
    """VGG16: 13 conv 3×3 layers with biases and ReLU, five max pools, three FC
    layers.

    Args:
        num_classes: outputs of the last fully connected layer.
        in_channels: channels of the input image.
    """

    def __init__(self, num_classes: int = 1000, in_channels: int = 3) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = in_channels
        for item in CONFIG_D:
            if item == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [
                    nn.Conv2d(channels, int(item), kernel_size=3, padding=1),
                    nn.ReLU(inplace=True),
                ]
                channels = int(item)
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``[B, num_classes]`` of images ``[B, in_channels, 224,
        224]``."""
        return self.classifier(self.features(x))

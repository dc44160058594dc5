"""dlnotes.mobilenet.vgg: VGG16's shape and its well-known size."""

import torch

from dlnotes.mobilenet.counting import count_params
from dlnotes.mobilenet.vgg import VGG16


def test_vgg16_has_138_million_parameters_and_maps_224_to_logits():
    with torch.device("meta"):
        model = VGG16()
        assert model(torch.zeros(1, 3, 224, 224)).shape == (1, 1000)
    # the torchvision figure
    assert count_params(model, "weights_and_biases") == 138_357_544

"""ConvReel's engine: a small NumPy CNN whose every intermediate number a scene can show.

Pure NumPy, float64, NCHW; never imports manim.
"""

from .examples import EXAMPLES, Example, get_example, held_out_accuracy, load_model, train_example
from .functional import (
    conv2d,
    cross_entropy,
    log_softmax,
    match_map,
    max_pool2d,
    max_pool2d_with_indices,
    output_size,
    relu,
    softmax,
)
from .images import ImageError, load_binary, load_rgb
from .layers import Conv2D, Dense, Flatten, Layer, MaxPool2D, ReLU
from .network import ModelError, Network, Snapshot, Step, Trace
from .train import SGD, EpochRecord, History, LearningStep, evaluate, learning_step, loss_curve, train

__all__ = [
    "EXAMPLES",
    "SGD",
    "Conv2D",
    "Dense",
    "EpochRecord",
    "Example",
    "Flatten",
    "History",
    "LearningStep",
    "ImageError",
    "Layer",
    "MaxPool2D",
    "ModelError",
    "Network",
    "ReLU",
    "Snapshot",
    "Step",
    "Trace",
    "conv2d",
    "cross_entropy",
    "evaluate",
    "get_example",
    "learning_step",
    "loss_curve",
    "held_out_accuracy",
    "load_binary",
    "load_model",
    "load_rgb",
    "log_softmax",
    "match_map",
    "max_pool2d",
    "max_pool2d_with_indices",
    "output_size",
    "relu",
    "softmax",
    "train",
    "train_example",
]

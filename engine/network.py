"""The network: a stack of layers with names, a forward/backward pass, a trace, and weights I/O."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import functional as F
from .layers import LAYER_TYPES, Layer

FORMAT = "convreel-model"
FORMAT_VERSION = 1
_PREFIX = {"Conv2D": "conv", "ReLU": "relu", "MaxPool2D": "pool", "Flatten": "flatten", "Dense": "dense"}


class ModelError(ValueError):
    """A weights file that is missing, unreadable, corrupted or does not fit its architecture."""


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class Step:
    """One layer's part of a single-image forward pass (arrays without the batch axis)."""

    name: str
    kind: str
    input: np.ndarray
    output: np.ndarray
    params: dict[str, np.ndarray]
    config: dict
    winners: np.ndarray | None = None  # MaxPool2D: (C, Ho, Wo, 2) input (row, col) of each max


@dataclass(frozen=True)
class Trace:
    """Every value a scene may show for one image, recorded by ``Network.trace``."""

    class_names: tuple[str, ...]
    image: np.ndarray  # (C, H, W) as given, e.g. 0-255 for photos
    input: np.ndarray  # (C, H, W) what the first layer sees: image * input_scale
    input_scale: float
    steps: tuple[Step, ...]
    logits: np.ndarray
    probabilities: np.ndarray
    prediction: int
    label: int | None = None
    loss: float | None = None
    dlogits: np.ndarray | None = None  # dLoss/dlogits, when a label is given

    @property
    def predicted_class(self) -> str:
        return self.class_names[self.prediction]

    @property
    def label_name(self) -> str | None:
        return None if self.label is None else self.class_names[self.label]

    @property
    def flat(self) -> np.ndarray:
        return self.steps_of("Flatten")[-1].output

    def step(self, name: str) -> Step:
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(f"no layer named {name!r}; layers are {[s.name for s in self.steps]}")

    def steps_of(self, kind: str) -> list[Step]:
        return [s for s in self.steps if s.kind == kind]

    def shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        """("input", shape) then (layer name, output shape) for every step, in order."""
        return [("input", self.input.shape)] + [(s.name, s.output.shape) for s in self.steps]


@dataclass
class Snapshot:
    """Weights saved at the end of an epoch (epoch 0: before training)."""

    epoch: int
    state: dict[str, np.ndarray] = field(repr=False)


class Network:
    """A sequential CNN classifier.

    ``input_scale`` multiplies the image before the first layer (e.g. 1/255 for 0-255 photos), so
    that the trace keeps the pixel values a viewer knows and the values the network computes with.
    """

    def __init__(
        self,
        layers: list[Layer],
        class_names: list[str] | tuple[str, ...],
        input_scale: float = 1.0,
        input_shape: tuple[int, int, int] | None = None,
        meta: dict | None = None,
    ) -> None:
        self.layers = list(layers)
        self.class_names = tuple(class_names)
        self.input_scale = float(input_scale)
        self.input_shape = None if input_shape is None else tuple(int(d) for d in input_shape)
        self.meta: dict = dict(meta or {})
        self.snapshots: list[Snapshot] = []
        counts: dict[str, int] = {}
        self.names: list[str] = []
        for layer in self.layers:
            prefix = _PREFIX.get(layer.kind, layer.kind.lower())
            counts[prefix] = counts.get(prefix, 0) + 1
            self.names.append(f"{prefix}{counts[prefix]}")

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={layer!r}" for n, layer in zip(self.names, self.layers))
        return f"Network({inner}; classes={list(self.class_names)})"

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64) * self.input_scale
        for layer in self.layers:
            x = layer.forward(x)
        return x

    __call__ = forward

    def backward(self, dlogits: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """Fill every layer's ``grads``; return dL/d(image) unless ``input_grad`` is False."""
        d = dlogits
        for i in range(len(self.layers) - 1, -1, -1):
            d = self.layers[i].backward(d, input_grad=input_grad or i > 0)
        return None if d is None else d * self.input_scale

    def predict_proba(self, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return np.concatenate([F.softmax(self.forward(x[i : i + batch_size])) for i in range(0, len(x), batch_size)])

    # -- parameters --------------------------------------------------------------------------
    def named_layers(self) -> list[tuple[str, Layer]]:
        return list(zip(self.names, self.layers))

    def state_dict(self) -> dict[str, np.ndarray]:
        return {f"{n}.{k}": v.copy() for n, layer in self.named_layers() for k, v in layer.params.items()}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        expected = self.state_dict()
        missing = sorted(set(expected) - set(state))
        if missing:
            raise ModelError(f"weights are missing {', '.join(missing)}")
        for n, layer in self.named_layers():
            for k in layer.params:
                value = np.asarray(state[f"{n}.{k}"], dtype=np.float64)
                if value.shape != expected[f"{n}.{k}"].shape:
                    raise ModelError(
                        f"{n}.{k} has shape {value.shape} but the architecture needs {expected[f'{n}.{k}'].shape}"
                    )
                if not np.all(np.isfinite(value)):
                    raise ModelError(f"{n}.{k} contains NaN or infinite values")
                setattr(layer, k, value)

    def snapshot(self, epoch: int) -> Snapshot:
        snap = Snapshot(epoch, self.state_dict())
        self.snapshots = [s for s in self.snapshots if s.epoch != epoch] + [snap]
        self.snapshots.sort(key=lambda s: s.epoch)
        return snap

    def at_snapshot(self, epoch: int) -> Network:
        """A copy of this network with the weights it had at the end of ``epoch``."""
        for s in self.snapshots:
            if s.epoch == epoch:
                net = self.copy()
                net.load_state_dict(s.state)
                return net
        raise KeyError(f"no snapshot for epoch {epoch}; have {[s.epoch for s in self.snapshots]}")

    def copy_with(self, state: dict[str, np.ndarray]) -> Network:
        """A copy of this network with other parameter values (e.g. after a learning step)."""
        net = self.copy()
        net.load_state_dict(state)
        return net

    def copy(self) -> Network:
        net = Network(
            [LAYER_TYPES[layer.kind](**layer.config()) for layer in self.layers],
            self.class_names,
            self.input_scale,
            self.input_shape,
            json.loads(json.dumps(self.meta)),
        )
        net.load_state_dict(self.state_dict())
        net.snapshots = list(self.snapshots)
        return net

    # -- trace -------------------------------------------------------------------------------
    def class_index(self, label: int | str) -> int:
        if isinstance(label, str):
            lowered = [c.lower() for c in self.class_names]
            if label.lower() not in lowered:
                raise ValueError(f"unknown label {label!r}; classes are {', '.join(self.class_names)}")
            return lowered.index(label.lower())
        if not 0 <= int(label) < len(self.class_names):
            raise ValueError(f"label {label} out of range for {len(self.class_names)} classes")
        return int(label)

    def trace(self, image: np.ndarray, label: int | str | None = None) -> Trace:
        """Run one image (C, H, W) forward and record every intermediate value."""
        image = np.asarray(image, dtype=np.float64)
        if image.ndim == 2:
            image = image[None]
        if self.input_shape is not None and image.shape != self.input_shape:
            raise ValueError(f"image has shape {image.shape}, the network expects {self.input_shape}")
        x = image[None] * self.input_scale
        steps = []
        for name, layer in self.named_layers():
            y = layer.forward(x)
            winners = getattr(layer, "winners", None)
            steps.append(
                Step(
                    name=name,
                    kind=layer.kind,
                    input=_frozen(x[0]),
                    output=_frozen(y[0]),
                    params={k: _frozen(v) for k, v in layer.params.items()},
                    config=layer.config(),
                    winners=None if winners is None else np.array(winners[0]),
                )
            )
            x = y
        logits = x[0]
        idx = None if label is None else self.class_index(label)
        loss, dlogits = (None, None) if idx is None else F.cross_entropy(logits[None], [idx])
        return Trace(
            class_names=self.class_names,
            image=_frozen(image),
            input=_frozen(image * self.input_scale),
            input_scale=self.input_scale,
            steps=tuple(steps),
            logits=_frozen(logits),
            probabilities=_frozen(F.softmax(logits)),
            prediction=int(np.argmax(logits)),
            label=idx,
            loss=loss,
            dlogits=None if dlogits is None else _frozen(dlogits[0]),
        )

    # -- weights I/O -------------------------------------------------------------------------
    def architecture(self) -> dict:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "layers": [{"kind": layer.kind, "config": layer.config()} for layer in self.layers],
            "class_names": list(self.class_names),
            "input_scale": self.input_scale,
            "input_shape": None if self.input_shape is None else list(self.input_shape),
        }

    def save(self, path: str | Path) -> Path:
        """Write architecture, metadata, weights and snapshots to one ``.npz`` (atomically)."""
        path = Path(path)
        arrays: dict[str, np.ndarray] = {
            "architecture": np.array(json.dumps(self.architecture())),
            "meta": np.array(json.dumps(self.meta)),
        }
        arrays.update({f"param/{k}": v for k, v in self.state_dict().items()})
        for s in self.snapshots:
            arrays.update({f"snapshot/{s.epoch}/{k}": v for k, v in s.state.items()})
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        # Like np.savez_compressed, but with fixed timestamps: the same weights give the same bytes
        # (and the same SHA-256 in render manifests and caches).
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for key, value in arrays.items():
                info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with zf.open(info, "w") as fh:
                    np.lib.format.write_array(fh, np.asanyarray(value), allow_pickle=False)
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Network:
        path = Path(path)
        if path.is_dir():
            raise ModelError(f"{path}: is a directory, not a weights file")
        if not path.exists():
            raise ModelError(f"{path}: weights file not found")
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            raise ModelError(f"{path}: not a readable ConvReel weights file ({exc.__class__.__name__})") from None
        try:
            arch = json.loads(str(arrays["architecture"]))
            meta = json.loads(str(arrays.get("meta", "{}")))
            if arch.get("format") != FORMAT:
                raise ValueError("not a ConvReel model")
            if arch.get("version") != FORMAT_VERSION:
                raise ValueError(f"unsupported format version {arch.get('version')}")
            layers = [LAYER_TYPES[spec["kind"]](**spec["config"]) for spec in arch["layers"]]
            net = cls(layers, arch["class_names"], arch["input_scale"], arch["input_shape"], meta)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{path}: invalid architecture record ({exc})") from None
        try:
            net.load_state_dict({k[len("param/") :]: v for k, v in arrays.items() if k.startswith("param/")})
        except ModelError as exc:
            raise ModelError(f"{path}: {exc}") from None
        snaps: dict[int, dict[str, np.ndarray]] = {}
        for k, v in arrays.items():
            if k.startswith("snapshot/"):
                _, epoch, key = k.split("/", 2)
                snaps.setdefault(int(epoch), {})[key] = v
        net.snapshots = [Snapshot(e, snaps[e]) for e in sorted(snaps)]
        if net.input_shape is not None:
            try:
                logits = net.forward(np.zeros((1, *net.input_shape)))
            except ValueError as exc:
                raise ModelError(f"{path}: layers do not fit together ({exc})") from None
            if logits.shape != (1, len(net.class_names)):
                raise ModelError(
                    f"{path}: the network gives {logits.shape[-1]} outputs for {len(net.class_names)} classes"
                )
        return net

"""How sure the bundled models are, and what each regulariser does to that: the figures behind the
README's "The bundled models".

Run: .venv/bin/python benchmarks/calibration.py [--example face] [--variants baseline,recipe,...]
     [--old-models DIR]

For each example and each training variant (the shipped recipe, and the recipe with one thing
changed), it trains from scratch and prints: held-out accuracy and expected calibration error (ECE,
10 bins) on 1000 drawings from ``HELD_OUT_SEED``; the median probability of the right class over
the seeded batches the example images are chosen from, and how many of those lie in [0.85, 0.99]
with no class below 0.001; the probabilities of the example image the rule would ship; how many
images of the user-like set (tests/user_like.py: 300 hand drawings, 90 photos, saved as JPEG)
it gets right; and the training time (training only, on an otherwise idle machine to be meaningful).
``--old-models DIR`` also scores weights files DIR/<example>.npz (e.g. the previous bundled
models, from git) on the same sets.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# This folder holds a file named like the engine package: keep it off the import path; the
# user-like set lives with the tests.
sys.path = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
import engine  # noqa: E402
from engine.examples import TYPICAL_FLOOR, TYPICAL_TOP, candidate_images, example_images  # noqa: E402
from engine.train import calibration, predict_proba  # noqa: E402
from tests.user_like import user_like_set  # noqa: E402

USER_LIKE = {"tick-cross": 150, "face": 30}  # images per class, as in tests/test_models_user_like.py

VARIANTS = {
    "recipe": {},
    "baseline": {"label_smoothing": 0.0, "augment": None},
    "ls=0.03": {"label_smoothing": 0.03},
    "ls=0.05": {"label_smoothing": 0.05},
    "ls=0.075": {"label_smoothing": 0.075},
    "ls=0.1": {"label_smoothing": 0.1},
    "wd=0.01": {"label_smoothing": 0.0, "weight_decay": 0.01},
    "wd=0.03": {"label_smoothing": 0.0, "weight_decay": 0.03},
    "no-augment": {"augment": None},
    "no-smoothing": {"label_smoothing": 0.0},
}


def score(name: str, net: engine.Network, held_out, user) -> str:
    h = calibration(net, *held_out)
    parts = [f"held-out acc {h['accuracy']:.4f} ECE {h['ece']:.4f}"]
    inside = []
    for k, batch in enumerate(candidate_images(name).values()):
        p = predict_proba(net, batch)
        own = p[:, k]
        ok = (
            (p.argmax(axis=1) == k)
            & (TYPICAL_TOP[0] <= own)
            & (own <= TYPICAL_TOP[1])
            & (p.min(axis=1) >= TYPICAL_FLOOR)
        )
        inside.append(f"{np.median(own):.3f} ({ok.sum()}/{len(batch)})")
    parts.append("candidates median (in bounds) " + ", ".join(inside))
    shipped = [net.trace(img).probabilities for img in example_images(name, net).values()]
    parts.append("example images " + "; ".join(" ".join(f"{v:.4f}" for v in p) for p in shipped))
    xu, yu = user
    parts.append(f"user-like {(predict_proba(net, xu).argmax(axis=1) == yu).sum()}/{len(yu)}")
    return " | ".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--example", choices=sorted(engine.EXAMPLES), action="append")
    ap.add_argument("--variants", default="recipe,baseline", help=f"comma-separated, from {', '.join(VARIANTS)}")
    ap.add_argument("--old-models", type=Path, help="a folder with <example>.npz weights to score as well")
    args = ap.parse_args()
    for name in args.example or list(engine.EXAMPLES):
        held_out = engine.examples.held_out_set(name)
        with tempfile.TemporaryDirectory() as tmp:
            user = user_like_set(name, tmp, per_class=USER_LIKE[name])[:2]
        if args.old_models:
            old = engine.Network.load(args.old_models / f"{name}.npz")
            print(f"{name:10s} {'old':10s} {score(name, old, held_out, user)}", flush=True)
        for variant in args.variants.split(","):
            t = time.perf_counter()
            net, _ = engine.train_example(name, **VARIANTS[variant])
            secs = time.perf_counter() - t
            print(
                f"{name:10s} {variant:10s} {score(name, net, held_out, user)} | train_example {secs:.1f} s", flush=True
            )


if __name__ == "__main__":
    main()

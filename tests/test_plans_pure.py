"""Lesson plans are pure NumPy: importing every plan never imports Manim."""

import pkgutil
import subprocess
import sys

import scenes.plans


def test_plans_do_not_import_manim():
    names = [f"scenes.plans.{m.name}" for m in pkgutil.iter_modules(scenes.plans.__path__)]
    code = "import sys\n" + "".join(f"import {n}\n" for n in names) + "print('manim' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", names

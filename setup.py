"""Package layout; the metadata is in pyproject.toml.

The wheel holds every package and sub-package of engine/, scenes/ and convreel/, and ships the
repository's assets/ folder (bundled weights and example images) as the package data
engine/assets, which engine.examples reads with importlib.resources.
"""

from setuptools import find_packages, setup

PACKAGES = ["engine", "engine.*", "scenes", "scenes.*", "convreel", "convreel.*"]

setup(
    packages=[*find_packages(include=PACKAGES), "engine.assets"],
    package_dir={"engine.assets": "assets"},
    package_data={"engine.assets": ["*.npz", "images/*/*"]},
)

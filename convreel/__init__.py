"""ConvReel: animated CNN explainers computed from a real network."""

__version__ = "0.1.0"

"""gradspec: executable specs of PyTorch tensor and autograd semantics, checked by Hypothesis
against any library through an adapter."""

__version__ = "0.1.0"

"""gradspec: executable specs of PyTorch tensor and autograd semantics, checked by Hypothesis
against any library through an adapter.

PYTEST_DONT_REWRITE: the ``gradspec`` command imports this package before it starts pytest, and
gradspec's own code needs no assertion rewriting.
"""

__version__ = "0.1.0"

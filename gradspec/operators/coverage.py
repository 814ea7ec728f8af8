"""How much of PyTorch's OpInfo database the operator table covers (``gradspec coverage``).

The reference set is the names of the differentiable operators of the installed torch's
``op_db`` (``torch.testing._internal.common_methods_invocations``), or, where it cannot be
imported (it needs torch's test dependencies, e.g. ``expecttest``), the list recorded from
torch 2.13.0 beside this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gradspec.operators.table import OperatorEntry

RECORDED_NAMES = Path(__file__).with_name("opinfo_names.txt")
#: The operators the table must hold, by OpInfo name: every elementwise op is counted by family;
#: these are the named reductions, layers, indexing, shape and linear-algebra operators.
REQUIRED = (
    "sum", "mean", "prod", "amax", "amin", "max", "min", "var", "std", "norm", "logsumexp", "cumsum", "cumprod",
    "softmax", "log_softmax", "nn.functional.cross_entropy", "nn.functional.nll_loss", "nn.functional.mse_loss",
    "nn.functional.linear", "nn.functional.conv1d", "nn.functional.conv2d", "nn.functional.layer_norm",
    "nn.functional.batch_norm", "nn.functional.group_norm", "nn.functional.embedding", "nn.functional.max_pool2d",
    "nn.functional.avg_pool2d", "nn.functional.scaled_dot_product_attention", "nn.functional.pad",
    "nn.functional.interpolate", "index_select", "gather", "scatter_add", "index_put", "masked_fill", "__getitem__",
    "cat", "stack", "split", "chunk", "permute", "reshape", "expand", "squeeze", "flip", "roll", "repeat", "tril",
    "triu", "diagonal", "narrow", "as_strided", "mm", "bmm", "addmm", "einsum", "linalg.solve", "linalg.inv",
    "linalg.det", "linalg.slogdet", "linalg.cholesky", "linalg.eigh", "linalg.svd", "linalg.qr",
)  # fmt: skip


@dataclass(frozen=True)
class Coverage:
    """The table's operator names against OpInfo's."""

    source: str
    opinfo: frozenset[str]
    table: frozenset[str]
    families: dict[str, list[str]]

    @property
    def covered(self) -> list[str]:
        return sorted(self.table & self.opinfo)

    @property
    def missing(self) -> list[str]:
        return sorted(self.opinfo - self.table)

    @property
    def outside(self) -> list[str]:
        """Table names OpInfo does not have."""
        return sorted(self.table - self.opinfo)

    @property
    def required_missing(self) -> list[str]:
        return [name for name in REQUIRED if name not in self.table]


def opinfo_names() -> tuple[frozenset[str], str]:
    """The differentiable OpInfo names, and where they come from."""
    try:
        import torch
        from torch.testing._internal.common_methods_invocations import op_db
    except Exception:  # torch absent, or op_db's test dependencies missing
        lines = RECORDED_NAMES.read_text(encoding="utf-8").splitlines()
        names = frozenset(line for line in lines if line and not line.startswith("#"))
        return names, "the list recorded from torch 2.13.0's op_db (gradspec/operators/opinfo_names.txt)"
    return frozenset(op.name for op in op_db if op.supports_autograd), f"the installed torch {torch.__version__}'s op_db"


def coverage(entries: dict[str, OperatorEntry]) -> Coverage:
    """The coverage of the table ``entries``."""
    names, source = opinfo_names()
    families: dict[str, list[str]] = {}
    for entry in entries.values():
        families.setdefault(entry.family, [])
        if entry.name not in families[entry.family]:
            families[entry.family].append(entry.name)
    return Coverage(source, names, frozenset(e.name for e in entries.values()), families)


def render(found: Coverage, *, list_missing: bool = False) -> str:
    """The figures, the covered names by family, and (if asked) the OpInfo names not covered."""
    lines = [
        f"OpInfo differentiable operators covered: {len(found.covered)} of {len(found.opinfo)} "
        f"({100.0 * len(found.covered) / max(len(found.opinfo), 1):.1f}%), from {found.source}",
        f"table entries: {sum(len(v) for v in found.families.values())} operators in {len(found.families)} families",
    ]
    if found.required_missing:
        lines.append(f"required operators missing: {', '.join(found.required_missing)}")
    else:
        lines.append(f"required operators: all {len(REQUIRED)} present")
    if found.outside:
        lines.append(f"table names OpInfo does not list: {', '.join(found.outside)}")
    for family, names in sorted(found.families.items()):
        lines += ["", f"{family} ({len(names)}):", "  " + " ".join(sorted(names))]
    if list_missing:
        lines += ["", f"not covered ({len(found.missing)}):", "  " + " ".join(found.missing)]
    return "\n".join(lines)

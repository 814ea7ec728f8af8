"""Planted deviations for the nn.init spec (specs/module_state/nn_init_*): each adapter fills a
tensor as ``torch.nn.init`` does and breaks one documented behaviour of it."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter

_METHODS = {"uniform_": "uniform_", "constant_": "fill_", "normal_": "normal_"}


class InitRecorded(TorchAdapter):
    """nn.init fills the tensor with its in-place method under the current grad mode (not under
    no_grad), as an operation autograd records."""

    deviation_kind = "missing"

    def nn_init(self, name: str, tensor: Any, **options: Any) -> Any:
        return getattr(tensor, _METHODS[name])(*options.values())


class InitFillsACopy(TorchAdapter):
    """nn.init fills and returns a copy of the tensor, leaving the tensor as it was."""

    deviation_kind = "partial"

    def nn_init(self, name: str, tensor: Any, **options: Any) -> Any:
        return super().nn_init(name, tensor.detach().clone(), **options)


class InitDropsRequiresGrad(TorchAdapter):
    """nn.init leaves the tensor no longer requiring grad."""

    deviation_kind = "leaking"

    def nn_init(self, name: str, tensor: Any, **options: Any) -> Any:
        return super().nn_init(name, tensor, **options).requires_grad_(False)


CAUGHT_BY = {
    InitRecorded: {"module_state.nn_init.fills_parameter_in_place"},
    InitFillsACopy: {"module_state.nn_init.fills_parameter_in_place"},
    InitDropsRequiresGrad: {"module_state.nn_init.fills_parameter_in_place"},
}

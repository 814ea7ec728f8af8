"""Planted deviations for the module-state specs (specs/module_state/): each adapter wraps
``torch.nn.Module`` and ``nn.Parameter`` and breaks one documented behaviour of them."""
from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter
from gradspec.values import OMITTED


class TensorMembersRegistered(TorchAdapter):
    """A floating tensor set as a module's member becomes one of its parameters."""

    deviation_kind = "leaking"

    def set_member(self, module: Any, name: str, value: Any) -> None:
        if isinstance(value, self.torch.Tensor) and value.is_floating_point() and not isinstance(value, self.nn.Parameter):
            value = self.nn.Parameter(value)
        super().set_member(module, name, value)


class ParameterFollowsGradMode(TorchAdapter):
    """A Parameter made under no_grad does not require grad."""

    deviation_kind = "leaking"

    def parameter(self, tensor: Any, *, requires_grad: Any) -> Any:
        if requires_grad is OMITTED and not self.torch.is_grad_enabled():
            requires_grad = False
        return super().parameter(tensor, requires_grad=requires_grad)


class NonPersistentBuffersSaved(TorchAdapter):
    """register_buffer(persistent=False) registers a persistent buffer."""

    deviation_kind = "missing"

    def register_buffer(self, module: Any, name: str, tensor: Any, **options: Any) -> None:
        super().register_buffer(module, name, tensor)


class RequiresGradAlsoBuffers(TorchAdapter):
    """A module's requires_grad_() also sets the flag of its floating buffers."""

    deviation_kind = "leaking"

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        if isinstance(tensor, self.nn.Module):
            for buffer in tensor.buffers():
                if buffer.is_floating_point():
                    buffer.requires_grad_(value)
        return super().requires_grad_(tensor, value)


class StateDictCopies(TorchAdapter):
    """state_dict() gives copies of the values, with keep_vars too."""

    deviation_kind = "inverted"

    def state_dict(self, module: Any, **options: Any) -> dict[str, Any]:
        return {name: value.detach().clone() for name, value in super().state_dict(module, **options).items()}


class StateDictKeepsNoneMembers(TorchAdapter):
    """state_dict() lists the parameters and buffers set to None, as None."""

    deviation_kind = "leaking"

    def state_dict(self, module: Any, **options: Any) -> dict[str, Any]:
        state = super().state_dict(module, **options)
        members = {**module._parameters, **module._buffers}
        return {**state, **{name: None for name, value in members.items() if value is None}}


class LoadReplacesParameters(TorchAdapter):
    """load_state_dict() puts new Parameters in the module instead of copying into its own."""

    deviation_kind = "inverted"

    def load_state_dict(self, module: Any, state: dict[str, Any], **options: Any) -> tuple[list[str], list[str]]:
        flags = {name: p.requires_grad for name, p in module.named_parameters()}
        state = {name: self.nn.Parameter(value.detach().clone(), requires_grad=flags.get(name, True)) for name, value in state.items()}
        return super().load_state_dict(module, state, **{**options, "assign": True})


class StrictIgnored(TorchAdapter):
    """load_state_dict() never raises on missing or unexpected keys."""

    deviation_kind = "missing"

    def load_state_dict(self, module: Any, state: dict[str, Any], **options: Any) -> tuple[list[str], list[str]]:
        return super().load_state_dict(module, state, **{**options, "strict": False})


class UnexpectedKeysUnreported(TorchAdapter):
    """load_state_dict(strict=False) reports no unexpected keys."""

    deviation_kind = "partial"

    def load_state_dict(self, module: Any, state: dict[str, Any], **options: Any) -> tuple[list[str], list[str]]:
        missing, _ = super().load_state_dict(module, state, **options)
        return missing, []


class AssignCopies(TorchAdapter):
    """load_state_dict(assign=True) copies the values, as without assign."""

    deviation_kind = "missing"

    def load_state_dict(self, module: Any, state: dict[str, Any], **options: Any) -> tuple[list[str], list[str]]:
        options.pop("assign", None)
        return super().load_state_dict(module, state, **options)


class AssignTakesSourceRequiresGrad(TorchAdapter):
    """With assign=True the module's Parameters take the state dict tensors' requires_grad."""

    deviation_kind = "inverted"

    def load_state_dict(self, module: Any, state: dict[str, Any], **options: Any) -> tuple[list[str], list[str]]:
        result = super().load_state_dict(module, state, **options)
        if options.get("assign"):
            for name, parameter in module.named_parameters():
                if name in state:
                    parameter.requires_grad_(state[name].requires_grad)
        return result


class SharedParametersTwice(TorchAdapter):
    """named_parameters() gives a parameter shared by two modules under each name."""

    deviation_kind = "leaking"

    def named_parameters(self, module: Any, **options: Any) -> list[tuple[str, Any]]:
        return super().named_parameters(module, **{**options, "remove_duplicate": False})


class RecurseIgnored(TorchAdapter):
    """named_parameters(recurse=False) gives the submodules' parameters too."""

    deviation_kind = "leaking"

    def named_parameters(self, module: Any, **options: Any) -> list[tuple[str, Any]]:
        options.pop("recurse", None)
        return super().named_parameters(module, **options)


CAUGHT_BY = {
    TensorMembersRegistered: {"module_state.members.parameter_registered"},
    ParameterFollowsGradMode: {"module_state.parameter.requires_grad_by_default"},
    NonPersistentBuffersSaved: {"module_state.buffers.persistent_in_state_dict"},
    RequiresGradAlsoBuffers: {"module_state.requires_grad_.parameters_only"},
    StateDictCopies: {"module_state.state_dict.detached_references"},
    StateDictKeepsNoneMembers: {"module_state.state_dict.none_members_left_out"},
    LoadReplacesParameters: {"module_state.load_state_dict.copies_into_parameters"},
    StrictIgnored: {"module_state.load_state_dict.strict_raises"},
    UnexpectedKeysUnreported: {"module_state.load_state_dict.strict_false_reports_keys"},
    AssignCopies: {"module_state.load_state_dict.assign_takes_tensors"},
    AssignTakesSourceRequiresGrad: {"module_state.load_state_dict.assign_takes_tensors"},
    SharedParametersTwice: {"module_state.named_parameters.dotted_recurse_shared"},
    RecurseIgnored: {"module_state.named_parameters.dotted_recurse_shared"},
}

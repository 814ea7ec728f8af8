"""Planted deviations for the requires_grad and freezing areas: each wraps the PyTorch adapter
and breaks one documented behaviour the way another library plausibly might."""
from __future__ import annotations

from typing import Any

import numpy as np

from gradspec.adapters.torch_adapter import TorchAdapter
from gradspec.values import OMITTED
from tests.planted.library import raise_from_library

_DTYPE_MESSAGE = "Only Tensors of floating point and complex dtype can require gradients"
_OLD_DTYPE_MESSAGE = "only Tensors of floating point dtype can require gradients"
_NONLEAF_MESSAGE = "you can only change requires_grad flags of leaf variables."


def _differentiable(tensor: Any) -> bool:
    return tensor.dtype.is_floating_point or tensor.dtype.is_complex


# -- requires_grad.factory ------------------------------------------------------------------


class IntegerTensorsReportRequiresGrad(TorchAdapter):
    """requires_grad of an integer or bool tensor reads True (a flag kept apart from the dtype)."""

    deviation_kind = "partial"

    def requires_grad(self, tensor: Any) -> bool:
        return tensor.requires_grad or not _differentiable(tensor)


class LikeFactoriesAreRecorded(TorchAdapter):
    """zeros_like/ones_like are computed from their input (x * 0, x * 0 + 1), so they are
    recorded when the input requires grad."""

    deviation_kind = "leaking"

    def create_like(self, factory: str, other: Any) -> Any:
        zeros = other * 0
        return zeros if factory == "zeros" else zeros + 1


class FromNumpyRequiresGrad(TorchAdapter):
    """from_numpy()/as_tensor() of a floating array give a tensor that requires grad."""

    deviation_kind = "inverted"

    def from_numpy(self, array: np.ndarray) -> Any:
        result = super().from_numpy(array)
        return result.requires_grad_() if result.dtype.is_floating_point else result

    def as_tensor(self, value: Any, *, device: str) -> Any:
        result = super().as_tensor(value, device=device)
        return result.requires_grad_() if result.dtype.is_floating_point else result


class OtherFloatsRequireGradByDefault(TorchAdapter):
    """Tensors of float16 and complex dtypes require grad unless told otherwise."""

    deviation_kind = "partial"

    def _default(self, dtype: Any, requires_grad: Any) -> Any:
        if requires_grad is OMITTED and (dtype.name == "float16" or dtype.name.startswith("complex")):
            return True
        return requires_grad

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        return super().tensor(array, requires_grad=self._default(array.dtype, requires_grad), device=device)

    def create(self, factory: str, shape: Any, dtype: Any, *, requires_grad: Any, device: str) -> Any:
        return super().create(factory, shape, dtype, requires_grad=self._default(dtype, requires_grad), device=device)

    def create_like(self, factory: str, other: Any) -> Any:
        result = super().create_like(factory, other)
        return result.requires_grad_() if other.dtype in (self.torch.float16, self.torch.complex64, self.torch.complex128) else result


# -- requires_grad.propagation --------------------------------------------------------------


class ResultRequiresGradOnlyWhenAllInputsDo(TorchAdapter):
    """A binary result requires grad only when every tensor operand does (AND instead of OR)."""

    deviation_kind = "inverted"

    def binary(self, name: str, a: Any, b: Any) -> Any:
        result = super().binary(name, a, b)
        operands = [x for x in (a, b) if self.is_tensor(x)]
        if self.is_tensor(result) and not all(x.requires_grad for x in operands):
            return result.detach()
        return result


class ComplexResultsDropTheGraph(TorchAdapter):
    """Binary operations on complex tensors are not recorded (no complex autograd)."""

    deviation_kind = "partial"

    def binary(self, name: str, a: Any, b: Any) -> Any:
        result = super().binary(name, a, b)
        return result.detach() if self.is_tensor(result) and result.dtype.is_complex else result


# -- requires_grad.dtype --------------------------------------------------------------------


class IntegerFactoriesIgnoreRequiresGrad(TorchAdapter):
    """zeros()/ones() of an integer or bool dtype silently ignore requires_grad=True."""

    deviation_kind = "missing"

    def create(self, factory: str, shape: Any, dtype: Any, *, requires_grad: Any, device: str) -> Any:
        if not (dtype.is_floating or dtype.name.startswith("complex")):
            requires_grad = OMITTED
        return super().create(factory, shape, dtype, requires_grad=requires_grad, device=device)


class Float64CannotRequireGrad(TorchAdapter):
    """requires_grad=True is silently dropped for float64 tensors (a float32-only autograd)."""

    deviation_kind = "partial"

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        if array.dtype == np.float64:
            requires_grad = OMITTED
        return super().tensor(array, requires_grad=requires_grad, device=device)

    def create(self, factory: str, shape: Any, dtype: Any, *, requires_grad: Any, device: str) -> Any:
        if dtype.name == "float64":
            requires_grad = OMITTED
        return super().create(factory, shape, dtype, requires_grad=requires_grad, device=device)


class OnlyFloat32And64CanRequireGrad(TorchAdapter):
    """float16 and complex tensors refuse requires_grad=True, as torch once did for complex."""

    deviation_kind = "partial"

    @staticmethod
    def _check(dtype_name: str, requires_grad: Any) -> None:
        if requires_grad is not OMITTED and requires_grad and (dtype_name == "float16" or dtype_name.startswith("complex")):
            raise_from_library(RuntimeError(_OLD_DTYPE_MESSAGE))

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        self._check(array.dtype.name, requires_grad)
        return super().tensor(array, requires_grad=requires_grad, device=device)

    def create(self, factory: str, shape: Any, dtype: Any, *, requires_grad: Any, device: str) -> Any:
        self._check(dtype.name, requires_grad)
        return super().create(factory, shape, dtype, requires_grad=requires_grad, device=device)

    def parameter(self, tensor: Any, *, requires_grad: Any) -> Any:
        self._check(str(tensor.dtype).removeprefix("torch."), True if requires_grad is OMITTED else requires_grad)
        return super().parameter(tensor, requires_grad=requires_grad)


class IntegerRequiresGradMethodIgnored(TorchAdapter):
    """requires_grad_() on an integer or bool tensor silently does nothing."""

    deviation_kind = "missing"

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        if self.is_tensor(tensor) and not _differentiable(tensor):
            return tensor
        return super().requires_grad_(tensor, value)


class IntegerRequiresGradSetterIgnored(TorchAdapter):
    """.requires_grad = True on an integer or bool tensor silently does nothing."""

    deviation_kind = "missing"

    def set_requires_grad(self, tensor: Any, value: bool) -> None:
        if _differentiable(tensor):
            super().set_requires_grad(tensor, value)


class IntegerRequiresGradFalseRefused(TorchAdapter):
    """Any change of requires_grad on an integer or bool tensor is refused, even to False."""

    deviation_kind = "leaking"

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        if self.is_tensor(tensor) and not _differentiable(tensor):
            raise_from_library(RuntimeError(_OLD_DTYPE_MESSAGE))
        return super().requires_grad_(tensor, value)

    def set_requires_grad(self, tensor: Any, value: bool) -> None:
        if not _differentiable(tensor):
            raise_from_library(RuntimeError(_DTYPE_MESSAGE))
        super().set_requires_grad(tensor, value)


class ToIntegerRaises(TorchAdapter):
    """.to(<integer dtype>) of a tensor that requires grad tries to keep requires_grad, and raises."""

    deviation_kind = "leaking"

    def to(self, obj: Any, target: Any) -> Any:
        if self.is_tensor(obj) and obj.requires_grad and not isinstance(target, str) and not (
                target.is_floating or target.name.startswith("complex")):
            raise_from_library(RuntimeError(_DTYPE_MESSAGE))
        return super().to(obj, target)


class ToFloatDropsTheGraph(TorchAdapter):
    """.to(<another floating dtype>) returns an unrecorded copy."""

    deviation_kind = "missing"

    def to(self, obj: Any, target: Any) -> Any:
        result = super().to(obj, target)
        if self.is_tensor(obj) and result is not obj and not isinstance(target, str):
            return result.detach()
        return result


# -- requires_grad.leaf and nonleaf ---------------------------------------------------------


class LeafMeansRequiresGrad(TorchAdapter):
    """is_leaf is True only for tensors that require grad and have no grad_fn."""

    deviation_kind = "inverted"

    def is_leaf(self, tensor: Any) -> bool:
        return tensor.requires_grad and tensor.grad_fn is None


class RequiresGradRecordsANode(TorchAdapter):
    """requires_grad_() starts tracking a leaf by multiplying it in place by a tracked one, so
    the tensor gets a grad_fn and is no longer a leaf."""

    deviation_kind = "inverted"

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        if (self.is_tensor(tensor) and value and tensor.is_leaf and not tensor.requires_grad and _differentiable(tensor)
                and not tensor.is_inference() and self.torch.is_grad_enabled()
                and not self.torch.is_inference_mode_enabled()):
            return tensor.mul_(self.torch.ones((), dtype=tensor.dtype, device=tensor.device, requires_grad=True))
        return super().requires_grad_(tensor, value)


class RequiresGradReturnsACopy(TorchAdapter):
    """Tensor.requires_grad_() is functional: it returns a new tensor and leaves the original."""

    deviation_kind = "inverted"

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        if self.is_tensor(tensor) and tensor.is_leaf:
            return tensor.detach().clone().requires_grad_(value)
        return super().requires_grad_(tensor, value)


class NonLeafRequiresGradCanBeUnset(TorchAdapter):
    """Turning off requires_grad of a non-leaf detaches it in place instead of raising."""

    deviation_kind = "missing"

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        if self.is_tensor(tensor) and not tensor.is_leaf and not value:
            return tensor.detach_()
        return super().requires_grad_(tensor, value)

    def set_requires_grad(self, tensor: Any, value: bool) -> None:
        if not tensor.is_leaf and not value:
            tensor.detach_()
            return
        super().set_requires_grad(tensor, value)


class NonLeafRequiresGradTrueRefused(TorchAdapter):
    """requires_grad_() on a non-leaf is refused even when it asks for True."""

    deviation_kind = "leaking"

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        if self.is_tensor(tensor) and not tensor.is_leaf:
            raise_from_library(RuntimeError(_NONLEAF_MESSAGE))
        return super().requires_grad_(tensor, value)


# -- requires_grad.inputs -------------------------------------------------------------------


class ModulesRecordOnlyFromTrackedInputs(TorchAdapter):
    """A module called on inputs none of which requires grad runs unrecorded (the graph is
    traced from the inputs), so its parameters get no gradient from that call."""

    deviation_kind = "leaking"

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        result = super().call(obj, *args, **kwargs)
        inputs = [value for value in (*args, *kwargs.values()) if self.is_tensor(value)]
        if isinstance(obj, self.nn.Module) and inputs and not any(value.requires_grad for value in inputs) \
                and self.is_tensor(result):
            return result.detach()
        return result


# -- requires_grad.parameter ----------------------------------------------------------------


class ParameterFollowsGradMode(TorchAdapter):
    """A parameter made inside no_grad does not require grad by default."""

    deviation_kind = "leaking"

    def parameter(self, tensor: Any, *, requires_grad: Any) -> Any:
        if requires_grad is OMITTED:
            requires_grad = self.torch.is_grad_enabled()
        return super().parameter(tensor, requires_grad=requires_grad)


class ParameterIgnoresRequiresGradFalse(TorchAdapter):
    """parameter(t, requires_grad=False) still makes a parameter that requires grad."""

    deviation_kind = "missing"

    def parameter(self, tensor: Any, *, requires_grad: Any) -> Any:
        return super().parameter(tensor, requires_grad=OMITTED)


class IntegerParametersSilentlyFrozen(TorchAdapter):
    """parameter() of an integer or bool tensor gives a frozen parameter instead of raising."""

    deviation_kind = "missing"

    def parameter(self, tensor: Any, *, requires_grad: Any) -> Any:
        if requires_grad is OMITTED and not _differentiable(tensor):
            requires_grad = False
        return super().parameter(tensor, requires_grad=requires_grad)


class ParameterIsAVariableRead(TorchAdapter):
    """parameter(t) returns a read of a hidden variable, as TensorFlow's variables do: a tensor
    recorded as the output of an operation on the variable, not a leaf."""

    deviation_kind = "inverted"

    def parameter(self, tensor: Any, *, requires_grad: Any) -> Any:
        variable = super().parameter(tensor, requires_grad=requires_grad)
        if not variable.requires_grad or not self.torch.is_grad_enabled():
            return variable
        return variable.view_as(variable).as_subclass(self.nn.Parameter)


class ParameterIsFloat32(TorchAdapter):
    """parameter(t) of a float16 or float64 tensor gives a float32 parameter (the default dtype)."""

    deviation_kind = "partial"

    def parameter(self, tensor: Any, *, requires_grad: Any) -> Any:
        if tensor.dtype in (self.torch.float16, self.torch.float64):
            tensor = tensor.to(self.torch.float32)
        return super().parameter(tensor, requires_grad=requires_grad)


# -- freezing -------------------------------------------------------------------------------


class ModuleRequiresGradNotRecursive(TorchAdapter):
    """Module.requires_grad_() sets only the module's own parameters, not its children's."""

    deviation_kind = "partial"

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        if isinstance(tensor, self.nn.Module):
            for parameter in tensor.parameters(recurse=False):
                parameter.requires_grad_(value)
            return tensor
        return super().requires_grad_(tensor, value)


class ModuleRequiresGradReturnsNone(TorchAdapter):
    """Module.requires_grad_() works but returns None instead of the module."""

    deviation_kind = "missing"

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        result = super().requires_grad_(tensor, value)
        return None if isinstance(tensor, self.nn.Module) else result


class ModuleRequiresGradAlsoBuffers(TorchAdapter):
    """Module.requires_grad_() sets the flag on floating buffers too."""

    deviation_kind = "leaking"

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        result = super().requires_grad_(tensor, value)
        if isinstance(tensor, self.nn.Module):
            for buffer in tensor.buffers():
                if buffer.dtype.is_floating_point:
                    buffer.requires_grad_(value)
        return result


class FrozenParametersGetZeroGrad(TorchAdapter):
    """.grad of a frozen parameter reads as zeros instead of None."""

    deviation_kind = "leaking"

    def grad(self, tensor: Any) -> Any:
        if tensor.grad is None and isinstance(tensor, self.nn.Parameter) and not tensor.requires_grad:
            return self.torch.zeros_like(tensor)
        return tensor.grad


class SgdTreatsNoneGradAsZero(TorchAdapter):
    """SGD steps a parameter whose .grad is None as if its gradient were 0 (weight decay and
    momentum still move it)."""

    deviation_kind = "leaking"

    def step(self, optimizer: Any) -> None:
        missing = [p for group in optimizer.param_groups for p in group["params"] if p.grad is None]
        for p in missing:
            p.grad = self.torch.zeros_like(p)
        try:
            optimizer.step()
        finally:
            for p in missing:
                p.grad = None


class EvalDisablesGrad(TorchAdapter):
    """A module in eval mode runs its forward without recording (eval() conflated with no_grad)."""

    deviation_kind = "leaking"

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(obj, self.nn.Module) and not obj.training:
            with self.torch.no_grad():
                return super().call(obj, *args, **kwargs)
        return super().call(obj, *args, **kwargs)


class GradOffImpliesEval(TorchAdapter):
    """A module called while grad mode is off runs in eval mode (no_grad conflated with eval())."""

    deviation_kind = "leaking"

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(obj, self.nn.Module) and obj.training and not self.torch.is_grad_enabled():
            obj.eval()
            try:
                return super().call(obj, *args, **kwargs)
            finally:
                obj.train()
        return super().call(obj, *args, **kwargs)


class EvalNotRecursive(TorchAdapter):
    """Module.eval() (and train()) switch only the module they are called on, not its sub-modules."""

    deviation_kind = "partial"

    def train(self, module: Any, mode: bool) -> Any:
        module.training = mode
        return module


class EvalDropoutStillScales(TorchAdapter):
    """A dropout module in evaluation mode drops nothing but still scales its input by 1/(1-p)."""

    deviation_kind = "leaking"

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        result = super().call(obj, *args, **kwargs)
        if isinstance(obj, self.nn.Dropout) and not obj.training and 0 < obj.p < 1:
            return result / (1 - obj.p)
        return result


class CopyConstructionAliases(TorchAdapter):
    """tensor(t) of a tensor returns an alias of its storage (t.detach())."""

    deviation_kind = "inverted"

    def copy_construct(self, tensor: Any, *, requires_grad: Any, device: str) -> Any:
        return tensor.detach()


class CopyConstructionKeepsTheGraph(TorchAdapter):
    """tensor(t) of a tensor that requires grad stays in the graph (t.clone())."""

    deviation_kind = "missing"

    def copy_construct(self, tensor: Any, *, requires_grad: Any, device: str) -> Any:
        return tensor.clone()



#: Each planted deviation and the specs that must report it as a failure.
CAUGHT_BY: dict[type[TorchAdapter], set[str]] = {
    IntegerTensorsReportRequiresGrad: {"requires_grad.factory.default_false_integer_dtypes",
                                       "requires_grad.dtype.requires_grad_setter_error_false_is_noop",
                                       "requires_grad.dtype.requires_grad_setter_error_false_is_noop_attribute"},
    LikeFactoriesAreRecorded: {"requires_grad.factory.default_false_no_grad_fn", "requires_grad.factory.like_does_not_inherit"},
    FromNumpyRequiresGrad: {"requires_grad.factory.default_false_from_numpy"},
    OtherFloatsRequireGradByDefault: {"requires_grad.factory.default_false_float16", "requires_grad.factory.default_false_complex"},
    ResultRequiresGradOnlyWhenAllInputsDo: {"requires_grad.propagation.any_input", "requires_grad.propagation.any_input_complex",
                                            "requires_grad.propagation.binary_ops"},
    ComplexResultsDropTheGraph: {"requires_grad.propagation.any_input_complex"},
    IntegerFactoriesIgnoreRequiresGrad: {"requires_grad.dtype.integer_factory_error_zeros"},
    Float64CannotRequireGrad: {"requires_grad.dtype.integer_factory_error_floating_accepted"},
    OnlyFloat32And64CanRequireGrad: {"requires_grad.dtype.integer_factory_error_float16_accepted",
                                     "requires_grad.dtype.integer_factory_error_complex_accepted",
                                     "requires_grad.parameter.default_true_complex"},
    IntegerRequiresGradMethodIgnored: {"requires_grad.dtype.requires_grad_setter_error_method"},
    IntegerRequiresGradSetterIgnored: {"requires_grad.dtype.requires_grad_setter_error_attribute"},
    IntegerRequiresGradFalseRefused: {"requires_grad.dtype.requires_grad_setter_error_false_is_noop",
                                      "requires_grad.dtype.requires_grad_setter_error_false_is_noop_attribute"},
    ToIntegerRaises: {"requires_grad.to_integer_drops_requires_grad", "requires_grad.to_integer_drops_requires_grad_complex"},
    ToFloatDropsTheGraph: {"requires_grad.to_complex_keeps_requires_grad"},
    LeafMeansRequiresGrad: {"requires_grad.leaf.is_leaf_and_grad_fn_invariant", "requires_grad.leaf.not_requiring_grad_is_leaf"},
    RequiresGradRecordsANode: {"requires_grad.leaf.requires_grad_keeps_leaf"},
    RequiresGradReturnsACopy: {"requires_grad.leaf.is_leaf_and_grad_fn_requires_grad_returns_self",
                               "requires_grad.dtype.requires_grad_setter_error_false_is_noop"},
    NonLeafRequiresGradCanBeUnset: {"requires_grad.nonleaf.cannot_unset", "requires_grad.nonleaf.cannot_unset_setter"},
    NonLeafRequiresGradTrueRefused: {"requires_grad.nonleaf.cannot_unset_true_is_noop"},
    ParameterFollowsGradMode: {"requires_grad.parameter.default_true_constructor"},
    ParameterIgnoresRequiresGradFalse: {"requires_grad.parameter.default_true_explicit_false"},
    IntegerParametersSilentlyFrozen: {"requires_grad.parameter.default_true_integer_error"},
    ParameterIsAVariableRead: {"requires_grad.parameter.is_leaf"},
    ModulesRecordOnlyFromTrackedInputs: {"requires_grad.inputs.do_not_change_parameter_grads"},
    ParameterIsFloat32: {"requires_grad.parameter.constructor_makes_parameter"},
    ModuleRequiresGradNotRecursive: {"freezing.module.requires_grad_false_whole_model"},
    ModuleRequiresGradReturnsNone: {"freezing.module.requires_grad_false", "freezing.module.requires_grad_false_whole_model"},
    ModuleRequiresGradAlsoBuffers: {"freezing.module.requires_grad_false_buffers"},
    FrozenParametersGetZeroGrad: {"freezing.frozen_params_get_no_grad", "freezing.transfer_learning.trains_only_new_head"},
    SgdTreatsNoneGradAsZero: {"freezing.optimizer.skips_none_grads", "freezing.optimizer.skips_none_grads_after_zero_grad"},
    EvalDisablesGrad: {"freezing.eval_is_orthogonal_to_grad_mode"},
    GradOffImpliesEval: {"freezing.eval_is_orthogonal_to_grad_mode_dropout", "freezing.eval_is_orthogonal_to_grad_mode_batch_norm",
                         "freezing.eval_is_orthogonal_to_grad_mode_dropout_inference_mode",
                         "freezing.eval_is_orthogonal_to_grad_mode_batch_norm_inference_mode"},
    EvalNotRecursive: {"freezing.eval_returns_module"},
    EvalDropoutStillScales: {"freezing.eval_dropout_passes_values_through"},
    CopyConstructionAliases: {"requires_grad.torch_tensor.copy_construct_detaches"},
    CopyConstructionKeepsTheGraph: {"requires_grad.torch_tensor.copy_construct_detaches"},
}

"""Planted deviations of the grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode,
their decorator forms, nesting and thread locality.  Each adapter wraps PyTorch and breaks one
documented behaviour the way a real library might; ``CAUGHT_BY`` names the specs that must
report it as a failure."""
from __future__ import annotations

import contextlib
import functools
from typing import Any

import numpy as np

from gradspec.adapters.torch_adapter import TorchAdapter
from gradspec.values import OMITTED
from tests.planted.library import raise_from_library


def _decorating(args: tuple[Any, ...]) -> bool:
    """Whether a grad-mode object is asked to decorate a function (``@no_grad`` bare)."""
    return bool(args) and callable(args[0])


class _Wrapper:
    """A grad-mode object standing in for the library's; ``inner`` does the real work."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __enter__(self) -> Any:
        return self.inner.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        return self.inner.__exit__(*exc)

    def __call__(self, function: Any) -> Any:
        return self.inner(function)


class _UnwrapsCalls(TorchAdapter):
    """Calls a wrapper as a decorator through the library object it wraps."""

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(obj, _Wrapper):
            return obj(*args, **kwargs)
        return super().call(obj, *args, **kwargs)


# -- no_grad ------------------------------------------------------------------------------


class NoGradMakesInferenceTensors(TorchAdapter):
    """no_grad() is implemented as inference_mode(): its results are inference tensors."""

    deviation_kind = "leaking"

    def grad_mode(self, name: str, *args: Any) -> Any:
        if name == "no_grad" and not args:
            return self.torch.inference_mode()
        return super().grad_mode(name, *args)


class NoGradOnlyCoversUnaryOps(TorchAdapter):
    """Inside no_grad, binary operations are still recorded."""

    deviation_kind = "partial"

    def binary(self, name: str, a: Any, b: Any) -> Any:
        if not self.torch.is_grad_enabled() and not self.torch.is_inference_mode_enabled():
            with self.torch.enable_grad():
                return super().binary(name, a, b)
        return super().binary(name, a, b)


class NoGradAppliesToFactories(TorchAdapter):
    """Inside no_grad, tensor(), zeros() and ones() ignore requires_grad=True."""

    deviation_kind = "leaking"

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        if requires_grad is not OMITTED and not self.torch.is_grad_enabled():
            requires_grad = False
        return super().tensor(array, requires_grad=requires_grad, device=device)

    def create(self, factory: str, shape: Any, dtype: Any, *, requires_grad: Any, device: str) -> Any:
        if requires_grad is not OMITTED and not self.torch.is_grad_enabled():
            requires_grad = False
        return super().create(factory, shape, dtype, requires_grad=requires_grad, device=device)


class NoGradFreezesNewParameters(TorchAdapter):
    """A Parameter created inside no_grad does not require grad."""

    deviation_kind = "leaking"

    def parameter(self, tensor: Any, *, requires_grad: Any) -> Any:
        if not self.torch.is_grad_enabled():
            requires_grad = False
        return super().parameter(tensor, requires_grad=requires_grad)


class LeafInplaceRefusedEvenUnderNoGrad(TorchAdapter):
    """An in-place update of a leaf that requires grad is refused in every grad mode."""

    deviation_kind = "leaking"

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        if tensor.is_leaf and tensor.requires_grad:
            raise_from_library(RuntimeError("a leaf Variable that requires grad is being used in an in-place operation."))
        return super().inplace(name, tensor, *args)


class NoGradInplaceDetachesLeaf(TorchAdapter):
    """An in-place update inside no_grad leaves the tensor no longer requiring grad."""

    deviation_kind = "leaking"

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        result = super().inplace(name, tensor, *args)
        if not self.torch.is_grad_enabled() and tensor.is_leaf:
            tensor.requires_grad_(False)
        return result


class NoGradInplaceIsRecorded(TorchAdapter):
    """An in-place update of a leaf that requires grad inside no_grad is recorded anyway: the
    leaf gets a grad_fn and is no longer a leaf."""

    deviation_kind = "leaking"

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        result = super().inplace(name, tensor, *args)
        if (not self.torch.is_grad_enabled() and not self.torch.is_inference_mode_enabled()
                and tensor.is_leaf and tensor.requires_grad):
            tensor.requires_grad_(False)
            with self.torch.enable_grad():
                tensor.mul_(self.torch.ones((), dtype=tensor.dtype, device=tensor.device, requires_grad=True))
        return result


class NoGradInplaceSkipsVersionCounter(TorchAdapter):
    """In-place updates inside no_grad are not counted by the version counter."""

    deviation_kind = "missing"

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        if not self.torch.is_grad_enabled():
            super().inplace(name, tensor.data, *args)
            return tensor
        return super().inplace(name, tensor, *args)


# -- enable_grad and set_grad_enabled -----------------------------------------------------


class EnableGradDecoratorDoesNothing(TorchAdapter):
    """enable_grad used as a decorator (with or without parentheses) returns the function as it is."""

    deviation_kind = "missing"

    def grad_mode(self, name: str, *args: Any) -> Any:
        if name == "enable_grad" and _decorating(args):
            return args[0]
        return super().grad_mode(name, *args)

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(obj, self.torch.enable_grad) and _decorating(args):
            return args[0]
        return super().call(obj, *args, **kwargs)


class _SetOnEnter:
    """set_grad_enabled that sets the mode only when entered as a block."""

    def __init__(self, torch: Any, mode: bool) -> None:
        self.torch = torch
        self.mode = mode
        self.prev: list[bool] = []

    def __enter__(self) -> None:
        self.prev.append(self.torch.is_grad_enabled())
        self.torch._C._set_grad_enabled(self.mode)

    def __exit__(self, *exc: Any) -> None:
        self.torch._C._set_grad_enabled(self.prev.pop())

    def __call__(self, function: Any) -> Any:
        @functools.wraps(function)
        def decorated(*args: Any) -> Any:
            with self:
                return function(*args)

        return decorated


class SetGradEnabledOnlyInBlocks(_UnwrapsCalls):
    """set_grad_enabled(mode) called as a plain function changes nothing; only its block does."""

    deviation_kind = "missing"

    def grad_mode(self, name: str, *args: Any) -> Any:
        if name == "set_grad_enabled":
            return _Wrapper(_SetOnEnter(self.torch, args[0]))
        return super().grad_mode(name, *args)


class _NoRestore(_Wrapper):
    def __exit__(self, *exc: Any) -> None:
        return None


class SetGradEnabledBlockDoesNotRestore(_UnwrapsCalls):
    """Leaving a set_grad_enabled(mode) block keeps mode instead of restoring the previous one."""

    deviation_kind = "leaking"

    def grad_mode(self, name: str, *args: Any) -> Any:
        inner = super().grad_mode(name, *args)
        return _NoRestore(inner) if name == "set_grad_enabled" else inner


class SetGradEnabledDecoratorLeaksMode(TorchAdapter):
    """Decorating with set_grad_enabled(mode) leaves the caller in mode."""

    deviation_kind = "leaking"

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        result = super().call(obj, *args, **kwargs)
        if isinstance(obj, self.torch.set_grad_enabled) and _decorating(args):
            self.torch._C._set_grad_enabled(obj.mode)
        return result


# -- nesting ------------------------------------------------------------------------------


class _RestoreOnlyOnSuccess(_Wrapper):
    """A context written as a generator without try/finally: an exception skips the restore."""

    def __exit__(self, exc_type: Any, *rest: Any) -> Any:
        if exc_type is None:
            return self.inner.__exit__(exc_type, *rest)
        return None


class ExceptionSkipsGradModeRestore(_UnwrapsCalls):
    """An exception leaving a no_grad/enable_grad/set_grad_enabled block does not restore the mode."""

    deviation_kind = "leaking"

    def grad_mode(self, name: str, *args: Any) -> Any:
        inner = super().grad_mode(name, *args)
        if name in ("no_grad", "enable_grad", "set_grad_enabled") and not _decorating(args):
            return _RestoreOnlyOnSuccess(inner)
        return inner


class EnableGradLeavesInferenceMode(TorchAdapter):
    """enable_grad() inside inference_mode leaves inference mode and records operations."""

    deviation_kind = "inverted"

    def grad_mode(self, name: str, *args: Any) -> Any:
        if name == "enable_grad" and not args and self.torch.is_inference_mode_enabled():
            return self.torch.inference_mode(False)
        return super().grad_mode(name, *args)


# -- thread locality ----------------------------------------------------------------------


class _Shared(_Wrapper):
    def __init__(self, inner: Any, adapter: GradModeIsProcessWide) -> None:
        super().__init__(inner)
        self.adapter = adapter

    def __enter__(self) -> Any:
        value = self.inner.__enter__()
        self.adapter.publish()
        return value

    def __exit__(self, *exc: Any) -> Any:
        result = self.inner.__exit__(*exc)
        self.adapter.publish()
        return result


class GradModeIsProcessWide(_UnwrapsCalls):
    """Grad mode and inference mode are one process-wide state, not per thread: a mode entered
    in one thread applies in every thread."""

    deviation_kind = "leaking"

    def __init__(self) -> None:
        super().__init__()
        self.shared = {"grad": True, "inference": False}

    def reset(self) -> None:
        super().reset()
        self.shared.update(grad=True, inference=False)

    def publish(self) -> None:
        self.shared.update(grad=self.torch.is_grad_enabled(), inference=self.torch.is_inference_mode_enabled())

    def grad_mode(self, name: str, *args: Any) -> Any:
        inner = super().grad_mode(name, *args)
        if _decorating(args):
            return inner
        self.publish()  # set_grad_enabled(mode) sets the mode when called
        return _Shared(inner, self)

    def is_grad_enabled(self) -> bool:
        return self.shared["grad"]

    def is_inference_mode_enabled(self) -> bool:
        return self.shared["inference"]

    def _recorded(self, result: Any) -> Any:
        off = not self.shared["grad"] or self.shared["inference"]
        return result.detach() if off and self.is_tensor(result) and result.requires_grad else result

    def unary(self, name: str, x: Any) -> Any:
        return self._recorded(super().unary(name, x))

    def binary(self, name: str, a: Any, b: Any) -> Any:
        return self._recorded(super().binary(name, a, b))


# -- inference mode -----------------------------------------------------------------------


class InferenceModeIsNoGrad(TorchAdapter):
    """inference_mode() is an alias of no_grad() (and inference_mode(False) of enable_grad()):
    no inference tensors, no inference flag."""

    deviation_kind = "missing"

    def grad_mode(self, name: str, *args: Any) -> Any:
        if name == "inference_mode":
            if _decorating(args):
                return self.torch.no_grad()(args[0])
            return self.torch.no_grad() if args[0] else self.torch.enable_grad()
        return super().grad_mode(name, *args)


class InferenceModeFalseIgnoredInside(TorchAdapter):
    """inference_mode(False) inside inference_mode does nothing: operations stay unrecorded and
    their results are inference tensors."""

    deviation_kind = "missing"

    def grad_mode(self, name: str, *args: Any) -> Any:
        if name == "inference_mode" and args and args[0] is False and self.torch.is_inference_mode_enabled():
            return contextlib.nullcontext()
        return super().grad_mode(name, *args)


class InferenceTensorsHaveVersionCounter(TorchAdapter):
    """Inference tensors report a version counter (always 0)."""

    deviation_kind = "missing"

    def version(self, tensor: Any) -> int:
        return 0 if tensor.is_inference() else super().version(tensor)


class ViewsOfNormalTensorsBecomeInferenceTensors(TorchAdapter):
    """Inside inference_mode, views of normal tensors are inference copies."""

    deviation_kind = "leaking"

    def _copied(self, result: Any, base: Any) -> Any:
        if self.torch.is_inference_mode_enabled() and self.is_tensor(base) and not base.is_inference():
            return result.clone()
        return result

    def view(self, name: str, tensor: Any, *args: Any) -> Any:
        return self._copied(super().view(name, tensor, *args), tensor)

    def getitem(self, obj: Any, index: Any) -> Any:
        return self._copied(super().getitem(obj, index), obj)


class InferenceTensorsClonedSilently(TorchAdapter):
    """Outside inference mode, binary operations copy inference operands to normal tensors
    instead of refusing to save them for backward."""

    deviation_kind = "missing"

    def binary(self, name: str, a: Any, b: Any) -> Any:
        if not self.torch.is_inference_mode_enabled():
            a, b = (x.clone() if self.is_tensor(x) and x.is_inference() else x for x in (a, b))
        return super().binary(name, a, b)


class CloneOfInferenceTensorIsInference(TorchAdapter):
    """clone() of an inference tensor is an inference tensor even outside inference mode."""

    deviation_kind = "leaking"

    def clone(self, tensor: Any) -> Any:
        if tensor.is_inference():
            with self.torch.inference_mode():
                return tensor.clone()
        return super().clone(tensor)


class InferenceTensorsMutableOutside(TorchAdapter):
    """Inference tensors can be updated in place and made to require grad outside inference mode."""

    deviation_kind = "missing"

    def _in_inference(self, tensor: Any, action: Any) -> Any:
        if self.is_tensor(tensor) and tensor.is_inference() and not self.torch.is_inference_mode_enabled():
            with self.torch.inference_mode():
                return action()
        return action()

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        return self._in_inference(tensor, lambda: super(InferenceTensorsMutableOutside, self).inplace(name, tensor, *args))

    def setitem(self, obj: Any, index: Any, value: Any) -> None:
        self._in_inference(obj, lambda: super(InferenceTensorsMutableOutside, self).setitem(obj, index, value))

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        return self._in_inference(tensor, lambda: super(InferenceTensorsMutableOutside, self).requires_grad_(tensor, value))

    def set_requires_grad(self, tensor: Any, value: bool) -> None:
        self._in_inference(tensor, lambda: super(InferenceTensorsMutableOutside, self).set_requires_grad(tensor, value))


#: Each planted deviation and the specs that must report it as a failure.
class ForwardModeOffUnderNoGrad(TorchAdapter):
    """no_grad turns forward-mode AD off too: Jacobian-vector products computed inside it are zero."""

    deviation_kind = "leaking"

    def jvp(self, function: Any, primals: list[Any], tangents: list[Any]) -> list[Any]:
        found = super().jvp(function, primals, tangents)
        return found if self.torch.is_grad_enabled() else [self.torch.zeros_like(t) for t in found]


CAUGHT_BY: dict[type[TorchAdapter], set[str]] = {
    ForwardModeOffUnderNoGrad: {"grad_mode.no_grad.forward_mode_unaffected"},
    NoGradMakesInferenceTensors: {
        "grad_mode.no_grad.result_not_requiring_grad.ordinary_tensor",
        "grad_mode.no_grad.result_not_requiring_grad.version_counter",
    },
    NoGradOnlyCoversUnaryOps: {
        "grad_mode.no_grad.result_not_requiring_grad",
        "grad_mode.no_grad.result_not_requiring_grad.complex",
        "grad_mode.no_grad.result_not_requiring_grad.constants_later",
        "grad_mode.no_grad.result_not_requiring_grad.no_grad_fn",
        "grad_mode.no_grad.binary_ops",
    },
    NoGradAppliesToFactories: {"grad_mode.no_grad.factory_exception", "grad_mode.no_grad.factory_exception.complex"},
    NoGradFreezesNewParameters: {"grad_mode.no_grad.factory_exception.parameter"},
    LeafInplaceRefusedEvenUnderNoGrad: {
        "grad_mode.no_grad.inplace_update_of_leaf_allowed",
        "grad_mode.no_grad.inplace_update_of_leaf_allowed.bumps_version",
    },
    NoGradInplaceDetachesLeaf: {"grad_mode.no_grad.inplace_update_of_leaf_allowed"},
    NoGradInplaceIsRecorded: {"grad_mode.no_grad.inplace_update_of_leaf_allowed.stays_leaf"},
    NoGradInplaceSkipsVersionCounter: {"grad_mode.no_grad.inplace_update_of_leaf_allowed.bumps_version"},
    EnableGradDecoratorDoesNothing: {
        "grad_mode.enable_grad.overrides_no_grad.gradients_flow_decorator",
        "grad_mode.decorator_forms",
    },
    SetGradEnabledOnlyInBlocks: {
        "grad_mode.set_grad_enabled.function_and_context",
        "grad_mode.decorator_forms.set_grad_enabled",
        "grad_mode.thread_local.set_grad_enabled",
    },
    SetGradEnabledBlockDoesNotRestore: {
        "grad_mode.set_grad_enabled.function_and_context",
        "grad_mode.nesting.innermost_wins_and_restores",
    },
    SetGradEnabledDecoratorLeaksMode: {"grad_mode.decorator_forms.set_grad_enabled"},
    ExceptionSkipsGradModeRestore: {
        "grad_mode.nesting.innermost_wins_and_restores",
        "grad_mode.nesting.innermost_wins_and_restores.no_grad_enable_grad",
    },
    EnableGradLeavesInferenceMode: {
        "grad_mode.inference_mode.beats_enable_grad",
        "grad_mode.nesting.innermost_wins_and_restores",
    },
    GradModeIsProcessWide: {
        "grad_mode.thread_local",
        "grad_mode.thread_local.set_grad_enabled",
        "grad_mode.thread_local.inference_mode",
    },
    InferenceModeIsNoGrad: {
        "grad_mode.inference_mode.outputs_are_inference_tensors",
        "grad_mode.inference_mode.outputs_are_inference_tensors.no_version_counter",
        "grad_mode.inference_mode.outputs_are_inference_tensors.views",
        "grad_mode.inference_mode.saved_for_backward_error",
        "grad_mode.inference_mode.immutable_outside",
        "grad_mode.inference_mode.immutable_outside.requires_grad",
        "grad_mode.inference_mode.beats_enable_grad",
        "grad_mode.decorator_forms.inference_mode",
        "grad_mode.thread_local.inference_mode",
        "grad_mode.nesting.innermost_wins_and_restores",
    },
    InferenceTensorsHaveVersionCounter: {"grad_mode.inference_mode.outputs_are_inference_tensors.no_version_counter"},
    ViewsOfNormalTensorsBecomeInferenceTensors: {"grad_mode.inference_mode.outputs_are_inference_tensors.views"},
    InferenceTensorsClonedSilently: {"grad_mode.inference_mode.saved_for_backward_error"},
    CloneOfInferenceTensorIsInference: {"grad_mode.inference_mode.saved_for_backward_error.clone_works"},
    InferenceTensorsMutableOutside: {
        "grad_mode.inference_mode.immutable_outside",
        "grad_mode.inference_mode.immutable_outside.requires_grad",
        "grad_mode.inference_mode.immutable_outside.requires_grad_setter",
    },
    InferenceModeFalseIgnoredInside: {"grad_mode.inference_mode.false_inside_records"},
}

"""Planted deviations for the specs completing statements that were covered only in part (issue
15): module modes, optimizers, module conversion, thread-local inference mode, ``to()``, gradient
layouts, advanced indexing and the conjugate bit.  Each adapter wraps the PyTorch adapter and
breaks one documented behaviour."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter
from gradspec.values import OMITTED, DType


class BatchNormEvalUsesBatchStats(TorchAdapter):
    """A batch norm module in evaluation mode still normalises with the batch's statistics and
    updates its running ones, as in training mode."""

    deviation_kind = "missing"

    def batch_norm(self, features: int, *, device: str) -> Any:
        nn = self.nn

        class AlwaysTraining(nn.BatchNorm1d):  # type: ignore[name-defined]
            def forward(self, x: Any) -> Any:
                return nn.functional.batch_norm(
                    x, self.running_mean, self.running_var, self.weight, self.bias, True, self.momentum, self.eps
                )

        return AlwaysTraining(features, device=device)


class TrainSetsOnlyTheModule(TorchAdapter):
    """train(mode) and eval() set the mode of the module they are called on, not of its
    sub-modules."""

    deviation_kind = "partial"

    def train(self, module: Any, mode: bool) -> Any:
        kept = [(child, child.training) for child in module.modules() if child is not module]
        module.train(mode)
        for child, flag in kept:
            child.training = flag
        return module


class ZeroGradsSkipped(TorchAdapter):
    """step() skips a parameter whose .grad is all zeros, as it skips one whose .grad is None."""

    deviation_kind = "leaking"

    def step(self, optimizer: Any) -> None:
        zeroed = [p for group in optimizer.param_groups for p in group["params"] if p.grad is not None and not bool(p.grad.any())]
        kept = [p.grad for p in zeroed]
        for p in zeroed:
            p.grad = None
        try:
            optimizer.step()
        finally:
            for p, grad in zip(zeroed, kept):
                p.grad = grad


class ModuleToCastsIntegralBuffers(TorchAdapter):
    """A module's .to(dtype) casts its integral buffers (num_batches_tracked) to the dtype too."""

    deviation_kind = "leaking"

    def to(self, obj: Any, target: DType | str) -> Any:
        result = super().to(obj, target)
        if isinstance(obj, self.nn.Module) and isinstance(target, DType):
            for module in obj.modules():
                for name, buffer in list(module.named_buffers(recurse=False)):
                    if buffer is not None and not buffer.is_floating_point():
                        setattr(module, name, buffer.to(self._dtype(target)))
        return result


class ModuleToSkipsBuffers(TorchAdapter):
    """A module's .to(dtype) casts its parameters only, leaving its floating buffers as they are."""

    deviation_kind = "partial"

    def to(self, obj: Any, target: DType | str) -> Any:
        if isinstance(obj, self.nn.Module) and isinstance(target, DType):
            dtype = self._dtype(target)
            for p in obj.parameters():
                p.data = p.data.to(dtype)
            return obj
        return super().to(obj, target)


class InferenceModeProcessWide(TorchAdapter):
    """inference_mode() entered in any thread turns inference mode on in every thread until it
    is left."""

    deviation_kind = "leaking"

    def __init__(self) -> None:
        super().__init__()
        self._entered = [0]

    def grad_mode(self, name: str, *args: Any) -> Any:
        if name != "inference_mode" or (args and not isinstance(args[0], bool)) or (args and not args[0]):
            return super().grad_mode(name, *args)
        torch, entered = self.torch, self._entered

        class Everywhere(torch.inference_mode):  # type: ignore[name-defined]
            def __enter__(self) -> None:
                entered[0] += 1
                super().__enter__()

            def __exit__(self, *exc: Any) -> None:
                entered[0] -= 1
                super().__exit__(*exc)

        return Everywhere(*args)

    def is_inference_mode_enabled(self) -> bool:
        return self._entered[0] > 0 or super().is_inference_mode_enabled()


class ZeroGradMakesContiguous(TorchAdapter):
    """zero_grad(set_to_none=False) of a module or an optimizer replaces each .grad with a new
    row-major tensor of zeros rather than zeroing it in place."""

    deviation_kind = "partial"

    def zero_grad(self, obj: Any, *, set_to_none: Any = OMITTED) -> None:
        if set_to_none is not False:
            return super().zero_grad(obj, set_to_none=set_to_none)
        if isinstance(obj, self.nn.Module):
            params = list(obj.parameters())
        else:
            params = [p for group in obj.param_groups for p in group["params"]]
        for p in params:
            if p.grad is not None:
                p.grad = self.torch.zeros(p.grad.shape, dtype=p.grad.dtype, device=p.grad.device)
        return None


def _advanced(index: Any) -> bool:
    return isinstance(index, list) or getattr(index, "dtype", None) is not None


class AdvancedIndexViewWherePossible(TorchAdapter):
    """Indexing with a list of positions that a slice can express (one position, or evenly
    spaced increasing ones) gives a view, as basic indexing does."""

    deviation_kind = "leaking"

    def getitem(self, obj: Any, index: Any) -> Any:
        if (
            isinstance(obj, self.torch.Tensor)
            and isinstance(index, list)
            and index
            and all(isinstance(i, int) and i >= 0 for i in index)
        ):
            step = index[1] - index[0] if len(index) > 1 else 1
            if step > 0 and index == list(range(index[0], index[0] + step * len(index), step)):
                return obj[index[0] : index[-1] + 1 : step]
        return super().getitem(obj, index)


class AdvancedAssignmentGivesNewMemory(TorchAdapter):
    """Assigning through a list of positions or a boolean mask gives the tensor new memory
    holding the result, so views taken before do not see it."""

    deviation_kind = "partial"

    def setitem(self, obj: Any, index: Any, value: Any) -> None:
        if isinstance(obj, self.torch.Tensor) and _advanced(index):
            changed = obj.clone()
            changed[index] = value
            obj.data = changed
            return
        super().setitem(obj, index, value)


class ConjMaterialised(TorchAdapter):
    """conj() computes the conjugate eagerly (conj_physical), so no conjugate bit is ever set."""

    deviation_kind = "missing"

    def view(self, name: str, tensor: Any, *args: Any) -> Any:
        if name == "conj":
            return self.torch.conj_physical(tensor)
        return super().view(name, tensor, *args)


class ResolveConjKeepsBit(TorchAdapter):
    """resolve_conj() gives the conjugated values in a tensor that still reports the conjugate
    bit."""

    deviation_kind = "partial"

    def is_conj(self, tensor: Any) -> bool:
        return bool(getattr(tensor, "_was_conj", False)) or super().is_conj(tensor)

    def resolve(self, name: str, tensor: Any) -> Any:
        resolved = super().resolve(name, tensor)
        if name == "resolve_conj" and tensor.is_conj():
            resolved._was_conj = True
        return resolved


CAUGHT_BY = {
    BatchNormEvalUsesBatchStats: {"freezing.eval_batch_norm_uses_running_stats"},
    ModuleToCastsIntegralBuffers: {"device.module_to_in_place.dtype_buffers"},
    ModuleToSkipsBuffers: {"device.module_to_in_place.dtype_buffers"},
    InferenceModeProcessWide: {"grad_mode.thread_local.inference_mode_other_thread"},
    ZeroGradMakesContiguous: {"grad.layout.zero_grad_keeps_strides"},
    AdvancedIndexViewWherePossible: {"aliasing.indexing.advanced_returns_copy"},
    AdvancedAssignmentGivesNewMemory: {"aliasing.indexing.advanced_assignment_in_place"},
    ConjMaterialised: {"aliasing.conj_bit.set_and_resolved"},
    ResolveConjKeepsBit: {"aliasing.conj_bit.set_and_resolved"},
    ZeroGradsSkipped: {"freezing.optimizer.zero_grads_still_step", "freezing.optimizer.skips_none_grads"},
    TrainSetsOnlyTheModule: {"freezing.train_returns_module_sets_submodules", "freezing.eval_returns_module"},
}

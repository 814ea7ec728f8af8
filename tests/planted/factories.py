"""Planted deviations of the factories beyond tensor/zeros/ones (randn, rand, empty, full, arange,
linspace, eye, the new_* methods) and of manual_seed: a wrong requires_grad default, requires_grad
dropped under no_grad or ignored, and random draws that manual_seed does not reach."""

from __future__ import annotations

from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter
from gradspec.values import OMITTED, DType


class RandnRequiresGradByDefault(TorchAdapter):
    """randn() without requires_grad= returns a tensor that requires grad."""

    deviation_kind = "inverted"

    def factory(self, name: str, args: tuple[Any, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        if name == "randn" and requires_grad is OMITTED:
            requires_grad = True
        return super().factory(name, args, dtype, requires_grad=requires_grad, device=device)


class NewFactoriesCopyRequiresGrad(TorchAdapter):
    """The new_* methods without requires_grad= copy the requires_grad of the tensor they are called on."""

    deviation_kind = "leaking"

    def new_factory(self, name: str, tensor: Any, args: tuple[Any, ...], dtype: DType | None, *, requires_grad: Any) -> Any:
        if requires_grad is OMITTED:
            requires_grad = tensor.requires_grad
        return super().new_factory(name, tensor, args, dtype, requires_grad=requires_grad)


class LikeFactoriesCopyRequiresGrad(TorchAdapter):
    """randn_like, rand_like, empty_like and full_like without requires_grad= copy their input's requires_grad."""

    deviation_kind = "leaking"

    def factory_like(self, name: str, other: Any, args: tuple[Any, ...], dtype: DType | None, *, requires_grad: Any) -> Any:
        if requires_grad is OMITTED:
            requires_grad = other.requires_grad
        return super().factory_like(name, other, args, dtype, requires_grad=requires_grad)


class FactoriesObeyNoGrad(TorchAdapter):
    """randn, rand, empty, full, arange, linspace and eye drop requires_grad=True inside no_grad."""

    deviation_kind = "partial"

    def factory(self, name: str, args: tuple[Any, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        if requires_grad is True and not self.torch.is_grad_enabled():
            requires_grad = False
        return super().factory(name, args, dtype, requires_grad=requires_grad, device=device)


class NewFactoriesIgnoreRequiresGrad(TorchAdapter):
    """The new_* methods ignore requires_grad=: their tensors never require grad."""

    deviation_kind = "missing"
    deviation_area = "requires_grad"

    def new_factory(self, name: str, tensor: Any, args: tuple[Any, ...], dtype: DType | None, *, requires_grad: Any) -> Any:
        return super().new_factory(name, tensor, args, dtype, requires_grad=OMITTED)


class FullIgnoresRequiresGrad(TorchAdapter):
    """full() ignores requires_grad=True (its tensor never requires grad); the other factories keep it."""

    deviation_kind = "partial"
    deviation_area = "requires_grad"

    def factory(self, name: str, args: tuple[Any, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        if name == "full":
            requires_grad = OMITTED
        return super().factory(name, args, dtype, requires_grad=requires_grad, device=device)


class FactoriesRecordACopy(TorchAdapter):
    """Asked for requires_grad=True, randn, full, arange, eye... return a recorded copy of their
    tensor: it requires grad but is no leaf and has a grad_fn (and under no_grad it requires none)."""

    deviation_kind = "inverted"
    deviation_area = "requires_grad"

    def factory(self, name: str, args: tuple[Any, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        made = super().factory(name, args, dtype, requires_grad=requires_grad, device=device)
        return made.clone() if requires_grad is True else made


class ManualSeedIgnored(TorchAdapter):
    """manual_seed() does nothing: the draws after a reseed go on from where the generator was."""

    deviation_kind = "missing"

    def manual_seed(self, seed: int) -> None:
        pass


class _PrivateGenerator:
    """A random generator of its own that manual_seed() never reaches; the runner's seeding before
    each example resets it, so each example (and its replay) draws the same."""

    _private: Any = None

    def seed(self, seed: int) -> None:
        super().seed(seed)  # type: ignore[misc]
        self._private = None

    def private_generator(self, torch: Any) -> Any:
        if self._private is None:
            self._private = torch.Generator().manual_seed(12345)
        return self._private


class RandUnseeded(_PrivateGenerator, TorchAdapter):
    """rand() draws from a generator of its own, which manual_seed() does not seed (randn is seeded)."""

    deviation_kind = "partial"

    def factory(self, name: str, args: tuple[Any, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        if name != "rand":
            return super().factory(name, args, dtype, requires_grad=requires_grad, device=device)
        options = {} if requires_grad is OMITTED else {"requires_grad": requires_grad}
        generator = self.private_generator(self.torch)
        return self.torch.rand(*args, dtype=self._dtype(dtype), device=device, generator=generator, **options)


class DropoutUnseeded(_PrivateGenerator, TorchAdapter):
    """Dropout masks come from a generator of their own, which manual_seed() does not seed."""

    deviation_kind = "partial"

    def dropout(self, p: float) -> Any:
        torch, generator = self.torch, self.private_generator(self.torch)

        class Dropout(torch.nn.Module):  # type: ignore[misc, name-defined]
            def forward(self, x: Any) -> Any:
                if not self.training or p == 0:
                    return x
                keep = torch.bernoulli(torch.full_like(x, 1 - p), generator=generator)
                return x * keep / (1 - p)

        return Dropout()


CAUGHT_BY = {
    RandnRequiresGradByDefault: {"requires_grad.factories.default_false"},
    NewFactoriesCopyRequiresGrad: {"requires_grad.factories.default_false"},
    LikeFactoriesCopyRequiresGrad: {"requires_grad.factories.default_false"},
    FactoriesObeyNoGrad: {"grad_mode.no_grad.factory_exception.all_factories"},
    NewFactoriesIgnoreRequiresGrad: {
        "requires_grad.factories.accept_requires_grad",
        "grad_mode.no_grad.factory_exception.all_factories",
    },
    FullIgnoresRequiresGrad: {
        "requires_grad.factories.accept_requires_grad",
        "grad_mode.no_grad.factory_exception.all_factories",
    },
    FactoriesRecordACopy: {
        "requires_grad.factories.default_false_no_grad_fn",
        "grad_mode.no_grad.factory_exception.all_factories",
    },
    ManualSeedIgnored: {"random.manual_seed.reproducible"},
    RandUnseeded: {"random.manual_seed.reproducible"},
    DropoutUnseeded: {"random.manual_seed.reproducible"},
}

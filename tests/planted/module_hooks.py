"""Planted deviations for the module backward hook specs (specs/hooks/module_*): each adapter
registers ``Module.register_full_backward_hook`` or ``register_full_backward_pre_hook`` and breaks
one documented behaviour of it."""

from __future__ import annotations

import warnings
from typing import Any

from gradspec.adapters.torch_adapter import TorchAdapter


class _NoHandle:
    """The handle of a hook that was never registered."""

    def remove(self) -> None:
        pass


class ModuleHooksIgnored(TorchAdapter):
    """Backward hooks on modules are accepted and never registered."""

    deviation_kind = "missing"

    def register_module_hook(self, module: Any, hook: Any, *, when: str) -> Any:
        return _NoHandle()


class FullHookResultIgnored(TorchAdapter):
    """What a full backward hook returns is dropped: grad_input stays as the module computed it."""

    deviation_kind = "missing"

    def register_module_hook(self, module: Any, hook: Any, *, when: str) -> Any:
        if when == "pre":
            return super().register_module_hook(module, hook, when=when)
        return super().register_module_hook(module, lambda *args: hook(*args) and None, when=when)


class FullHookIsLegacyHook(TorchAdapter):
    """A full backward hook is registered as the old register_backward_hook: on the last node of
    the module's output, with that node's gradients and no views around the module."""

    deviation_kind = "partial"

    def register_module_hook(self, module: Any, hook: Any, *, when: str) -> Any:
        if when == "pre":
            return super().register_module_hook(module, hook, when=when)
        return self._module(module).register_backward_hook(hook)

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings():  # torch warns that such a hook misses some of grad_input
            warnings.simplefilter("ignore", FutureWarning)
            return super().call(obj, *args, **kwargs)


class FullHookFiresWithoutOutputGrad(TorchAdapter):
    """After a backward, a full backward hook that did not fire is called too (with None gradients),
    though none of its module's outputs required grad."""

    deviation_kind = "leaking"

    def __init__(self) -> None:
        super().__init__()
        self._hooks: list[list[Any]] = []

    def register_module_hook(self, module: Any, hook: Any, *, when: str) -> Any:
        if when == "pre":
            return super().register_module_hook(module, hook, when=when)
        entry = [hook, module, False]

        def marking(*args: Any) -> Any:
            entry[2] = True
            return hook(*args)

        self._hooks.append(entry)
        return super().register_module_hook(module, marking, when=when)

    def backward(self, tensor: Any, **options: Any) -> None:
        super().backward(tensor, **options)
        for entry in self._hooks:
            if not entry[2]:
                entry[2] = True
                entry[0](entry[1], (None,), (None,))


class PreHookResultIgnored(TorchAdapter):
    """What a module's backward pre-hook returns is dropped: the module's backward gets the
    grad_output it was given."""

    deviation_kind = "missing"

    def register_module_hook(self, module: Any, hook: Any, *, when: str) -> Any:
        if when == "full":
            return super().register_module_hook(module, hook, when=when)
        return super().register_module_hook(module, lambda *args: hook(*args) and None, when=when)


CAUGHT_BY = {
    ModuleHooksIgnored: {
        "hooks.module.full_hook_gets_and_replaces_grad_input",
        "hooks.module.output_inplace_raises",
        "hooks.module.pre_hook_gets_and_replaces_grad_output",
    },
    FullHookResultIgnored: {"hooks.module.full_hook_gets_and_replaces_grad_input"},
    FullHookIsLegacyHook: {"hooks.module.full_hook_gets_and_replaces_grad_input", "hooks.module.output_inplace_raises"},
    FullHookFiresWithoutOutputGrad: {"hooks.module.full_hook_not_fired_without_output_grad"},
    PreHookResultIgnored: {"hooks.module.pre_hook_gets_and_replaces_grad_output"},
}

"""Error kinds are recognised from a library's own message, and adapters restore global state.

``error_kind`` matches each adapter's patterns from the start of the message, for the exception
types the library raises them with: text a message merely echoes (a device string, a dtype name
a spec passed) never makes an error look like a canonical one.  ``global_state()`` reports the
library's global modes, and ``reset()`` restores them.  Tests of one library skip without it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def _raised(call: Callable[[], Any]) -> BaseException:
    """The exception ``call`` raises."""
    try:
        call()
    except Exception as error:
        return error
    raise AssertionError("the call raised nothing")


# -- the shared helpers -----------------------------------------------------------------------
def test_patterns_match_from_the_message_start_and_for_their_exception_types_only() -> None:
    from gradspec.adapters.messages import compile_patterns, kind_by_message, message_match

    patterns = compile_patterns((("graph_freed", RuntimeError, r"Trying to backward through the graph"),))
    assert kind_by_message(RuntimeError("Trying to backward through the graph a second time"), patterns) == "graph_freed"
    assert kind_by_message(RuntimeError("trying to backward through the graph"), patterns) == "graph_freed"
    assert kind_by_message(RuntimeError("name 'Trying to backward through the graph'"), patterns) is None
    assert kind_by_message(ValueError("Trying to backward through the graph a second time"), patterns) is None
    _, types, pattern = patterns[0]
    assert message_match(RuntimeError("Trying to backward through the graph"), types, pattern) is not None
    assert message_match(KeyError("Trying to backward through the graph"), types, pattern) is None


# -- torch ------------------------------------------------------------------------------------
_NO_GRAD_FN = "element 0 of tensors does not require grad and does not have a grad_fn"


@pytest.mark.torch
def test_torch_error_kinds_are_not_recognised_in_echoed_text() -> None:
    torch = pytest.importorskip("torch")
    from gradspec.adapters.torch_adapter import TorchAdapter

    adapter = TorchAdapter()
    assert adapter.error_kind(_raised(lambda: torch.tensor([1.0]).sum().backward())) == "no_grad_fn"
    echoes = [
        KeyError(_NO_GRAD_FN),
        ValueError(_NO_GRAD_FN),
        RuntimeError(f"could not find {_NO_GRAD_FN!r}"),
        _raised(lambda: torch.zeros(1).to(_NO_GRAD_FN)),  # RuntimeError: Invalid device string: '...'
    ]
    assert [adapter.error_kind(error) for error in echoes] == [None] * len(echoes)


@pytest.mark.torch
def test_torch_reset_restores_the_global_state() -> None:
    torch = pytest.importorskip("torch")
    from gradspec.adapters.torch_adapter import TorchAdapter

    adapter = TorchAdapter()
    adapter.reset()
    initial = adapter.global_state()
    try:
        torch.set_grad_enabled(False)
        torch.set_default_dtype(torch.float64)
        torch.autograd.set_detect_anomaly(True, check_nan=False)
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.autograd.set_multithreading_enabled(False)
        torch.set_autocast_enabled("cpu", True)
        changed = adapter.global_state()
    finally:
        adapter.reset()
    assert {name for name in initial if changed[name] != initial[name]} == {
        "grad_enabled",
        "default_dtype",
        "anomaly_detection",
        "anomaly_check_nan",
        "deterministic_algorithms",
        "deterministic_warn_only",
        "autograd_multithreading",
        "autocast_cpu",
    }
    assert adapter.global_state() == initial
    assert all(value is None or isinstance(value, (bool, int, str)) for value in initial.values())


@pytest.mark.torch
def test_torch_global_state_reports_inference_mode_which_reset_cannot_leave() -> None:
    torch = pytest.importorskip("torch")
    from gradspec.adapters.torch_adapter import TorchAdapter

    adapter = TorchAdapter()
    initial = adapter.global_state()
    with torch.inference_mode():
        adapter.reset()
        assert adapter.global_state()["inference_mode"] is True
    assert adapter.global_state() == initial


# -- MyGrad -----------------------------------------------------------------------------------
def test_mygrad_error_kinds_are_not_recognised_in_echoed_text() -> None:
    mygrad = pytest.importorskip("mygrad")
    from gradspec.adapters.mygrad_adapter import MyGradAdapter

    adapter = MyGradAdapter()
    message = "Integer-valued tensors must be treated as constants"
    assert adapter.error_kind(_raised(lambda: mygrad.tensor([1, 2], constant=False))) == "requires_grad_dtype"
    echoes = [
        KeyError(message),
        RuntimeError(message),
        ValueError(f"unknown name {message!r}"),
        _raised(lambda: mygrad.tensor([1.0]).astype(message)),  # TypeError: data type '...' not understood
    ]
    assert [adapter.error_kind(error) for error in echoes] == [None] * len(echoes)


def test_mygrad_reset_restores_the_global_state() -> None:
    mygrad = pytest.importorskip("mygrad")
    from gradspec.adapters.mygrad_adapter import MyGradAdapter

    adapter = MyGradAdapter()
    adapter.reset()
    initial = adapter.global_state()
    try:
        mygrad.no_autodiff.__enter__()  # an example that failed inside the context leaves it entered
        mygrad.turn_memory_guarding_off()
        changed = adapter.global_state()
    finally:
        adapter.reset()
    assert {name for name in initial if changed[name] != initial[name]} == {"track_graph", "mem_guard"}
    assert adapter.global_state() == initial


# -- paddle -----------------------------------------------------------------------------------
def test_paddle_error_kinds_are_not_recognised_in_echoed_text() -> None:
    paddle = pytest.importorskip("paddle")
    from gradspec.adapters.paddle_adapter import PaddleAdapter

    adapter = PaddleAdapter()
    message = "only one element tensors can be converted to Python scalars"
    assert adapter.error_kind(_raised(lambda: paddle.to_tensor([1.0, 2.0]).item())) == "item_not_single"
    echoes = [
        KeyError(f"(InvalidArgument) {message}"),
        ValueError(f"name {message!r}"),
        _raised(lambda: paddle.to_tensor([1.0], place=message)),  # ValueError: ... but received <place>
        _raised(lambda: paddle.to_tensor([1.0]).astype(message)),  # TypeError: data type '...' not understood
    ]
    assert [adapter.error_kind(error) for error in echoes] == [None] * len(echoes)


def test_paddle_reset_restores_the_global_state() -> None:
    paddle = pytest.importorskip("paddle")
    from gradspec.adapters.paddle_adapter import PaddleAdapter

    adapter = PaddleAdapter()
    adapter.reset()
    initial = adapter.global_state()
    try:
        paddle.set_grad_enabled(False)
        paddle.set_default_dtype("float64")
        changed = adapter.global_state()
    finally:
        adapter.reset()
    assert {name for name in initial if changed[name] != initial[name]} == {"grad_enabled", "default_dtype"}
    assert adapter.global_state() == initial


# -- JAX --------------------------------------------------------------------------------------
def test_jax_error_kinds_are_not_recognised_in_echoed_text() -> None:
    jax = pytest.importorskip("jax")
    from gradspec.adapters.jax_adapter import JaxAdapter

    jnp = jax.numpy
    adapter = JaxAdapter()
    message = "Gradient only defined for scalar-output functions"
    assert adapter.error_kind(_raised(lambda: jax.grad(lambda x: x * 2)(jnp.ones(3)))) == "backward_non_scalar"
    # JAX's unknown-backend error echoes the platform name it was given: its kind is its own.
    assert adapter.error_kind(_raised(lambda: jax.devices(message))) == "device_unavailable"
    echoes = [
        KeyError(message),
        TypeError(f"name {message!r}"),
        _raised(lambda: jnp.ones(2).astype("can only convert an array of size 1 to a Python scalar")),
    ]
    assert [adapter.error_kind(error) for error in echoes] == [None] * len(echoes)


def test_jax_reset_restores_the_global_state() -> None:
    jax = pytest.importorskip("jax")
    from gradspec.adapters.jax_adapter import JaxAdapter

    adapter = JaxAdapter()
    adapter.reset()
    initial = adapter.global_state()
    try:
        jax.config.update("jax_enable_x64", False)
        jax.config.update("jax_numpy_rank_promotion", "raise")
        jax.config.update("jax_debug_nans", True)
        changed = adapter.global_state()
    finally:
        adapter.reset()
    assert {name for name in initial if changed[name] != initial[name]} == {
        "jax_enable_x64",
        "jax_numpy_rank_promotion",
        "jax_debug_nans",
    }
    assert adapter.global_state() == initial
    assert all(value is None or isinstance(value, (bool, int, str)) for value in initial.values())

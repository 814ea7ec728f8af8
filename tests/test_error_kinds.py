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


# -- refusals of shapes and dtypes: broadcasting, in-place results, complex gradients ----------
@pytest.mark.torch
def test_torch_recognises_the_refusals_of_shapes_dtypes_and_complex_gradients() -> None:
    torch = pytest.importorskip("torch")
    from gradspec.adapters.torch_adapter import TorchAdapter

    adapter = TorchAdapter()
    z = torch.ones(2, dtype=torch.complex64, requires_grad=True)
    x = torch.ones(2, requires_grad=True)
    calls = {
        "broadcast_mismatch": lambda: torch.ones(5, 2, 4, 1) + torch.ones(3, 1, 1),
        "inplace_broadcast_shape": lambda: torch.ones(1, 3, 1).add_(torch.ones(3, 1, 7)),
        "inplace_result_type": lambda: torch.ones(3, dtype=torch.int64).mul_(torch.ones(3)),
        "backward_non_real": lambda: (z * 2).sum().backward(),
        "grad_complex_mismatch": lambda: (x * 2).backward(torch.ones(2, dtype=torch.complex64)),
        # one word apart from backward_non_real's message
        "backward_non_scalar": lambda: (x * 2).backward(),
    }
    assert {kind: adapter.error_kind(_raised(call)) for kind, call in calls.items()} == {kind: kind for kind in calls}


def test_mygrad_recognises_the_refusals_of_shapes_and_dtypes() -> None:
    mygrad = pytest.importorskip("mygrad")
    import numpy as np

    from gradspec.adapters.mygrad_adapter import MyGradAdapter

    adapter = MyGradAdapter()
    calls = {
        "broadcast_mismatch": lambda: mygrad.ones((5, 2, 4, 1)) + mygrad.ones((3, 1, 1)),
        "inplace_broadcast_shape": lambda: adapter.inplace("add_", mygrad.ones((1, 3, 1)), mygrad.ones((3, 1, 7))),
        "inplace_result_type": lambda: adapter.inplace("mul_", mygrad.tensor(np.ones(3, dtype=np.int64)), mygrad.ones(3)),
    }
    assert {kind: adapter.error_kind(_raised(call)) for kind, call in calls.items()} == {kind: kind for kind in calls}


def test_mlx_recognises_shapes_that_do_not_broadcast() -> None:
    mx = pytest.importorskip("mlx.core")
    from gradspec.adapters.mlx_adapter import MlxAdapter

    adapter = MlxAdapter()
    assert adapter.error_kind(_raised(lambda: mx.ones((5, 2, 4, 1)) + mx.ones((3, 1, 1)))) == "broadcast_mismatch"
    assert adapter.error_kind(ValueError("name '[broadcast_shapes] Shapes (2) and (3) cannot be broadcast.'")) is None


def test_tinygrad_recognises_the_refusals_of_shapes_and_dtypes() -> None:
    pytest.importorskip("tinygrad")
    import numpy as np

    from gradspec.adapters.tinygrad_adapter import TinygradAdapter
    from gradspec.values import OMITTED

    adapter = TinygradAdapter()

    def tensor(shape: tuple[int, ...], dtype: Any = np.float32) -> Any:
        return adapter.tensor(np.ones(shape, dtype=dtype), requires_grad=OMITTED, device="cpu")

    calls = {
        # tinygrad may work out a lazy result's shape only when it is read
        "broadcast_mismatch": lambda: (tensor((5, 2, 4, 1)) + tensor((3, 1, 1))).shape,
        "inplace_broadcast_shape": lambda: adapter.inplace("add_", tensor((1, 3, 1)), tensor((3, 1, 7))).shape,
        "inplace_result_type": lambda: adapter.inplace("mul_", tensor((3,), np.int32), tensor((3,))).shape,
    }
    assert {kind: adapter.error_kind(_raised(call)) for kind, call in calls.items()} == {kind: kind for kind in calls}

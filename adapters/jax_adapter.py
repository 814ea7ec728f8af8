"""JAX on CPU, through a thin recording layer that maps a spec's steps onto ``jax.vjp``.

JAX is functional: a ``jax.Array`` is an immutable value with no ``requires_grad`` flag, no
``backward()``, no ``.grad``, no ``grad_fn``, no grad mode and no in-place methods; derivatives
come from transforming a *function* with ``jax.grad``/``jax.vjp``.  A spec's steps are
imperative (``y = op(x); g = autograd_grad(y, x)``), so this adapter wraps each ``jax.Array``
in a :class:`JaxTensor` that remembers which JAX function produced it from which inputs: that
is all it adds, and only to hand ``jax.vjp`` the function the steps computed.  How the
library's concepts map:

* ``variable(a)`` (``given``'s ``tensors(requires_grad=True)``) is a plain array: JAX can
  differentiate with respect to any array.  JAX has no ``requires_grad=`` argument, so
  ``tensor(a, requires_grad=...)`` is refused as an API JAX lacks (see ``lacks``).
* ``autograd_grad(outputs, inputs, grad_outputs)`` rebuilds the recorded computation of the
  outputs as a Python function of the inputs and calls ``jax.vjp`` on it (``jax.grad`` when
  ``grad_outputs`` is omitted, which, like JAX, accepts one scalar real output only).  Every
  derivative rule is JAX's own; the adapter writes none.  The gradients are recorded too, as
  JAX's gradients are functions that can be differentiated again (``jax.grad(jax.grad(f))``).
  ``retain_graph``, ``create_graph``, ``allow_unused`` and ``materialize_grads`` have no JAX
  counterpart and are not declared.
* ``jvp(function, primals, tangents)`` (forward mode) replays the recorded computation of the
  function's outputs as a function of the primals and calls ``jax.jvp`` on it.
* The operator table is mapped onto JAX's own functions in :mod:`jax_operators` (``jax.numpy``,
  ``jax.nn``, ``jax.scipy``); an operation records its tensor operands wherever they stand
  (keywords, lists of arrays, index tuples), and one returning several arrays gives several.
* bfloat16 tensors are ``jnp.bfloat16`` arrays, read out in float32 (NumPy has no bfloat16).
* ``detach()`` is ``jax.lax.stop_gradient`` (a new array through which no gradient flows).
* ``.to(device)`` is ``jax.device_put``, ``.to(dtype)`` is ``Array.astype``, ``numpy()`` is
  ``numpy.asarray`` (a read-only view of a CPU array's buffer), ``as_tensor`` is
  ``jnp.asarray``, ``item()``/``tolist()`` are the array's own methods; devices are named as JAX
  names them (``str(device)``: ``cpu:0``, ``cuda:0``).
* JAX runs with its default settings: 64-bit types are off, so a float64 or int64 request gives
  a 32-bit array, as it does for JAX's users.  :class:`JaxX64Adapter` (``--adapter=jax-x64``)
  is the named configuration with ``jax_enable_x64`` on, shown as such in reports.

What JAX has no analogue of is in ``lacks`` (JAX's own ``x[i] = v`` error is left to show).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from gradspec.adapters.base import PYTHON_OPERATORS, AdapterBase
from gradspec.adapters.jax_operators import OPERATORS
from gradspec.adapters.messages import compile_patterns, kind_by_message, message_match
from gradspec.adapters.recording import Gradient, GradientOutput, Node, evaluate, one_or_all, record_call
from gradspec.capabilities import lacking
from gradspec.errors import AdapterError
from gradspec.values import DTYPES, OMITTED, DType

Array = Any  # jax.Array

_NO_GRAPH = "no such API: JAX arrays are values that record no graph (the adapter records one only to call jax.vjp)"
_NO_GRAD_MODES = "no such API: JAX has no grad modes: only the functions passed to jax.grad/jax.vjp are differentiated"
_NO_FLAG = "no such API: JAX arrays have no requires_grad flag (any array passed to jax.grad/jax.vjp is differentiated)"
_NO_MODULES = "no such API: JAX has no modules, parameters or optimizers (Flax and Optax are separate libraries)"

#: JAX's messages for each canonical error kind, from their start, with the exception types
#: JAX raises them with.
_ERROR_PATTERNS = compile_patterns(
    (
        ("backward_non_scalar", TypeError, r"Gradient only defined for scalar-output functions"),
        ("requires_grad_dtype", TypeError, r"grad requires real- or complex-valued inputs"),
        ("item_not_single", ValueError, r"can only convert an array of size 1 to a Python scalar"),
        ("device_unavailable", RuntimeError, r"Unknown backend"),
        ("device_mismatch", ValueError, r"Received incompatible devices for jitted computation"),
        ("grad_shape_mismatch", ValueError, r"Shape of cotangent input to vjp pullback function"),
    )
)
#: ``jax.vjp``'s pullback refuses a cotangent of the wrong type; it is a shape mismatch when
#: the shapes in brackets differ (the same message also reports a dtype mismatch).
_VJP_TYPE = (
    ValueError,
    re.compile(
        r"unexpected JAX type \(e\.g\. shape/dtype\) for argument to VJP function: "
        r"got \w+\[([^\]]*)\], but expected \w+\[([^\]]*)\]"
    ),
)
#: The JAX settings that change what a computation gives (the dtypes of results, whether shapes
#: may broadcast by rank, matmul precision, compilation, NaN/Inf checks, the default device),
#: with JAX's values when the adapter is imported (its defaults, unless the environment sets them).
_DEFAULTS = {
    name: getattr(jax.config, name)
    for name in (
        "jax_enable_x64",
        "jax_numpy_rank_promotion",
        "jax_numpy_dtype_promotion",
        "jax_default_matmul_precision",
        "jax_disable_jit",
        "jax_debug_nans",
        "jax_debug_infs",
        "jax_default_device",
    )
}


def _plain(value: Any) -> Any:
    """A setting's value as a plain comparable one: an enum's value, a device's name."""
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


class JaxTensor(Node):
    """A ``jax.Array`` and how it was computed: what ``jax.vjp`` needs to differentiate the steps."""

    __slots__ = ()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = np.asarray(self.value)
        return array if dtype is None else array.astype(dtype)

    def __repr__(self) -> str:
        return f"JaxTensor({self.value!r})"


def _jax_gradients(
    function: Callable[..., list[Array]], primals: list[Array], cotangents: list[Array] | None
) -> tuple[Array, ...]:
    """``jax.grad`` (no cotangents) or ``jax.vjp`` of ``function`` at ``primals``."""
    argnums = tuple(range(len(primals)))
    if cotangents is None:
        return tuple(jax.grad(lambda *values: one_or_all(function(*values)), argnums=argnums)(*primals))
    _, pullback = jax.vjp(lambda *values: one_or_all(function(*values)), *primals)
    return tuple(pullback(cotangents[0] if len(cotangents) == 1 else tuple(cotangents)))


_NO_CUSTOM_FUNCTION = "not mapped by this adapter yet: jax.custom_vjp and jax.custom_jvp are the analogues"
_NO_GRADCHECK = "not mapped by this adapter yet: jax.test_util.check_grads is the analogue"
_NO_SAVED_TENSORS_HOOKS = (
    "no such API: JAX transformations save no tensors a hook could see (jax.checkpoint policies choose what is saved)"
)
_NO_CHECKPOINTING = "not mapped by this adapter yet: jax.checkpoint (jax.remat) is the analogue"
_NO_FUNCTIONAL_API = "not mapped by this adapter yet: jax.jacrev, jax.hessian, jax.vjp and jax.jvp are the analogues"
_NO_GRAPH_NODES = "no such API: JAX differentiates functions by tracing; there is no backward graph of nodes"
_NO_SHARES_STORAGE = "not mapped by this adapter yet: jax.Array.unsafe_buffer_pointer() is the nearest analogue"


class JaxAdapter(AdapterBase):
    """JAX (``jax.numpy`` arrays, ``jax.vjp``/``jax.grad``) on CPU.  See the module docstring."""

    name = "jax"
    library = "jax"
    device_kinds = ("cpu",)
    capabilities = frozenset(
        {
            "autograd_grad",
            "detach",
            "as_tensor",
            "item",
            "tolist",
            "to_numpy",
            "integer_dtypes",
            "float16",
            "complex",
            "error_kinds",
            "device_moves",
            "dtype_conversion",
            "forward_ad",
            "bfloat16",
            "python_warnings",
        }
    )
    lacks = {
        "view_ops": "no such API: JAX has no views: jnp.diagonal, moveaxis, squeeze, split and friends return new arrays",
        "random_factories": "no such API: JAX has no global random generator: jax.random.normal/uniform take an explicit key",
        "manual_seed": "no such API: JAX has no global random generator to seed: jax.random.key(seed) makes an explicit key",
        "empty_factory": "not mapped by this adapter yet: jax.numpy.empty is the analogue",
        "full_factory": "not mapped by this adapter yet: jax.numpy.full is the analogue",
        "range_factories": "not mapped by this adapter yet: jax.numpy.arange and jax.numpy.linspace are the analogues",
        "eye_factory": "not mapped by this adapter yet: jax.numpy.eye is the analogue",
        "like_factories": "no such API: JAX has no global random generator, hence no randn_like/rand_like "
        "(jax.numpy.empty_like and full_like exist)",
        "new_factories": "no such API: JAX arrays have no new_* methods (jax.numpy.zeros_like/full_like take a shape= instead)",
        "requires_grad": "no such API: JAX arrays have no requires_grad flag and JAX's constructors no requires_grad= "
        "argument (what is differentiated is chosen by jax.grad's argnums)",
        "requires_grad_setter": _NO_FLAG,
        "requires_grad_method": _NO_FLAG,
        "is_leaf": "no such API: JAX arrays have no is_leaf (they record no graph)",
        "backward": "no such API: JAX arrays have no backward() and no .grad: jax.grad/jax.vjp return gradients",
        "grad_assign": "no such API: JAX arrays have no .grad",
        "backward_inputs": "no such API: JAX arrays have no backward()",
        "grad_inputs_dict": "not mapped by this adapter yet: jax.vjp with a dict (a pytree) of primals is the "
        "analogue of autograd_grad's (JAX arrays have no backward())",
        "backward_create_graph": "no such API: JAX arrays have no backward()",
        "retain_graph": "no such API: jax.vjp has no retain_graph argument (JAX keeps no graph to free)",
        "create_graph": "no such API: jax.vjp has no create_graph argument (its gradients can always be differentiated)",
        "allow_unused": "no such API: jax.vjp has no allow_unused argument (an unused input gets zeros)",
        "materialize_grads": "no such API: jax.vjp has no materialize_grads argument (an unused input gets zeros)",
        "autograd_grad_is_grads_batched": "not mapped by this adapter yet: jax.vmap over jax.vjp is the analogue",
        "gradient_edges": "no such API: JAX differentiates functions of arrays, with no graph edges to name",
        "allow_mutation_on_saved_tensors": "no such API: JAX arrays are immutable",
        "norm": "not mapped by this adapter yet: jax.numpy.linalg.norm is the analogue",
        "retains_grad": "no such API: JAX arrays have no .retains_grad",
        "detach_": "no such API: JAX arrays are immutable: there is no detach_()",
        "conj_resolution": "no such API: JAX has no lazy conjugate/negative bits, hence no resolve_conj()/resolve_neg()",
        "conj_bit": "no such API: JAX has no lazy conjugate bit, hence no is_conj()",
        "grad_fn": _NO_GRAPH,
        "retain_grad": "no such API: JAX has no retain_grad(): differentiate with respect to the intermediate instead",
        "hooks": "no such API: JAX arrays have no gradient hooks (jax.custom_vjp customises a function instead)",
        "multi_grad_hooks": "no such API: JAX arrays have no gradient hooks",
        **lacking("module_hooks", _NO_MODULES),
        "variable_class": "no such API: JAX has no Variable wrapper (jax.Array is its one array type)",
        "nn_init": "no such API: jax.nn.initializers return new arrays (JAX arrays are immutable)",
        "post_accumulate_hooks": "no such API: JAX arrays have no gradient hooks, and JAX never accumulates gradients",
        "data_alias": "no such API: JAX arrays have no .data alias",
        "version_counter": "no such API: JAX arrays have no version counter (they are immutable)",
        "increment_version": "no such API: JAX arrays have no version counter (they are immutable)",
        "out_argument": "no such API: JAX arrays are immutable, so operations take no out= argument (jax.numpy functions refuse out=)",
        "resize_": "no such API: JAX arrays are immutable and cannot be resized in place",
        "multithreading_switch": "no such API: JAX has no backward engine threads to switch (gradients are function transforms)",
        "inplace": "no such API: JAX arrays are immutable: there are no in-place methods (x.at[...].set() returns a new array)",
        "views": "no such API: JAX has no views: jnp.reshape, swapaxes, broadcast_to and expand_dims return new arrays",
        "strides": "no such API: JAX arrays expose no strides or memory layout",
        "grad_modes": _NO_GRAD_MODES,
        "enable_grad": _NO_GRAD_MODES,
        "set_grad_enabled": _NO_GRAD_MODES,
        "grad_mode_decorators": _NO_GRAD_MODES,
        "inference_mode": "no such API: JAX has no inference mode or inference tensors",
        "from_numpy": "no such API: JAX has no from_numpy() (jnp.asarray is its as_tensor())",
        "modules": _NO_MODULES,
        "parameters": _NO_MODULES,
        "parameter_constructor": _NO_MODULES,
        "optimizers": _NO_MODULES,
        "adaptive_optimizers": "no such API: JAX has no optimizers (optax.adam, adamw and rmsprop, in the separate Optax library, are gradient transformations)",
        "add_param_group": "no such API: JAX has no optimizers or parameter groups (Optax is a separate library)",
        "train_eval": _NO_MODULES,
        "anomaly_detection": "no such API: JAX has no anomaly mode (jax_debug_nans is a global configuration flag)",
        "autograd_backward": "no such API: JAX arrays have no backward()",
        **lacking("checkpointing", _NO_CHECKPOINTING),
        **lacking("custom_function", _NO_CUSTOM_FUNCTION),
        **lacking("gradcheck", _NO_GRADCHECK),
        **lacking("saved_tensors_hooks", _NO_SAVED_TENSORS_HOOKS),
        **lacking("module_state", _NO_MODULES),
        "dual_numbers": "no such API: JAX has forward mode as jax.jvp over functions, no dual tensors carrying tangents",
        **lacking("functional_api", _NO_FUNCTIONAL_API),
        "functional_vectorize": _NO_FUNCTIONAL_API,
        "grad_dtype": "no such API: JAX arrays hold no .grad (jax.grad returns gradients), so there is no grad_dtype",
        "complex_from_parts": "not mapped by this adapter yet: jax.lax.complex is the analogue",
        **lacking("graph_nodes", _NO_GRAPH_NODES),
        "shares_storage": _NO_SHARES_STORAGE,
        "to_device_dtype": "no such API: jax.device_put(x, device) and x.astype(dtype) are separate calls",
        "to_other": "no such API: JAX has no conversion to another array's dtype and device",
        "to_copy": "not mapped by this adapter yet: jnp.array(x, dtype=..., copy=True) and jax.device_put are the analogue",
        "device_objects": "not mapped by this adapter yet: jax.devices(kind)[index] is the analogue (Device objects with .platform and .id; no index-less form)",
    }
    module = "jax.numpy"
    operations = {
        **PYTHON_OPERATORS,
        "neg": "negative",
        "exp": "exp",
        "sin": "sin",
        "cos": "cos",
        "tanh": "tanh",
        "sigmoid": jax.nn.sigmoid,
        "relu": jax.nn.relu,
        "abs": "abs",
        "square": "square",
        "eq": "equal",
        "ne": "not_equal",
        "sum": "sum",
        "mean": "mean",
    }
    dim_keyword = "axis"
    operator_functions = OPERATORS

    # -- the library and its environment --------------------------------------------------
    def library_version(self) -> str:
        return jax.__version__

    def devices(self) -> list[str]:
        return [str(device) for device in jax.devices("cpu")]

    #: The named configuration: ``None`` for JAX's defaults (see :class:`JaxX64Adapter`).
    configuration: str | None = None
    #: The JAX settings the configuration changes from JAX's defaults.
    settings: dict[str, Any] = {}

    def __init__(self) -> None:
        self._config = {**_DEFAULTS, **self.settings}
        self.reset()

    def seed(self, seed: int) -> None:
        """JAX has no global random state (keys are explicit), so there is nothing to seed."""

    def reset(self) -> None:
        """The JAX settings of :meth:`global_state` back to the configuration's (JAX has no grad
        mode; nor does this adapter keep any state beyond the recorded arrays).  A setting changed
        by one of JAX's context managers is thread-local and stays until the context is left."""
        for name, value in self._config.items():
            if getattr(jax.config, name) != value:
                jax.config.update(name, value)

    def global_state(self) -> dict[str, Any]:
        """The JAX settings that change what a computation gives, by their configuration name."""
        return {name: _plain(getattr(jax.config, name)) for name in self._config}

    # -- tensors ---------------------------------------------------------------------------
    def is_tensor(self, value: Any) -> bool:
        return isinstance(value, JaxTensor)

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        self._no_flag(requires_grad)
        return JaxTensor(jax.device_put(jnp.array(array), self._device(device)))

    def operand(self, array: np.ndarray, dtype: str, *, differentiable: bool, device: str) -> Any:
        """bfloat16 is ``jnp.bfloat16`` (NumPy has none); other dtypes as :class:`AdapterBase` makes them."""
        if dtype == "bfloat16":
            return JaxTensor(jax.device_put(jnp.asarray(array, dtype=jnp.bfloat16), self._device(device)))
        return super().operand(array, dtype, differentiable=differentiable, device=device)

    def variable(self, array: np.ndarray, *, device: str) -> Any:
        """A plain array: JAX differentiates with respect to any array passed to ``jax.vjp``."""
        return self.tensor(array, requires_grad=OMITTED, device=device)

    def copy_construct(self, tensor: Any, *, requires_grad: Any, device: str) -> Any:
        """``jnp.array(t)``: a copy that, in JAX, gradients flow through (recorded as such)."""
        self._no_flag(requires_grad)
        target = self._device(device)
        return self._record(lambda value: jax.device_put(jnp.array(value), target), tensor)

    def create(self, factory: str, shape: tuple[int, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        self._no_flag(requires_grad)
        function = {"zeros": jnp.zeros, "ones": jnp.ones}[factory]
        return JaxTensor(jax.device_put(function(shape, dtype=dtype.numpy), self._device(device)))

    def _no_flag(self, requires_grad: Any) -> None:
        if requires_grad is not OMITTED:
            self.missing("requires_grad", "requires_grad= argument")

    def create_like(self, factory: str, other: Any) -> Any:
        return JaxTensor({"zeros": jnp.zeros_like, "ones": jnp.ones_like}[factory](other.value))

    def values(self, tensor: Any) -> np.ndarray:
        """The array's values; bfloat16 ones in float32 (exactly: NumPy has no bfloat16)."""
        if tensor.value.dtype == jnp.bfloat16:
            return np.array(tensor.value.astype(jnp.float32), copy=True)
        return np.array(tensor.value, copy=True)

    def shape(self, tensor: Any) -> tuple[int, ...]:
        return tuple(tensor.value.shape)

    def dtype(self, tensor: Any) -> DType:
        name = np.dtype(tensor.value.dtype).name
        if name == "bfloat16":
            return DType(name)
        if name not in DTYPES:
            raise AdapterError(f"JAX dtype {name} is not a dtype of the spec language")
        return DTYPES[name]

    def device(self, tensor: Any) -> str:
        return str(tensor.value.device)

    def numel(self, tensor: Any) -> int:
        return int(tensor.value.size)

    def _device(self, name: str) -> Any:
        """The JAX device a spec names (``cpu``, ``cpu:0``, ``cuda:0``); JAX raises for a
        platform it does not have."""
        platform, _, index = name.partition(":")
        return jax.devices(platform)[int(index) if index else 0]

    # -- operations ------------------------------------------------------------------------
    def _record(self, function: Callable[..., Array], *operands: Any) -> JaxTensor:
        """Apply a JAX function to tensors and constants, recording it over the tensors."""
        positions = [i for i, operand in enumerate(operands) if isinstance(operand, JaxTensor)]
        inputs = tuple(operands[i] for i in positions)

        def rule(*values: Array) -> Array:
            arguments = list(operands)
            for position, value in zip(positions, values):
                arguments[position] = value
            return function(*arguments)

        return JaxTensor(rule(*(tensor.value for tensor in inputs)), rule, inputs)

    def apply(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """An operation, recorded over its tensor operands, wherever they are among its
        arguments: positional or keyword, or inside lists and tuples (``jnp.concatenate``'s
        arrays, an index tuple).  A function returning several arrays (a tuple or list, as
        ``jnp.linalg.slogdet``, ``jnp.split``) gives a tuple or list of recorded arrays."""
        return record_call(function, args, kwargs, JaxTensor, lambda tensor: tensor, JaxTensor)

    def reshape(self, tensor: Any, shape: Sequence[int]) -> Any:
        target = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else tuple(shape)
        return self._record(lambda value: jnp.reshape(value, target), tensor)

    def getitem(self, obj: Any, index: Any) -> Any:
        index = self._plain_index(index)
        return self._record(lambda value: value[index], obj)

    def setitem(self, obj: Any, index: Any, value: Any) -> None:
        """JAX's own refusal shows: its arrays are immutable (``x.at[i].set(v)`` makes a new one)."""
        obj.value[self._plain_index(index)] = value.value if isinstance(value, JaxTensor) else value

    def _plain_index(self, index: Any) -> Any:
        if isinstance(index, tuple):
            return tuple(self._plain_index(part) for part in index)
        return index.value if isinstance(index, JaxTensor) else index

    def clone(self, tensor: Any) -> Any:
        return self._record(jnp.copy, tensor)

    def view(self, name: str, tensor: Any, *args: Any) -> Any:
        """JAX has no views: these are the JAX functions of the same meaning, returning new
        (immutable) arrays."""
        functions: dict[str, Callable[..., Array]] = {
            "view": lambda value: jnp.reshape(
                value, tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            ),
            "transpose": lambda value: jnp.swapaxes(value, *args),
            "expand": lambda value: jnp.broadcast_to(value, self._expanded(value.shape, args)),
            "unsqueeze": lambda value: jnp.expand_dims(value, *args),
            "t": lambda value: value.T,
            "conj": jnp.conj,
            "real": jnp.real,
            "imag": jnp.imag,
        }
        if name not in functions:
            raise AdapterError(f"unknown view operation {name!r}")
        return self._record(functions[name], tensor)

    @staticmethod
    def _expanded(shape: tuple[int, ...], sizes: tuple[Any, ...]) -> tuple[int, ...]:
        sizes = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else tuple(sizes)
        offset = len(sizes) - len(shape)
        return tuple(shape[i - offset] if size == -1 else size for i, size in enumerate(sizes))

    def resolve(self, name: str, tensor: Any) -> Any:
        if name == "contiguous":
            return super().resolve(name, tensor)
        raise AdapterError(f"JAX has no lazy conjugate/negative bits: there is no {name}()")

    # -- autograd --------------------------------------------------------------------------
    def autograd_grad(
        self,
        outputs: Any,
        inputs: Any,
        *,
        grad_outputs: Any,
        retain_graph: bool | None,
        create_graph: bool,
        allow_unused: bool | None,
        materialize_grads: bool,
    ) -> tuple[Any, ...]:
        cotangents = None
        if grad_outputs is not None:
            cotangents = [
                self._as_recorded(g) for g in (grad_outputs if isinstance(grad_outputs, (list, tuple)) else [grad_outputs])
            ]
        return tuple(self._gradients(self._tensors(outputs), self._tensors(inputs), cotangents))

    def _gradients(self, outputs: list[JaxTensor], wrt: list[JaxTensor], cotangents: list[JaxTensor] | None) -> list[JaxTensor]:
        bundle = Gradient(outputs, wrt, cotangents, _jax_gradients)
        grads = bundle.evaluate({}, {})
        return [JaxTensor(value, GradientOutput(bundle, index)) for index, value in enumerate(grads)]

    def jvp(self, function: Callable[..., list[Any]], primals: list[Any], tangents: list[Any]) -> list[Any]:
        """``jax.jvp`` of the recorded computation of ``function(*primals)``'s outputs, replayed
        as a function of the primals' values (as :meth:`autograd_grad` hands ``jax.vjp`` one)."""
        wrt = [self._as_recorded(primal) for primal in primals]
        outputs = self._tensors(function(*wrt))

        def replay(*values: Array) -> list[Array]:
            env: dict[Node, Array] = dict(zip(wrt, values))
            memo: dict[Any, Any] = {}
            return [evaluate(output, env, memo)[0] for output in outputs]

        _, pushed = jax.jvp(replay, tuple(primal.value for primal in wrt), tuple(self._as_recorded(t).value for t in tangents))
        return [JaxTensor(value) for value in pushed]

    @staticmethod
    def _tensors(value: Any) -> list[JaxTensor]:
        return list(value) if isinstance(value, (list, tuple)) else [value]

    @staticmethod
    def _as_recorded(value: Any) -> JaxTensor:
        return value if isinstance(value, JaxTensor) else JaxTensor(jnp.asarray(value))

    def detach(self, tensor: Any) -> Any:
        """``jax.lax.stop_gradient``: a new array through which no gradient flows (not an alias)."""
        return self._record(jax.lax.stop_gradient, tensor)

    # -- conversion ------------------------------------------------------------------------
    def to(self, obj: Any, target: DType | str) -> Any:
        if not isinstance(obj, JaxTensor):
            raise AdapterError(f"{type(obj).__name__} is not a JAX array")
        if isinstance(target, DType):
            function: Callable[[Array], Array] = lambda value: value.astype(target.numpy)  # noqa: E731
        else:
            device = self._device(target)
            function = lambda value: jax.device_put(value, device)  # noqa: E731
        result = function(obj.value)
        if result is obj.value:
            return obj  # JAX returned the very same array
        return JaxTensor(result, lambda value: function(value), (obj,))

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        return np.asarray(tensor.value)

    def as_tensor(self, value: Any, *, device: str) -> Any:
        if isinstance(value, JaxTensor):
            return value
        return JaxTensor(jax.device_put(jnp.asarray(value), self._device(device)))

    def item(self, tensor: Any) -> Any:
        return tensor.value.item()

    def tolist(self, tensor: Any) -> Any:
        return tensor.value.tolist()

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        raise AdapterError(f"{type(obj).__name__} is not callable in specs: JAX has no modules or grad-mode objects")

    # -- errors ----------------------------------------------------------------------------
    def error_kind(self, error: BaseException) -> str | None:
        kind = kind_by_message(error, _ERROR_PATTERNS)
        if kind is not None:
            return kind
        mismatch = message_match(error, *_VJP_TYPE)
        if mismatch and mismatch.group(1) != mismatch.group(2):
            return "grad_shape_mismatch"
        return None


class JaxX64Adapter(JaxAdapter):
    """JAX with 64-bit types enabled (``jax_enable_x64``, off by default): a named configuration,
    so that specs drawing float64 and int64 test those dtypes.  Reports name it."""

    name = "jax-x64"
    configuration = "jax_enable_x64"
    settings = {"jax_enable_x64": True}

"""tinygrad (0.14) on its CPU device, as a gradspec backend.

How tinygrad's concepts map onto the protocol (what it has no analogue of is in ``lacks``):

* The device.  tinygrad names its CPU device ``CPU`` (no ``CLANG`` or ``LLVM`` device any more:
  those are renderers of ``CPU``, chosen with ``DEV=CPU:LLVM``; the default, ``CPU:CLANG``,
  compiles kernels with the ``clang`` binary, or ``$CC``).  No environment variable is needed
  and ``Device.DEFAULT`` is never changed: every creation call passes the device under test,
  ``device="cpu"``, which tinygrad canonicalizes to ``CPU``.  ``Tensor.device`` then reads
  ``"CPU"``, and ``None`` for a 0-d tensor made from a scalar: tinygrad keeps scalars as
  device-less constants whatever ``device=`` says.
* There is no requires_grad flag (removed in 0.14, tinygrad PR #16241/#16325): ``backward()``
  fills ``.grad`` of every floating tensor that is still referenced, has a device and is in the
  graph, leaves and intermediates alike.  So ``variable()`` is a plain ``Tensor(array,
  device=...)`` and ``tensor(..., requires_grad=<given>)`` raises :class:`AdapterError`.
* ``backward(gradient)`` is ``Tensor.backward(gradient)``; ``.grad`` is a plain slot, read and
  assigned as is (tinygrad checks nothing on assignment).  ``autograd_grad`` is
  ``output.gradient(*inputs, gradient=grad_output)``, zeros for an input the output does not
  use; of several outputs, the sum over the outputs of each one's ``gradient()``.  The graph is the lazy one tinygrad always keeps, so there is nothing
  to retain; backward()/gradient() take none of ``retain_graph``, ``create_graph``,
  ``inputs``, ``allow_unused`` or ``materialize_grads``.
* In-place operations are tinygrad's own: augmented assignment (``+= -= *= /=``, which
  ``assign`` the result) for ``add_``/``sub_``/``mul_``/``div_``, and ``Tensor.assign`` for
  ``zero_`` (``assign(0)``), ``fill_``, ``copy_`` and each unary operation's ``<name>_``
  (``t.assign(op(t))``).  Both are lazy, like everything in tinygrad, until read.
* Views are tinygrad's movement operations: ``view`` (its alias of ``reshape``),
  ``transpose``, ``expand``, ``unsqueeze`` and ``.T`` for ``t()``.
* ``.to(device)`` is ``Tensor.to``, ``.to(dtype)`` is ``Tensor.cast``, ``numpy()``,
  ``item()``, ``tolist()`` and ``detach()`` are the tensor's own; ``numpy()`` has no ``force``
  argument, so ``numpy(force=True)`` passes it and tinygrad refuses it.
* The optimizer is ``nn.optim.SGD`` (``step()``, ``zero_grad()``); tinygrad's global
  ``TRAINING`` context variable (off by default, never set here) is its training mode.
* bfloat16 tensors are ``dtypes.bfloat16`` tensors made from the float32 values (tinygrad rounds
  them to nearest even); ``numpy()`` reads them out in float32 (NumPy has no bfloat16).
* The operator table is mapped onto tinygrad's own ``Tensor`` methods in :mod:`tinygrad_operators`;
  operators tinygrad has no function for are left out.  tinygrad has no forward-mode AD.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence
from importlib.metadata import version
from typing import Any

import numpy as np

from gradspec.adapters.base import PYTHON_OPERATORS, AdapterBase
from gradspec.adapters.messages import compile_patterns, kind_by_message
from gradspec.adapters.tinygrad_operators import OPERATORS
from gradspec.capabilities import lacking
from gradspec.errors import AdapterError
from gradspec.language.operations import INPLACE_FORMS
from gradspec.values import DTYPES, OMITTED, DType

#: tinygrad's messages per canonical kind, from their start, with the exception types raising them.
_ERROR_PATTERNS = compile_patterns(
    (
        ("item_not_single", AssertionError, r"must have one element for item"),
        ("backward_non_scalar", AssertionError, r"when no gradient is provided, backward must be called on a scalar tensor"),
        ("grad_shape_mismatch", AssertionError, r"grad shape must match tensor shape"),
        ("requires_grad_dtype", RuntimeError, r"only float Tensors have gradient"),
        ("device_mismatch", RuntimeError, r"all buffers must be on the same device|assign device mismatch"),
        ("device_unavailable", AttributeError, r"failed to load library \w+"),
        ("broadcast_mismatch", IndexError, r"shape mismatch: objects cannot be broadcast to a single shape"),
        # Tensor.assign() refuses a result of any other dtype than the tensor's.
        ("inplace_result_type", RuntimeError, r"assign dtype mismatch dtypes\.\w+ != dtypes\.\w+"),
        # An in-place method assigns its result, broadcast back to the tensor's shape.
        (
            "inplace_broadcast_shape",
            ValueError,
            r"cannot broadcast (tensor to fewer dimensions\. shape=)?\([\d, ]*\) to new_shape=",
        ),
    )
)
#: tinygrad's context variables (``tinygrad.helpers``) that change results, in global_state().
_SETTINGS = ("TRAINING", "DEFAULT_FLOAT", "DEFAULT_INT")
_AUGMENTED: dict[str, Callable[[Any, Any], Any]] = {
    "add_": operator.iadd,
    "sub_": operator.isub,
    "mul_": operator.imul,
    "div_": operator.itruediv,
}
_NO_REQUIRES_GRAD = (
    "no such API: tinygrad 0.14 removed requires_grad (PR #16241/#16325): backward() fills .grad of every "
    "floating tensor of the graph, and Tensor.is_param only tells optimizers which tensors to update"
)
_NO_GRAD_MODES = (
    "no such API: tinygrad has no grad modes (Tensor.no_grad was removed in PR #10556): "
    "gradients are computed from the lazy graph on demand; detach() stops them"
)
_NO_HOOKS = "no such API: tinygrad tensors have no gradient hooks"
_NO_MODULES = (
    "no such API: tinygrad has no module base class: nn.Linear is a plain class with weight and bias, "
    "with no parameters() (nn.state.get_parameters(obj) collects them), zero_grad(), to() or sequential "
    "container (Tensor.sequential applies a list of callables)"
)


_NO_CUSTOM_FUNCTION = "no such API: tinygrad has no public way to define an operation's gradient"
_NO_GRADCHECK = "no such API: tinygrad has no numerical gradient checking"
_NO_SAVED_TENSORS_HOOKS = "no such API: tinygrad has no hooks for saved tensors"
_NO_CHECKPOINTING = "no such API: tinygrad has no activation checkpointing"
_NO_FUNCTIONAL_API = (
    "no such API: tinygrad has backward() and Tensor.gradient(), no jacobian/hessian/vjp/jvp functions of a function"
)
_NO_GRAPH_NODES = "no such API: tinygrad differentiates its lazy graph without node objects, names or hooks"
_NO_SHARES_STORAGE = "no such API: tinygrad's lazy tensors expose no storage identity"


class TinygradAdapter(AdapterBase):
    """tinygrad: lazy tensors, gradients of the lazy graph, on the ``CPU`` device."""

    name = "tinygrad"
    library = "tinygrad"
    device_kinds = ("cpu",)
    capabilities = frozenset(
        {
            "backward",
            "grad_assign",
            "detach",
            "inplace",
            "views",
            "python_warnings",
            "device_moves",
            "to_numpy",
            "item",
            "tolist",
            "integer_dtypes",
            "float16",
            "error_kinds",
            "autograd_grad",
            "optimizers",
            "dtype_conversion",
            "bfloat16",
        }
    )
    lacks = {
        "view_ops": "not mapped by this adapter yet: Tensor.permute, shrink, squeeze, diagonal, unfold, split, chunk and "
        "unbind are the analogues",
        "random_factories": "not mapped by this adapter yet: Tensor.randn and Tensor.rand are the analogues",
        "manual_seed": "not mapped by this adapter yet: Tensor.manual_seed is the analogue",
        "empty_factory": "not mapped by this adapter yet: Tensor.empty is the analogue",
        "full_factory": "not mapped by this adapter yet: Tensor.full is the analogue",
        "range_factories": "not mapped by this adapter yet: Tensor.arange and Tensor.linspace are the analogues",
        "eye_factory": "not mapped by this adapter yet: Tensor.eye is the analogue",
        "like_factories": "not mapped by this adapter yet: Tensor.randn_like, Tensor.rand_like, Tensor.empty_like and Tensor.full_like are the analogues",
        "new_factories": "no such API: tinygrad's Tensor has no new_* methods",
        "requires_grad": _NO_REQUIRES_GRAD,
        "requires_grad_setter": _NO_REQUIRES_GRAD,
        "requires_grad_method": _NO_REQUIRES_GRAD,
        "is_leaf": "no such API: tinygrad tensors have no is_leaf (a tensor holds a lazy UOp graph, not an autograd node)",
        "grad_fn": "no such API: tinygrad tensors have no grad_fn (Tensor.uop is the lazy computation, not an autograd node)",
        "data_alias": "no such API: tinygrad's Tensor.data() is a method returning a memoryview of the realized buffer, not a tensor alias",
        "detach_": "no such API: tinygrad has detach() only, no detach_()",
        "version_counter": "no such API: tinygrad tensors have no version counter",
        "increment_version": "no such API: tinygrad tensors have no version counter",
        "out_argument": "no such API: tinygrad operations return new tensors and take no out= argument (Tensor.assign replaces a tensor's values)",
        "resize_": "no such API: tinygrad tensors have no resize_() (their shape is fixed)",
        "multithreading_switch": "no such API: tinygrad has no switch for multithreaded backward",
        "adaptive_optimizers": "not mapped by this adapter yet: tinygrad.nn.optim.Adam and AdamW are the analogues "
        "(tinygrad has no RMSprop)",
        "add_param_group": "no such API: tinygrad optimizers are built over a fixed list of tensors and have no parameter "
        "groups (OptimizerGroup combines whole optimizers)",
        "grad_modes": _NO_GRAD_MODES,
        "enable_grad": _NO_GRAD_MODES,
        "set_grad_enabled": _NO_GRAD_MODES,
        "grad_mode_decorators": _NO_GRAD_MODES,
        "inference_mode": "no such API: tinygrad has no inference mode or inference tensors (0.14 has no Tensor.inference_mode)",
        "modules": _NO_MODULES,
        "parameters": "no such API: tinygrad has no Parameter type: every Tensor carries an is_param flag (True by default) "
        "that tells optimizers parameters from buffers",
        "parameter_constructor": "no such API: tinygrad has no Parameter constructor (Tensor.is_param_() sets the flag in place)",
        "train_eval": "no such API: tinygrad modules have no train()/eval() or .training: dropout, batch norm and optimizers "
        "follow the global TRAINING context variable (Context(TRAINING=1))",
        "from_numpy": "no such API: tinygrad has no from_numpy(): Tensor(ndarray) reads the array when the tensor is "
        "realized, and Tensor.from_blob(ptr, shape) wraps a raw pointer",
        "as_tensor": "no such API: tinygrad has no as_tensor(): Tensor(data) is its one constructor",
        "create_graph": "no such API: tinygrad's Tensor.gradient() has no create_graph argument "
        "(the gradients it returns are lazy tensors of the graph)",
        "backward_create_graph": "no such API: tinygrad's backward() has no create_graph argument",
        "retain_graph": "no such API: tinygrad's backward() and gradient() have no retain_graph argument (the lazy graph is never freed)",
        "allow_unused": "no such API: tinygrad's Tensor.gradient() has no allow_unused argument (an unused input gets zeros)",
        "materialize_grads": "no such API: tinygrad's Tensor.gradient() has no materialize_grads argument (an unused input gets zeros)",
        "autograd_grad_is_grads_batched": "no such API: tinygrad's Tensor.gradient() takes one gradient, with no batch dimension",
        "gradient_edges": "no such API: tinygrad's Tensor.gradient() takes tensors only, with no graph edges to name",
        "allow_mutation_on_saved_tensors": "no such API: tinygrad has no context allowing in-place changes of tensors saved for backward",
        "norm": "no such API: tinygrad's Tensor has no norm()",
        "backward_inputs": "no such API: tinygrad's backward() has no inputs argument (Tensor.gradient(*targets) takes the inputs)",
        "grad_inputs_dict": "no such API: Tensor.gradient(*targets) takes tensors, not a dict, and backward() has no inputs argument",
        "retain_grad": "no such API: tinygrad has no retain_grad(): backward() gives .grad to every floating tensor of the graph",
        "retains_grad": "no such API: tinygrad tensors have no retains_grad",
        "hooks": _NO_HOOKS,
        "multi_grad_hooks": _NO_HOOKS,
        **lacking("module_hooks", _NO_MODULES),
        "variable_class": "no such API: tinygrad has no Variable wrapper (Tensor is its one differentiable type)",
        "nn_init": "no such API: tinygrad makes initialised tensors (Tensor.uniform, Tensor.normal...); none fills one in place",
        "post_accumulate_hooks": _NO_HOOKS,
        "strides": "no such API: tinygrad tensors have contiguous() but no stride() or is_contiguous()",
        "complex": "no such API: tinygrad has no complex dtypes",
        "conj_resolution": "no such API: tinygrad has no complex dtypes, hence no lazy conjugate or negative bits",
        "conj_bit": "no such API: tinygrad has no complex dtypes, hence no lazy conjugate bit or is_conj()",
        "forward_ad": "no such API: tinygrad has reverse-mode AD only (backward(), Tensor.gradient()), no forward-mode/JVP function",
        "anomaly_detection": "no such API: tinygrad has no anomaly detection",
        "autograd_backward": "no such API: tinygrad's backward() is a method of one tensor",
        **lacking("checkpointing", _NO_CHECKPOINTING),
        **lacking("custom_function", _NO_CUSTOM_FUNCTION),
        **lacking("gradcheck", _NO_GRADCHECK),
        **lacking("saved_tensors_hooks", _NO_SAVED_TENSORS_HOOKS),
        **lacking("module_state", _NO_MODULES),
        "dual_numbers": "no such API: tinygrad has reverse-mode AD only (backward(), Tensor.gradient()), no dual tensors",
        **lacking("functional_api", _NO_FUNCTIONAL_API),
        "functional_vectorize": _NO_FUNCTIONAL_API,
        "grad_dtype": "no such API: tinygrad's Tensor has no grad_dtype",
        "complex_from_parts": "no such API: tinygrad has no complex dtypes",
        **lacking("graph_nodes", _NO_GRAPH_NODES),
        "shares_storage": _NO_SHARES_STORAGE,
        "to_device_dtype": "no such API: Tensor.to(device) and Tensor.cast(dtype) are separate calls",
        "to_other": "no such API: tinygrad's Tensor.to() takes a device string, not another tensor",
        "to_copy": "no such API: tinygrad's Tensor.to() and Tensor.cast() take no copy= (Tensor.clone() is a separate call)",
        "device_objects": "no such API: tinygrad names devices by strings ('CPU', 'CUDA:1', canonicalized by Device.canonicalize); it has no device object with a type and an index",
    }
    module = "tinygrad"
    operations = {
        **PYTHON_OPERATORS,
        "neg": "Tensor.neg",
        "exp": "Tensor.exp",
        "sin": "Tensor.sin",
        "cos": "Tensor.cos",
        "tanh": "Tensor.tanh",
        "sigmoid": "Tensor.sigmoid",
        "relu": "Tensor.relu",
        "abs": "Tensor.abs",
        "square": "Tensor.square",
        "sum": "Tensor.sum",
        "mean": "Tensor.mean",
    }
    dim_keyword = "axis"
    #: The operator table on tinygrad's own functions (``adapters/tinygrad_operators.py``).
    operator_functions = OPERATORS

    def __init__(self) -> None:
        import tinygrad
        import tinygrad.helpers
        import tinygrad.nn.optim
        from tinygrad.dtype import DType as TinygradDType

        self.tg = tinygrad
        self.Tensor = tinygrad.Tensor
        self.optim = tinygrad.nn.optim
        #: The context variables that change results: the training mode (dropout, batch norm,
        #: optimizers) and the default float and int dtypes.
        self._settings = tuple(getattr(tinygrad.helpers, name) for name in _SETTINGS)
        self._dev = tinygrad.helpers.DEV
        dtypes = tinygrad.dtypes
        self._dtypes: dict[str, Any] = {
            name: getattr(dtypes, name) for name in DTYPES if isinstance(getattr(dtypes, name, None), TinygradDType)
        }
        self._dtypes["bfloat16"] = dtypes.bfloat16
        self._names = {dtype: name for name, dtype in self._dtypes.items()}
        #: tinygrad's weak dtypes (results of an operation with a Python number) -> the dtype they hold.
        self._held = {dtypes.weakfloat: dtypes.default_float, dtypes.weakint: dtypes.default_int}
        #: tinygrad's settings as it started (from its environment variables), restored by reset().
        self._initial = tuple(setting.value for setting in self._settings)
        self._initial_dev = list(self._dev.value)

    # -- the library and its environment --------------------------------------------------
    def library_version(self) -> str:
        return version("tinygrad")

    def seed(self, seed: int) -> None:
        self.Tensor.manual_seed(seed)

    def reset(self) -> None:
        """tinygrad's settings as it started: the context variables of :meth:`global_state`
        (it has no grad mode)."""
        for setting, value in zip(self._settings, self._initial):
            if setting.value != value:
                setting.value = value
        if self._dev.value != self._initial_dev:
            self._dev.value = list(self._initial_dev)

    def global_state(self) -> dict[str, Any]:
        """tinygrad's context variables that change what a call does, by name, and ``DEV``, the
        device (and renderer) target; the default device is never read (that opens devices)."""
        state: dict[str, Any] = {setting.key: setting.value for setting in self._settings}
        state["DEV"] = repr(self._dev)
        return state

    # -- tensors ---------------------------------------------------------------------------
    def is_tensor(self, value: Any) -> bool:
        return isinstance(value, self.Tensor)

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        if requires_grad is not OMITTED:
            self.missing("requires_grad", "requires_grad= argument of Tensor()")
        return self.Tensor(array, device=device)

    def variable(self, array: np.ndarray, *, device: str) -> Any:
        """A plain tensor: backward() gives .grad to every floating tensor of the graph."""
        return self.Tensor(array, device=device)

    def copy_construct(self, tensor: Any, *, requires_grad: Any, device: str) -> Any:
        """``Tensor(t)``: tinygrad's constructor, given a tensor (which it refuses)."""
        if requires_grad is not OMITTED:
            self.missing("requires_grad", "requires_grad= argument of Tensor()")
        return self.Tensor(tensor, device=device)

    def create(self, factory: str, shape: tuple[int, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        if requires_grad is not OMITTED:
            self.missing("requires_grad", f"requires_grad= argument of Tensor.{factory}()")
        function = {"zeros": self.Tensor.zeros, "ones": self.Tensor.ones}[factory]
        return function(shape, dtype=self._dtype(dtype), device=device)

    def create_like(self, factory: str, other: Any) -> Any:
        return {"zeros": self.Tensor.zeros_like, "ones": self.Tensor.ones_like}[factory](other)

    def values(self, tensor: Any) -> np.ndarray:
        """The tensor's values (a bfloat16 tensor's in float32, exactly: tinygrad's ``numpy()`` widens them)."""
        return np.array(tensor.numpy(), copy=True)

    def operand(self, array: np.ndarray, dtype: str, *, differentiable: bool, device: str) -> Any:
        """A bfloat16 tensor is ``Tensor(float32 values, dtype=dtypes.bfloat16)``; other dtypes as
        :class:`AdapterBase` makes them."""
        if dtype == "bfloat16":
            return self.Tensor(np.asarray(array, dtype=np.float32), device=device, dtype=self._dtypes["bfloat16"])
        return super().operand(array, dtype, differentiable=differentiable, device=device)

    def shape(self, tensor: Any) -> tuple[int, ...]:
        return tuple(tensor.shape)

    def dtype(self, tensor: Any) -> DType:
        """The dtype a tensor holds its values in.  A result of an operation with a Python number is
        weakly typed in tinygrad (``dtypes.weakfloat``, ``dtypes.weakint``): it holds, and gives to
        NumPy, the default dtype of its kind."""
        name = self._names.get(self._held.get(tensor.dtype, tensor.dtype))
        if name is None:
            raise AdapterError(f"tinygrad dtype {tensor.dtype} is not a dtype of the spec language")
        return DTYPES.get(name) or DType(name)  # bfloat16 is no dtype of NumPy's, hence not in DTYPES

    def device(self, tensor: Any) -> Any:
        """``Tensor.device`` as tinygrad reports it: ``"CPU"``, or ``None`` for a device-less constant."""
        return tensor.device

    def numel(self, tensor: Any) -> int:
        return int(tensor.numel())

    def _dtype(self, dtype: DType) -> Any:
        if dtype.name not in self._dtypes:
            self.missing("complex", f"dtype {dtype.name}")
        return self._dtypes[dtype.name]

    # -- operations ------------------------------------------------------------------------
    def reshape(self, tensor: Any, shape: Sequence[int]) -> Any:
        return tensor.reshape(*shape)

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        """Augmented assignment for ``add_``/``sub_``/``mul_``/``div_``, ``Tensor.assign`` otherwise."""
        if name in _AUGMENTED and len(args) == 1:
            return _AUGMENTED[name](tensor, args[0])
        if name == "zero_" and not args:
            return tensor.assign(0)
        if name in ("fill_", "copy_") and len(args) == 1:
            return tensor.assign(args[0])
        if name in INPLACE_FORMS and not args:
            return tensor.assign(self.operation(name[:-1])(tensor))
        raise AdapterError(f"unknown in-place operation {name!r} with {len(args)} argument(s)")

    def clone(self, tensor: Any) -> Any:
        return tensor.clone()

    def view(self, name: str, tensor: Any, *args: Any) -> Any:
        if name in ("view", "transpose", "expand", "unsqueeze"):
            return getattr(tensor, name)(*args)
        if name == "t" and not args:
            return tensor.T
        return super().view(name, tensor, *args)

    # -- autograd --------------------------------------------------------------------------
    def grad(self, tensor: Any) -> Any:
        return tensor.grad

    def set_grad(self, tensor: Any, value: Any) -> None:
        tensor.grad = value

    def backward(
        self, tensor: Any, *, gradient: Any, retain_graph: bool | None, inputs: Any = None, create_graph: bool = False
    ) -> None:
        if retain_graph is not None:
            self.missing("retain_graph", "retain_graph= of backward()")
        if inputs is not None:
            self.missing("backward_inputs", "inputs= of backward()")
        if create_graph:
            self.missing("backward_create_graph", "create_graph= of backward()")
        if gradient is None:
            tensor.backward()
        else:
            tensor.backward(gradient)

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
        """``output.gradient(*inputs, gradient=grad_output)``.  Of several outputs (an operator
        returning a tuple: ``split``, ``var_mean``...), each output's ``Tensor.gradient`` is taken
        and they are added per input: the vector-Jacobian product of the tuple, as
        ``torch.autograd.grad`` defines it for a sequence of outputs."""
        if retain_graph is not None:
            self.missing("retain_graph", "retain_graph= of Tensor.gradient()")
        if create_graph:
            self.missing("create_graph", "create_graph= of Tensor.gradient()")
        if allow_unused is not None:
            self.missing("allow_unused", "allow_unused= of Tensor.gradient()")
        if materialize_grads:
            self.missing("materialize_grads", "materialize_grads= of Tensor.gradient()")
        outs = _listed(outputs)
        gradients = [None] * len(outs) if grad_outputs is None else _listed(grad_outputs)
        if len(gradients) != len(outs):
            raise AdapterError(f"{len(gradients)} grad_outputs for {len(outs)} outputs")
        targets = _listed(inputs)
        each = [output.gradient(*targets, gradient=gradient) for output, gradient in zip(outs, gradients)]
        return tuple(functools.reduce(operator.add, per_input) for per_input in zip(*each))

    def detach(self, tensor: Any) -> Any:
        return tensor.detach()

    # -- conversion ------------------------------------------------------------------------
    def to(self, obj: Any, target: DType | str) -> Any:
        if isinstance(target, DType):
            return obj.cast(self._dtype(target))
        return obj.to(target)

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        return tensor.numpy(force=True) if force else tensor.numpy()

    def item(self, tensor: Any) -> Any:
        return tensor.item()

    def tolist(self, tensor: Any) -> Any:
        return tensor.tolist()

    # -- optimizers ------------------------------------------------------------------------
    def zero_grad(self, obj: Any, *, set_to_none: Any = OMITTED) -> None:
        """``Optimizer.zero_grad()`` (it takes no ``set_to_none``: passed, tinygrad refuses it)."""
        if not isinstance(obj, self.optim.Optimizer):
            self.missing("modules", "zero_grad() of a module")
        optimizer: Any = obj
        if set_to_none is OMITTED:
            optimizer.zero_grad()
        else:
            optimizer.zero_grad(set_to_none=set_to_none)

    def sgd(self, params: list[Any], *, lr: float, momentum: float, weight_decay: float = 0.0) -> Any:
        return self.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)

    def step(self, optimizer: Any) -> None:
        optimizer.step()

    # -- errors ----------------------------------------------------------------------------
    def error_kind(self, error: BaseException) -> str | None:
        return kind_by_message(error, _ERROR_PATTERNS)


def _listed(value: Any) -> list[Any]:
    """``value`` as a list: its elements if it is a list or tuple, else ``[value]``."""
    return list(value) if isinstance(value, (list, tuple)) else [value]

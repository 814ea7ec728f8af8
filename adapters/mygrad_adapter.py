"""The MyGrad adapter: NumPy-based autograd (``pip install mygrad``), CPU only.

How MyGrad's concepts map onto the protocol (what it has no analogue of is in ``lacks``):

* ``requires_grad`` is ``not tensor.constant``.  MyGrad fixes ``constant`` when a tensor is
  created (``mygrad.tensor(data, constant=...)``); its default is ``False`` for floating dtypes
  and ``True`` for integer and bool dtypes, which must be constant.  There is no setter and no
  ``requires_grad_()`` (see ``lacks``).
* ``grad_fn`` is ``tensor.creator`` (the operation that produced it) and ``is_leaf`` is
  ``creator is None``.  MyGrad records a creator for results of constant inputs too, and
  ``backward()`` clears the graph, after which every tensor in it has no creator.
* ``backward(gradient)`` is ``tensor.backward(grad)``; gradients land in ``.grad``, a NumPy
  array (not a tensor).  ``.grad`` is read-only (``null_grad()`` clears it): there is no
  assignment to it.
* ``no_grad`` is ``mygrad.no_autodiff``, a single object that is a context manager and a
  decorator.  The called form ``no_grad()`` is ``mygrad.no_autodiff()``, as a user writing
  PyTorch's form would call it (MyGrad raises: the object takes the function to decorate); the
  bare ``@no_grad`` is ``mygrad.no_autodiff(function)``.
* ``detach()`` is ``mygrad.astensor(tensor, constant=True)``: a constant tensor on the same
  array, created only when ``tensor`` is not already constant (MyGrad's documented behaviour).
* In-place operations are MyGrad's own: augmented assignment (``+= -= *= /=``), item
  assignment (``t[...] = value`` for ``zero_``/``fill_``/``copy_``) and the ``out=`` argument of
  its ufuncs (``mygrad.exp(t, out=t)``); ``sigmoid``/``relu`` (in ``mygrad.nnet``) have no
  ``out=``, so their in-place forms are ``t[...] = op(t)``.
* Views are MyGrad's NumPy-style views: slices, ``reshape`` (``view``), ``swapaxes``
  (``transpose``), ``broadcast_to`` (``expand``), ``expand_dims`` (``unsqueeze``) and ``.T``.
* ``numpy()`` is ``mygrad.asarray(tensor)`` (the tensor's own array, no copy); ``from_numpy``
  and ``as_tensor`` are ``mygrad.astensor(array)``; ``.to(dtype)`` is
  ``tensor.astype(dtype, copy=False)``; ``clone()`` is ``tensor.copy()``.
* The operator table is mapped onto MyGrad's own functions in :mod:`mygrad_operators`
  (``mygrad``, ``mygrad.nnet``, ``mygrad.linalg``); operators MyGrad has no function for are left out.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gradspec.adapters.base import PYTHON_OPERATORS, AdapterBase
from gradspec.adapters.messages import ErrorPattern, compile_patterns, kind_by_message
from gradspec.adapters.mygrad_operators import OPERATORS
from gradspec.capabilities import lacking
from gradspec.errors import AdapterError
from gradspec.language.operations import INPLACE_FORMS
from gradspec.values import DTYPES, OMITTED, DType

#: MyGrad's (and, where MyGrad delegates, NumPy's) messages per canonical kind, from their start,
#: with the exception types raising them (``mygrad.errors`` types are looked up on creation).
_ERROR_PATTERNS = (
    ("requires_grad_dtype", ValueError, r"Integer-valued tensors must be treated as constants"),
    ("item_not_single", (ValueError, TypeError), r"can only convert an? (tensor|array) of size 1 to a Python scalar"),
    ("grad_shape_mismatch", ValueError, r"`tensor\.backward\(grad\)` was passed a gradient with an incompatible shape"),
    ("numpy_dtype", TypeError, r"Tensor data must be of an floating type, integer type, or boolean type"),
    ("broadcast_mismatch", ValueError, r"operands could not be broadcast together with shapes"),
    # NumPy's in-place ufuncs cast their result with casting="same_kind".
    (
        "inplace_result_type",
        TypeError,
        r"Cannot cast ufunc '\w+' output from dtype\('\w+'\) to dtype\('\w+'\) with casting rule 'same_kind'",
    ),
    (
        "inplace_broadcast_shape",
        ValueError,
        r"non-broadcastable output operand with shape \([\d, ]*\) doesn't match the broadcast shape",
    ),
)
#: The graph-freed message names the tensor (its repr, any text) between two fixed parts.
_GRAPH_FREED = r"Part of the computational graph containing this tensor, (?s:.*), was 'cleared' prior to backprop"

#: MyGrad's ufunc for each operation whose name differs from the language's (``out=`` goes to these).
_OUT_UFUNCS = {"neg": "negative", "abs": "absolute", "sub": "subtract", "mul": "multiply", "div": "divide"}

_AUGMENTED: dict[str, Callable[[Any, Any], Any]] = {
    "add_": operator.iadd,
    "sub_": operator.isub,
    "mul_": operator.imul,
    "div_": operator.itruediv,
}
_NO_MODULES = "no such API: MyGrad has no modules (mygrad.nnet holds functions only)"


_NO_CUSTOM_FUNCTION = "not mapped by this adapter yet: a subclass of mygrad.operation_base.Operation is the analogue"
_NO_GRADCHECK = "no such API: MyGrad has no numerical gradient checking"
_NO_SAVED_TENSORS_HOOKS = "no such API: MyGrad has no hooks for saved tensors"
_NO_CHECKPOINTING = "no such API: MyGrad has no activation checkpointing"
_NO_FUNCTIONAL_API = "no such API: MyGrad differentiates through backward() only, with no jacobian/hessian/vjp/jvp functions"
_NO_GRAPH_NODES = "no such API: MyGrad has no graph-node objects to name, hook or read (Tensor.creator is its internal operation)"
_NO_SHARES_STORAGE = "not mapped by this adapter yet: numpy.shares_memory of the tensors' arrays is the analogue"


class MyGradAdapter(AdapterBase):
    """MyGrad: autograd on NumPy arrays, tensors with a ``constant`` flag."""

    name = "mygrad"
    library = "mygrad"
    device_kinds = ("cpu",)
    capabilities = frozenset(
        {
            "norm",
            "requires_grad",
            "is_leaf",
            "backward",
            "detach",
            "inplace",
            "grad_modes",
            "grad_mode_decorators",
            "to_numpy",
            "from_numpy",
            "as_tensor",
            "item",
            "integer_dtypes",
            "float16",
            "error_kinds",
            "grad_fn",
            "views",
            "python_warnings",
            "dtype_conversion",
            "out_argument",
        }
    )
    lacks = {
        "view_ops": "not mapped by this adapter yet: NumPy-style views (mygrad.moveaxis, transpose, squeeze, basic indexing) "
        "are the analogues",
        "random_factories": "not mapped by this adapter yet: mygrad.random.randn and mygrad.random.rand are the analogues",
        "manual_seed": "not mapped by this adapter yet: numpy.random.seed (MyGrad draws from NumPy's global generator) is the analogue",
        "empty_factory": "not mapped by this adapter yet: mygrad.empty is the analogue",
        "full_factory": "not mapped by this adapter yet: mygrad.full is the analogue",
        "range_factories": "not mapped by this adapter yet: mygrad.arange and mygrad.linspace are the analogues",
        "eye_factory": "not mapped by this adapter yet: mygrad.eye is the analogue",
        "like_factories": "not mapped by this adapter yet: mygrad.empty_like and mygrad.full_like are the analogues (MyGrad has no randn_like/rand_like)",
        "new_factories": "no such API: MyGrad's Tensor has no new_* methods",
        "requires_grad_setter": "no such API: MyGrad's Tensor.constant is fixed at creation and has no setter",
        "requires_grad_method": "no such API: MyGrad's Tensor.constant is fixed at creation: there is no requires_grad_()",
        "grad_assign": "no such API: MyGrad's Tensor.grad is read-only: only backward() sets it (null_grad() clears it)",
        "detach_": "no such API: MyGrad cannot make a tensor constant in place (no detach_())",
        "retains_grad": "no such API: MyGrad has no retain_grad() and no .retains_grad",
        "allow_unused": "no such API: MyGrad has no autograd.grad() function",
        "materialize_grads": "no such API: MyGrad has no autograd.grad() function",
        "autograd_grad_is_grads_batched": "no such API: MyGrad has no autograd.grad() function",
        "gradient_edges": "no such API: MyGrad's graph has no gradient edges a function could take as inputs",
        "allow_mutation_on_saved_tensors": "no such API: MyGrad has no context allowing in-place changes of tensors saved for backward",
        "conj_resolution": "no such API: MyGrad has no complex dtypes or lazy conjugate/negative bits",
        "conj_bit": "no such API: MyGrad has no complex dtypes or lazy conjugate bit, hence no is_conj()",
        "data_alias": "no such API: MyGrad's .data is the tensor's NumPy array itself, not a tensor alias to read or assign",
        "version_counter": "no such API: MyGrad has no version counter (in-place operations rewrite the graph instead)",
        "increment_version": "no such API: MyGrad has no version counter",
        "resize_": "no such API: MyGrad's Tensor has no resize_() (numpy.ndarray.resize of its .data is NumPy's, outside the graph)",
        "multithreading_switch": "no such API: MyGrad has no switch for multithreaded backward (its backward is plain Python run by the caller)",
        "enable_grad": "no such API: MyGrad's only grad mode is mygrad.no_autodiff",
        "set_grad_enabled": "no such API: MyGrad's only grad mode is mygrad.no_autodiff",
        "inference_mode": "no such API: MyGrad has no inference mode or inference tensors",
        "modules": _NO_MODULES,
        "parameters": "no such API: MyGrad has no Parameter type",
        "parameter_constructor": "no such API: MyGrad has no Parameter type",
        "optimizers": "no such API: MyGrad has no optimizers",
        "adaptive_optimizers": "no such API: MyGrad has no optimizers",
        "add_param_group": "no such API: MyGrad has no optimizers",
        "train_eval": "no such API: MyGrad has no modules (mygrad.nnet.batchnorm is a function without running stats)",
        "device_moves": "no such API: MyGrad runs on NumPy, on the CPU only",
        "tolist": "no such API: MyGrad tensors have no tolist()",
        "autograd_grad": "no such API: gradients come only from backward() into .grad",
        "create_graph": "no such API: MyGrad has no higher-order gradients",
        "backward_create_graph": "no such API: MyGrad has no higher-order gradients",
        "retain_graph": "no such API: MyGrad's backward() always clears the graph",
        "backward_inputs": "no such API: MyGrad's backward() has no inputs argument",
        "grad_inputs_dict": "no such API: MyGrad has no autograd.grad, and its backward() has no inputs argument",
        "retain_grad": "no such API: MyGrad's backward() gives every non-constant tensor of the graph a .grad",
        "hooks": "no such API: MyGrad has no tensor hooks",
        "multi_grad_hooks": "no such API: MyGrad has no gradient hooks",
        **lacking("module_hooks", _NO_MODULES),
        "variable_class": "no such API: MyGrad has no Variable wrapper (mygrad.Tensor is its one differentiable type)",
        "nn_init": "no such API: mygrad.nnet.initializers (uniform, constant, normal...) make new tensors; none fills one in place",
        "post_accumulate_hooks": "no such API: MyGrad has no tensor hooks",
        "strides": "no such API: MyGrad tensors have no stride(), is_contiguous() or contiguous() (only the NumPy array's byte strides)",
        "complex": "no such API: MyGrad tensors hold floating, integer or boolean data only (no complex dtypes, no lazy conjugation)",
        "forward_ad": "no such API: MyGrad has reverse-mode AD only (backward()), no forward-mode/JVP function",
        "bfloat16": "no such API: MyGrad tensors hold NumPy arrays, and NumPy has no bfloat16 dtype",
        "anomaly_detection": "no such API: MyGrad has no anomaly detection",
        "autograd_backward": "no such API: MyGrad's backward() is a method of one tensor",
        **lacking("checkpointing", _NO_CHECKPOINTING),
        **lacking("custom_function", _NO_CUSTOM_FUNCTION),
        **lacking("gradcheck", _NO_GRADCHECK),
        **lacking("saved_tensors_hooks", _NO_SAVED_TENSORS_HOOKS),
        **lacking("module_state", _NO_MODULES),
        "dual_numbers": "no such API: MyGrad has reverse-mode AD only (backward()), no dual tensors",
        **lacking("functional_api", _NO_FUNCTIONAL_API),
        "functional_vectorize": _NO_FUNCTIONAL_API,
        "grad_dtype": "no such API: a MyGrad tensor has no grad_dtype (no setting of the dtype a .grad must have)",
        "complex_from_parts": "no such API: MyGrad has no complex dtypes",
        **lacking("graph_nodes", _NO_GRAPH_NODES),
        "shares_storage": _NO_SHARES_STORAGE,
        "to_device_dtype": "no such API: MyGrad runs on NumPy, on the CPU only; Tensor.astype(dtype) is its only conversion",
        "to_other": "no such API: MyGrad's Tensor.astype() takes a dtype, not another tensor, and MyGrad has no devices",
        "to_copy": "not mapped by this adapter yet: Tensor.astype(dtype, copy=True) is the analogue for dtypes (MyGrad has no device moves)",
        "device_objects": "no such API: MyGrad has no device objects (it runs on NumPy, on the CPU only)",
    }
    module = "mygrad"
    operations = {
        **PYTHON_OPERATORS,
        "neg": "negative",
        "exp": "exp",
        "sin": "sin",
        "cos": "cos",
        "tanh": "tanh",
        "sigmoid": "nnet.activations.sigmoid",
        "relu": "nnet.activations.relu",
        "abs": "absolute",
        "square": "square",
        "sum": "sum",
        "mean": "mean",
    }
    dim_keyword = "axis"
    #: The operator table on MyGrad's own functions (``adapters/mygrad_operators.py``).
    operator_functions = OPERATORS

    def __init__(self) -> None:
        import mygrad
        import mygrad.errors
        import mygrad.nnet.activations  # sigmoid and relu of the operations table

        self.mg = mygrad
        #: Memory guarding as MyGrad started (on, unless the MYGRAD_MEM_GUARD variable turns it off).
        self._mem_guard = mygrad.mem_guard_active()
        self._error_patterns: tuple[ErrorPattern, ...] = compile_patterns(
            (*_ERROR_PATTERNS, ("graph_freed", mygrad.errors.InvalidBackprop, _GRAPH_FREED))
        )

    # -- the library and its environment --------------------------------------------------
    def library_version(self) -> str:
        return self.mg.__version__

    def seed(self, seed: int) -> None:
        """MyGrad draws random values from NumPy's global generator."""
        np.random.seed(seed % 2**32)

    def reset(self) -> None:
        """Leave any ``no_autodiff``/``mem_guard_off``/``mem_guard_on`` context a failed example left
        open (MyGrad has no public reset, so each context tracker's nesting depth is unwound), then
        memory guarding as MyGrad started."""
        for tracker in (self.mg.no_autodiff, self.mg.mem_guard_off, self.mg.mem_guard_on):
            while tracker._depth > 0:
                tracker.__exit__(None, None, None)
        if self.mg.mem_guard_active() != self._mem_guard:
            (self.mg.turn_memory_guarding_on if self._mem_guard else self.mg.turn_memory_guarding_off)()

    def global_state(self) -> dict[str, Any]:
        """MyGrad's two global switches: graph tracking (off in ``no_autodiff``) and memory
        guarding (the locking of arrays that a graph uses)."""
        return {"track_graph": bool(self.mg.no_autodiff.state), "mem_guard": bool(self.mg.mem_guard_active())}

    # -- tensors ---------------------------------------------------------------------------
    def is_tensor(self, value: Any) -> bool:
        return isinstance(value, self.mg.Tensor)

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        self._cpu(device)
        if requires_grad is OMITTED:
            return self.mg.tensor(array)
        return self.mg.tensor(array, constant=not requires_grad)

    def copy_construct(self, tensor: Any, *, requires_grad: Any, device: str) -> Any:
        """``mygrad.tensor(t)``: a new tensor on a copy of ``t``'s array (``copy=True``, the default)."""
        self._cpu(device)
        if requires_grad is OMITTED:
            return self.mg.tensor(self._tensor(tensor))
        return self.mg.tensor(self._tensor(tensor), constant=not requires_grad)

    def create(self, factory: str, shape: tuple[int, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        self._cpu(device)
        function = {"zeros": self.mg.zeros, "ones": self.mg.ones}[factory]
        if requires_grad is OMITTED:
            return function(shape, dtype=dtype.numpy)
        return function(shape, dtype=dtype.numpy, constant=not requires_grad)

    def create_like(self, factory: str, other: Any) -> Any:
        return {"zeros": self.mg.zeros_like, "ones": self.mg.ones_like}[factory](other)

    def values(self, tensor: Any) -> np.ndarray:
        return np.array(self._tensor(tensor).data, copy=True)

    def shape(self, tensor: Any) -> tuple[int, ...]:
        return tuple(self._tensor(tensor).shape)

    def dtype(self, tensor: Any) -> DType:
        return DTYPES[self._tensor(tensor).dtype.name]

    def device(self, tensor: Any) -> str:
        """``"cpu"``; a NumPy array (MyGrad's ``.grad``) answers its own ``.device``, ``"cpu"``."""
        if isinstance(tensor, np.ndarray):
            return str(tensor.device)
        self._tensor(tensor)
        return "cpu"

    def numel(self, tensor: Any) -> int:
        return int(self._tensor(tensor).size)

    # -- operations ------------------------------------------------------------------------
    def reshape(self, tensor: Any, shape: Sequence[int]) -> Any:
        return self._tensor(tensor).reshape(*shape)

    def into(self, name: str, out: Any, *operands: Any) -> Any:
        """MyGrad's ufuncs' ``out=`` (``mygrad.add(a, b, out=c)``); its activations take none."""
        function = getattr(self.mg, _OUT_UFUNCS.get(name, name), None) if name not in ("sigmoid", "relu") else None
        if function is None:
            raise AdapterError(f"MyGrad has no {name}() taking out=")
        return function(*operands, out=self._tensor(out))

    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        """MyGrad's in-place forms: augmented assignment, item assignment, ufuncs' ``out=``."""
        tensor = self._tensor(tensor)
        if name in _AUGMENTED:
            (other,) = args
            return _AUGMENTED[name](tensor, other)
        if name == "zero_" and not args:
            tensor[...] = 0
        elif name in ("fill_", "copy_") and len(args) == 1:
            tensor[...] = args[0]
        elif name in INPLACE_FORMS and not args:
            function = self.operation(name[:-1])
            if isinstance(function, self.mg.ufuncs.MyGradUnaryUfunc):  # MyGrad's ufuncs write in place with out=
                function(tensor, out=tensor)
            else:
                tensor[...] = function(tensor)
        else:
            raise AdapterError(f"unknown in-place operation {name!r} with {len(args)} argument(s)")
        return tensor

    def clone(self, tensor: Any) -> Any:
        """``Tensor.copy()``: MyGrad's copy, which is outside the graph (documented)."""
        return self._tensor(tensor).copy()

    def view(self, name: str, tensor: Any, *args: Any) -> Any:
        tensor = self._tensor(tensor)
        if name == "view":
            return tensor.reshape(*args)
        if name == "transpose":
            return self.mg.swapaxes(tensor, *args)
        if name == "expand":
            shape = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            return self.mg.broadcast_to(tensor, tuple(shape))
        if name == "unsqueeze":
            return self.mg.expand_dims(tensor, *args)
        if name == "t":
            return tensor.T
        return super().view(name, tensor, *args)

    # -- autograd --------------------------------------------------------------------------
    def requires_grad(self, tensor: Any) -> bool:
        return not self._tensor(tensor).constant

    def is_leaf(self, tensor: Any) -> bool:
        return self._tensor(tensor).creator is None

    def grad_fn(self, tensor: Any) -> Any:
        return self._tensor(tensor).creator

    def grad(self, tensor: Any) -> Any:
        return self._tensor(tensor).grad

    def backward(
        self, tensor: Any, *, gradient: Any, retain_graph: bool | None, inputs: Any = None, create_graph: bool = False
    ) -> None:
        if retain_graph:
            self.missing("retain_graph", "retain_graph= of backward()")
        if inputs is not None:
            self.missing("backward_inputs", "inputs= of backward()")
        if create_graph:
            self.missing("backward_create_graph", "create_graph= of backward()")
        self._tensor(tensor).backward(gradient)

    def detach(self, tensor: Any) -> Any:
        """``mygrad.astensor(t, constant=True)``: a constant tensor on the same array (``t`` if constant)."""
        return self.mg.astensor(self._tensor(tensor), constant=True)

    def norm(self, tensor: Any) -> Any:
        """``mygrad.linalg.norm``: the 2-norm of all elements."""
        return self.mg.linalg.norm(self._tensor(tensor))

    def grad_mode(self, name: str, *args: Any) -> Any:
        """``no_grad(...)`` is ``mygrad.no_autodiff(...)``: called as the spec calls it."""
        if name != "no_grad":
            return super().grad_mode(name, *args)
        return self.mg.no_autodiff(*args)

    def is_grad_enabled(self) -> bool:
        return bool(self.mg.no_autodiff.state)

    # -- conversion ------------------------------------------------------------------------
    def to(self, obj: Any, target: DType | str) -> Any:
        if not isinstance(target, DType):
            return super().to(obj, target)
        return self._tensor(obj).astype(target.numpy, copy=False)

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        """``mygrad.asarray``: the tensor's own array (MyGrad has no checks for ``force`` to skip)."""
        return self.mg.asarray(self._tensor(tensor))

    def from_numpy(self, array: np.ndarray) -> Any:
        return self.mg.astensor(array)

    def as_tensor(self, value: Any, *, device: str) -> Any:
        self._cpu(device)
        return self.mg.astensor(value)

    def item(self, tensor: Any) -> Any:
        return self._tensor(tensor).item()

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Only ``no_autodiff`` is callable in specs: decorating a function."""
        if obj is self.mg.no_autodiff:
            return obj(*args, **kwargs)
        return super().call(obj, *args, **kwargs)

    # -- errors ----------------------------------------------------------------------------
    def error_kind(self, error: BaseException) -> str | None:
        return kind_by_message(error, self._error_patterns)

    # -- helpers ---------------------------------------------------------------------------
    def _tensor(self, value: Any) -> Any:
        """``value`` if it is a MyGrad tensor; a NumPy array (such as ``.grad``) is refused."""
        if not isinstance(value, self.mg.Tensor):
            kind = (
                "a NumPy array (MyGrad's .grad and .data are arrays)" if isinstance(value, np.ndarray) else type(value).__name__
            )
            raise AdapterError(f"expected a MyGrad Tensor, got {kind}")
        return value

    @staticmethod
    def _cpu(device: str) -> None:
        if device != "cpu":
            raise AdapterError(f"MyGrad runs on the CPU only, not on {device!r}")

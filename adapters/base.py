"""``AdapterBase``: the base class of adapters, answering every method a library has no analogue of.

A subclass implements what its library has and declares the capabilities of those APIs; every
other method of the :class:`~gradspec.adapters.protocol.Adapter` protocol is answered here by an
:class:`~gradspec.errors.AdapterError` naming what is missing, with the reason the adapter gives
in :attr:`AdapterBase.lacks`.  Operations are mapped by a table, one line per operation.
"""

from __future__ import annotations

import importlib
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, NoReturn

import numpy as np

from gradspec.errors import AdapterError
from gradspec.values import OMITTED, DType

#: The Python operators of the binary operations, for libraries whose tensors implement them.
PYTHON_OPERATORS: Mapping[str, Callable[[Any, Any], Any]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "pow": operator.pow,
    "matmul": operator.matmul,
    "floor_divide": operator.floordiv,
    "remainder": operator.mod,
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}

#: The capability each factory of :meth:`AdapterBase.factory` needs.
FACTORY_CAPABILITIES: Mapping[str, str] = {
    "randn": "random_factories",
    "rand": "random_factories",
    "empty": "empty_factory",
    "full": "full_factory",
    "arange": "range_factories",
    "linspace": "range_factories",
    "eye": "eye_factory",
}


class AdapterBase:
    """What every adapter shares.  Subclasses set the class attributes and override what their
    library has; see ``docs/adapters.md``."""

    #: Short name used on the command line and in report file names (``torch``).
    name: ClassVar[str] = ""
    #: The distribution the adapter drives (``torch``), for the report.
    library: ClassVar[str] = ""
    #: Capability names (:data:`gradspec.capabilities.CAPABILITIES`) of the APIs the library has.
    capabilities: ClassVar[frozenset[str]] = frozenset()
    #: Why the library has no analogue of a capability's API, by capability (shown in errors).
    lacks: ClassVar[Mapping[str, str]] = {}
    #: Device kinds the library can run on in principle.
    device_kinds: ClassVar[tuple[str, ...]] = ("cpu",)
    #: True for PyTorch (or a build of it) only: ``raises.match`` is checked against its messages.
    pytorch_messages: ClassVar[bool] = False
    #: Per-spec allclose tolerances replacing the spec's: ``{spec id: {dtype name: (rtol, atol)}}``.
    tolerances: ClassVar[dict[str, dict[str, tuple[float, float]]]] = {}
    #: The library module that :attr:`operations` paths are looked up in (``torch``).
    module: ClassVar[str] = ""
    #: Operation name -> the library's function: a dotted path in :attr:`module` (``"nn.functional.relu"``)
    #: or a callable.  One line per operation of :mod:`gradspec.language.operations`.
    operations: ClassVar[Mapping[str, str | Callable[..., Any]]] = {}
    #: The keyword a reduction takes its dimension by (``dim`` or ``axis``).
    dim_keyword: ClassVar[str] = "dim"
    #: Operator of the operator table (by its name there, ``nn.functional.conv2d``) -> the
    #: library's function: a dotted path in :attr:`module`, or a callable taking the table's
    #: arguments (PyTorch's names: ``dim``, ``keepdim``) and calling the library's own API.
    #: An operator not listed is one the library has no analogue of: its specs are not applicable.
    operator_functions: ClassVar[Mapping[str, str | Callable[..., Any]]] = {}

    @property
    def operators(self) -> frozenset[str]:
        """The names of the operator table's operators the library has."""
        return frozenset(self.operator_functions)

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call operator ``name`` of the operator table with the table's arguments."""
        target = self.operator_functions.get(name)
        if target is None:
            self.missing(None, f"operator {name!r}")
        if not callable(target):
            value: Any = importlib.import_module(self.module)
            for part in target.split("."):
                value = getattr(value, part)
            target = value
        return self.apply(target, *args, **kwargs)

    def operand(self, array: np.ndarray, dtype: str, *, differentiable: bool, device: str) -> Any:
        """A tensor of ``dtype`` (a name: NumPy has no ``bfloat16``) holding ``array``'s values;
        ``differentiable`` makes it one gradients are taken with respect to (as :meth:`variable`)."""
        if dtype == "bfloat16":
            self.missing(None, "bfloat16 dtype")
        values = np.asarray(array).astype(dtype)
        return (
            self.variable(values, device=device) if differentiable else self.tensor(values, requires_grad=OMITTED, device=device)
        )

    def jvp(self, function: Callable[..., list[Any]], primals: list[Any], tangents: list[Any]) -> list[Any]:
        """Forward mode: the Jacobian-vector products of ``function(*primals)`` (a list of
        outputs) along ``tangents``, by the library's forward-mode AD."""
        self.missing("forward_ad", "forward-mode AD")

    def autograd_backward(self, tensors: list[Any], *, grad_tensors: list[Any] | None) -> None:
        """Backward from several roots at once (``torch.autograd.backward``)."""
        self.missing("autograd_backward", "autograd.backward()")

    def detect_anomaly(self) -> Any:
        """A context manager with anomaly detection on."""
        self.missing("anomaly_detection", "detect_anomaly()")

    def set_detect_anomaly(self, mode: bool) -> Any:
        """Set anomaly detection; the result restores the previous mode when used as a context manager."""
        self.missing("anomaly_detection", "set_detect_anomaly()")

    def is_anomaly_enabled(self) -> bool:
        """Whether anomaly detection is on."""
        self.missing("anomaly_detection", "is_anomaly_enabled()")

    def checkpoint(self, function: Callable[..., Any], args: list[Any], **options: Any) -> Any:
        """``function(*args)`` with activation checkpointing, with the keywords the spec wrote."""
        self.missing("checkpointing", "checkpoint()")

    def checkpoint_sequential(self, model: Any, segments: int, input: Any, **options: Any) -> Any:
        """A sequential model's output on ``input``, checkpointed in ``segments`` parts."""
        self.missing("checkpointing", "checkpoint_sequential()")

    def custom_function(self, forward: Callable[..., Any], backward: Callable[..., Any] | None, **options: Any) -> Any:
        """A Function of ``forward(ctx, *args)`` and ``backward(ctx, *grads)`` (``setup_context``,
        ``jvp``, ``once_differentiable``, ``vjp``, ``clear_saved_tensors_on_access`` and
        ``boxed_grads_call`` where the spec wrote them; ``backward`` None where only ``vjp`` is
        given): a callable applying it."""
        self.missing("custom_function", "custom_function()")

    def function_context(self, function_ctx: Any, name: str, *args: Any) -> Any:
        """Call method ``name`` of a Function's context with ``args`` (``save_for_backward``...), or
        read its attribute ``name`` (``saved_tensors``, ``needs_input_grad``)."""
        self.missing("custom_function", f"a Function context's {name}")

    def context_attribute(self, function_ctx: Any, name: str) -> Any:
        """The value a Function stored as attribute ``name`` of its context (``ctx.scale``)."""
        self.missing("function_ctx_attributes", f"a Function context's attribute {name}")

    def set_context_attribute(self, function_ctx: Any, name: str, value: Any) -> None:
        """Store ``value`` as attribute ``name`` of a Function's context (``ctx.scale = 2.0``)."""
        self.missing("function_ctx_attributes", f"a Function context's attribute {name}")

    def gradcheck(self, name: str, function: Callable[..., Any], inputs: Any, **options: Any) -> Any:
        """``gradcheck`` or ``gradgradcheck`` (``name``) of ``function`` at ``inputs`` (one tensor or
        a list), with the keywords the spec wrote: True, False, or the library's exception."""
        self.missing("gradcheck", f"{name}()")

    def saved_tensors_hooks(self, pack: Callable[[Any], Any], unpack: Callable[[Any], Any]) -> Any:
        """A context manager in which each tensor saved for backward is stored as ``pack(t)`` and
        given back to backward as ``unpack(stored)``."""
        self.missing("saved_tensors_hooks", "saved_tensors_hooks()")

    def save_on_cpu(self) -> Any:
        """A context manager keeping tensors saved for backward on the CPU."""
        self.missing("save_on_cpu", "save_on_cpu()")

    def disable_saved_tensors_hooks(self, message: str) -> Any:
        """A context manager in which entering saved-tensor hooks raises an error with ``message``
        (classified as ``saved_tensors_hooks_disabled``)."""
        self.missing("saved_tensors_hooks", "disable_saved_tensors_hooks()")

    def register_multi_grad_hook(self, tensors: list[Any], hook: Callable[..., Any], **options: Any) -> Any:
        """A hook given the gradients of ``tensors`` during each backward (``mode`` where the spec
        wrote it); returns a handle with ``remove()``."""
        self.missing("multi_grad_hooks", "register_multi_grad_hook()")

    def increment_version(self, tensor: Any) -> None:
        """Mark ``tensor`` modified in place (``torch.autograd.graph.increment_version``)."""
        self.missing("increment_version", "increment_version()")

    def set_multithreading_enabled(self, mode: bool) -> Any:
        """Turn multithreaded backward on or off in this thread; returns a context manager that
        restores the previous setting on exit (``torch.autograd.set_multithreading_enabled``)."""
        self.missing("multithreading_switch", "set_multithreading_enabled()")

    def is_multithreading_enabled(self) -> bool:
        """Whether multithreaded backward is on in this thread."""
        self.missing("multithreading_switch", "is_multithreading_enabled()")

    def into(self, name: str, out: Any, *operands: Any) -> Any:
        """Unary or binary operation ``name`` of the operands, its result written into the tensor
        ``out`` (``torch.add(a, b, out=c)``); returns ``out``."""
        self.missing("out_argument", f"out= of {name}()")

    def resize_(self, tensor: Any, shape: tuple[int, ...]) -> Any:
        """Resize ``tensor`` in place to ``shape`` (``Tensor.resize_``); returns the tensor."""
        self.missing("resize_", "resize_()")

    def register_module_hook(self, module: Any, hook: Callable[..., Any], *, when: str) -> Any:
        """A backward hook on a module: ``when="full"``, ``hook(module, grad_input, grad_output)``
        (``Module.register_full_backward_hook``); ``"pre"``, ``hook(module, grad_output)``
        (``Module.register_full_backward_pre_hook``).  Returns a handle with ``remove()``."""
        if when == "pre":
            self.missing("module_backward_pre_hooks", "register_full_backward_pre_hook()")
        self.missing("module_backward_hooks", "register_full_backward_hook()")

    def nn_init(self, name: str, tensor: Any, **options: Any) -> Any:
        """Fill ``tensor`` in place by the initialisation ``name`` (``uniform_``, ``constant_``,
        ``normal_``) with the keywords the spec wrote; returns the tensor (``torch.nn.init``)."""
        self.missing("nn_init", f"nn.init {name}()")

    def variable_class(self, tensor: Any, **options: Any) -> Any:
        """The deprecated ``Variable(tensor)`` (``requires_grad`` where the spec wrote it)."""
        self.missing("variable_class", "Variable()")

    def empty_module(self) -> Any:
        """An empty module, whose members a spec sets (``nn.Module()``)."""
        self.missing("user_modules", "module()")

    def set_member(self, module: Any, name: str, value: Any) -> None:
        """Set a module's member ``name`` to ``value`` (a Parameter registers itself)."""
        self.missing("user_modules", "set_member()")

    def member(self, module: Any, name: str) -> Any:
        """A module's member ``name``."""
        self.missing("user_modules", "member()")

    def named_parameters(self, module: Any, **options: Any) -> list[tuple[str, Any]]:
        """A module's parameters as ``(dotted name, parameter)`` pairs (``recurse`` if the spec wrote it)."""
        self.missing("user_modules", "named_parameters()")

    def register_buffer(self, module: Any, name: str, tensor: Any, **options: Any) -> None:
        """Add a buffer to a module (``persistent`` if the spec wrote it)."""
        self.missing("buffers", "register_buffer()")

    def buffers(self, module: Any) -> list[Any]:
        """A module's buffers, as a list."""
        self.missing("buffers", "buffers()")

    def state_dict(self, module: Any, **options: Any) -> dict[str, Any]:
        """A module's state dict (``keep_vars`` if the spec wrote it)."""
        self.missing("state_dict", "state_dict()")

    def load_state_dict(self, module: Any, state: dict[str, Any], **options: Any) -> tuple[list[str], list[str]]:
        """Load ``state`` into a module (``strict`` and ``assign`` if the spec wrote them); returns
        the missing and the unexpected keys."""
        self.missing("state_dict", "load_state_dict()")

    def dual_level(self) -> Any:
        """A forward-AD level, as a context manager (``torch.autograd.forward_ad.dual_level()``)."""
        self.missing("dual_numbers", "dual_level()")

    def make_dual(self, primal: Any, tangent: Any) -> Any:
        """A dual tensor of ``primal`` carrying ``tangent``, by the library's forward-mode AD."""
        self.missing("dual_numbers", "make_dual()")

    def unpack_dual(self, tensor: Any) -> Any:
        """``(primal, tangent)`` of ``tensor``, the tangent ``None`` where it carries none."""
        self.missing("dual_numbers", "unpack_dual()")

    def functional(self, name: str, function: Callable[..., Any], inputs: Any, **options: Any) -> Any:
        """The functional higher-level API: ``name`` (jacobian, hessian, vjp, jvp, vhp or hvp) of
        ``function`` at ``inputs`` (a tensor or a list of tensors), with the spec's keyword
        arguments (``v``, ``create_graph``, ``strict``...), in the library's own result structure."""
        self.missing("functional_api", f"functional {name}()")

    def node_name(self, node: Any) -> str:
        """The name of a graph node (``Node.name()``)."""
        self.missing("graph_nodes", "graph node name()")

    def next_functions(self, node: Any) -> Sequence[tuple[Any, int]]:
        """The ``(node or None, index)`` pairs of a graph node's inputs (``Node.next_functions``)."""
        self.missing("graph_nodes", "graph node next_functions")

    def is_graph_node(self, value: Any) -> bool:
        """Whether ``value`` is a node of the backward graph (torch: ``torch.autograd.graph.Node``)."""
        self.missing("graph_nodes", "graph node type")

    def register_node_hook(self, node: Any, hook: Callable[..., Any], *, when: str) -> Any:
        """A hook on a graph node, run after it (``when="post"``: ``hook(grad_inputs, grad_outputs)``)
        or before it (``"pre"``: ``hook(grad_outputs)``); returns a handle with ``remove()``."""
        self.missing("node_hooks", "graph node register_prehook()" if when == "pre" else "graph node register_hook()")

    def saved_tensor(self, node: Any, name: str) -> Any:
        """The tensor a graph node saved for backward under ``name`` (torch: ``grad_fn._saved_<name>``)."""
        self.missing("saved_tensor_attributes", "saved tensors readable on a graph node")

    def register_saved_tensor_hooks(self, node: Any, name: str, pack: Callable[[Any], Any], unpack: Callable[[Any], Any]) -> None:
        """Hooks on the one tensor a graph node saved under ``name`` (torch:
        ``grad_fn._raw_saved_<name>.register_hooks(pack, unpack)``)."""
        self.missing("saved_tensor_register_hooks", "hooks on one saved tensor of a graph node")

    def shares_storage(self, a: Any, b: Any) -> bool:
        """Whether two tensors use the same memory."""
        self.missing("shares_storage", "shares_storage()")

    # -- what is missing ------------------------------------------------------------------
    def missing(self, capability: str | None, what: str) -> NoReturn:
        """Raise the error for an API the library has no analogue of."""
        reason = self.lacks.get(capability or "", "")
        raise AdapterError(f"{self.library or self.name} has no {what}" + (f": {reason}" if reason else ""))

    def _unimplemented(self, method: str) -> NoReturn:
        raise AdapterError(f"adapter {type(self).__name__} does not implement {method}(), which every adapter needs")

    # -- operations ------------------------------------------------------------------------
    def operation(self, name: str) -> Callable[..., Any]:
        """The library's function for operation ``name`` (from :attr:`operations`)."""
        target = self.operations.get(name)
        if target is None:
            self.missing(None, f"operation {name!r}")
        if callable(target):
            return target
        value: Any = importlib.import_module(self.module)
        for part in target.split("."):
            value = getattr(value, part)
        return value

    def apply(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call an operation's function (an adapter that records operations overrides this)."""
        return function(*args, **kwargs)

    def unary(self, name: str, x: Any) -> Any:
        return self.apply(self.operation(name), x)

    def binary(self, name: str, a: Any, b: Any) -> Any:
        return self.apply(self.operation(name), a, b)

    def reduce(self, name: str, x: Any, *, dim: int | None) -> Any:
        if dim is None:
            return self.apply(self.operation(name), x)
        return self.apply(self.operation(name), x, **{self.dim_keyword: dim})

    # -- the library and its tensors: every adapter implements these -----------------------
    def library_version(self) -> str:
        self._unimplemented("library_version")

    def devices(self) -> list[str]:
        return ["cpu"]

    def seed(self, seed: int) -> None:
        self._unimplemented("seed")

    def reset(self) -> None:
        self._unimplemented("reset")

    def global_state(self) -> dict[str, Any]:
        return {}

    def is_tensor(self, value: Any) -> bool:
        self._unimplemented("is_tensor")

    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        self._unimplemented("tensor")

    def values(self, tensor: Any) -> np.ndarray:
        self._unimplemented("values")

    def shape(self, tensor: Any) -> tuple[int, ...]:
        self._unimplemented("shape")

    def dtype(self, tensor: Any) -> DType:
        self._unimplemented("dtype")

    def device(self, tensor: Any) -> str:
        self._unimplemented("device")

    def numel(self, tensor: Any) -> int:
        return int(np.prod(self.shape(tensor)))

    def variable(self, array: np.ndarray, *, device: str) -> Any:
        """A tensor that gradients are taken with respect to: ``tensor(requires_grad=True)``
        unless the library marks such tensors otherwise (or, differentiating functions, not at all)."""
        return self.tensor(array, requires_grad=True, device=device)

    def copy_construct(self, tensor: Any, *, requires_grad: Any, device: str) -> Any:
        self.missing(None, "tensor(t) copy-construction from a tensor")

    def create(self, factory: str, shape: tuple[int, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        self.missing(None, f"{factory}()")

    def create_like(self, factory: str, other: Any) -> Any:
        self.missing(None, f"{factory}_like()")

    def factory(self, name: str, args: tuple[Any, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        """randn/rand/empty/full/arange/linspace/eye (see the protocol); refused as missing here."""
        self.missing(FACTORY_CAPABILITIES[name], f"{name}()")

    def new_factory(self, name: str, tensor: Any, args: tuple[Any, ...], dtype: DType | None, *, requires_grad: Any) -> Any:
        """new_zeros/new_ones/new_full/new_empty/new_tensor (see the protocol); refused as missing here."""
        self.missing("new_factories", f"Tensor.{name}()")

    def factory_like(self, name: str, other: Any, args: tuple[Any, ...], dtype: DType | None, *, requires_grad: Any) -> Any:
        """randn_like/rand_like/empty_like/full_like (see the protocol); refused as missing here."""
        self.missing("like_factories", f"{name}()")

    def manual_seed(self, seed: int) -> None:
        """Seed the global random generator (see the protocol); refused as missing here."""
        self.missing("manual_seed", "manual_seed()")

    def reshape(self, tensor: Any, shape: Sequence[int]) -> Any:
        self.missing(None, "reshape()")

    def getitem(self, obj: Any, index: Any) -> Any:
        return obj[index]

    def setitem(self, obj: Any, index: Any, value: Any) -> None:
        obj[index] = value

    def clone(self, tensor: Any) -> Any:
        self.missing(None, "clone()")

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        raise AdapterError(f"{type(obj).__name__} is not callable in specs")

    def error_kind(self, error: BaseException) -> str | None:
        return None

    # -- capabilities: answered as missing unless the library has them ----------------------
    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        self.missing("inplace", f"in-place {name}()")

    def view(self, name: str, tensor: Any, *args: Any) -> Any:
        self.missing("complex" if name in ("conj", "imag", "real") else "views", f"{name} view")

    def view_op(self, name: str, tensor: Any, *args: Any) -> Any:
        self.missing("view_ops", f"{name} view")

    def resolve(self, name: str, tensor: Any) -> Any:
        self.missing("strides" if name == "contiguous" else "conj_resolution", f"{name}()")

    def is_conj(self, tensor: Any) -> bool:
        self.missing("conj_bit", "is_conj()")

    def stride(self, tensor: Any) -> tuple[int, ...]:
        self.missing("strides", "stride()")

    def is_contiguous(self, tensor: Any) -> bool:
        self.missing("strides", "is_contiguous()")

    def requires_grad(self, tensor: Any) -> bool:
        self.missing("requires_grad", "requires_grad flag")

    def set_requires_grad(self, tensor: Any, value: bool) -> None:
        self.missing("requires_grad_setter", "assignable requires_grad flag")

    def requires_grad_(self, tensor: Any, value: bool) -> Any:
        self.missing("requires_grad_method", "requires_grad_()")

    def is_leaf(self, tensor: Any) -> bool:
        self.missing("is_leaf", "is_leaf")

    def grad_fn(self, tensor: Any) -> Any:
        self.missing("grad_fn", "grad_fn")

    def grad(self, tensor: Any) -> Any:
        self.missing("backward", ".grad")

    def set_grad(self, tensor: Any, value: Any) -> None:
        self.missing("grad_assign", "assignable .grad")

    def grad_dtype(self, tensor: Any) -> DType | None:
        """The dtype a ``.grad`` assigned to ``tensor`` must have, or ``None`` for any (``Tensor.grad_dtype``)."""
        self.missing("grad_dtype", ".grad_dtype")

    def set_grad_dtype(self, tensor: Any, dtype: DType | None) -> None:
        """Set ``tensor``'s ``grad_dtype`` to ``dtype``, or to ``None`` to accept a ``.grad`` of any dtype."""
        self.missing("grad_dtype", "assignable .grad_dtype")

    def complex_from_parts(self, real: Any, imag: Any) -> Any:
        """The complex tensor ``real + i * imag`` of two real tensors (``torch.complex``), differentiable in both."""
        self.missing("complex_from_parts", "complex(real, imag)")

    def retain_grad(self, tensor: Any) -> None:
        self.missing("retain_grad", "retain_grad()")

    def retains_grad(self, tensor: Any) -> bool:
        self.missing("retains_grad", "retains_grad")

    def backward(
        self, tensor: Any, *, gradient: Any, retain_graph: bool | None, inputs: Any = None, create_graph: bool = False
    ) -> None:
        self.missing("backward", "backward()")

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
        self.missing("autograd_grad", "autograd.grad()")

    def autograd_grad_dict(self, outputs: Any, inputs: dict[str, Any], **options: Any) -> dict[str, Any]:
        """``autograd_grad`` with ``inputs`` a dict of name -> tensor: the gradients as a dict with its keys."""
        self.missing("grad_inputs_dict", "dict of inputs for autograd.grad()")

    def backward_dict_inputs(
        self, tensor: Any, *, gradient: Any, retain_graph: bool | None, inputs: dict[str, Any], create_graph: bool = False
    ) -> None:
        """``backward`` with ``inputs`` a dict of name -> tensor, whose values are the inputs."""
        self.missing("grad_inputs_dict", "dict as inputs= of backward()")

    def autograd_grad_batched(self, outputs: Any, inputs: Any, *, is_grads_batched: bool, **options: Any) -> tuple[Any, ...]:
        """``autograd_grad`` with ``is_grads_batched`` as the spec wrote it: where True, the first
        dimension of each grad_output is a batch, and each gradient has it too."""
        self.missing("autograd_grad_is_grads_batched", "autograd.grad(is_grads_batched=)")

    def gradient_edge(self, tensor: Any) -> Any:
        """The gradient edge of ``tensor``, which ``autograd_grad`` takes among its inputs."""
        self.missing("gradient_edges", "get_gradient_edge()")

    def allow_mutation_on_saved_tensors(self) -> Any:
        """A context manager in which tensors saved for backward may be changed in place, backward
        using their values from before the change."""
        self.missing("allow_mutation_on_saved_tensors", "allow_mutation_on_saved_tensors()")

    def norm(self, tensor: Any) -> Any:
        """The 2-norm of all elements of ``tensor``, computed in its dtype: a 0-dimensional tensor."""
        self.missing("norm", "norm()")

    def register_hook(self, tensor: Any, hook: Callable[..., Any], *, when: str) -> Any:
        if when == "post_accumulate":
            self.missing("post_accumulate_hooks", "register_post_accumulate_grad_hook()")
        self.missing("hooks", "register_hook()")

    def remove_hook(self, handle: Any) -> None:
        self.missing("hooks", "hook handles")

    def detach(self, tensor: Any) -> Any:
        self.missing("detach", "detach()")

    def detach_(self, tensor: Any) -> Any:
        self.missing("detach_", "detach_()")

    def data(self, tensor: Any) -> Any:
        self.missing("data_alias", ".data")

    def set_data(self, tensor: Any, value: Any) -> None:
        self.missing("data_alias", "settable .data")

    def version(self, tensor: Any) -> int:
        self.missing("version_counter", "version counter")

    def grad_mode(self, name: str, *args: Any) -> Any:
        capability = {"no_grad": "grad_modes"}.get(name, name)
        self.missing(capability, f"{name}()")

    def is_grad_enabled(self) -> bool:
        self.missing("grad_modes", "is_grad_enabled()")

    def is_inference_mode_enabled(self) -> bool:
        self.missing("inference_mode", "is_inference_mode_enabled()")

    def is_inference(self, tensor: Any) -> bool:
        self.missing("inference_mode", "is_inference()")

    def to(self, obj: Any, target: DType | str) -> Any:
        if isinstance(target, DType):
            self.missing("dtype_conversion", f".to({target})")
        self.missing("device_moves", f".to({target!r})")

    def to_device_dtype(self, obj: Any, device: Any, dtype: DType, *, copy: Any = OMITTED) -> Any:
        self.missing("to_device_dtype", ".to(device, dtype) taking both targets in one call")

    def to_other(self, obj: Any, other: Any, *, copy: Any = OMITTED) -> Any:
        self.missing("to_other", ".to(other) taking another tensor's dtype and device")

    def to_copy(self, obj: Any, target: Any, *, copy: bool) -> Any:
        self.missing("to_copy", ".to(target, copy=...)")

    def device_object(self, spec: Any, index: Any = None) -> Any:
        self.missing("device_objects", "device object (torch.device)")

    def device_type(self, device: Any) -> str:
        self.missing("device_objects", "device object's type")

    def device_index(self, device: Any) -> int | None:
        self.missing("device_objects", "device object's index")

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray:
        self.missing("to_numpy", "numpy()")

    def from_numpy(self, array: np.ndarray) -> Any:
        self.missing("from_numpy", "from_numpy()")

    def as_tensor(self, value: Any, *, device: str) -> Any:
        self.missing("as_tensor", "as_tensor()")

    def item(self, tensor: Any) -> Any:
        self.missing("item", "item()")

    def tolist(self, tensor: Any) -> Any:
        self.missing("tolist", "tolist()")

    def linear(self, in_features: int, out_features: int, *, bias: bool, device: str) -> Any:
        self.missing("modules", "linear layer")

    def sequential(self, modules: list[Any]) -> Any:
        self.missing("modules", "sequential container")

    def dropout(self, p: float) -> Any:
        self.missing("train_eval", "dropout module")

    def batch_norm(self, features: int, *, device: str) -> Any:
        self.missing("train_eval", "batch norm module")

    def train(self, module: Any, mode: bool) -> Any:
        self.missing("train_eval", "train()/eval()")

    def is_training(self, module: Any) -> bool:
        self.missing("train_eval", "training flag")

    def module_buffer(self, module: Any, name: str) -> Any:
        self.missing("train_eval", f"module buffer {name}")

    def parameter(self, tensor: Any, *, requires_grad: Any) -> Any:
        self.missing("parameter_constructor", "Parameter constructor")

    def parameters(self, module: Any) -> list[Any]:
        self.missing("modules", "parameters()")

    def module_parameter(self, module: Any, name: str) -> Any:
        self.missing("modules", f"module parameter {name}")

    def is_parameter(self, value: Any) -> bool:
        self.missing("parameters", "Parameter type")

    def zero_grad(self, obj: Any, *, set_to_none: Any = OMITTED) -> None:
        self.missing("modules", "zero_grad()")

    def sgd(self, params: list[Any], *, lr: float, momentum: float, weight_decay: float = 0.0) -> Any:
        self.missing("optimizers", "SGD optimizer")

    def step(self, optimizer: Any) -> None:
        self.missing("optimizers", "optimizer step()")

    def adaptive_optimizer(self, name: str, params: list[Any], *, lr: float, **options: Any) -> Any:
        """An ``adam``, ``adamw`` or ``rmsprop`` optimizer over ``params`` (``weight_decay``,
        ``momentum`` where the spec wrote them)."""
        self.missing("adaptive_optimizers", f"{name} optimizer")

    def add_param_group(self, optimizer: Any, params: list[Any], **options: Any) -> None:
        """Add ``params`` as a new group of ``optimizer``, with the hyper-parameters written (``lr``...)."""
        self.missing("add_param_group", "add_param_group() on an optimizer")

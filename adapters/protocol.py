"""The contract between gradspec and a library under test.

An adapter is one class, in one module, that is the only place knowing its library's API.
The interpreter calls these methods for every operation a spec performs; tensors, modules,
optimizers and grad-mode objects are the library's own objects, passed through untouched.

Rules every adapter follows:

* Report what the library does, never what torch does: no patching over differences.
* ``tensor``/``create`` called with ``requires_grad=OMITTED`` must not pass the argument,
  so the library's own default is what a spec observes.
* A library exception is left to propagate; ``error_kind`` maps it to a canonical kind
  (:data:`gradspec.error_kinds.ERROR_KINDS`) or returns ``None`` when it is not one of them.
* ``capabilities`` names the APIs (:data:`gradspec.capabilities.CAPABILITIES`) the library has
  an analogue of; specs needing another are reported not applicable.  A method the library
  cannot express raises :class:`gradspec.errors.AdapterError`: subclassing
  :class:`gradspec.adapters.base.AdapterBase` answers every such method.
* The operations (``unary``, ``binary``, ``reduce``) are those of
  :data:`gradspec.language.operations.OPERATIONS`, by name; the operators (``call_operator``)
  those of the operator table (``specs/_operators``), by their OpInfo names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

import numpy as np

from gradspec.capabilities import CAPABILITIES
from gradspec.values import OMITTED, DType


@runtime_checkable
class Adapter(Protocol):
    """What gradspec needs from a library.  See the module docstring for the rules."""

    #: Short name used on the command line and in report file names (``torch``).
    name: str
    #: The distribution the adapter drives (``torch``), for the report.
    library: str
    #: Capability names from :data:`CAPABILITIES`.
    capabilities: frozenset[str]
    #: Device kinds the library can run on in principle (``("cpu", "cuda")``).
    device_kinds: tuple[str, ...]

    # -- the library and its environment --------------------------------------------------
    def library_version(self) -> str: ...
    def devices(self) -> list[str]:
        """Concrete devices available now (``["cpu", "cuda:0"]``)."""

    def seed(self, seed: int) -> None:
        """Seed the library's random generators (parameter initialisation)."""

    def reset(self) -> None:
        """Restore the library's default global state (grad mode on, every other mode off),
        before and after each example."""

    def global_state(self) -> dict[str, Any]:
        """The library's global modes that change what a call does (grad mode, inference
        mode, anomaly detection, the default dtype...), by name, as comparable plain values.
        After :meth:`reset` they must equal what they were when the adapter was created; an
        example that leaves them otherwise is an ``error`` and stops the run trusting the
        process (see docs/running.md, "State between examples")."""

    # -- tensors ---------------------------------------------------------------------------
    def is_tensor(self, value: Any) -> bool: ...
    def tensor(self, array: np.ndarray, *, requires_grad: Any, device: str) -> Any:
        """A tensor with ``array``'s values and dtype; ``requires_grad=OMITTED`` passes nothing."""

    def variable(self, array: np.ndarray, *, device: str) -> Any:
        """A tensor with ``array``'s values that gradients are taken with respect to, made the
        library's own way: ``tensor(array, requires_grad=True)`` where the library has the flag,
        a plain tensor where every tensor can be differentiated (JAX, MLX).  ``given``'s
        ``tensors(requires_grad=True)`` calls it."""

    def copy_construct(self, tensor: Any, *, requires_grad: Any, device: str) -> Any:
        """A new tensor from an existing one (``torch.tensor(t)``)."""

    def create(self, factory: str, shape: tuple[int, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        """``zeros``/``ones`` of a shape and dtype."""

    def create_like(self, factory: str, other: Any) -> Any:
        """``zeros_like``/``ones_like``."""

    def factory(self, name: str, args: tuple[Any, ...], dtype: DType, *, requires_grad: Any, device: str) -> Any:
        """A tensor of ``dtype`` on ``device`` from the factory ``name`` with positional ``args``:
        ``randn``/``rand``/``empty`` ``(shape,)``, ``full`` ``(shape, fill_value)``, ``arange``
        ``(start, end, step)``, ``linspace`` ``(start, end, steps)``, ``eye`` ``(n, m)``;
        ``requires_grad`` is ``OMITTED`` where the spec did not write it (the library's default)."""

    def new_factory(self, name: str, tensor: Any, args: tuple[Any, ...], dtype: DType | None, *, requires_grad: Any) -> Any:
        """``tensor.<name>(*args)`` for ``new_zeros``/``new_ones``/``new_empty`` ``(shape,)``,
        ``new_full`` ``(shape, fill_value)`` and ``new_tensor`` ``(array,)``: ``tensor``'s dtype
        (``dtype`` where not ``None``) and device; ``requires_grad`` as in :meth:`factory`."""

    def factory_like(self, name: str, other: Any, args: tuple[Any, ...], dtype: DType | None, *, requires_grad: Any) -> Any:
        """``randn_like``/``rand_like``/``empty_like`` ``()`` and ``full_like`` ``(fill_value,)`` of
        ``other``: its shape, dtype (``dtype`` where not ``None``) and device; ``requires_grad`` as
        in :meth:`factory`."""

    def manual_seed(self, seed: int) -> None:
        """Seed the library's global random generator as its users do (``torch.manual_seed``)."""

    def values(self, tensor: Any) -> np.ndarray:
        """A trusted read-out of the values (for checks), whatever grad or device state."""

    def shape(self, tensor: Any) -> tuple[int, ...]: ...
    def dtype(self, tensor: Any) -> DType: ...
    def device(self, tensor: Any) -> str: ...
    def numel(self, tensor: Any) -> int: ...

    # -- operations ------------------------------------------------------------------------
    def unary(self, name: str, x: Any) -> Any:
        """A unary operation of :data:`~gradspec.language.operations.OPERATIONS`."""

    def binary(self, name: str, a: Any, b: Any) -> Any:
        """A binary operation of :data:`~gradspec.language.operations.OPERATIONS`; an operand may be a Python number."""

    def reduce(self, name: str, x: Any, *, dim: int | None) -> Any:
        """A reduction of :data:`~gradspec.language.operations.OPERATIONS`, over all elements or one dimension."""

    def reshape(self, tensor: Any, shape: Sequence[int]) -> Any: ...
    def getitem(self, obj: Any, index: Any) -> Any: ...
    def setitem(self, obj: Any, index: Any, value: Any) -> None: ...
    def inplace(self, name: str, tensor: Any, *args: Any) -> Any:
        """An in-place method of the language (``zero_``, ``add_``, each unary operation's ``<name>_``), returning the tensor."""

    def clone(self, tensor: Any) -> Any: ...
    def view(self, name: str, tensor: Any, *args: Any) -> Any:
        """``view transpose expand unsqueeze t conj`` (called) and ``imag real`` (attributes): aliases of the tensor."""

    def view_op(self, name: str, tensor: Any, *args: Any) -> Any:
        """The other views of torch's list, with torch's arguments: the methods ``as_strided
        diagonal expand_as movedim narrow permute select squeeze unfold view_as swapaxes``, the
        methods ``unbind split chunk`` (a sequence of views), the attributes ``T mT`` and the
        function ``view_as_real(tensor)``."""

    def resolve(self, name: str, tensor: Any) -> Any:
        """``resolve_conj resolve_neg contiguous``."""

    def is_conj(self, tensor: Any) -> bool: ...

    def stride(self, tensor: Any) -> tuple[int, ...]: ...
    def is_contiguous(self, tensor: Any) -> bool: ...

    # -- the operator table ------------------------------------------------------------------
    @property
    def operators(self) -> frozenset[str]:
        """The names of the operator table's operators the library has an analogue of."""

    def call_operator(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call operator ``name`` of the operator table, with the table's (PyTorch's) arguments."""

    def operand(self, array: np.ndarray, dtype: str, *, differentiable: bool, device: str) -> Any:
        """A tensor of ``dtype`` (by name: NumPy has no bfloat16) holding ``array``'s values; a
        variable when ``differentiable``."""

    def jvp(self, function: Callable[..., list[Any]], primals: list[Any], tangents: list[Any]) -> list[Any]:
        """Forward mode: the Jacobian-vector products of ``function(*primals)`` along ``tangents``."""

    def autograd_backward(self, tensors: list[Any], *, grad_tensors: list[Any] | None) -> None:
        """Backward from several roots at once."""

    def detect_anomaly(self) -> Any:
        """A context manager with anomaly detection on."""

    def set_detect_anomaly(self, mode: bool) -> Any:
        """Set anomaly detection, or set it inside a ``with`` block."""

    def is_anomaly_enabled(self) -> bool:
        """Whether anomaly detection is on."""

    def checkpoint(self, function: Callable[..., Any], args: list[Any], **options: Any) -> Any:
        """``function(*args)`` with activation checkpointing."""

    def checkpoint_sequential(self, model: Any, segments: int, input: Any, **options: Any) -> Any:
        """A sequential model's output on ``input``, checkpointed in ``segments`` parts."""

    def custom_function(self, forward: Callable[..., Any], backward: Callable[..., Any] | None, **options: Any) -> Any:
        """A Function of ``forward(ctx, *args)`` and ``backward(ctx, *grads)`` (or ``vjp=``): a callable applying it."""

    def function_context(self, function_ctx: Any, name: str, *args: Any) -> Any:
        """Call method ``name`` of a Function's context, or read attribute ``name`` without ``args``."""

    def context_attribute(self, function_ctx: Any, name: str) -> Any:
        """The value a Function stored as attribute ``name`` of its context (``ctx.scale``)."""

    def set_context_attribute(self, function_ctx: Any, name: str, value: Any) -> None:
        """Store ``value`` as attribute ``name`` of a Function's context, as is (``ctx.scale = 2.0``)."""

    def gradcheck(self, name: str, function: Callable[..., Any], inputs: Any, **options: Any) -> Any:
        """``gradcheck`` or ``gradgradcheck`` of ``function`` at ``inputs``."""

    def saved_tensors_hooks(self, pack: Callable[[Any], Any], unpack: Callable[[Any], Any]) -> Any:
        """A context manager storing each tensor saved for backward as ``pack(t)``."""

    def save_on_cpu(self) -> Any:
        """A context manager keeping tensors saved for backward on the CPU."""

    def disable_saved_tensors_hooks(self, message: str) -> Any:
        """A context manager in which entering saved-tensor hooks raises ``message``."""

    def register_multi_grad_hook(self, tensors: list[Any], hook: Callable[..., Any], **options: Any) -> Any:
        """A hook given the gradients of ``tensors`` during each backward; a handle."""

    def increment_version(self, tensor: Any) -> None:
        """Mark ``tensor`` modified in place."""

    def set_multithreading_enabled(self, mode: bool) -> Any:
        """Multithreaded backward on or off in this thread; a context manager restoring it on exit."""

    def is_multithreading_enabled(self) -> bool:
        """Whether multithreaded backward is on in this thread."""

    def into(self, name: str, out: Any, *operands: Any) -> Any:
        """A unary or binary operation with its result written into the tensor ``out`` (``out=``); returns ``out``."""

    def resize_(self, tensor: Any, shape: tuple[int, ...]) -> Any:
        """Resize ``tensor`` in place to ``shape`` (``Tensor.resize_``); returns the tensor."""

    def register_module_hook(self, module: Any, hook: Callable[..., Any], *, when: str) -> Any:
        """A full backward hook (``when="full"``) or backward pre-hook (``"pre"``) on a module; a handle."""

    def nn_init(self, name: str, tensor: Any, **options: Any) -> Any:
        """Fill ``tensor`` in place by the initialisation ``name`` (``torch.nn.init``); the tensor."""

    def variable_class(self, tensor: Any, **options: Any) -> Any:
        """The deprecated ``Variable(tensor, requires_grad=...)``."""

    def empty_module(self) -> Any:
        """An empty module."""

    def set_member(self, module: Any, name: str, value: Any) -> None:
        """Set a module's member ``name``."""

    def member(self, module: Any, name: str) -> Any:
        """A module's member ``name``."""

    def named_parameters(self, module: Any, **options: Any) -> list[tuple[str, Any]]:
        """A module's parameters as ``(dotted name, parameter)`` pairs."""

    def register_buffer(self, module: Any, name: str, tensor: Any, **options: Any) -> None:
        """Add a buffer to a module."""

    def buffers(self, module: Any) -> list[Any]:
        """A module's buffers."""

    def state_dict(self, module: Any, **options: Any) -> dict[str, Any]:
        """A module's state dict."""

    def load_state_dict(self, module: Any, state: dict[str, Any], **options: Any) -> tuple[list[str], list[str]]:
        """Load a state dict; the missing and unexpected keys."""

    def dual_level(self) -> Any:
        """A forward-AD level, as a context manager."""

    def make_dual(self, primal: Any, tangent: Any) -> Any:
        """A dual tensor of ``primal`` carrying ``tangent``."""

    def unpack_dual(self, tensor: Any) -> Any:
        """``(primal, tangent)`` of ``tensor``, the tangent ``None`` where it carries none."""

    def functional(self, name: str, function: Callable[..., Any], inputs: Any, **options: Any) -> Any:
        """The functional API's ``name`` (jacobian, hessian, vjp, jvp, vhp, hvp) of ``function`` at ``inputs``."""

    def node_name(self, node: Any) -> str:
        """The name of a graph node (``Node.name()``)."""

    def next_functions(self, node: Any) -> Sequence[tuple[Any, int]]:
        """The ``(node or None, index)`` pairs of a graph node's inputs (``Node.next_functions``)."""

    def is_graph_node(self, value: Any) -> bool:
        """Whether ``value`` is a node of the backward graph (``torch.autograd.graph.Node``)."""

    def register_node_hook(self, node: Any, hook: Callable[..., Any], *, when: str) -> Any:
        """A hook on a graph node, run after it (``when="post"``) or before it (``"pre"``); a handle."""

    def saved_tensor(self, node: Any, name: str) -> Any:
        """The tensor a graph node saved for backward under ``name`` (``grad_fn._saved_<name>``)."""

    def register_saved_tensor_hooks(self, node: Any, name: str, pack: Callable[[Any], Any], unpack: Callable[[Any], Any]) -> None:
        """Hooks on the one tensor a graph node saved under ``name`` (``grad_fn._raw_saved_<name>``)."""

    def shares_storage(self, a: Any, b: Any) -> bool:
        """Whether two tensors use the same memory."""

    # -- autograd --------------------------------------------------------------------------
    def requires_grad(self, tensor: Any) -> bool: ...
    def set_requires_grad(self, tensor: Any, value: bool) -> None: ...
    def requires_grad_(self, tensor: Any, value: bool) -> Any: ...
    def is_leaf(self, tensor: Any) -> bool: ...
    def grad_fn(self, tensor: Any) -> Any:
        """The node that produced the tensor, or ``None``."""

    def grad(self, tensor: Any) -> Any: ...
    def set_grad(self, tensor: Any, value: Any) -> None: ...
    def grad_dtype(self, tensor: Any) -> DType | None:
        """The dtype an assigned ``.grad`` must have, or ``None`` for any (``Tensor.grad_dtype``)."""

    def set_grad_dtype(self, tensor: Any, dtype: DType | None) -> None:
        """Set the tensor's ``grad_dtype`` (``None``: a ``.grad`` of any dtype is accepted)."""

    def complex_from_parts(self, real: Any, imag: Any) -> Any:
        """The complex tensor ``real + i * imag`` of two real tensors of one dtype (``torch.complex``)."""

    def retain_grad(self, tensor: Any) -> None: ...
    def retains_grad(self, tensor: Any) -> bool: ...
    def backward(
        self, tensor: Any, *, gradient: Any, retain_graph: bool | None, inputs: Any = None, create_graph: bool = False
    ) -> None: ...
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
        """Gradients of ``outputs`` with respect to ``inputs``, without accumulating into ``.grad``."""

    def autograd_grad_batched(self, outputs: Any, inputs: Any, *, is_grads_batched: bool, **options: Any) -> tuple[Any, ...]:
        """``autograd_grad`` with ``is_grads_batched``: the grad_outputs' first dimension a batch where True."""

    def autograd_grad_dict(self, outputs: Any, inputs: dict[str, Any], **options: Any) -> dict[str, Any]:
        """``autograd_grad`` with ``inputs`` a dict of name -> tensor (``autograd_grad``'s options):
        the gradients as a dict with the same keys (``torch.autograd.grad(y, dict(...))``)."""

    def backward_dict_inputs(
        self, tensor: Any, *, gradient: Any, retain_graph: bool | None, inputs: dict[str, Any], create_graph: bool = False
    ) -> None:
        """``backward`` with ``inputs`` a dict of name -> tensor, whose values are the inputs
        (``Tensor.backward(inputs=dict(...))``)."""

    def gradient_edge(self, tensor: Any) -> Any:
        """The gradient edge of ``tensor``, an input ``autograd_grad`` accepts."""

    def allow_mutation_on_saved_tensors(self) -> Any:
        """A context manager in which tensors saved for backward may be changed in place."""

    def norm(self, tensor: Any) -> Any:
        """The 2-norm of all elements of ``tensor``, in its dtype."""

    def register_hook(self, tensor: Any, hook: Callable[..., Any], *, when: str) -> Any:
        """A handle; ``when`` is ``grad`` (called with the gradient) or ``post_accumulate`` (with the leaf)."""

    def remove_hook(self, handle: Any) -> None: ...
    def detach(self, tensor: Any) -> Any: ...
    def detach_(self, tensor: Any) -> Any: ...
    def data(self, tensor: Any) -> Any: ...
    def set_data(self, tensor: Any, value: Any) -> None: ...
    def version(self, tensor: Any) -> int: ...
    def grad_mode(self, name: str, *args: Any) -> AbstractContextManager[Any] | Callable[..., Any]:
        """``no_grad enable_grad set_grad_enabled inference_mode``: the library's object, a
        context manager that also decorates; called with a function it decorates that."""

    def is_grad_enabled(self) -> bool: ...
    def is_inference_mode_enabled(self) -> bool: ...
    def is_inference(self, tensor: Any) -> bool: ...

    # -- conversion ------------------------------------------------------------------------
    def to(self, obj: Any, target: DType | str) -> Any:
        """A tensor or module moved to a device (``"cpu"``, ``"cuda:0"``) or cast to a dtype."""

    def to_device_dtype(self, obj: Any, device: Any, dtype: DType, *, copy: Any = OMITTED) -> Any:
        """A tensor or module moved to a device and cast to a dtype in one call (torch:
        ``obj.to(device, dtype, copy=copy)``); ``copy=OMITTED`` passes no ``copy``."""

    def to_other(self, obj: Any, other: Any, *, copy: Any = OMITTED) -> Any:
        """A tensor given the dtype and device of the tensor ``other`` (torch: ``obj.to(other, copy=copy)``)."""

    def to_copy(self, obj: Any, target: Any, *, copy: bool) -> Any:
        """A tensor moved to a device or cast to a dtype with ``copy=`` passed (torch: ``obj.to(target, copy=copy)``)."""

    def device_object(self, spec: Any, index: Any = None) -> Any:
        """The library's device object of ``'type'``, ``'type:index'``, an int ordinal, or
        ``spec`` with ``index`` (torch: ``torch.device(spec)`` / ``torch.device(spec, index)``);
        nothing is allocated."""

    def device_type(self, device: Any) -> str:
        """A device object's type (``'cpu'``, ``'cuda'``; torch: ``device.type``)."""

    def device_index(self, device: Any) -> int | None:
        """A device object's index, ``None`` where it has none (torch: ``device.index``)."""

    def numpy(self, tensor: Any, *, force: bool = False) -> np.ndarray: ...
    def from_numpy(self, array: np.ndarray) -> Any:
        """A CPU tensor sharing the array's memory."""

    def as_tensor(self, value: Any, *, device: str) -> Any: ...
    def item(self, tensor: Any) -> Any: ...
    def tolist(self, tensor: Any) -> Any: ...

    # -- modules and optimizers ------------------------------------------------------------
    def linear(self, in_features: int, out_features: int, *, bias: bool, device: str) -> Any: ...
    def sequential(self, modules: list[Any]) -> Any: ...
    def dropout(self, p: float) -> Any: ...
    def batch_norm(self, features: int, *, device: str) -> Any: ...
    def train(self, module: Any, mode: bool) -> Any:
        """Switch a module to training (``True``) or evaluation mode; returns the module."""

    def is_training(self, module: Any) -> bool: ...
    def module_buffer(self, module: Any, name: str) -> Any:
        """A module's buffer, e.g. batch norm's ``running_mean``."""

    def parameter(self, tensor: Any, *, requires_grad: Any) -> Any:
        """``tensor`` wrapped as a parameter; ``requires_grad=OMITTED`` keeps the library default."""

    def parameters(self, module: Any) -> list[Any]: ...
    def module_parameter(self, module: Any, name: str) -> Any: ...
    def is_parameter(self, value: Any) -> bool: ...
    def zero_grad(self, obj: Any, *, set_to_none: Any = OMITTED) -> None:
        """Clear gradients of a module or optimizer; ``set_to_none=OMITTED`` keeps the library default."""

    def sgd(self, params: list[Any], *, lr: float, momentum: float, weight_decay: float = 0.0) -> Any: ...
    def step(self, optimizer: Any) -> None: ...
    def adaptive_optimizer(self, name: str, params: list[Any], *, lr: float, **options: Any) -> Any:
        """``adam``, ``adamw`` or ``rmsprop`` over ``params``; ``weight_decay`` and ``momentum``
        only where the spec wrote them (the library's defaults otherwise)."""

    def add_param_group(self, optimizer: Any, params: list[Any], **options: Any) -> None:
        """Add ``params`` as a new parameter group of ``optimizer`` with the options written
        (``lr``, ``momentum``, ``weight_decay``); the others take the optimizer's defaults."""

    def call(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call a library object: a module's forward, or a grad-mode object decorating a function."""

    #: True for PyTorch (or a build of it) only: ``raises.match`` regexes are written against
    #: PyTorch's messages, so they are checked only for adapters raising those; for any other
    #: library the canonical error kind is what a spec checks.
    pytorch_messages: bool
    #: Per-spec allclose tolerances replacing the spec's: ``{spec id: {dtype name: (rtol, atol)}}``.
    tolerances: dict[str, dict[str, tuple[float, float]]]

    # -- errors ----------------------------------------------------------------------------
    def error_kind(self, error: BaseException) -> str | None:
        """The canonical kind of a library exception, or ``None``."""


__all__ = ["CAPABILITIES", "Adapter"]

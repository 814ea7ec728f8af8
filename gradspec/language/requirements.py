"""The capabilities a spec needs, computed from the names its checked text uses.

Every name of the language declares the capability it needs (:mod:`gradspec.language.steps`,
:mod:`gradspec.strategies`); a few uses add one: a keyword argument (``backward(inputs=...)``),
a grad-mode function used as a decorator, ``.to()`` of a device or of a dtype, and ``raises``.
The loader refuses a spec whose ``requires`` lacks a capability its text needs.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from gradspec.language import conversions
from gradspec.language.steps import STEP_VOCABULARY
from gradspec.language.vocabulary import Function, Vocabulary
from gradspec.strategies import GIVEN_VOCABULARY

#: A spec that expects an error needs the adapter to map its library's errors.
RAISES_CAPABILITY = "error_kinds"
#: The gradient APIs.  A literal keyword value declared free (``tensors(requires_grad=True)``: an
#: input gradients are taken with respect to) needs no capability in a spec that uses one of
#: them; in any other spec what it makes is observed for the flag itself, which needs its capability.
DIFFERENTIATING = frozenset({"backward", "autograd_grad"})


@dataclass(frozen=True)
class Use:
    """Why a spec needs a capability: the first use of a name that needs it."""

    capability: str
    name: str
    line: int  # within the text it was found in
    #: A free keyword value's use: needed only by a spec that takes no gradient (see :data:`DIFFERENTIATING`).
    waivable: bool = False


@dataclass(frozen=True)
class SpecUse:
    """A use in one part of a spec: ``part`` is ``given`` (``key``: the input's name), ``steps``
    (``use.line``: the line in the steps' text), ``then`` (``key``: the property's index) or
    ``raises``."""

    part: str
    key: str | int | None
    use: Use


def spec_uses(
    given: Mapping[str, ast.expr], statements: Sequence[ast.stmt], properties: Sequence[ast.expr], raises: bool
) -> Iterator[SpecUse]:
    """Every use of a name that needs a capability in a spec's parts, in the order of the spec."""
    found = [SpecUse("given", name, use) for name, node in given.items() for use in uses([node], GIVEN_VOCABULARY)]
    dtype_names = dtype_variables(given, statements, STEP_VOCABULARY, GIVEN_VOCABULARY)
    dict_names = dict_variables(statements)
    names = {"dtype_names": dtype_names, "dict_names": dict_names}
    names["tensor_names"] = tensor_variables(given, statements)
    found += [SpecUse("steps", None, use) for use in uses(statements, STEP_VOCABULARY, **names)]
    for index, node in enumerate(properties):
        found += [SpecUse("then", index, use) for use in uses([node], STEP_VOCABULARY, **names)]
    if raises:
        found.append(SpecUse("raises", None, Use(RAISES_CAPABILITY, "raises", 1)))
    differentiates = any(item.use.capability in DIFFERENTIATING for item in found)
    yield from (item for item in found if not (item.use.waivable and differentiates))


def uses(
    nodes: Iterable[ast.AST],
    vocabulary: Vocabulary,
    *,
    dtype_names: frozenset[str] = frozenset(),
    dict_names: frozenset[str] = frozenset(),
    tensor_names: frozenset[str] = frozenset(),
) -> Iterator[Use]:
    """The capabilities the names in ``nodes`` need, each with the use that needs it;
    ``dtype_names`` are the variables known to hold dtypes (for ``.to()``), ``dict_names``
    those known to hold dicts (for an argument that needs a capability as a dict)."""
    for root in nodes:
        for node in ast.walk(root):
            yield from _uses_of(node, vocabulary, dtype_names, dict_names, tensor_names)


def _uses_of(
    node: ast.AST,
    vocabulary: Vocabulary,
    dtype_names: frozenset[str],
    dict_names: frozenset[str],
    tensor_names: frozenset[str] = frozenset(),
) -> Iterator[Use]:
    line = getattr(node, "lineno", 1)
    if isinstance(node, ast.Name):
        declared = vocabulary.functions.get(node.id) or vocabulary.constants.get(node.id)
        if declared is not None and declared.capability is not None:
            yield Use(declared.capability, node.id, line)
    elif isinstance(node, ast.Attribute) and node.attr in vocabulary.properties:
        prop = vocabulary.properties[node.attr]
        assigned = isinstance(node.ctx, ast.Store)
        if prop.capability is not None and not assigned:
            yield Use(prop.capability, f".{node.attr}", line)
        if assigned:
            capability = prop.write_capability or prop.capability
            if capability is not None:
                yield Use(capability, f".{node.attr} =", line)
    if isinstance(node, ast.Call):
        function = _called(node, vocabulary)
        if function is not None:
            label = f".{function.name}()" if isinstance(node.func, ast.Attribute) else f"{function.name}()"
            if isinstance(node.func, ast.Attribute) and function.capability is not None:
                yield Use(function.capability, label, line)
            for keyword in node.keywords:
                capability = function.keyword_capabilities.get(keyword.arg or "")
                if capability is not None:
                    yield Use(capability, f"{label[:-1]}{keyword.arg}=)", line, waivable=_free(function, keyword))
            if function.dict_capabilities:
                yield from _dict_uses(function, node, label, dict_names)
            if function.target_capabilities is not None and node.args:
                device, dtype = function.target_capabilities
                is_dtype = lambda target: _is_dtype(target, vocabulary, dtype_names)  # noqa: E731
                yield Use(conversions.target_capability(node.args, device, dtype, is_dtype, tensor_names), label, line)
        elif isinstance(node.func, ast.Name) and not vocabulary.has_name(node.func.id):
            # A drawn or assigned function (``factory(shape, requires_grad=True)``): its
            # keywords need what they need of any function of the language that takes them.
            for keyword in node.keywords:
                for capability in _keyword_capabilities(vocabulary, keyword.arg or ""):
                    yield Use(capability, f"{node.func.id}({keyword.arg}=)", line)
    if isinstance(node, ast.FunctionDef):
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            function = vocabulary.functions.get(target.id) if isinstance(target, ast.Name) else None
            if function is not None and function.decorator_capability is not None:
                yield Use(function.decorator_capability, f"@{function.name}", decorator.lineno)


def _dict_uses(function: Function, node: ast.Call, label: str, dict_names: frozenset[str]) -> Iterator[Use]:
    """The capabilities of the arguments the text shows are dicts (``autograd_grad(y, {...})``)."""
    try:
        bound = function.signature.bind(*node.args, **{k.arg: k.value for k in node.keywords if k.arg})
    except TypeError:  # the checker reports the call
        return
    for name, capability in function.dict_capabilities.items():
        value = bound.arguments.get(name)
        if isinstance(value, ast.expr) and is_dict(value, dict_names):
            yield Use(capability, f"{label[:-1]}{name}=<dict>)", node.lineno)


def is_dict(node: ast.expr, dict_names: frozenset[str]) -> bool:
    """Whether an expression evaluates to a dict, as far as its text shows: a dict literal, a
    ``dict(...)`` call, a variable assigned one, or a conditional between such."""
    if isinstance(node, ast.Dict):
        return True
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id == "dict"
    if isinstance(node, ast.Name):
        return node.id in dict_names
    if isinstance(node, ast.IfExp):
        return is_dict(node.body, dict_names) or is_dict(node.orelse, dict_names)
    return False


def dict_variables(statements: Iterable[ast.stmt]) -> frozenset[str]:
    """The variables the steps assign a dict (as :func:`is_dict` sees it), anywhere in them."""
    return assigned_variables(statements, is_dict)


def tensor_variables(given: Mapping[str, ast.expr], statements: Iterable[ast.stmt]) -> frozenset[str]:
    """The inputs drawn by ``tensors(...)`` and the variables assigned a call of a function
    making a new tensor (:data:`conversions.TENSOR_MAKERS`): the targets ``.to(other)`` takes."""
    drawn = [name for name, node in given.items() if conversions.calls(node, frozenset({"tensors"}))]
    return assigned_variables(statements, lambda value, known: conversions.calls(value, conversions.TENSOR_MAKERS), drawn)


def assigned_variables(
    statements: Iterable[ast.stmt], holds: Callable[[ast.expr, frozenset[str]], bool], names: Iterable[str] = ()
) -> frozenset[str]:
    """``names`` and the variables the steps assign, anywhere in them, a value of which
    ``holds(value, known)`` is true (``known``: the names found before it)."""
    found = set(names)
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and holds(node.value, frozenset(found)):
                found.add(node.targets[0].id)
    return frozenset(found)


def _keyword_capabilities(vocabulary: Vocabulary, keyword: str) -> list[str]:
    """The capabilities a keyword argument adds to the language's functions that take it."""
    found = {function.keyword_capabilities.get(keyword) for function in vocabulary.functions.values()}
    return sorted(capability for capability in found if capability is not None)


def _free(function: Function, keyword: ast.keyword) -> bool:
    """A keyword given a literal value that needs no capability (``requires_grad=True`` in ``given``)."""
    if keyword.arg is None or keyword.arg not in function.free_keyword_values or not isinstance(keyword.value, ast.Constant):
        return False
    free = function.free_keyword_values[keyword.arg]
    return type(keyword.value.value) is type(free) and keyword.value.value == free


def _called(node: ast.Call, vocabulary: Vocabulary) -> Function | None:
    if isinstance(node.func, ast.Attribute):
        return vocabulary.methods.get(node.func.attr)
    if isinstance(node.func, ast.Name):
        return vocabulary.functions.get(node.func.id)
    return None


def _is_dtype(node: ast.expr, vocabulary: Vocabulary, dtype_names: frozenset[str]) -> bool:
    """Whether an expression evaluates to a dtype, as far as its text shows: a dtype name, a
    variable holding one, ``x.dtype``, or a conditional between such."""
    if isinstance(node, ast.Name):
        constant = vocabulary.constants.get(node.id)
        return node.id in dtype_names or (constant is not None and node.id != "device")
    if isinstance(node, ast.Attribute):
        return node.attr == "dtype"
    if isinstance(node, ast.IfExp):
        return _is_dtype(node.body, vocabulary, dtype_names) and _is_dtype(node.orelse, vocabulary, dtype_names)
    return False


def dtype_variables(
    given: Mapping[str, ast.expr], statements: Iterable[ast.stmt], vocabulary: Vocabulary, given_vocabulary: Vocabulary
) -> frozenset[str]:
    """The inputs and variables that hold dtypes: inputs drawn from dtype names only
    (``sampled_from([float32, int64])``), variables assigned a dtype, loop variables over a list
    of dtypes."""
    names = {name for name, node in given.items() if _only_dtypes(node, given_vocabulary)}
    for statement in statements:
        for node in ast.walk(statement):
            known = frozenset(names)
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Name)
                and _is_dtype(node.value, vocabulary, known)
            ):
                names.add(node.targets[0].id)
            elif isinstance(node, ast.For) and isinstance(node.target, ast.Name) and _all_dtypes(node.iter, vocabulary, known):
                names.add(node.target.id)
    return frozenset(names)


def _all_dtypes(node: ast.expr, vocabulary: Vocabulary, dtype_names: frozenset[str]) -> bool:
    """A literal list or tuple of dtypes (what a loop over dtypes iterates)."""
    return (
        isinstance(node, (ast.List, ast.Tuple))
        and bool(node.elts)
        and all(_is_dtype(element, vocabulary, dtype_names) for element in node.elts)
    )


def _only_dtypes(node: ast.expr, vocabulary: Vocabulary) -> bool:
    """A strategy expression over dtype names only (``dtypes(floating)``, ``sampled_from([...])``)."""
    leaves = [n for n in ast.walk(node) if isinstance(n, (ast.Name, ast.Constant))]
    calls = {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    constants = [n for n in leaves if isinstance(n, ast.Name) and n.id not in calls]
    return (
        bool(constants)
        and calls <= {"sampled_from", "dtypes", "one_of", "just"}
        and all(n.id in vocabulary.constants for n in constants)
        and not any(isinstance(n, ast.Constant) for n in leaves)
    )

"""Read one YAML document into plain Python values, keeping the line of every key and value.

Only plain YAML is accepted: anchors, aliases and explicit tags are refused (they let a
small file expand into a huge one or construct unexpected types), and so are duplicate keys,
several documents in one file, text that is not UTF-8, collections nested more than
:data:`MAX_DEPTH` deep, more than :data:`MAX_NODES` values, and integers wider than 64 bits.
Every refusal is a :class:`YamlProblem` with a line; nothing else escapes.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

#: Collections nested deeper than this are refused (specs nest 3 deep, baselines 4).
MAX_DEPTH = 20
#: Values (scalars and collections) one file may hold.
MAX_NODES = 10_000
#: Integers must fit in this many bits (and their text in :data:`MAX_INT_CHARS` characters).
MAX_INT_BITS = 64
MAX_INT_CHARS = 100

_INT_TAG = "tag:yaml.org,2002:int"
TOO_DEEP = f"YAML nested too deeply (more than {MAX_DEPTH} levels)"
_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a line break
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


@dataclass
class Document:
    """A parsed YAML document: its value and the 1-based line of each key path."""

    value: Any
    key_lines: dict[Path_, int] = field(default_factory=dict)
    value_lines: dict[Path_, int] = field(default_factory=dict)
    block_styles: dict[Path_, str | None] = field(default_factory=dict)

    def line(self, path: Path_) -> int:
        """The line of ``path``'s key, else of its nearest ancestor; 1 for the document."""
        while path:
            if path in self.key_lines:
                return self.key_lines[path]
            if path in self.value_lines:
                return self.value_lines[path]
            path = path[:-1]
        return 1


class YamlProblem(Exception):
    """Raised with a line and a problem when the text is not acceptable YAML."""

    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        self.problem = problem
        super().__init__(f"{line}: {problem}")


class _Limits:
    """Refuses, event by event, anchors, aliases, explicit tags, collections nested more than
    MAX_DEPTH deep and more than MAX_NODES values."""

    def __init__(self) -> None:
        self.depth = 0
        self.nodes = 0

    def start(self, event: yaml.NodeEvent) -> None:
        """A node starts: a scalar, an alias, or a collection (whose end must follow)."""
        _refuse_anchor_or_tag(event)
        line = _line(event.start_mark)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlProblem(line, f"too many YAML values (more than {MAX_NODES})")
        if isinstance(event, yaml.CollectionStartEvent):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise YamlProblem(line, TOO_DEEP)

    def end(self) -> None:
        """A collection ends."""
        self.depth -= 1

    def check(self, events: Iterable[yaml.Event]) -> None:
        """Check a whole stream of events."""
        for event in events:
            if isinstance(event, yaml.NodeEvent):
                self.start(event)
            elif isinstance(event, yaml.CollectionEndEvent):
                self.end()


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with :class:`_Limits` applied while composing, and nesting also
    refused while scanning (PyYAML's scanner slows down on deep flow collections)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.limits = _Limits()

    def _check_depth(self) -> None:
        if len(self.indents) + self.flow_level > MAX_DEPTH:
            raise YamlProblem(self.line + 1, TOO_DEEP)

    def fetch_flow_collection_start(self, TokenClass: type) -> None:
        super().fetch_flow_collection_start(TokenClass)
        self._check_depth()

    def add_indent(self, column: int) -> bool:
        added = super().add_indent(column)
        self._check_depth()
        return added

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        self.limits.start(event)
        node = super().compose_node(parent, index)
        if isinstance(event, yaml.CollectionStartEvent):
            self.limits.end()
        assert node is not None  # an event was peeked, so a node follows
        return node


_SCALAR_LOADER = yaml.SafeLoader("")
#: LibYAML's parser when PyYAML was built with it (about ten times faster), else ``None``.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def read_document(raw: bytes) -> Document:
    """Parse ``raw`` bytes as one plain YAML document."""
    text = _decode(raw)
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        nodes = _compose(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = f"invalid YAML: {error.problem or error.context}"
        if (
            error.context_mark is not None
            and error.problem_mark is not None
            and error.context_mark.line != error.problem_mark.line
        ):
            problem += f" ({error.context} on line {error.context_mark.line + 1})"
        raise YamlProblem(line, problem) from None
    except yaml.reader.ReaderError as error:
        line = len(_BREAKS.findall(text, 0, error.position)) + 1
        raise YamlProblem(line, f"invalid YAML: unacceptable character #x{error.character:04x}: {error.reason}") from None
    except yaml.YAMLError as error:
        raise YamlProblem(1, f"invalid YAML: {' '.join(str(error).split())}") from None
    if not nodes:
        raise YamlProblem(1, "empty file (expected one YAML mapping describing a behaviour)")
    if len(nodes) > 1:
        line = nodes[1].start_mark.line + 1
        raise YamlProblem(line, "several YAML documents in one file (expected one spec per file)")
    document = Document(value=None)
    document.value = _convert(nodes[0], (), document)
    return document


def _compose(text: str) -> list[yaml.Node]:
    """The documents of ``text``, read by LibYAML when it is there: its events are checked
    (so that its composer never recurses deeply) before it composes them. On any YAML error
    PyYAML's own parser reads the text again, for wording that is the same everywhere."""
    if _FAST_LOADER is not None:
        try:
            _Limits().check(yaml.parse(text, Loader=_FAST_LOADER))
            return list(yaml.compose_all(text, Loader=_FAST_LOADER))
        except yaml.YAMLError:
            pass
    return list(yaml.compose_all(text, Loader=_Loader))


def _decode(raw: bytes) -> str:
    """``raw`` as UTF-8 text; UTF-16 and UTF-32 (with or without a byte order mark) and
    binary data are refused with the line of the first offending byte."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            raise YamlProblem(1, f"not UTF-8 text (a {encoding} byte order mark: save the file as UTF-8)")
    nul = raw.find(b"\0")
    if nul >= 0:
        line = raw[:nul].count(b"\n") + 1
        raise YamlProblem(line, "not UTF-8 text (a NUL byte: binary data, or UTF-16/UTF-32 text)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise YamlProblem(line, f"not UTF-8 text (byte 0x{raw[error.start]:02x})") from None


def _line(mark: Any) -> int:
    """The 1-based line of a PyYAML mark (pure or LibYAML), 1 when it gives none."""
    return 1 if mark is None else mark.line + 1


def _refuse_anchor_or_tag(event: yaml.Event) -> None:
    line = _line(event.start_mark)
    if isinstance(event, yaml.AliasEvent):
        raise YamlProblem(line, f"YAML alias '*{event.anchor}' is not allowed")
    anchor = getattr(event, "anchor", None)
    if anchor is not None:
        raise YamlProblem(line, f"YAML anchor '&{anchor}' is not allowed")
    tag = getattr(event, "tag", None)
    implicit = getattr(event, "implicit", True)
    explicit = tag is not None and (implicit is False or implicit == (False, False))
    if explicit and isinstance(tag, str) and tag != "!":
        shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
        raise YamlProblem(line, f"YAML tag '{shown}' is not allowed")


def _convert(node: yaml.Node, path: Path_, document: Document) -> Any:
    document.value_lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(key_node.start_mark.line + 1, "a mapping key must be a plain string")
            key = key_node.value
            if key in result:
                raise YamlProblem(key_node.start_mark.line + 1, f"duplicate key {_excerpt(key)}")
            document.key_lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _convert(value_node, path + (key,), document)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            document.key_lines[path + (index,)] = item.start_mark.line + 1
            items.append(_convert(item, path + (index,), document))
        return items
    assert isinstance(node, yaml.ScalarNode)
    document.block_styles[path] = node.style
    return node.value if node.style else _construct_plain(node)


def _construct_plain(node: yaml.ScalarNode) -> Any:
    """The value of a plain (unquoted) scalar: a string, number, bool, null or timestamp."""
    line = node.start_mark.line + 1
    hint = "quote it if it is text"
    if node.tag == _INT_TAG and len(node.value) > MAX_INT_CHARS:
        raise YamlProblem(line, f"integer {_excerpt(node.value)} too large (more than {MAX_INT_BITS} bits; {hint})")
    construct = yaml.SafeLoader.yaml_constructors.get(node.tag)
    if construct is None:
        raise YamlProblem(line, f"{_excerpt(node.value)} is not a plain YAML value ({hint})")
    try:
        value = construct(_SCALAR_LOADER, node)
    except (ValueError, ArithmeticError, yaml.YAMLError) as error:
        kind = node.tag.rsplit(":", 1)[-1]
        raise YamlProblem(line, f"{_excerpt(node.value)} is not a valid {kind}: {error} ({hint})") from None
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise YamlProblem(line, f"integer {_excerpt(node.value)} too large (more than {MAX_INT_BITS} bits; {hint})")
    return value


def _excerpt(text: str, limit: int = 40) -> str:
    """``text`` quoted, shortened to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[:limit] + "...")

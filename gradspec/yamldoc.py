"""Read one YAML document into plain Python values, keeping the line of every key and value.

Only plain YAML is accepted: anchors, aliases and explicit tags are refused (they let a
small file expand into a huge one or construct unexpected types), and so are duplicate keys,
several documents in one file, and text that is not UTF-8.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


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


_SCALAR_LOADER = yaml.SafeLoader("")
#: LibYAML's parser when PyYAML was built with it (about ten times faster), else PyYAML's own.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_document(raw: bytes) -> Document:
    """Parse ``raw`` bytes as one plain YAML document."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise YamlProblem(line, f"not UTF-8 text (byte 0x{raw[error.start]:02x})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        nodes = _compose(text, _LOADER)
    except yaml.YAMLError:
        nodes = None
    try:
        if nodes is None:  # report PyYAML's own wording, the same whether LibYAML is there or not
            nodes = _compose(text, yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = f"invalid YAML: {error.problem or error.context}"
        if error.context_mark is not None and error.problem_mark is not None and error.context_mark.line != error.problem_mark.line:
            problem += f" ({error.context} on line {error.context_mark.line + 1})"
        raise YamlProblem(line, problem) from None
    except yaml.YAMLError as error:
        raise YamlProblem(1, f"invalid YAML: {error}") from None
    if not nodes:
        raise YamlProblem(1, "empty file (expected one YAML mapping describing a behaviour)")
    if len(nodes) > 1:
        line = nodes[1].start_mark.line + 1
        raise YamlProblem(line, "several YAML documents in one file (expected one spec per file)")
    document = Document(value=None)
    document.value = _convert(nodes[0], (), document)
    return document


def _compose(text: str, loader: type) -> list[yaml.Node]:
    _refuse_anchors_and_tags(text, loader)
    return list(yaml.compose_all(text, Loader=loader))


def _refuse_anchors_and_tags(text: str, loader: type) -> None:
    for event in yaml.parse(text, Loader=loader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem(line, f"YAML alias '*{event.anchor}' is not allowed")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlProblem(line, f"YAML anchor '&{anchor}' is not allowed")
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        explicit = tag is not None and (implicit is False or implicit == (False, False))
        if explicit and tag != "!":
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
                raise YamlProblem(key_node.start_mark.line + 1, f"duplicate key '{key}'")
            document.key_lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _convert(value_node, path + (key,), document)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            document.key_lines[path + (index,)] = item.start_mark.line + 1
            items.append(_convert(item, path + (index,), document))
        return items
    document.block_styles[path] = node.style
    return _SCALAR_LOADER.construct_scalar(node) if node.style else _construct_plain(node)


def _construct_plain(node: yaml.ScalarNode) -> Any:
    return _SCALAR_LOADER.construct_object(node, deep=True)

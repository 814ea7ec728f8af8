"""A small validator for the JSON Schema subset gradspec's own schemas use.

The runtime does not depend on the ``jsonschema`` package (a GPU machine without network
still runs the suite); the own tests check that this validator and ``jsonschema`` agree.
Problems are written for people: the key, what was expected, and what came.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SUPPORTED_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "$defs",
        "$ref",
        "title",
        "description",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "propertyNames",
        "anyOf",
        "oneOf",
        "not",
        "enum",
        "const",
        "pattern",
        "minLength",
        "minItems",
        "uniqueItems",
        "items",
        "minimum",
        "maximum",
    }
)
_SUBSCHEMA_MAPS = ("properties", "$defs")
_SUBSCHEMAS = ("additionalProperties", "propertyNames", "items", "not")
_SUBSCHEMA_LISTS = ("anyOf", "oneOf")

_PY_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "null": (type(None),),
}

Path_ = tuple[str | int, ...]

#: Values and keys are shown in messages up to this many characters.
SHOWN_CHARS = 80
_PLAIN_KEY = re.compile(r"[^\s.\[\]'\"]+")


@dataclass(frozen=True)
class Problem:
    """One schema violation: where (a key path), and what is wrong."""

    path: Path_
    message: str


def format_path(path: Path_) -> str:
    """``('source', 0, 'url')`` -> ``source[0].url``."""
    text = ""
    for part in path:
        if isinstance(part, str) and not (_PLAIN_KEY.fullmatch(part) and part.isprintable()):
            part = _shown(part)  # an empty key, or one with spaces, dots, quotes or line breaks
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def _shown(value: Any) -> str:
    """``repr(value)`` for a message, shortened to :data:`SHOWN_CHARS` characters."""
    try:
        text = repr(value)
    except ValueError:  # an integer with too many digits to print
        return f"<an integer of {value.bit_length()} bits>"
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def _type_name(value: Any) -> str:
    return type(value).__name__ if value is not None else "null"


class Validator:
    """Validates plain values against one schema document."""

    def __init__(self, schema: dict[str, Any]) -> None:
        _check_keywords(schema, "#")
        self.schema = schema

    def problems(self, value: Any) -> list[Problem]:
        """All problems, first by position; an empty list means the value is valid."""
        return list(self._check(value, self.schema, ()))

    def first_problem(self, value: Any) -> Problem | None:
        """The first of :meth:`problems`, without looking for the others."""
        return next(self._check(value, self.schema, ()), None)

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``schema`` with its ``$ref`` (if any) merged under its own keywords."""
        if "$ref" not in schema:
            return schema
        ref = schema["$ref"]
        if not ref.startswith("#/$defs/"):
            raise ValueError(f"unsupported $ref {ref!r}")
        target = self._resolve(self.schema["$defs"][ref.removeprefix("#/$defs/")])
        return {**target, **{key: value for key, value in schema.items() if key != "$ref"}}

    def _check(self, value: Any, schema: dict[str, Any], path: Path_) -> Iterator[Problem]:
        if "$ref" in schema and set(schema) - {"$ref", "description", "title"}:
            # Both the referenced schema and the keywords beside $ref apply.
            yield from self._check(value, {"$ref": schema["$ref"]}, path)
            schema = {key: item for key, item in schema.items() if key != "$ref"}
        schema = self._resolve(schema)
        expected = schema.get("description", "a valid value")
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(_is_type(value, name) for name in types):
                yield Problem(path, f"expected {expected} but got {_shown(value)} (type={_type_name(value)})")
                return
        if "enum" in schema and not any(_json_equal(value, choice) for choice in schema["enum"]):
            choices = ", ".join(str(choice) for choice in schema["enum"])
            hint = _did_you_mean(value, schema["enum"])
            yield Problem(path, f"{_shown(value)} is not {expected}{hint} (expected one of: {choices})")
            return
        if "const" in schema and not _json_equal(value, schema["const"]):
            yield Problem(path, f"expected {schema['const']!r} but got {_shown(value)}")
        if isinstance(value, str):
            yield from self._check_string(value, schema, path, expected)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                yield Problem(path, f"expected {expected} (at least {schema['minimum']}) but got {_shown(value)}")
            if "maximum" in schema and value > schema["maximum"]:
                yield Problem(path, f"expected {expected} (at most {schema['maximum']}) but got {_shown(value)}")
        if isinstance(value, list):
            yield from self._check_array(value, schema, path, expected)
        if isinstance(value, dict):
            yield from self._check_object(value, schema, path)
        for keyword, exactly_one in (("anyOf", False), ("oneOf", True)):
            if keyword in schema:
                yield from self._check_alternatives(value, schema[keyword], path, exactly_one, expected)
        if "not" in schema and not list(self._check(value, schema["not"], path)):
            yield Problem(path, f"expected {expected} but got {_shown(value)}")

    def _check_string(self, value: str, schema: dict, path: Path_, expected: str) -> Iterator[Problem]:
        if len(value) < schema.get("minLength", 0):
            yield Problem(path, f"expected {expected} but got an empty or too short string {_shown(value)}")
        elif "pattern" in schema and not _pattern(schema["pattern"]).search(value):
            yield Problem(path, f"{_shown(value)} is not {expected}")

    def _check_array(self, value: list, schema: dict, path: Path_, expected: str) -> Iterator[Problem]:
        if len(value) < schema.get("minItems", 0):
            yield Problem(path, f"expected {expected} with at least {schema['minItems']} item(s) but got {_shown(value)}")
        if schema.get("uniqueItems"):
            seen: list[Any] = []
            for index, item in enumerate(value):
                if any(_json_equal(item, other) for other in seen):
                    yield Problem(path + (index,), f"duplicate item {_shown(item)}")
                seen.append(item)
        if "items" in schema:
            for index, item in enumerate(value):
                yield from self._check(item, schema["items"], path + (index,))

    def _check_object(self, value: dict, schema: dict, path: Path_) -> Iterator[Problem]:
        properties = schema.get("properties", {})
        names = schema.get("propertyNames")
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if names and "pattern" in names and not _pattern(names["pattern"]).search(key):
                yield Problem(path + (key,), f"{_shown(key)} is not a valid name (expected lower_snake_case)")
                continue
            if names and "enum" in names and key not in names["enum"]:
                choices = ", ".join(names["enum"])
                yield Problem(
                    path + (key,),
                    f"{_shown(key)} is not a valid key{_did_you_mean(key, names['enum'])} (expected one of: {choices})",
                )
                continue
            if key in properties:
                yield from self._check(item, properties[key], path + (key,))
            elif extra is False:
                hint = _did_you_mean(key, properties)
                allowed = ", ".join(properties)
                yield Problem(path + (key,), f"unknown key{hint} (expected one of: {allowed})")
            elif isinstance(extra, dict):
                yield from self._check(item, extra, path + (key,))
        # Missing keys last: an unknown key above is often the misspelt missing one.
        for key in schema.get("required", []):
            if key not in value:
                wanted = self._resolve(properties.get(key, {})).get("description", "a value")
                yield Problem(path + (key,), f"missing required key (expected {wanted})")

    def _check_alternatives(
        self, value: Any, options: list[dict], path: Path_, exactly_one: bool, expected: str
    ) -> Iterator[Problem]:
        matches = sum(1 for option in options if not list(self._check(value, option, path)))
        if (exactly_one and matches == 1) or (not exactly_one and matches >= 1):
            return
        if isinstance(value, dict) and all(option.get("required") for option in options):
            yield Problem(path, _alternatives_problem(value, options, exactly_one))
        else:
            yield Problem(path, f"expected {expected} but got {_shown(value)}")


def _alternatives_problem(value: dict, options: list[dict], exactly_one: bool) -> str:
    """Which keys of alternatives that differ by their required keys are missing or too many."""
    heads = [option["required"][0] for option in options]
    present = [head for head in heads if head in value]
    choices = " or ".join(repr(head) for head in heads)
    if exactly_one and len(present) > 1:
        return f"give one of {choices}, not {' and '.join(repr(head) for head in present)}"
    if not present:
        count = "exactly one" if exactly_one else "at least one"
        return f"expected {count} of {choices} but got neither"
    option = options[heads.index(present[0])]
    missing = [key for key in option["required"] if key not in value]
    return f"{present[0]!r} needs {', '.join(repr(key) for key in missing)}" if missing else f"expected {choices}"


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _PY_TYPES[name])


def _json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON Schema defines it: booleans are not numbers, 1 equals 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    """A JSON Schema (ECMA-262) pattern: ``$`` ends the text, it does not also match before a
    final newline as Python's does."""
    return re.compile(re.sub(r"(?<!\\)\$$", r"\\Z", pattern))


def _check_keywords(schema: Any, where: str) -> None:
    """Refuse a schema using keywords this validator would silently ignore."""
    if not isinstance(schema, dict):
        return
    unknown = set(schema) - SUPPORTED_KEYWORDS
    if unknown:
        raise ValueError(f"schema {where} uses unsupported keywords: {', '.join(sorted(unknown))}")
    for key in _SUBSCHEMA_MAPS:
        for name, sub in schema.get(key, {}).items():
            _check_keywords(sub, f"{where}/{key}/{name}")
    for key in _SUBSCHEMAS:
        if isinstance(schema.get(key), dict):
            _check_keywords(schema[key], f"{where}/{key}")
    for key in _SUBSCHEMA_LISTS:
        for index, sub in enumerate(schema.get(key, [])):
            _check_keywords(sub, f"{where}/{key}/{index}")


def _did_you_mean(value: Any, choices: Any) -> str:
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, [str(c) for c in choices], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


@cache
def load_schema(path: Path) -> dict[str, Any]:
    """Read a schema file once per process."""
    return json.loads(Path(path).read_text(encoding="utf-8"))

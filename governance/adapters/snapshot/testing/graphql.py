"""A small GraphQL executor: enough of the language for the queries a Snapshot client sends.

Supported: one ``query`` operation with variable definitions, fields with arguments
(variables, strings, numbers, booleans, null, enum names, lists and objects), nested
selection sets. Not supported: fragments, directives, aliases, mutations.
Resolvers return plain dicts (or lists of them); the executor keeps the selected fields.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Field", "GraphQLError", "Resolver", "execute", "parse"]

Resolver = Callable[[Mapping[str, Any]], Any]
_TOKEN = re.compile(
    r'(?P<skip>[\s,]+|#[^\n]*)|(?P<string>"(?:\\.|[^"\\])*")|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)'
    r"|(?P<name>[_A-Za-z][_0-9A-Za-z]*)|(?P<punct>[{}()\[\]:!$=])"
)


class GraphQLError(Exception):
    """A query this executor cannot parse or answer; its text goes back in ``errors``."""


@dataclass(frozen=True)
class Field:
    name: str
    arguments: tuple[tuple[str, Any], ...]
    selection: tuple[Field, ...]


@dataclass(frozen=True)
class _Variable:
    name: str


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise GraphQLError(f"Syntax Error: unexpected character at {position}")
        position = match.end()
        kind = match.lastgroup or ""
        if kind != "skip":
            tokens.append((kind, match.group()))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens, self.at = _tokenize(text), 0

    def peek(self) -> str:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.tokens) or (expected is not None and self.peek() != expected):
            raise GraphQLError(f"Syntax Error: expected {expected or 'more'}, found {self.peek() or 'end'}")
        self.at += 1
        return self.tokens[self.at - 1]

    def document(self) -> tuple[Field, ...]:
        if self.peek() == "query":
            self.take()
            if self.peek() not in ("(", "{"):
                self.take()
            if self.peek() == "(":
                self.skip_variable_definitions()
        fields = self.selection()
        if self.at != len(self.tokens):
            raise GraphQLError("Syntax Error: only one operation is supported")
        return fields

    def skip_variable_definitions(self) -> None:
        depth = 0
        while True:
            token = self.take()[1]
            depth += {"(": 1, ")": -1}.get(token, 0)
            if depth == 0:
                return

    def selection(self) -> tuple[Field, ...]:
        self.take("{")
        fields = []
        while self.peek() != "}":
            fields.append(self.field())
        self.take("}")
        return tuple(fields)

    def field(self) -> Field:
        kind, name = self.take()
        if kind != "name":
            raise GraphQLError(f"Syntax Error: expected a field name, found {name}")
        arguments: list[tuple[str, Any]] = []
        if self.peek() == "(":
            self.take("(")
            while self.peek() != ")":
                key = self.take()[1]
                self.take(":")
                arguments.append((key, self.value()))
            self.take(")")
        selection = self.selection() if self.peek() == "{" else ()
        return Field(name, tuple(arguments), selection)

    def value(self) -> Any:
        kind, text = self.take()
        if text == "$":
            return _Variable(self.take()[1])
        if kind == "string":
            return json.loads(text)
        if kind == "number":
            return float(text) if any(c in text for c in ".eE") else int(text)
        if text == "[":
            items = []
            while self.peek() != "]":
                items.append(self.value())
            self.take("]")
            return items
        if text == "{":
            return self.object_value()
        return {"true": True, "false": False, "null": None}.get(text, text)

    def object_value(self) -> dict[str, Any]:
        result = {}
        while self.peek() != "}":
            key = self.take()[1]
            self.take(":")
            result[key] = self.value()
        self.take("}")
        return result


def parse(text: str) -> tuple[Field, ...]:
    return _Parser(text).document()


def _bind(value: Any, variables: Mapping[str, Any]) -> Any:
    if isinstance(value, _Variable):
        return variables.get(value.name)
    if isinstance(value, list):
        return [_bind(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: _bind(v, variables) for k, v in value.items()}
    return value


def _project(value: Any, selection: tuple[Field, ...], path: str) -> Any:
    if not selection or value is None:
        return value
    if isinstance(value, list):
        return [_project(item, selection, path) for item in value]
    result = {}
    for field in selection:
        if field.name not in value:
            raise GraphQLError(f'Cannot query field "{field.name}" on "{path}"')
        result[field.name] = _project(value[field.name], field.selection, field.name)
    return result


def execute(query: str, variables: Mapping[str, Any] | None, resolvers: Mapping[str, Resolver]) -> dict[str, Any]:
    """Run ``query``; the answer is ``{"data": ...}`` or ``{"errors": [{"message": ...}]}``, as a hub sends."""
    try:
        data = {}
        for field in parse(query):
            resolver = resolvers.get(field.name)
            if resolver is None:
                raise GraphQLError(f'Cannot query field "{field.name}" on type "Query"')
            arguments = {k: _bind(v, variables or {}) for k, v in field.arguments}
            data[field.name] = _project(resolver(arguments), field.selection, field.name)
    except GraphQLError as exc:
        return {"errors": [{"message": str(exc)}]}
    return {"data": data}

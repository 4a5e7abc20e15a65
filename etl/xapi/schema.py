"""xAPI 1.0.3's shape rules: a JSON Schema, checked by jsonschema-rs, and the reason a manager reads.

``statement.schema.json`` beside this file states what the spec says a statement may
hold: which properties, of which type and format, in which combinations (one
identifier per agent, an anonymous group of two as authority, revision and platform
only for an Activity...). Each rule carries its wording in ``description``; a broken
rule becomes one sentence naming the field, the value and that rule.

The validator is compiled once, at import. ``nonconforming`` checks a whole batch of
statements in one call into Rust (the common case: all conform); only the statements
that break a rule are checked again, one by one, to word the reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs

#: The schema, written for this project from xAPI-Data 1.0.3 (its origin is in its $comment).
SCHEMA_FILE = Path(__file__).with_name("statement.schema.json")

_SCHEMA: dict = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
_ONE = jsonschema_rs.validator_for(_SCHEMA)
_MANY = jsonschema_rs.validator_for(
    {"$schema": _SCHEMA["$schema"], "type": "array", "items": {"$ref": "#/$defs/statement"}, "$defs": _SCHEMA["$defs"]}
)

#: The schema's agent, group and authority, whose broken identifier rules are worded by counting identifiers.
_AGENTS = (["$defs", "agent"], ["$defs", "group"], ["$defs", "authority"])
_IDENTIFIERS = ("mbox", "mbox_sha1sum", "openid", "account")
#: The rule for null, which the schema states only as a wrong type.
_NULL_RULE = "xAPI allows null only inside extensions (xAPI 1.0.3 Data 2.2)"


def nonconforming(statements: list[dict]) -> set[int]:
    """Positions (from 0) of the statements that break a shape rule, checked in one call."""
    if _MANY.is_valid(statements):
        return set()
    return {error.instance_path[0] for error in _MANY.iter_errors(statements)}


def conforms(statement: dict) -> bool:
    """True when one statement keeps every shape rule."""
    return _ONE.is_valid(statement)


def problem(statement: dict) -> str | None:
    """The reason a statement breaks a shape rule, in one sentence; None when it keeps them all.

    Of several broken rules, the one found deepest in the statement is named: it is the
    most precise (a group's member without identifier, rather than the group).
    """
    errors = list(_ONE.iter_errors(statement))
    if not errors:
        return None
    error = max(errors, key=lambda e: len(e.instance_path))  # the first of the deepest
    return _sentence(error)


def _sentence(error: Any) -> str:
    where = _where(error.instance_path)
    value = error.instance
    kind = type(error.kind).__name__
    details = error.kind.as_dict()
    if kind == "AdditionalProperties":
        names = ", ".join(f"'{n}'" for n in details["unexpected"])
        owner = "the statement" if where == "the statement" else where
        return (
            f"{owner} has {names}, which xAPI does not define there; property names are case-sensitive "
            "(xAPI 1.0.3 Data 2.2)."
        )
    if value is None:
        return f"{where} is null, and {_NULL_RULE}."
    rule = _rule(error.schema_path)
    if kind == "Required":
        return f"{where} has no '{details['property']}': {rule}."
    if kind == "PropertyNames":
        key = details["error"].instance
        return f"{where} has the key {_show(key)}: {rule}."
    if kind in ("MinItems", "MaxItems"):
        return f"{where} has {len(value)} entr{'y' if len(value) == 1 else 'ies'}: {rule}."
    if isinstance(value, dict) and kind in ("AnyOf", "Not") and error.schema_path[:2] in _AGENTS:
        present = [k for k in _IDENTIFIERS if k in value]
        count = f"{len(present)} identifier{'s' if len(present) > 1 else ''}"
        has = f"{count} ({', '.join(present)})" if present else "no identifier"
        return f"{where} has {has}: {rule}."
    if isinstance(value, (dict, list)):
        shape = "an object" if isinstance(value, dict) else "a list"
        return f"{where} is {shape}: {rule}." if kind == "Type" else f"{where} breaks a rule: {rule}."
    return f"{where} is {_show(value)}: {rule}."


def _where(path: list) -> str:
    """The field, as a manager finds it in the statement: context.instructor.mbox, attachments[0].display."""
    if not path:
        return "the statement"
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _rule(schema_path: list) -> str:
    """The wording of the nearest rule on the schema path (the schema's descriptions)."""
    node: Any = _SCHEMA
    rule = _SCHEMA["$defs"]["statement"]["description"]
    for part in schema_path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "description" in node:
            rule = node["description"]
    return rule


def _show(value: Any) -> str:
    """A value as it appears in a reason: text in quotes, JSON otherwise, cut to 80 characters."""
    if isinstance(value, str):
        text = f"'{value}'"
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError):
            text = f"a {type(value).__name__} nested too deep to show"
    return text if len(text) <= 80 else text[:77] + "..."

"""Validate a manifest against the app's JSON schema (``src/core/manifest/manifest.schema.json``).

Uses the ``jsonschema`` package when it is importable; otherwise a small built-in validator
that implements exactly the keywords that schema uses (type, required, properties,
additionalProperties, items, enum, const, pattern, minimum, maximum, exclusiveMinimum,
exclusiveMaximum, minItems, maxItems, minLength) and refuses any other keyword, so a schema
change can't pass unchecked. ``validator_name()`` says which one ran.

    python3 -m diffprobe_tools.schema ../public/models/*/manifest.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Any, List

_HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_PATH = os.path.abspath(os.path.join(_HERE, "..", "..", "src", "core", "manifest", "manifest.schema.json"))

_ANNOTATIONS = {"$schema", "$id", "title", "description", "$comment", "default", "examples"}
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def load_schema(path: str = SCHEMA_PATH) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _lite(inst: Any, sch: dict, where: str, errors: List[str]) -> None:
    for key in sch:
        if key not in _ANNOTATIONS and key not in {
            "type", "required", "properties", "additionalProperties", "items", "enum", "const", "pattern",
            "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "minLength",
        }:
            errors.append(f"{where}: schema keyword '{key}' is not supported by the built-in validator")
    if "type" in sch:
        types = sch["type"] if isinstance(sch["type"], list) else [sch["type"]]
        if not any(_TYPES[t](inst) for t in types):
            errors.append(f"{where}: expected {'/'.join(types)}, got {type(inst).__name__}")
            return
    if "const" in sch and not (inst == sch["const"] and type(inst) is type(sch["const"])):
        errors.append(f"{where}: must be {sch['const']!r}")
    if "enum" in sch and not any(inst == e and type(inst) is type(e) for e in sch["enum"]):
        errors.append(f"{where}: {inst!r} is not one of {sch['enum']}")
    if isinstance(inst, str):
        if "pattern" in sch and not re.search(sch["pattern"], inst):
            errors.append(f"{where}: {inst!r} does not match {sch['pattern']}")
        if "minLength" in sch and len(inst) < sch["minLength"]:
            errors.append(f"{where}: shorter than {sch['minLength']}")
    if _num(inst):
        if "minimum" in sch and inst < sch["minimum"]:
            errors.append(f"{where}: {inst} < minimum {sch['minimum']}")
        if "maximum" in sch and inst > sch["maximum"]:
            errors.append(f"{where}: {inst} > maximum {sch['maximum']}")
        if "exclusiveMinimum" in sch and inst <= sch["exclusiveMinimum"]:
            errors.append(f"{where}: {inst} ≤ exclusiveMinimum {sch['exclusiveMinimum']}")
        if "exclusiveMaximum" in sch and inst >= sch["exclusiveMaximum"]:
            errors.append(f"{where}: {inst} ≥ exclusiveMaximum {sch['exclusiveMaximum']}")
    if isinstance(inst, list):
        if "minItems" in sch and len(inst) < sch["minItems"]:
            errors.append(f"{where}: fewer than {sch['minItems']} items")
        if "maxItems" in sch and len(inst) > sch["maxItems"]:
            errors.append(f"{where}: more than {sch['maxItems']} items")
        if isinstance(sch.get("items"), dict):
            for i, v in enumerate(inst):
                _lite(v, sch["items"], f"{where}[{i}]", errors)
    if isinstance(inst, dict):
        for k in sch.get("required", []):
            if k not in inst:
                errors.append(f"{where}: missing required '{k}'")
        props = sch.get("properties", {})
        for k, v in inst.items():
            if k in props:
                _lite(v, props[k], f"{where}.{k}", errors)
            elif sch.get("additionalProperties") is False:
                errors.append(f"{where}: additional property '{k}' is not allowed")
            elif isinstance(sch.get("additionalProperties"), dict):
                _lite(v, sch["additionalProperties"], f"{where}.{k}", errors)


def validator_name() -> str:
    try:
        import jsonschema  # noqa: F401

        return "jsonschema"
    except ImportError:
        return "built-in subset validator (diffprobe_tools.schema)"


def validate(instance: Any, schema: dict | None = None) -> List[str]:
    """Return a list of error messages (empty when ``instance`` is valid)."""
    schema = schema if schema is not None else load_schema()
    try:
        import jsonschema
    except ImportError:
        errors: List[str] = []
        _lite(instance, schema, "$", errors)
        return errors
    cls = jsonschema.validators.validator_for(schema)
    return [f"$.{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in cls(schema).iter_errors(instance)]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("manifests", nargs="+")
    args = ap.parse_args(argv)
    schema = load_schema()
    bad = 0
    for path in args.manifests:
        with open(path, encoding="utf-8") as f:
            errs = validate(json.load(f), schema)
        print(f"{path}: {'OK' if not errs else 'INVALID'}")
        for e in errs:
            print(f"  {e}")
        bad += bool(errs)
    print(f"validator: {validator_name()}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

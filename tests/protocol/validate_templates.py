#!/usr/bin/env python3
"""Checks the record templates in protocol/schemas/templates/ and their examples.

Usage: validate_templates.py TEMPLATE_DIR EXAMPLE_DIR

TEMPLATE_DIR holds one JSON Schema per template, <template_id>.json. EXAMPLE_DIR holds one
directory per template, <template_id>/, with
  valid-<name>.json     an example that must match the template;
  invalid-<name>.json   an example that must not match it, with
  invalid-<name>.expect the path of the field it is refused for, on one line.

Each schema is checked to be
  - a valid draft 2020-12 schema (Draft202012Validator.check_schema);
  - within the subset of JSON Schema that musubi's C++ validator (protocol/json_schema.hpp)
    supports: only the keywords in KEYWORDS and "x-" annotations, format only date, date-time or
    time, $ref only to a subschema of the same document;
  - written in the templates' conventions: "$id" musubi:template:<file name>, "title" (Japanese),
    "x-label-en" and "x-version" at the root; "additionalProperties": false on every object;
    "title" and "x-label-en" on every field and array item; "x-enum-labels" with "ja" and "en"
    for exactly the values of every enum; "maxLength" on every string that is not an enum or
    const, "maxItems" on every array; every "required" name declared in "properties".

Paths are written as musubi's validator writes SchemaError::path: "" for the root,
"vitals.pulse", "contacts[2].phone"; a key that is empty or holds . [ ] " \\ or a control
character is written as a JSON string in brackets: notes["a.b"]. Like the C++ validator, a missing
required field and an unknown field are reported at the field itself ("author", not the object
that lacks it); every other error at jsonschema's absolute_path. The .expect path must be among the
paths of the errors (including those under anyOf/oneOf) of its example.

Formats are assertions, with the C++ validator's meaning (checked here by hand, so that the result
does not depend on optional packages and works offline):
  date       YYYY-MM-DD, a day that exists;
  date-time  RFC 3339, with Z or a numeric offset, T and Z may be lower case, no leap second;
  time       HH:MM or HH:MM:SS[.fraction], optional Z or offset.

Every template must have at least two valid examples, among them valid-full*.json examples that
together use every field the template declares, and, among its invalid examples, at least one
refused for each of: a missing required field, a wrong type, a value outside an enum, an unknown
field, a string over maxLength. An invalid example must break one rule only: every error it
causes must be at its .expect path.

Prints every failure; exits 1 on any. Works with Debian 12's python3-jsonschema (4.10) and later.
"""

import json
import pathlib
import re
import sys

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker

KEYWORDS = {
    # assertions and applicators the C++ validator implements
    "type", "enum", "const", "properties", "required", "additionalProperties", "items",
    "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "minimum",
    "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format", "allOf", "anyOf",
    "oneOf", "not", "if", "then", "else", "$ref", "$defs",
    # annotations
    "title", "description", "examples", "default", "$schema", "$id", "$comment",
}
FORMATS = {"date", "date-time", "time"}
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
# Every template's invalid examples together must be refused for each of these reasons.
REQUIRED_KINDS = {"required", "type", "enum", "additionalProperties", "maxLength"}
MIN_VALID_EXAMPLES = 2

# --- formats, as protocol/json_schema.hpp defines them ----------------------------------------

DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
DATE_TIME = re.compile(
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?"
    r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$")
TIME = re.compile(
    r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$")


def is_date(value):
    if not isinstance(value, str):
        return True
    m = DATE.match(value)
    if not m:
        return False
    year, month, day = (int(g) for g in m.groups())
    if not 1 <= month <= 12 or day < 1:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return day <= days


def is_date_time(value):
    if not isinstance(value, str):
        return True
    m = DATE_TIME.match(value)
    return bool(m) and is_date(m.group(1))


def is_time(value):
    if not isinstance(value, str):
        return True
    return bool(TIME.match(value))


def format_checker():
    checker = FormatChecker(formats=())
    checker.checks("date")(is_date)
    checker.checks("date-time")(is_date_time)
    checker.checks("time")(is_time)
    return checker


# --- paths -------------------------------------------------------------------------------------

PLAIN_KEY = re.compile(r'^[^.\[\]"\\\x00-\x1f\x7f]+$')


def path_text(parts):
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif PLAIN_KEY.match(part):
            text += ("." if text else "") + part
        else:
            text += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return text


def error_paths(error):
    """The paths an error is reported at, as the C++ validator reports them."""
    base = list(error.absolute_path)
    paths = set()
    if error.validator == "required" and isinstance(error.instance, dict):
        for name in error.validator_value:
            if name not in error.instance:
                paths.add(path_text(base + [name]))
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        declared = error.schema.get("properties", {})
        for name in error.instance:
            if name not in declared:
                paths.add(path_text(base + [name]))
    else:
        paths.add(path_text(base))
    for sub in error.context or ():
        paths |= error_paths(sub)
    return paths


def field_paths(instance, prefix=""):
    """Every member an instance uses, as generic paths: "contacts[].phone"."""
    if isinstance(instance, dict):
        for name, value in instance.items():
            path = f"{prefix}.{name}" if prefix else name
            yield path
            yield from field_paths(value, path)
    elif isinstance(instance, list):
        for item in instance:
            yield from field_paths(item, prefix + "[]")


def all_errors(validator, instance):
    def flatten(errors):
        for e in errors:
            yield e
            yield from flatten(e.context or ())
    return list(flatten(validator.iter_errors(instance)))


# --- schema conventions ------------------------------------------------------------------------

class Lint:
    def __init__(self, name, document):
        self.name = name
        self.document = document
        self.problems = []

    def problem(self, where, text):
        line = f"{self.name}: {where or '#'}: {text}"
        if line not in self.problems:
            self.problems.append(line)

    def resolve(self, ref, where):
        if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")):
            self.problem(where, f"$ref {ref!r} must point into the same document (#/$defs/...)")
            return None
        target = self.document
        for raw in ref[2:].split("/") if ref != "#" else []:
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(target, dict) and part in target:
                target = target[part]
            elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
                target = target[int(part)]
            else:
                self.problem(where, f"$ref {ref!r} points at nothing")
                return None
        return target

    def effective(self, schema, where, seen=()):
        """The schema's own keywords merged over those of its $ref chain (2020-12 semantics)."""
        if not isinstance(schema, dict):
            return {}
        merged = {}
        if "$ref" in schema and schema["$ref"] not in seen:
            target = self.resolve(schema["$ref"], where)
            merged.update(self.effective(target, where, seen + (schema["$ref"],)))
        merged.update({k: v for k, v in schema.items() if k != "$ref"})
        return merged

    def fields(self, schema=None, prefix=""):
        """Every field the schema declares, as generic paths: "contacts[].phone"."""
        eff = self.effective(self.document if schema is None else schema, "#")
        for name, sub in eff.get("properties", {}).items():
            path = f"{prefix}.{name}" if prefix else name
            yield path
            yield from self.fields(sub, path)
        if isinstance(eff.get("items"), dict):
            yield from self.fields(eff["items"], prefix + "[]")

    def check_root(self, stem):
        d = self.document
        if d.get("$schema") != DRAFT_2020_12:
            self.problem("#", f'"$schema" must be {DRAFT_2020_12}')
        if d.get("$id") != f"musubi:template:{stem}":
            self.problem("#", f'"$id" must be musubi:template:{stem}')
        for key in ("title", "x-label-en", "description"):
            if not isinstance(d.get(key), str) or not d.get(key):
                self.problem("#", f'"{key}" is missing')
        if not isinstance(d.get("x-version"), int) or d.get("x-version") < 1:
            self.problem("#", '"x-version" must be an integer of 1 or more')
        if d.get("type") != "object":
            self.problem("#", 'the root must be "type": "object"')

    def walk(self, schema, where, is_field=False, in_condition=False):
        """Checks one subschema.

        is_field: it declares a field or an array item, so it needs labels (unless in_condition:
        it is under allOf, anyOf, oneOf, not, if, then or else, where "properties" only adds
        conditions to fields declared elsewhere)."""
        if isinstance(schema, bool):
            return
        if not isinstance(schema, dict):
            self.problem(where, "a subschema must be an object or a boolean")
            return
        for key in schema:
            if key not in KEYWORDS and not key.startswith("x-"):
                self.problem(where, f'keyword "{key}" is not supported by musubi\'s validator')
        if "format" in schema and schema["format"] not in FORMATS:
            self.problem(where, f'format "{schema["format"]}" is not supported (only date, date-time, time)')
        if "$ref" in schema:
            self.resolve(schema["$ref"], where)
        if isinstance(schema.get("items"), list):
            self.problem(where, '"items" must be one schema (the tuple form is not supported)')

        eff = self.effective(schema, where)
        types = eff.get("type")
        types = set(types) if isinstance(types, list) else {types} if types else set()
        if is_field and not in_condition:
            for key in ("title", "x-label-en"):
                if not isinstance(eff.get(key), str) or not eff.get(key):
                    self.problem(where, f'a field needs "{key}"')
        if "enum" in schema and not in_condition:
            labels = schema.get("x-enum-labels")
            if not isinstance(labels, dict) or set(labels) != {str(v) for v in schema["enum"]}:
                self.problem(where, '"x-enum-labels" must label exactly the values of "enum"')
            else:
                for value, label in labels.items():
                    if not isinstance(label, dict) or set(label) != {"ja", "en"}:
                        self.problem(where, f'"x-enum-labels" of {value!r} needs "ja" and "en"')
        if "string" in types and "enum" not in eff and "const" not in eff and "maxLength" not in eff:
            self.problem(where, 'a string needs "maxLength"')
        if "array" in types and "maxItems" not in eff:
            self.problem(where, 'an array needs "maxItems"')
        if "object" in types and "type" in schema:
            if schema.get("additionalProperties") is not False:
                self.problem(where, 'an object needs "additionalProperties": false')
        declared = eff.get("properties", {})
        if "properties" in schema and "type" in schema:
            for name in schema.get("required", []):
                if name not in declared:
                    self.problem(where, f'required "{name}" is not declared in "properties"')

        for name, sub in schema.get("properties", {}).items():
            self.walk(sub, f"{where}/properties/{name}", True, in_condition)
        for name, sub in schema.get("$defs", {}).items():
            self.walk(sub, f"{where}/$defs/{name}")
        if isinstance(schema.get("items"), (dict, bool)):
            self.walk(schema["items"], f"{where}/items", True, in_condition)
        if isinstance(schema.get("additionalProperties"), dict):
            self.walk(schema["additionalProperties"], f"{where}/additionalProperties", True, in_condition)
        for key in ("not", "if", "then", "else"):
            if key in schema:
                self.walk(schema[key], f"{where}/{key}", in_condition=True)
        for key in ("allOf", "anyOf", "oneOf"):
            for i, sub in enumerate(schema.get(key, [])):
                self.walk(sub, f"{where}/{key}/{i}", in_condition=True)


# --- main --------------------------------------------------------------------------------------

def load_json(path, failures):
    try:
        with path.open(encoding="utf-8") as f:
            return json.load(f), True
    except (OSError, ValueError) as e:
        failures.append(f"{path}: cannot read: {e}")
        return None, False


def main(argv):
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    template_dir = pathlib.Path(argv[1])
    example_dir = pathlib.Path(argv[2])
    failures = []
    checker = format_checker()

    schema_files = sorted(template_dir.glob("*.json"))
    if not schema_files:
        print(f"validate_templates: no *.json templates in {template_dir}", file=sys.stderr)
        return 1
    for stray in sorted(p.name for p in example_dir.iterdir() if p.is_dir()):
        if not (template_dir / f"{stray}.json").exists():
            failures.append(f"{example_dir / stray}: examples for no template")

    for schema_file in schema_files:
        stem = schema_file.stem
        schema, ok = load_json(schema_file, failures)
        if not ok:
            continue
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as e:
            failures.append(f"{schema_file.name}: not a valid 2020-12 schema: {e.message}")
            continue
        lint = Lint(schema_file.name, schema)
        lint.check_root(stem)
        lint.walk(schema, "#")
        failures.extend(lint.problems)
        if lint.problems:
            continue
        validator = Draft202012Validator(schema, format_checker=checker)

        directory = example_dir / stem
        valid = sorted(directory.glob("valid-*.json"))
        invalid = sorted(directory.glob("invalid-*.json"))
        kinds = set()
        if len(valid) < MIN_VALID_EXAMPLES:
            failures.append(f"{directory}: needs at least {MIN_VALID_EXAMPLES} valid-*.json examples")
        for path in sorted(directory.glob("*")):
            if not re.match(r"^(valid-.+\.json|invalid-.+\.(json|expect))$", path.name):
                failures.append(f"{path}: not an example (valid-*.json, invalid-*.json, invalid-*.expect)")
        valid_full = [p for p in valid if p.name.startswith("valid-full")]
        used = set()
        for path in valid:
            instance, ok = load_json(path, failures)
            if not ok:
                continue
            if path in valid_full:
                used |= set(field_paths(instance))
            errors = all_errors(validator, instance)
            for e in errors[:5]:
                failures.append(f"{path}: should be valid, but at {path_text(e.absolute_path)!r}: {e.message}")
        for path in invalid:
            instance, ok = load_json(path, failures)
            if not ok:
                continue
            expect_file = path.with_suffix(".expect")
            try:
                expected = expect_file.read_text(encoding="utf-8").rstrip("\n")
            except OSError:
                failures.append(f"{path}: no {expect_file.name} with the expected error path")
                continue
            errors = all_errors(validator, instance)
            if not errors:
                failures.append(f"{path}: should be invalid, but matches")
                continue
            paths = set()
            for e in errors:
                found = error_paths(e)
                paths |= found
                if expected in found:
                    kinds.add(e.validator)
            if expected not in paths:
                failures.append(f"{path}: expected an error at {expected!r}, got errors at "
                                f"{sorted(paths)!r}: " + "; ".join(e.message for e in errors[:3]))
                continue
            # Each invalid example breaks one rule, so that its .expect is the first (and only)
            # error whatever order a validator reports errors in.
            stray = [e for e in validator.iter_errors(instance) if expected not in error_paths(e)]
            for e in stray[:3]:
                failures.append(f"{path}: also refused at {sorted(error_paths(e))!r} "
                                f"(an invalid example should break one rule only): {e.message}")
        for expect_file in sorted(directory.glob("invalid-*.expect")):
            if not expect_file.with_suffix(".json").exists():
                failures.append(f"{expect_file}: no matching .json example")
        if valid_full:
            unused = sorted(set(lint.fields()) - used)
            if unused:
                failures.append(f"{directory}: fields used by no valid-full*.json example: "
                                + ", ".join(unused))
        else:
            failures.append(f"{directory}: needs a valid-full*.json example")
        missing = REQUIRED_KINDS - kinds
        if missing:
            failures.append(f"{directory}: no invalid example refused at its .expect path for: "
                            + ", ".join(sorted(missing)))
        print(f"{stem}: {len(valid)} valid, {len(invalid)} invalid examples")

    for failure in failures:
        print(f"FAIL {failure}")
    if failures:
        print(f"validate_templates: {len(failures)} failure(s)")
        return 1
    print(f"validate_templates: {len(schema_files)} templates OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

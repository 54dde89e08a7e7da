#!/usr/bin/env python3
"""Checks FHIR bundles against the official FHIR R4 JSON Schema, and their narrative as XHTML.

Usage: validate_bundles.py FHIR_SCHEMA BUNDLE_DIR

Every BUNDLE_DIR/*.json (written by the FhirDischargeBundle.DumpsEveryBundle GoogleTest) must
  - match FHIR_SCHEMA, the R4 (4.0) fhir.schema.json published with the FHIR specification
    (draft-06; CC0), which checks resource structure, element names, types and primitive formats
    but not profiles, invariants or terminology;
  - have every narrative "div" parse as XML whose root is an XHTML <div>.
Prints each failure and the number of bundles checked; exits 1 on any failure or when there is
no bundle at all.

Works offline with Debian's python3-jsonschema (4.10) as well as newer releases.
"""

import json
import pathlib
import sys
import xml.etree.ElementTree as ET

import jsonschema

XHTML_DIV = "{http://www.w3.org/1999/xhtml}div"


def narrative_divs(value, path="$"):
    """Yields (path, div) for every "div" string under a "text" object."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "div" and isinstance(item, str):
                yield path + ".div", item
            else:
                yield from narrative_divs(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from narrative_divs(item, f"{path}[{i}]")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema = json.loads(pathlib.Path(argv[1]).read_text(encoding="utf-8"))
    validator = jsonschema.Draft6Validator(schema)
    by_type = {}  # resourceType -> validator of that definition alone, for readable errors

    def resource_validator(resource_type):
        if resource_type not in by_type:
            by_type[resource_type] = jsonschema.Draft6Validator(
                {"$ref": f"#/definitions/{resource_type}", "definitions": schema["definitions"]})
        return by_type[resource_type]

    bundles = sorted(pathlib.Path(argv[2]).glob("*.json"))
    failures = 0
    for path in bundles:
        bundle = json.loads(path.read_text(encoding="utf-8"))
        # The schema's root is a oneOf over every resource type, whose error says little; the
        # whole-bundle check decides, and each entry is checked alone to say where and why.
        if not validator.is_valid(bundle):
            failures += 1
            best = jsonschema.exceptions.best_match(validator.iter_errors(bundle))
            print(f"FAIL {path.name}: not a valid FHIR R4 resource: {best.message[:200]}")
        for i, entry in enumerate(bundle.get("entry", [])):
            resource = entry.get("resource", {})
            resource_type = resource.get("resourceType")
            if resource_type not in schema["definitions"]:
                failures += 1
                print(f"FAIL {path.name}: entry[{i}]: unknown resourceType {resource_type!r}")
                continue
            for error in resource_validator(resource_type).iter_errors(resource):
                failures += 1
                where = "/".join(str(p) for p in error.absolute_path)
                print(f"FAIL {path.name}: entry[{i}] {resource_type} {where}: "
                      f"{error.message[:200]}")
        for where, div in narrative_divs(bundle):
            try:
                root = ET.fromstring(div)
            except ET.ParseError as e:
                failures += 1
                print(f"FAIL {path.name}: {where}: not well-formed XML: {e}")
                continue
            if root.tag != XHTML_DIV:
                failures += 1
                print(f"FAIL {path.name}: {where}: root is {root.tag}, not an XHTML div")
    print(f"{len(bundles)} bundles checked against {pathlib.Path(argv[1]).name}, "
          f"{failures} failures")
    if not bundles:
        print("FAIL: no bundle found in " + argv[2])
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

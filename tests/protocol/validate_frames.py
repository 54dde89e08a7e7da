#!/usr/bin/env python3
"""Checks captured musubi.v1 frames against the JSON Schemas in protocol/schemas/.

Usage: validate_frames.py SCHEMA_DIR FRAME_LOG...

Each FRAME_LOG is JSON Lines, one object per line, as the client library writes it when
MUSUBI_FRAME_LOG is set:
    {"conn": "<connection id>", "dir": "sent" | "received", "frame": <the frame as JSON>}
("sent": client to server, "received": server to client).

Which schema checks which frame:
  - sent: request-<op>.json, but only when that schema exists and the server answered the
    request with ok:true (tests send bad requests on purpose; those are skipped);
  - received reply with ok:true: reply-<op>.json, where op is that of the request with the same
    id sent earlier on the same connection;
  - received reply with ok:false: reply-error.json;
  - received event: event-<name>.json.
A server frame that fits none of these (not an object, an unknown event, a reply to no request)
is a failure. A line whose frame is nested too deeply for Python's json module is skipped when
sent (tests send such frames) and a failure when received. Connections are told apart per log
file, so logs of different runs may share connection ids.

Prints the number of frames checked per schema and every failure; exits 1 on any failure or when
no frame at all was checked.

Works offline with Debian's python3-jsonschema (4.10): relative "$ref"s such as
"common.json#/$defs/seq" resolve through a RefResolver whose store holds every schema file.
"""

import collections
import json
import pathlib
import re
import sys
import warnings

# jsonschema >= 4.18 deprecates RefResolver in favour of the `referencing` package, which
# Debian 12 does not ship; RefResolver still works there, so silence the warning.
warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"jsonschema(\..*)?")
warnings.filterwarnings("ignore", category=DeprecationWarning, message=r".*RefResolver.*")

import jsonschema  # noqa: E402  (after the warning filters)
from jsonschema import validators  # noqa: E402
from jsonschema.exceptions import best_match, relevance  # noqa: E402

MAX_SHOWN_FRAME_CHARS = 2000
MAX_SHOWN_ERRORS = 5

# The start of a log line as the client library writes it (nlohmann::json sorts keys), used to
# place a line whose frame is nested too deeply for Python's json module (tests send such frames).
LINE_HEAD = re.compile(r'^\{\s*"conn"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,\s*"dir"\s*:\s*"(sent|received)"\s*,\s*"frame"\s*:')


class Schemas:
    """Every *.json file of the schema directory, each with a validator ready to use."""

    def __init__(self, directory):
        self.directory = pathlib.Path(directory).resolve()
        files = sorted(self.directory.glob("*.json"))
        if not files:
            raise SystemExit(f"validate_frames: no *.json schema files in {self.directory}")
        self.documents = {}
        store = {}
        for path in files:
            try:
                with path.open(encoding="utf-8") as f:
                    document = json.load(f)
            except (OSError, ValueError) as e:
                raise SystemExit(f"validate_frames: cannot read schema {path}: {e}")
            self.documents[path.name] = (path.as_uri(), document)
            store[path.as_uri()] = document
            if isinstance(document, dict) and isinstance(document.get("$id"), str):
                store[document["$id"]] = document
        self.validators = {}
        for name, (uri, document) in self.documents.items():
            cls = validators.validator_for(document)
            try:
                cls.check_schema(document)
            except jsonschema.exceptions.SchemaError as e:
                raise SystemExit(f"validate_frames: {name} is not a valid schema: {e.message}")
            resolver = jsonschema.RefResolver(base_uri=uri, referrer=document, store=store)
            self.validators[name] = cls(document, resolver=resolver)

    def has(self, name):
        return name in self.validators

    def errors(self, name, instance):
        return list(self.validators[name].iter_errors(instance))


def id_key(value):
    """A request id as a dict key that keeps "1" and 1 apart, as the server does."""
    return json.dumps(value, sort_keys=True)


def describe_error(error):
    where = "$" + "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    schema_path = "/".join(str(p) for p in error.absolute_schema_path)
    return f"{where}: {error.message} (schema: {schema_path})"


def show(frame):
    text = json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
    if len(text) > MAX_SHOWN_FRAME_CHARS:
        text = text[:MAX_SHOWN_FRAME_CHARS] + f"... ({len(text)} characters)"
    return text


class Entry:
    def __init__(self, origin, conn, direction, frame):
        self.origin = origin  # (file, line)
        self.conn = conn
        self.direction = direction
        self.frame = frame
        self.partner = None  # the reply to a sent request, or the request a reply answers


def read_logs(paths, failures):
    """All entries of all logs, in file order, with each request paired with its reply."""
    entries = []
    for path in paths:
        pending = collections.defaultdict(collections.deque)  # (conn, id) -> requests in order
        try:
            f = open(path, encoding="utf-8")
        except OSError as e:
            failures.append(((str(path), 0), "-", None, f"cannot read frame log: {e}"))
            continue
        with f:
            for number, line in enumerate(f, 1):
                origin = (str(path), number)
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except RecursionError:
                    # Too deep to load: a deliberately hostile request can be skipped; a server
                    # frame never nests that deep.
                    head = LINE_HEAD.match(line)
                    if head and head.group(2) == "sent":
                        entries.append(Entry(origin, json.loads(f'"{head.group(1)}"'), "sent", None))
                    else:
                        conn = json.loads(f'"{head.group(1)}"') if head else "-"
                        failures.append((origin, conn, None, "frame nested too deeply to check"))
                    continue
                except ValueError as e:
                    failures.append((origin, "-", None, f"not a JSON line: {e}"))
                    continue
                if (not isinstance(record, dict) or not isinstance(record.get("conn"), str)
                        or record.get("dir") not in ("sent", "received") or "frame" not in record):
                    failures.append((origin, "-", None,
                                     'expected {"conn": string, "dir": "sent"|"received", "frame": ...}'))
                    continue
                entry = Entry(origin, record["conn"], record["dir"], record["frame"])
                entries.append(entry)
                frame = entry.frame
                if not isinstance(frame, dict) or "id" not in frame:
                    continue
                key = (entry.conn, id_key(frame["id"]))
                if entry.direction == "sent":
                    pending[key].append(entry)
                elif "ok" in frame and "event" not in frame and frame["id"] is not None:
                    if pending[key]:
                        request = pending[key].popleft()
                        request.partner = entry
                        entry.partner = request
    return entries


def choose_schema(entry, schemas):
    """(schema name, None) to check, (None, None) to skip, or (None, failure message)."""
    frame = entry.frame
    if entry.direction == "sent":
        if not isinstance(frame, dict) or not isinstance(frame.get("op"), str):
            return None, None
        name = f"request-{frame['op']}.json"
        if not schemas.has(name):
            return None, None
        reply = entry.partner
        if reply is None or reply.frame.get("ok") is not True:
            return None, None
        return name, None

    if not isinstance(frame, dict):
        return None, "a server frame must be a JSON object"
    if "event" in frame:
        name = f"event-{frame['event']}.json" if isinstance(frame["event"], str) else None
        if name is None or not schemas.has(name):
            return None, f"no schema for event {frame['event']!r}"
        return name, None
    if "ok" in frame:
        if frame["ok"] is False:
            return "reply-error.json", None
        if frame["ok"] is not True:
            return None, '"ok" must be true or false'
        request = entry.partner
        if request is None:
            return None, "reply with ok:true to no request with this id sent earlier on this connection"
        op = request.frame.get("op")
        name = f"reply-{op}.json" if isinstance(op, str) else None
        if name is None or not schemas.has(name):
            return None, f"ok:true reply to operation {op!r}, which has no reply schema"
        return name, None
    return None, 'neither a reply (with "ok") nor an event (with "event")'


def main(argv):
    if len(argv) >= 2 and argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if len(argv) < 3:
        print("usage: validate_frames.py SCHEMA_DIR FRAME_LOG...", file=sys.stderr)
        return 2
    schemas = Schemas(argv[1])
    failures = []  # (origin, conn, frame, message)
    entries = read_logs(argv[2:], failures)

    checked = collections.Counter()
    skipped = 0
    for entry in entries:
        name, problem = choose_schema(entry, schemas)
        if problem:
            failures.append((entry.origin, entry.conn, entry.frame, problem))
            continue
        if name is None:
            skipped += 1
            continue
        checked[name] += 1
        errors = schemas.errors(name, entry.frame)
        if errors:
            errors.sort(key=relevance)
            best = best_match(errors)
            lines = [f"{name}: {describe_error(best)}"]
            others = [e for e in errors if e is not best]
            lines += [f"  also {describe_error(e)}" for e in others[:MAX_SHOWN_ERRORS - 1]]
            if len(others) > MAX_SHOWN_ERRORS - 1:
                lines.append(f"  ... and {len(others) - (MAX_SHOWN_ERRORS - 1)} more")
            failures.append((entry.origin, entry.conn, entry.frame, "\n    ".join(lines)))

    total = sum(checked.values())
    print(f"validate_frames: {total} frames checked against {len(checked)} schemas "
          f"({len(entries)} frames read, {skipped} sent frames skipped)")
    width = max((len(n) for n in checked), default=0)
    for name in sorted(checked):
        print(f"  {name:<{width}}  {checked[name]}")
    unused = sorted(n for n in schemas.validators if n != "common.json" and n not in checked)
    if unused:
        print(f"  not exercised: {', '.join(unused)}")
    failures.sort(key=lambda failure: failure[0])
    for (path, line), conn, frame, message in failures:
        print(f"FAIL {path}:{line} conn={conn}: {message}")
        if frame is not None:
            print(f"    frame: {show(frame)}")
    if failures:
        print(f"validate_frames: {len(failures)} failure(s)")
        return 1
    if total == 0:
        print("validate_frames: no frames were checked")
        return 1
    print("validate_frames: all frames match")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora (tests/fuzz/corpus/<target>/) from the project's real examples,
and the dictionaries (tests/fuzz/<target>.dict) of words the fuzzer could not guess by itself.

request_decoding     every frame a client sends in protocol/schemas/examples.jsonl, and a few
                     frames the server must refuse
template_validation  the valid and invalid records of tests/protocol/templates/
http_upgrade         hand-written requests: upgrades (accepted and refused), probes, uploads,
                     pipelined and chunked requests
websocket_frames     masked client frames: text, fragmented, control, close
tls_records          sealed records of every inner type, raw non-records, split records,
                     reads of every size and the server's writes (the format is in the target)

The http_upgrade and websocket_frames inputs start with one byte that sets how many bytes arrive
per read (byte + 1). Run from anywhere; it replaces the five directories and the dictionaries.
"""
import hashlib
import json
import pathlib
import shutil
import struct

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fuzz" / "corpus"
WHOLE = b"\xff"  # 256 bytes per read
BYTEWISE = b"\x00"  # one byte per read


def write_all(target, seeds):
    directory = CORPUS / target
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    for name, data in seeds:
        (directory / name).write_bytes(data)


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def request_seeds():
    seen = set()
    for line in (ROOT / "protocol" / "schemas" / "examples.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        if record["dir"] != "sent":
            continue
        data = compact(record["frame"])
        if data in seen:
            continue
        seen.add(data)
        op = str(record["frame"].get("op", "no-op"))
        yield f"{op}-{hashlib.sha1(data).hexdigest()[:8]}.json", data
    yield "refused-not-json", b'{"id":"1","op":"room.list",'
    yield "refused-too-deep", b'{"id":"1","op":"room.post","body":' + b"[" * 20 + b"]" * 20 + b"}"
    yield "refused-body-not-object", b'{"id":7,"op":"room.list","body":[1]}'
    yield "refused-negative-id", b'{"id":-1,"op":"room.list"}'
    yield "refused-bad-utf8", b'{"id":"1","op":"room.post","body":{"text":"\xff\xfe"}}'
    # Posts for the plain reader (read_plain_post): escapes, a surrogate pair, an integer id,
    # whitespace, keys out of order; and one it must leave to the general way.
    yield "plain-post-escapes", (
        b'{"id":12, "op":"room.post", "body":{"text":"a\\n\\"b\\" \\u00e9\\ud83d\\ude00 \\/",'
        b' "room":"r-1", "nonce":"n-1"}}')
    yield "plain-post-lone-surrogate", b'{"id":"1","op":"room.post","body":{"room":"r","text":"\\udc00"}}'


def template_seeds():
    for path in sorted((ROOT / "tests" / "protocol" / "templates").glob("*/*.json")):
        yield f"{path.parent.name}-{path.stem}.json", path.read_bytes()


UPGRADE = (
    b"GET /ws HTTP/1.1\r\nHost: localhost:8443\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
    b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Sec-WebSocket-Protocol: musubi.v1\r\n"
)


def http_seeds():
    yield "upgrade", WHOLE + UPGRADE + b"\r\n"
    yield "upgrade-bytewise", BYTEWISE + UPGRADE + b"\r\n"
    yield "upgrade-browser-origin", WHOLE + UPGRADE + b"Origin: https://localhost:8443\r\n\r\n"
    yield "upgrade-foreign-origin", WHOLE + UPGRADE + b"Origin: https://evil.example\r\n\r\n"
    yield "upgrade-subprotocol-list", WHOLE + UPGRADE.replace(
        b"musubi.v1", b"chat, musubi.v1") + b"\r\n"
    yield "upgrade-no-subprotocol", WHOLE + UPGRADE.replace(
        b"Sec-WebSocket-Protocol: musubi.v1\r\n", b"") + b"\r\n"
    yield "upgrade-version-8", WHOLE + UPGRADE.replace(b"Version: 13", b"Version: 8") + b"\r\n"
    yield "upgrade-short-key", WHOLE + UPGRADE.replace(b"dGhlIHNhbXBsZSBub25jZQ==", b"abc=") + b"\r\n"
    yield "upgrade-then-frame", WHOLE + UPGRADE + b"\r\n" + masked(1, b'{"id":1,"op":"room.list"}')
    yield "get-ws-plain", WHOLE + b"GET /ws HTTP/1.1\r\nHost: localhost\r\n\r\n"
    yield "healthz-then-upgrade", WHOLE + b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n" + UPGRADE + b"\r\n"
    yield "probes-http10", WHOLE + b"GET /readyz HTTP/1.0\r\n\r\nGET /metrics HTTP/1.0\r\n\r\n"
    yield "not-found-with-body", WHOLE + (
        b"POST /admin HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello"
        b"GET /attachments/att_m4q7xk2wd5hn3bzt6vra HTTP/1.1\r\nHost: localhost\r\n"
        b"Authorization: Bearer mst_x\r\n\r\n")
    yield "upload-chunked", WHOLE + (
        b"POST /attachments?room=k7m2xq4hwzab&name=%E4%BB%99%E9%AA%A8+1.png HTTP/1.1\r\n"
        b"Host: localhost\r\nAuthorization: Bearer mst_x\r\nContent-Type: image/png\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n8\r\n\x89PNG\r\n\x1a\n\r\n0\r\n\r\n")
    yield "upload-expect-continue", WHOLE + (
        b"POST /attachments?room=r&name=a.pdf HTTP/1.1\r\nHost: localhost\r\n"
        b"Authorization: Bearer mst_x\r\nContent-Length: 8\r\nExpect: 100-continue\r\n\r\n%PDF-1.7")
    yield "too-large-body", WHOLE + b"POST /healthz HTTP/1.1\r\nContent-Length: 99999\r\n\r\n"


def masked(opcode, payload, fin=True, mask=b"\x37\xfa\x21\x3d"):
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def frame_seeds():
    request = '{"id":"1","op":"room.post","body":{"room":"k7m2xq4hwzab","text":"血圧 128/76"}}'
    yield "text", WHOLE + masked(1, request.encode())
    yield "text-bytewise", BYTEWISE + masked(1, request.encode())
    yield "text-in-3-fragments", WHOLE + masked(1, b'{"id":1,', fin=False) + masked(
        9, b"ping") + masked(0, b'"op":', fin=False) + masked(0, b'"room.list"}')
    yield "text-126-bytes", b"\x10" + masked(1, b"x" * 200)
    yield "binary", WHOLE + masked(2, b"\x00\x01\x02")
    yield "ping-pong", WHOLE + masked(9, b"") + masked(10, b"are you there")
    yield "close-with-reason", WHOLE + masked(8, struct.pack(">H", 1000) + "さようなら".encode())
    yield "close-bad-code", WHOLE + masked(8, struct.pack(">H", 1005))
    yield "unmasked", WHOLE + b"\x81\x02hi"
    yield "bad-utf8", WHOLE + masked(1, b"\xed\xa0\x80")


def tls_op(op, payload=b""):
    return bytes([op, len(payload)]) + payload


RAW, RECORD, READ, WRITE = 0, 1, 2, 3
APPLICATION_DATA, ALERT, HANDSHAKE = b"\x17", b"\x15", b"\x16"


def tls_read(size=255):
    return bytes([READ, size - 1])


def tls_records_seeds():
    for suite in range(3):
        yield f"data-suite-{suite}", bytes([suite]) + tls_op(RECORD, b"hello" + APPLICATION_DATA) + tls_read()
    yield "padded", b"\0" + tls_op(RECORD, b"hi" + APPLICATION_DATA + b"\0" * 5) + tls_read()
    yield "small-reads", b"\0" + tls_op(RECORD, b"x" * 39 + APPLICATION_DATA) + tls_read(1) * 8 + tls_read(7) * 5
    yield "split", b"\0" + tls_op(RECORD | 4 | (3 << 3), b"hello" + APPLICATION_DATA) + tls_read()
    yield "two-records", b"\0" + tls_op(RECORD, b"one" + APPLICATION_DATA) + tls_op(RECORD, b"two" + APPLICATION_DATA) + tls_read()
    yield "key-update-requested", b"\0" + tls_op(RECORD, b"\x18\x00\x00\x01\x01" + HANDSHAKE) + tls_read() + tls_op(WRITE, b"abc")
    yield "key-update-bad", b"\0" + tls_op(RECORD, b"\x18\x00\x00\x02\x01\x00" + HANDSHAKE) + tls_read()
    yield "close-notify", b"\0" + tls_op(RECORD, b"bye" + APPLICATION_DATA) + tls_op(RECORD, b"\x01\x00" + ALERT) + tls_read() + tls_read()
    yield "fatal-alert", b"\0" + tls_op(RECORD, b"\x02\x14" + ALERT) + tls_read()
    yield "no-type", b"\0" + tls_op(RECORD, b"\0\0\0") + tls_read()
    yield "unknown-type", b"\0" + tls_op(RECORD, b"abc\x63") + tls_read()
    yield "change-cipher-spec", b"\0" + tls_op(RAW, b"\x14\x03\x03\x00\x01\x01") + tls_read()
    yield "oversized", b"\0" + tls_op(RAW, b"\x17\x03\x03\x41\x01") + tls_read()
    yield "forged", b"\0" + tls_op(RAW, b"\x17\x03\x03\x00\x11" + b"\xaa" * 17) + tls_read()
    yield "writes", b"\0" + tls_op(WRITE, b"abcde") * 9
    # Staged writes (op & 4): all of the record sent, 8 bytes of it, none (EAGAIN), among plain ones.
    staged = lambda first_bytes: tls_op(WRITE | 4 | ((first_bytes // 8) << 3), b"staged")
    yield "staged-writes", b"\0" + (staged(248) + staged(8) + tls_op(WRITE, b"plain") + staged(0)) * 3


def json_words(values):
    """Every object key and string value in `values`, as quoted JSON strings."""
    words = set()

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                words.add(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and len(value) <= 40:
            words.add(value)

    for value in values:
        walk(value)
    return sorted(json.dumps(word, ensure_ascii=False) for word in words)


def dictionary_entry(word):
    """A libFuzzer dictionary line: printable ASCII as is, every other byte as \\xAB."""
    out = []
    for byte in word.encode():
        char = chr(byte)
        if char in '\\"':
            out.append("\\" + char)
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append(f"\\x{byte:02X}")
    return '"' + "".join(out) + '"'


def write_dictionary(target, words):
    lines = [f"# Generated by make_seeds.py: words of {target}'s inputs."]
    lines += [dictionary_entry(word) for word in words]
    (CORPUS.parent / f"{target}.dict").write_text("\n".join(lines) + "\n", encoding="ascii")


def request_words():
    frames = [json.loads(line)["frame"]
              for line in (ROOT / "protocol" / "schemas" / "examples.jsonl").open(encoding="utf-8")]
    return json_words(f for f in frames if "op" in f)


def template_words():
    schemas = [json.loads(p.read_text(encoding="utf-8"))
               for p in sorted((ROOT / "protocol" / "schemas" / "templates").glob("*.json"))]
    words = set()

    def walk(schema):
        if isinstance(schema, dict):
            words.update(json.dumps(k, ensure_ascii=False) for k in schema.get("properties", {}))
            for value in schema.get("enum", []) + ([schema["const"]] if "const" in schema else []):
                words.add(json.dumps(value, ensure_ascii=False))
            for item in schema.values():
                walk(item)
        elif isinstance(schema, list):
            for item in schema:
                walk(item)

    walk(schemas)
    return sorted(words)


HTTP_WORDS = ["GET ", "POST ", " HTTP/1.1\r\n", " HTTP/1.0\r\n", "\r\n", "\r\n\r\n", "/ws",
              "/healthz", "/readyz", "/metrics", "/attachments", "/attachments/", "?room=", "&name=",
              "Host: ", "Connection: ", "Upgrade", "keep-alive", "close", "Upgrade: ", "websocket",
              "Sec-WebSocket-Version: ", "13", "Sec-WebSocket-Key: ", "dGhlIHNhbXBsZSBub25jZQ==",
              "Sec-WebSocket-Protocol: ", "musubi.v1", "Origin: ", "https://localhost:8443",
              "Content-Length: ", "Transfer-Encoding: ", "chunked", "Expect: ", "100-continue",
              "Authorization: Bearer ", "%E4", "%zz", "+"]


if __name__ == "__main__":
    write_all("request_decoding", request_seeds())
    write_all("template_validation", template_seeds())
    write_all("http_upgrade", http_seeds())
    write_all("websocket_frames", frame_seeds())
    write_all("tls_records", tls_records_seeds())
    write_dictionary("request_decoding", request_words())
    write_dictionary("template_validation", template_words())
    write_dictionary("http_upgrade", HTTP_WORDS)

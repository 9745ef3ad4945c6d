#!/usr/bin/env python3
"""Checks the golden vectors with an implementation independent of the C++ codecs.

Validates every tests/protocol/*.hex frame from first principles (docs/protocol.md): magic, version,
flags against the message type, reserved bytes, request ids, body length and both CRC32C checksums
(computed here in pure Python), and decodes a few bodies field by field. A second implementation
agreeing with the files is what makes them usable by the Python and TypeScript clients.

Usage: check_vectors.py [DIRECTORY]   (default: the directory of this script)
"""
import pathlib
import struct
import sys

CANONICAL_REQUEST_ID = 0x0102030405060708
ERROR_TYPE = 0x7FFF
PUSH_TYPES = {0x4001, 0x4002}


def crc32c_table():
    table = []
    for n in range(256):
        crc = n
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


TABLE = crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc = TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def read_vector(path):
    digits = []
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            continue
        digits.append("".join(line.split()))
    return bytes.fromhex("".join(digits))


class Body:
    """Reads body fields in wire order; raises ValueError on truncation."""

    def __init__(self, data):
        self.data, self.offset = data, 0

    def take(self, n):
        if self.offset + n > len(self.data):
            raise ValueError(f"truncated at body byte {self.offset}")
        chunk = self.data[self.offset:self.offset + n]
        self.offset += n
        return chunk

    def u8(self):
        return self.take(1)[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def string(self):
        return self.take(self.u32()).decode("utf-8")

    def done(self):
        if self.offset != len(self.data):
            raise ValueError(f"{len(self.data) - self.offset} trailing bytes")


def check_frame(name, frame):
    if len(frame) < 32:
        raise ValueError("shorter than a header")
    magic, version, type_, flags, reserved, request_id, length, body_crc, header_crc = struct.unpack(
        "<4sHHHHQIII", frame[:32])
    if magic != b"KMBP":
        raise ValueError(f"magic {magic!r}")
    if version != 1 or reserved != 0:
        raise ValueError(f"version {version}, reserved {reserved}")
    if crc32c(frame[:28]) != header_crc:
        raise ValueError("header CRC mismatch")
    body = frame[32:]
    if len(body) != length:
        raise ValueError(f"body is {len(body)} bytes, header says {length}")
    if crc32c(body) != body_crc:
        raise ValueError("body CRC mismatch")
    expected_flags = 1 if type_ == ERROR_TYPE else 2 if type_ in PUSH_TYPES else 0
    if flags != expected_flags:
        raise ValueError(f"flags {flags} for type {type_:#06x}")
    expected_id = 0 if type_ in PUSH_TYPES else CANONICAL_REQUEST_ID
    if request_id != expected_id:
        raise ValueError(f"request id {request_id:#x}")
    return type_, body


def check_bodies(bodies):
    """Field-by-field decoding of a few messages, against tests/protocol/README.md."""
    ping = Body(bodies["ping"][1])
    assert ping.u64() == 0xFEED
    ping.done()

    error = Body(bodies["error"][1])
    assert error.u8() == 8 and error.u8() == 0  # failed_precondition, not retryable
    assert error.string() == "expected offset 10, stream has 12 events"
    error.done()

    hello = Body(bodies["hello"][1])
    assert struct.unpack("<HH", hello.take(4)) == (1, 1)
    assert hello.string() == "kmb_secret_example"
    assert hello.string() == "kimberlite-cpp/0.1.0"
    hello.done()

    execute = Body(bodies["execute"][1])
    assert execute.string().startswith("SELECT name FROM patients")
    assert execute.u32() == 2
    assert execute.u8() == 4 and struct.unpack("<q", execute.take(8))[0] == 7  # BIGINT 7
    assert execute.u8() == 10 and struct.unpack("<i", execute.take(4))[0] == -1  # DATE -1
    assert execute.string() == "dr.smith" and execute.string() == "annual check-up"
    assert execute.u8() == 1 and execute.u64() == 40  # AS OF POSITION 40
    execute.done()


def main():
    directory = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).parent
    readme = (directory / "README.md").read_text()
    bodies, failures = {}, 0
    for path in sorted(directory.glob("*.hex")):
        try:
            bodies[path.stem] = check_frame(path.stem, read_vector(path))
            if f"`{path.name}`" not in readme:
                raise ValueError("not described in README.md")
        except ValueError as error:
            print(f"{path.name}: {error}")
            failures += 1
    if len(bodies) + failures < 50:
        print(f"only {len(bodies) + failures} vectors found in {directory}")
        failures += 1
    if failures == 0:
        check_bodies(bodies)
    print(f"check_vectors: {len(bodies)} vectors ok, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

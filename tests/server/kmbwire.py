"""A small, independent Python implementation of Kimberlite's wire protocol (docs/protocol.md),
for driving a real `kimberlite start` process in the end-to-end tests: frames, the messages the
tests send, and decoders for the responses they read. Standard library only."""

import socket
import ssl
import struct

MAGIC = b"KMBP"
VERSION = 1
HEADER_SIZE = 32
FLAG_ERROR = 1
FLAG_PUSH = 2

T = {
    "hello": 0x0001, "ping": 0x0002, "execute": 0x0010, "list_tables": 0x0011, "describe_table": 0x0012,
    "create_stream": 0x0020, "append_events": 0x0021, "read_events": 0x0022, "subscribe": 0x0023,
    "tenant_create": 0x0040, "tenant_list": 0x0041, "tenant_info": 0x0042, "tenant_seal": 0x0043,
    "tenant_unseal": 0x0044, "tenant_set_quotas": 0x0045,
    "api_key_create": 0x0050, "api_key_revoke": 0x0051, "api_key_rotate": 0x0052, "api_key_list": 0x0053,
    "verify_chain": 0x0060, "server_info": 0x0070, "error": 0x7FFF,
}
ROLE = {"reader": 1, "writer": 2, "admin": 3}
STATUS_CODES = ["ok", "invalid_argument", "not_found", "already_exists", "corruption", "io_error", "no_space",
                "unsupported", "failed_precondition", "resource_exhausted", "aborted", "internal"]


def _crc32c_table():
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def frame(msg_type, body=b"", request_id=1, flags=0, magic=MAGIC, version=VERSION, length=None, body_crc=None):
    """A frame; the keyword arguments let tests break any one field."""
    length = len(body) if length is None else length
    body_crc = crc32c(body) if body_crc is None else body_crc
    head = magic + struct.pack("<HHHHQII", version, msg_type, flags, 0, request_id, length, body_crc)
    return head + struct.pack("<I", crc32c(head)) + body


# ---- body encoding ---------------------------------------------------------------------------
def u8(v): return struct.pack("<B", v)
def u16(v): return struct.pack("<H", v)
def u32(v): return struct.pack("<I", v)
def u64(v): return struct.pack("<Q", v)
def boolean(v): return u8(1 if v else 0)
def string(s): b = s.encode(); return u32(len(b)) + b
def opt_u64(v): return u8(0) if v is None else u8(1) + u64(v)


def value(v):
    if v is None: return u8(0)
    if isinstance(v, bool): return u8(1) + boolean(v)
    if isinstance(v, int): return u8(4) + struct.pack("<q", v)
    if isinstance(v, float): return u8(6) + struct.pack("<d", v)
    if isinstance(v, str): return u8(8) + string(v)
    if isinstance(v, bytes): return u8(9) + u32(len(v)) + v
    raise TypeError(v)


def hello(api_key, vmin=1, vmax=1): return u16(vmin) + u16(vmax) + string(api_key) + string("kmbwire.py")
def execute(sql, params=(), actor="", reason="", as_of=(0, 0)):
    return string(sql) + u32(len(params)) + b"".join(value(p) for p in params) + string(actor) + string(reason) \
        + u8(as_of[0]) + u64(as_of[1])
def api_key_create(tenant, role, label=""): return u64(tenant) + u8(ROLE[role]) + string(label)
def tenant_config(name="", region=""): return string(name) + string(region) + u64(0) * 3


# ---- body decoding ---------------------------------------------------------------------------
class Reader:
    def __init__(self, data):
        self.data, self.at = data, 0

    def take(self, n):
        assert self.at + n <= len(self.data), "body too short"
        out = self.data[self.at:self.at + n]
        self.at += n
        return out

    def u8(self): return self.take(1)[0]
    def u16(self): return struct.unpack("<H", self.take(2))[0]
    def u32(self): return struct.unpack("<I", self.take(4))[0]
    def u64(self): return struct.unpack("<Q", self.take(8))[0]
    def boolean(self): return self.u8() != 0
    def string(self): return self.take(self.u32()).decode()
    def opt_u64(self): return self.u64() if self.u8() else None

    def value(self):
        tag = self.u8()
        if tag == 0: return None
        if tag == 1: return self.boolean()
        if tag in (2, 3, 4, 11): return struct.unpack("<q", self.take(8))[0]
        if tag in (5, 6): return struct.unpack("<d", self.take(8))[0]
        if tag == 7:
            scale = self.u8(); lo = self.u64(); hi = struct.unpack("<q", self.take(8))[0]
            return ((hi << 64) | lo) / (10 ** scale)
        if tag in (8, 13): return self.string()
        if tag == 9: return self.take(self.u32())
        if tag == 10: return struct.unpack("<i", self.take(4))[0]
        if tag == 12: return self.take(16).hex()
        raise ValueError("unknown value tag %d" % tag)


def decode_error(body):
    r = Reader(body)
    code = r.u8()
    return {"code": STATUS_CODES[code] if code < len(STATUS_CODES) else code, "retryable": r.boolean(),
            "message": r.string()}


def decode_execute_response(body):
    r = Reader(body)
    columns = [r.string() for _ in range(r.u32())]
    types = [r.u8() for _ in range(r.u32())]
    rows = [[r.value() for _ in range(r.u32())] for _ in range(r.u32())]
    return {"columns": columns, "types": types, "rows": rows, "rows_affected": r.u64(), "position": r.opt_u64(),
            "tag": r.string()}


def decode_key_info(r):
    return {"key_id": r.string(), "tenant_id": r.u64(), "role": r.u8(), "label": r.string(), "created_at_ns": r.u64(),
            "revoked": r.boolean()}


def decode_key_with_secret(body):
    r = Reader(body)
    info = decode_key_info(r)
    info["secret"] = r.string()
    return info


def decode_hello_response(body):
    r = Reader(body)
    return {"version": r.u16(), "tenant_id": r.u64(), "role": r.u8(), "key_id": r.string(),
            "server_version": r.string(), "frame_max": r.u32(), "session_id": r.u64()}


def decode_verify(body):
    r = Reader(body)
    return {"tenant_id": r.u64(), "intact": r.boolean(), "segments": r.u64(), "records": r.u64(), "bytes": r.u64(),
            "head_hash": r.string(), "problem": r.string(), "problem_offset": r.u64()}


class ServerError(Exception):
    def __init__(self, error):
        super().__init__("%s: %s" % (error["code"], error["message"]))
        self.code = error["code"]
        self.message = error["message"]


class Connection:
    """One connection; send() and recv() work on raw frames, call() on one request at a time."""

    def __init__(self, port, tls_context=None, timeout=10.0):
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock = tls_context.wrap_socket(sock, server_hostname="localhost") if tls_context else sock
        self.next_id = 1
        self.buffer = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, msg_type, body, request_id=None):
        if request_id is None:
            request_id = self.next_id
            self.next_id += 1
        self.send_raw(frame(msg_type, body, request_id))
        return request_id

    def recv(self):
        """(type, flags, request_id, body), or None when the server closed the connection."""
        while len(self.buffer) < HEADER_SIZE:
            chunk = self.sock.recv(65536)
            if not chunk: return None
            self.buffer += chunk
        magic, version, msg_type, flags, _, request_id, length, body_crc, head_crc = struct.unpack(
            "<4sHHHHQIII", self.buffer[:HEADER_SIZE])
        assert magic == MAGIC and version == VERSION, "bad response header"
        assert crc32c(self.buffer[:28]) == head_crc, "bad response header CRC"
        while len(self.buffer) < HEADER_SIZE + length:
            chunk = self.sock.recv(65536)
            if not chunk: return None
            self.buffer += chunk
        body = self.buffer[HEADER_SIZE:HEADER_SIZE + length]
        self.buffer = self.buffer[HEADER_SIZE + length:]
        assert crc32c(body) == body_crc, "bad response body CRC"
        return msg_type, flags, request_id, body

    def closed_by_server(self):
        """True if the server closes the connection (after any frames it still sends)."""
        try:
            while True:
                if self.recv() is None: return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def call(self, name, body=b""):
        request_id = self.send(T[name], body)
        response = self.recv()
        assert response is not None, "connection closed while waiting for %s" % name
        msg_type, flags, rid, rbody = response
        assert rid == request_id, (rid, request_id)
        if flags & FLAG_ERROR:
            raise ServerError(decode_error(rbody))
        assert msg_type == T[name] | 0x8000, hex(msg_type)
        return rbody

    def hello(self, api_key):
        return decode_hello_response(self.call("hello", hello(api_key)))

    def sql(self, text, params=(), **kw):
        return decode_execute_response(self.call("execute", execute(text, params, **kw)))


def client_tls_context(ca_file=None, cert=None, key=None):
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file)
    if cert:
        context.load_cert_chain(cert, key)
    return context

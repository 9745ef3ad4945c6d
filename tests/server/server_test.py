"""End-to-end tests of `kimberlite start` over real sockets (docs/server.md).

Usage: server_test.py KIMBERLITE_BINARY TESTCASE     e.g. BadInput, Isolation, Load, Crash, Tls
Every test drives a real server process on a free port with kmbwire.py, an independent Python
implementation of the protocol."""

import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

import json  # noqa: E402 - after the bytecode switch
import os
import re
import random
import signal
import socket
import struct
import subprocess
import threading
import time
import unittest
import urllib.request

import harness
import kmbwire
from kmbwire import T, ServerError

BINARY = None


class ServerTestCase(unittest.TestCase):
    server_args = ()

    def setUp(self):
        self.workspace = harness.Workspace()
        self.data = self.workspace.path("data")
        self.admin_key = harness.init(BINARY, self.data)
        self.server = harness.Server(BINARY, self.data, self.server_args).start()

    def tearDown(self):
        if self.server.process and self.server.alive():
            self.server.kill()
        self.workspace.cleanup()

    def admin(self):
        return self.server.connect(self.admin_key)

    def assert_serving(self):
        """The server still answers a fresh, well-behaved client."""
        connection = self.admin()
        result = connection.sql("SELECT 1 + 1")
        self.assertEqual(result["rows"], [[2]])
        connection.close()

    def assert_error_then_close(self, connection, code=None):
        response = connection.recv()
        self.assertIsNotNone(response, "expected an Error frame before the close")
        msg_type, flags, _, body = response
        self.assertEqual(msg_type, T["error"])
        self.assertTrue(flags & kmbwire.FLAG_ERROR)
        if code:
            self.assertEqual(kmbwire.decode_error(body)["code"], code)
        self.assertTrue(connection.closed_by_server())


class BadInput(ServerTestCase):
    server_args = ("--max-frame-bytes", "65536", "--handshake-timeout-ms", "2000")

    def setUp(self):
        super().setUp()
        connection = self.admin()
        connection.sql("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)")
        self.acknowledged = []
        for i in range(20):
            connection.sql("INSERT INTO t VALUES ($1, $2)", [i, "row %d" % i])
            self.acknowledged.append(i)
        connection.close()

    def tearDown(self):
        # Nothing acknowledged was lost, and the server still serves everyone else.
        connection = self.admin()
        ids = [row[0] for row in connection.sql("SELECT id FROM t ORDER BY id")["rows"]]
        self.assertEqual(ids, self.acknowledged)
        connection.close()
        super().tearDown()

    def test_wrong_magic(self):
        connection = self.server.connect()
        connection.send_raw(kmbwire.frame(T["hello"], kmbwire.hello(self.admin_key), magic=b"XXXX"))
        self.assert_error_then_close(connection, "corruption")
        self.assert_serving()

    def test_bad_header_crc(self):
        connection = self.server.connect()
        data = bytearray(kmbwire.frame(T["hello"], kmbwire.hello(self.admin_key)))
        data[29] ^= 0xFF
        connection.send_raw(bytes(data))
        self.assert_error_then_close(connection, "corruption")
        self.assert_serving()

    def test_bad_body_crc(self):
        connection = self.server.connect(self.admin_key)
        connection.send_raw(kmbwire.frame(T["ping"], kmbwire.u64(7), request_id=9, body_crc=1234))
        self.assert_error_then_close(connection, "corruption")
        self.assert_serving()

    def test_length_over_maximum(self):
        connection = self.server.connect(self.admin_key)
        connection.send_raw(kmbwire.frame(T["execute"], b"", request_id=3, length=1 << 20))
        self.assert_error_then_close(connection, "resource_exhausted")
        self.assert_serving()

    def test_truncated_frame(self):
        connection = self.server.connect(self.admin_key)
        whole = kmbwire.frame(T["execute"], kmbwire.execute("INSERT INTO t VALUES (999, 'never')"), request_id=5)
        connection.send_raw(whole[:len(whole) - 7])
        connection.close()
        half = self.server.connect()
        half.send_raw(whole[:13])
        half.close()
        self.assert_serving()

    def test_random_bytes(self):
        generator = random.Random(42)
        for _ in range(5):
            connection = self.server.connect()
            connection.send_raw(bytes(generator.getrandbits(8) for _ in range(300)))
            self.assertTrue(connection.closed_by_server())
        self.assert_serving()

    def test_unknown_message_type_keeps_connection(self):
        connection = self.server.connect(self.admin_key)
        connection.send_raw(kmbwire.frame(0x0999, b"abc", request_id=77))
        msg_type, flags, request_id, body = connection.recv()
        self.assertEqual((msg_type, request_id), (T["error"], 77))
        self.assertEqual(kmbwire.decode_error(body)["code"], "invalid_argument")
        # A well-framed message the server does not know leaves the stream usable.
        self.assertEqual(connection.call("ping", kmbwire.u64(5)), kmbwire.u64(5))
        connection.close()

    def test_malformed_body(self):
        connection = self.server.connect(self.admin_key)
        connection.send_raw(kmbwire.frame(T["execute"], b"\xff\xff\xff\x7f", request_id=8))
        msg_type, _, request_id, body = connection.recv()
        self.assertEqual((msg_type, request_id), (T["error"], 8))
        self.assertEqual(connection.call("ping", kmbwire.u64(6)), kmbwire.u64(6))

    def test_request_before_handshake(self):
        connection = self.server.connect()
        connection.send(T["execute"], kmbwire.execute("SELECT 1"))
        self.assert_error_then_close(connection, "failed_precondition")
        self.assert_serving()

    def test_wrong_key(self):
        for key in ["kmb_" + "0" * 64, "not a key", ""]:
            connection = self.server.connect()
            connection.send(T["hello"], kmbwire.hello(key))
            self.assert_error_then_close(connection, "invalid_argument")
        self.assert_serving()

    def test_unsupported_version(self):
        connection = self.server.connect()
        connection.send(T["hello"], kmbwire.hello(self.admin_key, vmin=7, vmax=9))
        self.assert_error_then_close(connection, "unsupported")

    def test_handshake_timeout(self):
        connection = self.server.connect(timeout=10)
        started = time.monotonic()
        self.assertTrue(connection.closed_by_server())
        self.assertLess(time.monotonic() - started, 8)
        self.assert_serving()


class Limits(ServerTestCase):
    server_args = ("--idle-timeout-ms", "400", "--max-connections", "8", "--write-stall-timeout-ms", "800",
                   "--max-in-flight", "16")

    def test_idle_client_is_closed(self):
        idle = self.admin()
        time.sleep(1.2)
        self.assertTrue(idle.closed_by_server())
        self.assert_serving()

    def test_connection_limit(self):
        open_connections = [self.admin() for _ in range(8)]
        extra = self.server.connect()
        self.assert_error_then_close(extra, "resource_exhausted")
        open_connections[0].close()
        time.sleep(0.2)
        self.assert_serving()
        for connection in open_connections[1:]:
            connection.close()

    def test_slow_reader_does_not_block_others(self):
        setup = self.admin()
        setup.sql("CREATE TABLE big (id BIGINT PRIMARY KEY, v TEXT)")
        for i in range(400):
            setup.sql("INSERT INTO big VALUES ($1, $2)", [i, "x" * 4000])
        setup.close()
        slow = self.admin()
        slow.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        request = kmbwire.frame(T["execute"], kmbwire.execute("SELECT * FROM big"), request_id=1)
        try:
            for _ in range(200):
                slow.send_raw(request)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
        # Others are served promptly while the slow reader's responses pile up (bounded).
        for _ in range(5):
            started = time.monotonic()
            self.assert_serving()
            self.assertLess(time.monotonic() - started, 2.0)
        # ... and the slow reader is cut off once it stalls past the write timeout.
        time.sleep(2.0)
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.server.metrics_port) as response:
            metrics = response.read().decode()
        self.assertRegex(metrics, r"kimberlite_slow_readers_closed_total [1-9]")
        slow.close()

    def setUp(self):
        self.server_args = self.server_args + ("--metrics-listen", "127.0.0.1:0")
        super().setUp()


class Protocol(ServerTestCase):
    server_args = ("--metrics-listen", "127.0.0.1:0")

    def test_pipelining(self):
        connection = self.admin()
        connection.sql("CREATE TABLE p (id BIGINT PRIMARY KEY)")
        ids = {}
        for i in range(100):
            ids[connection.send(T["execute"], kmbwire.execute("INSERT INTO p VALUES ($1)", [i]))] = i
        seen = set()
        for _ in range(100):
            msg_type, flags, request_id, body = connection.recv()
            self.assertEqual(msg_type, T["execute"] | 0x8000, kmbwire.decode_error(body) if flags else "")
            seen.add(request_id)
        self.assertEqual(seen, set(ids))
        self.assertEqual(connection.sql("SELECT count(*) FROM p")["rows"], [[100]])

    def test_as_of_and_info(self):
        connection = self.admin()
        first = connection.sql("CREATE TABLE h (id BIGINT PRIMARY KEY, v TEXT)")["position"]
        position = connection.sql("INSERT INTO h VALUES (1, 'old')")["position"]
        connection.sql("UPDATE h SET v = 'new' WHERE id = 1")
        self.assertEqual(connection.sql("SELECT v FROM h")["rows"], [["new"]])
        self.assertEqual(connection.sql("SELECT v FROM h", as_of=(1, position))["rows"], [["old"]])
        with self.assertRaises(ServerError):
            connection.sql("INSERT INTO h VALUES (2, 'x')", as_of=(1, first))
        verify = kmbwire.decode_verify(connection.call("verify_chain", kmbwire.opt_u64(None)))
        self.assertTrue(verify["intact"])
        self.assertGreaterEqual(verify["records"], 3)
        connection.call("server_info")
        connection.call("list_tables")
        connection.call("describe_table", kmbwire.string("h"))

    def test_metrics_health_ready(self):
        self.assert_serving()
        base = "http://127.0.0.1:%d" % self.server.metrics_port
        with urllib.request.urlopen(base + "/health") as response:
            self.assertEqual(response.status, 200)
        with urllib.request.urlopen(base + "/ready") as response:
            self.assertEqual(response.status, 200)
        with urllib.request.urlopen(base + "/metrics") as response:
            text = response.read().decode()
        self.assertRegex(text, r'kimberlite_requests_total\{type="execute"\} [1-9]')
        self.assertIn("kimberlite_commit_duration_seconds_bucket", text)
        self.assertIn("kimberlite_connections_open", text)
        self.assertRegex(text, r'kimberlite_tenant_requests_total\{tenant="1"\} [1-9]')
        self.assertRegex(text, r'kimberlite_tenant_log_bytes\{tenant="1"\} [1-9]')
        self.assertIn("kimberlite_log_appended_bytes_total", text)

    def test_graceful_shutdown_keeps_acknowledged_writes(self):
        connection = self.admin()
        connection.sql("CREATE TABLE g (id BIGINT PRIMARY KEY)")
        for i in range(50):
            connection.send(T["execute"], kmbwire.execute("INSERT INTO g VALUES ($1)", [i]))
        acknowledged = 0
        for _ in range(50):
            if connection.recv()[1] == 0:
                acknowledged += 1
        self.assertEqual(self.server.stop(signal.SIGINT), 0)
        self.server.start()
        self.assertEqual(self.admin().sql("SELECT count(*) FROM g")["rows"], [[acknowledged]])


def _writer_keys(test):
    admin = test.admin()
    admin.call("tenant_create", kmbwire.u64(2) + kmbwire.tenant_config("tenant-b"))
    keys = {}
    for name, tenant, role in [("a_writer", 1, "writer"), ("a_reader", 1, "reader"), ("b_writer", 2, "writer")]:
        keys[name] = kmbwire.decode_key_with_secret(
            admin.call("api_key_create", kmbwire.api_key_create(tenant, role, name)))
    return admin, keys


class Isolation(ServerTestCase):
    server_args = ("--metrics-listen", "127.0.0.1:0")

    def test_isolation_matrix(self):
        admin, keys = _writer_keys(self)
        tenant_b = self.server.connect(keys["b_writer"]["secret"])
        tenant_b.sql("CREATE TABLE secrets (id BIGINT PRIMARY KEY, v TEXT)")
        tenant_b.sql("INSERT INTO secrets VALUES (1, 'tenant b only')")
        b_key = keys["b_writer"]["key_id"]
        # Every operation that names a tenant, asked by tenant A's keys about tenant B.
        operations = [
            ("tenant_info", kmbwire.u64(2)),
            ("tenant_seal", kmbwire.u64(2) + kmbwire.string("a") + kmbwire.string("r")),
            ("tenant_unseal", kmbwire.u64(2) + kmbwire.string("a") + kmbwire.string("r")),
            ("tenant_set_quotas", kmbwire.u64(2) + kmbwire.u64(0) * 3),
            ("tenant_create", kmbwire.u64(3) + kmbwire.tenant_config("c")),
            ("tenant_list", b""),
            ("api_key_create", kmbwire.api_key_create(2, "admin")),
            ("api_key_list", kmbwire.opt_u64(2)),
            ("api_key_revoke", kmbwire.string(b_key)),
            ("api_key_rotate", kmbwire.string(b_key)),
            ("verify_chain", kmbwire.opt_u64(2)),
        ]
        refusals = 0
        for key_name in ("a_writer", "a_reader"):
            connection = self.server.connect(keys[key_name]["secret"])
            for name, body in operations:
                with self.assertRaises(ServerError, msg="%s by %s" % (name, key_name)) as raised:
                    connection.call(name, body)
                self.assertEqual(raised.exception.code, "failed_precondition", name)
                self.assertIn("permission denied", raised.exception.message)
                refusals += 1
            # SQL runs in the key's own tenant: tenant B's table does not exist here.
            with self.assertRaises(ServerError):
                connection.sql("SELECT * FROM secrets")
            connection.close()
        # Tenant B is untouched and still has its key.
        self.assertEqual(tenant_b.sql("SELECT v FROM secrets")["rows"], [["tenant b only"]])
        # Every refusal is counted live and recorded durably in the system audit log.
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.server.metrics_port) as response:
            metrics = response.read().decode()
        self.assertIn('kimberlite_tenant_access_denied_total{tenant="1"} %d' % refusals, metrics)
        admin.close()
        tenant_b.close()
        self.assertEqual(self.server.stop(), 0)
        system_log = os.path.join(self.data, "system", "log")
        verify = harness.run(BINARY, "verify", "--data", system_log, "--no-progress")
        self.assertIn("OK", verify.stdout)
        stored = b"".join(open(os.path.join(system_log, name), "rb").read()
                          for name in sorted(os.listdir(system_log)) if name.endswith(".segment"))
        self.assertEqual(stored.count(b'"event":"access_denied"'), refusals)

    def test_reader_cannot_write(self):
        admin, keys = _writer_keys(self)
        admin.sql("CREATE TABLE r (id BIGINT PRIMARY KEY)")
        reader = self.server.connect(keys["a_reader"]["secret"])
        self.assertEqual(reader.sql("SELECT count(*) FROM r")["rows"], [[0]])
        for statement in ["INSERT INTO r VALUES (1)", "CREATE TABLE x (id BIGINT PRIMARY KEY)", "DELETE FROM r"]:
            with self.assertRaises(ServerError) as raised:
                reader.sql(statement)
            self.assertIn("permission denied", raised.exception.message)
        self.assertEqual(admin.sql("SELECT count(*) FROM r")["rows"], [[0]])

    def test_revocation_and_rotation_are_immediate(self):
        admin, keys = _writer_keys(self)
        writer = self.server.connect(keys["a_writer"]["secret"])
        writer.sql("SELECT 1")
        admin.call("api_key_revoke", kmbwire.string(keys["a_writer"]["key_id"]))
        with self.assertRaises(ServerError):
            writer.sql("SELECT 1")  # the open connection's next request fails
        with self.assertRaises(ServerError):
            self.server.connect(keys["a_writer"]["secret"])
        reader = self.server.connect(keys["a_reader"]["secret"])
        rotated = kmbwire.decode_key_with_secret(
            admin.call("api_key_rotate", kmbwire.string(keys["a_reader"]["key_id"])))
        with self.assertRaises(ServerError):
            reader.sql("SELECT 1")
        fresh = self.server.connect(rotated["secret"])
        self.assertEqual(fresh.sql("SELECT 2")["rows"], [[2]])
        # Keys survive a restart: the registry is the system log's replay.
        self.server.stop()
        self.server.start()
        self.server.connect(rotated["secret"]).sql("SELECT 3")
        with self.assertRaises(ServerError):
            self.server.connect(keys["a_reader"]["secret"])


class Load(ServerTestCase):
    def test_200_concurrent_clients(self):
        setup = self.admin()
        setup.sql("CREATE TABLE c (id BIGINT PRIMARY KEY, client BIGINT)")
        setup.close()
        errors = []
        barrier = threading.Barrier(200)

        def client(number):
            try:
                connection = self.admin()
                barrier.wait(timeout=30)
                for i in range(5):
                    connection.send(T["execute"], kmbwire.execute("INSERT INTO c VALUES ($1, $2)",
                                                                  [number * 100 + i, number]))
                for _ in range(5):
                    msg_type, flags, _, body = connection.recv()
                    if flags:
                        errors.append(kmbwire.decode_error(body))
                connection.close()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(200)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(self.admin().sql("SELECT count(*), count(DISTINCT client) FROM c")["rows"], [[1000, 200]])

    def test_64_clients_read_their_own_writes(self):
        """An insert is acknowledged from its durability callback; a read sent after the
        acknowledgement (on the same connection or another) must see the row."""
        setup = self.admin()
        setup.sql("CREATE TABLE r (id BIGINT PRIMARY KEY, client BIGINT)")
        setup.close()
        errors = []
        barrier = threading.Barrier(64)

        def client(number):
            try:
                connection = self.admin()
                other = self.admin()
                barrier.wait(timeout=30)
                for i in range(20):
                    row_id = number * 1000 + i
                    insert = connection.sql("INSERT INTO r VALUES ($1, $2)", [row_id, number])
                    if insert["rows_affected"] != 1:
                        errors.append(f"client {number}: insert answered {insert}")
                    reader = connection if i % 2 == 0 else other
                    rows = reader.sql("SELECT client FROM r WHERE id = $1", [row_id])["rows"]
                    if rows != [[number]]:
                        errors.append(f"client {number}: row {row_id} read back as {rows}")
                connection.close()
                other.close()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(64)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(self.admin().sql("SELECT count(*) FROM r")["rows"], [[64 * 20]])


class Crash(ServerTestCase):
    def test_kill_9_under_write_load(self):
        setup = self.admin()
        setup.sql("CREATE TABLE k (id BIGINT PRIMARY KEY, v TEXT)")
        setup.close()
        acknowledged = []
        lock = threading.Lock()
        stop = threading.Event()

        def writer(number):
            try:
                connection = self.admin()
                i = 0
                while not stop.is_set():
                    row_id = number * 1_000_000 + i
                    connection.sql("INSERT INTO k VALUES ($1, 'payload')", [row_id])
                    with lock:
                        acknowledged.append(row_id)
                    i += 1
            except Exception:  # noqa: BLE001 - the server dies under the writers by design
                pass

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        self.server.kill()
        stop.set()
        for thread in threads:
            thread.join()
        with lock:
            acked = set(acknowledged)
        self.assertGreater(len(acked), 10)
        self.server.start()
        present = {row[0] for row in self.admin().sql("SELECT id FROM k")["rows"]}
        self.assertEqual(acked - present, set(), "acknowledged writes lost")
        self.assertEqual(self.server.stop(), 0)
        verify = harness.run(BINARY, "verify", "--data", self.data, "--no-progress", check=False)
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)


class Tls(unittest.TestCase):
    def setUp(self):
        self.workspace = harness.Workspace()
        self.data = self.workspace.path("data")
        self.admin_key = harness.init(BINARY, self.data)
        path = self.workspace.path
        openssl = lambda *args: subprocess.run(["openssl"] + list(args), check=True, capture_output=True)
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=kmb-test-ca",
                "-keyout", path("ca.key"), "-out", path("ca.pem"))
        for name in ("server", "client"):
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", path(name + ".key"),
                    "-out", path(name + ".csr"))
            with open(path(name + ".ext"), "w") as ext:
                ext.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
            openssl("x509", "-req", "-in", path(name + ".csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                    "-CAcreateserial", "-days", "1", "-extfile", path(name + ".ext"), "-out", path(name + ".pem"))
        self.server = None

    def tearDown(self):
        if self.server and self.server.alive():
            self.server.kill()
        self.workspace.cleanup()

    def start(self, *extra):
        path = self.workspace.path
        self.server = harness.Server(BINARY, self.data, ["--tls-cert", path("server.pem"), "--tls-key",
                                                         path("server.key")] + list(extra)).start()

    def test_tls(self):
        self.start()
        context = kmbwire.client_tls_context(self.workspace.path("ca.pem"))
        connection = self.server.connect(self.admin_key, tls=context)
        self.assertEqual(connection.sql("SELECT 40 + 2")["rows"], [[42]])
        plain = self.server.connect()
        plain.send(T["hello"], kmbwire.hello(self.admin_key))
        self.assertTrue(plain.closed_by_server())
        self.assertEqual(connection.sql("SELECT 1")["rows"], [[1]])
        self.assertEqual(self.server.stop(), 0)

    def test_client_certificates(self):
        path = self.workspace.path
        self.start("--tls-client-ca", path("ca.pem"))
        without = kmbwire.client_tls_context(path("ca.pem"))
        with self.assertRaises((ssl_errors())):
            connection = self.server.connect(self.admin_key, tls=without)
            connection.sql("SELECT 1")
        with_cert = kmbwire.client_tls_context(path("ca.pem"), path("client.pem"), path("client.key"))
        self.assertEqual(self.server.connect(self.admin_key, tls=with_cert).sql("SELECT 7")["rows"], [[7]])


class Cli(ServerTestCase):
    """The network modes of the kimberlite command itself (docs/cli.md)."""

    def kimberlite(self, *args, key=None, check=True):
        address = ["--address", "127.0.0.1:%d" % self.server.port, "--api-key", key or self.admin_key]
        command_words = 2 if args[0] == "key" else 1
        return harness.run(BINARY, *(list(args[:command_words]) + address + list(args[command_words:])), check=check)

    def test_sql_repl_info_bench(self):
        out = self.kimberlite("sql", "CREATE TABLE p (id BIGINT PRIMARY KEY, name TEXT NOT NULL); "
                                     "INSERT INTO p VALUES (1, 'Ada'), (2, 'Alan')").stdout
        self.assertIn("INSERT 2", out)
        out = self.kimberlite("sql", "--format", "json", "SELECT name FROM p ORDER BY id").stdout
        self.assertEqual(json.loads(out), [{"name": "Ada"}, {"name": "Alan"}])
        repl = subprocess.run([BINARY, "repl", "--address", "127.0.0.1:%d" % self.server.port],
                              input=".tables\n.schema p\nSELECT count(*) FROM p;\n", capture_output=True, text=True,
                              env=dict(os.environ, KIMBERLITE_API_KEY=self.admin_key), check=True)
        self.assertIn("CREATE TABLE p (", repl.stdout)
        self.assertIn("(1 row)", repl.stdout)
        info = self.kimberlite("info", "--format", "json").stdout
        self.assertIn('"session_role"', info)
        bench = self.kimberlite("bench", "--clients", "1,2", "--seconds", "0.3", "--format", "csv").stdout
        rows = bench.strip().splitlines()
        self.assertEqual(len(rows), 3)
        self.assertTrue(all(float(row.split(",")[1]) > 0 for row in rows[1:]), bench)
        pipelined = self.kimberlite("bench", "--clients", "2", "--pipeline", "8", "--seconds", "0.3", "--format",
                                    "csv").stdout.strip().splitlines()
        self.assertEqual(len(pipelined), 2)
        fields = pipelined[1].split(",")
        self.assertGreater(float(fields[1]), 0)
        self.assertEqual(fields[-1], "0")  # no errors
        wrong = self.kimberlite("sql", "SELECT 1", key="kmb_" + "1" * 64, check=False)
        self.assertNotEqual(wrong.returncode, 0)
        self.assertIn("authentication failed", wrong.stderr)

    def test_key_commands(self):
        created = self.kimberlite("key", "create", "--tenant", "1", "--role", "reader", "--label", "ci").stdout
        secret = re.search(r"(kmb_[0-9a-f]{64})", created).group(1)
        key_id = re.search(r"API key ([0-9a-f]{16})", created).group(1)
        self.assertIn("[[1]]", str(self.server.connect(secret).sql("SELECT 1")["rows"]))
        listed = json.loads(self.kimberlite("key", "list", "--format", "json").stdout)
        self.assertEqual({k["key_id"] for k in listed if k["label"] == "ci"}, {key_id})
        self.assertNotIn(secret, json.dumps(listed))
        rotated = self.kimberlite("key", "rotate", key_id).stdout
        new_secret = re.search(r"(kmb_[0-9a-f]{64})", rotated).group(1)
        self.server.connect(new_secret).sql("SELECT 1")
        with self.assertRaises(ServerError):
            self.server.connect(secret)
        new_id = re.search(r"API key ([0-9a-f]{16})", rotated).group(1)
        self.kimberlite("key", "revoke", new_id)
        with self.assertRaises(ServerError):
            self.server.connect(new_secret)
        # Offline administration needs the server gone (it holds the system log's lock).
        busy = harness.run(BINARY, "key", "list", "--data", self.data, check=False)
        self.assertEqual(busy.returncode, 3)
        self.assertEqual(self.server.stop(), 0)
        offline = harness.run(BINARY, "key", "list", "--data", self.data, "--format", "csv").stdout
        self.assertIn(new_id, offline)

    def test_dev_serves_until_signalled(self):
        self.server.kill()
        data = self.workspace.path("dev")
        process = subprocess.Popen([BINARY, "dev", "--data", data, "--listen", "127.0.0.1:0"],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = []
        while not any("kmb_" in line for line in lines):
            line = process.stdout.readline()
            if not line:
                self.fail("dev exited early: %s" % process.stderr.read())
            lines.append(line)
        text = "".join(lines)
        port = int(re.search(r"dev server on 127.0.0.1:(\d+)", text).group(1))
        key = re.search(r"(kmb_[0-9a-f]{64})", text).group(1)
        connection = kmbwire.Connection(port)
        connection.hello(key)
        self.assertEqual(connection.sql("SELECT count(*) FROM patients")["rows"], [[3]])
        connection.close()
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=20), 0)
        process.stdout.close()
        process.stderr.close()


def ssl_errors():
    import ssl
    return (ssl.SSLError, ConnectionResetError, BrokenPipeError, AssertionError, OSError)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv[1])
    suite = unittest.defaultTestLoader.loadTestsFromName(sys.argv[2], sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)

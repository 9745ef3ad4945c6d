"""Runs real `kimberlite` processes for the end-to-end server tests: init a data directory, start
the server on a free port, stop it with a signal or kill -9."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import kmbwire


class Server:
    def __init__(self, binary, data, args=()):
        self.binary, self.data, self.args = binary, data, list(args)
        self.process = None
        self.port = None
        self.metrics_port = None

    def start(self, extra=()):
        command = [self.binary, "start", "--data", self.data, "--listen", "127.0.0.1:0"] + self.args + list(extra)
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        match = re.search(r" on [0-9.]+:(\d+)", line)
        if not match:
            self.process.kill()
            raise RuntimeError("server did not start: %r %s" % (line, self.process.stderr.read()))
        self.port = int(match.group(1))
        metrics = re.search(r"metrics on http port (\d+)", line)
        self.metrics_port = int(metrics.group(1)) if metrics else None
        return self

    def connect(self, key=None, tls=None, timeout=10.0):
        connection = kmbwire.Connection(self.port, tls_context=tls, timeout=timeout)
        if key is not None:
            connection.hello(key)
        return connection

    def stop(self, sig=signal.SIGTERM, timeout=20):
        self.process.send_signal(sig)
        code = self.process.wait(timeout=timeout)
        self.process.stdout.close()
        self.process.stderr.close()
        return code

    def kill(self):
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()

    def alive(self):
        return self.process.poll() is None


def init(binary, data):
    output = subprocess.run([binary, "init", data], check=True, capture_output=True, text=True).stdout
    match = re.search(r"(kmb_[0-9a-f]{64})", output)
    assert match, output
    return match.group(1)


class Workspace:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="kmb-server-test-")

    def path(self, name):
        return os.path.join(self.root, name)

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


def run(binary, *args, check=True):
    return subprocess.run([binary] + list(args), capture_output=True, text=True, check=check)


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False

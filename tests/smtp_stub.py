"""A tiny SMTP server in a thread, for the tests with a real worker: it accepts and records messages, or
accepts connections and never answers (`hang`), like a mail server that froze."""

import socket
import threading


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPStub:
    def __init__(self, port: int = 0, *, hang: bool = False):
        self.hang = hang
        self.messages: list[bytes] = []
        self.connections = 0
        self._stop = threading.Event()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn, self.hang), daemon=True).start()

    def _handle(self, conn: socket.socket, hang: bool) -> None:
        with conn:
            if hang:  # accept, never answer
                self._stop.wait()
                return
            conn.settimeout(10)
            reader = conn.makefile("rb")
            conn.sendall(b"220 stub ESMTP\r\n")
            try:
                self._dialogue(conn, reader)
            except (OSError, ValueError):
                return

    def _dialogue(self, conn: socket.socket, reader) -> None:
        while True:
            line = reader.readline()
            if not line:
                return
            command = line[:4].upper()
            if command == b"DATA":
                conn.sendall(b"354 go ahead\r\n")
                data = []
                while (chunk := reader.readline()) not in (b".\r\n", b""):
                    data.append(chunk)
                self.messages.append(b"".join(data))
                conn.sendall(b"250 queued\r\n")
            elif command == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"250 ok\r\n")

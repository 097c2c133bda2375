"""A raw SMTP client for transcript tests: send a line, read the whole (multi-line) reply."""

import socket


class Dialogue:
    def __init__(self, addr, source="127.0.0.1"):
        self.sock = socket.create_connection(addr, timeout=10, source_address=(source, 0))
        self.file = self.sock.makefile("rb")
        self.greeting = self.reply()

    def reply(self) -> str:
        lines = []
        while True:
            line = self.file.readline().decode().rstrip("\r\n")
            if not line:
                raise ConnectionError("connection closed; so far: %r" % lines)
            lines.append(line)
            if line[3:4] != "-":
                return "\n".join(lines)

    def send(self, line: str) -> str:
        self.sock.sendall(line.encode() + b"\r\n")
        return self.reply()

    def data(self, body: str) -> str:
        assert self.send("DATA").startswith("354")
        self.sock.sendall(body.replace("\n", "\r\n").encode() + b"\r\n.\r\n")
        return self.reply()

    def close(self):
        self.sock.close()

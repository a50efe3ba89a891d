"""A mail server of the test's own on 127.0.0.1: it refuses every connection (554 at the greeting,
as a server that is down for maintenance does) until `accept()`, then takes every mail."""

import socketserver
import threading


class _Session(socketserver.StreamRequestHandler):
    def handle(self):
        sink = self.server.sink

        def say(line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        if not sink.accepting:
            sink.refused += 1
            say("554 5.3.2 not accepting mail now")
            return
        say("220 sink ESMTP")
        lines: list[str] | None = None
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if lines is not None:  # DATA
                if line == ".":
                    sink.messages.append("\n".join(lines))
                    lines = None
                    say("250 2.0.0 queued")
                else:
                    lines.append(line[1:] if line.startswith("..") else line)
                continue
            verb = line[:4].upper()
            if verb == "EHLO":
                say("250-sink")
                say("250 8BITMIME")
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                say("250 OK")
            elif verb == "DATA":
                say("354 go ahead")
                lines = []
            elif verb == "QUIT":
                say("221 bye")
                return
            else:
                say("502 not here")


class SmtpSink:
    def __init__(self):
        self.accepting = False
        self.refused = 0
        self.messages: list[str] = []
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Session)
        self.server.daemon_threads = True
        self.server.sink = self
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def accept(self) -> None:
        self.accepting = True

    def use_for(self, settings) -> None:
        """Make it the site's mail server (behind operations.mail, as EMAIL_URL would)."""
        settings.SPASMINFO_EMAIL_DELIVERY = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", self.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), collecting what it receives."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.envelopes: list = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        return sorted(to for envelope in self.envelopes for to in envelope.rcpt_tos)


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox()
    inbox.port = free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    server.start()
    try:
        yield inbox
    finally:
        server.stop()

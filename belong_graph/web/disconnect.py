"""Whether a request's client went away, so that its query can be stopped.

waitress says so (``waitress.client_disconnected``) only for connections it keeps reading while a
request is served (``channel_request_lookahead``), and its main loop then spun while an answer
waited to be sent: a thousand turns and 0.9 ms of processor time a faceted listing, on two cores
shared with the query workers. So the server reads no request ahead, and the connection's socket
is asked instead: a peek that finds the end of the stream (or a reset) means the client closed it.
Under another server (gunicorn) nothing is known, and a query runs to its time limit.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping
from typing import Any

_PEEK = socket.MSG_PEEK | socket.MSG_DONTWAIT


def client_gone(environ: Mapping[str, Any]) -> Callable[[], bool]:
    """A check that turns true once the client of the request of ``environ`` has gone."""
    told: Callable[[], bool] | None = environ.get("waitress.client_disconnected")
    if told is None:
        return lambda: False
    connection = getattr(getattr(told, "__self__", None), "socket", None)
    if not isinstance(connection, socket.socket):
        return told
    return lambda: told() or _closed(connection)


def _closed(connection: socket.socket) -> bool:
    """Whether the peer closed ``connection``: nothing to read and the stream ended, or an error;
    data waiting (a next request) or nothing yet means it is still there."""
    try:
        return connection.recv(1, _PEEK) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True

"""What the publishers (zenodo.py, ckan.py, huggingface.py) share: the check of a token read from the environment,
the one exception they raise (a one-line message for people, which never holds the token), and a failed connection
told as the host and what to do.

A token is a secret: it is checked before it is used and only ever sent in a header. While it is in use, every
log record (requests, urllib3, ckanapi or anything else) has it blotted out, and so has every error that leaves
a publisher: an HTTP library's own messages quote header values (requests' InvalidHeader does), and a portal may
echo what it was sent.
"""

from __future__ import annotations

import functools
import logging
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import requests

TIMEOUT = 60.0  # seconds a portal may take to accept a connection, and then to answer each read
HIDDEN = "[token]"
TOKEN_MARKS = "-._~"  # a token's characters besides ASCII letters and digits: none is escaped in a URL or HTML
PIECE = 8  # characters of a token that, found in a row in any text, are blotted out (a token cut or split)
NETWORK_ADVICE = "check the address and your network"


class PublishError(Exception):
    """A failed publication, with a message for people: one line, never the token."""


_WHITE_SPACE = {"\r": "a carriage return", "\n": "a line feed", "\t": "a tab", " ": "a space"}


def _kind(char: str) -> str | None:
    """What is wrong with a character of a token, in words that do not quote it; None for printable ASCII."""
    code = ord(char)
    if char in _WHITE_SPACE:
        return _WHITE_SPACE[char]
    if char.isspace():
        return "white space"
    if code < 0x20 or 0x7F <= code < 0xA0:  # C0, DEL and C1
        return "a control character"
    if not char.isascii():
        return "a character outside ASCII"
    return None


def token_problem(value: str) -> str | None:
    """Why a token cannot be sent, saying where the bad character is but never what the token holds; None if it
    is ASCII letters, digits and - . _ ~ only, as the tokens of Zenodo, CKAN (JWT) and the Hub are."""
    if not value:
        return "is empty"
    for position, char in enumerate(value):
        kind = _kind(char)
        if kind is None and not (char.isalnum() or char in TOKEN_MARKS):  # a repr, a URL or HTML would escape it
            kind = "a character other than a letter, a digit, -, ., _ or ~"
        if kind is None:
            continue
        where = (
            "starts with"
            if position == 0
            else "ends with"
            if position == len(value) - 1
            else f"has, at character {position + 1},"
        )
        return f"{where} {kind}"
    return None


def token_refusal(variable: str, value: str) -> str | None:
    """The one line that refuses a token in `variable` (never quoting it), or None if it can be sent."""
    problem = token_problem(value)
    if problem is None:
        return None
    return (
        f"{variable} {problem}: a token is ASCII letters, digits and - . _ ~ only, without spaces or control "
        f"characters; set it again (a copy often brings a line break along); nothing was sent"
    )


def redact(text: str, token: str) -> str:
    """`text` with the token blotted out, and any run of PIECE or more of its characters in a row: an answer may
    quote it cut short, split across lines or with a character escaped."""
    if len(token) <= PIECE:
        return text.replace(token, HIDDEN) if token else text
    pieces, kept, at = _pieces(token), [], 0
    while found := pieces.search(text, at):
        end = found.end()
        while end < len(text) and text[found.start() : end + 1] in token:
            end += 1
        kept += [text[at : found.start()], HIDDEN]
        at = end
    return "".join([*kept, text[at:]])


def shows(text: str, token: str) -> bool:
    """Whether `text` holds the token or a piece of it (see redact)."""
    return redact(text, token) != text


@functools.lru_cache(maxsize=4)
def _pieces(token: str) -> re.Pattern:
    return re.compile("|".join(sorted({re.escape(token[i : i + PIECE]) for i in range(len(token) - PIECE + 1)})))


def redacted_line(text: str, token: str, limit: int | None = None) -> str:
    """Text from outside (a server's answer, a library's message) as one line fit to print: the token blotted out
    first (before any cut, so that no part of it is left), white space made single spaces, what a terminal would
    act on (control characters, bidirectional overrides) escaped, then cut at `limit` characters."""
    text = " ".join(redact(text, token).split())
    text = "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in text)
    return f"{text[:limit]}..." if limit is not None and len(text) > limit else text


@contextmanager
def kept_secret(token: str) -> Iterator[None]:
    """While the token is in use: every log record made anywhere has it blotted out, and an exception that leaves
    the block is a PublishError whose message does not hold it (any other exception that would show it in a
    traceback becomes one too, its chain dropped)."""
    previous = logging.getLogRecordFactory()

    def blotted(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: logging reports it where it is emitted, as it would have
            return record
        if shows(message, token):
            record.msg, record.args = redact(message, token), None
        return record

    logging.setLogRecordFactory(blotted)
    try:
        yield
    except PublishError as error:
        raise type(error)(redacted_line(str(error), token)) from None
    except Exception as error:
        if shows(_chain_text(error), token):
            raise PublishError(f"{type(error).__name__}: {redacted_line(str(error), token)}") from None
        raise
    finally:
        logging.setLogRecordFactory(previous)


def _chain_text(error: BaseException) -> str:
    """The messages of an exception and of those it was raised from or during, as a traceback would show them."""
    texts, seen = [], set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts.append(f"{current!r} {current}")
        current = current.__cause__ or current.__context__
    return " ".join(texts)


def host_of(url: str) -> str:
    """The host (and port, if any) of a URL: what a message names, never the user or password a URL may hold."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: the address is wrong, and the message says so
        port = None
    host = parts.hostname or url
    return f"{host}:{port}" if port else host


LOOPBACK = ("localhost", "127.0.0.1", "::1")


def url_problem(url: str, carries_secret: bool = False) -> str | None:
    """Why an address given by the user cannot be a portal's, or None. A secret goes over https only, but to this
    machine (a portal run locally, a test's stand-in)."""
    if any(_kind(char) for char in url):
        return "has white space, a control character or a character outside ASCII (percent-encode it)"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an http:// or https:// address with a host, such as https://demo.ckan.org"
    try:
        parts.port  # noqa: B018  (it parses the port, and raises if it is not a number)
    except ValueError:
        return "has a port that is not a number"
    if carries_secret and parts.scheme == "http" and parts.hostname not in LOOPBACK:
        return "is http://, which would send the token unencrypted: use https://"
    return None


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The exception and every one inside it: its cause and context, its arguments, urllib3's `reason`."""
    waiting, seen = [error], set()
    while waiting:
        current = waiting.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        waiting.extend(e for e in inner if isinstance(e, BaseException))


def network_failure(error: requests.RequestException, url: str, timeout: float) -> str:
    """What went wrong in reaching the host of `url`, and what to do, in one line of words we chose (never the
    library's message, which may quote what was sent)."""
    host = host_of(url)
    causes = list(_causes(error))
    if isinstance(error, requests.Timeout) or any(isinstance(e, TimeoutError) for e in causes):
        return f"no answer from {host} within {timeout:g} s: {NETWORK_ADVICE}, or try again later"
    if isinstance(error, requests.exceptions.SSLError) or any(isinstance(e, ssl.SSLError) for e in causes):
        reason = next((e.reason for e in causes if isinstance(e, ssl.SSLError) and getattr(e, "reason", None)), "")
        reason = f" ({reason})" if re.fullmatch(r"[A-Z0-9_ ]+", reason or "") else ""
        return (
            f"the secure connection (TLS) with {host} failed{reason}: {NETWORK_ADVICE}, and whether the portal "
            f"speaks https there"
        )
    if any(isinstance(e, socket.gaierror) for e in causes):
        return f"cannot find the host {host} (its name does not resolve): {NETWORK_ADVICE}"
    if any(isinstance(e, ConnectionRefusedError) for e in causes):
        return f"{host} refused the connection: {NETWORK_ADVICE}"
    if isinstance(error, requests.ConnectionError):
        return f"the connection with {host} failed: {NETWORK_ADVICE}"
    return f"cannot send a request to {host} ({type(error).__name__}): check the address"

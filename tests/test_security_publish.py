"""Issue 22, class 7: secrets and the network. A token is checked before it is used and never shows, not in part,
not in any output, traceback or log, whatever the server answers; a refused connection, a timeout, a host that
does not resolve and a failed TLS handshake are each one line naming the host and what to do, exit 1, for Zenodo
and CKAN alike. Every case runs for real without the internet: the stand-ins of standins.py, a closed port, a
server that accepts and never answers, a host under the reserved `.invalid` domain (RFC 2606), https to a
plain-HTTP port."""

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from anso_facts.cli import main
from anso_facts.model.metadata import zenodo_record
from anso_facts.release import publishing
from anso_facts.release.ckan import CkanError, publish
from anso_facts.release.publishing import PublishError, kept_secret, token_problem
from anso_facts.release.zenodo import Deposit, ZenodoError
from helpers import REPO
from standins import Ckan, Zenodo

BIN = Path(sys.executable).parent
TOKEN = "zQ7xW9kP3vB8rT2yM5nL"  # distinctive: no 4 characters of it in a row occur in anything else printed
VARIABLE = {"zenodo": "ZENODO_TOKEN", "ckan": "CKAN_API_KEY"}
ADVICE = "check the address and your network"

# The CLI in a subprocess, with what a test sets in-process: Zenodo's address (a module constant, as in
# test_publish.py), the network timeout, and, if asked, every logger at DEBUG on stderr.
RUNNER = (
    "import logging, sys\n"
    "import anso_facts.release.publishing, anso_facts.release.zenodo\n"
    "anso_facts.release.zenodo.ZENODO = sys.argv[1]\n"
    "anso_facts.release.publishing.TIMEOUT = float(sys.argv[2])\n"
    "if sys.argv[3] == 'log':\n"
    "    logging.basicConfig(level=logging.DEBUG)\n"
    "from anso_facts.cli import main\n"
    "sys.exit(main(sys.argv[4:]))\n"
)


def run(target: str, url: str, token: str | None, *options: str, timeout: float = 5.0, log: bool = False):
    """`anso-facts publish TARGET` in a subprocess, against `url`, with the token in its variable (or none)."""
    env = {k: v for k, v in os.environ.items() if k not in VARIABLE.values()}
    if token is not None:
        env[VARIABLE[target]] = token
    words = ["publish", "zenodo", *options] if target == "zenodo" else ["publish", "ckan", url, *options]
    return subprocess.run(
        [sys.executable, "-c", RUNNER, url, str(timeout), "log" if log else "-", "--root", str(REPO), *words],
        env=env,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
    )


def assert_kept_secret(shown: str) -> None:
    """Neither the token nor any 4 characters of it in a row, and no traceback."""
    assert "Traceback" not in shown, shown
    assert [TOKEN[i : i + 4] for i in range(len(TOKEN) - 3) if TOKEN[i : i + 4] in shown] == [], shown


def one_line(text: str) -> str:
    assert text.endswith("\n") and text.count("\n") == 1, text
    return text


@pytest.fixture
def zenodo():
    server = Zenodo()
    server.TOKEN = TOKEN
    yield server
    server.close()


@pytest.fixture
def ckan():
    server = Ckan()
    server.KEY = TOKEN
    yield server
    server.close()


@pytest.fixture
def archive(tmp_path) -> Path:
    """Any file will do as the archive: the stand-in stores what it receives."""
    path = tmp_path / "anso-facts-test.zip"
    path.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip
    return path


def options(target: str, archive: Path) -> list[str]:
    return ["--send", "--archive", str(archive)] if target == "zenodo" else ["--send"]


# Tokens ---------------------------------------------------------------------------------------------------

OTHER = "a character other than a letter, a digit, -, ., _ or ~"
BAD_TOKENS = [
    (f"{TOKEN}\r", "ends with a carriage return"),
    (f"{TOKEN}\n", "ends with a line feed"),
    (f"{TOKEN}\r\n", "has, at character 21, a carriage return"),
    (f" {TOKEN}", "starts with a space"),
    (f"{TOKEN[:8]}\t{TOKEN[8:]}", "has, at character 9, a tab"),
    (f"{TOKEN[:8]} {TOKEN[8:]}", "has, at character 9, a space"),
    (f"{TOKEN}\x1b", "ends with a control character"),  # ESC
    (f"{TOKEN[:5]}\x07{TOKEN[5:]}", "has, at character 6, a control character"),  # BEL
    (f"{TOKEN[:5]}\x7f{TOKEN[5:]}", "has, at character 6, a control character"),  # DEL
    (f"\x9b{TOKEN}", "starts with a control character"),  # C1: CSI
    (f"{TOKEN}\u00a0", "ends with white space"),  # no-break space
    (f"{TOKEN[:5]}\u202e{TOKEN[5:]}", "has, at character 6, a character outside ASCII"),  # right-to-left override
    (f"{TOKEN}\udcff", "ends with a character outside ASCII"),  # the byte 0xff: not UTF-8
    (f"{TOKEN[:4]}\\{TOKEN[4:]}", f"has, at character 5, {OTHER}"),  # a repr would double it
    (f"{TOKEN}'", f"ends with {OTHER}"),
    (f'"{TOKEN}', f"starts with {OTHER}"),
    (f"{TOKEN}=", f"ends with {OTHER}"),  # a URL would encode it
    (f"{TOKEN[:3]}&{TOKEN[3:]}", f"has, at character 4, {OTHER}"),  # HTML would escape it
]


@pytest.mark.parametrize("target", ["zenodo", "ckan"])
@pytest.mark.parametrize("token, problem", BAD_TOKENS, ids=[f"{i}-{p}" for i, (_, p) in enumerate(BAD_TOKENS)])
def test_a_bad_token_is_refused_before_anything_is_sent_and_never_shown(target, token, problem, zenodo, ckan, archive):
    server = zenodo if target == "zenodo" else ckan
    result = run(target, server.url, token, *options(target, archive))
    assert result.returncode == 2 and result.stdout == ""
    err = one_line(result.stderr)
    assert f"{VARIABLE[target]} {problem}" in err and "ASCII letters, digits and - . _ ~ only" in err, err
    assert_kept_secret(result.stdout + result.stderr)
    assert server.received == []


@pytest.mark.parametrize("target", ["zenodo", "ckan"])
def test_an_empty_or_missing_token_says_what_to_set(target, zenodo, ckan, archive):
    server = zenodo if target == "zenodo" else ckan
    for token in ("", None):
        result = run(target, server.url, token, *options(target, archive))
        assert result.returncode == 2 and one_line(result.stderr).startswith(f"set {VARIABLE[target]} to ")
    assert server.received == []


def test_the_library_refuses_a_bad_token_too(zenodo, ckan, archive):
    with pytest.raises(ZenodoError, match="ZENODO_TOKEN ends with a carriage return") as raised:
        Deposit(archive, zenodo_record(), zenodo.url).send(f"{TOKEN}\r")
    assert_kept_secret(str(raised.value))
    with pytest.raises(CkanError, match="CKAN_API_KEY has, at character 3, a line feed") as raised_too:
        publish(ckan.url, REPO, f"{TOKEN[:2]}\n{TOKEN[2:]}")
    assert_kept_secret(str(raised_too.value))
    assert zenodo.received == [] and ckan.received == []


def test_token_problems_say_where_and_what_kind():
    assert token_problem(TOKEN) is None and token_problem("a-b_c.d~e") is None
    for token, problem in BAD_TOKENS:
        assert problem in token_problem(token), (problem, token_problem(token))


# The token in every output --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, case, code",
    [
        ("zenodo", "dry run", 0),
        ("zenodo", "published", 0),
        ("zenodo", "wrong token", 1),
        ("zenodo", "server error", 1),
        ("zenodo", "server quotes the token", 1),
        ("ckan", "dry run", 0),
        ("ckan", "published", 0),
        ("ckan", "wrong token", 1),
        ("ckan", "server quotes the token", 1),
    ],
)
@pytest.mark.parametrize("log", [False, True], ids=["quiet", "every logger at DEBUG"])
def test_a_good_token_never_shows(target, case, code, log, zenodo, ckan, archive):
    server = zenodo if target == "zenodo" else ckan
    sent = options(target, archive) if case != "dry run" else options(target, archive)[1:]
    if target == "zenodo" and case == "published":
        sent = ["--publish", "--archive", str(archive)]
    if case == "wrong token":
        server.TOKEN = server.KEY = "another-token"
    if case == "server error":
        server.failures = {("POST", "/api/records"): 500}
    if case == "server quotes the token":  # after the dataset or draft is made: the message says what was done
        server.failures = {("PUT", r"/api/records/\d+/draft"): "echo", ("POST", "/api/action/resource_create"): "echo"}
    result = run(target, server.url, TOKEN, *sent, log=log)
    assert result.returncode == code, result.stderr
    assert_kept_secret(result.stdout + result.stderr)
    if log and case != "dry run":  # the libraries' debug logs were on, and showed the requests
        assert "Starting new HTTP connection" in result.stderr
    if case == "server quotes the token":
        assert publishing.HIDDEN in result.stderr
        assert not any(char in result.stderr for char in "\x1b\x07\r\u202e"), result.stderr  # escaped
        if not log:
            one_line(result.stderr)
        if target == "ckan":
            assert "1 step done before it stopped, the last package_create anso-facts; run it again" in result.stderr
    if case == "wrong token" and not log:
        assert ("refused the token" if target == "zenodo" else "NotAuthorized") in one_line(result.stderr)


def test_a_server_that_quotes_the_token_gets_none_of_it_shown_wherever_the_message_is_cut(zenodo, ckan, archive):
    """A refusal is cut to 300 characters; the token is blotted out before the cut, so no part of it is left
    whichever side of the cut it falls."""
    zenodo.failures = {("PUT", r"/api/records/\d+/draft"): "echo"}
    ckan.failures = {("POST", "/api/action/package_show"): "echo"}
    for padding in range(230, 310, 3):
        zenodo.echo_padding = ckan.echo_padding = padding
        with pytest.raises(ZenodoError, match=r"\.\.\.; nothing was published") as raised:
            Deposit(archive, zenodo_record(), zenodo.url).send(TOKEN)
        with pytest.raises(CkanError, match=r"\.\.\.\); nothing was published") as raised_too:
            publish(ckan.url, REPO, TOKEN)
        for message in (str(raised.value), str(raised_too.value)):
            assert_kept_secret(message)
            assert "\n" not in message and "\x1b" not in message


ALTERED = {
    "split by a line break": lambda header: header.replace(TOKEN, f"{TOKEN[:10]}\n{TOKEN[10:]}"),
    "its first character escaped": lambda header: header.replace(TOKEN, f"\\u{ord(TOKEN[0]):04x}{TOKEN[1:]}"),
    "cut short": lambda header: header.replace(TOKEN, f"{TOKEN[:12]}..."),
    "a piece of its middle": lambda header: header.replace(TOKEN, TOKEN[5:15]),
}


@pytest.mark.parametrize("form", ALTERED)
def test_a_server_that_quotes_the_token_altered_gets_none_of_it_shown(zenodo, ckan, archive, form):
    """Any 8 characters of the token in a row are blotted out: a quote of it cut, split or escaped shows nothing."""
    zenodo.failures = {("PUT", r"/api/records/\d+/draft"): "echo"}
    ckan.failures = {("POST", "/api/action/package_show"): "echo"}
    zenodo.echo_form = ckan.echo_form = ALTERED[form]
    with pytest.raises(ZenodoError, match="nothing was published") as raised:
        Deposit(archive, zenodo_record(), zenodo.url).send(TOKEN)
    with pytest.raises(CkanError, match="nothing was published") as raised_too:
        publish(ckan.url, REPO, TOKEN)
    for message in (str(raised.value), str(raised_too.value)):
        assert publishing.HIDDEN in message
        assert_kept_secret(message)


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ([1, 2], "with something that is not a JSON object"),
        ("text", "with something that is not a JSON object"),
        ({"hits": {"hits": "x"}}, "with JSON of another shape than Zenodo's API documents"),
        ({"hits": None}, "with JSON of another shape than Zenodo's API documents"),
        (b"[" * 100_000 + b"]" * 100_000, "with something that is not a JSON object"),  # past the parser's depth
    ],
)
def test_a_success_of_another_shape_than_the_api_is_one_line(zenodo, archive, answer, words):
    zenodo.failures = {("GET", "/api/user/records"): ("answer", answer)}
    result = run("zenodo", zenodo.url, TOKEN, *options("zenodo", archive))
    assert result.returncode == 1 and words in one_line(result.stderr) and "nothing was published" in result.stderr
    assert_kept_secret(result.stdout + result.stderr)


@pytest.mark.parametrize("result", [[1], {"id": "i"}, {"id": "i", "resources": "x"}])
def test_a_ckan_success_of_another_shape_is_one_line(ckan, archive, result):
    ckan.failures = {("POST", "/api/action/package_show"): ("answer", {"success": True, "result": result})}
    result = run("ckan", ckan.url, TOKEN, *options("ckan", archive))
    assert result.returncode == 1 and "another shape than CKAN's action API documents" in one_line(result.stderr)


def test_an_answer_nested_just_within_the_parser_is_one_line(zenodo, archive):
    """Parsed, then sent back in part: the encoder overflows where the parser did not."""
    deep = b'{"id": "1", "pids": {"doi": {"identifier": "10.5072/x"}, "x": ' + b"[" * 983 + b"]" * 983 + b"}}"
    zenodo.failures = {("POST", "/api/records"): ("answer", deep, 201)}
    result = run("zenodo", zenodo.url, TOKEN, "--reserve-doi", "--send")
    assert result.returncode == 1 and "another shape than Zenodo's API documents (RecursionError)" in one_line(
        result.stderr
    )


def test_a_refusal_nested_past_the_parser_is_one_line(zenodo, ckan, archive):
    deep = b"[" * 100_000 + b"]" * 100_000
    zenodo.failures = {("GET", "/api/user/records"): ("answer", deep, 400)}
    ckan.failures = {("POST", "/api/action/package_show"): ("answer", deep, 400)}
    for target, server in (("zenodo", zenodo), ("ckan", ckan)):
        result = run(target, server.url, TOKEN, *options(target, archive))
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        one_line(result.stderr)


def test_log_records_made_while_a_token_is_in_use_have_it_blotted_out(caplog):
    caplog.set_level(logging.DEBUG)
    previous = logging.getLogRecordFactory()
    with kept_secret(TOKEN):
        logging.getLogger("urllib3.connectionpool").debug("send: Authorization: Bearer %s", TOKEN)
        logging.getLogger("ckanapi").warning(f"echo {TOKEN}")
    assert logging.getLogRecordFactory() is previous
    assert caplog.text.count(publishing.HIDDEN) == 2
    assert_kept_secret(caplog.text)


def test_an_http_library_error_that_quotes_the_token_is_told_without_it(zenodo):
    """The bug of the issue, at the library's level: requests refuses a header value ending in a carriage return
    with an InvalidHeader that quotes it; inside kept_secret it leaves as a PublishError without the token, and
    without the chain a traceback would print."""
    with pytest.raises(PublishError) as raised, kept_secret(TOKEN):
        requests.get(zenodo.url, headers={"Authorization": f"Bearer {TOKEN}\r"}, timeout=5)
    assert "InvalidHeader" in str(raised.value) and publishing.HIDDEN in str(raised.value)
    assert_kept_secret(str(raised.value))
    assert raised.value.__suppress_context__ and raised.value.__cause__ is None
    with pytest.raises(KeyError, match="nothing secret"), kept_secret(TOKEN):  # other errors pass unchanged
        raise KeyError("nothing secret")


# The network ----------------------------------------------------------------------------------------------


def closed_port_url() -> str:
    """An address where nothing listens: a port just bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def silent():
    """A server that accepts every connection and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


FAILURES = {
    "refused": "{host} refused the connection: " + ADVICE,
    "timeout": "no answer from {host} within 0.5 s: " + ADVICE,
    "dns": "cannot find the host {host} (its name does not resolve): " + ADVICE,
    "tls": "the secure connection (TLS) with {host} failed",
}


def failing_url(kind: str, silent: str, standin: Zenodo) -> str:
    return {
        "refused": closed_port_url(),
        "timeout": silent,
        "dns": "https://anso-facts-portal.invalid",
        "tls": standin.url.replace("http://", "https://"),
    }[kind]


@pytest.mark.parametrize("target", ["zenodo", "ckan"])
@pytest.mark.parametrize("kind", list(FAILURES))
def test_a_network_failure_is_one_line_naming_the_host_and_what_to_do(target, kind, silent, zenodo, archive):
    url = failing_url(kind, silent, zenodo)
    started = time.monotonic()
    result = run(target, url, TOKEN, *options(target, archive), timeout=0.5)
    assert time.monotonic() - started < 30
    assert result.returncode == 1 and result.stdout == ""
    err = one_line(result.stderr)
    host = publishing.host_of(url)
    assert err.startswith(f"anso-facts publish {target}: ") and FAILURES[kind].format(host=host) in err, err
    assert ADVICE in err and err.rstrip().endswith("nothing was published"), err
    assert_kept_secret(result.stdout + result.stderr)
    if kind == "tls":
        assert zenodo.received == []  # the handshake failed: no request was read


def test_a_refused_connection_through_the_installed_command():
    """The console script itself, as a curator runs it (CKAN takes its address as an argument)."""
    url = closed_port_url()
    result = subprocess.run(
        [BIN / "anso-facts", "--root", REPO, "publish", "ckan", url, "--send"],
        env={**os.environ, "CKAN_API_KEY": TOKEN},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and result.stdout == ""
    assert one_line(result.stderr) == (
        f"anso-facts publish ckan: package_show: {publishing.host_of(url)} refused "
        f"the connection: {ADVICE}; nothing was published\n"
    )


@pytest.mark.parametrize("target", ["zenodo", "ckan"])
def test_a_timeout_in_process_uses_the_module_constant(target, silent, archive, monkeypatch, capsys):
    monkeypatch.setattr(publishing, "TIMEOUT", 0.3)
    monkeypatch.setattr("anso_facts.release.zenodo.ZENODO", silent)
    monkeypatch.setenv(VARIABLE[target], TOKEN)
    words = (
        ["publish", "zenodo", *options("zenodo", archive)]
        if target == "zenodo"
        else ["publish", "ckan", silent, "--send"]
    )
    started = time.monotonic()
    assert main(["--root", str(REPO), *words]) == 1
    assert time.monotonic() - started < 5
    out, err = capsys.readouterr()
    assert f"no answer from {publishing.host_of(silent)} within 0.3 s" in one_line(err)
    assert_kept_secret(out + err)


@pytest.mark.parametrize(
    "url, problem",
    [
        ("ftp://portal.example.org", "is not an http:// or https:// address"),
        ("portal.example.org", "is not an http:// or https:// address"),
        ("https://", "is not an http:// or https:// address"),
        ("https://portal.example.org:port", "has a port that is not a number"),
        ("https://portal.example.org/\r\nX-Injected: 1", "has white space, a control character"),
    ],
)
def test_a_portal_address_that_cannot_be_one_is_refused(url, problem, monkeypatch, capsys):
    monkeypatch.setenv("CKAN_API_KEY", TOKEN)
    for send in ([], ["--send"]):
        assert main(["--root", str(REPO), "publish", "ckan", url, *send]) == 2
        out, err = capsys.readouterr()
        assert out == "" and f"the portal's address {problem}" in one_line(err)


def test_a_token_goes_over_https_only_but_to_this_machine(ckan, monkeypatch, capsys):
    monkeypatch.setenv("CKAN_API_KEY", TOKEN)
    assert main(["--root", str(REPO), "publish", "ckan", "http://portal.example.org", "--send"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "is http://, which would send the token unencrypted: use https://" in one_line(err)
    assert main(["--root", str(REPO), "publish", "ckan", "http://portal.example.org"]) == 0  # a dry run sends none
    with pytest.raises(CkanError, match="unencrypted"):
        publish("http://portal.example.org", REPO, TOKEN)
    assert main(["--root", str(REPO), "publish", "ckan", ckan.url.replace("127.0.0.1", "localhost"), "--send"]) == 0


def test_what_zenodo_says_about_the_record_is_printed_as_one_plain_line(zenodo, archive, monkeypatch, capsys):
    """The id and address of the record come from the server: a terminal escape or a line break in them is
    shown escaped, not acted on."""
    left = zenodo.draft(zenodo_record()["metadata"]["title"], zenodo_record()["metadata"]["version"])
    left["links"]["self_html"] = f"{zenodo.url}/uploads/{left['id']}\n\x1b[2J\u202e{TOKEN}"
    monkeypatch.setenv("ZENODO_TOKEN", TOKEN)
    monkeypatch.setattr("anso_facts.release.zenodo.ZENODO", zenodo.url)
    assert main(["--root", str(REPO), "publish", "zenodo", "--send", "--archive", str(archive)]) == 0
    out, _ = capsys.readouterr()
    assert one_line(out) == (
        f"uploaded as an unpublished draft: record {left['id']} {zenodo.url}/uploads/"
        f"{left['id']} \\u001b[2J\\u202e{publishing.HIDDEN}\n"
    )

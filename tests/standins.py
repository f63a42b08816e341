"""Local stand-ins for Zenodo's deposit API and CKAN's action API: real HTTP servers on 127.0.0.1 that follow
the documented endpoints, record every request they receive, and fail on demand."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from email.parser import BytesParser
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StandIn:
    """A server in a thread. `received` holds (method, path, headers, body) of every request."""

    def __init__(self):
        self.received: list[tuple[str, str, dict, bytes]] = []
        self.failures: dict[tuple[str, str], object] = {}  # (method, path regex) -> status, "slow", ...
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                owner.received.append((self.command, self.path, dict(self.headers), body))
                status, payload = owner.answer(self.command, self.path, dict(self.headers), body)
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # a short poll: shutdown() waits for the next one (0.5 s by default), and each test stops a server
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def failure(self, method: str, path: str):
        return next((how for (m, pattern), how in self.failures.items()
                     if m == method and re.fullmatch(pattern, path)), None)

    def calls(self) -> list[str]:
        return [f"{method} {path}" for method, path, _, _ in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Zenodo(StandIn):
    """POST /api/deposit/depositions, .../actions/newversion, GET and PUT a deposition, DELETE its files,
    PUT into its bucket, POST .../actions/publish. Bearer token `good-token`."""

    TOKEN = "good-token"

    def __init__(self):
        super().__init__()
        self.next_id = 101
        self.depositions: dict[int, dict] = {}
        self.buckets: dict[str, dict[str, bytes]] = {}

    def _new_deposition(self, files=()) -> dict:
        number, self.next_id = self.next_id, self.next_id + 1
        api = f"{self.url}/api/deposit/depositions/{number}"
        deposition = {"id": number, "state": "unsubmitted", "submitted": False, "metadata": {}, "files": list(files),
                      "links": {"self": api, "bucket": f"{self.url}/api/files/bucket-{number}",
                                "publish": f"{api}/actions/publish", "html": f"{self.url}/deposit/{number}"}}
        self.depositions[number] = deposition
        self.buckets[f"bucket-{number}"] = {}
        return deposition

    def answer(self, method, path, headers, body):
        if headers.get("Authorization") != f"Bearer {self.TOKEN}":
            return 401, {"status": 401, "message": "The server could not verify that you are authorized."}
        how = self.failure(method, path)
        if how == "slow":
            time.sleep(1.5)
        elif isinstance(how, int):
            return how, {"status": how, "message": "stand-in failure",
                         "errors": [{"field": "file", "message": "rejected"}]}
        if method == "POST" and path == "/api/deposit/depositions":
            return 201, self._new_deposition()
        if m := re.fullmatch(r"/api/deposit/depositions/(\d+)/actions/newversion", path):
            old = self.depositions.setdefault(int(m[1]), {"id": int(m[1]), "links": {}})
            draft = self._new_deposition(files=[{"id": "f-old", "filename": "anso-facts-0.0.9.zip", "links": {
                "self": f"{self.url}/api/deposit/depositions/{self.next_id}/files/f-old"}}])
            draft["links"]["self"] = f"{self.url}/api/deposit/depositions/{draft['id']}"
            return 201, {**old, "links": {**old["links"], "latest_draft": draft["links"]["self"]}}
        if m := re.fullmatch(r"/api/deposit/depositions/(\d+)", path):
            deposition = self.depositions[int(m[1])]
            if method == "PUT":
                deposition["metadata"] = json.loads(body)["metadata"]
            return 200, deposition
        if method == "DELETE" and re.fullmatch(r"/api/deposit/depositions/\d+/files/[\w-]+", path):
            return 204, None
        if m := re.fullmatch(r"/api/files/(bucket-\d+)/([\w.-]+)", path):
            self.buckets[m[1]][m[2]] = body
            checksum = "md5:0000" if how == "bad-checksum" else f"md5:{hashlib.md5(body).hexdigest()}"
            return 201, {"key": m[2], "size": len(body), "checksum": checksum}
        if m := re.fullmatch(r"/api/deposit/depositions/(\d+)/actions/publish", path):
            deposition = self.depositions[int(m[1])]
            deposition.update(state="done", submitted=True)
            return 202, deposition
        return 404, {"status": 404, "message": "no such endpoint in the stand-in"}


class Ckan(StandIn):
    """POST /api/action/{package_show, package_create, package_update, resource_create, resource_update}.
    API token `good-key`; uploads are multipart, as ckanapi sends them."""

    KEY = "good-key"

    def __init__(self):
        super().__init__()
        self.packages: dict[str, dict] = {}
        self.uploads: dict[str, bytes] = {}

    @staticmethod
    def _form(headers, body) -> dict:
        if not headers.get("Content-Type", "").startswith("multipart/"):
            return json.loads(body or b"{}")
        message = BytesParser(policy=email_policy).parsebytes(
            f"Content-Type: {headers['Content-Type']}\r\n\r\n".encode() + body)
        form = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            form[name] = part.get_payload(decode=True) if part.get_filename() else part.get_content()
        return form

    def answer(self, method, path, headers, body):
        if headers.get("Authorization") != self.KEY:
            return 403, {"success": False, "error": {"__type": "Authorization Error", "message": "Access denied"}}
        action = path.rsplit("/", 1)[-1]
        data = self._form(headers, body)
        if action == "package_show":
            if data["id"] not in self.packages:
                return 404, {"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}}
            return 200, {"success": True, "result": self.packages[data["id"]]}
        if action in ("package_create", "package_update"):
            package = {**self.packages.get(data["name"], {"id": "pkg-1", "resources": []}), **data}
            self.packages[data["name"]] = package
            return 200, {"success": True, "result": package}
        if action in ("resource_create", "resource_update"):
            upload = data.pop("upload")
            resource = {k: v for k, v in data.items()}
            if action == "resource_create":
                package = next(p for p in self.packages.values() if p["id"] == data["package_id"])
                resource["id"] = f"res-{len(package['resources']) + 1}"
                package["resources"].append(resource)
            self.uploads[resource["name"]] = upload
            return 200, {"success": True, "result": resource}
        return 400, {"success": False, "error": {"__type": "Validation Error", "message": f"unknown {action}"}}

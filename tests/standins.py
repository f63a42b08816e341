"""Local stand-ins for Zenodo's records API and CKAN's action API: real HTTP servers on 127.0.0.1 that follow
the documented endpoints, record every request they receive, and fail on demand."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from email.parser import BytesParser
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def route(routes, method: str, path: str, *args):
    """The answer of the first of `routes` (method, or None for any; path pattern; handler) that matches: its
    handler given the match and `args`. None if none matches."""
    for wanted, pattern, handler in routes:
        if wanted in (None, method) and (match := re.fullmatch(pattern, path)):
            return handler(match, *args)
    return None


def answered(how: tuple) -> tuple[int, object]:
    """The status and body of a failure ("answer", body[, status]): 200 unless a status is given."""
    return (how[2] if len(how) > 2 else 200), how[1]


class StandIn:
    """A server in a thread. `received` holds (method, path, headers, body) of every request."""

    def __init__(self):
        self.received: list[tuple[str, str, dict, bytes]] = []
        self.failures: dict[tuple[str, str], object] = {}  # (method, path regex) -> status, "slow", ...
        self.echo_padding = 0  # characters before the quoted header in an "echo" failure
        self.echo_form = lambda header: header  # how an "echo" failure alters the header it quotes
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                    return self.rfile.read(int(self.headers.get("Content-Length") or 0))
                chunks = []
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                self.rfile.readline()  # the blank line after the last chunk
                return b"".join(chunks)

            def _serve(self):
                body = self._body()
                owner.received.append((self.command, self.path, dict(self.headers), body))
                status, payload = owner.answer(self.command, self.path, dict(self.headers), body)
                raw = isinstance(payload, bytes)  # an answer's bytes as they are: JSON no encoder would write
                data = b"" if payload is None else payload if raw else json.dumps(payload).encode()
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
        return next(
            (how for (m, pattern), how in self.failures.items() if m == method and re.fullmatch(pattern, path)), None
        )

    def echo(self, header: str) -> str:
        """A refusal that quotes a header, then asks a terminal to clear itself and turns the text around."""
        return f"{'.' * self.echo_padding}refused: {self.echo_form(header)}\r\n\x1b[2J\x1b]0;title\x07 \u202e(reversed)"

    def calls(self) -> list[str]:
        return [f"{method} {path}" for method, path, _, _ in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Zenodo(StandIn):
    """Zenodo's records API (InvenioRDM), as its REST reference describes it: GET /api/user/records,
    POST /api/records, GET and PUT /api/records/{id}/draft, the three file steps under .../draft/files,
    DELETE of a draft file, POST /api/records/{id}/versions (the open next-version draft if there is one, else a
    new draft without files), GET /api/communities/{slug}, PUT .../draft/review, POST .../draft/actions/
    submit-review and POST .../draft/actions/publish (refused while a file is not committed), POST and DELETE
    .../draft/pids/doi (reserve a DOI for the draft, or give it back: the answer's pids.doi.identifier; the
    concept DOI is the parent's pids.doi, given at the first publication). A PUT of the draft keeps only the pids
    its body names, as InvenioRDM discards a reserved DOI that an update leaves out. Bearer token
    `good-token`. `failures` maps (method, path regex) to a status, "slow", "bad-checksum" or "echo" (a refusal
    that quotes the Authorization header)."""

    TOKEN = "good-token"
    PREFIX = "10.5072"  # DataCite's test prefix, as the sandbox's DOIs have it
    COMMUNITY = {"id": "8d3f3a3c-0000-4000-8000-00000000c0de", "slug": "anso"}

    def __init__(self):
        super().__init__()
        self.next_id = 101
        self.records: dict[str, dict] = {}  # id -> the record or draft, with "files": {key: {...}}
        self.reviews: dict[str, dict] = {}

    def draft(self, title: str, version: str, files: dict | None = None) -> dict:
        """A draft made before the test starts (by an earlier run, say)."""
        return self._new({"metadata": {"title": title, "version": version}}, files=files or {})

    def published(self, title: str, version: str, files: dict | None = None) -> dict:
        """A record published before the test starts."""
        record = self.draft(title, version, files)
        record.update(is_published=True, is_draft=False, status="published")
        return record

    def _new(self, body: dict, parent: str | None = None, files: dict | None = None) -> dict:
        number, self.next_id = str(self.next_id), self.next_id + 1
        parent_record = next((r["parent"] for r in self.records.values() if r["parent"]["id"] == parent), None)
        record = {
            "id": number,
            "parent": parent_record or {"id": parent or f"p{number}"},
            "pids": {},
            "is_draft": True,
            "is_published": False,
            "status": "new_version_draft" if parent else "draft",
            "next_draft": None,
            "metadata": dict(body.get("metadata", {})),
            "access": body.get("access"),
            "files": files if files is not None else {},
            "links": {"self": f"{self.url}/api/records/{number}/draft", "self_html": f"{self.url}/uploads/{number}"},
        }
        self.records[number] = record
        return record

    @staticmethod
    def view(record: dict) -> dict:
        entries = [{"key": key, **{k: v for k, v in f.items() if k != "data"}} for key, f in record["files"].items()]
        return {
            **{k: v for k, v in record.items() if k not in ("files", "next_draft")},
            "files": {"enabled": True, "entries": entries},
        }

    NOT_FOUND = 404, {"status": 404, "message": "no such endpoint in the stand-in"}

    def answer(self, method, path, headers, body):
        if headers.get("Authorization") != f"Bearer {self.TOKEN}":
            return 401, {"status": 401, "message": "The server could not verify that you are authorized."}
        path = path.split("?")[0]
        how = self.failure(method, path)
        if how == "slow":
            time.sleep(1.5)
        if failed := self._failed(how, headers):
            return failed
        routes = [
            ("GET", r"/api/user/records", self._list),
            ("POST", r"/api/records", self._create),
            (None, r"/api/records/(\w+)/versions", self._new_version),
            (None, r"/api/records/(\w+)/draft(/.*)?", self._draft),
            (None, r"/api/communities/([\w-]+)", self._community),
        ]
        return route(routes, method, path, method, body, how) or self.NOT_FOUND

    def _failed(self, how, headers):
        """The failure asked for, as the answer; None if the request is to be answered."""
        if how == "echo":  # a server that quotes what it was sent, the token included
            return 400, {"status": 400, "message": self.echo(f"Authorization: {headers.get('Authorization')}")}
        if isinstance(how, tuple):  # ("answer", JSON or bytes[, status]): an answer of another shape than documented
            return answered(how)
        if isinstance(how, int):
            return how, {
                "status": how,
                "message": "stand-in failure",
                "errors": [{"field": "metadata.title", "messages": ["rejected"]}],
            }
        return None

    def _list(self, m, method, body, how):
        return 200, {"hits": {"hits": [self.view(r) for r in self.records.values()], "total": len(self.records)}}

    def _create(self, m, method, body, how):
        return 201, self.view(self._new(json.loads(body)))

    def _new_version(self, m, method, body, how):
        old = self.records[m[1]]
        if not old["is_published"]:
            return 400, {"status": 400, "message": "the record is not published"}
        if old["next_draft"] is None:  # a new version starts without files; its version and date unset
            metadata = {k: v for k, v in old["metadata"].items() if k not in ("version", "publication_date")}
            old["next_draft"] = self._new({"metadata": metadata}, parent=old["parent"]["id"])["id"]
        return 201, self.view(self.records[old["next_draft"]])

    def _community(self, m, method, body, how):
        if m[1] != self.COMMUNITY["slug"]:
            return 404, {"status": 404, "message": "The community does not exist."}
        return 200, self.COMMUNITY

    def _draft(self, m, method, body, how):
        record = self.records.get(m[1])
        if record is None or not record["is_draft"]:
            return 404, {"status": 404, "message": "The draft does not exist."}
        routes = [
            (None, r"", self._draft_record),
            (None, r"/pids/doi", self._draft_doi),
            (None, r"/files", self._draft_files),
            (None, r"/files/([\w.-]+)(/content|/commit)?", self._draft_file),
            ("PUT", r"/review", self._draft_review),
            (None, r"/actions/submit-review", self._submit_review),
            (None, r"/actions/publish", self._publish),
        ]
        return route(routes, method, m[2] or "", method, record, body, how) or self.NOT_FOUND

    def _draft_record(self, m, method, record, body, how):
        if method == "PUT":
            sent = json.loads(body)
            record["metadata"] = sent["metadata"]
            record["pids"] = {
                scheme: pid
                for scheme, pid in record["pids"].items()
                if sent.get("pids", {}).get(scheme, {}).get("identifier") == pid["identifier"]
            }
        return 200, self.view(record)

    def _doi(self, number: str) -> dict:
        return {"identifier": f"{self.PREFIX}/zenodo.{number}", "provider": "datacite", "client": "datacite"}

    def _draft_doi(self, m, method, record, body, how):
        if method == "DELETE":
            record["pids"].pop("doi", None)
            return 204, None
        if "doi" not in record["pids"]:
            record["pids"]["doi"] = self._doi(record["id"])
        return 201, self.view(record)

    def _draft_files(self, m, method, record, body, how):
        if method == "GET":
            return 200, self.view(record)["files"]
        files = record["files"]
        keys = [entry["key"] for entry in json.loads(body)]
        if any(key in files for key in keys):
            return 400, {"status": 400, "message": "File with key already exists."}
        files.update({key: {"status": "pending", "data": None} for key in keys})
        return 201, {"entries": [{"key": key, "status": "pending"} for key in keys]}

    def _draft_file(self, m, method, record, body, how):
        files = record["files"]
        entry = files.get(m[1])
        if entry is None:
            return 404, {"status": 404, "message": "The file does not exist."}
        if method == "DELETE" and not m[2]:
            del files[m[1]]
            return 204, None
        if m[2] == "/content":
            entry["data"] = body
            return 200, {"key": m[1], "status": "pending"}
        if m[2] == "/commit" and entry["data"] is not None:
            checksum = "md5:0000" if how == "bad-checksum" else f"md5:{hashlib.md5(entry['data']).hexdigest()}"
            entry.update(status="completed", checksum=checksum, size=len(entry["data"]))
            return 200, {"key": m[1], **{k: v for k, v in entry.items() if k != "data"}}
        return self.NOT_FOUND

    def _draft_review(self, m, method, record, body, how):
        self.reviews[record["id"]] = {**json.loads(body), "status": "created"}
        return 200, self.reviews[record["id"]]

    def _submit_review(self, m, method, record, body, how):
        if record["id"] not in self.reviews:
            return self.NOT_FOUND
        self.reviews[record["id"]]["status"] = "submitted"
        return 202, self.reviews[record["id"]]

    def _publish(self, m, method, record, body, how):
        files = record["files"]
        if not files or any(f["status"] != "completed" for f in files.values()):
            return 400, {
                "status": 400,
                "message": "A validation error occurred.",
                "errors": [{"field": "files.enabled", "messages": ["Missing uploaded files."]}],
            }
        record.update(is_published=True, is_draft=False, status="published")
        record["pids"].setdefault("doi", self._doi(record["id"]))
        parent = record["parent"]  # shared by every version: the concept DOI, given once
        parent.setdefault("pids", {"doi": self._doi(parent["id"].lstrip("p") + "0")})
        return 202, self.view(record)


class Ckan(StandIn):
    """POST /api/action/{package_show, package_create, package_update, resource_create, resource_update}.
    API token `good-key`; uploads are multipart, as ckanapi sends them. `failures` maps (method, path regex) to
    "echo": a validation error that quotes the Authorization header (after the key was accepted)."""

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
            f"Content-Type: {headers['Content-Type']}\r\n\r\n".encode() + body
        )
        form = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            form[name] = part.get_payload(decode=True) if part.get_filename() else part.get_content()
        return form

    def answer(self, method, path, headers, body):
        if headers.get("Authorization") != self.KEY:
            return 403, {"success": False, "error": {"__type": "Authorization Error", "message": "Access denied"}}
        action = path.rsplit("/", 1)[-1]
        if isinstance(how := self.failure(method, path), tuple):
            return answered(how)
        if self.failure(method, path) == "echo":
            return 409, {
                "success": False,
                "error": {"__type": "Validation Error", "message": self.echo(f"key {headers['Authorization']}")},
            }
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


class Hub(StandIn):
    """The Hugging Face Hub's endpoints that huggingface_hub's HfApi calls to publish a dataset, as its client
    code and the Hub's API reference describe them: POST /api/repos/create (409 if it exists), GET
    /api/datasets/{repo}/refs, POST /api/datasets/{repo}/preupload/{revision} (Parquet and other binary files
    go through LFS, text inline, as the Hub's default .gitattributes has it), the LFS batch API
    POST /datasets/{repo}.git/info/lfs/objects/batch (transfer "basic") with its upload (PUT) and verify (POST)
    actions, POST /api/datasets/{repo}/commit/{revision} (NDJSON: header, file, lfsFile) and POST
    /api/datasets/{repo}/tag/{revision}. Bearer token `hf_good`. `repos` holds each repository's branch head,
    files (path -> bytes), commits and tags; `failures` maps (method, path regex) to a status."""

    TOKEN = "hf_good"
    LFS_SUFFIXES = (".parquet", ".arrow", ".zip", ".sqlite")

    def __init__(self):
        super().__init__()
        self.repos: dict[str, dict] = {}
        self.lfs: dict[str, bytes] = {}  # oid -> bytes uploaded

    @staticmethod
    def card_errors(content: str) -> list[str]:
        """What the Hub's metadata check would refuse in a dataset card's YAML front matter (the fields used here)."""
        import yaml

        if not content.startswith("---\n") or "\n---\n" not in content[4:]:
            return ["no YAML front matter"]
        metadata = yaml.safe_load(content[4 : content.index("\n---\n", 4)])
        errors = [
            f"{key} is missing" for key in ("license", "pretty_name", "language", "configs") if key not in metadata
        ]
        for config in metadata.get("configs", []):
            files = config.get("data_files")
            if (
                not config.get("config_name")
                or not isinstance(files, list)
                or not all(isinstance(f, dict) and f.get("split") and f.get("path") for f in files)
            ):
                errors.append(f"configs: {config!r} needs config_name and data_files with split and path")
        return errors

    def answer(self, method, path, headers, body):
        path = path.split("?")[0]
        if path.startswith("/lfs-upload/") and method == "PUT":  # a presigned address: no token asked
            self.lfs[path.rsplit("/", 1)[1]] = body
            return 200, None
        headers = {key.lower(): value for key, value in headers.items()}  # httpx sends them in lower case
        if headers.get("authorization") != f"Bearer {self.TOKEN}":
            return 401, {"error": "Invalid credentials in Authorization header"}
        if isinstance(how := self.failure(method, path), int):
            return how, {"error": "stand-in failure"}
        routes = [
            ("POST", r"/api/validate-yaml", self._validate_yaml),
            ("POST", r"/api/repos/create", self._create_repo),
            (None, r"/datasets/([\w.-]+/[\w.-]+)\.git/info/lfs/objects/batch", self._lfs_batch),
            (
                None,
                r"/api/datasets/([\w.-]+/[\w.-]+)/(refs|preupload|commit|tag|lfs-verify)(?:/([\w.%-]+))?",
                self._repo,
            ),
        ]
        return route(routes, method, path, body) or (404, {"error": "Repository not found"})

    def _validate_yaml(self, m, body):
        """The card's metadata, checked before the upload."""
        errors = self.card_errors(json.loads(body)["content"])
        return (400, {"errors": [{"message": e} for e in errors]}) if errors else (200, {"warnings": []})

    def _create_repo(self, m, body):
        sent = json.loads(body)
        repo = f"{sent.get('organization') or 'me'}/{sent['name']}" if "/" not in sent["name"] else sent["name"]
        if sent.get("type") != "dataset":
            return 400, {"error": "only dataset repositories in this stand-in"}
        if repo in self.repos:
            return 409, {"error": "You already created this dataset repo", "url": f"{self.url}/datasets/{repo}"}
        self.repos[repo] = {"head": "0" * 40, "files": {}, "commits": [], "tags": {}}
        return 200, {"url": f"{self.url}/datasets/{repo}", "name": repo}

    def _lfs_batch(self, m, body):
        actions = {"verify": {"href": f"{self.url}/api/datasets/{m[1]}/lfs-verify"}}
        objects = [
            {
                "oid": o["oid"],
                "size": o["size"],
                "authenticated": True,
                "actions": {"upload": {"href": f"{self.url}/lfs-upload/{o['oid']}"}, **actions},
            }
            for o in json.loads(body)["objects"]
        ]
        return 200, {"transfer": "basic", "objects": objects}

    def _repo(self, m, body):
        if m[1] not in self.repos:
            return 404, {"error": "Repository not found"}
        actions = {
            "refs": self._refs,
            "preupload": self._preupload,
            "lfs-verify": self._lfs_verify,
            "commit": self._commit,
            "tag": self._tag,
        }
        return actions[m[2]](self.repos[m[1]], m, body)

    def _refs(self, repo, m, body):
        return 200, {
            "branches": [{"name": "main", "ref": "refs/heads/main", "targetCommit": repo["head"]}],
            "converts": [],
            "tags": [
                {"name": name, "ref": f"refs/tags/{name}", "targetCommit": oid} for name, oid in repo["tags"].items()
            ],
        }

    def _preupload(self, repo, m, body):
        """Parquet and other binary files go through LFS, text inline."""
        return 200, {
            "files": [
                {
                    "path": f["path"],
                    "shouldIgnore": False,
                    "uploadMode": "lfs" if f["path"].endswith(self.LFS_SUFFIXES) else "regular",
                    "oid": None,
                }
                for f in json.loads(body)["files"]
            ]
        }

    def _lfs_verify(self, repo, m, body):
        sent = json.loads(body)
        ok = hashlib.sha256(self.lfs.get(sent["oid"], b"")).hexdigest() == sent["oid"]
        return (200, {"success": True}) if ok else (422, {"error": "Object not uploaded or corrupted"})

    def _committed_files(self, lines: list[dict]):
        """The files a commit's lines carry, by path; or the refusal of a line."""
        files = {}
        for line in lines:
            value = line["value"]
            if line["key"] == "file":
                files[value["path"]] = base64.b64decode(value["content"])
            elif line["key"] == "lfsFile" and value["oid"] in self.lfs:
                files[value["path"]] = self.lfs[value["oid"]]
            elif line["key"] == "lfsFile":
                return 422, {"error": f"LFS object {value['oid']} was not uploaded"}
            else:
                return 400, {"error": f"unknown key {line['key']}"}
        return files

    def _commit(self, repo, m, body):
        header, *lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        files = self._committed_files(lines)
        if isinstance(files, tuple):
            return files
        oid = hashlib.sha1(repo["head"].encode() + json.dumps(sorted(files)).encode()).hexdigest()
        repo["files"].update(files)
        repo["commits"].append({"oid": oid, "summary": header["value"]["summary"], "files": sorted(files)})
        repo["head"] = oid
        return 200, {"success": True, "commitOid": oid, "commitUrl": f"{self.url}/datasets/{m[1]}/commit/{oid}"}

    def _tag(self, repo, m, body):
        sent = json.loads(body)
        if sent["tag"] in repo["tags"]:
            return 409, {"error": f"Tag {sent['tag']} already exists"}
        known = {commit["oid"] for commit in repo["commits"]} | {"main"}
        if m[3] not in known:
            return 404, {"error": f"Invalid rev id: {m[3]}"}
        repo["tags"][sent["tag"]] = repo["head"] if m[3] == "main" else m[3]
        return 200, {}

"""Publishing on the Hugging Face Hub: `anso-facts publish huggingface REPO_ID`.

A dataset repository gets the dataset card (build/card.py) as its README.md, whose front matter names one
configuration per table, and every table as Parquet at the path the card gives (build/parquet/NAME.parquet, as
in the release archive), so that the Hub's viewer shows each table and `datasets.load_dataset(REPO_ID, TABLE)`
loads it. One commit per version, tagged vVERSION; a version already tagged on the Hub is refused (a version is
written once).

Through huggingface_hub (the `publish` extra): create_repo (exist_ok), list_repo_refs, create_commit (its
preupload call, the LFS batch and upload for the Parquet files, then the commit call), create_tag. The files go
as bytes, so huggingface_hub takes the LFS path (which the Hub accepts) rather than Xet, whose storage protocol a
local stand-in could not follow. The token comes from HF_TOKEN, is checked first and never printed
(publishing.py); every failure, the network's included, is a HubError of one line.
"""

from __future__ import annotations

import io
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from anso_facts.build.card import dataset_card, parquet_path
from anso_facts.build.package import table_names
from anso_facts.model.metadata import METADATA
from anso_facts.release.publishing import HIDDEN, PublishError, host_of, kept_secret, redacted_line, token_refusal

HUB = "https://huggingface.co"
TOKEN_VARIABLE = "HF_TOKEN"
REPO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}")


class HubError(PublishError):
    """A failed step on the Hub, with a message for people (never the token)."""


def repo_problem(repo_id: str) -> str | None:
    """Why REPO_ID cannot name a Hub dataset repository (owner/name), or None."""
    if not REPO_ID.fullmatch(repo_id) or ".." in repo_id or repo_id.endswith((".git", ".")):
        return "is not OWNER/NAME (letters, digits, '-', '_' and '.'), such as my-org/anso-facts"
    return None


def tag() -> str:
    return f"v{METADATA['version']}"


def hub_files(root: Path, repo_id: str | None = None) -> dict[str, bytes]:
    """What the Hub repository holds for this version, path -> bytes: the card and every table's Parquet file."""
    files = {"README.md": dataset_card(root, repo_id).encode("utf-8")}
    files |= {parquet_path(name): (root / parquet_path(name)).read_bytes() for name in table_names(root)}
    return files


def write_folder(root: Path, folder: Path, repo_id: str | None = None) -> Path:
    """A local copy of what would be uploaded (what `datasets.load_dataset(folder, TABLE)` reads)."""
    for name, data in hub_files(root, repo_id).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def plan(root: Path, repo_id: str, endpoint: str = HUB) -> list[str]:
    files = hub_files(root, repo_id)
    return [
        f"create the dataset repository {repo_id} on {host_of(endpoint)} if it does not exist",
        f"refuse if the tag {tag()} is there already (a version is uploaded once)",
        f"one commit 'anso-facts {METADATA['version']}' of {len(files)} files:",
        *[f"  {name} ({len(data)} bytes)" for name, data in files.items()],
        f"tag it {tag()}",
    ]


class _QuietXetNotice(logging.Filter):
    """huggingface_hub warns that bytes do not go through Xet: that is the choice made here (see above)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Xet" not in record.getMessage()


@contextmanager
def _hub_quiet() -> Iterator[None]:
    """While uploading: no notice that bytes bypass Xet, and progress bars on a terminal only; then as before."""
    from huggingface_hub.utils import are_progress_bars_disabled, disable_progress_bars, enable_progress_bars

    quiet = _QuietXetNotice()
    logger = logging.getLogger("huggingface_hub._commit_api")
    logger.addFilter(quiet)
    bars_were_off = are_progress_bars_disabled()
    if not sys.stderr.isatty():  # progress on a terminal only
        disable_progress_bars()
    try:
        yield
    finally:
        logger.removeFilter(quiet)
        if not bars_were_off:
            enable_progress_bars()


def _refuse_tagged(api, repo_id: str) -> None:
    """A version is uploaded once: its tag on the Hub means it was."""
    tags = {ref.name for ref in api.list_repo_refs(repo_id, repo_type="dataset").tags}
    if tag() in tags:
        raise HubError(
            f"{repo_id} has the tag {tag()} already: a version is uploaded once (raise the "
            f"version for new data); nothing was uploaded"
        )


def _commit_and_tag(api, repo_id: str, files: dict[str, bytes], step: list[str]) -> str:
    """The Hub calls, in order; `step` holds the one under way, for the message if it fails."""
    from huggingface_hub import CommitOperationAdd

    step[0] = "create the repository"
    api.create_repo(repo_id, repo_type="dataset", exist_ok=True)
    step[0] = "read the repository's tags"
    _refuse_tagged(api, repo_id)
    step[0] = "commit the card and the tables"
    operations = [
        CommitOperationAdd(path_in_repo=name, path_or_fileobj=io.BytesIO(data)) for name, data in files.items()
    ]
    commit = api.create_commit(
        repo_id,
        operations,
        repo_type="dataset",
        commit_message=f"anso-facts {METADATA['version']}",
        commit_description=f"{METADATA['title']}, version {METADATA['version']} ({METADATA['date_released']}).",
    )
    step[0] = f"tag the commit {tag()}"
    api.create_tag(
        repo_id, tag=tag(), revision=commit.oid, repo_type="dataset", tag_message=f"anso-facts {METADATA['version']}"
    )
    return str(commit.commit_url)


def upload(root: Path, repo_id: str, token: str, endpoint: str = HUB) -> str:
    """Upload this version as one commit, tagged; return the commit's address. Raises HubError."""
    refusal = token_refusal(TOKEN_VARIABLE, token)
    if refusal:
        raise HubError(refusal)
    from huggingface_hub import HfApi

    files = hub_files(root, repo_id)
    step = ["create the repository"]  # the Hub call under way (set by _commit_and_tag), named if it fails
    with _hub_quiet():
        try:
            with kept_secret(token):
                api = HfApi(
                    endpoint=endpoint, token=token, library_name="anso-facts", library_version=METADATA["version"]
                )
                return _commit_and_tag(api, repo_id, files, step)
        except HubError:
            raise
        except PublishError as error:  # kept_secret's own, the token blotted out
            raise HubError(f"{step[0]}: {error}; the tag {tag()} was not made") from None
        except Exception as error:  # the Hub's refusals (HfHubHTTPError), the network's failures, a bad answer
            raise HubError(f"{step[0]}: {_reason(error, token, endpoint)}; the tag {tag()} was not made") from None


def _reason(error: Exception, token: str, endpoint: str) -> str:
    """One line saying what failed, in words that never hold the token."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    if status in (401, 403):
        return f"the Hub refused the token (HTTP {status}); check {TOKEN_VARIABLE} and that it may write"
    if status:
        return f"HTTP {status} from {host_of(endpoint)}: {redacted_line(str(error), token, 300)}"
    if "connect" in type(error).__name__.lower() or "timeout" in type(error).__name__.lower():
        return f"cannot reach {host_of(endpoint)} ({type(error).__name__}): check the address and your network"
    return (
        f"{type(error).__name__}: {redacted_line(str(error), token, 300)}".replace(token, HIDDEN)
        if token
        else f"{type(error).__name__}"
    )

"""The names of the site's files, each made from a value of the package (an id, a seed's file, a table's
name); a value that cannot name one is refused (folder.SiteError)."""

from __future__ import annotations

from anso_facts.site.folder import SiteError


def file_name(value: str, suffix: str) -> str:
    """VALUE+SUFFIX as the name of a file in one of the site's folders; a value that could not name one there
    (a folder in it, a name too long for the file system) is refused rather than written somewhere else."""
    name = f"{value}{suffix}"
    if not value or value in (".", "..") or "/" in value or "\0" in value or len(name.encode()) > 255:
        raise SiteError(f"{value[:80]!r} cannot name a file of the site")
    return name


def seed_text_file(seed_id: str) -> str:
    """The name of a seed's text in the site's seeds/: always .txt, so that every host serves it as text/plain,
    whatever the catalogue names the file (a seed called x.html would otherwise be served as a page)."""
    return file_name(seed_id, ".txt")


def table_page_name(table: str, page: int) -> str:
    """tables/NAME.html, then NAME-2.html, NAME-3.html ... for a table of more than table_pages.PAGE_ROWS rows."""
    return f"{table}.html" if page == 1 else f"{table}-{page:d}.html"

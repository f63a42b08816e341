"""What the build writes, relative to the project root, in the order the swap moves it into place (swap.py):
each output with whether git keeps it and whether a release packs it.

Committed: made from the code and metadata.py alone, never from the data, so that two curators' pull requests
cannot both change them; the rest is in .gitignore. dev.py reads this file by path under a bare python3, before
the package is installed: it imports nothing of the package or its libraries."""

from pathlib import Path
from typing import NamedTuple


class Output(NamedTuple):
    path: str  # a file or a folder, replaced whole by each build
    committed: bool  # in git (the test command fails if a build changes it)
    released: bool  # in the release archive


OUTPUTS = (
    Output("build", committed=False, released=True),
    Output("schemas", committed=False, released=True),
    Output("docs/data-dictionary.md", committed=False, released=True),
    Output("docs/checks.md", committed=True, released=True),
    Output("datapackage.json", committed=False, released=True),
    Output("CITATION.cff", committed=True, released=True),
    Output(".zenodo.json", committed=True, released=True),
    Output("croissant.json", committed=False, released=True),
    Output("dataset.jsonld", committed=False, released=True),
)
PATHS = tuple(output.path for output in OUTPUTS)
COMMITTED = tuple(output.path for output in OUTPUTS if output.committed)
RELEASED = tuple(output.path for output in OUTPUTS if output.released)
# Files in build/ that others take by name: the release packs them at the archive's root, the site copies one
DATACITE = Path("build") / "datacite.xml"  # the DataCite record
CARD = Path("build") / "DATASET.md"  # the dataset card (card.py): the archive's and the Hub's README.md

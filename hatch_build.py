"""The wheel carries the built data package (datapackage.json, the tables, the seeds) in anso_facts/_package/, so
that `pip install anso-facts` brings the tables. They are not committed (`python3 dev.py build` makes them), so
they are included here, by hatchling's build-hook interface, rather than listed in pyproject.toml: an editable
install (`pip install -e .`, what dev.py makes) needs none of them, and a wheel without them is refused."""

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGE = {
    "datapackage.json": "anso_facts/_package/datapackage.json",
    "build/csv": "anso_facts/_package/build/csv",
    "build/parquet": "anso_facts/_package/build/parquet",
    "seeds": "anso_facts/_package/seeds",
}


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        missing = [name for name in PACKAGE if not (root / name).exists()]
        if missing:
            raise RuntimeError(
                f"the wheel carries the built package, and {', '.join(missing)} is missing: run "
                f"`python3 dev.py build` first"
            )
        for source, target in PACKAGE.items():
            build_data["force_include"][str(root / source)] = target

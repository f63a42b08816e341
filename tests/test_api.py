"""The loader API and the reading commands, on the built package."""

import pandas as pd
import pyarrow.parquet as pq
import pytest

import anso_facts
from anso_facts.cli import main
from anso_facts.model.tables import ALL_TABLES


def test_tables_lists_every_table(built):
    assert anso_facts.tables(built) == [t.name for t in ALL_TABLES]


def test_load_gives_typed_columns(built):
    stats = anso_facts.load("statistics", built)
    assert isinstance(stats["id"].dtype, pd.StringDtype)
    assert stats["value"].dtype == "Int64"
    assert stats["value"].isna().any()  # 'millions' has no value, and stays a missing integer
    assert str(stats["as_of"].dtype).startswith("datetime64")
    assert stats.equals(anso_facts.load("statistics", built))
    assert len(stats) == pq.read_metadata(built / "build" / "parquet" / "statistics.parquet").num_rows


def test_load_defaults_to_the_package_beside_the_module():
    assert anso_facts.data_root().joinpath("datapackage.json").is_file()
    assert "org-cast" in set(anso_facts.load("organizations")["id"])


def test_load_unknown_table(built):
    with pytest.raises(KeyError, match="no table 'organisations'; the tables are: seeds, organizations"):
        anso_facts.load("organisations", built)


def test_citations_come_with_the_seed_text(built):
    cites = anso_facts.citations("stat-cast-national-member-societies", built)
    assert list(cites["line_start"]) == [6]
    assert "Through its 210 national member societies" in cites.loc[0, "text"]


def test_show_prints_the_record_its_relations_and_the_lines(built, capsys):
    assert main(["--root", str(built), "show", "org-cast"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "org-cast (organizations): China Association for Science and Technology (CAST)\n"
        "  name: China Association for Science and Technology"
    )
    assert (
        "relations: CAST consultative-status-with Economic and Social Council of the United Nations: "
        "id=rel-cast-consultative-status-with-ecosoc"
    ) in out
    assert "subject_id=org-cast" in out
    assert "since=2004, since_precision=year" in out  # a date at its precision, as the YAML gives it
    assert ">    6 | As the largest non-governmental organization" in out


def test_show_unknown_id_says_so_with_the_closest_names(built, capsys):
    assert main(["--root", str(built), "show", "org-castt"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(
        "anso-facts show: no record has the id, name, acronym or alias 'org-castt'; did you mean "
        "'org-cast' (org-cast) or "
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CAST", ["org-cast"]),
        ("cast", ["org-cast"]),
        ("org-cast", ["org-cast"]),
        ("China Association  for Science and Technology", ["org-cast"]),
        ("Chunli Bai", ["person-chunli-bai"]),
        ("2019nCoVR", ["res-2019ncovr"]),
    ],
)
def test_find_looks_a_record_up_by_id_name_acronym_or_alias(built, text, expected):
    assert anso_facts.find(text, built) == expected


def test_find_suggests_the_nearest_names(built):
    with pytest.raises(LookupError, match=r"did you mean 'cast' \(org-cast\)"):
        anso_facts.find("CSAT", built)


def test_show_finds_a_record_by_its_acronym(built, capsys):
    assert main(["--root", str(built), "show", "CAST"]) == 0
    assert capsys.readouterr().out.startswith("org-cast (organizations): China Association for Science and Technology")


@pytest.mark.parametrize("command", ["show org-cast", "validate"])
def test_a_reader_that_stops_early_gets_no_traceback(built, command):
    """`anso-facts show ID | head -2`: the reader closes the pipe; ours is a quiet exit, not a BrokenPipeError.
    (`true` reads nothing at all, so the pipe is closed before the command writes.)"""
    import subprocess
    import sys
    from pathlib import Path

    anso = Path(sys.executable).parent / "anso-facts"
    result = subprocess.run(
        f"set -o pipefail; {anso} --root {built} {command} | true",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr, result.stderr
    assert result.returncode == 0


def test_stats_counts_rows_and_citations_per_seed(built, capsys):
    assert main(["--root", str(built), "stats"]) == 0
    out = capsys.readouterr().out
    citations = anso_facts.load("citations", built)
    assert f"  citations {len(citations):>21d}" in out
    per_seed = citations[citations["seed_id"] == "cast-igf2021-booth"]
    assert f"  cast-igf2021-booth {per_seed['record_id'].nunique():>12d} {len(per_seed):>9d}" in out


def test_validate_command(built, capsys):
    assert main(["--root", str(built), "validate"]) == 0
    assert "datapackage.json is valid" in capsys.readouterr().err

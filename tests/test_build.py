"""`anso-facts build`: committed outputs are reproduced byte for byte; the package validates with frictionless,
foreign keys included; Parquet and CSV twins hold the same typed rows; a failed build changes nothing."""

import hashlib
import json
import shutil

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from frictionless import validate
from jsonschema import Draft202012Validator

import anso_facts
from anso_facts.build import write as write_stage
from anso_facts.build.arrow_tables import arrow_schema, arrow_table
from anso_facts.build.swap import output_files
from anso_facts.build.write import build, check_for_build
from anso_facts.model.tables import ALL_TABLES, TABLE_BY_NAME
from helpers import REPO, build_project


def test_committed_outputs_are_what_the_build_makes(built):
    assert output_files(built) == output_files(REPO)


def test_rebuild_is_byte_identical(built, project):
    build_project(project)
    assert output_files(project) == output_files(built)


def test_frictionless_validates_the_package(built):
    report = validate(str(built / "datapackage.json"))
    assert report.valid, report.flatten(["title", "message"])
    assert len(report.tasks) == 2 * len(ALL_TABLES)


def test_frictionless_checks_foreign_keys(built, tmp_path):
    root = tmp_path / "broken"
    shutil.copytree(built, root)
    relations = root / "build" / "csv" / "relations.csv"
    relations.write_bytes(relations.read_bytes().replace(b'"org-ecosoc"', b'"org-nowhere"'))
    descriptor = json.loads((root / "datapackage.json").read_text())
    resource = next(r for r in descriptor["resources"] if r["name"] == "relations")
    resource["bytes"] = relations.stat().st_size
    resource["hash"] = "sha256:" + hashlib.sha256(relations.read_bytes()).hexdigest()
    (root / "datapackage.json").write_text(json.dumps(descriptor))
    report = validate(str(root / "datapackage.json"))
    assert not report.valid
    assert [e[0] for e in report.flatten(["type"])] == ["foreign-key"]


def test_descriptor_is_data_package_v2_with_hashes(built):
    descriptor = anso_facts.package(built)
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert descriptor["version"] == anso_facts.__version__
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    seeds = sorted(f"seeds/{p.name}" for p in (REPO / "seeds").glob("*.txt"))
    assert [s["path"] for s in descriptor["sources"]] == seeds
    for resource in descriptor["resources"]:
        data = (built / resource["path"]).read_bytes()
        assert resource["type"] == "table"
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource.get("bytes", len(data)) == len(data)
        assert resource["schema"]["primaryKey"]


@pytest.mark.parametrize("table", ALL_TABLES, ids=[t.name for t in ALL_TABLES])
def test_parquet_and_csv_hold_the_same_typed_rows(built, table):
    schema = arrow_schema(table)
    path = built / "build" / "parquet" / f"{table.name}.parquet"
    parquet = pq.read_table(path)
    csv = pacsv.read_csv(
        built / "build" / "csv" / f"{table.name}.csv",
        convert_options=pacsv.ConvertOptions(column_types=schema, strings_can_be_null=True),
    )
    assert parquet.schema.equals(schema)
    assert set(pq.read_metadata(path).metadata) == {b"ARROW:schema"}  # no pandas or other volatile metadata
    assert parquet.equals(csv.cast(schema))
    rows = list(zip(*(parquet.column(k).to_pylist() for k in table.sort_key), strict=True))
    keys = list(zip(*(parquet.column(k).to_pylist() for k in table.primary_key), strict=True))
    assert rows == sorted(rows) and len(set(keys)) == len(keys)


def test_json_schemas_are_valid_draft_2020_12(built):
    for path in (built / "schemas").glob("*.json"):
        Draft202012Validator.check_schema(json.loads(path.read_text()))


def test_a_build_that_fails_while_writing_leaves_the_previous_output(built, project, monkeypatch):
    build_project(project)
    before = output_files(project)
    calls = []

    def fail_on_third_table(*args):
        calls.append(args)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_write_table(*args)

    real_write_table = write_stage.write_table
    monkeypatch.setattr(write_stage, "write_table", fail_on_third_table)
    uncached, _ = check_for_build(project, use_cache=False)  # so that every table is written again
    with pytest.raises(OSError):
        build(uncached, project)
    assert output_files(project) == before
    assert not [p for p in project.iterdir() if p.name.startswith((".build-", ".old-"))]


def test_data_dictionary_lists_every_field_with_an_example(built):
    dictionary = (built / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    for table in ALL_TABLES:
        section = dictionary.split(f"\n## {table.name}\n", 1)[1].split("\n## ", 1)[0]
        frame = anso_facts.load(table.name, built)
        for column in frame.columns:
            row = next(line for line in section.splitlines() if line.startswith(f"| `{column}` |"))
            example = row.rstrip(" |").rsplit("| ", 1)[1]
            assert example.startswith("`") == frame[column].notna().any(), (table.name, column, example)


def test_rows_become_arrow_only_as_their_schema_declares():
    """A value of another type, or a column the schema does not declare, is an error, never a silent cast or drop."""
    schema = arrow_schema(TABLE_BY_NAME["statistics"], checking=True)
    row = {"id": "stat-x", "value": 210}
    assert arrow_table([row], schema).column("value").to_pylist() == [210]
    with pytest.raises(ValueError, match="does not declare: \\['colour'\\]"):
        arrow_table([{**row, "colour": "red"}], schema)
    with pytest.raises((TypeError, pa.ArrowInvalid, pa.ArrowTypeError)):
        arrow_table([{**row, "value": "two hundred"}], schema)

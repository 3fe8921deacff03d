"""Which tests of the installed vastdb SDK's own suite run against the emulator, and why others do not.

SELECTION.md explains the same list for humans; run_sdk_tests.py checks that every node id below is
mentioned there, so the two cannot drift apart silently.
"""

# Test modules of the installed package (vastdb/tests/<name>.py) that need nothing but tables.
SELECTED_MODULES = [
    "test_sanity",
    "test_schemas",
    "test_table_in_tx",
    "test_tables",
    "test_nested",
    "test_fixed_list",
    "test_duckdb",
]

# Node-id prefixes (relative to vastdb/tests/) deselected from the selected modules, with the reason.
EXCLUDED = {
    "test_table_in_tx.py::test_projections": "semi-sorted projections (?projection endpoints) are not emulated",
    "test_tables.py::test_insert_by_columns_sorted": "needs a sorted (Elysium) table; sorting keys are not emulated",
    "test_tables.py::test_tables_elysium": "Elysium sorted tables are not emulated",
    "test_tables.py::test_elysium_tx": "Elysium sorted tables are not emulated",
    "test_tables.py::test_tables_elysium_no_such_column": "Elysium sorted tables are not emulated",
    "test_tables.py::test_elysium_double_enable": "Elysium sorted tables are not emulated",
    "test_tables.py::test_elysium_update_table_tx": "Elysium sorted tables are not emulated",
    "test_tables.py::test_elysium_splits": "Elysium sorted tables are not emulated (and the test sleeps 300 s)",
    "test_tables.py::test_catalog_select": "queries the VAST Catalog (vast-big-catalog-bucket), a cluster feature",
    "test_tables.py::test_audit_log_select": "queries the VAST audit log table, a cluster feature",
    "test_tables.py::test_catalog_snapshots_select": "queries VAST Catalog snapshots, a cluster feature",
}

# Modules of the installed suite not run at all, with the reason (documentation only).
EXCLUDED_MODULES = {
    "test_imports": "imports Parquet objects from S3 (needs an S3 data path and boto3 access to objects)",
    "test_projections": "semi-sorted projections are not emulated",
    "test_adbc_integration": "needs VAST's native ADBC driver downloaded from VAST's Artifactory",
    "test_vector_search": "vector search runs SQL through the ADBC driver (VAST 5.5)",
    "test_vector_index": "vector indexes are a VAST 5.5 feature served through ADBC",
    "test_blob_expansion": "blob expansion is a VAST 5.5 feature (protobuf endpoints) not emulated",
    "test_util": "client-side helpers only; never talks to a server",
}

# Selected tests that are known to fail against the emulator, with the explanation (empty = none known).
KNOWN_FAILURES: dict[str, str] = {}

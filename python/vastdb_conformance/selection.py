"""Which tests of the installed vastdb SDK's own suite run against the emulator, and why others do not.

Two SDKs are run: the pinned one (`python/requirements.txt`, in `.venv`) and the newest one from PyPI
(`requirements-newest.txt`, in `.cache/venv-vastdb-newest`, created by run_sdk_tests.py). SELECTION.md explains
the same lists for humans; run_sdk_tests.py checks that every node id below is mentioned there, so the two cannot
drift apart silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Selection:
    sdk_version: str
    # Version the emulator advertises for the run (`--vast-version`): what the SDK's feature gates see.
    vast_version: str
    # Test modules of the installed package (vastdb/tests/<name>.py).
    modules: list[str]
    # Node-id prefixes (relative to vastdb/tests/) deselected from those modules, with the reason.
    excluded: dict[str, str]
    # Modules of the installed suite not run at all, with the reason (documentation only).
    excluded_modules: dict[str, str]
    # Selected tests known to fail against the emulator, with the explanation.
    known_failures: dict[str, str] = field(default_factory=dict)
    # Minimum share of the selected (not skipped) tests that must pass.
    min_pass_rate: float = 0.90


_TABLE_MODULES = [
    "test_sanity",
    "test_schemas",
    "test_table_in_tx",
    "test_tables",
    "test_nested",
    "test_fixed_list",
    "test_duckdb",
]

_CLUSTER_ONLY = {
    "test_tables.py::test_catalog_select": "queries the VAST Catalog (vast-big-catalog-bucket), a cluster feature",
    "test_tables.py::test_audit_log_select": "queries the VAST audit log table, a cluster feature",
    "test_tables.py::test_catalog_snapshots_select": "queries VAST Catalog snapshots, a cluster feature",
}

_SORTED_TABLES = {
    "test_table_in_tx.py::test_projections": "semi-sorted projections (?projection endpoints) are not emulated",
    "test_tables.py::test_insert_by_columns_sorted": "needs a sorted (Elysium) table; sorting keys are not emulated",
    "test_tables.py::test_tables_elysium": "Elysium sorted tables are not emulated",
    "test_tables.py::test_elysium_tx": "Elysium sorted tables are not emulated",
    "test_tables.py::test_tables_elysium_no_such_column": "Elysium sorted tables are not emulated",
    "test_tables.py::test_elysium_double_enable": "Elysium sorted tables are not emulated",
    "test_tables.py::test_elysium_update_table_tx": "Elysium sorted tables are not emulated",
    "test_tables.py::test_elysium_splits": "Elysium sorted tables are not emulated (and the test sleeps 300 s)",
}

_NOT_RUN = {
    "test_projections": "semi-sorted projections are not emulated",
    "test_adbc_integration": "needs VAST's native ADBC driver downloaded from VAST's Artifactory",
    "test_vector_search": "vector search runs SQL through the ADBC driver (VAST 5.5)",
    "test_vector_index": "vector indexes are a VAST 5.5 feature served through ADBC",
    "test_blob_expansion": "blob expansion is a VAST 5.5 feature (protobuf endpoints) not emulated",
    "test_util": "client-side helpers only; never talks to a server",
}

PINNED = Selection(
    sdk_version="2.0.14",
    vast_version="5.4.0.0",
    modules=_TABLE_MODULES,
    excluded={**_SORTED_TABLES, **_CLUSTER_ONLY},
    excluded_modules={
        "test_imports": "run with the newest SDK (`--sdk newest`); the pinned run keeps its 2.0.14 selection",
        **_NOT_RUN,
    },
)

NEWEST = Selection(
    sdk_version="2.1.0",
    vast_version="5.5.0.0",
    modules=[*_TABLE_MODULES, "test_configs", "test_imports"],
    excluded={**_SORTED_TABLES, **_CLUSTER_ONLY},
    excluded_modules={
        **_NOT_RUN,
        "test_by_column_inserter": "client-side insert splitting only; never talks to a server",
        "test_ibis_utils": "client-side ibis helpers only; never talks to a server",
    },
    known_failures={},
    min_pass_rate=0.98,
)

SELECTIONS = {"pinned": PINNED, "newest": NEWEST}

"""The bad-input corpus: every way an author's files can go wrong that the loader must survive.

Each case (``case.Case``) breaks a copy of the tiny valid folder from ``tests.factory.write_folder`` and states
exactly which problems the report holds and what still loads; ``tests/test_bad_inputs.py`` runs them all.
"""

from tests.bad_inputs import coordinate_cases, csv_cases, folder_cases, geojson_cases

CASES = [*geojson_cases.CASES, *coordinate_cases.CASES, *csv_cases.CASES, *folder_cases.CASES]

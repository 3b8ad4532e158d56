"""The bad-input corpus: every way an author's files can go wrong that the loader must survive.

Each case (``case.Case``) breaks a copy of the tiny valid folder from ``tests.factory.write_folder`` and states
exactly which problems the report holds and what still loads; ``tests/test_bad_inputs.py`` runs them all, and
the ``LIVE`` ones (a file replaced while sessions run) again against the last good catalog.
"""

from tests.bad_inputs import coordinate_cases, csv_cases, folder_cases, geojson_cases, live_cases

CASES = [*geojson_cases.CASES, *coordinate_cases.CASES, *csv_cases.CASES, *folder_cases.CASES, *live_cases.CASES]
LIVE = live_cases.LIVE
"""Files replaced under running sessions: each also in ``CASES``, with the new errors that refuse it."""

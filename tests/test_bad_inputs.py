"""Run the bad-input corpus: nothing crashes, each problem names file, place, field and value, the rest loads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from layers.load.catalog import Catalog, load_catalog
from layers.load.live import LastGood, fingerprint
from layers.model.report import Problem
from tests.bad_inputs import CASES, LIVE
from tests.bad_inputs.case import Case, Expect, Loads
from tests.bad_inputs.live_cases import LiveCase
from tests.factory import write_folder

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ROOT_SKIP = pytest.mark.skipif(AS_ROOT, reason="running as root: file permissions do not apply to root, so chmod 000 "
                                                "cannot make a file unreadable")


def params() -> list:
    return [pytest.param(case, id=case.name, marks=[ROOT_SKIP] if case.needs_permissions else [])
            for case in CASES]


def test_the_corpus_is_large_and_each_name_unique():
    names = [case.name for case in CASES]
    assert len(names) >= 45
    assert len(set(names)) == len(names)


def unmatched(problems: list[Problem], expected: tuple[Expect, ...]) -> tuple[list[Expect], list[Problem]]:
    """Pair each expectation with ``count`` problems; return the expectations short of them and the leftovers."""
    left = list(problems)
    short = []
    for expect in expected:
        hits = [p for p in left if expect.matches(p)][: expect.count]
        if len(hits) < expect.count:
            short.append(expect)
        for hit in hits:
            left.remove(hit)
    return short, left


def assert_message_names_everything(problem: Problem, expect: Expect) -> None:
    """The promise to authors: the printed line names the file, the row or feature, the field and the value."""
    text = str(problem)
    assert problem.file in text and expect.value in text, text
    if problem.where:
        assert problem.where in text, text
    if expect.field:
        assert f"'{expect.field}'" in text, text


def assert_loads(catalog: Catalog, loads: Loads) -> None:
    assert sorted(catalog.events["id"]) == sorted(loads.events)
    assert sorted(catalog.places["id"]) == sorted(loads.places)
    assert sorted(catalog.countries["iso_a3"]) == sorted(loads.countries)
    assert sorted(catalog.sources["id"]) == sorted(loads.sources)


@pytest.mark.parametrize("case", params())
def test_bad_input(case: Case, tmp_path: Path):
    folder = write_folder(tmp_path / "data")
    case.breaks(folder)
    catalog = load_catalog(folder)

    short, extra = unmatched(catalog.report.problems, case.problems)
    assert not short and not extra, (f"\nexpected but not found: {short}\nfound but not expected:\n"
                                     + "\n".join(str(p) for p in extra[:20]))
    for expect in case.problems:
        for problem in [p for p in catalog.report.problems if expect.matches(p)][:expect.count]:
            assert_message_names_everything(problem, expect)
    assert_loads(catalog, case.loads)
    if case.check:
        case.check(catalog)


@pytest.mark.parametrize("live", [pytest.param(live, id=live.case.name) for live in LIVE])
def test_live_bad_input(live: LiveCase, tmp_path: Path):
    """The fault replaces a file of a served good folder: sessions keep the good catalog, the refusal lists
    exactly the case's new errors, and putting the good file back clears it without a reload."""
    folder = write_folder(tmp_path / "data")
    last = LastGood()
    good = last.offer(fingerprint(folder), lambda: load_catalog(folder))
    live.case.breaks(folder)
    served = last.offer(fingerprint(folder), lambda: load_catalog(folder))
    assert served.catalog is good.catalog
    assert served.refused is not None
    short, extra = unmatched(list(served.refused.errors), live.refused)
    assert not short and not extra, f"\nexpected but not found: {short}\nfound but not expected: {extra}"
    write_folder(folder)

    def must_not_load() -> Catalog:
        raise AssertionError("the good version was loaded again")

    back = last.offer(fingerprint(folder), must_not_load)
    assert back.catalog is good.catalog and back.refused is None

import datetime as dt

import pytest

from layers.model.dates import DateError, make_span, parse_partial


def test_day_month_year_are_intervals():
    assert parse_partial("2023-09-13") == (dt.date(2023, 9, 13), dt.date(2023, 9, 13), "day")
    assert parse_partial("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month")
    assert parse_partial("2022") == (dt.date(2022, 1, 1), dt.date(2022, 12, 31), "year")


def test_month_is_never_shown_as_its_first_day():
    span = make_span("2023-11", "", "month")
    assert (span.start, span.end) == (dt.date(2023, 11, 1), dt.date(2023, 11, 30))
    assert span.label() == "Nov 2023"


def test_approx_day_widens_by_fifteen_days_and_says_circa():
    span = make_span("2024-06-13", "", "approx")
    assert (span.start, span.end) == (dt.date(2024, 5, 29), dt.date(2024, 6, 28))
    assert span.label() == "c. 13 Jun 2024"


def test_span_with_end_date():
    span = make_span("2023-11-14", "2023-11-16", "day")
    assert span.end == dt.date(2023, 11, 16)
    assert span.label() == "14 Nov 2023 – 16 Nov 2023"


@pytest.mark.parametrize(("text", "hint"), [
    ("mid-2024", "vague date"),
    ("Q3 2023", "quarter"),
    ("03/04/2023", "ambiguous"),
    ("2023-02-30", "real calendar date"),
    ("yesterday", "YYYY-MM-DD"),
])
def test_fuzzy_dates_are_refused_with_a_hint(text, hint):
    with pytest.raises(DateError, match=hint):
        parse_partial(text)


def test_end_before_start_names_end_date():
    with pytest.raises(DateError) as info:
        make_span("2024-05-01", "2024-04-30", "day")
    assert info.value.field == "end_date"


def test_out_of_range_dates():
    with pytest.raises(DateError, match="between"):
        make_span("1900-01-01", "", "day")
    with pytest.raises(DateError, match="between"):
        make_span("2999-01-01", "", "day")


def test_precision_must_match_the_date():
    with pytest.raises(DateError, match="full YYYY-MM-DD") as info:
        make_span("2024-04", "", "day")
    assert info.value.field == "date"
    with pytest.raises(DateError) as info:
        make_span("2024-04-01", "", "weekly")
    assert info.value.field == "precision"

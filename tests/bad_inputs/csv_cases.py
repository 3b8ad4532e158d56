"""Bad CSV: references, columns, cells, vocabularies, dates, lengths, URLs, formulas, quoting, encodings.

Rows are numbered as in a spreadsheet: row 1 is the header, E001 is row 2, E002 row 3, E003 row 4, and an
added event is row 5. Sources: S01 row 2, S02 row 3. E002 cites S01 and S02, E003 cites S02.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from layers.load.catalog import Catalog
from tests.bad_inputs.case import (
    Case,
    Expect,
    Loads,
    add_event,
    event,
    replace_text,
    source,
    write_bytes,
    write_text,
)
from tests.factory import EVENTS

EVENTS_FILE = "events.csv"
SOURCES_FILE = "sources.csv"
NO_EVENTS = Loads(events=())
FORMULAS = {"title": "=cmd|' /C calc'!A0", "summary": "+SUM(1;2)", "actors": "@Putin;-Kim"}


def row3(field: str, expected: str, value: str, severity: str = "error") -> Expect:
    """A problem with E002, on row 3 of events.csv."""
    return Expect(EVENTS_FILE, "row 3", field, expected, value, severity)  # type: ignore[arg-type]


def only(*ids: str) -> Loads:
    return Loads(events=ids)


def e002(cat: Catalog):
    return cat.events.set_index("id").loc["E002"]


def september_2023(cat: Catalog) -> None:
    row = e002(cat)
    assert (row["start"], row["end"], row["date_label"]) == (dt.date(2023, 9, 1), dt.date(2023, 9, 30), "Sep 2023")


def year_2024(cat: Catalog) -> None:
    row = e002(cat)
    assert (row["start"], row["end"], row["date_label"]) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31), "2024")


def formulas_kept_as_text(cat: Catalog) -> None:
    row = e002(cat)
    assert (row["title"], row["summary"], row["actors"]) == (FORMULAS["title"], FORMULAS["summary"],
                                                             ("@Putin", "-Kim"))


def first_e001_kept(cat: Catalog) -> None:
    assert cat.events.set_index("id").loc["E001", "title"] == EVENTS[0]["title"]


def end_date_column_ignored(cat: Catalog) -> None:
    """E001 ('approx', 2023-08-15, end 2023-10-01) falls back to +/- 15 days when its end_date is not read."""
    e001 = cat.events.set_index("id").loc["E001"]
    assert (e001["start"], e001["end"]) == (dt.date(2023, 7, 31), dt.date(2023, 8, 30))


def cp1252_line(data: bytes) -> bytes:
    """One line (row 4) saved as Windows-1252 in an otherwise UTF-8 file that has UTF-8 on row 3 too."""
    lines = data.decode("utf-8").replace("Summit", "Sümmit").splitlines(keepends=True)
    lines[3] = lines[3].replace("Strike", "Strike \u201cnight\u201d")
    return b"".join(line.encode("cp1252" if i == 3 else "utf-8") for i, line in enumerate(lines))


def xlsx_saved_as_csv(_: bytes) -> bytes:
    """An Excel-style zip of about 1 KB that unpacks to a megabyte: never unpacked."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "," * 1_000_000)
    assert len(out.getvalue()) < 4096
    return out.getvalue()


CASES = [
    Case("events_duplicate_id",
         add_event(**{**EVENTS[0], "title": "Again"}),
         (Expect(EVENTS_FILE, "row 5", "id", "already used on row 2", "E001"),),
         check=first_e001_kept),
    Case("events_unknown_origin",
         event(1, origin="NOWHERE"),
         (row3("origin", "a place id from places.geojson", "NOWHERE"),),
         only("E001", "E003")),
    Case("events_unknown_destination",
         event(1, destination="ATLANTIS"),
         (row3("destination", "a place id from places.geojson", "ATLANTIS"),),
         only("E001", "E003")),
    Case("events_unknown_source",
         event(1, sources="S01;S99"),
         (row3("sources", "a source id from sources.csv", "S99"),),
         only("E001", "E003")),
    Case("events_missing_required_column",
         replace_text(EVENTS_FILE, ",category,", ",kind,"),
         (Expect(EVENTS_FILE, "row 1", "category", "the header to include", "(missing)"),),
         NO_EVENTS),
    Case("events_unquoted_comma_makes_an_extra_cell",
         replace_text(EVENTS_FILE, "Summit", "Summit, Pyongyang"),
         (row3("", "a value with a comma needs double quotes", "16 cells"),),
         only("E001", "E003")),
    Case("events_row_missing_cells",
         replace_text(EVENTS_FILE, ",confirmed-official,S01;S02,\n", ",confirmed-official\n"),
         (row3("sources, disputed", "the row ends early", "13 cells"),),
         only("E001", "E003")),
    Case("events_empty_required_cell",
         event(1, title=""),
         (row3("title", "this column is required", "(empty)"),),
         only("E001", "E003")),
    Case("events_category_not_in_vocabulary",
         event(1, category="weapons"),
         (row3("category", "one of munitions, missiles", "weapons"),),
         only("E001", "E003")),
    Case("events_confidence_not_in_vocabulary",
         event(1, confidence="certain"),
         (row3("confidence", "one of confirmed-official, assessed", "certain"),),
         only("E001", "E003")),
    Case("events_month_date_loads_as_the_whole_month",
         event(1, date="2023-09", precision="month"),
         (),
         check=september_2023),
    Case("events_year_date_loads_as_the_whole_year",
         event(1, date="2024", precision="year"),
         (),
         check=year_2024),
    Case("events_fuzzy_mid_2024",
         event(1, date="mid-2024", precision="approx"),
         (row3("date", "a vague date: write the year or month (e.g. '2024') with precision 'approx'", "mid-2024"),),
         only("E001", "E003")),
    Case("events_fuzzy_quarter",
         event(1, date="Q3 2023", precision="month"),
         (row3("date", "write date 2023-07 and end_date 2023-09 with precision 'month'", "Q3 2023"),),
         only("E001", "E003")),
    Case("events_fuzzy_day_month_order",
         event(1, date="03/04/2023"),
         (row3("date", "an ambiguous day/month order: write it as YYYY-MM-DD (2023-03-04 or 2023-04-03)",
               "03/04/2023"),),
         only("E001", "E003")),
    Case("events_end_before_start",
         event(1, date="2024-05-01", end_date="2024-04-30"),
         (row3("end_date", "an end_date on or after the date (2024-05-01)", "2024-04-30"),),
         only("E001", "E003")),
    Case("events_date_1900",
         event(1, date="1900-01-01"),
         (row3("date", "a date between 1945-01-01 and", "1900-01-01"),),
         only("E001", "E003")),
    Case("events_date_2999",
         event(1, date="2999-01-01"),
         (row3("date", "a date between 1945-01-01 and", "2999-01-01"),),
         only("E001", "E003")),
    Case("events_date_february_30",
         event(1, date="2023-02-30"),
         (row3("date", "a real calendar date", "2023-02-30"),),
         only("E001", "E003")),
    Case("events_precision_day_with_a_month_date",
         event(1, date="2023-09", precision="day"),
         (row3("date", "a full YYYY-MM-DD date for precision 'day', not a month", "2023-09"),),
         only("E001", "E003")),
    Case("events_precision_not_in_vocabulary",
         event(1, precision="weekly"),
         (row3("precision", "one of day, month, year, approx", "weekly"),),
         only("E001", "E003")),
    Case("events_title_at_the_length_limit_loads",
         event(1, title="T" * 90),
         ()),
    Case("events_title_over_the_length_limit",
         event(1, title="T" * 91),
         (row3("title", "at most 90 characters (it has 91)", "TTTT"),),
         only("E001", "E003")),
    Case("events_formula_cells_load_as_plain_text",
         event(1, **FORMULAS),
         (),
         check=formulas_kept_as_text),
    Case("events_header_only",
         write_text(EVENTS_FILE, "id,date,end_date,precision,category,title,summary,origin,destination,quantity,"
                                 "unit,actors,confidence,sources,disputed\n"),
         (),
         NO_EVENTS),
    Case("events_empty_file",
         write_text(EVENTS_FILE, ""),
         (Expect(EVENTS_FILE, "", "", "a header row with the columns id, date", "(empty)"),),
         NO_EVENTS),
    Case("events_unclosed_quote_swallows_the_rows_after",
         replace_text(EVENTS_FILE, "Summit", '"Summit'),
         (row3("summary, origin, destination, quantity, unit, actors, confidence, sources, disputed",
               "a double quote never closed", "6 cells"),),
         only("E001")),
    Case("events_semicolon_separated",
         lambda folder: write_text(EVENTS_FILE, (folder / EVENTS_FILE).read_text().replace(",", ";"))(folder),
         (Expect(EVENTS_FILE, "row 1", "id, date, precision, category, title, summary, confidence, sources",
                 "the file looks semicolon-separated", "(missing)"),),
         NO_EVENTS),
    Case("events_column_twice_in_header",
         replace_text(EVENTS_FILE, ",disputed\n", ",title\n"),
         (Expect(EVENTS_FILE, "row 1", "title", "each column once in the header", "(repeated)"),),
         NO_EVENTS),
    Case("events_misspelt_optional_column_ignored",
         replace_text(EVENTS_FILE, ",end_date,", ",end date,"),
         (Expect(EVENTS_FILE, "row 1", "end date", "this one was ignored", "end date", "warning"),),
         check=end_date_column_ignored),
    Case("events_cell_over_the_csv_field_limit",
         event(1, summary="x" * 200_000),
         (row3("", "a well-formed CSV row", "field larger than field limit"),),
         only("E001", "E003")),
    Case("events_bom_removed",
         write_bytes(EVENTS_FILE, lambda data: b"\xef\xbb\xbf" + data),
         (Expect(EVENTS_FILE, "", "", "it was removed", "UTF-8 byte-order mark", "warning"),)),
    Case("events_latin1",
         write_bytes(EVENTS_FILE, lambda data: data.decode("utf-8").replace("Summit", "Sömmit").encode("latin-1")),
         (Expect(EVENTS_FILE, "line 3 column 33", "", "save the file as UTF-8", "byte 0xf6"),),
         NO_EVENTS),
    Case("events_mixed_utf8_and_cp1252",
         write_bytes(EVENTS_FILE, cp1252_line),
         (Expect(EVENTS_FILE, "line 4 column 35", "", "mixed or legacy encodings are not read", "byte 0x93"),),
         NO_EVENTS),
    Case("events_utf16",
         write_bytes(EVENTS_FILE, lambda data: data.decode("utf-8").encode("utf-16")),
         (Expect(EVENTS_FILE, "", "", "plain UTF-8 text", "UTF-16 text"),),
         NO_EVENTS),
    Case("events_1kb_excel_zip_unpacking_to_1mb",
         write_bytes(EVENTS_FILE, xlsx_saved_as_csv),
         (Expect(EVENTS_FILE, "", "", "never unpacked", "a zip archive"),),
         NO_EVENTS),
    Case("sources_javascript_url_refused",
         source(1, url="javascript:alert(document.cookie)"),
         (Expect(SOURCES_FILE, "row 3", "url", "an https:// address", "javascript:alert"),
          row3("sources", "of a source that loaded", "S02"),
          Expect(EVENTS_FILE, "row 4", "sources", "of a source that loaded", "S02")),
         Loads(events=("E001",), sources=("S01",))),
    Case("sources_fuzzy_published_date",
         source(0, published="last week"),
         (Expect(SOURCES_FILE, "row 2", "published", "a date as YYYY-MM-DD, YYYY-MM or YYYY", "last week"),
          Expect(EVENTS_FILE, "row 2", "sources", "of a source that loaded", "S01"),
          row3("sources", "of a source that loaded", "S01")),
         Loads(events=("E003",), sources=("S02",))),
]

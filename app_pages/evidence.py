"""Evidence: every event with its sources, where the sources disagree, estimates over time, and the claims of
the June 2024 op-ed checked against the sources."""

import streamlit as st

from layers.model import schema
from layers.model.view import View
from ui.citations import (
    CLAIM_BADGES,
    CONFIDENCE_LABELS,
    estimates_table,
    event_camera,
    event_heading,
    event_places,
    event_table,
    md,
    search,
    source_links,
)
from ui.data import catalog, problems_banner
from ui.story_map import show_map

cat = catalog()
problems_banner(cat)
events = cat.events.set_index("id", drop=False)


def event_lines(ids: tuple[str, ...]) -> str:
    """A Markdown list of the known events among ``ids``, in date order."""
    known = [i for i in events.index if i in set(ids)]
    return "\n".join(f"- `{i}` {event_heading(events.loc[i])}" for i in known)


def show_event(event_id: str) -> None:
    """One event on a small map, with every field and every source."""
    event = events.loc[event_id]
    left, right = st.columns([2, 3])
    with left:
        view = View(selected=event_id, focus=(event_id,), camera=event_camera(cat, event))
        show_map(cat, view, key="evidence-player", height=360, controls=False, legend=False)
    with right:
        st.subheader(f"{event_id}: {md(event['title'])}", anchor=False)
        facts = [
            ("Date", f"{event['date_label']} (precision: {event['precision']})"),
            ("Category", schema.CATEGORIES.get(event["category"], event["category"])),
            ("Confidence", schema.CONFIDENCE.get(event["confidence"], event["confidence"])),
            ("Where", event_places(cat, event)),
            ("Quantity", " ".join(v for v in (event["quantity"], event["unit"]) if v)),
            ("Actors", "; ".join(event["actors"])),
        ]
        st.markdown("\n".join(f"- **{label}:** {md(value)}" for label, value in facts if value))
        st.markdown(md(event["summary"]))
        if event["disputed"]:
            st.warning(f"**Where sources disagree:** {md(event['disputed'])}", icon=":material/compare_arrows:")
        st.markdown("**Sources**\n\n" + "\n".join(f"- {link}" for link in source_links(cat, event["sources"])))


st.title("Evidence", anchor=False)
st.caption("Every event on the map with its date as the sources give it, its confidence and its sources; where "
           "the sources disagree; how each estimate changed over time and who made it; and what the June 2024 "
           "op-ed claimed, against the sources.")
tab_events, tab_disagreements, tab_estimates, tab_claims = st.tabs(
    ["Events and sources", f"Where sources disagree ({len(cat.disagreements)})",
     f"Estimates over time ({len(cat.series)})", f"The June 2024 op-ed's claims ({len(cat.oped_claims)})"])

with tab_events:
    table = event_table(cat)
    query_col, disputed_col = st.columns([3, 1], vertical_alignment="bottom")
    query = query_col.text_input("Search the events", key="q", placeholder="A place, a person, an outlet, a year, "
                                 "an id (E026) or a source (S49)", bind="query-params", max_chars=200)
    only_disputed = disputed_col.toggle("Only where sources disagree", key="disputed")
    shown = search(table, query or "")
    if only_disputed:
        shown = shown[shown["disputed"]]
    shown = shown.reset_index(drop=True)
    st.caption(f"{len(shown)} of {len(table)} events. Click a row for its map and details; click a column "
               "header to sort.")
    picked = st.dataframe(
        shown, key="evidence-events", hide_index=True, on_select="rerun", selection_mode="single-row",
        column_order=["id", "from", "date", "title", "category", "confidence", "precision", "sources", "link",
                      "disputed"],
        column_config={
            "id": st.column_config.TextColumn("Id", width="small"),
            "from": st.column_config.DateColumn("Starts", format="YYYY-MM-DD", help="Start of the event's interval"),
            "date": st.column_config.TextColumn("Date as sourced", help="Month or vague dates stay intervals"),
            "precision": st.column_config.TextColumn("Precision", width="small"),
            "category": st.column_config.TextColumn("Category"),
            "title": st.column_config.TextColumn("Event", width="large"),
            "confidence": st.column_config.TextColumn("Confidence"),
            "sources": st.column_config.ListColumn("Sources (outlet, published)"),
            "link": st.column_config.LinkColumn("First source", display_text=r"https?://(?:www\.)?([^/]+)"),
            "disputed": st.column_config.CheckboxColumn("Disputed", width="small"),
        },
    )
    rows = picked.selection.rows if picked is not None else []
    selected = shown.at[rows[0], "id"] if rows and rows[0] < len(shown) else View.from_params(
        st.query_params.to_dict(), cat.actors, cat.event_ids).selected
    if selected in events.index:
        show_event(selected)
    else:
        st.info("Select an event in the table to see it on the map with all its sources.",
                icon=":material/touch_app:")

with tab_disagreements:
    st.markdown("Where the sources give different numbers, dates or readings, the map shows one event and the "
                "difference is stated here. Estimates from different agencies and periods are not a series.")
    for _, row in cat.disagreements.iterrows():
        with st.container(border=True):
            st.markdown(f"**{md(row['id'])} · {md(row['topic'])}**")
            st.markdown(md(row["summary"]))
            st.markdown("**Events**\n\n" + event_lines(row["events"]))
            links = source_links(cat, row["sources"])
            if links:
                st.markdown("**Sources:** " + " · ".join(links))
    if cat.disagreements.empty:
        st.info("No disagreements are recorded (geodata/disagreements.csv is missing or empty).")

with tab_estimates:
    st.markdown("The same quantity is estimated again and again, by different bodies. Each table lists the "
                "estimates of one quantity in the order they were made public, with who made each; a later "
                "figure does not make an earlier one wrong for its own date.")
    for series_id, label in zip(cat.series["id"], cat.series["label"], strict=True):
        rows = estimates_table(cat, series_id)
        if rows.empty:
            continue
        st.markdown(f"**{md(label)}**")
        st.dataframe(rows, hide_index=True, key=f"series-{series_id}", column_config={
            "Made public": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "Sources": st.column_config.ListColumn()})
    if cat.estimates.empty:
        st.info("No estimates are recorded (geodata/estimates.csv is missing or empty).")

with tab_claims:
    st.markdown("The project grew from a US opinion piece published in June 2024, on the eve of Putin's visit to "
                "Pyongyang (the June 2024 op-ed). Each of its claims is set beside what the sources say. *No "
                "source found* means none was found when the record was researched, not that the claim is false.")
    counts = cat.oped_claims["status"].value_counts() if not cat.oped_claims.empty else {}
    summary = st.container(horizontal=True)
    for status, (label, color, icon) in CLAIM_BADGES.items():
        if counts.get(status, 0):
            summary.badge(f"{label}: {counts[status]}", color=color, icon=icon)
    for _, row in cat.oped_claims.iterrows():
        label, color, icon = CLAIM_BADGES.get(row["status"], (row["status"], "gray", None))
        with st.container(border=True):
            claim_col, finding_col = st.columns([2, 3])
            with claim_col:
                st.badge(label, color=color, icon=icon)
                st.markdown(f"**{md(row['id'])}** · The op-ed: {md(row['claim'])}")
            with finding_col:
                st.markdown(f"**What the sources say:** {md(row['finding'])}")
                if row["events"]:
                    st.markdown(event_lines(row["events"]))
                links = source_links(cat, row["sources"])
                st.markdown("**Sources:** " + (" · ".join(links) if links else "none found"))
    if cat.oped_claims.empty:
        st.info("No claims are recorded (geodata/oped_claims.csv is missing or empty).")
    st.caption("Confidence grades used on the map: " + "; ".join(CONFIDENCE_LABELS.values()) + ".")

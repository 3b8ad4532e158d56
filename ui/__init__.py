"""Streamlit glue shared by the pages: cached data, the data-problem banner, the player component."""

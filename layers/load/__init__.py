"""Loading: read and check the data files into one ``Catalog`` with one ``Report`` (and the checks of what a
story may say)."""

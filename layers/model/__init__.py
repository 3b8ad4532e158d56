"""The model: vocabularies, dates, the problem report, styles, views, stories and their wording. Imports nothing
else of the engine."""

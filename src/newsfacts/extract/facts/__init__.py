"""Fact extractors, one module per kind: quantities, dates, attributions, quotes.

Each works on an article body (and its sentences and entity clusters) and
returns spans with values; ``newsfacts.facts`` turns them into table rows.
"""

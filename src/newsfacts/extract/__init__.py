"""Turning raw records into clean articles: scraped text, HTML, records."""

"""Renderers: pure functions from solved or graded records to text. Rich is imported only here."""

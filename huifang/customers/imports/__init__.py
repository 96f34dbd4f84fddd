"""Importing customers from Excel and CSV files (spec C7)."""

"""Governance records that have no API: owners, people, vendors, risks, reviews, exercises."""

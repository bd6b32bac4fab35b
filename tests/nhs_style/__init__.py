"""Test templates built the way NHS England builds its files, with code independent of bcf_addin.

The tool's own replica builder (bcf_addin.replica) writes a template from the tool's own
description, so a replica can only confirm what the description already says. These builders
write the template out from the published text instead (the Leicestershire 2025-26 return in
the May 2025 board pack), with XlsxWriter, in the way NHS England's files are made: drop-down
lists on hidden sheets behind workbook-level names, merged and two-row headings, hidden helper
columns, formulas with cached results, images, conditional formats and password protection.
They never import bcf_addin nor read its descriptions.
"""

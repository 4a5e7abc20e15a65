"""The demo company: a realistic organisation written as the real export files of every source.

``sample.generator`` is the entry point (``generate``, ``python -m sample.generator OUT_DIR``)
and re-exports what callers use.  The rest, bottom up:

- ``helpers``: seeded random streams, dates and time zones, text and CSV formatting.
- ``design``, ``names``: the company's static design (skills, roles, departments, goals,
  planted unknown ids) and the names its people are drawn from.
- ``model``: the in-memory dataclasses (Course, Team, Employee, Company).
- ``catalog``: delivery channels, credentials and ``build_catalog``.
- ``history``: the simulated learning events and assessments; ``goals``: targets set from
  them; ``money``: fx, licences, spend and budgets.
- ``company``: the roster (``build_org``) and the whole company (``build_company``).
- one writer per export format: ``write_company`` (company/ CSVs), ``write_moodle``,
  ``write_xapi`` (LRS dump and the ``write_xapi_jsonl`` benchmark file), ``write_badges``,
  ``write_scorm``, ``write_providers`` (LinkedIn Learning, Udemy Business, Cornerstone and the
  ``write_provider_csv`` benchmark file), and ``write_readme``; ``bench`` holds what the two
  benchmark writers share.
"""

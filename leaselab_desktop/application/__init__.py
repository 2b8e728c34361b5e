"""The application layer: the rules of an evaluation's life, between the GUI/CLI and the backends.

- ``lifecycle``: the lead status transitions, one table of plain data.
- ``admission``: whether a lead may be evaluated now (already running, unchanged documents, quota).
- ``run_records``: the one writer of run records and of the lead status changes a run makes.
- ``engine_runs``: runs on the embedded engine (start, follow, terminate, retry, list) and where
  interrupted runs resume.
- ``evaluations``: what the CLI and the GUI call on any backend: start or join, runs,
  follow, terminate, retry.
"""

"""Pure domain rules: periods, performance judgements, minutes and action rules.

Nothing here imports a database, Qt, matplotlib or ReportLab; everything here
is deterministic and unit-tested without fixtures.
"""

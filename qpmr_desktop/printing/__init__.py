"""Printing: ReportLab documents, plain data in, PDF bytes out.

This package's ``__init__`` imports nothing, so that importing it (or
``printing.data``, the plain input dataclasses) does not load ReportLab;
ReportLab loads only when a document module is imported to build a PDF.

- ``data`` — frozen input dataclasses (``ItemMinutesData``, ``MeetingMinutesData``,
  ``CouncilInfo`` …) and ``item_minutes_data`` to adapt the services' read models;
- ``document`` — ``CouncilDocument``, the base every document builds on;
- ``fonts``, ``styles`` — the embedded font family and the named styles;
- ``minutes_document`` — ``render_item_minutes`` and ``render_meeting_minutes``.
"""

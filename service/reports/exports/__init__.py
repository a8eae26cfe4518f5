"""Downloads of a frozen snapshot that a planner pastes into the municipal plan (issue 15).

* ``content`` — the snapshot as the exports show it: labelled tables (``schemas._table_view``),
  numbers, dates and periods written the Norwegian way, the main number of each table and the
  same period last year, the 12-month trend; the one place that knows a hidden cell is "–";
* ``csvzip`` — one CSV per table (UTF-8 with BOM, ``;``) and a README.txt, as a zip;
* ``xlsx`` — a workbook with a cover, a sheet per table, a trend sheet and native charts;
* ``docx`` — a draft status chapter, charts drawn by ``charts`` (matplotlib);
* ``services`` — find the snapshot, record the ``export`` audit event, render in the
  municipality's written standard (``REPORT_LOCALE``).

Everything is drawn from the published tables only: a hidden cell has no value in the
snapshot, and no export computes one (no "total minus the others", no zero in a chart).
"""

"""Printable outputs: the screening report as PDF, map export, and the screening dialog.

Qt lives here; the content (report data, map SVG, HTML body) comes from the Qt-free
``models.screening``, ``models.report_map_svg`` and ``models.report_html``.
"""

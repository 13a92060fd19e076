"""The statistics panel's size hint, in a module of its own: the dock's placeholder uses it
before the panel (and pyqtgraph behind it) is imported (``ui.statistics.StatisticsDock``)."""

#: wide enough for the county names beside the bars
PANEL_SIZE = (640, 480)

"""The window: everything that imports Qt (the other packages are Qt-free).

Importing this package first makes PySide6's look at each module imported after it cheap
(:func:`ui.pyside_imports.quick_feature_check`)."""

from ui.pyside_imports import quick_feature_check

quick_feature_check()

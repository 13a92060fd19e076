"""Import and export of bureau files: readers, encodings, CRS detection, field mapping,
validation, transactional workspace import with undo, writers and the command line.

Qt-free: the import dialog (ui/) calls these functions; so do the command line and tests.
"""

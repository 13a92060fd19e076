"""The shared city inventory on PostgreSQL/PostGIS: connection, schema and migrations.

There is no server program of EcoZone's own: the database's roles, row-level security and
transactions do the work (docs/SYNC.md).  Qt-free; psycopg 3 is imported here only.
"""

"""Storage: SQLModel tables, the engine, and the database lifecycle (open, migrate, refuse).

Only ``services`` use this package; the UI never holds a session or an ORM object.
"""

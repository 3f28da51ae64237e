"""ormlint: a static analyzer for SQLAlchemy-family ORM code.

It parses a repository (never imports it), builds one project-wide schema
index and reports problems with the stable codes of the rule catalogue.
"""

__version__ = "0.1.0"

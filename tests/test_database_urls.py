"""The databases a file's URLs name (`ormlint.dialects.databases_in_urls`)."""

import pytest

from ormlint.dialects import databases_in_urls


@pytest.mark.parametrize(("text", "found"), [
    ('engine = create_engine("mysql+pymysql://app:secret@db/app")\n', {"mysql"}),
    ("DATABASE_URL = os.getenv('DATABASE_URL', 'postgresql://localhost/app')\n", {"postgresql"}),
    ('SQLALCHEMY_DATABASE_URI = "sqlite:///app.db"\n', {"sqlite"}),
    ('url = URL.create(drivername="mariadb+mariadbconnector", host=host)\n', {"mariadb"}),
    ('url = URL.build(scheme="postgres", host=host)\n', {"postgres"}),
    # Not a database URL: another scheme, or the name inside a longer word.
    ('link = "https://example.org/mysql"\n', set()),
    ('x = "my.mysql://host"\n', set()),
    # `scheme=` counts only where a URL is built.
    ('parse(scheme="mysql+pymysql")\n', set()),
])
def test_dialects_named_by_urls(text: str, found: set[str]) -> None:
    assert databases_in_urls(text) == found

"""On PostgreSQL, a trigram index so a name search does not read every person.

`LIKE '% word%'` on the search key can use a GIN trigram index (pg_trgm). SQLite has none and
needs none at this size. Creating the extension needs the right to create in the database (a
trusted extension since PostgreSQL 13); without it the index is skipped and searches still work,
by reading the table (see docs/operations.md).
"""

import logging

from django.db import DatabaseError, migrations, transaction

log = logging.getLogger(__name__)

INDEX = "people_person_search_key_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        log.warning("pg_trgm is not available (%s); name searches will read the table", error)
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_person USING gin (search_key gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_add_person_search_key"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]

from django.db import migrations

# pg_trgm indexes substring search. PostgreSQL builds without the contrib modules (such
# as the embedded pgserver) lack it; search then still works, without the index.
CREATE_TRGM = """
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available; substring search runs unindexed';
END
$$;
"""


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []
    operations = [migrations.RunSQL(CREATE_TRGM, migrations.RunSQL.noop)]

from django.db import migrations

CREATE_INDEX = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS product_search_trgm_idx
            ON product_product USING gin (search_document gin_trgm_ops);
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    """The trigram index of the search document, where pg_trgm exists."""

    dependencies = [("product", "0001_initial"), ("core", "0001_extensions")]
    operations = [
        migrations.RunSQL(CREATE_INDEX, "DROP INDEX IF EXISTS product_search_trgm_idx")
    ]

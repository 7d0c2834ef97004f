"""Full-text search for offers and requests (issue 19), on PostgreSQL only.

A `search_vector` tsvector column per listing table, kept up to date by a trigger (the
organisation's name and place live in another table, which a generated column cannot read), a
GIN index on it, and a trigram index on organisation names for typo-tolerant name search.
The models do not declare the column: only `matching/search.py` reads it, and on SQLite (the
embedded default) search falls back to `icontains`, so there the migration does nothing.
"""

from django.db import migrations

WEIGHTED = """
    setweight(to_tsvector('dutch', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('dutch', coalesce(org.name, '')), 'B') ||
    setweight(to_tsvector('dutch', coalesce(org.place, '')), 'C') ||
    setweight(to_tsvector('dutch', coalesce(NEW.description, '')), 'D')
"""

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"""
    CREATE OR REPLACE FUNCTION matching_listing_search_vector() RETURNS trigger AS $$
    DECLARE org record;
    BEGIN
        SELECT name, place INTO org FROM accounts_organisation WHERE id = NEW.organisation_id;
        NEW.search_vector := {WEIGHTED};
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    # A renamed or moved organisation re-indexes its listings (the BEFORE UPDATE trigger does it).
    """
    CREATE OR REPLACE FUNCTION matching_organisation_search_vector() RETURNS trigger AS $$
    BEGIN
        IF NEW.name IS DISTINCT FROM OLD.name OR NEW.place IS DISTINCT FROM OLD.place THEN
            UPDATE matching_offer SET title = title WHERE organisation_id = NEW.id;
            UPDATE matching_request SET title = title WHERE organisation_id = NEW.id;
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
]
for table in ("matching_offer", "matching_request"):
    FORWARD += [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector",
        f"""CREATE TRIGGER {table}_search_vector BEFORE INSERT OR UPDATE OF title, description,
            organisation_id ON {table} FOR EACH ROW EXECUTE FUNCTION matching_listing_search_vector()""",
        f"UPDATE {table} SET title = title",
        f"CREATE INDEX IF NOT EXISTS {table}_search_gin ON {table} USING gin (search_vector)",
    ]
FORWARD += [
    """CREATE TRIGGER accounts_organisation_search_vector AFTER UPDATE OF name, place
       ON accounts_organisation FOR EACH ROW EXECUTE FUNCTION matching_organisation_search_vector()""",
    "CREATE INDEX IF NOT EXISTS accounts_organisation_name_trgm ON accounts_organisation "
    "USING gin (name gin_trgm_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS accounts_organisation_name_trgm",
    "DROP TRIGGER IF EXISTS accounts_organisation_search_vector ON accounts_organisation",
    "DROP TRIGGER IF EXISTS matching_offer_search_vector ON matching_offer",
    "DROP TRIGGER IF EXISTS matching_request_search_vector ON matching_request",
    "ALTER TABLE matching_offer DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE matching_request DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS matching_organisation_search_vector()",
    "DROP FUNCTION IF EXISTS matching_listing_search_vector()",
]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_issue20_tokens_join_requests_locations"),
        ("matching", "0010_listing_location_on_behalf"),
    ]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]

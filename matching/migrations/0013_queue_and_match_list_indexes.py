from django.db import migrations, models

# The coordinators' unmatched queue lists open requests oldest publication first (NULLS FIRST):
# walking this index stops after a page instead of sorting every open request of the region.
# PostgreSQL only: SQLite cannot index NULLS FIRST, and its small lists sort fast anyway.
CREATE_QUEUE_INDEX = (
    'CREATE INDEX IF NOT EXISTS "request_open_queue" ON "matching_request" '
    '("published_at" ASC NULLS FIRST, "id" ASC) WHERE "status" = \'open\''
)
DROP_QUEUE_INDEX = 'DROP INDEX IF EXISTS "request_open_queue"'


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0012_offer_browse_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="match", name="match_status_expires"),
        migrations.AddIndex(
            model_name="match",
            index=models.Index(fields=["status", "expires_at", "id"], name="match_status_expires_id"),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                fields=["organisation", "kind"],
                include=["status", "published_at", "available_from", "available_until", "closed_at", "capacity"],
                name="offer_org_figures",
            ),
        ),
        migrations.RunPython(on_postgresql(CREATE_QUEUE_INDEX), on_postgresql(DROP_QUEUE_INDEX)),
    ]

# Issue 22: indexes for the offers API filtered by subject and province, ordered by date.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0011_listing_search"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(fields=["-available_from", "-id"], name="offer_available_from"),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                fields=["organisation"],
                include=("status", "subjects_mask", "available_from"),
                name="offer_org_browse",
            ),
        ),
    ]

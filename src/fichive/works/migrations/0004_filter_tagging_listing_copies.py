"""Filter taggings carry copies of their work's listing fields (listed, restricted, update
date, kudos) with one index per copied sort, so a tag's listing is a range of one index.

Existing rows are filled from their works in one UPDATE. On SQLite the columns are added with
ALTER TABLE ADD COLUMN (Django would copy the whole table once per column to add a NOT NULL
column), which matters for archives of millions of filter taggings.
"""

from django.db import migrations, models

COPIES = ("listed", "restricted", "updated", "kudos_count")

FILL_SQL = """
UPDATE works_filtertagging
SET listed = (w.state = 'posted'), restricted = w.restricted, updated = w.updated,
    kudos_count = w.kudos_count
FROM works_work AS w
WHERE w.id = works_filtertagging.work_id
  AND (w.state = 'posted' OR w.restricted OR w.updated IS NOT NULL OR w.kudos_count <> 0)
"""


def add_columns(apps, schema_editor):
    model = apps.get_model("works", "FilterTagging")
    quote = schema_editor.quote_name
    for name in COPIES:
        field = model._meta.get_field(name)
        if schema_editor.connection.vendor == "sqlite":
            definition, params = schema_editor.column_sql(model, field)
            default = "" if field.null else " DEFAULT 0"
            schema_editor.execute(
                f"ALTER TABLE {quote(model._meta.db_table)} ADD COLUMN {quote(field.column)} "
                f"{definition}{default}", params)
        else:
            schema_editor.add_field(model, field)
    if not model.objects.exists():
        return
    if schema_editor.connection.vendor in {"sqlite", "postgresql"}:
        schema_editor.execute(FILL_SQL)
    else:
        Work = apps.get_model("works", "Work")
        work = Work.objects.filter(pk=models.OuterRef("work_id"))
        model.objects.update(
            listed=models.Exists(work.filter(state="posted")),
            restricted=models.Subquery(work.values("restricted")[:1]),
            updated=models.Subquery(work.values("updated")[:1]),
            kudos_count=models.Subquery(work.values("kudos_count")[:1]),
        )


def analyze(apps, schema_editor):
    """Planner statistics for the new indexes, on an archive that has rows."""
    model = apps.get_model("works", "FilterTagging")
    vendor = schema_editor.connection.vendor
    if vendor in {"sqlite", "postgresql"} and model.objects.exists():
        schema_editor.execute("ANALYZE works_filtertagging")


def remove_columns(apps, schema_editor):
    model = apps.get_model("works", "FilterTagging")
    for name in COPIES:
        schema_editor.remove_field(model, model._meta.get_field(name))


class Migration(migrations.Migration):

    dependencies = [
        ('works', '0003_listing_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='filtertagging',
                    name='listed',
                    field=models.BooleanField(default=False),
                ),
                migrations.AddField(
                    model_name='filtertagging',
                    name='restricted',
                    field=models.BooleanField(default=False),
                ),
                migrations.AddField(
                    model_name='filtertagging',
                    name='updated',
                    field=models.DateField(blank=True, null=True),
                ),
                migrations.AddField(
                    model_name='filtertagging',
                    name='kudos_count',
                    field=models.PositiveIntegerField(default=0),
                ),
            ],
        ),
        migrations.RunPython(add_columns, remove_columns),
        migrations.AddIndex(
            model_name='filtertagging',
            index=models.Index(fields=['tag', 'updated', 'work', 'listed', 'restricted'], name='filter_tagging_by_updated'),
        ),
        migrations.AddIndex(
            model_name='filtertagging',
            index=models.Index(fields=['tag', 'kudos_count', 'work', 'listed', 'restricted'], name='filter_tagging_by_kudos'),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]

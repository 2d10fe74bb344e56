"""AO3's fixed tags: the ratings, archive warnings and categories every work chooses from."""

from django.db import migrations

# The lists live in the model module; a later change to them needs a migration of its own.
from fichive.tags.models import CATEGORIES, RATINGS, WARNINGS, tag_key  # noqa: E402


def create(apps, schema_editor):
    Tag = apps.get_model("tags", "Tag")
    for tag_type, names in (("rating", RATINGS), ("warning", WARNINGS),
                            ("category", CATEGORIES)):
        for name in names:
            Tag.objects.get_or_create(
                key=tag_key(name),
                defaults={"type": tag_type, "name": name, "canonical": True},
            )


class Migration(migrations.Migration):
    dependencies = [("tags", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

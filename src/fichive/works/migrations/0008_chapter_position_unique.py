"""One chapter per position in a work: chapters sharing a place (two chapters added at the
same moment could take the same number before this constraint) are renumbered in their
reading order first, then the unique constraint replaces the plain (work, position) index."""

from django.db import migrations, models
from django.db.models import Count


def renumber_shared_positions(apps, schema_editor):
    Chapter = apps.get_model("works", "Chapter")
    crowded = (Chapter.objects.values("work_id", "position").annotate(n=Count("id"))
               .filter(n__gt=1).values_list("work_id", flat=True).distinct())
    for work_id in set(crowded):
        # 1, 2, 3 … in reading order (nothing is unique yet, so in any order).
        chapters = Chapter.objects.filter(work_id=work_id).order_by("position", "id")
        for number, chapter in enumerate(list(chapters), start=1):
            Chapter.objects.filter(pk=chapter.pk).update(position=number)


class Migration(migrations.Migration):

    dependencies = [
        ("works", "0007_readers_in_control"),
    ]

    operations = [
        migrations.RunPython(renumber_shared_positions, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="chapter",
            constraint=models.UniqueConstraint(fields=("work", "position"),
                                               name="chapter_position_unique"),
        ),
        migrations.RemoveIndex(
            model_name="chapter",
            name="works_chapt_work_id_48587a_idx",
        ),
    ]

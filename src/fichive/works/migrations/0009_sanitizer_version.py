"""Each row records the sanitizer allowlist its HTML was cleaned with (lib/sanitize.py
SANITIZER_VERSION). Rows already stored were cleaned with version 1 (before the site's own class
names were renamed), so `fichive resanitize` cleans them again; new rows get the current one."""

import fichive.lib.sanitize
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('works', '0008_chapter_position_unique'),
    ]

    operations = [
        migrations.AddField(
            model_name='chapter',
            name='sanitizer_version',
            field=models.PositiveSmallIntegerField(default=1, editable=False),
        ),
        migrations.AlterField(
            model_name='chapter',
            name='sanitizer_version',
            field=models.PositiveSmallIntegerField(
                default=fichive.lib.sanitize.current_sanitizer_version, editable=False),
        ),
        migrations.AddField(
            model_name='work',
            name='sanitizer_version',
            field=models.PositiveSmallIntegerField(default=1, editable=False),
        ),
        migrations.AlterField(
            model_name='work',
            name='sanitizer_version',
            field=models.PositiveSmallIntegerField(
                default=fichive.lib.sanitize.current_sanitizer_version, editable=False),
        ),
    ]

"""FilterTagList: each work's filter tag ids in one value, kept by triggers on
works_filtertagging (works.filter_tags.TAG_LIST_INSTALL), filled here from the rows stored."""

import django.db.models.deletion
from django.db import migrations, models


def install(apps, schema_editor):
    from fichive.works.filter_tags import TAG_LIST_INSTALL

    for statement in TAG_LIST_INSTALL.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    from fichive.works.filter_tags import TAG_LIST_UNINSTALL

    for statement in TAG_LIST_UNINSTALL.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('works', '0009_sanitizer_version'),
    ]

    operations = [
        migrations.CreateModel(
            name='FilterTagList',
            fields=[
                ('work', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                              primary_key=True, related_name='+',
                                              serialize=False, to='works.work')),
                ('tag_ids', models.TextField(default=',')),
            ],
        ),
        migrations.RunPython(install, uninstall),
    ]

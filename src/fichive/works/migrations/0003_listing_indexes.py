"""Listing indexes: one per sort on posted works (replacing the state-first index)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('works', '0002_wrangling'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='work',
            name='works_work_state_985385_idx',
        ),
        migrations.AddIndex(
            model_name='work',
            index=models.Index(condition=models.Q(('state', 'posted')), fields=['updated', 'id', 'restricted', 'state'], name='work_posted_by_updated'),
        ),
        migrations.AddIndex(
            model_name='work',
            index=models.Index(condition=models.Q(('state', 'posted')), fields=['published', 'id', 'restricted', 'state'], name='work_posted_by_published'),
        ),
        migrations.AddIndex(
            model_name='work',
            index=models.Index(condition=models.Q(('state', 'posted')), fields=['sort_title', 'id', 'restricted', 'state'], name='work_posted_by_title'),
        ),
        migrations.AddIndex(
            model_name='work',
            index=models.Index(condition=models.Q(('state', 'posted')), fields=['sort_creator', 'id', 'restricted', 'state'], name='work_posted_by_creator'),
        ),
        migrations.AddIndex(
            model_name='work',
            index=models.Index(condition=models.Q(('state', 'posted')), fields=['word_count', 'id', 'restricted', 'state'], name='work_posted_by_words'),
        ),
        migrations.AddIndex(
            model_name='work',
            index=models.Index(condition=models.Q(('state', 'posted')), fields=['hits', 'id', 'restricted', 'state'], name='work_posted_by_hits'),
        ),
        migrations.AddIndex(
            model_name='work',
            index=models.Index(condition=models.Q(('state', 'posted')), fields=['kudos_count', 'id', 'restricted', 'state'], name='work_posted_by_kudos'),
        ),
        migrations.AddIndex(
            model_name='work',
            index=models.Index(condition=models.Q(('state', 'posted')), fields=['comments_count', 'id', 'restricted', 'state'], name='work_posted_by_comments'),
        ),
        migrations.AddIndex(
            model_name='work',
            index=models.Index(condition=models.Q(('state', 'posted')), fields=['bookmarks_count', 'id', 'restricted', 'state'], name='work_posted_by_bookmarks'),
        ),
    ]

import django.db.models.deletion
import wagtail.fields
from django.conf import settings
from django.db import migrations, models

import guyub.content.models


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="InfoPage",
            fields=[
                (
                    "page_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to=settings.WAGTAIL_PAGE_MODEL,
                    ),
                ),
                ("title_en", models.CharField(blank=True, max_length=255, verbose_name="Title (English)")),
                ("intro", models.TextField(blank=True, verbose_name="Intro")),
                ("intro_en", models.TextField(blank=True, verbose_name="Intro (English)")),
                ("body", wagtail.fields.RichTextField(blank=True, verbose_name="Body")),
                ("body_en", wagtail.fields.RichTextField(blank=True, verbose_name="Body (English)")),
            ],
            options={"abstract": False},
            bases=(guyub.content.models.BilingualMixin, "wagtailcore.page"),
        ),
    ]

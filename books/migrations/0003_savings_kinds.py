# The posting kinds of simpan-pinjam (savings/, issue 19): savings, credit, shu.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("books", "0002_append_only_in_postgresql"),
    ]

    operations = [
        migrations.AlterField(
            model_name="posting",
            name="kind",
            field=models.CharField(
                choices=[
                    ("sale", "sale"),
                    ("fee", "fee"),
                    ("work", "work"),
                    ("transfer", "transfer"),
                    ("pool", "pool"),
                    ("refund", "refund"),
                    ("loan", "loan"),
                    ("dues", "dues"),
                    ("payout", "payout"),
                    ("adjustment", "adjustment"),
                    ("savings", "savings"),
                    ("credit", "credit"),
                    ("shu", "shu"),
                ],
                max_length=12,
                verbose_name="Kind",
            ),
        ),
    ]

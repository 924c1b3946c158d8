"""The payment event types staff pick in the dashboard (a line refund is a 'Refunded' payment event)."""
from django.db import migrations

TYPES = [("paid", "Paid"), ("refunded", "Refunded")]


def create_types(apps, schema_editor):
    PaymentEventType = apps.get_model("order", "PaymentEventType")
    for code, name in TYPES:
        if not PaymentEventType.objects.filter(code=code).exists():
            PaymentEventType.objects.create(code=code, name=name)


class Migration(migrations.Migration):
    dependencies = [("order", "0022_order_language")]
    operations = [migrations.RunPython(create_types, migrations.RunPython.noop)]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField(model_name="order", name="legacy_status", field=models.TextField(null=True)),
        migrations.RunSQL(
            "INSERT INTO orders (customer_id, legacy_status) SELECT g % 7, 'st' || (g % 3) FROM generate_series(1, 500) g",
            "DELETE FROM orders",
        ),
    ]

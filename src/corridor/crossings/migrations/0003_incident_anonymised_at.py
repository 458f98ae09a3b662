from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("crossings", "0002_encrypt_incident_narrative"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="anonymised_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="anonymised at"
            ),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_encrypt_person_phone"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="anonymised_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="anonymised at"
            ),
        ),
    ]

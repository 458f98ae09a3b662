from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_encrypt_case_clinical_summary"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="anonymised_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="anonymised at"
            ),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="returnregistration",
            name="anonymised_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="anonymised at"
            ),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_auditor_crossing_break_glass"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="session_salt",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="user",
            name="mfa_exempt",
            field=models.BooleanField(
                default=False,
                help_text="Set only by the demo (corridor demo --no-mfa) for local exploring; ignored when Corridor runs in production.",
                verbose_name="exempt from two-factor authentication",
            ),
        ),
    ]

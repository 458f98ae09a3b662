"""Store incident narratives encrypted: existing rows are encrypted in place.

Reversible: going back decrypts every value with the configured keys.
"""

from django.db import migrations

import corridor.crypto


class Migration(migrations.Migration):
    dependencies = [
        ("crossings", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="incident",
            name="narrative",
            field=corridor.crypto.EncryptedTextField(verbose_name="narrative"),
        ),
        corridor.crypto.encrypt_existing_values("crossings", "incident", "narrative"),
    ]

"""Store clinical summaries encrypted: existing rows are encrypted in place.

Reversible: going back decrypts every value with the configured keys.
"""

from django.db import migrations

import corridor.crypto


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="clinical_summary",
            field=corridor.crypto.EncryptedTextField(blank=True, verbose_name="clinical summary"),
        ),
        corridor.crypto.encrypt_existing_values("cases", "case", "clinical_summary"),
    ]

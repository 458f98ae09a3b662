"""Store phone numbers encrypted: a text column large enough for the tokens, rows encrypted.

Reversible: going back decrypts every value with the configured keys, then narrows the column.
"""

from django.db import migrations

import corridor.crypto


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=corridor.crypto.EncryptedCharField(
                blank=True, max_length=20, verbose_name="phone (E.164)"
            ),
        ),
        corridor.crypto.encrypt_existing_values("people", "person", "phone"),
    ]

# Orders have UUID primary keys: the event's order reference follows. A bigint
# column cannot be cast to uuid, so the (still unused) column is replaced.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('giftcard', '0001_gift_cards'),
    ]

    operations = [
        migrations.RemoveField(model_name='giftcardevent', name='order_id'),
        migrations.AddField(
            model_name='giftcardevent',
            name='order_id',
            field=models.UUIDField(blank=True, db_index=True, null=True),
        ),
    ]

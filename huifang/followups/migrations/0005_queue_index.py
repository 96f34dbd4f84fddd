"""The agent queue's index: planned phone follow-ups per assignee in scheduled order.

The workspace reads each agent's queue, and the team's unassigned follow-ups (owner
null), as the first rows of exactly this order; a partial index holds only the rows that
can be in a queue, so it stays small however many follow-ups are done or far ahead.
Plain SQL because a partial index written in the model's Meta would belong to the
follow-ups app's own models; both SQLite and PostgreSQL read this statement alike.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("followups", "0004_followup_work")]

    operations = [
        migrations.RunSQL(
            sql=(
                "CREATE INDEX followup_phone_queue_idx ON followups_followup "
                "(owner_id, scheduled_at, id) WHERE status = 'planned' AND channel = 'phone'"
            ),
            reverse_sql="DROP INDEX followup_phone_queue_idx",
        )
    ]

"""Domain events of the cases app, sent on commit (the only use of Django signals, style.md 6).

Receivers (notifications, reminders) get ids, never instances: they run after the transaction
and must read what they need through the selectors.
"""

from __future__ import annotations

from django.dispatch import Signal

# case_id
case_opened = Signal()
# case_ids: many cases opened by an automatic rule or an import batch
cases_opened = Signal()
# case_id, action, from_state, to_state, outcome
case_transitioned = Signal()

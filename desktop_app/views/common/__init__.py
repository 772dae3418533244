"""Widgets and helpers shared by the operator's and the executor's workstations.

Stable API (other views import these names; keep them backward compatible):

- :mod:`.countdown` — ``Countdown``, ``compute_countdown``, ``format_remaining``, ``status_colours``,
  ``countdown_tooltip``, ``format_instant``: remaining *working* time of a deadline, its text
  («0:42», «−1:15», «3 д»), status colour and Russian tooltip.
- :mod:`.platforms` — ``platform_name``, ``platform_badge``: platform names and letter badges.
- :mod:`.message_table` — ``MessageTableModel`` (rows of ``MessageRow``; in-model sort, text filter,
  per-second countdown refresh of the visible rows only), ``CountdownDelegate``, ``visible_rows``.
- :mod:`.message_panel` — ``MessagePanel``: one message's whole record, untrusted text shown as plain text.
- :mod:`.dialogs` — ``show_error``: an ``OtklikError`` (or any refusal) in a plain-text message box.
"""

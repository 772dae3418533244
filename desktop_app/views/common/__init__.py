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
- :mod:`.theme` — ``Tone``, ``text_colour``, ``tinted``, ``strong``, ``status_swatch``, ``style_text``,
  ``style_box``, ``install_focus_ring``: every semantic colour derived from the active palette (readable
  in a light and a dark one, re-applied when it changes) and the visible keyboard focus. Widgets hold no
  colour constants; a new warning or banner colour goes through here.
"""

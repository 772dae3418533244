"""The ОпОГ operator's (and the supervisor's) workstation: queues, message panel, actions (issue 7)."""

"""The subject association's workspace: year plans, meetings, minutes and decisions, and the network associations."""

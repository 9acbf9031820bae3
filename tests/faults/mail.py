"""A test-only e-mail backend for the fault tests (set through EMAIL_BACKEND in a
worker's environment, never in settings).

It writes letters to files like Django's file backend. With
FAULTS_MAIL_HANG_AFTER=N in the environment, the process's (N+1)th send hangs
for good before anything is written, after touching the file named by
FAULTS_MAIL_HANG_MARKER: the test then knows the worker is in the middle of a
send, holding the notification's lease, and kills it there with SIGKILL.
"""

import os
import time
from pathlib import Path

from django.core.mail.backends import filebased


class HangingEmailBackend(filebased.EmailBackend):
    sent = 0

    def send_messages(self, email_messages):
        limit = int(os.environ.get("FAULTS_MAIL_HANG_AFTER", "-1"))
        if 0 <= limit <= HangingEmailBackend.sent:
            Path(os.environ["FAULTS_MAIL_HANG_MARKER"]).touch()
            while True:
                time.sleep(60)
        count = super().send_messages(email_messages)
        HangingEmailBackend.sent += count
        return count

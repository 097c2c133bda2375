"""Polling for something a server thread does a moment later (bounded, never a busy loop)."""

import time


def wait_until(pred, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


def wait_for_mail(world, user, text, timeout=5.0):
    """True once `text` is in the user's mbox (background delivery may take a moment)."""
    path = world.mailbox_path(user)
    return wait_until(lambda: path.exists() and text in path.read_text(errors="replace"), timeout)

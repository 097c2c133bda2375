"""Polling for something a server thread does a moment later (bounded, never a busy loop)."""

import time


def wait_until(pred, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.02)
    return pred()

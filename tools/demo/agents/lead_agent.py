"""A small "lead processing" agent for the demo: it uses OPENAI_API_KEY from its environment,
prints which key it uses (the injector redacts the value; the fingerprint shows which key it is),
and picks up a rotated key without a restart through iron_secrets.watch."""

import hashlib
import os
import time

import iron_secrets  # on PYTHONPATH: put there by `iron-secrets run`

LEADS = int(os.environ.get("DEMO_LEADS", "10"))
PAUSE = float(os.environ.get("DEMO_PAUSE_SECONDS", "0.5"))


def fingerprint(value):
    return hashlib.sha256(value.encode()).hexdigest()[:8]


def on_rotate(changed):
    for name, value in sorted(changed.items()):
        print(f"[agent pid {os.getpid()}] {name} rotated, continuing with fingerprint {fingerprint(value)}", flush=True)


iron_secrets.watch(on_rotate)
for lead in range(1, LEADS + 1):
    key = iron_secrets.get("OPENAI_API_KEY")
    print(
        f"[agent pid {os.getpid()}] lead {lead}/{LEADS}: calling the LLM with OPENAI_API_KEY={key} (fingerprint {fingerprint(key)})",
        flush=True,
    )
    time.sleep(PAUSE)
print(f"[agent pid {os.getpid()}] done: {LEADS} leads processed", flush=True)

"""Iron Secrets for Python agents: live secret rotation without a restart.

Run the agent through the injector, which puts this module on PYTHONPATH:

    iron-secrets run --env production -- python3 agent.py

and in the agent:

    import os
    import iron_secrets

    def on_rotate(changed):          # {"OPENAI_API_KEY": "sk-new..."}
        client.api_key = changed.get("OPENAI_API_KEY", client.api_key)

    iron_secrets.watch(on_rotate)    # on SIGUSR1: fetch, update os.environ, call on_rotate
    key = iron_secrets.get("OPENAI_API_KEY")

Standard library only, Python 3.8+. The values come from the injector's endpoint on 127.0.0.1
(IRON_SECRETS_ENDPOINT), with its token (IRON_SECRETS_AGENT_TOKEN); nothing is written to disk.
"""

import json
import os
import signal
import urllib.request

__all__ = ["get", "refresh", "watch"]

_TIMEOUT_SECONDS = 5


def get(name, default=None):
    """The current value of secret `name` (after any rotation `watch` has applied)."""
    return os.environ.get(name, default)


def refresh():
    """Fetches the current values, updates os.environ, and returns {name: value} of what changed."""
    endpoint = os.environ.get("IRON_SECRETS_ENDPOINT")
    token = os.environ.get("IRON_SECRETS_AGENT_TOKEN")
    if not endpoint or not token:
        raise RuntimeError("not running under `iron-secrets run`: IRON_SECRETS_ENDPOINT is not set")
    request = urllib.request.Request(endpoint + "/secrets", headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
        values = json.load(response)
    changed = {name: value for name, value in values.items() if os.environ.get(name) != value}
    os.environ.update(changed)
    return changed


def watch(callback=None, signum=signal.SIGUSR1):
    """On `signum` (SIGUSR1, what the injector sends after a rotation): refresh, then call
    `callback(changed)` if anything changed. Returns the previous handler."""

    def handler(_signum, _frame):
        changed = refresh()
        if changed and callback is not None:
            callback(changed)

    return signal.signal(signum, handler)

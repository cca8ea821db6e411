"""Iron Secrets for Python agents: live secret rotation without a restart.

Run the agent through the injector, which puts this module on PYTHONPATH:

    iron-secrets run --env production -- python3 agent.py

and in the agent:

    import os
    import iron_secrets

    def on_rotate(changed):          # {"OPENAI_API_KEY": "sk-new..."}: changed or added names only
        client.api_key = changed.get("OPENAI_API_KEY", client.api_key)

    iron_secrets.watch(on_rotate)    # on SIGUSR1: fetch, update os.environ, call on_rotate
    key = iron_secrets.get("OPENAI_API_KEY")

`watch` registers the process with the injector (which signals only processes that registered),
installs a signal handler that only wakes a background thread, and that thread (a daemon thread
named "iron-secrets-refresh") fetches the values, updates os.environ and calls the callbacks.
A failed refresh never raises into the agent: it goes to `on_error`, or one line on stderr.

Standard library only, Python 3.8+. The values come from the injector's endpoint on 127.0.0.1
(IRON_SECRETS_ENDPOINT), with its token (IRON_SECRETS_AGENT_TOKEN), never through a proxy;
nothing is written to disk.
"""

# Imported now, not when urllib first resolves a host name: a lazy import of this codec once
# failed inside a signal handler ("LookupError: unknown encoding: idna") and killed an agent.
import encodings.idna  # noqa: F401
import ipaddress
import json
import os
import re
import signal
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import namedtuple

try:
    # Generated next to this file from core (limits.ts and reserved-names.ts): a valid secret name
    # (the pattern, 1 to 256 characters) that is not reserved, i.e. not read by a loader, a
    # runtime, a shell, a TLS stack or git to decide what code to load, what to trust or where to
    # send traffic.
    from iron_secrets_reserved import is_injectable_name as _is_injectable_name
except ImportError:  # this file copied alone: core's name pattern still applies, from a copy
    _SECRET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
    _MAX_SECRET_NAME_LENGTH = 256

    def _is_injectable_name(name):
        return (
            isinstance(name, str)
            and 0 < len(name) <= _MAX_SECRET_NAME_LENGTH
            and _SECRET_NAME.fullmatch(name) is not None
        )


__all__ = ["EndpointError", "Rotation", "get", "refresh", "sync", "unwatch", "watch"]

_TIMEOUT_SECONDS = 5
# The largest answer read from the endpoint: far above any environment's secrets (a value is at
# most 64 KiB by default), and a bound on what a broken endpoint can make the agent hold.
_MAX_ANSWER_BYTES = 64 * 1024 * 1024
_READ_PIECE_BYTES = 64 * 1024
# How much of a refused name a warning shows, and how many names.
_SHOWN_NAME_CHARS = 64
_SHOWN_NAMES = 10
_THREAD_NAME = "iron-secrets-refresh"

Rotation = namedtuple("Rotation", ["changed", "removed"])
Rotation.__doc__ = """What one fetch changed: `changed` is {name: value} of the names whose value changed or
that were added (never a None value); `removed` is a sorted tuple of the names that are gone."""


class EndpointError(RuntimeError):
    """The injector's endpoint could not be reached, or answered something else than the values."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The endpoint never redirects: a redirect would carry the token to another address."""

    def redirect_request(self, *args, **kwargs):
        return None


# No ProxyHandler reads http_proxy, HTTP_PROXY, all_proxy or no_proxy here: with one, urllib sends
# a request for 127.0.0.1 to the proxy, token and values included. An opener of our own, so an
# opener the agent installs (urllib.request.install_opener) does not apply either.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())

# Serialises fetches: the one the background thread makes and any refresh() of the agent's, so an
# older answer is never applied after a newer one. Never taken by the signal handler.
_state_lock = threading.RLock()
# The names this module set from the endpoint's last answer, to tell which are removed.
_known_names = set()


def get(name, default=None):
    """The current value of secret `name` (after any rotation `watch` has applied)."""
    return os.environ.get(name, default)


def refresh():
    """Fetches the current values, updates os.environ, and returns {name: value} of what changed
    or was added. Names that are gone are removed from os.environ too; `sync()` also says which.
    Raises EndpointError (a RuntimeError) if the endpoint cannot be read."""
    return sync().changed


def sync():
    """Fetches the current values and brings os.environ in line with them: changed and added
    names are set, names served at the previous fetch and no longer served are removed. Names
    that are not valid secret names, or are reserved, are skipped (one line on stderr names
    them). Returns a Rotation(changed, removed). Raises EndpointError on failure."""
    with _state_lock:
        values = _fetch_values()
        accepted, skipped = {}, []
        for name, value in values.items():
            if _is_injectable_name(name) and _is_environment_value(value):
                accepted[name] = value
            else:
                skipped.append(name)
        if skipped:
            _warn_skipped(skipped)
        changed = {name: value for name, value in accepted.items() if os.environ.get(name) != value}
        removed = tuple(sorted(name for name in _known_names if name not in accepted))
        os.environ.update(changed)
        for name in removed:
            os.environ.pop(name, None)
        _known_names.clear()
        _known_names.update(accepted)
        return Rotation(changed, removed)


def watch(callback=None, signum=signal.SIGUSR1, on_error=None, on_removed=None):
    """Keeps os.environ current through rotations. Call it first thing, from the main thread.

    - Registers this process with the injector (`POST /watch`): the injector sends the rotation
      signal only to processes that registered.
    - Installs a handler for `signum` (SIGUSR1, what the injector sends) that only wakes the
      background thread: it does no I/O and cannot raise into the agent's code, however many
      signals arrive, however close together.
    - Starts a daemon thread, "iron-secrets-refresh", which runs the callbacks: after each wake-up
      it fetches the values (`sync()`), then calls `callback(changed)` if names changed or were
      added and `on_removed(names)` (a sorted tuple) if names are gone. A burst of signals leads
      to at least one fetch after the last of them, so the last value wins.
    - A failure (a refresh, registering, or a callback that raised) goes to `on_error(exception)`;
      by default to one line on stderr, `iron-secrets: refresh failed: ...`, which never holds a
      value. The thread carries on.

    The thread also fetches once right after registering, to catch a rotation that happened
    before it: `callback` may be called then. Callbacks run on that thread, not the main one.
    Returns the previous handler of `signum`, as signal.signal does.
    """
    handlers = _Handlers(callback, on_error, on_removed)
    return _watcher.start(signum, handlers)


def unwatch():
    """Stops `watch`: tells the injector (`POST /unwatch`, best effort) and puts the previous
    handler of the signal back. The background thread stays, idle."""
    _watcher.stop()


_Handlers = namedtuple("_Handlers", ["callback", "on_error", "on_removed"])


class _Watcher:
    """The one watcher of this process: a wake-up lock, the thread, and the handlers to call."""

    def __init__(self):
        self._pid = None
        self._thread = None
        self._wake = None
        self._handlers = _Handlers(None, None, None)
        self._signum = None
        self._previous = None
        # Set when the injector must be told (again) that this process handles the signal: by the
        # first watch(), and by a watch() after unwatch(). The thread does the telling.
        self._register = False

    def start(self, signum, handlers):
        self._handlers = handlers
        starting = self._pid != os.getpid()  # first call, or a forked child: nothing runs for it
        if starting:
            # A primitive lock used as a wake-up flag: held = nothing to do. The handler releases
            # it (one C call, which a second handler cannot interrupt halfway, and which no other
            # code of the main thread holds, so it can never wait); a release while it is already
            # released raises RuntimeError, caught: that signal joins the pending fetch.
            self._wake = threading.Lock()
            self._wake.acquire()
        # The handler first (signal.signal raises outside the main thread, and then nothing has
        # started), the thread after: once registered, a signal may come at any moment, and
        # without a handler SIGUSR1 ends the process.
        previous = signal.signal(signum, self._on_signal)
        if self._signum != signum:
            self._signum, self._previous = signum, previous
        if starting:
            self._pid = os.getpid()
            self._register = True
            self._thread = threading.Thread(target=self._run, name=_THREAD_NAME, daemon=True)
            self._thread.start()
        elif self._register:
            self._on_signal(signum, None)  # watch() after unwatch(): the thread registers again
        return previous

    def stop(self):
        if self._signum is not None:
            signal.signal(self._signum, self._previous if self._previous is not None else signal.SIG_DFL)
            self._signum = self._previous = None
        self._register = True  # a later watch() registers again
        try:
            _call("POST", "/unwatch", {"pid": os.getpid()})
        except Exception:
            pass  # best effort: the injector forgets a PID that no longer handles the signal anyway

    def _on_signal(self, _signum, _frame):
        # Runs in the main thread between two bytecodes of whatever the agent was doing, and may
        # run again inside itself when signals arrive close together: so nothing but the release.
        try:
            self._wake.release()
        except RuntimeError:
            pass

    def _run(self):
        while True:
            if self._register and self._signum is not None:
                self._register = False
                try:
                    _call("POST", "/watch", {"pid": os.getpid()})
                except Exception as error:
                    self._report(error, "could not register for the rotation signal")
            # After registering, this also catches a rotation that was signalled to nobody.
            self._refresh()
            self._wake.acquire()

    def _refresh(self):
        try:
            rotation = sync()
        except Exception as error:
            self._report(error, "refresh failed")
            return
        handlers = self._handlers
        if rotation.changed and handlers.callback is not None:
            self._call_back(handlers.callback, rotation.changed)
        if rotation.removed and handlers.on_removed is not None:
            self._call_back(handlers.on_removed, rotation.removed)

    def _call_back(self, function, argument):
        try:
            function(argument)
        except Exception as error:
            # The agent's own exception: its message may hold a value, so only its type is shown.
            self._report(error, "a rotation callback raised " + type(error).__name__, show=False)

    def _report(self, error, what, show=True):
        on_error = self._handlers.on_error
        if on_error is not None:
            try:
                on_error(error)
                return
            except Exception as raised:
                what = "the error callback raised " + type(raised).__name__ + " on: " + what
        _stderr_line(what + (": " + str(error) if show else ""))


_watcher = _Watcher()


def _after_fork_in_child():
    # The parent's thread may have held the lock at the fork; it does not exist in the child.
    global _state_lock
    _state_lock = threading.RLock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _endpoint():
    """IRON_SECRETS_ENDPOINT, which must be http on a loopback address, and the token."""
    endpoint = os.environ.get("IRON_SECRETS_ENDPOINT")
    token = os.environ.get("IRON_SECRETS_AGENT_TOKEN")
    if not endpoint or not token:
        raise EndpointError("not running under `iron-secrets run`: IRON_SECRETS_ENDPOINT is not set")
    parts = urllib.parse.urlsplit(endpoint)
    try:
        loopback = parts.scheme == "http" and ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise EndpointError("IRON_SECRETS_ENDPOINT must be http://127.0.0.1:<port>, the injector's endpoint")
    return endpoint.rstrip("/"), token


def _call(method, path, payload=None):
    """One request to the endpoint; the answer's body."""
    endpoint, token = _endpoint()
    headers = {"Authorization": "Bearer " + token}
    data = None
    if payload is not None:
        data = json.dumps(payload).encode("utf-8")
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(endpoint + path, data=data, headers=headers, method=method)
    try:
        with _OPENER.open(request, timeout=_TIMEOUT_SECONDS) as response:
            body = _read_capped(response)
    except urllib.error.HTTPError as error:
        error.close()
        raise EndpointError("the injector's endpoint answered %d to %s %s" % (error.code, method, path)) from None
    except (OSError, ValueError) as error:  # URLError, timeouts, a connection cut short
        raise EndpointError("the injector's endpoint could not be reached: %s" % (error,)) from None
    return body


def _read_capped(response):
    """The body, in pieces: read(_MAX_ANSWER_BYTES) would allocate that much up front on Python
    3.8 (half a second per fetch)."""
    pieces, size = [], 0
    while True:
        piece = response.read(_READ_PIECE_BYTES)
        if not piece:
            return b"".join(pieces)
        size += len(piece)
        if size > _MAX_ANSWER_BYTES:
            raise EndpointError("the injector's endpoint answered more than %d bytes" % _MAX_ANSWER_BYTES)
        pieces.append(piece)


def _fetch_values():
    body = _call("GET", "/secrets")
    try:
        values = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise EndpointError("the injector's endpoint answered something that is not JSON") from None
    if not isinstance(values, dict):
        raise EndpointError("the injector's endpoint answered JSON that is not an object of values")
    return values


def _is_environment_value(value):
    """Whether os.environ can hold `value`: a string, without NUL, that encodes."""
    if not isinstance(value, str) or "\0" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from JSON's \\ud800
        return False
    return True


def _warn_skipped(names):
    shown = [ascii(name[:_SHOWN_NAME_CHARS]) if isinstance(name, str) else "?" for name in names[:_SHOWN_NAMES]]
    more = len(names) - len(shown)
    _stderr_line(
        "WARN skipped names that are not valid secret names or are reserved (not set): "
        + ", ".join(shown)
        + (" and %d more" % more if more > 0 else "")
    )


def _stderr_line(text):
    try:
        sys.stderr.write("iron-secrets: " + text + "\n")
        sys.stderr.flush()
    except Exception:
        pass  # a closed stderr is no reason to stop

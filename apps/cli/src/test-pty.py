"""Runs a command under a pseudo-terminal and plays a script of expected output and keystrokes.

Input (JSON on stdin): {"argv": [...], "env": {...},
                        "steps": [{"expect": "text", "send": "keys", "exec": {"argv", "env", "input"}}]}
Output (JSON on stdout): {"code": exit status (128+n for signal n), "transcript": everything shown}
Standard library only, so tests need nothing installed.
"""
import json
import os
import pty
import select
import sys
import time

TIMEOUT = 30.0


def main():
    spec = json.load(sys.stdin)
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(spec["argv"][0], spec["argv"], spec["env"])
    transcript = b""

    def read_some(deadline):
        nonlocal transcript
        remaining = max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return False
        try:
            data = os.read(fd, 65536)
        except OSError:
            return None  # the child closed the terminal
        if not data:
            return None
        transcript += data
        return True

    position = 0
    for step in spec["steps"]:
        deadline = time.monotonic() + TIMEOUT
        needle = step["expect"].encode()
        while transcript.find(needle, position) == -1:
            if time.monotonic() > deadline or read_some(deadline) is None:
                raise SystemExit("timed out waiting for %r; got %r" % (step["expect"], transcript.decode(errors="replace")))
        # What was matched is consumed: the next step waits for output that comes after it.
        position = transcript.find(needle, position) + len(needle)
        if "exec" in step:
            # Another program acts while this one runs (an admin rotating a key).
            import subprocess

            subprocess.run(step["exec"]["argv"], env=step["exec"]["env"], input=step["exec"].get("input", "").encode(), check=True, capture_output=True)
        if "send" in step:
            time.sleep(0.05)
            os.write(fd, step["send"].encode())
    deadline = time.monotonic() + TIMEOUT
    while read_some(deadline) is not None and time.monotonic() < deadline:
        pass
    _, status = os.waitpid(pid, 0)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
    json.dump({"code": code, "transcript": transcript.decode("utf-8", errors="replace")}, sys.stdout)


main()

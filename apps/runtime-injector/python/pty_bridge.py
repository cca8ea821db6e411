"""The pseudo-terminal bridge of `iron-secrets run`.

When the injector's stdout is a terminal, the agent must still see one (colours, full-screen
programs), yet its output must pass through the injector's redactor. This bridge gives it one:

    python3 pty_bridge.py [--separate-stderr] ROWS COLS COMMAND [ARGS...]

- The agent runs on a new pseudo-terminal (its own session) of ROWS x COLS.
- Its terminal writes `\n` as it is (no `\r\n`): the injector's own terminal adds the `\r` once.
  (Translated here too, every line would reach the screen as `\r\r\n`.)
- With --separate-stderr, the agent's stderr is this process's stderr instead of the terminal
  (the injector's stderr is not a terminal: `2>file` must keep the agent's errors apart).
- With --keep-stdin, the agent's stdin is this process's stdin instead of the terminal (the
  injector's stdin is a pipe or a file: its bytes are data, to reach the agent untouched and end,
  not keystrokes for a terminal to echo, edit and turn into signals).
- Bytes on this process's stdin go to the terminal (the injector puts its own terminal in raw
  mode, so Ctrl-C arrives as a byte and the terminal makes it SIGINT for the agent).
- What the agent writes to the terminal comes out on this process's stdout, for the redactor.
- Lines "ROWS COLS" on file descriptor 3 resize the terminal (the injector relays SIGWINCH).
- Signals sent to this process (SIGTERM, SIGUSR1, ...) are relayed to the agent.
- This process exits with the agent's status: its exit code, 128 + n if signal n killed it,
  127 if the command was not found, 126 if it could not be executed.

Standard library only (pty, select, termios): Linux and macOS.
"""

import errno
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios

RELAYED = ("SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGALRM")


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main():
    arguments = sys.argv[1:]
    flags = set()
    while arguments and arguments[0] in ("--separate-stderr", "--keep-stdin"):
        flags.add(arguments.pop(0))
    rows, cols = int(arguments[0]), int(arguments[1])
    command = arguments[2:]
    # Duplicates made before the fork are not inheritable: exec closes them in the agent.
    stdin = os.dup(0) if "--keep-stdin" in flags else None
    stderr = os.dup(2) if "--separate-stderr" in flags else None
    pid, master = pty.fork()
    if pid == 0:
        # Before exec, so the agent never writes through a translating terminal.
        attributes = termios.tcgetattr(1)
        attributes[1] &= ~termios.ONLCR
        termios.tcsetattr(1, termios.TCSANOW, attributes)
        if stdin is not None:
            os.dup2(stdin, 0)
        if stderr is not None:
            os.dup2(stderr, 2)
        # The control channel (descriptor 3) is the bridge's: the agent must not read or forge it.
        try:
            os.close(3)
        except OSError:
            pass
        try:
            os.execvp(command[0], command)
        except OSError as error:
            os.write(2, ("%s: %s\n" % (command[0], error.strerror)).encode())
            os._exit(127 if error.errno == errno.ENOENT else 126)
    for duplicate in (stdin, stderr):
        if duplicate is not None:
            os.close(duplicate)
    set_size(master, rows, cols)
    for name in RELAYED:
        signal.signal(getattr(signal, name), lambda signum, _frame: os.kill(pid, signum))

    sources = [master] if stdin is not None else [0, master]
    try:
        os.fstat(3)
        sources.append(3)
    except OSError:
        pass
    control = b""
    while True:
        try:
            readable, _, _ = select.select(sources, [], [])
        except InterruptedError:
            continue
        if master in readable:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the agent closed the terminal (it exited)
                data = b""
            if not data:
                break
            view = memoryview(data)
            while view:
                view = view[os.write(1, view):]
        if 0 in readable:
            data = os.read(0, 65536)
            if data:
                os.write(master, data)
            else:
                sources.remove(0)  # the injector's stdin ended: nothing more to type
        if 3 in readable:
            data = os.read(3, 4096)
            if not data:
                sources.remove(3)
            control += data
            while b"\n" in control:
                line, control = control.split(b"\n", 1)
                parts = line.split()
                if len(parts) == 2:
                    set_size(master, int(parts[0]), int(parts[1]))
                    os.kill(pid, signal.SIGWINCH)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))


main()

"""Helper processes end with the process they work for, however it ends.

A worker process of ``kg build`` (and the forked process writing the RDF files)
calls :func:`end_with` with the id of the building process: a thread of its own
then waits for that process to end and ends this one at once. Nothing else
would: the standard library's workers wait on queues that they themselves hold
open, so after a ``kill -9`` of the build they would wait forever, and with
them the server they were forked from and the resource tracker.

On Linux the thread waits on a process file descriptor (``pidfd_open``), woken
the moment the process ends; elsewhere it checks once a second.
"""

from __future__ import annotations

import os
import threading
import time

#: The exit status of a helper whose process ended before it.
ORPHANED = 70

#: How often the fallback checks the process (seconds).
POLL_S = 1.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def end_with(pid: int) -> None:
    """End this process (``os._exit``) as soon as process ``pid`` ends; returns at once.

    A process that ends before this call ends this one within the call.
    """
    fd: int | None = None
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is not None:
        try:
            fd = pidfd_open(pid)
        except ProcessLookupError:
            os._exit(ORPHANED)
        except OSError:  # an older kernel: check now and then
            fd = None
    parent = os.getppid()

    def watch() -> None:
        if fd is not None:
            import select

            while True:
                ready, _, _ = select.select([fd], [], [])
                if ready:
                    break
        else:
            while _alive(pid) and os.getppid() == parent:
                time.sleep(POLL_S)
        os._exit(ORPHANED)

    threading.Thread(target=watch, name="kg-lifeline", daemon=True).start()


#: Run by a launcher process: ask the kernel to kill this process when its parent
#: (thread) ends, check that the parent is still the one expected, then become the
#: program to run (the request survives ``exec``).
_LAUNCH = (
    "import ctypes, os, signal, sys\n"
    "ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)\n"  # PR_SET_PDEATHSIG
    "if os.getppid() != int(sys.argv[1]): sys.exit(70)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


def killed_with_parent(argv: list[str]) -> list[str]:
    """The command line that runs ``argv`` so that the kernel kills it when the thread
    that starts it ends (Linux; elsewhere ``argv`` itself). Start it from a thread that
    lives as long as the program should: the main thread, or one made for it.
    """
    import sys

    if not sys.platform.startswith("linux"):
        return list(argv)
    return [sys.executable, "-c", _LAUNCH, str(os.getpid()), *argv]

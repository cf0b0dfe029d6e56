"""One format of an export rendered in a second process, while this one reads the report and renders the others.

Most of the PDF's time is its own and does not depend on the report until the pages are set: importing reportlab
and loading the fonts. So the worker is started first, loads what its format needs, and then waits for the layout;
meanwhile this process reads the draft, builds the layout, sends it and renders the other formats. The worker
sends back the file's bytes and notes (export.writers.Rendered); only this process writes files, after every
format has rendered, so that a failure leaves no partial set behind.

Where fork() is available (Linux, macOS) the worker is a fork: no second interpreter start, nothing imported
twice. Elsewhere (Windows) it is a spawned process (multiprocessing, which a frozen app supports through
multiprocessing.freeze_support() in main.py). A worker that fails sends its traceback back and this process raises
it (RenderFailed, or MemoryError/RecursionError as they were), so that the user gets the one-line message and the
log as for any other error; a worker that dies without a word is reported the same way.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading

# Where the worker may run: "fork", "spawn", or "none" (render everything here). Unset: fork where the platform
# has it, spawn elsewhere. Tests use it to run the spawn path on Linux.
START_METHOD_ENV = "NIANBAO_EXPORT_WORKER"

# This process's ends of the pipes to forked workers: a worker forked later closes them, so that only this process
# holds them and a worker sees the end of its pipe when this process closes or dies.
_OUR_PIPE_ENDS: set[int] = set()


class RenderFailed(RuntimeError):
    """A format failed to render in the worker; str() carries the worker's traceback for the log."""


def _prepare(kind: str) -> None:
    """What the format needs before it sees the report (imports, fonts), done while the report is still read."""
    if kind == "pdf":
        from export.pdf_writer import prepare_pdf

        prepare_pdf()
    elif kind == "docx":
        from export.docx_writer import prepare_docx

        prepare_docx()
    elif kind == "xlsx":
        from export.xlsx_writer import render_xlsx  # noqa: F401


def _serve(kind: str, receive, send) -> None:
    """The worker's whole life: prepare, take the layout (None: nothing to do), render, send the result."""
    try:
        _prepare(kind)
        job = receive()
        if job is None:
            return
        from export.writers import render

        state, doc = job
        send(("ok", render(state, kind, doc)))
    except BaseException as exc:  # noqa: BLE001 — whatever happened goes back to the process that reports it
        try:
            import traceback  # here: only a failure needs it

            send(("error", type(exc).__name__, "".join(traceback.format_exception(exc))))
        except BaseException:  # noqa: BLE001 — the parent is gone or the pipe broke: nobody to tell
            pass


def _spawned_main(kind: str, conn) -> None:
    """Entry point of a spawned worker (multiprocessing pickles this function by name)."""
    try:
        _serve(kind, conn.recv, conn.send)
    finally:
        conn.close()


def start_method() -> str:
    chosen = os.environ.get(START_METHOD_ENV, "").strip().lower()
    if chosen in ("fork", "spawn", "none"):
        return "none" if chosen == "fork" and not hasattr(os, "fork") else chosen
    return "fork" if hasattr(os, "fork") else "spawn"


def _fork_is_safe() -> bool:
    """fork() copies only the calling thread: a process with other threads (a GUI, a test runner's helpers) could
    leave the child holding a lock forever, so there the format is rendered in this process instead."""
    if threading.active_count() > 1 or "PySide6.QtCore" in sys.modules:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return True  # no /proc (macOS): Python threads were counted above


# How much a worker that gives way lowers its priority (Unix nice levels: 5 gives the others about three times its
# share of a busy processor).
GIVE_WAY_NICE = 5


class Worker:
    """A format being rendered in another process: send(state, doc) once, then result() once, close() always.
    A worker that gives way (give_way) runs at a lower priority, so that on a machine with fewer processors than
    processes it takes only the time the others leave: for a format that is not what the export waits for."""

    def __init__(self, kind: str, method: str, give_way: bool = False):
        self.kind = kind
        self._give_way = give_way
        self._sender: threading.Thread | None = None
        self._answered = False
        if method == "fork":
            self._start_fork()
        else:
            self._start_spawn()

    # -- fork (Linux, macOS) ----------------------------------------------------------------------------
    def _start_fork(self) -> None:
        for stream in (sys.stdout, sys.stderr):  # what is buffered would otherwise be printed twice
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        down_r, down_w = os.pipe()
        up_r, up_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the caller's code, never runs its exit handlers
            code = 0
            try:
                if self._give_way:
                    try:
                        os.nice(GIVE_WAY_NICE)
                    except OSError:
                        pass  # not allowed here: the worker runs at the usual priority
                for fd in (down_w, up_r, *_OUR_PIPE_ENDS):
                    os.close(fd)
                with os.fdopen(down_r, "rb") as inbox, os.fdopen(up_w, "wb") as outbox:
                    def send(obj):
                        pickle.dump(obj, outbox, protocol=pickle.HIGHEST_PROTOCOL)
                        outbox.flush()

                    _serve(self.kind, lambda: pickle.load(inbox), send)
            except BaseException:  # noqa: BLE001
                code = 1
            finally:
                os._exit(code)
        os.close(down_r)
        os.close(up_w)
        _OUR_PIPE_ENDS.update((down_w, up_r))
        self._fds = (down_w, up_r)
        self._pid = pid
        self._process = None
        self._outbox = os.fdopen(down_w, "wb")
        self._inbox = os.fdopen(up_r, "rb")

        def send(obj):
            pickle.dump(obj, self._outbox, protocol=pickle.HIGHEST_PROTOCOL)
            _OUR_PIPE_ENDS.discard(down_w)  # before closing: the number is free for reuse once closed
            self._outbox.close()

        def receive():
            return pickle.load(self._inbox)

        self._send, self._receive = send, receive

    # -- spawn (Windows) --------------------------------------------------------------------------------
    def _start_spawn(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe()
        self._pid = None
        self._process = context.Process(target=_spawned_main, args=(self.kind, theirs), daemon=True)
        self._process.start()
        theirs.close()
        self._conn = mine
        self._send, self._receive = mine.send, mine.recv

    # -- both -------------------------------------------------------------------------------------------
    def send(self, state, doc) -> None:
        """Hand over the layout (and the state, which only the workbook reads) without waiting for the worker to
        take it: a layout with pictures is larger than a pipe holds."""
        job = (state if self.kind == "xlsx" else None, doc)
        self._sender = threading.Thread(target=self._send_quietly, args=(job,), daemon=True)
        self._sender.start()

    def _send_quietly(self, job) -> None:
        try:
            self._send(job)
        except (OSError, EOFError, ValueError):
            pass  # the worker died; result() says so
        except BaseException:  # noqa: BLE001 — the layout could not be sent: the worker would wait for it forever
            self._kill()

    def result(self):
        """The worker's Rendered; raises what went wrong there."""
        try:
            answer = self._receive()
            self._answered = True
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            raise RenderFailed(f"导出{self.kind}的进程意外退出（{type(exc).__name__}）") from exc
        finally:
            if self._sender is not None:
                self._sender.join(timeout=5)
        if answer[0] == "ok":
            return answer[1]
        _, name, text = answer
        if name == "MemoryError":
            raise MemoryError(text)
        if name == "RecursionError":
            raise RecursionError(text)
        if name == "KeyboardInterrupt":
            raise KeyboardInterrupt
        raise RenderFailed(f"导出{self.kind}时出错，该进程的记录如下：\n{text}")

    def _kill(self) -> None:
        try:
            if self._process is not None:
                self._process.kill()
            else:
                os.kill(self._pid, signal.SIGKILL)
        except (OSError, ValueError, AttributeError):
            pass

    def close(self) -> None:
        """End the worker if it still runs (the export stopped early) and reap it."""
        if self._process is not None:
            try:
                self._conn.close()
            except (OSError, ValueError):
                pass
            self._process.join(timeout=0 if not self._answered else 5)
            if self._process.is_alive():  # still importing, or stuck: nothing more is wanted from it
                self._kill()
                self._process.join()
            return
        if not self._answered:  # nothing more is wanted from it: no need to wait for it to finish its imports
            self._kill()
        _OUR_PIPE_ENDS.difference_update(self._fds)
        for fh in (self._outbox, self._inbox):
            try:
                fh.close()
            except (OSError, ValueError):
                pass
        try:
            os.waitpid(self._pid, 0)
        except ChildProcessError:
            pass


def start_worker(kind: str, methods: tuple[str, ...] = ("fork", "spawn"), give_way: bool = False) -> Worker | None:
    """A worker for the format, started now by one of the methods allowed for it (giving way to the other
    processes where give_way, see Worker); None where rendering here is the way (see start_method)."""
    method = start_method()
    if method not in methods or (method == "fork" and not _fork_is_safe()):
        return None
    try:
        return Worker(kind, method, give_way)
    except OSError:
        return None  # no process could be started (limits): the format is rendered here instead

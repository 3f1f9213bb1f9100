"""``python -m research``: the command line (:mod:`research.cli`).

BLAS runs on one thread (:func:`research.numerics.one_blas_thread_by_default`).  A command that returns
ends its process without tearing the interpreter down: the exit handlers run (those that end
worker processes, remove temporary folders or flush logs) and the standard streams are flushed,
but what the command loaded (jieba's dictionary, the model, compiled patterns) is not freed
object by object, which took 0.03 s of every command.  Where a thread of the command is still
running, the process ends the usual way, which waits for it.
"""

import atexit
import os
import sys
import threading

from research.numerics import one_blas_thread_by_default


def end(code: int) -> None:
    """Run the exit handlers, flush the standard streams and end the process with ``code`` (2
    if the last of the output cannot be written: a full disk, say; a reader that has gone, as
    ``head`` does, is not an error)."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # the reader has gone, or the stream is closed
            pass
        except OSError as err:
            os.write(2, f"error: cannot write the output: {err.strerror or err}\n".encode())
            code = 2
    os._exit(code)


if __name__ == "__main__":
    one_blas_thread_by_default()  # before numpy loads

    from research.cli import main

    code = main() or 0
    if any(t is not threading.main_thread() and not t.daemon for t in threading.enumerate()):
        raise SystemExit(code)
    end(code)

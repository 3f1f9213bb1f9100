"""``python -m research``: the command line (:mod:`research.cli`).

BLAS runs on one thread (:func:`research.numerics.one_blas_thread`).  A command that returns
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

from research.numerics import one_blas_thread

one_blas_thread()  # before numpy loads

from research.cli import main  # noqa: E402

code = main()
if any(t is not threading.main_thread() and not t.daemon for t in threading.enumerate()):
    raise SystemExit(code)
atexit._run_exitfuncs()
for stream in (sys.stdout, sys.stderr):
    try:
        stream.flush()
    except (OSError, ValueError):  # a closed pipe or stream: nothing more can reach it
        pass
os._exit(code or 0)

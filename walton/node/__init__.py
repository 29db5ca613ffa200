"""The walton node: processes, event bus, database, chain, transaction pool, miner and JSON-RPC.

trio 0.16 (pinned by lahja) patches the traceback module when imported, with code Python 3.11's
traceback printing cannot call, so printing any exception would raise. Every node module imports
trio through this package, so the patch is undone here, once, for the whole process.
"""

import sys
import traceback

import trio  # noqa: F401  (imported for its side effect, which is then undone)
from trio._core import _multierror

traceback.TracebackException.__init__ = _multierror.traceback_exception_original_init  # type: ignore[method-assign]
traceback.TracebackException.format = _multierror.traceback_exception_original_format  # type: ignore[method-assign]
if sys.excepthook is _multierror.trio_excepthook:
    sys.excepthook = sys.__excepthook__

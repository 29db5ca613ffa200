"""Node logging: readable lines by default (geth's layout), one JSON object per line with --log.json."""

import json
import logging
import sys
import time

LEVELS = {"error": logging.ERROR, "warn": logging.WARNING, "info": logging.INFO, "debug": logging.DEBUG}


class LineFormatter(logging.Formatter):
    """``INFO  [11-22|09:46:17.123] chain  Imported new block number=5``"""

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%m-%d|%H:%M:%S", time.localtime(record.created)) + f".{int(record.msecs):03d}"
        line = f"{record.levelname:<5} [{stamp}] {record.processName:<6} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "t": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "lvl": record.levelname.lower(),
            "component": record.processName,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def setup_logging(verbosity: str, as_json: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if as_json else LineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(LEVELS.get(verbosity, logging.INFO))
    # py-evm logs every block and transaction at debug level; keep it quiet unless asked.
    logging.getLogger("eth").setLevel(logging.DEBUG if verbosity == "debug" else logging.WARNING)

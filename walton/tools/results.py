"""The result of one conformance case, printed in the shape geth's ``evm statetest`` uses."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CaseResult:
    name: str
    fork: str
    passed: bool
    error: str = ""
    # What the runner reached, by its JSON name: ``stateRoot`` (state tests), ``head`` (blockchain
    # tests) or ``sender`` (transaction tests).
    reached: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"name": self.name, "pass": self.passed, "fork": self.fork}
        result.update((key, value) for key, value in self.reached if value)
        if self.error:
            result["error"] = self.error
        return result

from typing import Any

from tests.shared import shared_vector_params


def primitive_vectors(function: str) -> list[Any]:
    """The Gwtc vectors (``x11_primitives.json``) of one sph-512 function, as pytest params."""
    return shared_vector_params(
        ("waltonchain", "x11_primitives.json"),
        keep=lambda vector: vector["function"] == function,
        id_of=lambda vector: vector["inputLabel"],
    )

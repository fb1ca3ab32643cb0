"""The API's OpenAPI document, as served at ``/openapi.json`` and committed beside this module.

``python -m plangate.demos.serve.openapi`` rewrites ``openapi.json`` after the API changed; a test
fails while the committed copy differs from what the application serves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from plangate.demos.serve.app import create_app
from plangate.demos.serve.runs import RunService

DOCUMENT = Path(__file__).with_name("openapi.json")
"""The committed copy."""


def openapi_document() -> dict[str, Any]:
    """The document the application serves."""
    # Describing the routes runs none of them, so no service stands behind this app.
    app = create_app(cast(RunService, object()))
    return app.openapi()


def openapi_text() -> str:
    """``openapi_document`` as the committed file's text."""
    return json.dumps(openapi_document(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    DOCUMENT.write_text(openapi_text(), encoding="utf-8")
    print(f"wrote {DOCUMENT}")

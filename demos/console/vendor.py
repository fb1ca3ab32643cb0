"""The console's vendored UI library: which published files it uses, and their hashes.

The console has no build step, so the library ships as the ES-module files its authors publish
on npm, committed under ``static/vendor/``. ``vendor.json`` beside them records each file's
package, version, path inside the package and SHA-256, so a test notices a file changed by
hand, and a refresh is one command that needs npm on the maintainer's machine only::

    make console-vendor      # npm pack preact@10 htm@3 in a temporary folder, then:
    python -m plangate.demos.console.vendor FOLDER   # copy the files, rewrite vendor.json

``FOLDER`` holds the unpacked packages (``FOLDER/preact/package/...``, ``FOLDER/htm/package/...``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from plangate.tools.errors import UsageError

VENDOR = Path(__file__).with_name("static") / "vendor"
"""Where the vendored files live."""
MANIFEST = VENDOR / "vendor.json"
"""The record of what they are."""


@dataclass(frozen=True)
class VendoredFile:
    """One file taken from a published npm package.

    Attributes:
        package: the npm package.
        source: the file's path inside the package.
        name: the file's name under ``static/vendor/``.
    """

    package: str
    source: str
    name: str


FILES = (
    VendoredFile("preact", "dist/preact.module.js", "preact.module.js"),
    VendoredFile("preact", "hooks/dist/hooks.module.js", "hooks.module.js"),
    VendoredFile("htm", "dist/htm.module.js", "htm.module.js"),
)
"""What the console imports (``index.html``'s import map names them)."""


def sha256(path: Path) -> str:
    """The file's SHA-256, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest() -> list[dict[str, str]]:
    """The entries of ``vendor.json``: package, version, file, source and sha256."""
    entries: list[dict[str, str]] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return entries


def stale_files() -> list[str]:
    """The vendored files that are missing or differ from ``vendor.json`` (empty when current)."""
    problems = []
    recorded = {entry["file"]: entry for entry in manifest()}
    for item in FILES:
        entry = recorded.get(item.name)
        path = VENDOR / item.name
        if entry is None:
            problems.append(f"{item.name}: not recorded in vendor.json")
        elif not path.is_file():
            problems.append(f"{item.name}: missing")
        elif sha256(path) != entry["sha256"]:
            problems.append(f"{item.name}: its SHA-256 differs from vendor.json's")
    return problems


def refresh(unpacked: Path) -> list[dict[str, str]]:
    """Copy the files from the packages unpacked in ``unpacked`` and rewrite ``vendor.json``.

    Raises:
        UsageError: a package or one of its files is missing there.
    """
    entries = []
    for item in FILES:
        root = unpacked / item.package / "package"
        meta = root / "package.json"
        source = root / item.source
        if not meta.is_file() or not source.is_file():
            raise UsageError(
                f"{source} is missing: unpack `npm pack {item.package}` into {unpacked / item.package}"
            )
        version = json.loads(meta.read_text(encoding="utf-8"))["version"]
        shutil.copyfile(source, VENDOR / item.name)
        entries.append(
            {
                "package": item.package,
                "version": version,
                "file": item.name,
                "source": item.source,
                "sha256": sha256(VENDOR / item.name),
            }
        )
    MANIFEST.write_text(json.dumps(entries, indent=1) + "\n", encoding="utf-8")
    return entries


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m plangate.demos.console.vendor FOLDER (the unpacked packages)")
    try:
        for entry in refresh(Path(sys.argv[1])):
            print(f"{entry['file']}: {entry['package']} {entry['version']}")
    except UsageError as exc:
        sys.exit(str(exc))

"""The docs' set-up lines, checked for truth instead of run.

Running ``make test`` from the test suite would run the suite inside itself, and ``pip install``
or ``git clone`` would change the machine or need the network. So each such line is checked
against the files it depends on: a ``make`` target exists in the Makefile, an extra in
``pip install 'plangate[x]'`` exists in pyproject.toml, ``python -m MODULE`` names an installed
module that defines the options given, ``createdb NAME`` creates the database the block's store URL names, and so on.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from tests.docs_blocks import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
VENV = re.search(r"^VENV\s*:?=\s*(\S+)", MAKEFILE, flags=re.M)
REQUIREMENT = re.compile(r"^(?P<name>[\w.-]+)(?:\[(?P<extras>[\w,\s-]+)\])?$")


def make_targets() -> set[str]:
    """The Makefile's targets."""
    return set(re.findall(r"^([\w.-]+)\s*:(?!=)", MAKEFILE, flags=re.M))


def check_make(words: list[str]) -> None:
    missing = [target for target in words[1:] if target not in make_targets()]
    assert not missing, f"no such Makefile target: {', '.join(missing)}"


def check_pip(words: list[str]) -> None:
    """``pip install [-e] SPEC``: SPEC is this project (by name, or ``.``), its extras exist."""
    assert words[1] == "install", f"pip {words[1]} is not an install"
    specs = [word for word in words[2:] if not word.startswith("-")]
    assert specs, "pip install names nothing"
    extras = set(PYPROJECT["project"]["optional-dependencies"])
    for spec in specs:
        requirement = REQUIREMENT.match(
            spec.replace(".[", "plangate[", 1) if spec.startswith(".") else spec
        )
        assert requirement, f"cannot read the requirement {spec!r}"
        assert requirement["name"] == PYPROJECT["project"]["name"], f"{spec}: not this project"
        wanted = {e.strip() for e in (requirement["extras"] or "").split(",") if e.strip()}
        assert wanted <= extras, (
            f"{spec}: no extra {', '.join(sorted(wanted - extras))} in pyproject.toml"
        )


def check_venv(words: list[str]) -> None:
    """``python3 -m venv DIR``: the folder the Makefile and the other lines use."""
    assert VENV, "the Makefile names no VENV"
    assert words[3:] == [VENV[1]], f"the Makefile's venv is {VENV[1]}, not {words[3:]}"


def check_python_module(words: list[str]) -> None:
    """``.venv/bin/python -m MODULE --option ...``: the module is installed and runnable, and
    each option is one its source defines, or a plugin of this project (read, not run: a
    benchmark or the suite runs for minutes)."""
    module = words[2]
    spec = importlib.util.find_spec(module)
    assert spec is not None, f"no module {module} is installed"
    main = (
        importlib.util.find_spec(f"{module}.__main__") if spec.submodule_search_locations else spec
    )
    assert main is not None, f"{module} is a package without __main__: python -m cannot run it"
    assert main.origin is not None, f"{module} has no source to read"
    source = Path(main.origin).read_text(encoding="utf-8")
    options = [word.split("=", 1)[0] for word in words[3:] if word.startswith("--")]
    unknown = [option for option in options if f'"{option}"' not in source]
    if unknown:  # an option a plugin of this project adds (pytest --record-traces)
        ours = "".join(path.read_text(encoding="utf-8") for path in project_sources())
        unknown = [option for option in unknown if f'"{option}"' not in ours]
    assert not unknown, f"python -m {module} defines no option {', '.join(unknown)}"


def project_sources() -> list[Path]:
    """This project's own Python files (not its tests)."""
    return [
        path
        for folder in ("tools", "graphs", "agents", "demos", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
    ]


def check_createdb(words: list[str], urls: list[str]) -> None:
    """``createdb ... NAME``: the database the block's ``postgresql://`` URLs name."""
    name = words[-1]
    named = {urlsplit(url).path.lstrip("/") for url in urls}
    assert named == {name}, f"createdb makes {name!r}, the block's store URLs name {sorted(named)}"


def check(words: list[str], block_urls: list[str]) -> bool:
    """Check a set-up line for truth; whether ``words`` was one."""
    program = words[0].rsplit("/", 1)[-1]
    if program == "make":
        check_make(words)
    elif program == "pip" or words[1:3] == ["-m", "pip"]:
        check_pip(words if program == "pip" else words[2:])
    elif program.startswith("python") and words[1:3] == ["-m", "venv"]:
        check_venv(words)
    elif program.startswith("python") and words[1] == "-m":
        check_python_module(words)
    elif program == "createdb":
        check_createdb(words, block_urls)
    else:
        return False
    return True

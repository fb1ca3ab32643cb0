"""How the docs tests read a page: fences, the notes before a block, output after it, file
blocks, the in-order statement, and how a shown JSON shape is compared with the code's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs_blocks import outputs, read_blocks, runs_in_order, save_files
from tests.docs_shapes import assert_same_shape

PAGE = """\
# A page

Its examples run
in order, as one file.

```python
print("one")
```

```text
one
```

Some prose between a block and a diagram.

```text
a diagram, not output: no python block before it in this section
```

## Next section

```python
x = 1
```

## Another

```text
not the output of x = 1: a heading lies between
```

<!-- skip: needs an OpenAI key -->
```python
ChatOpenAI().invoke("hi")
```

<!-- shape: serve-run -->

```json
{"a": 1}
```

````markdown
```python
inside a longer fence: not a block of its own
```
````

  ```python
  # pkg/mod.py
  VALUE = 2
  ```
"""


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "page.md"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_blocks_come_with_their_kind_line_and_text(page: Path) -> None:
    blocks = read_blocks(page)
    assert [(b.kind, b.line) for b in blocks] == [
        ("python", 6), ("text", 10), ("text", 16), ("python", 22), ("text", 28),
        ("python", 33), ("json", 39), ("markdown", 43), ("python", 49),
    ]  # fmt: skip
    assert blocks[0].code == 'print("one")\n'
    assert blocks[7].code == "```python\ninside a longer fence: not a block of its own\n```\n"
    assert blocks[8].code == "# pkg/mod.py\nVALUE = 2\n"  # dedented by the fence's indent


def test_notes_right_before_a_block_belong_to_it(page: Path) -> None:
    blocks = read_blocks(page)
    assert [(b.skip, b.shape) for b in blocks if b.skip or b.shape] == [
        ("needs an OpenAI key", None),
        (None, "serve-run"),
    ]


def test_only_a_text_block_next_in_the_same_section_is_output(page: Path) -> None:
    assert outputs(read_blocks(page)) == {6: "one\n"}


def test_the_in_order_statement_counts_only_before_the_first_section(
    page: Path, tmp_path: Path
) -> None:
    assert runs_in_order(page)
    later = tmp_path / "later.md"
    later.write_text("# Page\n\nIntro.\n\n## Part\n\nThese run in order.\n", encoding="utf-8")
    assert not runs_in_order(later)
    fenced = tmp_path / "fenced.md"
    fenced.write_text("# Page\n\n```text\nthey run in order\n```\n\n## Part\n", encoding="utf-8")
    assert not runs_in_order(fenced)


def test_a_block_whose_first_line_names_a_file_is_saved_there(page: Path, tmp_path: Path) -> None:
    folder = tmp_path / "work"
    assert save_files(read_blocks(page), folder) == ["pkg"]
    assert (folder / "pkg" / "mod.py").read_text(encoding="utf-8") == "# pkg/mod.py\nVALUE = 2\n"


def test_a_shown_shape_may_abbreviate_with_an_ellipsis() -> None:
    real = {"id": "r1", "n": 2, "items": [{"a": 1, "b": None}], "extra": True}
    assert_same_shape({"id": "…", "n": 5, "items": [{"a": 9, "…": "…"}], "…": "…"}, real)
    assert_same_shape({"id": "x", "n": 1, "items": [], "extra": False}, real)


@pytest.mark.parametrize(
    ("shown", "complaint"),
    [
        ({"id": "r1", "n": 2, "items": [], "extra": True, "gone": 1}, "makes no ['gone']"),
        ({"id": "r1", "n": 2, "items": []}, "leave out ['extra']"),
        ({"id": "r1", "n": "two", "items": [], "extra": True}, "$.n"),
        ({"id": "r1", "n": 2, "items": [{"c": 1, "…": "…"}], "extra": True}, "$.items[0]"),
    ],
)
def test_a_shape_that_drifted_from_the_code_fails_naming_where(
    shown: object, complaint: str
) -> None:
    real = {"id": "r1", "n": 2, "items": [{"a": 1}], "extra": True}
    with pytest.raises(AssertionError, match=complaint.replace("[", r"\[").replace("$", r"\$")):
        assert_same_shape(shown, real)


def test_a_note_mentioned_in_prose_is_no_note(tmp_path: Path) -> None:
    page = tmp_path / "prose.md"
    page.write_text("Mark it (`<!-- skip: why -->`) like so:\n```python\nx = 1\n```\n", "utf-8")
    assert read_blocks(page)[0].skip is None


def test_a_fence_s_aliases_read_as_its_language(tmp_path: Path) -> None:
    page = tmp_path / "aliases.md"
    page.write_text("```py\nx = 1\n```\n\n```YML\na: 1\n```\n", "utf-8")
    assert [block.kind for block in read_blocks(page)] == ["python", "yaml"]

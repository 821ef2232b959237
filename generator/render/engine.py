"""Templates -> text: the Jinja environment and the generated-file header."""

from __future__ import annotations

from pathlib import Path

import jinja2

from generator.render.plan import PlannedFile
from generator.render.writer import HEADER_MARK as _MARK

HEADER_MARK = _MARK.decode()


def header(inputs: tuple[str, ...]) -> str:
    """The comment every generated file starts with: that it is generated,
    from what (relative paths), and how to regenerate it."""
    lines = [
        f"{HEADER_MARK} from the inputs below. Do not edit: changes are lost.",
        "# Regenerate: wwsgen generate (check: wwsgen generate --check).",
        "# Inputs:",
    ]
    lines += [f"#   {path}" for path in inputs]
    return "\n".join(lines)


def environment(templates: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=False,  # the output is Python, not HTML; text arrives as literals
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_file(env: jinja2.Environment, planned: PlannedFile) -> str:
    """The unformatted text of one planned file."""
    template = env.get_template(planned.template)
    text = template.render(header=header(planned.inputs), **planned.context)
    return text if text.endswith("\n") else text + "\n"

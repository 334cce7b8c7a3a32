"""Make untrusted text inert before it reaches a widget.

Anything that came from the API (messages, names, comments) may hold markup
lookalikes and terminal control sequences. Every widget receives such text
through `inert()` (a `Text` that is never parsed as markup) or `clean()` (a plain
string with control characters replaced), never as a markup string.
"""

import re

from rich.text import Text

# C0 controls except tab and newline, DEL, and the C1 range (which includes the
# 8-bit CSI and OSC introducers some terminals honour).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# What a replaced control character shows as: visible, one cell wide.
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def clean(text: str | None, *, single_line: bool = False) -> str:
    """`text` with control characters replaced; newlines too when `single_line`."""
    if not text:
        return ""
    cleaned = _CONTROL.sub(REPLACEMENT, text)
    if single_line:
        cleaned = cleaned.replace("\n", " ").replace("\t", " ")
    return cleaned


def inert(text: str | None, *, style: str = "", single_line: bool = False) -> Text:
    """A `Text` showing `text` literally: no markup, no emoji codes, no controls."""
    return Text(clean(text, single_line=single_line), style=style, end="")

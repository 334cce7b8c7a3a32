"""Untrusted text is shown literally and never reaches the terminal raw."""

from tui.inert import REPLACEMENT, clean, inert

HOSTILE = [
    "[bold]loud[/bold]",
    "a stray [/] closer",
    "[@click=app.quit]quit[/]",
    "[link=https://example.com]x[/link]",
    ":warning: :smile:",
]


def test_markup_lookalikes_are_kept_as_literal_text() -> None:
    """Square-bracket markup and emoji codes come out exactly as they went in."""
    for text in HOSTILE:
        rendered = inert(text)
        assert rendered.plain == text
        assert not rendered.spans


def test_escape_sequences_are_replaced() -> None:
    """ESC, BEL, CR and C1 controls never survive; newline and tab do."""
    text = "a\x1b]0;title\x07b\x1b[2Jc\rd\x9be\tf\ng"
    assert clean(text) == (
        f"a{REPLACEMENT}]0;title{REPLACEMENT}b{REPLACEMENT}[2Jc{REPLACEMENT}d"
        f"{REPLACEMENT}e\tf\ng"
    )


def test_single_line_folds_newlines_and_tabs() -> None:
    """Cells in a list get one line: newlines and tabs become spaces."""
    assert clean("one\ntwo\tthree", single_line=True) == "one two three"


def test_missing_text_is_empty() -> None:
    """A null from the API shows as nothing rather than as 'None'."""
    assert clean(None) == ""
    assert inert(None).plain == ""

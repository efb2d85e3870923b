"""Parse what users paste (tracebacks, logs) into structured records."""

from troubleshoot.parse.model import ExceptionRecord, Frame, LogEvent, Parsed

__all__ = ["ExceptionRecord", "Frame", "LogEvent", "Parsed", "parse_paste"]


def parse_paste(text: str) -> Parsed:
    """Parse a paste; implemented in ``troubleshoot.parse.traceback``."""
    from troubleshoot.parse.traceback import parse

    return parse(text)

"""The message catalog: extraction from source, range compaction, the generated data, find()."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
import re2
from packaging.specifiers import SpecifierSet

from troubleshoot import catalog
from troubleshoot.catalog import build, merge, ranges
from troubleshoot.catalog import template as tpl
from troubleshoot.catalog.extract import Occurrence, extract_source

REPO = Path(__file__).resolve().parents[2]
KB = REPO / "kb"


def _one(source: str, module: str = "pkg/mod.py") -> list[tuple[str, str | None, str | None, str]]:
    """(kind, level, exc_type, template) of every message in a snippet."""
    found = extract_source(textwrap.dedent(source), module)
    return [(o.kind, o.level, o.exc_type, o.template) for o in found]


@pytest.fixture(scope="module")
def cat() -> catalog.Catalog:
    return catalog.load(KB)


# -- extraction: call kinds ---------------------------------------------------------------


def test_logger_methods_and_receivers() -> None:
    got = _one(
        """
        import logging
        logger = logging.getLogger("uvicorn.error")
        class LifespanOn:
            def startup(self):
                self.logger.info("Waiting for application startup.")
                logger.warning("Invalid HTTP request received.")
                logging.error("Root logger error here")
                logging.getLogger("x").critical("Critical from getLogger")
                self.logger.exception("Exception in ASGI application\\n")
                logger.debug("Debug message text")
                self.access_logger.warn("Access logger warns")
        """
    )
    assert got == [
        ("log", "info", None, "Waiting for application startup."),
        ("log", "warning", None, "Invalid HTTP request received."),
        ("log", "error", None, "Root logger error here"),
        ("log", "critical", None, "Critical from getLogger"),
        ("log", "error", None, "Exception in ASGI application\n"),
        ("log", "debug", None, "Debug message text"),
        ("log", "warning", None, "Access logger warns"),
    ]


def test_logger_log_with_a_level_argument() -> None:
    got = _one(
        """
        TRACE_LOG_LEVEL = 5
        def made(self, prefix):
            self.logger.log(TRACE_LOG_LEVEL, "%sHTTP connection made", prefix)
            logger.log(logging.WARNING, "Something at warning %d", 3)
            logger.log(40, "Numeric error level")
        """
    )
    assert got == [
        ("log", "trace", None, "{}HTTP connection made"),
        ("log", "warning", None, "Something at warning {}"),
        ("log", "error", None, "Numeric error level"),
    ]


def test_raise_forms_and_exception_types() -> None:
    got = _one(
        """
        import click
        def send(message_type, status):
            raise RuntimeError("Plain message text")
            raise RuntimeError(f"Expected {message_type!r}, got {status}")
            raise ValueError("Bad value %r for %s" % (status, message_type))
            raise h11.LocalProtocolError("Illegal header {}".format(status)) from None
            raise click.BadParameter("Expected 'Name:Value' format")
            raise click.UsageError("Usage went wrong here")
            raise SystemExit("Exiting for a reason")
        """
    )
    assert got == [
        ("raise", None, "RuntimeError", "Plain message text"),
        ("raise", None, "RuntimeError", "Expected {}, got {}"),
        ("raise", None, "ValueError", "Bad value {} for {}"),
        ("raise", None, "LocalProtocolError", "Illegal header {}"),
        ("raise", None, "BadParameter", "Expected 'Name:Value' format"),
        ("raise", None, "UsageError", "Usage went wrong here"),
        ("raise", None, "SystemExit", "Exiting for a reason"),
    ]


def test_print_echo_exit_warn() -> None:
    got = _one(
        """
        import sys, warnings, click
        def main(version, name):
            print("Running uvicorn", version, "with", name)
            click.echo("Running uvicorn %s with %s" % (version, name))
            click.secho("Coloured output line", fg="red")
            sys.stderr.write("--- Logging error ---\\n")
            sys.exit("Fatal: could not start")
            sys.exit(1)
            warnings.warn("the thing is deprecated", DeprecationWarning)
            warnings.warn("no category given here")
        """
    )
    assert got == [
        ("print", None, None, "Running uvicorn {} with {}"),
        ("print", None, None, "Running uvicorn {} with {}"),
        ("print", None, None, "Coloured output line"),
        ("print", None, None, "--- Logging error ---\n"),
        ("exit", None, None, "Fatal: could not start"),
        ("warn", None, "DeprecationWarning", "the thing is deprecated"),
        ("warn", None, "UserWarning", "no category given here"),
    ]


# -- extraction: placeholders and names -----------------------------------------------------


def test_percent_placeholders_only_when_logging_gets_arguments() -> None:
    got = _one(
        """
        def f(a, b):
            logger.info("%(name)s took %d ms, %5.2f%% of %r", a, b)
            logger.info("No arguments: %s stays literal")
            logger.info("100%% literal too")
        """
    )
    assert got == [
        ("log", "info", None, "{} took {} ms, {}% of {}"),
        ("log", "info", None, "No arguments: %s stays literal"),
        ("log", "info", None, "100%% literal too"),
    ]
    occurrence = extract_source("logger.info('took %d ms', t)")[0]
    assert tpl.kinds(occurrence.parts) == ("int",)


def test_braces_placeholders_and_literal_braces() -> None:
    got = _one(
        """
        def f(x):
            raise KeyError("Missing {} and {name!r} and {0:>5}".format(1, 2, name=x))
            print("A literal {} stays")
        """
    )
    assert got == [
        ("raise", None, "KeyError", "Missing {} and {} and {}"),
        ("print", None, None, "A literal {{}} stays"),
    ]
    assert "A literal {} stays" in tpl.pattern(tpl.parse("A literal {{}} stays")).replace("\\", "")


def test_names_constants_and_reassignment_follow_source_order() -> None:
    got = _one(
        """
        STARTUP_FAILED_MESSAGE = "Application startup failed. Exiting."
        class ImportFromStringError(Exception):
            pass
        def import_from_string(import_str, module_str):
            message = 'Import string "{import_str}" must be in format "<module>:<attribute>".'
            raise ImportFromStringError(message.format(import_str=import_str))
            message = 'Could not import module "{module_str}".'
            raise ImportFromStringError(message.format(module_str=module_str))
        def main(self, exc):
            logger.error(STARTUP_FAILED_MESSAGE)
            if exc:
                msg = "ASGI 'lifespan' protocol appears unsupported."
                self.logger.info(msg)
            else:
                msg = "Exception in 'lifespan' protocol\\n"
                self.logger.error(msg, exc_info=exc)
        """
    )
    assert got == [
        (
            "raise",
            None,
            "ImportFromStringError",
            'Import string "{}" must be in format "<module>:<attribute>".',
        ),
        ("raise", None, "ImportFromStringError", 'Could not import module "{}".'),
        ("log", "error", None, "Application startup failed. Exiting."),
        ("log", "info", None, "ASGI 'lifespan' protocol appears unsupported."),
        ("log", "error", None, "Exception in 'lifespan' protocol\n"),
    ]


def test_concatenation_style_and_branches() -> None:
    got = _one(
        """
        import click
        def started(self, ipv6, args):
            if ipv6:
                addr_format = "%s://[%s]:%d"
            else:
                addr_format = "%s://%s:%d"
            message = f"Uvicorn running on {addr_format} (Press CTRL+C to quit)"
            color_message = "Uvicorn running on " + click.style(addr_format, bold=True)
            logger.info(message, *args, extra={"color_message": color_message})
            logger.warning("Prefix " + str(self) + " suffix text")
        """
    )
    assert sorted(got) == [
        ("log", "info", None, "Uvicorn running on {}://[{}]:{} (Press CTRL+C to quit)"),
        ("log", "info", None, "Uvicorn running on {}://{}:{} (Press CTRL+C to quit)"),
        ("log", "warning", None, "Prefix {} suffix text"),
    ]


def test_returned_strings_and_forwarded_parameters() -> None:
    got = _one(
        """
        def _get_server_start_message():
            message = "Uvicorn running on %s://%s:%d (Press CTRL+C to quit)"
            return message, "colour"
        def startup(args):
            message, color_message = _get_server_start_message()
            logger.info(message, *args)
        def validate(regex, data, msg="malformed data", *format_args):
            if format_args:
                msg = msg.format(*format_args)
            raise LocalProtocolError(msg)
        def read(line):
            validate(request_line_re, line, "illegal request line: {!r}", line)
        """
    )
    assert sorted(got) == [
        ("log", "info", None, "Uvicorn running on {}://{}:{} (Press CTRL+C to quit)"),
        ("raise", None, "LocalProtocolError", "illegal request line: {}"),
    ]


def test_exception_classes_oserror_and_asyncio_handler() -> None:
    got = _one(
        """
        class InvalidHeader(Exception):
            def __init__(self, name, value=None):
                self.name = name
            def __str__(self):
                return f"invalid {self.name} header: {self.value}"
        class InvalidUpgrade(InvalidHeader):
            pass
        def f(err, sa, loop):
            raise InvalidUpgrade("Upgrade", "h2c")
            raise OSError(err.errno, "error while attempting to bind on address %r: %s" % (sa, 1))
            loop.call_exception_handler({"message": "Task was destroyed but it is pending!"})
        """
    )
    assert got == [
        ("raise", None, "InvalidHeader", "invalid {} header: {}"),
        ("raise", None, "OSError", "[Errno {}] error while attempting to bind on address {}: {}"),
        ("log", "error", None, "Task was destroyed but it is pending!"),
    ]


def test_module_path_and_function_are_recorded() -> None:
    source = "class LifespanOn:\n    async def startup(self):\n        raise RuntimeError('boom')\n"
    (occurrence,) = extract_source(source, "uvicorn/lifespan/on.py")
    assert (occurrence.module, occurrence.function, occurrence.line) == (
        "uvicorn/lifespan/on.py",
        "LifespanOn.startup",
        3,
    )


def test_unknown_values_are_not_messages() -> None:
    assert _one("logger.error(exc)\nraise RuntimeError(msg)\nprint(value)\nsys.exit(code)") == []


# -- ranges ---------------------------------------------------------------------------------

RELEASES = ["0.1.0", "0.1.1", "0.2.0", "0.10.0", "0.11.2", "0.30.0", "0.31.0"]


def test_compact_runs_to_the_first_release_without_it() -> None:
    assert ranges.compact({"0.11.2", "0.30.0", "0.31.0"}, RELEASES) == (">=0.11.2",)
    assert ranges.compact({"0.10.0", "0.11.2"}, RELEASES) == (">=0.10.0,<0.30.0",)
    assert ranges.compact(set(RELEASES), RELEASES) == (">=0.1.0",)
    assert ranges.compact(set(), RELEASES) == ()


def test_compact_a_message_that_disappears_and_comes_back() -> None:
    present = {"0.1.0", "0.1.1", "0.11.2", "0.31.0"}
    compacted = ranges.compact(present, RELEASES)
    assert compacted == (">=0.1.0,<0.2.0", ">=0.11.2,<0.30.0", ">=0.31.0")
    assert ranges.expand(compacted, RELEASES) == sorted(present, key=RELEASES.index)
    assert ranges.contains(compacted, "0.1.1") and not ranges.contains(compacted, "0.30.0")
    with pytest.raises(ValueError, match="not among"):
        ranges.compact({"9.9"}, RELEASES)


def test_merge_gives_one_record_per_template_with_its_ranges() -> None:
    def occ(template: str) -> Occurrence:
        return Occurrence("log", "info", None, tpl.parse(template), "pkg/a.py", "f", 1)

    per_release = {
        "0.1.0": [occ("Always here in every release")],
        "0.1.1": [occ("Always here in every release"), occ("Gone and back {} again")],
        "0.2.0": [occ("Always here in every release")],
        "0.10.0": [occ("Always here in every release"), occ("Gone and back {} again")],
    }
    records = merge.merge("pkg", per_release, ["0.1.0", "0.1.1", "0.2.0", "0.10.0"])
    by_template = {r["template"]: r for r in records}
    assert len(records) == 2
    assert by_template["Always here in every release"]["releases"] == [">=0.1.0"]
    assert by_template["Gone and back {} again"]["releases"] == [">=0.1.1,<0.2.0", ">=0.10.0"]
    again = merge.merge("pkg", per_release, ["0.1.0", "0.1.1", "0.2.0", "0.10.0"])
    assert [r["id"] for r in again] == [r["id"] for r in records]
    assert by_template["Gone and back {} again"]["id"].startswith("pkg:gone-and-back-again-")


# -- templates and patterns -----------------------------------------------------------------


def test_pattern_matches_renderings_with_re2() -> None:
    parts = tpl.percent([tpl.Lit("Started server process [%d] in %s")])
    pattern = re2.compile(tpl.pattern(parts))
    assert pattern.search("INFO: Started server process [123] in /srv")
    assert not pattern.search("INFO: Started server process [abc] in /srv")
    json_parts = tpl.parse('Import string "{}" must be in format "<module>:<attribute>".')
    encoded = json.dumps({"msg": 'Import string "x" must be in format "<module>:<attribute>".'})
    assert re2.compile(tpl.pattern(json_parts)).search(encoded)
    multi = tpl.parse("first line of it\nsecond line of it")
    assert re2.compile(tpl.pattern(multi)).search('"first line of it\\nsecond line of it"')
    assert tpl.segments(multi) == [(tpl.Lit("first line of it"),), (tpl.Lit("second line of it"),)]


def test_specific_needs_literal_text() -> None:
    assert tpl.is_specific(tpl.parse("Invalid HTTP request received."))
    assert not tpl.is_specific(tpl.parse('{} - "{} {} HTTP/{}" {}'))
    assert not tpl.is_specific(tpl.parse("{}: {}"))
    assert not tpl.is_specific(tpl.parse("Shutdown {}"))


# -- the generated catalog ------------------------------------------------------------------

# First releases checked by hand in the release sources (grep over every sdist).
KNOWN_UVICORN = [
    ("Application startup failed. Exiting.", "log", "error", (">=0.3.23,<0.4.0", ">=0.4.1")),
    ("Waiting for application startup.", "log", "info", (">=0.3.10,<0.4.0", ">=0.4.1")),
    ("Invalid HTTP request received.", "log", "warning", (">=0.2.5",)),
    ("Unsupported upgrade request.", "log", "warning", (">=0.3.0",)),
    ("ASGI callable returned without starting response.", "log", "error", (">=0.2.0",)),
    (
        "Expected ASGI message 'http.response.start', but got '{}'.",
        "raise",
        None,
        (">=0.2.0",),
    ),
    ("Started reloader process [{}]", "log", "info", (">=0.2.19,<0.11.4",)),
    ("Started reloader process [{}] using {}", "log", "info", (">=0.11.4",)),
    ("Uvicorn running on {}://{}:{} (Press CTRL+C to quit)", "log", "info", (">=0.4.3",)),
    ("Uvicorn running on http://{}:{} (Press CTRL+C to quit)", "log", "info", (">=0.2.21,<0.4.3",)),
    (
        "* Uvicorn running on http://{}:{} 🦄 (Press CTRL+C to quit)",
        "print",
        None,
        (">=0.2.0,<0.2.21",),
    ),
]


@pytest.mark.parametrize(("text", "kind", "level", "releases"), KNOWN_UVICORN)
def test_known_uvicorn_messages_and_their_releases(
    cat: catalog.Catalog, text: str, kind: str, level: str | None, releases: tuple[str, ...]
) -> None:
    matches = [m for m in cat.messages("uvicorn") if m.template == text]
    assert len(matches) == 1, [m.id for m in matches]
    message = matches[0]
    assert (message.kind, message.releases) == (kind, releases)
    if kind == "log":
        assert message.level == level
    assert message.specific and message.source == "python"
    assert cat.by_id(message.id) is message


def test_the_catalog_covers_every_release(cat: catalog.Catalog) -> None:
    assert cat.packages() == ("h11", "os", "stdlib", "uvicorn", "websockets")
    uvicorn = cat.releases("uvicorn")
    assert len(uvicorn) >= 205 and uvicorn[0] == "0.0.1" and "0.30.0" in uvicorn
    assert len(cat.releases("h11")) >= 13 and cat.releases("h11")[0] == "0.5.0"
    assert cat.releases("websockets")[0] == "8.0" and len(cat.releases("websockets")) >= 35
    assert cat.releases("stdlib")[0] == "3.6" and "3.13" in cat.releases("stdlib")
    assert len(cat.messages("uvicorn")) >= 190
    assert len(cat.messages("h11")) >= 60
    assert len(cat.messages("websockets")) >= 380
    assert len(cat.messages("stdlib")) >= 900
    assert len(cat.messages("os")) >= 20


def test_other_packages_hold_the_messages_uvicorn_failures_surface_through(
    cat: catalog.Catalog,
) -> None:
    def releases(package: str, template: str) -> tuple[str, ...]:
        (message,) = [m for m in cat.messages(package) if m.template == template]
        return message.releases

    assert releases("h11", "illegal request line: {}")
    assert releases("stdlib", "There is no current event loop in thread {}.") == (">=3.6",)
    assert releases("stdlib", "no running event loop") == (">=3.7",)
    assert releases("stdlib", "Can't pickle local object {}") == (">=3.6,<3.13",)
    assert releases("stdlib", "signal only works in main thread of the main interpreter") == (
        ">=3.9",
    )
    assert releases("os", "[Errno 98] Address already in use") == (">=3.6",)
    assert releases("websockets", "did not receive a valid HTTP request")


def test_every_record_is_consistent(cat: catalog.Catalog) -> None:
    assert len(cat) >= 1600
    id_form = re.compile(r"^[a-z0-9]+:[a-z0-9-]*-[0-9a-f]{6}$")
    for message in cat:
        assert id_form.match(message.id), message.id
        assert message.releases, message.id
        for spec in message.releases:
            SpecifierSet(spec)
        assert message.pattern == tpl.pattern(message.parts), message.id
        assert message.specific == tpl.is_specific(message.parts), message.id
        assert message.kind in {"log", "raise", "print", "warn", "exit"}
        if message.kind != "log":
            assert message.level is None, message.id


def test_every_pattern_compiles_with_re2(cat: catalog.Catalog) -> None:
    options = re2.Options()
    options.log_errors = False
    compiled = 0
    for message in cat:
        re2.compile(message.pattern, options)
        compiled += 1
    assert compiled == len(cat)


def test_the_c_catalog_is_current() -> None:
    stored = json.loads((KB / "catalog" / "c.json").read_text(encoding="utf-8"))["messages"]
    assert stored == build.c_records()


def test_no_absolute_paths_in_the_data() -> None:
    for path in (KB / "catalog").glob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert str(Path.home()) not in text and str(REPO) not in text, path.name


# -- find -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "template"),
    [
        (
            "08:06:41 WARNING | uvicorn.error: Invalid HTTP request received.",
            "Invalid HTTP request received.",
        ),
        (
            '{"levelname": "ERROR", "name": "uvicorn.error", "message": '
            '"Application startup failed. Exiting."}',
            "Application startup failed. Exiting.",
        ),
        ("[uvicorn.error] ERROR Unsupported upgrade request.", "Unsupported upgrade request."),
        (
            "(ServeReplica pid=1) INFO:     Waiting for application startup.",
            "Waiting for application startup.",
        ),
        (
            "**ERROR:    ASGI callable returned without starting response.**",
            "ASGI callable returned without starting response.",
        ),
        (
            "RuntimeError: Expected ASGI message 'http.response.start', but got 'http.response.x'.",
            "Expected ASGI message 'http.response.start', but got '{}'.",
        ),
        (
            '{"msg": "Import string \\"app\\" must be in format \\"<module>:<attribute>\\"."}',
            'Import string "{}" must be in format "<module>:<attribute>".',
        ),
        (
            "2024-01-01 INFO Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)",
            "Uvicorn running on {}://{}:{} (Press CTRL+C to quit)",
        ),
    ],
)
def test_find_anywhere_in_a_line(cat: catalog.Catalog, line: str, template: str) -> None:
    found = [f for f in cat.find(line) if f.message.template == template]
    assert len(found) == 1, [f.message.id for f in cat.find(line)]
    hit = found[0]
    assert 0 < hit.start < hit.end <= len(line)
    assert re2.compile(hit.message.pattern).fullmatch(line[hit.start : hit.end])


def test_find_spans_and_several_messages_in_one_line(cat: catalog.Catalog) -> None:
    line = 'ERROR:    Error loading ASGI app. Could not import module "main".'
    templates = {f.message.template for f in cat.find(line)}
    assert {"Error loading ASGI app. {}", 'Could not import module "{}".'} <= templates
    (hit,) = [f for f in cat.find(line) if f.message.template == 'Could not import module "{}".']
    assert line[hit.start : hit.end] == 'Could not import module "main".'


def test_find_one_line_of_a_multiline_message(cat: catalog.Catalog) -> None:
    found = cat.find("        current process has finished its bootstrapping phase.")
    assert found and all(f.message.package == "stdlib" for f in found)
    assert {f.part for f in found} == {1}
    assert all(f.message.module == "multiprocessing/spawn.py" for f in found)


@pytest.mark.parametrize(
    "line",
    [
        "",
        "hello world, nothing to see here",
        'INFO:     127.0.0.1:50312 - "GET /health HTTP/1.1" 200 OK',
        '  File "/app/main.py", line 12, in <module>',
        "Successfully installed uvicorn-0.30.0 h11-0.14.0",
        "Traceback (most recent call last):",
        "ERROR: Invalid",
        "{}: {}",
    ],
)
def test_find_nothing_in_unrelated_lines(cat: catalog.Catalog, line: str) -> None:
    assert cat.find(line) == []


def test_find_never_returns_unspecific_messages(cat: catalog.Catalog) -> None:
    unspecific = [m for m in cat if not m.specific]
    assert len(unspecific) >= 20
    text = "\n".join(m.template.replace("{}", "x") for m in cat)
    for _, found in cat.scan(text):
        assert found.message.specific


def test_every_specific_message_finds_its_own_rendering(cat: catalog.Catalog) -> None:
    missed = []
    for message in cat:
        if not message.specific:
            continue
        pieces = tpl.segments(message.parts)
        piece = next(p for p in pieces if len(pieces) == 1 or tpl.is_specific(p))
        rendering = "".join(
            p.text if isinstance(p, tpl.Lit) else ("7" if p.kind == "int" else "'value'")
            for p in piece
        )
        line = f"2024-05-01 12:00:00 | worker-1 | {rendering} | end"
        if not any(f.message.id == message.id for f in cat.find(line)):
            missed.append(message.id)
    assert missed == []


def test_in_release(cat: catalog.Catalog) -> None:
    (message,) = [
        m for m in cat.messages("uvicorn") if m.template == "Application startup failed. Exiting."
    ]
    assert message.in_release("0.30.0") and message.in_release("0.3.23")
    assert not message.in_release("0.4.0") and not message.in_release("0.3.22")

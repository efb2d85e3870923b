"""``--format junit``: JUnit XML, one test case per KB entry checked.

A test case fails exactly when the entry produced a failing finding (one that
sets exit status 1). Ignored and unevaluated entries are skipped, with the
reason. Findings below ``--fail-on`` and entries the project does not reach
pass, their text in ``system-out``, so CI dashboards stay red only for what
fails the run. A check that saw nothing (exit 4) is one erroring test case.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from troubleshoot.formats.interface import Format, advisory_text, reach_text
from troubleshoot.report.model import Finding, Report


def _text(findings: list[Finding]) -> str:
    return "\n".join(
        "\n".join(
            part
            for part in (
                f.message,
                advisory_text(f) and f"Advisory: {advisory_text(f)}",
                reach_text(f),
                f"Fix: {f.fix}",
            )
            if part
        )
        for f in findings
    )


class JunitFormat(Format):
    name = "junit"

    def render(self, report: Report) -> str:
        suite_name = f"doctor {report.command}"
        suites = ET.Element("testsuites", name="uvicorn-doctor")
        suite = ET.SubElement(suites, "testsuite", name=suite_name)
        failures = skipped = errors = 0
        if report.blind is not None:
            errors += 1
            case = ET.SubElement(
                suite, "testcase", classname=f"doctor.{report.command}", name="nothing-checked"
            )
            ET.SubElement(case, "error", message=report.blind, type="nothing-checked")
        for rule in report.rules:
            case = ET.SubElement(
                suite, "testcase", classname=f"doctor.{report.command}", name=rule.id
            )
            failing = [f for f in report.failing if f.entry_id == rule.id]
            ignored = [i for i in report.ignored if i.finding.entry_id == rule.id]
            blocked = [u for u in report.unevaluated if rule.id in u.entries]
            passing = [
                f
                for f in (*report.findings, *report.unreached)
                if f.entry_id == rule.id and not f.failing
            ]
            if failing:
                failures += 1
                failure = ET.SubElement(
                    case, "failure", message=f"{rule.severity}: {rule.title}", type=rule.severity
                )
                failure.text = _text(failing)
            elif ignored:
                skipped += 1
                reasons = "; ".join(f"{i.ignore.reason} ({i.ignore.origin})" for i in ignored)
                ET.SubElement(case, "skipped", message=f"ignored: {reasons}")
            elif blocked:
                skipped += 1
                reasons = "; ".join(f"{u.subject}: {u.reason}" for u in blocked)
                ET.SubElement(case, "skipped", message=f"not evaluated: {reasons}")
            if passing and not failing:
                ET.SubElement(case, "system-out").text = _text(passing)
        counts = {
            "tests": str(len(report.rules) + errors),
            "failures": str(failures),
            "errors": str(errors),
            "skipped": str(skipped),
        }
        for element in (suites, suite):
            element.attrib.update(counts)
        ET.indent(suites)
        return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


FORMAT = JunitFormat

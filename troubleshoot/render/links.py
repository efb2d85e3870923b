"""Upstream links for an entry."""

from __future__ import annotations

from troubleshoot.schema import Entry


def issue_url(repo: str, number: int) -> str:
    return f"https://github.com/{repo}/issues/{number}"


def pr_url(repo: str, number: int) -> str:
    return f"https://github.com/{repo}/pull/{number}"


def upstream_lines(entry: Entry) -> list[str]:
    up = entry.upstream
    lines = [f"issue #{n}: {issue_url(up.repo, n)}" for n in up.issues]
    lines += [f"PR #{n}: {pr_url(up.repo, n)}" for n in up.prs]
    lines += [f"commit {c}" for c in up.commits]
    lines += list(up.links)
    return lines

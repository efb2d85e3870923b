"""``doctor paste-traceback --json``: one JSON object (schema: docs/schemas/paste.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from troubleshoot.match import Match, MatchResult


def match_dict(m: Match) -> dict[str, Any]:
    e = m.entry
    return {
        "id": e.id,
        "title": e.title,
        "kind": e.kind,
        "severity": e.severity,
        "score": m.score,
        "confidence": m.confidence,
        "tier": m.tier,
        "confirm": m.confirm,
        "upstream_issues": list(e.upstream.issues),
        "upstream_prs": list(e.upstream.prs),
        "fixed_in": e.fixed_in,
        "version": m.verdict.version,
        "version_source": m.version_source,
        "version_status": m.verdict.status,
        "explanation": m.variant.summary if m.variant else e.summary,
        "why": m.why(),
        "matched_lines": [h.line_no for h in m.hits if h.line_no],
        "fixes": [
            {
                "type": f.type,
                "title": f.title,
                "body": f.body,
                "when_not": f.when_not,
                "verified_by": f.verified_by,
                "unverified": f.unverified,
            }
            for f in m.fixes
        ],
    }


def render(result: MatchResult) -> str:
    answer = "match" if result.matches else "likely" if result.likely else "none"
    payload = {
        "answer": answer,
        "matches": [match_dict(m) for m in result.matches],
        "likely": [match_dict(m) for m in result.likely],
        "separators": [
            {"condition": s.condition, "question": s.question, "values": dict(s.values)}
            for s in result.separators
        ],
        "parsed": result.parsed.to_dict(),
        "read_as": result.read_as(),
        "uvicorn_shown": list(result.involved),
        "other_servers_shown": list(result.foreign),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)

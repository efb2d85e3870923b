"""Static site export: one page per KB entry, an index with client-side search, feeds.

Modules, one job each:

- ``pages``: collect what a page shows from the KB store (plain, frozen data);
- ``markup``: Markdown (markdown-it-py, raw HTML off, link schemes restricted)
  and code highlighting (Pygments, CSS classes only, so the CSP can forbid
  inline styles);
- ``osv``: PEP 440 specifiers to OSV ``introduced``/``fixed`` events;
- ``feeds``: ``api/entries.json``, OSV, search index, ``sitemap.xml``, Atom;
- ``render``: the Jinja2 environment (autoescape on) and page rendering;
- ``output``: the safe writer (marker file, temp dir next to the target, swap);
- ``export``: the service that ties them together (``export_site``).

Jinja2, markdown-it-py and Pygments are imported only by these modules, and the
CLI imports them only when ``export-site`` runs, so ``doctor`` starts fast.
"""

from __future__ import annotations

__all__: list[str] = []

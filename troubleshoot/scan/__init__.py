"""``doctor scan``: find launch configurations in a code base that trigger KB entries.

Layers, each a module with one job:

- ``files``: which files to read, and which reader reads each one;
- ``python`` (``ast``) and ``commands`` (``shlex``): readers that turn a file
  into :mod:`~troubleshoot.scan.model` records (launches, imports, import-time
  event loops, inline ignore comments);
- ``detectors``: the generic detectors that KB entries' ``code`` signatures
  name and parameterise (adding an entry adds a check, not code);
- ``service``: runs every signature over the records and builds the
  :class:`~troubleshoot.report.model.Report` every format renders.

The package imports none of them itself: ``troubleshoot.scan.service`` is the entry
point (``scan``, ``code_entries``), so importing the records or the vocabulary (as
check-env's reach and the schema do) does not load the readers and the service.
"""

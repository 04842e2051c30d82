"""Loaders and checks for the organisation-editable content in ``content/``.

``alternatives``: the catalogue of alternatives to a formal investigation.
``directory``: the signposting directory (national entries plus one organisation's).
``check``: the content check behind ``python -m bot content check``.
"""

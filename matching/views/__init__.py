"""The matching pages, one module per page family; matching/urls.py wires them.

`sides` holds what offers and requests share; the rest are pages: `listings` (mine, detail,
browse), `listing_edit` (create, edit, publish, close, reopen, take over), `matches` (list and
detail), `match_actions` (the answers posted from a match), `self_service` (ask and propose),
`documents` (documents, placements, reflection), `copies` (duplicate, roll-over) and `sbb`
(the coordinators' SBB check list).
"""

"""The type-specific parts of the case types: data the generic engine does not hold.

The engine (``cases.workflows``) knows states, steps and guarded fields; what a granted
restraining order covers, the contact attempts of a victim follow-up, the citizen's contact
details of a "Bestil en betjent" request and so on live here, one small table per concern, each
tied to its case. Writes go through ``services``, reads of them through the case they belong to
(``selectors``), so the case's own access check covers them.
"""

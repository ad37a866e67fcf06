"""The public, login-free pages of the cases app: the citizens' "Bestil en betjent" form, its
receipt and the request's status page."""

"""The case tests' fixtures (organisations, people, incidents) for the case-type tests too."""

from __future__ import annotations

from samspil.cases.tests.conftest import (  # noqa: F401
    make_person,
    mediation,
    mediation_worker,
    probation,
    probation_worker,
    register_incident,
    reviewer,
)

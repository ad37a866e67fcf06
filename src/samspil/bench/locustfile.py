"""The task mix of the load and soak benchmark (samspil.bench.load) and of its smoke test.

    SAMSPIL_LOAD_PLAN=plan.json locust -f src/samspil/bench/locustfile.py --host http://…

The plan (written by samspil.bench.load.plan_write) holds signed-in, second-factor-verified
session keys per role, person ids, search words and open UKN screenings to step through, so this
file needs no database and no Django. Users:

* ``Officer`` (all but the analysts): person search, person page, the UKN queue (mostly its first
  page), a case page, and the UKN screening step (a POST through the case page's form).
* ``Analyst`` (a fixed two): the figures dashboard of the district, now and for one municipality.

Every request counts as failed unless it answers what a signed-in user expects (200, or the
redirect after a step): a redirect to the sign-in page is a failure, not a success.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, between, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["SAMSPIL_LOAD_PLAN"]).read_text())
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Each virtual user takes the next session of its role; the plan has one per user.
_SESSIONS: dict[str, Iterator[str]] = {
    role: itertools.cycle(keys) for role, keys in PLAN["sessions"].items()
}
# Open screenings are used up by the step; shuffled so users do not collide on the same case.
_OPEN_SCREENINGS: list[int] = list(PLAN["open_screenings"])
random.Random(PLAN.get("seed", 0)).shuffle(_OPEN_SCREENINGS)
_TOURED: list[str] = []


class _SignedIn(HttpUser):
    abstract = True
    role = ""
    tour: tuple[Callable[[Any], None], ...] = ()
    wait_time = between(*PLAN["wait_seconds"])

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", next(_SESSIONS[self.role]))
        self.rng = random.Random()
        if PLAN.get("tour"):
            # The smoke test: every task once, in order; the last user to finish ends the run,
            # so it does not depend on how fast a busy machine serves the random mix.
            for step in self.tour:
                step(self)
            _TOURED.append(self.role)
            runner = self.environment.runner
            # The target, not the running count: a quick tour may end before all have spawned.
            if runner is not None and len(_TOURED) >= runner.target_user_count:
                # From its own greenlet: quit() stops every user, this one included.
                gevent.spawn(runner.quit)
            while True:  # idle until the last user's tour ends the run
                gevent.sleep(1)

    def _get(self, path: str, name: str) -> str:
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                # Status 0: no answer at all (the error says why, e.g. a refused connection).
                response.failure(
                    f"{response.status_code} "
                    f"{response.headers.get('Location', '') or response.error}"
                )
                return ""
            response.success()
            return str(response.text)


class Officer(_SignedIn):
    role = "officer"
    weight = 1

    @task(3)
    def person_search(self) -> None:
        given, family = self.rng.choice(PLAN["names"])
        query = self.rng.choice((f"{given} {family}", family, f"{given[:3]} {family[:4]}"))
        self._get(f"/personer/?q={query}", "person search")

    @task(4)
    def person_page(self) -> None:
        self._get(f"/personer/{self.rng.choice(PLAN['persons'])}/", "person page")

    @task(2)
    def ukn_queue(self) -> None:
        # Mostly the first page, as users open the queue; some browse on.
        page = 1 if self.rng.random() < 0.7 else self.rng.randint(2, 10)
        self._get(f"/sager/koe/alle/?case_type=ukn_screening&page={page}", "UKN queue")

    @task(2)
    def case_page(self) -> None:
        self._get(f"/sager/{self.rng.choice(PLAN['cases'])}/", "case page")

    @task(1)
    def case_transition(self) -> None:
        if not _OPEN_SCREENINGS:
            return  # all used up: a long run on a small plan; the other tasks go on
        pk = _OPEN_SCREENINGS.pop()
        page = self._get(f"/sager/{pk}/", "case page")
        token = _CSRF.search(page)
        if token is None:
            return  # the failed page is counted already
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "step-screen-outcome": "not_relevant",
            "step-screen-crime_class": "anden",
            "step-screen-note": "Load test.",
        }
        with self.client.post(
            f"/sager/{pk}/trin/screen/",
            data=form,
            name="case transition",
            headers={"Referer": f"{self.host}/sager/{pk}/"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # Success redirects back to the case page; a refused or invalid step answers 400.
            if response.status_code == 302 and response.headers.get("Location", "").endswith(
                f"/sager/{pk}/"
            ):
                response.success()
            else:
                response.failure(f"{response.status_code}")

    tour = (person_search, person_page, ukn_queue, case_page, case_transition)


class Analyst(_SignedIn):
    role = "analyst"
    fixed_count = 2

    @task(2)
    def dashboard(self) -> None:
        self._get("/rapporter/", "report dashboard")

    @task(1)
    def dashboard_municipality(self) -> None:
        code = self.rng.choice(PLAN["municipalities"])
        self._get(f"/rapporter/?municipality={code}", "report dashboard")

    tour = (dashboard, dashboard_municipality)

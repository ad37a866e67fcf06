"""Helpers for browser tests with Playwright (sync API) and the system Chromium.

    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        page = new_context(browser).new_page()
        page.goto(live_server.url + "/")
        screenshot(page, "home")
        assert_accessible(page)

Chromium comes from Debian's package (``/usr/bin/chromium``), never from Playwright's own
download, and axe-core from ``frontend/node_modules`` (``npm ci`` in ``frontend/``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

# src/samspil/web/tests/browser.py -> parents: tests, web, samspil, src, <repo>
REPO_ROOT = Path(__file__).resolve().parents[4]

CHROMIUM_PATH = Path(os.environ.get("SAMSPIL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_PATH = REPO_ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = REPO_ROOT / "var" / "screenshots"

# WCAG 2.1 level AA, which Danish public-sector web accessibility law requires.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def launch_browser(playwright: Playwright, **options: Any) -> Browser:
    """Start the system Chromium, headless, with nothing that phones home."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS, **options
    )


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A fresh browser context that may inject axe-core despite the page's CSP.

    The app's Content-Security-Policy allows scripts from its own origin only, which would
    block the injected axe script; ``bypass_csp`` lifts that for the test browser alone.
    """
    defaults: dict[str, Any] = {
        "bypass_csp": True,
        "locale": "da-DK",
        "timezone_id": "Europe/Copenhagen",
        "viewport": {"width": 1280, "height": 900},
    }
    return browser.new_context(**{**defaults, **options})


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG of the page as ``var/screenshots/<name>.png`` and return its path."""
    if not re.fullmatch(r"[\w.-]+", name):
        raise ValueError(f"screenshot name must be a plain file name, not {name!r}")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def run_axe(page: Page, *, tags: list[str] | None = None) -> dict[str, Any]:
    """Run axe-core on the page for the given WCAG tags and return its full result."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        if not AXE_PATH.is_file():
            raise FileNotFoundError(f"{AXE_PATH} is missing: run `npm ci` in frontend/")
        page.add_script_tag(path=str(AXE_PATH))
    result: dict[str, Any] = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        tags or WCAG_TAGS,
    )
    return result


def format_violations(violations: list[dict[str, Any]]) -> str:
    """One readable block per axe rule: impact, rule, what it means, and the offending nodes."""
    lines: list[str] = []
    for violation in violations:
        lines.append(
            f"[{violation.get('impact')}] {violation['id']}: {violation['help']}"
            f" ({violation.get('helpUrl', '')})"
        )
        for node in violation.get("nodes", []):
            target = " ".join(str(part) for part in node.get("target", []))
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").strip()
            for summary_line in summary.splitlines():
                lines.append(f"        {summary_line.strip()}")
    return "\n".join(lines)


def assert_accessible(page: Page, *, tags: list[str] | None = None) -> dict[str, Any]:
    """Fail when axe-core finds a serious or critical WCAG 2.1 A/AA violation on the page.

    Minor and moderate findings do not fail the test but are in the returned axe result.
    """
    result = run_axe(page, tags=tags)
    blocking = [v for v in result["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        raise AssertionError(
            f"{len(blocking)} serious or critical accessibility violation(s) on {page.url}:\n"
            + format_violations(blocking)
        )
    return result

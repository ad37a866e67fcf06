"""The session log check finds CPR numbers and secrets, names the logger and masks the value."""

from __future__ import annotations

import logging

from samspil.operations import logcheck

SECRETS = {"secret key": "not-the-real-secret-key-0123456789", "demo password": "Demo-pass-2026"}


def write_log(tmp_path, records: list[tuple[str, str]]):
    handler = logcheck.SessionLogHandler(tmp_path / "test-run.log")
    for name, message in records:
        handler.emit(logging.LogRecord(name, logging.WARNING, __file__, 1, message, None, None))
    handler.close()
    return tmp_path / "test-run.log"


def test_a_cpr_number_in_a_log_is_found_and_its_logger_named(tmp_path):
    path = write_log(tmp_path, [("samspil.quiet", "all well"),
                                ("samspil.persons.noisy", "looked up 010185-1235 for you"),
                                ("samspil.other", "and 0101851235 without the hyphen")])
    findings = logcheck.scan_file(path, SECRETS)
    assert [(f.logger, f.what) for f in findings] == [
        ("samspil.persons.noisy", "a CPR number"), ("samspil.other", "a CPR number")]
    assert "010185-1235" not in findings[0].line and "DDMMYY-XXXX" in findings[0].line


def test_the_secret_key_and_the_demo_password_are_found_and_masked(tmp_path):
    path = write_log(tmp_path, [("django.request", f"key={SECRETS['secret key']}"),
                                ("samspil.demo", f"password {SECRETS['demo password']}")])
    findings = logcheck.scan_file(path, SECRETS)
    assert [(f.logger, f.what) for f in findings] == [
        ("django.request", "secret key"), ("samspil.demo", "demo password")]
    assert all(value not in f.line for f in findings for value in SECRETS.values())


def test_numbers_that_are_not_cpr_numbers_pass(tmp_path):
    path = write_log(tmp_path, [("samspil.bench", "took 1732105600 ns for 9999999999 rows"),
                                ("samspil.import", "journal 0100-00001-00001-25, 123456-12345")])
    assert logcheck.scan_file(path, SECRETS) == []


def test_the_session_handler_is_on_the_root_logger():
    handlers = [h for h in logging.getLogger().handlers
                if isinstance(h, logcheck.SessionLogHandler)]
    assert len(handlers) == 1
    assert handlers[0].baseFilename.endswith(".log")
    assert "test-logs" in handlers[0].baseFilename

"""Start-up with bad settings stops with one clear line naming the setting."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from samspil.core.env import ConfigurationError, env_bool, env_int, parse_database_url


def _run_samspil(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_overrides}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "samspil", *(args or ("check",))],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"DATABASE_URL": "mysql://db/samspil"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://localhost"}, "DATABASE_URL"),
        ({"SAMSPIL_DEBUG": "maybe"}, "SAMSPIL_DEBUG"),
        ({"SAMSPIL_SECRET_KEY_FILE": "/nonexistent/secret"}, "SAMSPIL_SECRET_KEY_FILE"),
        ({"SAMSPIL_SESSION_HOURS": "eight"}, "SAMSPIL_SESSION_HOURS"),
        ({"SAMSPIL_OIDC_CLIENT_ID": "samspil"}, "SAMSPIL_OIDC_CLIENT_SECRET"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line_naming_it(overrides, named):
    result = _run_samspil(overrides)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr


def test_oidc_is_configured_from_the_environment():
    code = (
        "from django.conf import settings; "
        "print('samspil.accounts.oidc.SamspilOIDCBackend' in settings.AUTHENTICATION_BACKENDS)"
    )
    env = {
        "SAMSPIL_OIDC_CLIENT_ID": "samspil",
        "SAMSPIL_OIDC_CLIENT_SECRET": "s3cret",
        "SAMSPIL_OIDC_AUTHORIZATION_ENDPOINT": "https://idp.example/auth",
        "SAMSPIL_OIDC_TOKEN_ENDPOINT": "https://idp.example/token",
        "SAMSPIL_OIDC_USER_ENDPOINT": "https://idp.example/userinfo",
        "SAMSPIL_OIDC_JWKS_ENDPOINT": "https://idp.example/jwks",
        "DJANGO_SETTINGS_MODULE": "samspil.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "True", result.stderr


def test_env_helpers_validate():
    os.environ["SAMSPIL_TEST_BOOL"] = "yes"
    assert env_bool("SAMSPIL_TEST_BOOL") is True
    os.environ["SAMSPIL_TEST_INT"] = "-1"
    with pytest.raises(ConfigurationError, match="SAMSPIL_TEST_INT"):
        env_int("SAMSPIL_TEST_INT", 1, minimum=0)
    config = parse_database_url("postgres://u:p%40ss@db.example:6543/samspil?sslmode=require")
    assert config["PASSWORD"] == "p@ss" and config["PORT"] == "6543"
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_production_hashes_passwords_with_argon2():
    code = "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "samspil.settings"},
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"

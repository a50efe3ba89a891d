"""`check --deploy` is clean with production settings; cookies are secure and HttpOnly."""

import re
import subprocess
import sys

from tests.production import ROOT, production_env


def test_check_deploy_reports_no_issues_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = (result.stdout + result.stderr).strip()
    found = re.search(r"identified (\d+) issue", output)
    issues = int(found.group(1)) if found else 0
    print(f"\ncheck --deploy: {issues} issues ({output.splitlines()[-1]})")
    assert result.returncode == 0, output
    # the one silenced check is django-ratelimit's list of caches (see spasminfo/settings/base.py)
    assert "System check identified no issues (1 silenced)." in output


def test_production_cookies_are_secure_and_http_only(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=production_env(tmp_path), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    print(f"\nsession Secure, HttpOnly; CSRF Secure, HttpOnly: {result.stdout.strip()}")
    assert result.stdout.split() == ["True", "True", "True", "True"]


def test_hsts_is_configured_from_the_environment(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    env = production_env(
        tmp_path, SECURE_HSTS_SECONDS="86400", SECURE_HSTS_INCLUDE_SUBDOMAINS="0", SECURE_HSTS_PRELOAD="0"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["86400", "False", "False"]

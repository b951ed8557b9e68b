"""The admin's JSON routes: the region's units and roster, the accounts, the audit log.

Only an account with the ``admin`` role may call them (403 for any other).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine

from gidoc.web import auth
from gidoc.web.auth import Principal, require_role
from gidoc.web.db import store
from gidoc.web.db.engine import reading, writing
from gidoc.web.filing import Refused

router = APIRouter(prefix="/api/admin")
Admin = Annotated[Principal, Depends(require_role("admin"))]


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


@router.get("/agencies")
def list_agencies(
    request: Request, principal: Admin, year: Annotated[int | None, Query()] = None
) -> dict[str, Any]:
    """Every unit; with ``year``, also whether each is on that year's roster."""
    with reading(_engine(request)) as conn:
        found = store.list_agencies(conn)
        expected = {a.id for a in store.roster_for(conn, year)} if year is not None else set()
    return {
        "agencies": [
            {"id": a.id, "name": a.name, **({"expected": a.id in expected} if year else {})}
            for a in found
        ]
    }


class AgencyBody(BaseModel):
    """A unit, and the years it must report for."""

    name: str = Field(min_length=1, max_length=200)
    years: list[int] = Field(default_factory=list, max_length=100)


@router.post("/agencies", status_code=201)
def add_agency(body: AgencyBody, request: Request, principal: Admin) -> dict[str, Any]:
    """Add a unit (or find it) and put it on the roster of each year given."""
    name = body.name.strip()
    with writing(_engine(request)) as conn:
        added = store.ensure_agency(conn, name)
        for year in body.years:
            store.add_to_roster(conn, added.id, year)
        store.log(
            conn, principal.user, "agency-add", f"agency {added.id}", auth.client_address(request)
        )
    return {"id": added.id, "name": added.name}


class RosterBody(BaseModel):
    """A unit on (or off) one year's roster."""

    agency_id: int
    year: int = Field(ge=2008, le=2100)
    expected: bool = True


@router.post("/roster")
def set_roster(body: RosterBody, request: Request, principal: Admin) -> dict[str, Any]:
    """Put a unit on a year's roster, or take it off (``expected: false``)."""
    with writing(_engine(request)) as conn:
        if store.agency(conn, body.agency_id) is None:
            raise Refused(404, "没有这个单位")
        if body.expected:
            store.add_to_roster(conn, body.agency_id, body.year)
        else:
            store.remove_from_roster(conn, body.agency_id, body.year)
        store.log(
            conn,
            principal.user,
            "roster",
            f"agency {body.agency_id} {body.year} {'on' if body.expected else 'off'}",
            auth.client_address(request),
        )
        roster = store.roster_for(conn, body.year)
    return {"year": body.year, "agencies": [{"id": a.id, "name": a.name} for a in roster]}


def _user_json(user: store.User) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "role": user.role,
        "agency": user.agency,
        "disabled": user.disabled,
    }


@router.get("/users")
def list_users(request: Request, principal: Admin) -> dict[str, Any]:
    """Every account (never a hash)."""
    with reading(_engine(request)) as conn:
        return {"users": [_user_json(u) for u in store.list_users(conn)]}


class UserBody(BaseModel):
    """A new account: a clerk names its agency; ``token`` asks for an API token."""

    name: str = Field(min_length=1, max_length=100)
    role: Literal["clerk", "reviewer", "admin"]
    agency: str | None = Field(None, max_length=200)
    password: str | None = Field(None, min_length=8, max_length=1000)
    token: bool = False


@router.post("/users", status_code=201)
def add_user(body: UserBody, request: Request, principal: Admin) -> dict[str, Any]:
    """Add an account; the answer carries the API token when one was asked for (shown once)."""
    agency_name = (body.agency or "").strip()
    if body.role == "clerk" and not agency_name:
        raise Refused(422, "填报人账号须写明所属单位")
    if body.role != "clerk" and agency_name:
        raise Refused(422, "审核人和管理员账号不属于某个单位")
    if body.password is None and not body.token:
        raise Refused(422, "请设置密码（至少 8 个字符），或为程序账号生成令牌")
    hashed = auth.hash_password(body.password) if body.password else None
    with writing(_engine(request)) as conn:
        agency_id = store.ensure_agency(conn, agency_name).id if agency_name else None
        try:
            added = store.add_user(conn, body.name, body.role, agency_id, hashed)
        except store.NameTaken:
            raise Refused(409, f"账号「{body.name}」已存在") from None
        token = auth.new_token(conn, added.id) if body.token else None
        store.log(
            conn,
            principal.user,
            "user-add",
            f"user {added.name} {added.role}",
            auth.client_address(request),
        )
    answer = _user_json(added)
    if token:
        answer["token"] = token
    return answer


class AccountChange(BaseModel):
    """Disable or enable an account, or set its password."""

    disabled: bool | None = None
    password: str | None = Field(None, min_length=8, max_length=1000)


@router.post("/users/{name}")
def change_user(
    name: str, body: AccountChange, request: Request, principal: Admin
) -> dict[str, Any]:
    """Disable/enable an account (its logins end at once) or reset its password."""
    with writing(_engine(request)) as conn:
        found = store.user_by_name(conn, name)
        if found is None:
            raise Refused(404, f"没有账号「{name}」")
        if body.disabled is not None:
            if found.id == principal.user.id and body.disabled:
                raise Refused(422, "不能停用自己正在使用的账号")
            store.set_disabled(conn, found.id, body.disabled)
        if body.password is not None:
            store.set_password(conn, found.id, auth.hash_password(body.password))
        store.log(conn, principal.user, "user-change", f"user {name}", auth.client_address(request))
        changed = store.user(conn, found.id)
    assert changed is not None
    return _user_json(changed)


@router.get("/audit")
def audit_log(
    request: Request, principal: Admin, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> dict[str, Any]:
    """The latest audit entries, newest first: who, when, what, from where."""
    with reading(_engine(request)) as conn:
        found = store.audit_log(conn, limit)
    return {
        "entries": [
            {
                "at": e.at.isoformat(),
                "user": e.user,
                "action": e.action,
                "target": e.target,
                "address": e.address,
            }
            for e in found
        ]
    }

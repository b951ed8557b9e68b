"""The admin's pages: the region's units and each year's roster, and the accounts.

- ``GET /admin?year=`` — every unit: on that year's roster or not, how many
  reports and accounts it has; add, rename, put on / take off the roster,
  remove (only a unit without reports or accounts); import a roster (.csv,
  .xlsx) read by :func:`gidoc.review.read_roster`.
- ``GET /admin/accounts`` — every account; add one with its role and unit,
  disable or enable, set a new password.

Only an admin may open them (403 otherwise).  Accounts are changed with the
same :mod:`gidoc.web.db.store` and :mod:`gidoc.web.auth` functions the
``gidoc users`` commands use; every change goes to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from gidoc.errors import InputError
from gidoc.web import auth
from gidoc.web.auth import Principal, require_role
from gidoc.web.db import store
from gidoc.web.db.engine import reading, writing
from gidoc.web.filing import Refused
from gidoc.web.pages.render import ROLE_NAMES, page
from gidoc.web.pages.review import default_year

router = APIRouter(prefix="/admin", include_in_schema=False)
Admin = Annotated[Principal, Depends(require_role("admin"))]
Year = Annotated[int, Form(ge=2008, le=2100)]
#: The shortest password an account may have (as the admin API).
MIN_PASSWORD = 8
#: What a page says after a change (by the ``done`` query parameter).
NOTICES = {
    "unit-added": "单位已添加。",
    "unit-listed": "单位已存在，已列入名单。",
    "unit-renamed": "单位已改名。",
    "unit-removed": "单位已删除。",
    "roster": "名单已更新。",
    "imported": "名单已导入。",
    "account-added": "账号已添加，可以用设置的密码登录。",
    "account-disabled": "账号已停用，其登录已全部退出。",
    "account-enabled": "账号已重新启用。",
    "password": "密码已重设，该账号的登录已全部退出。",
}


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


@dataclass(frozen=True)
class Unit:
    """A unit as the admin page lists it."""

    id: int
    name: str
    listed: bool
    reports: int
    accounts: int

    @property
    def removable(self) -> bool:
        """Only a unit nothing belongs to may be deleted."""
        return self.reports == 0 and self.accounts == 0


def _units(engine: Engine, year: int) -> tuple[list[Unit], list[int]]:
    with reading(engine) as conn:
        listed = {a.id for a in store.roster_for(conn, year)}
        found = [
            Unit(a.id, a.name, a.id in listed, *store.agency_usage(conn, a.id))
            for a in store.list_agencies(conn)
        ]
        years = store.roster_years(conn)
    return found, years


def _units_page(
    request: Request,
    principal: Principal,
    year: int,
    *,
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    units, years = _units(_engine(request), year)
    return page(
        request,
        "admin/units.html",
        principal,
        status=status,
        year=year,
        units=units,
        years=years,
        listed=sum(1 for unit in units if unit.listed),
        notice=notice,
        error=error,
    )


def _to_units(year: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"/admin?year={year}&done={done}", status_code=303)


@router.get("")
def units(
    request: Request,
    principal: Admin,
    year: Annotated[int | None, Query(ge=2008, le=2100)] = None,
    done: str = "",
) -> Response:
    """Every unit, whether it is on the year's roster, and the forms to change them."""
    return _units_page(request, principal, year or default_year(), notice=NOTICES.get(done, ""))


def _name(value: str, what: str) -> str:
    name = value.strip()
    if not name:
        raise Refused(422, f"请填写{what}")
    return name


@router.post("/units")
def add_unit(
    request: Request,
    principal: Admin,
    year: Year,
    name: Annotated[str, Form(max_length=200)] = "",
    listed: Annotated[str, Form()] = "",
) -> Response:
    """Add a unit, on the year's roster when ``listed``."""
    try:
        unit_name = _name(name, "单位名称")
        with writing(_engine(request)) as conn:
            existing = store.agency_by_name(conn, unit_name)
            if existing is not None and not listed:
                raise Refused(409, f"单位「{unit_name}」已存在")
            added = existing or store.ensure_agency(conn, unit_name)
            if listed:
                store.add_to_roster(conn, added.id, year)
            store.log(
                conn,
                principal.user,
                "agency-add",
                f"agency {added.id}",
                auth.client_address(request),
            )
    except Refused as exc:
        return _units_page(request, principal, year, error=exc.message, status=exc.status)
    return _to_units(year, "unit-listed" if existing else "unit-added")


@router.post("/units/{agency_id}/rename")
def rename_unit(
    agency_id: int,
    request: Request,
    principal: Admin,
    year: Year,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Rename a unit: its reports and accounts keep belonging to it."""
    try:
        unit_name = _name(name, "新的单位名称")
        with writing(_engine(request)) as conn:
            if store.agency(conn, agency_id) is None:
                raise Refused(404, "没有这个单位")
            try:
                store.rename_agency(conn, agency_id, unit_name)
            except store.NameTaken:
                raise Refused(409, f"已有名为「{unit_name}」的单位") from None
            store.log(
                conn,
                principal.user,
                "agency-rename",
                f"agency {agency_id}",
                auth.client_address(request),
            )
    except Refused as exc:
        return _units_page(request, principal, year, error=exc.message, status=exc.status)
    return _to_units(year, "unit-renamed")


@router.post("/units/{agency_id}/remove")
def remove_unit(agency_id: int, request: Request, principal: Admin, year: Year) -> Response:
    """Delete a unit that has no reports and no accounts."""
    try:
        with writing(_engine(request)) as conn:
            found = store.agency(conn, agency_id)
            if found is None:
                raise Refused(404, "没有这个单位")
            reports, accounts = store.agency_usage(conn, agency_id)
            if reports or accounts:
                raise Refused(
                    409,
                    f"单位「{found.name}」有 {reports} 份报告、{accounts} 个账号，不能删除；"
                    "可以把它移出名单",
                )
            store.remove_agency(conn, agency_id)
            store.log(
                conn,
                principal.user,
                "agency-remove",
                f"agency {agency_id} {found.name}",
                auth.client_address(request),
            )
    except Refused as exc:
        return _units_page(request, principal, year, error=exc.message, status=exc.status)
    return _to_units(year, "unit-removed")


@router.post("/units/{agency_id}/roster")
def set_roster(
    agency_id: int,
    request: Request,
    principal: Admin,
    year: Year,
    listed: Annotated[str, Form()] = "",
) -> Response:
    """Put a unit on the year's roster (``listed`` = 1) or take it off."""
    on = listed == "1"
    try:
        with writing(_engine(request)) as conn:
            if store.agency(conn, agency_id) is None:
                raise Refused(404, "没有这个单位")
            if on:
                store.add_to_roster(conn, agency_id, year)
            else:
                store.remove_from_roster(conn, agency_id, year)
            store.log(
                conn,
                principal.user,
                "roster",
                f"agency {agency_id} {year} {'on' if on else 'off'}",
                auth.client_address(request),
            )
    except Refused as exc:
        return _units_page(request, principal, year, error=exc.message, status=exc.status)
    return _to_units(year, "roster")


@router.post("/units/import")
async def import_roster(
    request: Request,
    principal: Admin,
    year: Year,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Read a roster (.csv or .xlsx, one unit a row) and put every unit on the year's roster."""
    from gidoc.review import read_roster

    raw = await file.read()
    try:
        names = await run_in_threadpool(read_roster, raw, file.filename or "名单.csv")
    except InputError as exc:
        return _units_page(request, principal, year, error=str(exc), status=422)

    def put() -> None:
        with writing(_engine(request)) as conn:
            for name in names:
                store.add_to_roster(conn, store.ensure_agency(conn, name[:200]).id, year)
            store.log(
                conn,
                principal.user,
                "roster-import",
                f"{year} {len(names)} units",
                auth.client_address(request),
            )

    await run_in_threadpool(put)
    return _to_units(year, "imported")


# -- accounts ---------------------------------------------------------------------------
def _accounts_page(
    request: Request,
    principal: Principal,
    *,
    notice: str = "",
    error: str = "",
    status: int = 200,
    draft: dict[str, str] | None = None,
) -> Response:
    with reading(_engine(request)) as conn:
        accounts = store.list_users(conn)
        agencies = store.list_agencies(conn)
    return page(
        request,
        "admin/accounts.html",
        principal,
        status=status,
        accounts=accounts,
        agencies=agencies,
        roles=ROLE_NAMES,
        notice=notice,
        error=error,
        draft=draft or {"name": "", "role": "clerk", "agency": ""},
        min_password=MIN_PASSWORD,
    )


def _to_accounts(done: str) -> RedirectResponse:
    return RedirectResponse(f"/admin/accounts?done={done}", status_code=303)


@router.get("/accounts")
def accounts(request: Request, principal: Admin, done: str = "") -> Response:
    """Every account and the forms to add, disable and reset them."""
    return _accounts_page(request, principal, notice=NOTICES.get(done, ""))


def _password(password: str, again: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Refused(422, f"密码至少 {MIN_PASSWORD} 个字符")
    if password != again:
        raise Refused(422, "两次输入的密码不一致")
    return password


@router.post("/accounts")
def add_account(
    request: Request,
    principal: Admin,
    name: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
    agency: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    again: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Add an account: a clerk belongs to a unit, a reviewer or admin to none."""
    draft = {"name": name, "role": role, "agency": agency}
    try:
        account = _name(name, "账号名称")
        if role not in ROLE_NAMES:
            raise Refused(422, "请选择账号的角色")
        unit = agency.strip()
        if role == "clerk" and not unit:
            raise Refused(422, "填报人账号须选择所属单位")
        if role != "clerk" and unit:
            raise Refused(422, f"{ROLE_NAMES[role]}账号不属于某个单位，请把所属单位选为“无”")
        hashed = auth.hash_password(_password(password, again))
        with writing(_engine(request)) as conn:
            agency_id = None
            if unit:
                found = store.agency_by_name(conn, unit)
                if found is None:
                    raise Refused(422, f"没有单位「{unit}」，请先在单位页面添加")
                agency_id = found.id
            try:
                store.add_user(conn, account, role, agency_id, hashed)
            except store.NameTaken:
                raise Refused(409, f"账号「{account}」已存在") from None
            store.log(
                conn,
                principal.user,
                "user-add",
                f"user {account} {role}",
                auth.client_address(request),
            )
    except Refused as exc:
        return _accounts_page(request, principal, error=exc.message, status=exc.status, draft=draft)
    return _to_accounts("account-added")


@router.post("/accounts/{user_id}/disable")
def disable_account(
    user_id: int,
    request: Request,
    principal: Admin,
    disabled: Annotated[str, Form()] = "1",
) -> Response:
    """Disable an account (its logins end at once), or enable it again (``disabled`` = 0)."""
    off = disabled != "0"
    try:
        with writing(_engine(request)) as conn:
            found = store.user(conn, user_id)
            if found is None:
                raise Refused(404, "没有这个账号")
            if off and found.id == principal.user.id:
                raise Refused(422, "不能停用自己正在使用的账号")
            store.set_disabled(conn, found.id, off)
            store.log(
                conn,
                principal.user,
                "user-disable" if off else "user-enable",
                f"user {found.name}",
                auth.client_address(request),
            )
    except Refused as exc:
        return _accounts_page(request, principal, error=exc.message, status=exc.status)
    return _to_accounts("account-disabled" if off else "account-enabled")


@router.post("/accounts/{user_id}/password")
def reset_password(
    user_id: int,
    request: Request,
    principal: Admin,
    password: Annotated[str, Form(max_length=1000)] = "",
    again: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Set a new password (the account's logins end; tell its owner the new one)."""
    try:
        hashed = auth.hash_password(_password(password, again))
        with writing(_engine(request)) as conn:
            found = store.user(conn, user_id)
            if found is None:
                raise Refused(404, "没有这个账号")
            store.set_password(conn, found.id, hashed)
            store.log(
                conn,
                principal.user,
                "user-reset",
                f"user {found.name}",
                auth.client_address(request),
            )
    except Refused as exc:
        return _accounts_page(request, principal, error=exc.message, status=exc.status)
    if user_id == principal.user.id:
        # The admin's own session ended with the reset: log in again with the new password.
        return RedirectResponse("/login", status_code=303)
    return _to_accounts("password")


__all__ = ["router"]

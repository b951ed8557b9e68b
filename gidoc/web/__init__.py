"""``gidoc serve``: one service for a region's units — accounts, reports in a database, a JSON API.

Modules: :mod:`.settings` (what ``gidoc serve`` can set), :mod:`.app`
(:func:`~gidoc.web.app.create_app`), :mod:`.auth` (passwords, sessions,
tokens, CSRF, throttling, the ``current_user`` dependency), :mod:`.filing`
(the rules of reports: who may read, save, submit, return, approve — HTTP-free),
:mod:`.api` (the JSON routes), :mod:`.uploads` (uploaded files sniffed and read),
:mod:`.documents` (Word/PDF/page/Excel downloads), :mod:`.middleware`
(security headers, body limits), :mod:`.db` (tables, queries, migrations),
:mod:`.serve` (uvicorn), :mod:`.commands` (the CLI commands).

How the browser pages plug in
-----------------------------
:func:`~gidoc.web.app.create_app` imports ``gidoc.web.pages`` if that package
exists.  If it defines ``install(app: FastAPI) -> None`` that is called (to
include routers and mount ``/static`` with StaticFiles); otherwise its
``router`` (an ``APIRouter``) is included.  Page routes get:

- the account: ``principal: Principal = Depends(gidoc.web.auth.current_user)``
  (401 without login) or ``Depends(gidoc.web.auth.optional_user)`` (None without
  login, e.g. to redirect to the login page); ``require_role("reviewer")`` for
  role-only pages.  ``principal.user`` is a :class:`gidoc.web.db.store.User`
  (``name``, ``role``, ``agency_id``, ``agency``).
- CSRF: put ``principal.csrf_token`` in every form as a hidden
  ``<input name="csrf_token">`` (or send it as the ``X-CSRF-Token`` header
  from scripts).  The dependencies above already refuse (403) a
  cookie-authenticated POST/PUT/PATCH/DELETE whose token is missing or wrong,
  so a page route needs no check of its own.
- logging in from a form: ``gidoc.web.auth.log_in(engine, settings, name,
  password, client_address(request))`` returns a ``Login`` (raises
  ``LoginRefused`` with ``.status`` 401/429 and a Chinese text); then
  ``auth.set_session_cookie(response, settings, login.cookie)``.  Logging out:
  ``auth.log_out(engine, request)`` and ``auth.clear_session_cookie``.
- the engine, settings and documents: ``request.app.state.engine``,
  ``.settings``, ``.documents``; reports through :mod:`gidoc.web.filing`
  (raises ``Refused(status, message)``, which the app answers as JSON — a page
  route may catch it to show the message instead).
- Headers: every answer carries ``Content-Security-Policy: default-src 'self'``,
  so pages load scripts and styles only from files (no inline ``<script>`` or
  ``style=""``).  Form posts with files go to paths ending in ``/import``
  (bounded by ``Settings.max_upload``); every other body by ``max_body``.
"""

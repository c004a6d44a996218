"""Single sign-on with OpenID Connect (PRODUCT 7.1): authorization code + PKCE, state and nonce checked, the ID token
verified against the provider's keys, and only a verified email that matches one account signs in.

The flow's secrets (state, nonce, PKCE verifier) travel in a signed, 10-minute, HttpOnly cookie scoped to
/login/sso, so no server-side session store is needed and a second tab cannot mix up two sign-ins' values."""

from __future__ import annotations

import hmac
import time
from typing import Annotated, Any

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client
from fastapi import Depends, Query, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from starlette.responses import RedirectResponse, Response

from mess.accounts import service as accounts
from mess.auth.tokens import issue_access_token
from mess.config import Settings
from mess.db.engine import Database
from mess.errors import MessError, NotFound
from web.deps import NowDep, SettingsDep, get_database
from web.pages.auth import home_of
from web.pages.rendering import page_router, render
from web.security import rotate_csrf_cookie, safe_next, set_session_cookie

router = page_router(tags=["pages"])
FLOW_COOKIE = "mess_sso"
FLOW_SECONDS = 600
_metadata: dict[str, tuple[float, dict[str, Any]]] = {}  # issuer -> (fetched at, discovery document)


def _configured(settings: Settings) -> tuple[str, str, str]:
    if not (settings.oidc_issuer and settings.oidc_client_id):
        raise NotFound("single sign-on is not set up for this site")
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else ""
    return settings.oidc_issuer.rstrip("/"), settings.oidc_client_id, secret


async def _discovery(issuer: str) -> dict[str, Any]:
    cached = _metadata.get(issuer)
    if cached and time.monotonic() - cached[0] < 3600:
        return cached[1]
    async with httpx.AsyncClient(timeout=10) as http:
        document = (await http.get(f"{issuer}/.well-known/openid-configuration")).raise_for_status().json()
    _metadata[issuer] = (time.monotonic(), document)
    return document


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt="oidc-flow")


def _callback(settings: Settings) -> str:
    return f"{settings.public_url.rstrip('/')}/login/sso/callback"


def _refused(request: Request, settings: Settings, message: str, status_code: int = 403) -> Response:
    context = {"message": message, "sso_name": settings.oidc_name}
    response = render(request, "sso_refused.html", context, status_code=status_code)
    response.delete_cookie(FLOW_COOKIE, path="/login/sso")
    return response


@router.get("/login/sso")
async def sso_start(request: Request, settings: SettingsDep, next: str = Query("", max_length=500)) -> Response:
    issuer, client_id, client_secret = _configured(settings)
    try:
        metadata = await _discovery(issuer)
    except (httpx.HTTPError, ValueError):
        return _refused(request, settings, f"{settings.oidc_name} cannot be reached right now; try again soon", 503)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    client = AsyncOAuth2Client(
        client_id,
        client_secret,
        scope="openid email profile",
        redirect_uri=_callback(settings),
        code_challenge_method="S256",
    )
    url, _ = client.create_authorization_url(
        metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
    )
    flow = {"state": state, "nonce": nonce, "verifier": verifier, "next": safe_next(next, "")}
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        FLOW_COOKIE,
        _serializer(settings).dumps(flow),
        max_age=FLOW_SECONDS,
        path="/login/sso",
        httponly=True,
        samesite="lax",  # sent on the provider's top-level redirect back to us
        secure=settings.secure_cookies,
    )
    return response


async def _verified_claims(settings: Settings, metadata: dict[str, Any], flow: dict[str, str], code: str) -> dict:
    issuer, client_id, client_secret = _configured(settings)
    async with AsyncOAuth2Client(
        client_id, client_secret, redirect_uri=_callback(settings), code_challenge_method="S256", timeout=10
    ) as client:
        token = await client.fetch_token(
            metadata["token_endpoint"], code=code, code_verifier=flow["verifier"], grant_type="authorization_code"
        )
        async with httpx.AsyncClient(timeout=10) as http:
            keys = KeySet.import_key_set((await http.get(metadata["jwks_uri"])).raise_for_status().json())
        decoded = jwt.decode(str(token.get("id_token", "")), keys)
        claims = dict(decoded.claims)
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": client_id},
            nonce={"essential": True, "value": flow["nonce"]},
            exp={"essential": True},
            sub={"essential": True},
        ).validate(claims)
        if "email_verified" not in claims and metadata.get("userinfo_endpoint"):
            info = (await client.get(metadata["userinfo_endpoint"])).raise_for_status().json()
            if info.get("sub") == claims["sub"]:
                claims.update({k: info[k] for k in ("email", "email_verified") if k in info})
    return claims


@router.get("/login/sso/callback")
async def sso_callback(
    request: Request,
    database: Annotated[Database, Depends(get_database)],
    settings: SettingsDep,
    now: NowDep,
    code: str = Query("", max_length=2000),
    state: str = Query("", max_length=200),
    error: str = Query("", max_length=200),
) -> Response:
    # Not forms.submit: the provider's redirect (a GET, no form, no CSRF token); a refusal is a page of its own.
    _configured(settings)
    name = settings.oidc_name
    try:
        flow = _serializer(settings).loads(request.cookies.get(FLOW_COOKIE, ""), max_age=FLOW_SECONDS)
    except BadSignature:
        return _refused(request, settings, "this sign-in took too long or was started elsewhere; start again", 400)
    if error:
        return _refused(request, settings, f"{name} did not sign you in ({error.replace('_', ' ')})")
    if not state or not hmac.compare_digest(state, str(flow.get("state", ""))):
        return _refused(request, settings, "this sign-in does not match the one started here; start again", 400)
    try:
        claims = await _verified_claims(settings, await _discovery(_configured(settings)[0]), flow, code)
    except (httpx.HTTPError, JoseError, ValueError, KeyError) as exc:
        return _refused(request, settings, f"{name} could not confirm who you are ({exc.__class__.__name__})", 400)
    except Exception as exc:  # authlib's OAuth errors (a refused or reused code): a clear page, never a 500
        return _refused(request, settings, f"{name} refused the sign-in ({exc.__class__.__name__})", 400)
    email = str(claims.get("email") or "")
    if not email or claims.get("email_verified") is not True:
        return _refused(request, settings, f"{name} did not confirm that your email address is verified")
    try:
        async with database.transaction() as session:
            actor = await accounts.account_for_verified_email(session, email)
    except MessError as exc:
        return _refused(request, settings, exc.message[:1].upper() + exc.message[1:] + ".")
    token = issue_access_token(actor, settings.secret_key.get_secret_value(), now, settings.access_token_minutes)
    response = RedirectResponse(safe_next(str(flow.get("next", "")), home_of(actor.role)), status_code=303)
    response.delete_cookie(FLOW_COOKIE, path="/login/sso")
    set_session_cookie(response, token, settings)
    rotate_csrf_cookie(response, settings)
    return response

//! Login, logout, sessions and CSRF protection.
//!
//! A session id travels in the `urne_session` cookie (HttpOnly, SameSite=Strict, Path
//! /admin, Secure when the request came over HTTPS through a proxy that says so with
//! `X-Forwarded-Proto: https`). Every POST except the login carries the session's CSRF
//! token in a hidden `csrf` field, checked by the [`Submission`] extractor before any
//! handler runs. The login form is protected by a double-submit token instead: the same
//! random value in the `urne_login` cookie and in a hidden field.

use super::WebState;
use super::form::Fields;
use super::layout;
use super::limiter::{LOCKOUT, MAX_FAILURES};
use super::page_error::PageError;
use crate::db::{self, audit::AuditRecord, users};
use axum::extract::{ConnectInfo, Form, FromRequest, FromRequestParts, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use rand::RngCore;
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

pub const SESSION_COOKIE: &str = "urne_session";
const LOGIN_COOKIE: &str = "urne_login";
/// Lifetime of the login form's token, in seconds.
const LOGIN_TOKEN_SECONDS: i64 = 3600;

/// The signed-in person making the request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub session: users::Session,
    session_id: String,
}

impl Viewer {
    pub fn user(&self) -> &users::User {
        &self.session.user
    }

    pub fn login(&self) -> &str {
        &self.session.user.login
    }

    pub fn csrf(&self) -> &str {
        &self.session.csrf_token
    }
}

/// Returns the value of cookie `name` from the request's `Cookie` headers.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_string())
}

/// Whether the browser reached the hub over HTTPS, as a TLS proxy in front of it reports.
/// The hub itself serves plain HTTP.
fn is_https(headers: &HeaderMap) -> bool {
    let forwarded_proto = headers
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("https"));
    let forwarded = headers
        .get(header::FORWARDED)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().contains("proto=https"));
    forwarded_proto || forwarded
}

fn set_cookie(name: &str, value: &str, max_age: i64, headers: &HeaderMap) -> HeaderValue {
    let secure = if is_https(headers) { "; Secure" } else { "" };
    let text = format!(
        "{name}={value}; Path=/admin; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Compares two secrets in time that depends only on their lengths.
fn same_secret(left: &str, right: &str) -> bool {
    left.len() == right.len()
        && left
            .bytes()
            .zip(right.bytes())
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

impl FromRequestParts<WebState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let next = parts
            .uri
            .path_and_query()
            .map_or("/admin/elections".to_string(), |p| p.as_str().to_string());
        let Some(session_id) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(PageError::LoginRequired { next });
        };
        let lookup = session_id.clone();
        let session = state
            .app
            .read(move |connection| Ok(users::find_session(connection, &lookup)?))
            .await?;
        match session {
            Some(session) => Ok(Viewer {
                session,
                session_id,
            }),
            None => Err(PageError::LoginRequired { next }),
        }
    }
}

/// A form posted by a signed-in user whose CSRF token matched.
pub struct Submission {
    pub viewer: Viewer,
    pub fields: Fields,
}

/// Rejects a cross-site request: when the browser names the page's origin, its host must
/// be the hub's own.
fn check_origin(headers: &HeaderMap) -> Result<(), PageError> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .unwrap_or_default();
    if !host.is_empty() && origin_host.eq_ignore_ascii_case(host) {
        return Ok(());
    }
    Err(PageError::Forbidden(format!(
        "formulaire envoyé depuis une autre origine ({origin}) : rien n'a été enregistré ; \
         saisissez depuis les pages du hub"
    )))
}

impl FromRequest<WebState> for Submission {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        check_origin(&parts.headers)?;
        let request = Request::from_parts(parts, body);
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, state)
            .await
            .map_err(|rejection| {
                PageError::BadRequest(format!(
                    "formulaire illisible ({}) : rechargez la page et recommencez",
                    rejection.body_text()
                ))
            })?;
        let fields = Fields(pairs);
        let sent = fields.get("csrf").unwrap_or_default();
        if !same_secret(sent, viewer.csrf()) {
            tracing::warn!(
                login = viewer.login(),
                "form rejected: CSRF token missing or wrong"
            );
            return Err(PageError::Forbidden(
                "jeton de sécurité du formulaire absent ou invalide : rien n'a été enregistré ; \
                 rechargez la page et recommencez"
                    .to_string(),
            ));
        }
        Ok(Submission { viewer, fields })
    }
}

/// The client's IP address, when the server was started with connection information.
fn client_address(parts_extensions: &axum::http::Extensions) -> Option<IpAddr> {
    parts_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())
}

/// Keeps `next` only when it is a page of the interface, so the login form cannot send
/// people to another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with("/admin/")
                && !path.starts_with("/admin/login")
                && !path.contains("//")
                && !path.contains('\\') =>
        {
            path.to_string()
        }
        _ => "/admin/elections".to_string(),
    }
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /admin/login`.
pub async fn login_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    if let Some(session_id) = cookie(&headers, SESSION_COOKIE) {
        let found = state
            .app
            .read(move |connection| Ok(users::find_session(connection, &session_id)?))
            .await?;
        if found.is_some() {
            return Ok(Redirect::to(&safe_next(query.next.as_deref())).into_response());
        }
    }
    let has_administrator = state
        .app
        .read(|connection| Ok(users::has_administrator(connection)?))
        .await?;
    Ok(login_form(
        &headers,
        query.next.as_deref(),
        None,
        has_administrator,
        StatusCode::OK,
    ))
}

fn login_form(
    headers: &HeaderMap,
    next: Option<&str>,
    error: Option<&str>,
    has_administrator: bool,
    status: StatusCode,
) -> Response {
    let token = random_token();
    let body = html! {
        h1 { "Connexion" }
        @if !has_administrator {
            p.message.warning {
                "Aucun administrateur n'existe encore : créez le premier compte sur le serveur \
                 avec « urne-hub user add --login LOGIN --role administrator »."
            }
        }
        @if let Some(error) = error {
            p.message.error role="alert" id="login-error" { (error) }
        }
        form.login method="post" action="/admin/login" {
            input type="hidden" name="login_token" value=(token);
            input type="hidden" name="next" value=(safe_next(next));
            p.field {
                label for="login" { "Identifiant" }
                input #login type="text" name="login" autocomplete="username" required
                    autofocus autocapitalize="none" spellcheck="false";
            }
            p.field {
                label for="password" { "Mot de passe" }
                input #password type="password" name="password"
                    autocomplete="current-password" required;
            }
            p { button.primary type="submit" { "Se connecter" } }
        }
    };
    let mut response = (status, layout::bare_page("Connexion", body)).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(LOGIN_COOKIE, &token, LOGIN_TOKEN_SECONDS, headers),
    );
    response
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    login_token: String,
    next: Option<String>,
}

fn audit_login(
    connection: &rusqlite::Connection,
    login: &str,
    action: &str,
) -> rusqlite::Result<()> {
    db::audit::append(
        connection,
        &AuditRecord {
            actor: login,
            election_id: None,
            action,
            target: "interface web",
            before: None,
            after: None,
            reason: None,
        },
    )
    .map(|_| ())
}

/// `POST /admin/login`.
pub async fn login(State(state): State<WebState>, request: Request) -> Result<Response, PageError> {
    let address = client_address(request.extensions());
    let headers = request.headers().clone();
    let Form(form) = Form::<LoginForm>::from_request(request, &state)
        .await
        .map_err(|rejection| PageError::BadRequest(rejection.body_text()))?;
    let next = form.next.clone();
    let fail = |message: &str, status: StatusCode| {
        login_form(&headers, next.as_deref(), Some(message), true, status)
    };

    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(&expected, &form.login_token) {
        return Ok(fail(
            "Le formulaire de connexion a expiré ou les cookies sont bloqués : recommencez.",
            StatusCode::FORBIDDEN,
        ));
    }
    let login = form.login.trim().to_ascii_lowercase();
    let login_key = format!("login:{login}");
    let mut keys = vec![login_key.clone()];
    if let Some(address) = address {
        keys.push(format!("address:{address}"));
    }
    if let Some(wait) = state.limiter.locked_for(&keys, Instant::now()) {
        tracing::warn!(login, ?address, "login refused: too many failures");
        return Ok(fail(
            &format!(
                "Trop d'échecs de connexion ({MAX_FAILURES} en peu de temps) : réessayez dans \
                 {} s.",
                wait.as_secs().max(1)
            ),
            StatusCode::TOO_MANY_REQUESTS,
        ));
    }

    let checked_login = login.clone();
    let password = form.password;
    let user = state
        .app
        .read(move |connection| Ok(users::authenticate(connection, &checked_login, &password)?))
        .await?;
    let Some(user) = user else {
        state.limiter.record_failure(&keys, Instant::now());
        tracing::warn!(login, ?address, "login failed");
        let failed_login = login.clone();
        state
            .app
            .write(move |connection| {
                audit_login(connection, &failed_login, "session.login_failed")?;
                Ok(((), vec![]))
            })
            .await?;
        return Ok(fail(
            &format!(
                "Identifiant ou mot de passe incorrect. Après {MAX_FAILURES} échecs, la \
                 connexion est bloquée {} s.",
                LOCKOUT.as_secs()
            ),
            StatusCode::UNAUTHORIZED,
        ));
    };
    state.limiter.record_success(&login_key);
    let user_id = user.id;
    let audited = user.login.clone();
    let session_id = state
        .app
        .write(move |connection| {
            let session_id = users::open_session(connection, user_id)?;
            audit_login(connection, &audited, "session.login")?;
            Ok((session_id, vec![]))
        })
        .await?;
    tracing::info!(login = user.login, role = user.role.as_str(), "signed in");
    let max_age = users::SESSION_LIFETIME.num_seconds();
    let mut response = Redirect::to(&safe_next(next.as_deref())).into_response();
    let cookies = response.headers_mut();
    cookies.append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, &session_id, max_age, &headers),
    );
    cookies.append(
        header::SET_COOKIE,
        set_cookie(LOGIN_COOKIE, "", 0, &headers),
    );
    Ok(response)
}

/// `POST /admin/logout`.
pub async fn logout(
    State(state): State<WebState>,
    headers: HeaderMap,
    submission: Submission,
) -> Result<Response, PageError> {
    let viewer = submission.viewer;
    let login = viewer.login().to_string();
    let session_id = viewer.session_id.clone();
    state
        .app
        .write(move |connection| {
            users::close_session(connection, &session_id)?;
            audit_login(connection, &login, "session.logout")?;
            Ok(((), vec![]))
        })
        .await?;
    let mut response = Redirect::to("/admin/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, &headers),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_inside_interface() {
        assert_eq!(
            safe_next(Some("/admin/elections/1/board")),
            "/admin/elections/1/board"
        );
        assert_eq!(safe_next(Some("https://example.org/")), "/admin/elections");
        assert_eq!(safe_next(Some("/admin//evil")), "/admin/elections");
        assert_eq!(safe_next(Some("/admin/login")), "/admin/elections");
        assert_eq!(safe_next(None), "/admin/elections");
    }

    #[test]
    fn cookies_read_from_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; urne_session=abc ; b=2"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "c"), None);
    }

    #[test]
    fn secure_flag_behind_https_proxy() {
        let mut headers = HeaderMap::new();
        let plain = set_cookie(SESSION_COOKIE, "x", 10, &headers);
        assert!(!plain.to_str().unwrap().contains("Secure"));
        assert!(
            plain
                .to_str()
                .unwrap()
                .contains("HttpOnly; SameSite=Strict")
        );
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        let secure = set_cookie(SESSION_COOKIE, "x", 10, &headers);
        assert!(secure.to_str().unwrap().ends_with("; Secure"));
    }

    #[test]
    fn secrets_compare() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("", "a"));
    }
}

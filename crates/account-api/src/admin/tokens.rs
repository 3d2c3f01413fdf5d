//! Admin tokens: bearer credentials for the `/v1/admin/*` routes, created by IT on the server with
//! `account-api admin token create`, shown once, stored only as a SHA-256 hash (like the employees'
//! tokens, a copy of the database lets no one in), limited to the scopes they were given, and
//! revocable. They live in their own table: the employee extractor ([`crate::auth::Account`]) never
//! looks there and [`Admin`] never looks at employee tokens, so neither kind reaches the other's
//! routes.

use crate::problem::Problem;
use crate::random::{self, hex, sha256};
use crate::state::AppState;
use crate::store::StoreError;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::StatusCode;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// What an admin token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Scope {
    /// `GET /v1/admin/report`.
    #[serde(rename = "report:read")]
    ReportRead,
    /// `GET /v1/admin/audit`.
    #[serde(rename = "audit:read")]
    AuditRead,
    /// `POST /v1/admin/account-deletions`.
    #[serde(rename = "accounts:delete")]
    AccountsDelete,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::ReportRead, Scope::AuditRead, Scope::AccountsDelete];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ReportRead => "report:read",
            Scope::AuditRead => "audit:read",
            Scope::AccountsDelete => "accounts:delete",
        }
    }

    pub fn parse(text: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// The prefix of every admin token: a token pasted into the wrong place is recognisable (and
/// secret scanners can be taught it).
pub const TOKEN_PREFIX: &str = "mia_";

/// An admin token as listed: never the token itself.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

/// A token just created: the only time its secret exists outside the caller's hands.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    #[serde(flatten)]
    pub info: TokenInfo,
    pub token: String,
}

/// Why a token could not be created or revoked.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("a token needs at least one scope")]
    NoScope,
    #[error("a token name is 1 to 64 printable characters")]
    BadName,
    #[error("no admin token has this id")]
    UnknownId,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for TokenError {
    fn from(e: rusqlite::Error) -> Self {
        TokenError::Store(e.into())
    }
}

/// Creates a token named `name` (a label for people: "HR offboarding script") with `scopes`.
pub fn create(
    conn: &Connection,
    name: &str,
    scopes: &[Scope],
    now: &str,
) -> Result<Created, TokenError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(TokenError::BadName);
    }
    if scopes.is_empty() {
        return Err(TokenError::NoScope);
    }
    let mut names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let token = format!("{TOKEN_PREFIX}{}", random::token());
    let id = hex(&random::bytes::<6>());
    conn.execute(
        "INSERT INTO admin_tokens (id, hash, name, scopes, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id,
            sha256(token.as_bytes()).to_vec(),
            name,
            names.join(" "),
            now
        ],
    )?;
    Ok(Created {
        info: TokenInfo {
            id,
            name: name.to_string(),
            scopes: names.into_iter().map(str::to_string).collect(),
            created_at: now.to_string(),
            revoked_at: None,
            last_used_at: None,
        },
        token,
    })
}

/// Every admin token, oldest first, revoked ones included (they are history).
pub fn list(conn: &Connection) -> Result<Vec<TokenInfo>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, name, scopes, created_at, revoked_at, last_used_at FROM admin_tokens
         ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([], |r| {
        let scopes: String = r.get(2)?;
        Ok(TokenInfo {
            id: r.get(0)?,
            name: r.get(1)?,
            scopes: scopes.split(' ').map(str::to_string).collect(),
            created_at: r.get(3)?,
            revoked_at: r.get(4)?,
            last_used_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revokes the token `id` from now on; revoking it again keeps the first time.
pub fn revoke(conn: &Connection, id: &str, now: &str) -> Result<(), TokenError> {
    let changed = conn.execute(
        "UPDATE admin_tokens SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1",
        params![id, now],
    )?;
    if changed == 0 {
        return Err(TokenError::UnknownId);
    }
    Ok(())
}

/// The caller of an admin route: a live admin token.
#[derive(Debug, Clone)]
pub struct Admin {
    /// The token's id (what the audit log names; never the token).
    pub token_id: String,
    pub scopes: Vec<Scope>,
}

impl Admin {
    /// `403 insufficient_scope` unless the token has `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), Problem> {
        if self.scopes.contains(&scope) {
            return Ok(());
        }
        Err(Problem::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            "The admin token does not have the scope this route needs",
        )
        .detail(format!("this route needs the scope {}", scope.as_str()))
        .www_authenticate(format!(
            "Bearer realm=\"mail-identity-admin\", error=\"insufficient_scope\", scope=\"{}\"",
            scope.as_str()
        )))
    }
}

/// The live admin token `token`, noting its use.
pub fn authenticate(
    conn: &Connection,
    token: &str,
    now: &str,
) -> Result<Option<Admin>, StoreError> {
    let hash = sha256(token.as_bytes()).to_vec();
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT id, scopes FROM admin_tokens WHERE hash = ?1 AND revoked_at IS NULL",
            [&hash],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((id, scopes)) = row else {
        return Ok(None);
    };
    conn.execute(
        "UPDATE admin_tokens SET last_used_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(Some(Admin {
        token_id: id,
        scopes: scopes.split(' ').filter_map(Scope::parse).collect(),
    }))
}

fn unauthorized(error: Option<&'static str>, detail: &'static str) -> Problem {
    let challenge = match error {
        Some(e) => format!("Bearer realm=\"mail-identity-admin\", error=\"{e}\""),
        None => "Bearer realm=\"mail-identity-admin\"".to_string(),
    };
    Problem::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "An admin token is required",
    )
    .detail(detail)
    .www_authenticate(challenge)
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let Some(value) = parts.headers.get(AUTHORIZATION) else {
            return Err(unauthorized(None, "an admin token is required"));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, token) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty() && t.len() <= 512)
            .ok_or_else(|| {
                unauthorized(
                    Some("invalid_token"),
                    "the Authorization header is not a bearer token",
                )
            })?
            .to_string();
        let now = state.clock.now_rfc3339();
        state
            .store
            .call(move |conn| authenticate(conn, &token, &now).map_err(Problem::from))
            .await?
            .ok_or_else(|| {
                unauthorized(
                    Some("invalid_token"),
                    "the admin token is unknown or revoked",
                )
            })
    }
}

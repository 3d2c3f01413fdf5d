//! Launching the app under tauri-driver with an isolated home, and finding things the way a person does.

mod driver;
mod server;

pub use server::{Server, DEMO_PASSWORD};

use driver::Driver;
use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long to wait for something to appear. Generous, because the very first launch on a fresh
/// machine also builds WebKit's and fontconfig's caches; a passing test never waits this long.
const FIRST_PAINT_BUDGET: Duration = Duration::from_secs(45);

/// Whether end-to-end tests were asked for; prints why a test is skipped otherwise.
pub fn enabled(test: &str) -> bool {
    let on = std::env::var("MAIL_IDENTITY_E2E").is_ok_and(|v| v == "1");
    if !on {
        eprintln!("skipping {test}: set MAIL_IDENTITY_E2E=1 (cargo xtask test e2e does)");
    }
    on
}

/// How to start the app.
pub struct Launch<'a> {
    /// The OS locale the app sees (`LANG`), e.g. `C.UTF-8`, `en_US.UTF-8`.
    pub os_locale: &'a str,
    /// The account server the app talks to (`MAIL_IDENTITY_API_BASE_URL`); none: the app's default.
    pub server: Option<&'a Server>,
}

/// The webmail address every launch with a server is configured with (policy `webmail_url`).
pub const WEBMAIL_URL: &str = "https://mail.corp.example";

/// The running app with a WebDriver session on its main window.
pub struct App {
    pub client: Client,
    driver: Driver,
    home: PathBuf,
    binary: PathBuf,
    os_locale: String,
    env: Vec<(&'static str, String)>,
}

impl App {
    /// Starts the app under test (see [`app_binary`]) with an empty profile (its own HOME and XDG
    /// directories).
    pub async fn launch(launch: Launch<'_>) -> App {
        Self::launch_binary(launch, &app_binary()).await
    }

    /// Starts the app with no account server configured, in the OS language `os_locale`.
    pub async fn launch_without_server(os_locale: &str) -> App {
        Self::launch(Launch {
            os_locale,
            server: None,
        })
        .await
    }

    /// Starts `binary` (e.g. the one an installed package put in `/usr/bin`) the same way.
    pub async fn launch_binary(launch: Launch<'_>, binary: &Path) -> App {
        let api_base_url = launch.server.map(Server::base_url);
        App::start(binary, fresh_home(), launch.os_locale, api_base_url).await
    }

    /// Starts the app with `home` as its HOME and XDG directories (an empty one, or one a previous
    /// launch left with [`App::stop`]), pointed at `api_base_url` when given.
    pub async fn launch_at(home: PathBuf, os_locale: &str, api_base_url: Option<String>) -> App {
        App::start(&app_binary(), home, os_locale, api_base_url).await
    }

    async fn start(
        binary: &Path,
        home: PathBuf,
        os_locale: &str,
        api_base_url: Option<String>,
    ) -> App {
        let mut env = Vec::new();
        if let Some(url) = api_base_url {
            if let Some(file) = std::env::var_os(SYSTEM_POLICY_FILE) {
                write_system_policy(Path::new(&file), &url);
            }
            env.push(("MAIL_IDENTITY_API_BASE_URL", url));
            // As a company deploys it: the webmail the refused screen leads on to.
            env.push(("MAIL_IDENTITY_WEBMAIL_URL", WEBMAIL_URL.to_string()));
        }
        let driver = Driver::start(&home, os_locale, &env);
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": binary }),
        );
        let client = new_session(&driver.url(), capabilities).await;
        App {
            client,
            driver,
            home,
            binary: binary.to_path_buf(),
            os_locale: os_locale.to_string(),
            env,
        }
    }

    /// Starts the same binary again, as a person double-clicking it would, with the same profile,
    /// and waits (at most 20 s) for that second process to end; `None` if it is still running.
    pub fn launch_again(&self) -> Option<std::process::ExitStatus> {
        let mut child = driver::app_command(&self.binary, &self.home, &self.os_locale, &self.env)
            .spawn()
            .expect("the app binary starts a second time");
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        None
    }

    /// Waits for the first element `xpath` finds; panics saying `missing` after the budget.
    async fn wait_for(&self, xpath: &str, missing: &str) -> Element {
        self.client
            .wait()
            .at_most(FIRST_PAINT_BUDGET)
            .for_element(Locator::XPath(xpath))
            .await
            .unwrap_or_else(|e| panic!("{missing}: {e}"))
    }

    /// Waits for an element whose whole visible text is `text` and returns it.
    pub async fn find_text(&self, text: &str) -> Element {
        let xpath = format!("//*[normalize-space(.)={}]", xpath_literal(text));
        self.wait_for(&xpath, &format!("no element shows the text {text:?}"))
            .await
    }

    /// Waits for a heading (h1–h3) whose visible text is `text`.
    pub async fn find_heading(&self, text: &str) -> Element {
        let xpath = format!(
            "//*[self::h1 or self::h2 or self::h3 or @role='heading'][normalize-space(.)={}]",
            xpath_literal(text)
        );
        self.wait_for(&xpath, &format!("no heading reads {text:?}"))
            .await
    }

    /// Waits for a button whose visible text is `name` (its accessible name as a person reads it).
    pub async fn button(&self, name: &str) -> Element {
        let xpath = format!(
            "//*[self::button or @role='button'][normalize-space(.)={}]",
            xpath_literal(name)
        );
        self.wait_for(&xpath, &format!("no button reads {name:?}"))
            .await
    }

    /// Clicks the button whose visible text is `name`, once it is enabled.
    pub async fn click_button(&self, name: &str) {
        let button = self.button(name).await;
        self.until(&format!("button {name:?} is enabled"), || {
            let button = button.clone();
            async move { button.is_enabled().await.unwrap_or(false) }
        })
        .await;
        button
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {name:?}: {e}"));
    }

    /// Clicks the button `name` inside the open dialog (`role=dialog`), once it is enabled: the
    /// screen under a dialog may have a button of the same name.
    pub async fn click_dialog_button(&self, name: &str) {
        let xpath = format!(
            "//*[@role='dialog']//*[self::button or @role='button'][normalize-space(.)={}]",
            xpath_literal(name)
        );
        let button = self
            .wait_for(&xpath, &format!("no dialog button reads {name:?}"))
            .await;
        self.until(&format!("dialog button {name:?} is enabled"), || {
            let button = button.clone();
            async move { button.is_enabled().await.unwrap_or(false) }
        })
        .await;
        button
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {name:?} in the dialog: {e}"));
    }

    /// Waits for a list option (`role=option`) whose visible text starts with `text`.
    pub async fn option(&self, text: &str) -> Element {
        let xpath = format!(
            "//*[@role='option'][starts-with(normalize-space(.), {})]",
            xpath_literal(text)
        );
        self.wait_for(&xpath, &format!("no option reads {text:?}"))
            .await
    }

    /// Waits for the form control labelled `label` (by a `<label for>`, a `<label>` around it, or
    /// `aria-label`).
    pub async fn field(&self, label: &str) -> Element {
        let literal = xpath_literal(label);
        let xpath = format!(
            "//*[self::input or self::textarea or self::select or @role='combobox' or @role='switch']\
             [@id=//label[normalize-space(.)={literal}]/@for or @aria-label={literal} \
             or ancestor::label[normalize-space(.)={literal}]]"
        );
        self.wait_for(&xpath, &format!("no field is labelled {label:?}"))
            .await
    }

    /// Types `text` into the field labelled `label`, key by key, as a person would.
    pub async fn type_into(&self, label: &str, text: &str) {
        let field = self.field(label).await;
        field
            .click()
            .await
            .unwrap_or_else(|e| panic!("focusing {label:?}: {e}"));
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("typing into {label:?}: {e}"));
    }

    /// Empties the field labelled `label`.
    pub async fn clear(&self, label: &str) {
        let field = self.field(label).await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clearing {label:?}: {e}"));
    }

    /// Waits until some element's visible text contains `text`.
    pub async fn find_text_containing(&self, text: &str) -> Element {
        let xpath = format!("//*[contains(normalize-space(.), {})]", xpath_literal(text));
        self.wait_for(&xpath, &format!("no element shows {text:?}"))
            .await
    }

    /// Waits until `condition` holds, polling; panics with `what` after the budget.
    pub async fn until<F, Fut>(&self, what: &str, mut condition: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = std::time::Instant::now() + FIRST_PAINT_BUDGET;
        while !condition().await {
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting until {what}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Signs in with a demo account through the sign-in screen.
    pub async fn sign_in(&self, address: &str) {
        self.type_into("웹메일 아이디(메일 주소)", address).await;
        self.type_into("비밀번호", DEMO_PASSWORD).await;
        self.click_button("로그인").await;
    }

    /// Saves a screenshot as test output under `target/e2e-screenshots/` for a person to look at.
    pub async fn screenshot(&self, name: &str) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots");
        let _ = std::fs::create_dir_all(&dir);
        // WebKitGTK hands out the last composited frame: let two frames pass so it shows the DOM.
        let _ = self
            .client
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));",
                vec![],
            )
            .await;
        // Bounded: WebKitWebDriver never answers a screenshot of a web view that paints without
        // GPU compositing (what release builds do on Linux, src-tauri/src/window.rs).
        match tokio::time::timeout(Duration::from_secs(20), self.client.screenshot()).await {
            Ok(Ok(png)) => {
                let _ = std::fs::write(dir.join(format!("{name}.png")), png);
            }
            Ok(Err(error)) => eprintln!("screenshot {name}: {error}"),
            Err(_) => eprintln!("screenshot {name}: WebKitWebDriver gave none within 20 s"),
        }
    }

    /// A phone keystroke's IPC round trip from the page (`check_phone_input`: the reformatted text,
    /// the caret and the verdict in one call): `calls` calls in a row, each time in milliseconds
    /// (WebKit's clock has 1 ms resolution).
    pub async fn keystroke_round_trips(&self, calls: usize) -> serde_json::Value {
        self.client
            .execute_async(
                "const [calls, done] = arguments;
                 (async () => {
                   const invoke = window.__TAURI_INTERNALS__.invoke;
                   const times = [];
                   for (let i = 0; i < calls; i++) {
                     const input = '010-1234-' + String(1000 + i).slice(-4, -4 + (i % 4) + 1);
                     const start = performance.now();
                     await invoke('check_phone_input', { input, caret: input.length, mode: { mode: 'domestic' } });
                     times.push(performance.now() - start);
                   }
                   return times;
                 })().then(done);",
                vec![serde_json::json!(calls)],
            )
            .await
            .expect("timing the keystroke command")
    }

    /// The app's isolated home: its data, logs and anything it saved.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Ends the session (which closes the app) and removes the profile.
    pub async fn close(self) {
        let home = self.stop().await;
        let _ = std::fs::remove_dir_all(&home);
    }

    /// Ends the session (which closes the app) and keeps the profile, for a later
    /// [`App::launch_at`] with it: the next start of the same user.
    pub async fn stop(self) -> PathBuf {
        let _ = self.client.close().await;
        // The app may still be writing its caches: stop the driver (and with it the app) first.
        drop(self.driver);
        self.home
    }
}

/// Names the system policy file to point a **release** app at the server through: a release build
/// ignores `MAIL_IDENTITY_*` variables (any program running as the user could set them), so
/// `cargo xtask bench`, which drives the release binary as root, sets this to
/// `/etc/mail-identity/policy.json` and puts the machine's own file back afterwards.
const SYSTEM_POLICY_FILE: &str = "MAIL_IDENTITY_E2E_POLICY_FILE";

/// Writes `{"api_base_url": url}` to `file` as an administrator would: folder 0755, file 0644,
/// owned by the (root) user running the test, so that the app's ownership check accepts it.
fn write_system_policy(file: &Path, url: &str) {
    let folder = file.parent().expect("the policy file has a folder");
    std::fs::create_dir_all(folder).expect("creating the policy folder");
    let policy = serde_json::json!({ "api_base_url": url, "webmail_url": WEBMAIL_URL });
    std::fs::write(file, policy.to_string()).expect("writing the system policy file");
    #[cfg(unix)]
    {
        use std::fs::Permissions;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(folder, Permissions::from_mode(0o755))
            .expect("protecting the policy folder");
        std::fs::set_permissions(file, Permissions::from_mode(0o644))
            .expect("protecting the system policy file");
    }
}

/// The app under test: the one cargo built with this test, unless `MAIL_IDENTITY_E2E_APP` names
/// another build (the bench drives the release binary it measured, built without the test's
/// dev-dependencies).
pub fn app_binary() -> PathBuf {
    std::env::var_os("MAIL_IDENTITY_E2E_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_mail-identity")))
}

/// Opens the WebDriver session. tauri-driver accepts connections a moment before WebKitWebDriver
/// (and, right after a previous test, before the last one has let go), so a dropped first
/// attempt is retried for a few seconds before it counts as a failure.
async fn new_session(
    url: &str,
    capabilities: serde_json::Map<String, serde_json::Value>,
) -> Client {
    let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(capabilities);
    let mut attempt = 0;
    loop {
        attempt += 1;
        // WebKitWebDriver waits for the app's automation session without a limit of its own: an
        // app that never opens a window (one that handed over to a running instance) would hang
        // the run instead of failing it.
        match tokio::time::timeout(FIRST_PAINT_BUDGET, builder.connect(url)).await {
            Ok(Ok(client)) => return client,
            Ok(Err(error)) if attempt < 8 => {
                eprintln!("WebDriver session attempt {attempt} failed ({error}); retrying");
                tokio::time::sleep(Duration::from_millis(750)).await;
            }
            Ok(Err(error)) => {
                panic!("no WebDriver session on the app after {attempt} attempts: {error}")
            }
            Err(_) => panic!(
                "the app opened no window for WebDriver within {FIRST_PAINT_BUDGET:?} \
                 (is another instance of it still running?)"
            ),
        }
    }
}

/// An XPath string literal for any text (XPath 1.0 has no escapes: quotes are joined with concat()).
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        return format!("'{text}'");
    }
    let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
    format!("concat({})", parts.join(", \"'\", "))
}

/// A fresh, empty directory for one test's files (the server's database).
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = fresh_home().join(name);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// A new, empty home directory (with the XDG folders) for one launch of the app.
pub fn fresh_home() -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let home = std::env::temp_dir().join(format!("mail-identity-e2e-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    for dir in [".config", ".local/share", ".cache"] {
        std::fs::create_dir_all(home.join(dir)).expect("a temporary home directory");
    }
    home
}

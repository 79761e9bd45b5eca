//! Helpers for the web interface's end-to-end tests. [`Browser`] drives a real headless
//! Chromium through WebDriver (`chromedriver` from Debian's `chromium-driver`, started on
//! a free loopback port), runs axe-core and takes screenshots. [`FormSession`] is a plain
//! HTTP client that signs in and posts forms the way a browser does.
//!
//! The WebDriver client is async (`fantoccini`); [`Browser`] owns a small tokio runtime
//! and offers blocking methods, so tests mix it freely with the blocking [`crate::Hub`].

use crate::{hub_binary, repository};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Size of every screenshot, as the elections office's screens show the interface.
pub const WINDOW: (u32, u32) = (1366, 768);

/// Holds the guard while a test drives browsers, so tests of one binary do not start
/// several Chromiums on the machine's few cores at once.
pub fn one_browser_test_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Creates an account with `urne-hub user add`, the password passed in URNE_PASSWORD.
pub fn add_user(db: &Path, login: &str, role: &str, stations: Option<&str>, password: &str) {
    let db = db.to_string_lossy().into_owned();
    let mut args = vec!["user", "add", "--db", &db, "--login", login, "--role", role];
    if let Some(stations) = stations {
        args.extend(["--stations", stations]);
    }
    let output = Command::new(hub_binary())
        .args(&args)
        .env("URNE_PASSWORD", password)
        .env("URNE_LOG", "warn")
        .output()
        .expect("urne-hub must start");
    assert!(
        output.status.success(),
        "user add {login} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// Path of axe-core's script, installed by `npm ci` in tests/axe.
pub fn axe_script() -> PathBuf {
    repository().join("tests/axe/node_modules/axe-core/axe.min.js")
}

/// A headless Chromium session, closed (and its chromedriver ended) when dropped.
pub struct Browser {
    runtime: tokio::runtime::Runtime,
    client: Option<Client>,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and opens a Chromium session with a
    /// fresh profile and a 1366×768 window.
    pub fn start() -> Browser {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .args([
                format!("--port={port}"),
                "--allowed-ips=127.0.0.1".to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "chromedriver must start: install Debian's chromium and chromium-driver \
                 packages",
            );
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("profile folder");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        let arguments = [
            "--headless=new".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--disable-quic".to_string(),
            "--no-first-run".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            format!("--window-size={},{}", WINDOW.0, WINDOW.1),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_string(),
            json!({ "args": arguments }),
        );
        let client = runtime
            .block_on(
                ClientBuilder::new(HttpConnector::new())
                    .capabilities(capabilities)
                    .connect(&format!("http://127.0.0.1:{port}")),
            )
            .expect("WebDriver session");
        Browser {
            runtime,
            client: Some(client),
            driver,
            _profile: profile,
        }
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("session open until drop")
    }

    pub fn goto(&self, url: &str) {
        self.runtime
            .block_on(self.client().goto(url))
            .unwrap_or_else(|e| panic!("goto {url}: {e}"));
    }

    pub fn current_url(&self) -> String {
        self.runtime
            .block_on(self.client().current_url())
            .map(|url| url.to_string())
            .expect("current URL")
    }

    /// Types `text` into the focused element, as a person at the keyboard does.
    pub fn type_text(&self, text: &str) {
        self.runtime.block_on(async {
            let element = self
                .client()
                .active_element()
                .await
                .expect("focused element");
            element.send_keys(text).await.expect("keys sent");
        });
    }

    /// Types `text` then Tab.
    pub fn type_and_tab(&self, text: &str) {
        self.type_text(&format!("{text}{}", char::from(Key::Tab)));
    }

    pub fn press_enter(&self) {
        self.type_text(&char::from(Key::Enter).to_string());
    }

    /// Returns the `id` of the focused element.
    pub fn focused_id(&self) -> String {
        self.runtime.block_on(async {
            let element = self
                .client()
                .active_element()
                .await
                .expect("focused element");
            element.attr("id").await.ok().flatten().unwrap_or_default()
        })
    }

    /// Returns the visible text of the first element matching `css`.
    pub fn text(&self, css: &str) -> String {
        self.runtime.block_on(async {
            let element = self
                .client()
                .find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("no element {css}: {e}"));
            element.text().await.expect("element text")
        })
    }

    /// Returns the whole page's visible text.
    pub fn page_text(&self) -> String {
        self.text("body")
    }

    /// Returns the `value` property of the first element matching `css`.
    pub fn value(&self, css: &str) -> String {
        self.runtime.block_on(async {
            let element = self
                .client()
                .find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("no element {css}: {e}"));
            element
                .prop("value")
                .await
                .ok()
                .flatten()
                .unwrap_or_default()
        })
    }

    /// Returns whether an element matching `css` exists.
    pub fn exists(&self, css: &str) -> bool {
        self.runtime
            .block_on(self.client().find_all(Locator::Css(css)))
            .map(|found| !found.is_empty())
            .unwrap_or(false)
    }

    pub fn click(&self, css: &str) {
        self.runtime.block_on(async {
            let element = self
                .client()
                .find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("no element {css}: {e}"));
            element
                .click()
                .await
                .unwrap_or_else(|e| panic!("click {css}: {e}"));
        });
    }

    /// Clears the field matching `css` and types `value` into it.
    pub fn fill(&self, css: &str, value: &str) {
        self.runtime.block_on(async {
            let element = self
                .client()
                .find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("no element {css}: {e}"));
            element.clear().await.expect("field cleared");
            element.send_keys(value).await.expect("keys sent");
        });
    }

    /// Runs JavaScript in the page and returns its result.
    pub fn execute(&self, script: &str) -> Value {
        self.runtime
            .block_on(self.client().execute(script, vec![]))
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Polls until the text of `css` contains `needle`; returns whether it did in time.
    pub fn wait_for_text(&self, css: &str, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            let found = self.runtime.block_on(async {
                match self.client().find(Locator::Css(css)).await {
                    Ok(element) => element.text().await.unwrap_or_default().contains(needle),
                    Err(_) => false,
                }
            });
            if found {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// Saves a PNG of the window, scrolled to the top of the page, as
    /// artifacts/screenshots/NAME.png.
    pub fn screenshot(&self, name: &str) {
        self.execute("window.scrollTo(0, 0); return true;");
        let png = self
            .runtime
            .block_on(self.client().screenshot())
            .expect("screenshot");
        let folder = repository().join("artifacts/screenshots");
        std::fs::create_dir_all(&folder).expect("screenshot folder");
        std::fs::write(folder.join(format!("{name}.png")), png).expect("screenshot written");
    }

    /// Runs axe-core on the current page and panics listing every violation of serious
    /// or critical impact.
    pub fn assert_accessible(&self, page: &str) {
        let script = std::fs::read_to_string(axe_script()).unwrap_or_else(|error| {
            panic!(
                "{}: {error}; run `npm ci` in tests/axe first",
                axe_script().display()
            )
        });
        let report = self.runtime.block_on(async {
            self.client()
                .execute(&format!("{script}\nreturn true;"), vec![])
                .await
                .expect("axe-core injected");
            self.client()
                .execute_async(
                    "const done = arguments[arguments.length - 1];
                     axe.run(document, { resultTypes: ['violations'] })
                        .then(result => done(result.violations.map(v => ({
                            id: v.id, impact: v.impact, help: v.help,
                            targets: v.nodes.map(n => n.target.join(' '))
                        }))))
                        .catch(error => done([{ id: 'axe-error', impact: 'critical',
                                                 help: String(error), targets: [] }]));",
                    vec![],
                )
                .await
                .expect("axe-core ran")
        });
        let serious: Vec<&Value> = report
            .as_array()
            .map(|violations| {
                violations
                    .iter()
                    .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            serious.is_empty(),
            "axe-core found serious or critical violations on {page}: {}",
            serde_json::to_string_pretty(&serious).unwrap_or_default()
        );
    }

    /// Signs in through the login page.
    pub fn login(&self, base: &str, login: &str, password: &str) {
        self.goto(&format!("{base}/admin/login"));
        self.fill("#login", login);
        self.fill("#password", password);
        self.press_enter();
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.current_url().contains("/admin/login") {
            assert!(
                Instant::now() < deadline,
                "login of {login} failed: {}",
                self.page_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let _ = self.runtime.block_on(client.close());
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A signed-in session of the web interface over plain HTTP, for forms posted without a
/// browser (forged requests, benchmarks).
pub struct FormSession {
    pub base: String,
    pub client: reqwest::blocking::Client,
    /// `urne_session=…`, sent in the Cookie header.
    pub cookie: String,
    /// The session's CSRF token, read from a page.
    pub csrf: String,
}

/// A response to a form: status, `Location` header and body.
pub struct FormResponse {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

fn read_response(response: reqwest::blocking::Response) -> FormResponse {
    let status = response.status().as_u16();
    let headers = response.headers();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let set_cookies = headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_string)
        .collect();
    FormResponse {
        status,
        location,
        set_cookies,
        body: response.text().unwrap_or_default(),
    }
}

/// Returns the `value` of the first `<input name="NAME">` in `html`.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

impl FormSession {
    fn client() -> reqwest::blocking::Client {
        reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("HTTP client")
    }

    /// Posts the login form; returns the response (303 and a session cookie on success).
    pub fn attempt_login(base: &str, login: &str, password: &str) -> FormResponse {
        let client = FormSession::client();
        let page = read_response(
            client
                .get(format!("{base}/admin/login"))
                .send()
                .expect("login page"),
        );
        let token = hidden_value(&page.body, "login_token").expect("login token field");
        read_response(
            client
                .post(format!("{base}/admin/login"))
                .header("cookie", format!("urne_login={token}"))
                .form(&[
                    ("login", login),
                    ("password", password),
                    ("login_token", token.as_str()),
                    ("next", "/admin/elections"),
                ])
                .send()
                .expect("login answer"),
        )
    }

    /// Signs in and reads the session's CSRF token from the elections page.
    pub fn login(base: &str, login: &str, password: &str) -> FormSession {
        let answer = FormSession::attempt_login(base, login, password);
        assert_eq!(
            answer.status, 303,
            "login of {login} failed: {}",
            answer.body
        );
        let cookie = answer
            .set_cookies
            .iter()
            .find(|c| c.starts_with("urne_session="))
            .and_then(|c| c.split(';').next())
            .expect("session cookie")
            .to_string();
        let mut session = FormSession {
            base: base.to_string(),
            client: FormSession::client(),
            cookie,
            csrf: String::new(),
        };
        let page = session.get("/admin/elections");
        session.csrf = hidden_value(&page.body, "csrf").expect("CSRF field on the page");
        session
    }

    pub fn get(&self, path: &str) -> FormResponse {
        read_response(
            self.client
                .get(format!("{}{path}", self.base))
                .header("cookie", &self.cookie)
                .send()
                .expect("GET answered"),
        )
    }

    /// Posts `fields` as a form, adding the session's CSRF token.
    pub fn post(&self, path: &str, fields: &[(&str, String)]) -> FormResponse {
        let mut all: Vec<(&str, String)> = vec![("csrf", self.csrf.clone())];
        all.extend(fields.iter().cloned());
        self.post_raw(path, &all)
    }

    /// Posts one file as `multipart/form-data` field `field`, with the session's CSRF token.
    pub fn post_file(
        &self,
        path: &str,
        field: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> FormResponse {
        let boundary = "urne-test-boundary-7b1f";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n",
                self.csrf
            )
            .as_bytes(),
        );
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; \
                 filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        read_response(
            self.client
                .post(format!("{}{path}", self.base))
                .header("cookie", &self.cookie)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body)
                .send()
                .expect("POST answered"),
        )
    }

    /// Posts `fields` exactly as given, with the session cookie.
    pub fn post_raw(&self, path: &str, fields: &[(&str, String)]) -> FormResponse {
        read_response(
            self.client
                .post(format!("{}{path}", self.base))
                .header("cookie", &self.cookie)
                .form(fields)
                .send()
                .expect("POST answered"),
        )
    }
}

/// Password of every account the web tests create.
pub const PASSWORD: &str = "mot-de-passe-essai";

/// One station's official record of Gouesnou's législatives 2024 round 1.
pub struct OfficialRecord {
    pub code: &'static str,
    pub voters: u32,
    pub blank: u32,
    pub invalid: u32,
    pub valid_votes: u32,
    /// Votes of ballot numbers 1 to 10.
    pub votes: [u32; 10],
}

/// The six stations' records, from tests/fixtures/data/gouesnou_29061_legislatives2024_t1_*.
pub const GOUESNOU: [OfficialRecord; 6] = [
    OfficialRecord {
        code: "0001",
        voters: 760,
        blank: 13,
        invalid: 7,
        valid_votes: 740,
        votes: [175, 23, 192, 11, 5, 2, 165, 163, 3, 1],
    },
    OfficialRecord {
        code: "0002",
        voters: 765,
        blank: 15,
        invalid: 6,
        valid_votes: 744,
        votes: [158, 19, 140, 12, 6, 2, 176, 226, 4, 1],
    },
    OfficialRecord {
        code: "0003",
        voters: 655,
        blank: 13,
        invalid: 5,
        valid_votes: 637,
        votes: [138, 19, 122, 12, 1, 5, 173, 163, 4, 0],
    },
    OfficialRecord {
        code: "0004",
        voters: 572,
        blank: 10,
        invalid: 3,
        valid_votes: 559,
        votes: [110, 11, 113, 16, 2, 1, 156, 147, 3, 0],
    },
    OfficialRecord {
        code: "0005",
        voters: 622,
        blank: 9,
        invalid: 2,
        valid_votes: 611,
        votes: [175, 17, 141, 16, 5, 1, 142, 110, 4, 0],
    },
    OfficialRecord {
        code: "0006",
        voters: 631,
        blank: 9,
        invalid: 4,
        valid_votes: 618,
        votes: [166, 15, 125, 21, 5, 1, 133, 148, 3, 1],
    },
];

impl OfficialRecord {
    /// Returns the results sheet's fields for this record, based on `base_version`.
    pub fn form_fields(&self, base_version: u64) -> Vec<(&'static str, String)> {
        const VOTE_FIELDS: [&str; 10] = [
            "v_1", "v_2", "v_3", "v_4", "v_5", "v_6", "v_7", "v_8", "v_9", "v_10",
        ];
        let mut fields = vec![
            ("base_version", base_version.to_string()),
            ("registered", String::new()),
            ("voters", self.voters.to_string()),
            ("ballots_found", String::new()),
            ("blank", self.blank.to_string()),
            ("invalid", self.invalid.to_string()),
            ("valid_votes", self.valid_votes.to_string()),
        ];
        for (name, votes) in VOTE_FIELDS.iter().zip(self.votes) {
            fields.push((name, votes.to_string()));
        }
        fields
    }
}

/// Imports Gouesnou's législatives 2024 round 1 configuration (6 stations, 10
/// candidates, no results), creates the accounts `admin` (administrator),
/// `superviseur` (supervisor), `agent1` (clerk limited to 0001), `agent2` and `agent3`
/// (clerks) and `lecteur` (read-only), all with [`PASSWORD`], and serves it.
pub fn gouesnou_site(directory: &Path) -> (crate::Hub, i64) {
    let db = directory.join("urne.sqlite");
    let stations = crate::fixture("data/gouesnou_29061_legislatives2024_t1_bureaux.csv");
    let candidates = crate::fixture("data/gouesnou_29061_legislatives2024_t1_candidats.csv");
    let ids = crate::import(
        &db,
        &[
            "--configuration-only",
            &stations.to_string_lossy(),
            &candidates.to_string_lossy(),
        ],
    );
    assert_eq!(ids.len(), 1, "one election imported");
    for (login, role, limited) in [
        ("admin", "administrator", None),
        ("superviseur", "supervisor", None),
        ("agent1", "clerk", Some("0001")),
        ("agent2", "clerk", None),
        ("agent3", "clerk", None),
        ("lecteur", "read-only", None),
    ] {
        add_user(&db, login, role, limited, PASSWORD);
    }
    (crate::Hub::serve(&db), ids[0])
}

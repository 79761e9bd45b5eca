//! A headless Chromium at the projector's 1920×1080, for tests/tests/projector_*.rs. It
//! follows the web tests' `browser::Browser` (chromedriver from Debian's
//! `chromium-driver` on a free loopback port, a fresh profile per session) with the only
//! change the projector needs: the window size. Test files include it with
//! `#[path = "../src/projector_browser.rs"] mod projector_browser;`.

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Size of the projector's screen over HDMI.
pub const PROJECTOR: (u32, u32) = (1920, 1080);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// Folder of the projector screenshots, artifacts/screenshots/projector.
pub fn screenshot_folder() -> PathBuf {
    urne_tests::repository().join("artifacts/screenshots/projector")
}

/// A headless Chromium session at 1920×1080, closed (and its chromedriver ended) when
/// dropped.
pub struct ProjectorBrowser {
    runtime: tokio::runtime::Runtime,
    client: Option<Client>,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl ProjectorBrowser {
    pub fn start() -> ProjectorBrowser {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .args([
                format!("--port={port}"),
                "--allowed-ips=127.0.0.1".to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver must start: install Debian's chromium and chromium-driver");
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
            "--no-first-run".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            "--hide-scrollbars".to_string(),
            format!("--window-size={},{}", PROJECTOR.0, PROJECTOR.1),
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
        // --window-size sets the outer window: grow it so the page itself is 1920×1080.
        let chrome = runtime
            .block_on(client.execute(
                "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];",
                vec![],
            ))
            .expect("window size");
        let extra = |index: usize| u32::try_from(chrome[index].as_u64().unwrap_or(0)).unwrap_or(0);
        runtime
            .block_on(client.set_window_size(PROJECTOR.0 + extra(0), PROJECTOR.1 + extra(1)))
            .expect("window resized");
        ProjectorBrowser {
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

    /// Runs JavaScript in the page and returns its result.
    pub fn execute(&self, script: &str) -> Value {
        self.runtime
            .block_on(self.client().execute(script, vec![]))
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Returns the visible text of the first element matching `css`, empty when none.
    pub fn text(&self, css: &str) -> String {
        self.runtime.block_on(async {
            match self.client().find(Locator::Css(css)).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            }
        })
    }

    /// Polls every 20 ms until `check` returns true; returns the time it took, or `None`
    /// after `timeout`.
    pub fn wait_for(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&Self) -> bool,
    ) -> Option<Duration> {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if check(self) {
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Saves a PNG of the screen as artifacts/screenshots/projector/NAME.png.
    pub fn screenshot(&self, name: &str) {
        let png = self
            .runtime
            .block_on(self.client().screenshot())
            .expect("screenshot");
        let folder = screenshot_folder();
        std::fs::create_dir_all(&folder).expect("screenshot folder");
        std::fs::write(folder.join(format!("{name}.png")), png).expect("screenshot written");
    }
}

impl Drop for ProjectorBrowser {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let _ = self.runtime.block_on(client.close());
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

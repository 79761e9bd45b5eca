//! Helpers for the end-to-end tests: build the real `urne-hub` binary, run its commands,
//! and start it as a server on a loopback port chosen by the system.

pub mod browser;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Path of the repository's root folder.
pub fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Path of a file under tests/fixtures.
pub fn fixture(relative: &str) -> PathBuf {
    repository().join("tests/fixtures").join(relative)
}

/// Builds `urne-hub` once per test process and returns its path.
pub fn hub_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "urne-hub", "--bin", "urne-hub"])
            .current_dir(repository())
            .status()
            .expect("cargo must run");
        assert!(status.success(), "building urne-hub failed");
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| repository().join("target"));
        target.join("debug").join("urne-hub")
    })
}

/// Output of one `urne-hub` command.
pub struct Output {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `urne-hub ARGS…` to completion.
pub fn run_hub(args: &[&str]) -> Output {
    let output = Command::new(hub_binary())
        .args(args)
        .env("URNE_LOG", "warn")
        .output()
        .expect("urne-hub must start");
    Output {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Imports files into `db` and returns the ids of the elections created.
pub fn import(db: &Path, args: &[&str]) -> Vec<i64> {
    let db = db.to_string_lossy().into_owned();
    let mut full = vec!["import", "--db", db.as_str()];
    full.extend_from_slice(args);
    let output = run_hub(&full);
    assert!(
        output.success,
        "import failed: {}\n{}",
        output.stderr, output.stdout
    );
    output
        .stdout
        .lines()
        .map(|line| {
            line.split('\t')
                .next()
                .and_then(|id| id.parse().ok())
                .unwrap_or_else(|| panic!("import line without id: {line}"))
        })
        .collect()
}

/// A running `urne-hub serve` (or `demo`) process, killed when dropped.
pub struct Hub {
    pub child: Child,
    pub base: String,
    pub token: Option<String>,
    pub stdout_lines: Vec<String>,
    pub client: reqwest::blocking::Client,
}

impl Hub {
    /// Starts `urne-hub serve` on a free loopback port over the database `db`.
    pub fn serve(db: &Path) -> Hub {
        let db = db.to_string_lossy().into_owned();
        Hub::start(&["serve", "--db", &db, "--listen", "127.0.0.1:0"], 2)
    }

    /// Starts `urne-hub demo` on a free loopback port over the database `db`, replaying the
    /// night `speed` times faster than the default three minutes, with the random `seed`.
    pub fn demo(db: &Path, speed: u32, seed: u64) -> Hub {
        let db = db.to_string_lossy().into_owned();
        let (speed, seed) = (speed.to_string(), seed.to_string());
        let args = [
            "demo",
            "--db",
            &db,
            "--listen",
            "127.0.0.1:0",
            "--speed",
            &speed,
            "--seed",
            &seed,
        ];
        // The demo prints seven lines: title, API, events, two elections, token, replay.
        Hub::start(&args, 7)
    }

    /// Starts `urne-hub` with `args` and reads its first `lines` lines of output, which
    /// must give the address and may give the token.
    pub fn start(args: &[&str], lines: usize) -> Hub {
        Hub::start_binary(hub_binary(), args, lines)
    }

    /// Same as [`Hub::start`] with another build of the binary (the benchmarks' release one).
    pub fn start_binary(binary: &Path, args: &[&str], lines: usize) -> Hub {
        let mut child = Command::new(binary)
            .args(args)
            .env("URNE_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("urne-hub must start");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut reader = BufReader::new(stdout);
        let mut stdout_lines = Vec::new();
        let mut base = None;
        let mut token = None;
        let deadline = Instant::now() + Duration::from_secs(60);
        while stdout_lines.len() < lines && Instant::now() < deadline {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            let line = line.trim_end().to_string();
            if base.is_none()
                && let Some(start) = line.find("http://")
            {
                let url = &line[start..];
                let end = url.find("/api/").unwrap_or(url.len());
                base = Some(url[..end].to_string());
            }
            if let Some((_, value)) = line.split_once("conservez-le) : ") {
                token = Some(value.trim().to_string());
            }
            stdout_lines.push(line);
        }
        // Keep draining stdout so the hub never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while reader.read_line(&mut sink).unwrap_or(0) > 0 {
                sink.clear();
            }
        });
        let base = base.unwrap_or_else(|| panic!("hub printed no address: {stdout_lines:?}"));
        Hub {
            child,
            base,
            token,
            stdout_lines,
            client: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("HTTP client"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GETs a JSON document and asserts a 200 answer.
    pub fn get_json(&self, path: &str) -> serde_json::Value {
        let response = self
            .client
            .get(self.url(path))
            .send()
            .expect("GET must answer");
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        response.json().expect("JSON body")
    }

    /// Sends a write with the hub's token; returns the status and the JSON body.
    pub fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let mut request = self.client.request(method, self.url(path)).json(body);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().expect("write must answer");
        let status = response.status().as_u16();
        (status, response.json().unwrap_or(serde_json::Value::Null))
    }

    pub fn put(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        self.send(reqwest::Method::PUT, path, body)
    }

    pub fn post(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        self.send(reqwest::Method::POST, path, body)
    }

    /// Ends the process with SIGKILL, as a power cut or the OOM killer would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Polls `check` every 50 ms until it returns true or `timeout` passes.
pub fn wait_until(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

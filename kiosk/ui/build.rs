//! Compiles the Slint interface. Debug builds (tests included) keep element ids and types
//! so that the tests can look elements up through `i-slint-backend-testing`, and so do
//! optimised builds with `SLINT_EMIT_DEBUG_INFO=1` (CI's aarch64 test run).

fn main() {
    println!("cargo:rerun-if-env-changed=SLINT_EMIT_DEBUG_INFO");
    let debug_build = std::env::var("PROFILE").is_ok_and(|profile| profile == "debug");
    let requested = std::env::var("SLINT_EMIT_DEBUG_INFO").is_ok_and(|value| value == "1");
    let config =
        slint_build::CompilerConfiguration::new().with_debug_info(debug_build || requested);
    if let Err(error) = slint_build::compile_with_config("kiosk.slint", config) {
        eprintln!("cannot compile kiosk.slint: {error}");
        std::process::exit(1);
    }
}

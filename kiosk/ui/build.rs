//! Compiles the Slint interface. Debug builds (tests included) keep element ids and types
//! so that the tests can look elements up through `i-slint-backend-testing`.

fn main() {
    let debug_build = std::env::var("PROFILE").is_ok_and(|profile| profile == "debug");
    let config = slint_build::CompilerConfiguration::new().with_debug_info(debug_build);
    if let Err(error) = slint_build::compile_with_config("kiosk.slint", config) {
        eprintln!("cannot compile kiosk.slint: {error}");
        std::process::exit(1);
    }
}

//! The kiosk's Slint interface (`kiosk.slint`), compiled to Rust by `build.rs`. This crate
//! contains only the generated code, which clippy does not lint.
#![allow(
    clippy::all,
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    clippy::cast_lossless
)]

slint::include_modules!();

//! Touchscreen kiosk of Urne: follows one election on the hub and shows its results on a
//! screen in the town hall, for the public to browse by touch.

pub mod cache;
pub mod client;
pub mod config;
pub mod devices;
pub mod fonts;
pub mod format;
pub mod hardware;
pub mod headless;
pub mod idle;
pub mod race;
pub mod snapshot;
pub mod ui;
pub mod view;
pub mod worker;

pub use urne_kiosk_ui::*;

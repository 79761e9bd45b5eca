//! Urne's election-night hub: storage, consistency checks, aggregation, JSON API and
//! events stream. The `urne-hub` binary is the command line over this library.

pub mod analysis;
pub mod api;
pub mod archive;
pub mod backup;
pub mod communes;
pub mod db;
pub mod demo;
pub mod export;
pub mod import;
pub mod projection;
pub mod publish;
pub mod seats;
pub mod seats_csv;
pub mod service;
pub mod state;
pub mod view_cache;
pub mod views;
pub mod web;

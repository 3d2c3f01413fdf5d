//! Integration tests over real HTTP on loopback, each against its own server and temp database.

mod common;

mod admin;
mod admin_cli;
mod admin_report;
mod alerts;
mod auth;
mod connections;
mod contract;
mod destruction;
mod faults;
mod identity;
mod logs;
mod migration;
mod reconsent;
mod step_up;
mod verification;

//! Generates the Tauri context (config, embedded page, icons) as the app's build script does.

fn main() {
    tauri_build::build();
}

//! The first screen: sign-in, under the product name, in the OS language (Korean unless the OS is
//! in English).

use crate::support::{enabled, App};

#[tokio::test(flavor = "multi_thread")]
async fn korean_product_name_is_shown_by_default() {
    if !enabled("korean_product_name_is_shown_by_default") {
        return;
    }
    let app = App::launch_without_server("C.UTF-8").await;
    app.find_text("G-Cloud 메일 본인 인증 정보").await;
    app.find_heading("로그인").await;
    app.field("웹메일 아이디(메일 주소)").await;
    app.field("비밀번호").await;
    assert_eq!(
        app.client.title().await.expect("the page title"),
        "G-Cloud 메일 본인 인증 정보"
    );
    let lang = app
        .client
        .execute("return document.documentElement.lang", vec![])
        .await
        .expect("reading <html lang>");
    assert_eq!(lang, "ko");
    app.screenshot("home-ko").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn english_os_shows_english_product_name() {
    if !enabled("english_os_shows_english_product_name") {
        return;
    }
    let app = App::launch_without_server("en_US.UTF-8").await;
    app.find_text("G-Cloud Mail Identity Verification").await;
    app.find_heading("Sign in").await;
    app.screenshot("home-en").await;
    app.close().await;
}

/// A second launch (a double click on the icon while the app runs) hands over to the running app
/// and ends, so that two windows never edit the same draft; the first window keeps its input.
#[tokio::test(flavor = "multi_thread")]
async fn a_second_launch_hands_over_to_the_running_window() {
    if !enabled("a_second_launch_hands_over_to_the_running_window") {
        return;
    }
    let app = App::launch_without_server("C.UTF-8").await;
    app.find_heading("로그인").await;
    app.type_into("웹메일 아이디(메일 주소)", "employee@example.com")
        .await;
    let status = app
        .launch_again()
        .expect("the second launch ends on its own instead of opening a window");
    assert!(status.success(), "the second launch ended with {status}");
    let typed = app
        .field("웹메일 아이디(메일 주소)")
        .await
        .prop("value")
        .await
        .expect("reading the field");
    assert_eq!(typed.as_deref(), Some("employee@example.com"));
    let windows = app.client.windows().await.expect("listing windows");
    assert_eq!(windows.len(), 1, "one window, not two");
    app.close().await;
}

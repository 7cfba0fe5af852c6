//! The team panel's HTTP API section on the app's real state (egui_kittest), a real
//! library and a real HTTP client: an admin switches the API on, makes a token there
//! and a program reads the library with it; the switch is kept in config.toml; a
//! revoked token is refused and the API switched off stops answering.

use egui_kittest::kittest::Queryable;
use lore_app::gui::Lang;
use reqwest::StatusCode;

use crate::gui_harness::{demo, opened, shows, until};
use crate::http::{client, get, runtime};

#[test]
fn an_admin_serves_the_api_from_the_team_panel_with_a_token_made_there() {
    let l = demo();
    let mut h = opened(&l.dir(), Lang::Zh);
    h.get_by_label("团队").click();
    until(&mut h, "the API section", |h| shows(h, "在本机开放接口"));
    assert!(shows(&h, "还没有访问令牌"));

    // The port: another free one than the default, typed over it.
    let port = crate::team::free_port();
    h.get_by_label("端口").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("端口").type_text(&port.to_string());
    h.run();
    h.get_by_label("在本机开放接口").click();
    let base = format!("http://127.0.0.1:{port}/v1/");
    until(&mut h, "the API's address", |h| shows(h, &base));
    let config = std::fs::read_to_string(l.dir().join("config.toml")).expect("config.toml");
    assert!(
        config.contains(&format!("http = \"127.0.0.1:{port}\"")),
        "{config}"
    );

    // A token made in the panel, its secret copied from there, works.
    h.get_by_label("令牌名称").click();
    h.run();
    h.get_by_label("令牌名称").type_text("网页客服");
    h.run();
    h.get_by_label("创建令牌").click();
    until(&mut h, "the new token's secret", |h| {
        shows(h, "只显示这一次")
    });
    h.get_by_label("复制令牌").click();
    h.run();
    let secret = h
        .state()
        .last_copy()
        .expect("the secret copied")
        .to_string();
    assert!(secret.starts_with("lore_"), "{secret}");
    let search = format!("{base}search?q=%E9%80%80%E6%AC%BE");
    let rt = runtime();
    let (status, body) = rt.block_on(get(&client(), &search, Some(&secret)));
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!body["hits"].as_array().expect("hits").is_empty(), "{body}");

    // Revoked in the panel: refused.
    h.get_by_label("撤销：网页客服").click();
    until(&mut h, "the token revoked", |h| shows(h, "已撤销"));
    let (status, _) = rt.block_on(get(&client(), &search, Some(&secret)));
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Switched off: nothing answers, and config.toml no longer asks for it.
    h.get_by_label("在本机开放接口").click();
    until(&mut h, "the address gone", |h| !shows(h, &base));
    let stopped = lore_tests::within(std::time::Duration::from_secs(10), || {
        let fresh = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .expect("a client");
        rt.block_on(fresh.get(&search).send())
            .is_err()
            .then_some(())
    });
    assert!(
        stopped.is_some(),
        "the API still answers after it was switched off"
    );
    let config = std::fs::read_to_string(l.dir().join("config.toml")).expect("config.toml");
    assert!(!config.contains("http ="), "{config}");
}

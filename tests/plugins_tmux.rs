//! A foreground plugin in a real terminal: batchtop leaves the alternate screen and raw
//! mode, the plugin reads the keyboard and writes the terminal, and when it ends the TUI is
//! back as it was, with the plugin's exit status on the flash line.

mod support;

use support::tmux::Tmux;

#[test]
fn a_foreground_plugin_gets_the_terminal_and_gives_it_back() {
    let dir = std::env::temp_dir().join(format!("batchtop-plugin-e2e-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("batchtop")).expect("config dir");
    let env_file = dir.join("env.txt");
    let typed_file = dir.join("typed.txt");
    let config = format!(
        r#"start_pane = "jobs"

[[plugins]]
key = "ctrl-e"
scopes = ["jobs"]
description = "env and a question"
command = "env | grep ^BATCHTOP_ > '{}'; printf 'PLUGIN ASKS: '; read -r answer; echo \"$answer\" > '{}'; exit 3"
"#,
        env_file.display(),
        typed_file.display()
    );
    std::fs::write(dir.join("batchtop/config.toml"), config).expect("config");
    let tmux = Tmux::new("plugin", dir.clone());
    let bin = env!("CARGO_BIN_EXE_batchtop");
    let script = format!(
        "XDG_STATE_HOME={d} XDG_CONFIG_HOME={d} BATCHTOP_CONFIG= {bin} --demo; echo BATCHTOP_EXIT=$?; sleep 30",
        d = dir.display()
    );
    tmux.run(&["new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", &script]);
    tmux.wait_for("the jobs table", |s| s.contains("Glue jobs [30/30]"));

    tmux.keys(&["C-e"]);
    tmux.wait_for("the plugin's prompt", |s| s.contains("PLUGIN ASKS:"));
    let alternate = tmux.run(&["display", "-p", "-t", "e2e", "#{alternate_on}"]);
    assert_eq!(alternate.trim(), "0", "the plugin writes the normal screen");
    // The keys go to the plugin, not to batchtop (j would move the cursor, q would quit).
    tmux.text("jq typed here");
    tmux.keys(&["Enter"]);
    let s = tmux.wait_for("the TUI again", |s| s.contains("Glue jobs [30/30]") && s.contains("env and a question"));
    assert!(s.contains("failed (exit 3)"), "{s}");
    assert_eq!(tmux.run(&["display", "-p", "-t", "e2e", "#{alternate_on}"]).trim(), "1");
    assert_eq!(std::fs::read_to_string(&typed_file).expect("typed").trim(), "jq typed here");
    let env = std::fs::read_to_string(&env_file).expect("env");
    assert!(env.contains("BATCHTOP_JOB=") && env.contains("BATCHTOP_SCOPE=jobs"), "{env}");

    // Still alive and answering keys.
    tmux.keys(&["q"]);
    tmux.wait_for("a clean exit", |s| s.contains("BATCHTOP_EXIT=0"));
}

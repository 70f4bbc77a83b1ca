//! `batchtop snapshot --format json` against the emulator seeded with 300 jobs x 20 runs:
//! wall seconds and API calls made. Run with `scripts/with-emulator cargo bench --bench snapshot`.

#[path = "../tests/support/emu.rs"]
mod emu;

use std::process::Command;
use std::time::Instant;

use serde_json::{Value, json};

fn main() {
    if std::env::var("BATCHTOP_EMULATOR_URL").is_err() {
        eprintln!("snapshot bench: run it as `scripts/with-emulator cargo bench --bench snapshot`");
        std::process::exit(2);
    }
    let acct = emu::fresh_account();
    let now = chrono::Utc::now().timestamp() as f64;
    let jobs: Vec<Value> = (0..300)
        .map(|j| {
            let runs: Vec<Value> = (0..20)
                .map(|r| {
                    let start = now - (r as f64 + 1.0) * 3000.0 - j as f64;
                    json!({"id": format!("jr_{:064x}", j * 100 + r), "state": if (j + r) % 7 == 0 { "FAILED" } else { "SUCCEEDED" },
                           "started_on": start, "completed_on": start + 600.0, "execution_time": 600})
                })
                .collect();
            json!({"name": format!("stream{:02}_job_{j:03}", j % 40), "tags": {"stream": format!("stream{:02}", j % 40)}, "runs": runs})
        })
        .collect();
    let t = Instant::now();
    emu::control("/batchtop/glue/seed", &json!({"account_id": acct, "region": emu::REGION, "jobs": jobs}));
    println!("seeded 300 jobs x 20 runs in {:.2} s", t.elapsed().as_secs_f64());
    let key = emu::control("/batchtop/access-key", &json!({"account_id": acct}));
    let bin = env!("CARGO_BIN_EXE_batchtop");
    let home = std::env::temp_dir().join(format!("batchtop-bench-{}", std::process::id()));
    let mut walls = Vec::new();
    for round in 0..3 {
        emu::reset_calls(&acct);
        let t = Instant::now();
        let out = Command::new(bin)
            .env_clear()
            .env("HOME", &home)
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("AWS_ACCESS_KEY_ID", key["access_key_id"].as_str().unwrap_or_default())
            .env("AWS_SECRET_ACCESS_KEY", key["secret_access_key"].as_str().unwrap_or_default())
            .args([
                "snapshot",
                "--since",
                "24h",
                "--format",
                "json",
                "--region",
                emu::REGION,
                "--endpoint-url",
                &emu::url(),
            ])
            .output()
            .unwrap_or_else(|e| panic!("run batchtop: {e}"));
        let wall = t.elapsed().as_secs_f64();
        let snap: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        let runs: usize = snap["glue"]["jobs"]
            .as_array()
            .map(|js| js.iter().map(|j| j["runs"].as_array().map_or(0, Vec::len)).sum())
            .unwrap_or(0);
        let calls = emu::calls(&acct);
        let total: u64 = calls.as_object().map(|m| m.values().filter_map(Value::as_u64).sum()).unwrap_or(0);
        println!(
            "round {round}: {wall:.2} s wall, exit {:?}, {runs} runs printed, {total} API calls {calls}",
            out.status.code()
        );
        walls.push(wall);
    }
    walls.sort_by(f64::total_cmp);
    println!("snapshot 300x20: median {:.2} s wall", walls[1]);
    let _ = std::fs::remove_dir_all(home);
}

// TEMPORARY scratch helper (to be deleted): dump summaries for comparison.
#[test]
#[ignore]
fn dump() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/spark-events");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            continue;
        }
        let out = match batchtop::eventlog::summarize(&p, &Default::default()) {
            Ok(s) => {
                std::fs::write(format!("/tmp/out/{name}.txt"), s.to_text()).unwrap();
                s.to_json().to_string()
            }
            Err(e) => format!("{{\"error\": {:?}}}", e.to_string()),
        };
        std::fs::write(format!("/tmp/out/{name}.json"), out).unwrap();
    }
}
#[test]
#[ignore]
fn which_skipped() {
    let data = std::fs::read("/tmp/ev/nds_q72_dataproc_2_2").unwrap();
    let mut a = batchtop::eventlog::Analyzer::new(Default::default());
    let mut last = 0;
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        a.feed_line(line);
        let s = a.summary().skipped_lines;
        if s != last {
            last = s;
            println!("line {}: {}", i + 1, String::from_utf8_lossy(&line[..line.len().min(300)]));
        }
        if i > 30000 {
            break;
        }
    }
}

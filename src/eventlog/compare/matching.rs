//! Pairing the stages of two runs by name and call site, then by order (rule in `compare`'s docs).

use std::collections::HashMap;

use super::StageRun;

/// Which key paired two stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchRule {
    /// The same name and call site (directories dropped), n-th with n-th.
    Name,
    /// The same name and file, another line: n-th of the left-overs with n-th.
    NameWithoutLine,
}

impl MatchRule {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchRule::Name => "name",
            MatchRule::NameWithoutLine => "name_without_line",
        }
    }
}

/// The keys a stage name is matched by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StageKey {
    /// The name with the directories of its call site dropped: `collect at curate.py:28`.
    pub name: String,
    /// The same without the line number: `collect at curate.py`.
    pub without_line: String,
}

impl StageKey {
    pub fn of(name: &str) -> StageKey {
        let name = name.lines().next().unwrap_or("").trim();
        let name = match name.rfind(" at ") {
            Some(at) => {
                let (op, site) = (&name[..at], &name[at + 4..]);
                let file = site.rsplit(['/', '\\']).next().unwrap_or(site);
                format!("{op} at {file}")
            }
            None => name.to_string(),
        };
        let without_line = match name.rsplit_once(':') {
            Some((head, line)) if !line.is_empty() && line.bytes().all(|c| c.is_ascii_digit()) => head.to_string(),
            _ => name.clone(),
        };
        StageKey { name, without_line }
    }
}

/// Index pairs (into A's and B's stages), and the indices left unmatched on each side.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Matched {
    pub pairs: Vec<(usize, usize, MatchRule)>,
    pub only_a: Vec<usize>,
    pub only_b: Vec<usize>,
}

/// Match by the full key, then the left-overs by the key without line; each in stage order.
pub(crate) fn match_stages(a: &[StageRun], b: &[StageRun]) -> Matched {
    let keys_a: Vec<StageKey> = a.iter().map(|s| StageKey::of(&s.name)).collect();
    let keys_b: Vec<StageKey> = b.iter().map(|s| StageKey::of(&s.name)).collect();
    let mut left_a: Vec<usize> = (0..a.len()).collect();
    let mut left_b: Vec<usize> = (0..b.len()).collect();
    let mut pairs = Vec::new();
    for rule in [MatchRule::Name, MatchRule::NameWithoutLine] {
        let key = |k: &StageKey| match rule {
            MatchRule::Name => k.name.clone(),
            MatchRule::NameWithoutLine => k.without_line.clone(),
        };
        let found = pair_in_order(&left_a, &left_b, |i| key(&keys_a[i]), |j| key(&keys_b[j]));
        left_a.retain(|i| !found.iter().any(|(x, _)| x == i));
        left_b.retain(|j| !found.iter().any(|(_, y)| y == j));
        pairs.extend(found.into_iter().map(|(i, j)| (i, j, rule)));
    }
    pairs.sort_by_key(|&(i, j, _)| (i, j));
    Matched { pairs, only_a: left_a, only_b: left_b }
}

/// Pair the n-th index of A having some key with the n-th of B having the same key.
fn pair_in_order(
    a: &[usize],
    b: &[usize],
    key_a: impl Fn(usize) -> String,
    key_b: impl Fn(usize) -> String,
) -> Vec<(usize, usize)> {
    let mut queues: HashMap<String, std::collections::VecDeque<usize>> = HashMap::new();
    for &j in b {
        queues.entry(key_b(j)).or_default().push_back(j);
    }
    a.iter().filter_map(|&i| Some((i, queues.get_mut(&key_a(i))?.pop_front()?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(id: i64, name: &str) -> StageRun {
        StageRun {
            stage_id: id,
            name: name.into(),
            attempts: 1,
            status: "COMPLETE".into(),
            num_tasks: 1,
            failed_tasks: 0,
            duration_ms: Some(1),
            executor_run_time_ms: 0,
            input_bytes: 0,
            output_bytes: 0,
            shuffle_read_bytes: 0,
            shuffle_write_bytes: 0,
            memory_spilled_bytes: 0,
            disk_spilled_bytes: 0,
            task_p50_ms: None,
            task_max_ms: None,
        }
    }

    #[test]
    fn keys_drop_directories_then_lines() {
        let k = StageKey::of("collect at /tmp/x/curate.py:28\nmore detail");
        assert_eq!((k.name.as_str(), k.without_line.as_str()), ("collect at curate.py:28", "collect at curate.py"));
        let k = StageKey::of("save at C:\\jobs\\curate.py:9");
        assert_eq!(k.name, "save at curate.py:9");
        let k = StageKey::of("$anonfun$withThreadLocalCaptured$1 at CompletableFuture.java:1768");
        assert_eq!(k.without_line, "$anonfun$withThreadLocalCaptured$1 at CompletableFuture.java");
        assert_eq!(StageKey::of("my stage").without_line, "my stage");
        assert_eq!(StageKey::of("").name, "");
    }

    #[test]
    fn same_names_pair_in_order_then_by_file() {
        let a = [stage(0, "parquet at N.java:0"), stage(1, "parquet at N.java:0"), stage(2, "save at /a/job.py:10")];
        let b = [
            stage(0, "parquet at N.java:0"),
            stage(1, "save at /b/job.py:12"),
            stage(2, "parquet at N.java:0"),
            stage(3, "count at job.py:20"),
        ];
        let m = match_stages(&a, &b);
        assert_eq!(m.pairs, vec![(0, 0, MatchRule::Name), (1, 2, MatchRule::Name), (2, 1, MatchRule::NameWithoutLine)]);
        assert_eq!((m.only_a, m.only_b), (vec![], vec![3]));
    }
}

//! A rerun's arguments: what is copied from the old run, what never is, and how a new run
//! is recognised by its arguments.

use std::collections::BTreeMap;

/// Arguments Glue sets on a run itself. Passing them to StartJobRun is refused or, worse,
/// makes the new run claim another run's identity: never copied.
pub const GLUE_RESERVED: [&str; 3] = ["--JOB_ID", "--JOB_RUN_ID", "--JOB_NAME"];

/// Arguments a workflow gives the runs it starts. A standalone run given them reads and
/// writes that workflow run's properties: left out of a rerun unless the user puts them back.
pub const WORKFLOW_NAME: &str = "--WORKFLOW_NAME";
pub const WORKFLOW_RUN_ID: &str = "--WORKFLOW_RUN_ID";

/// The workflow run that started a job run (from its `--WORKFLOW_*` arguments).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowOrigin {
    pub workflow: String,
    pub run_id: String,
}

impl WorkflowOrigin {
    /// The two arguments, as the workflow passed them.
    pub fn arguments(&self) -> [(String, String); 2] {
        [(WORKFLOW_NAME.into(), self.workflow.clone()), (WORKFLOW_RUN_ID.into(), self.run_id.clone())]
    }
}

/// The arguments of a rerun of a run that had `old`: without Glue's reserved keys and the
/// workflow's, and the workflow run it came from, if any.
pub fn rerun_arguments(old: &BTreeMap<String, String>) -> (BTreeMap<String, String>, Option<WorkflowOrigin>) {
    let origin = old.get(WORKFLOW_NAME).map(|workflow| WorkflowOrigin {
        workflow: workflow.clone(),
        run_id: old.get(WORKFLOW_RUN_ID).cloned().unwrap_or_else(|| "?".into()),
    });
    let args = old
        .iter()
        .filter(|(k, _)| !GLUE_RESERVED.contains(&k.as_str()) && *k != WORKFLOW_NAME && *k != WORKFLOW_RUN_ID)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (args, origin)
}

/// True when a run with arguments `seen` is the one StartJobRun was asked for with `asked`
/// (Glue's reserved keys, which it may add, are ignored).
pub fn same_arguments(asked: &BTreeMap<String, String>, seen: &BTreeMap<String, String>) -> bool {
    fn own(m: &BTreeMap<String, String>) -> Vec<(&String, &String)> {
        m.iter().filter(|(k, _)| !GLUE_RESERVED.contains(&k.as_str())).collect()
    }
    own(asked) == own(seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn reserved_and_workflow_keys_stay_behind() {
        let old = map(&[
            ("--JOB_ID", "j_1"),
            ("--JOB_RUN_ID", "jr_1"),
            ("--JOB_NAME", "orders"),
            ("--WORKFLOW_NAME", "nightly"),
            ("--WORKFLOW_RUN_ID", "wr_1"),
            ("--day", "2026-11-23"),
        ]);
        let (args, origin) = rerun_arguments(&old);
        assert_eq!(args, map(&[("--day", "2026-11-23")]));
        assert_eq!(origin, Some(WorkflowOrigin { workflow: "nightly".into(), run_id: "wr_1".into() }));
        assert_eq!(rerun_arguments(&map(&[("--day", "1")])).1, None);
    }

    #[test]
    fn arguments_match_ignoring_what_glue_adds() {
        let asked = map(&[("--day", "1")]);
        assert!(same_arguments(&asked, &map(&[("--day", "1"), ("--JOB_RUN_ID", "jr_2")])));
        assert!(!same_arguments(&asked, &map(&[("--day", "2")])));
        assert!(!same_arguments(&asked, &map(&[("--day", "1"), ("--WORKFLOW_NAME", "w")])));
        assert!(same_arguments(&BTreeMap::new(), &BTreeMap::new()));
    }
}

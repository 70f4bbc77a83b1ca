//! Blast radius: what a failed workflow node kept from running, from the run's graph.

use std::collections::{BTreeSet, VecDeque};

use crate::model::{Graph, Node, NodeKind, NodeState};

/// The job and crawler nodes downstream of `failed` that did not run in this run, by name, in
/// the order they are reached.
pub fn blocked(graph: &Graph, failed: &[&Node]) -> Vec<String> {
    let mut seen: BTreeSet<&str> = failed.iter().map(|n| n.id.as_str()).collect();
    let mut queue: VecDeque<&str> = failed.iter().map(|n| n.id.as_str()).collect();
    let mut out = Vec::new();
    while let Some(id) = queue.pop_front() {
        for (_, to) in graph.edges.iter().filter(|(from, _)| from == id) {
            if !seen.insert(to.as_str()) {
                continue;
            }
            let Some(node) = graph.node(to) else { continue };
            let ran = !matches!(node.state, NodeState::NotRun | NodeState::Fired);
            if ran {
                continue;
            }
            if matches!(node.kind, Some(NodeKind::Job) | Some(NodeKind::Crawler)) {
                out.push(node.name.clone());
            }
            queue.push_back(to.as_str());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RunState;

    fn node(id: &str, kind: NodeKind, state: NodeState) -> Node {
        Node { id: id.into(), name: id.into(), kind: Some(kind), state, ..Default::default() }
    }

    #[test]
    fn downstream_nodes_that_did_not_run_are_blocked() {
        let graph = Graph {
            nodes: vec![
                node("ingest", NodeKind::Job, NodeState::Job(RunState::Succeeded)),
                node("curate", NodeKind::Job, NodeState::Job(RunState::Failed)),
                node("t1", NodeKind::Trigger, NodeState::NotRun),
                node("publish", NodeKind::Job, NodeState::NotRun),
                node("export", NodeKind::Job, NodeState::NotRun),
                node("audit", NodeKind::Job, NodeState::Job(RunState::Succeeded)),
            ],
            edges: vec![
                ("ingest".into(), "curate".into()),
                ("curate".into(), "t1".into()),
                ("t1".into(), "publish".into()),
                ("publish".into(), "export".into()),
                ("ingest".into(), "audit".into()),
            ],
        };
        let failed: Vec<&Node> = graph.nodes.iter().filter(|n| n.state.is_failure()).collect();
        assert_eq!(blocked(&graph, &failed), ["publish", "export"]);
        let none: Vec<&Node> = Vec::new();
        assert!(blocked(&graph, &none).is_empty());
    }
}

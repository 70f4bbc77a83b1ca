//! Laying out a workflow graph: layers by longest path from the start triggers, order
//! within a layer by the parents' positions. Pure data, drawn by `ui::panes::graph`.

use std::collections::HashMap;

use crate::model::Graph;

/// Node indexes per layer, left to right; each layer top to bottom.
pub fn layers(g: &Graph) -> Vec<Vec<usize>> {
    let index: HashMap<&str, usize> = g.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let edges: Vec<(usize, usize)> = g
        .edges
        .iter()
        .filter_map(|(s, d)| Some((*index.get(s.as_str())?, *index.get(d.as_str())?)))
        .filter(|(s, d)| s != d)
        .collect();
    let n = g.nodes.len();
    // Longest path from any source; bounded passes so a cycle cannot loop for ever.
    let mut layer = vec![0usize; n];
    for _ in 0..n {
        let mut changed = false;
        for &(s, d) in &edges {
            if layer[d] < layer[s] + 1 && layer[s] + 1 < n {
                layer[d] = layer[s] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let depth = layer.iter().copied().max().map_or(0, |m| m + 1);
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); depth];
    let mut pos = vec![0f64; n];
    for (l, slot) in out.iter_mut().enumerate() {
        let mut members: Vec<usize> = (0..n).filter(|&i| layer[i] == l).collect();
        let key = |i: usize| {
            let parents: Vec<f64> = edges.iter().filter(|(_, d)| *d == i).map(|(s, _)| pos[*s]).collect();
            if parents.is_empty() { f64::MAX } else { parents.iter().sum::<f64>() / parents.len() as f64 }
        };
        members.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then_with(|| g.nodes[a].name.cmp(&g.nodes[b].name)));
        for (p, &i) in members.iter().enumerate() {
            pos[i] = p as f64;
        }
        *slot = members;
    }
    out
}

/// Nodes in reading order (layer by layer): the order the cursor walks.
pub fn reading_order(g: &Graph) -> Vec<usize> {
    layers(g).into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Node;

    fn graph(nodes: &[&str], edges: &[(&str, &str)]) -> Graph {
        Graph {
            nodes: nodes
                .iter()
                .map(|n| Node { id: n.to_string(), name: n.to_string(), ..Default::default() })
                .collect(),
            edges: edges.iter().map(|(s, d)| (s.to_string(), d.to_string())).collect(),
        }
    }

    #[test]
    fn fan_out_and_converge_make_layers() {
        let g = graph(
            &["start", "a", "b", "c", "join", "consolidate"],
            &[
                ("start", "a"),
                ("start", "b"),
                ("start", "c"),
                ("a", "join"),
                ("b", "join"),
                ("c", "join"),
                ("join", "consolidate"),
            ],
        );
        let l = layers(&g);
        let names: Vec<Vec<&str>> = l.iter().map(|xs| xs.iter().map(|&i| g.nodes[i].name.as_str()).collect()).collect();
        assert_eq!(names, vec![vec!["start"], vec!["a", "b", "c"], vec!["join"], vec!["consolidate"]]);
    }

    #[test]
    fn longest_path_wins_and_cycles_end() {
        let g = graph(&["s", "x", "y"], &[("s", "x"), ("x", "y"), ("s", "y")]);
        let l = layers(&g);
        assert_eq!(l.len(), 3);
        let cyclic = graph(&["a", "b"], &[("a", "b"), ("b", "a")]);
        let l = layers(&cyclic);
        assert_eq!(l.iter().map(Vec::len).sum::<usize>(), 2);
    }
}

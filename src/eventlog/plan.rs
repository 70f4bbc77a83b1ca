//! What the SQL events say about broadcasts: the `data size` metric of every
//! `BroadcastExchange` node of a plan (`sparkPlanInfo` of SQLExecutionStart and of AQE's
//! SQLAdaptiveExecutionUpdate), and the driver-side metric values (DriverAccumUpdates) that
//! give its size in bytes once the broadcast is built.

use super::scan::{Malformed, Res, Scanner};
use super::words::find_byte;

const NODE: &[u8] = br#""nodeName":""#;

/// The accumulator ids of the `data size` metric of the broadcast exchanges in `plan` (a
/// whole, validated `sparkPlanInfo` value). Plans nest deeply, so nodes are found by their
/// `"nodeName":"` key (which cannot occur inside a string value), and only those nodes are
/// walked.
pub(crate) fn broadcast_accums(plan: &[u8]) -> Vec<i64> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = find(&plan[from..], NODE) {
        let key = from + at;
        let name_at = key + NODE.len();
        from = name_at;
        let Some(len) = find_byte(&plan[name_at..], b'"') else { break };
        if !plan[name_at..name_at + len].ends_with(b"BroadcastExchange") {
            continue;
        }
        // The node's object opens just before its (first) key, as Spark writes it.
        let open = plan[..key].iter().rposition(|&c| !matches!(c, b' ' | b'\t' | b'\r'));
        if let Some(open) = open.filter(|&o| plan[o] == b'{')
            && let Ok(ids) = data_size_accums(plan, open)
        {
            out.extend(ids);
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = needle.first()?;
    let mut i = 0;
    while let Some(p) = find_byte(&hay[i..], *first) {
        let at = i + p;
        if hay[at..].starts_with(needle) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// The `data size` accumulators in the `metrics` of the node object at `plan[open]`.
fn data_size_accums(plan: &[u8], open: usize) -> Res<Vec<i64>> {
    let mut ids = Vec::new();
    let mut sc = Scanner::new(plan, open);
    sc.object(|sc, key| {
        if key != b"metrics" {
            return sc.skip();
        }
        sc.array(|sc| {
            let (mut name, mut id) = (None, None);
            sc.object(|sc, key| {
                match key {
                    b"name" => name = Some(sc.string()?),
                    b"accumulatorId" => id = sc.opt_int()?,
                    _ => sc.skip()?,
                }
                Ok(())
            })?;
            if let (Some("data size"), Some(id)) = (name.as_deref(), id) {
                ids.push(id);
            }
            Ok(())
        })
    })?;
    Ok(ids)
}

/// SQLAdaptiveExecutionUpdate: the execution id and the broadcast `data size` accumulators.
pub(crate) fn adaptive_update(sc: &mut Scanner<'_>) -> Res<(i64, Vec<i64>)> {
    let (mut id, mut accums) = (None, Vec::new());
    sc.object(|sc, key| {
        match key {
            b"executionId" => id = sc.opt_int()?,
            b"sparkPlanInfo" => accums = broadcast_accums(sc.raw_value()?),
            _ => sc.skip()?,
        }
        Ok(())
    })?;
    Ok((id.ok_or(Malformed)?, accums))
}

/// DriverAccumUpdates: `accumUpdates` as (accumulator id, value) pairs.
pub(crate) fn driver_accums(sc: &mut Scanner<'_>) -> Res<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    sc.object(|sc, key| {
        if key != b"accumUpdates" {
            return sc.skip();
        }
        sc.array(|sc| {
            let mut pair = [None, None];
            let mut n = 0;
            sc.array(|sc| {
                let v = sc.opt_int()?;
                if let Some(slot) = pair.get_mut(n) {
                    *slot = v;
                }
                n += 1;
                Ok(())
            })?;
            if let [Some(id), Some(v)] = pair {
                out.push((id, v));
            }
            Ok(())
        })
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_data_size_accumulators_of_nested_plans() {
        let plan = br#"{"nodeName":"AdaptiveSparkPlan","simpleString":"x","children":[{"nodeName":"BroadcastHashJoin","children":[{"nodeName":"BroadcastExchange","simpleString":"BroadcastExchange HashedRelationBroadcastMode","children":[{"nodeName":"Scan","children":[],"metrics":[{"name":"data size","accumulatorId":5,"metricType":"size"}]}],"metadata":{},"metrics":[{"name":"time to broadcast","accumulatorId":72,"metricType":"timing"},{"name":"data size","accumulatorId":68,"metricType":"size"}]}],"metrics":[]},{ "nodeName":"GpuBroadcastExchange","children":[],"metrics":[{"name":"data size","accumulatorId":90,"metricType":"size"}]}],"metadata":{},"metrics":[]}"#;
        assert_eq!(broadcast_accums(plan), [68, 90], "the scan's own data size is not a broadcast");
        assert!(broadcast_accums(b"{}").is_empty());
        assert!(broadcast_accums(br#"{"nodeName":"BroadcastExchange","metrics":[{"#).is_empty(), "cut: no panic");
        let line = br#"{"executionId":0,"accumUpdates":[[129,98],[125,34354432],[7]]}"#;
        let got = driver_accums(&mut Scanner::new(line, 0)).unwrap();
        assert_eq!(got, [(129, 98), (125, 34_354_432)]);
    }
}

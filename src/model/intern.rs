//! Shared strings: one allocation per distinct text, per context. Runs repeat the same job
//! names, worker types, Glue versions, log groups and error messages thousands of times.

use std::collections::HashSet;
use std::sync::Arc;

use super::JobRun;

/// The texts seen so far; the ones nothing else holds any more are let go by [`Interner::prune`].
#[derive(Debug, Default)]
pub struct Interner {
    texts: HashSet<Arc<str>>,
}

impl Interner {
    /// The shared copy of `text`.
    pub fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(t) = self.texts.get(text) {
            return Arc::clone(t);
        }
        let t: Arc<str> = Arc::from(text);
        self.texts.insert(Arc::clone(&t));
        t
    }

    /// Replace `slot` with the shared copy of its text.
    pub fn share(&mut self, slot: &mut Arc<str>) {
        let shared = self.get(slot);
        *slot = shared;
    }

    fn share_opt(&mut self, slot: &mut Option<Arc<str>>) {
        if let Some(s) = slot {
            self.share(s);
        }
    }

    /// Every repeated text of `run` shared.
    pub fn run(&mut self, run: &mut JobRun) {
        self.share(&mut run.job_name);
        for slot in [
            &mut run.trigger_name,
            &mut run.error_message,
            &mut run.worker_type,
            &mut run.glue_version,
            &mut run.log_group_name,
            &mut run.execution_class,
            &mut run.security_configuration,
        ] {
            self.share_opt(slot);
        }
    }

    /// Let go of the texts no run holds any more.
    pub fn prune(&mut self) {
        self.texts.retain(|t| Arc::strong_count(t) > 1);
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_is_one_allocation_and_unused_ones_go() {
        let mut i = Interner::default();
        let mk = |e: &str| JobRun {
            job_name: "orders".into(),
            worker_type: Some("G.1X".into()),
            error_message: Some(e.into()),
            ..Default::default()
        };
        let (mut a, mut b) = (mk("OOM"), mk("OOM"));
        assert!(!Arc::ptr_eq(&a.job_name, &b.job_name));
        i.run(&mut a);
        i.run(&mut b);
        assert!(Arc::ptr_eq(&a.job_name, &b.job_name));
        assert!(Arc::ptr_eq(a.worker_type.as_ref().expect("set"), b.worker_type.as_ref().expect("set")));
        assert!(Arc::ptr_eq(a.error_message.as_ref().expect("set"), b.error_message.as_ref().expect("set")));
        assert_eq!(&*a.job_name, "orders");
        assert_eq!(i.len(), 3);
        let mut c = mk("disk full");
        i.run(&mut c);
        assert_eq!(i.len(), 4);
        drop(c);
        i.prune();
        assert_eq!(i.len(), 3, "\"disk full\" is held by no run any more");
        drop((a, b));
        i.prune();
        assert!(i.is_empty());
    }
}

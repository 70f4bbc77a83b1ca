//! The pane registry: every root pane is one [`PaneSpec`] entry (its `:` name, what it
//! shows, the source behind it), plus its table here (`root_table`, `pane_text`). The
//! command bar, `?` help, the top bar, the empty-table note and `snapshot` all read this
//! one file, so a pane cannot be left out of one of them.

use super::columns::to_text;
use super::cursor::Cursor;
use super::filter::Filter;
use crate::poll::SourceId;

/// The pane at the bottom of the stack, chosen with `:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
pub enum Pane {
    /// What is broken now, across every source and context.
    Inbox,
    /// Every data stream: landed, catalogued, curated, on time?
    Streams,
    #[default]
    Jobs,
    Workflows,
    Crawlers,
    Apps,
    Emr,
    Dq,
    Cost,
    /// The contexts (profile × Region) watched.
    Ctx,
}

/// One registered pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneSpec {
    pub pane: Pane,
    /// Its `:` command.
    pub name: &'static str,
    /// Other words for it after `:`.
    pub aliases: &'static [&'static str],
    /// One line for the command bar and help.
    pub about: &'static str,
    /// What its rows are, in words ("loading Glue jobs…", "no Glue jobs in this account").
    pub what: &'static str,
    /// The source behind it: its status gives the error line and the data's age.
    pub source: SourceId,
    /// Its section in `snapshot --format table`.
    pub snapshot_section: &'static str,
}

/// Every root pane, in `:` completion and help order.
pub const PANES: &[PaneSpec] = &[
    PaneSpec {
        pane: Pane::Inbox,
        aliases: &["triage", "problems", "i"],
        name: "inbox",
        about: "what is broken now, why, and what it blocks",
        what: "open problems",
        source: SourceId::Glue,
        snapshot_section: "INBOX",
    },
    PaneSpec {
        pane: Pane::Streams,
        aliases: &["stream", "st"],
        name: "streams",
        about: "every data stream: landed, catalogued, curated, on time?",
        what: "data streams",
        source: SourceId::Landing,
        snapshot_section: "STREAMS",
    },
    PaneSpec {
        pane: Pane::Jobs,
        aliases: &["job", "j"],
        name: "jobs",
        about: "Glue jobs and their runs",
        what: "Glue jobs",
        source: SourceId::Glue,
        snapshot_section: "GLUE JOBS",
    },
    PaneSpec {
        pane: Pane::Workflows,
        aliases: &["workflow", "wf", "w"],
        name: "workflows",
        about: "Glue workflows, their runs and graphs",
        what: "Glue workflows",
        source: SourceId::Workflows,
        snapshot_section: "GLUE WORKFLOWS",
    },
    PaneSpec {
        pane: Pane::Crawlers,
        aliases: &["crawler", "cr", "c"],
        name: "crawlers",
        about: "Glue crawlers and catalog freshness",
        what: "Glue crawlers",
        source: SourceId::Crawlers,
        snapshot_section: "GLUE CRAWLERS",
    },
    PaneSpec {
        pane: Pane::Apps,
        aliases: &["applications", "app"],
        name: "apps",
        about: "EMR Serverless applications",
        what: "EMR Serverless applications",
        source: SourceId::Emr,
        snapshot_section: "EMR SERVERLESS APPLICATIONS",
    },
    PaneSpec {
        pane: Pane::Emr,
        aliases: &["emr-runs", "runs"],
        name: "emr",
        about: "EMR Serverless job runs, all applications",
        what: "EMR Serverless job runs",
        source: SourceId::Emr,
        snapshot_section: "EMR SERVERLESS JOB RUNS",
    },
    PaneSpec {
        pane: Pane::Dq,
        aliases: &["data-quality", "quality"],
        name: "dq",
        about: "Glue Data Quality results and evaluation runs",
        what: "Data Quality results",
        source: SourceId::DataQuality,
        snapshot_section: "DATA QUALITY",
    },
    PaneSpec {
        pane: Pane::Cost,
        aliases: &["costs"],
        name: "cost",
        about: "cost by tag (Cost Explorer, cached) and run estimates",
        what: "cost data",
        source: SourceId::Cost,
        snapshot_section: "COST",
    },
    PaneSpec {
        pane: Pane::Ctx,
        aliases: &["context", "contexts"],
        name: "ctx",
        about: "contexts (profile × Region); enter narrows to one",
        what: "contexts",
        source: SourceId::Glue,
        snapshot_section: "CONTEXTS",
    },
];

/// Commands of the `:` bar that are not panes.
pub const OTHER_COMMANDS: &[(&str, &str)] = &[("help", "key bindings"), ("quit", "leave batchtop")];

/// Every `:` command with its line of help: the panes, then the others.
pub fn commands() -> impl Iterator<Item = (&'static str, &'static str)> {
    PANES.iter().map(|p| (p.name, p.about)).chain(OTHER_COMMANDS.iter().copied())
}

/// Whether `word` starts a built-in `:` command: a pane (name or alias), or `help`, `quit`,
/// `ctx NAME` and their short forms. Aliases and hotkeys of the config are checked with it.
pub fn is_command(word: &str) -> bool {
    Pane::by_name(word).is_some() || commands().any(|(n, _)| n == word) || matches!(word, "q" | "q!" | "?" | "context")
}

/// The config file named by the flag or the environment (see `config::load`), with its
/// aliases and hotkeys checked against the `:` commands.
pub fn load_config(flag: Option<&std::path::Path>) -> Result<crate::config::Settings, crate::config::ConfigError> {
    crate::config::load(flag)?.check_commands(&is_command)
}

/// As [`load_config`], from text (`path` labels errors).
pub fn parse_config(text: &str, path: &str) -> Result<crate::config::Settings, crate::config::ConfigError> {
    crate::config::parse(text, path)?.check_commands(&is_command)
}

impl Pane {
    /// Its registry entry.
    pub fn spec(self) -> &'static PaneSpec {
        // PANES lists every variant in declaration order (checked by a test).
        &PANES[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The pane a `:` command names (its name or an alias).
    pub fn by_name(name: &str) -> Option<Pane> {
        PANES.iter().find(|p| p.name == name || p.aliases.contains(&name)).map(|p| p.pane)
    }
}

impl super::AppState {
    /// The table of a root pane: the one place a pane is mapped to its table.
    pub fn root_table(&self, pane: Pane) -> &dyn Table {
        match pane {
            Pane::Jobs => &self.jobs,
            Pane::Workflows => &self.wf_pane,
            Pane::Crawlers => &self.cr_pane,
            Pane::Apps => &self.apps_pane,
            Pane::Emr => &self.emr_pane,
            Pane::Dq => &self.dq_pane,
            Pane::Cost => &self.cost,
            Pane::Ctx => &self.ctx_pane,
            Pane::Inbox => &self.inbox_pane,
            Pane::Streams => &self.streams_pane,
        }
    }

    /// As [`Self::root_table`], to change it.
    pub fn root_table_mut(&mut self, pane: Pane) -> &mut dyn Table {
        match pane {
            Pane::Jobs => &mut self.jobs,
            Pane::Workflows => &mut self.wf_pane,
            Pane::Crawlers => &mut self.cr_pane,
            Pane::Apps => &mut self.apps_pane,
            Pane::Emr => &mut self.emr_pane,
            Pane::Dq => &mut self.dq_pane,
            Pane::Cost => &mut self.cost,
            Pane::Ctx => &mut self.ctx_pane,
            Pane::Inbox => &mut self.inbox_pane,
            Pane::Streams => &mut self.streams_pane,
        }
    }

    /// Every row of `pane` with every declared column, as text (`snapshot --format table`;
    /// a snapshot is not cut to a terminal). `None` for a pane whose body is not one column
    /// table (cost prints its own report).
    pub fn pane_text(&self, pane: Pane) -> Option<String> {
        use super::{
            crawler_columns, ctx_columns, dq_columns, emr_columns, inbox_columns, job_columns, stream_columns,
            wf_columns,
        };
        Some(match pane {
            Pane::Jobs => to_text(job_columns::COLUMNS, &self.data.jobs, self),
            Pane::Workflows => to_text(wf_columns::COLUMNS, &self.workflows, self),
            Pane::Crawlers => to_text(crawler_columns::COLUMNS, &self.crawlers, self),
            Pane::Apps => to_text(emr_columns::APP_COLUMNS, &self.emr.apps, self),
            Pane::Emr => to_text(emr_columns::RUN_COLUMNS, &self.emr.runs, self),
            Pane::Dq => to_text(dq_columns::COLUMNS, &self.dq.results, self),
            Pane::Ctx => to_text(ctx_columns::COLUMNS, &self.contexts, self),
            Pane::Inbox => to_text(inbox_columns::COLUMNS, &self.inbox.items, self),
            Pane::Streams => to_text(stream_columns::COLUMNS, &self.streams.rows, self),
            Pane::Cost => return None,
        })
    }
}

/// What every table in front of the user offers: a cursor, a filter, maybe a sort.
pub trait Table {
    /// Rows shown (after the filter).
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn cursor_mut(&mut self) -> &mut Cursor;
    /// `None`: this table cannot be filtered.
    fn filter(&self) -> Option<&Filter>;
    fn set_filter(&mut self, filter: Filter);
    /// The sort's label, for a sortable table.
    fn sort_label(&self) -> Option<&'static str> {
        None
    }
    /// Next sort order; `false` when the table has one order only.
    fn next_sort(&mut self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_lists_every_pane_once_in_order() {
        for (i, spec) in PANES.iter().enumerate() {
            assert_eq!(spec.pane as usize, i, "{} is out of order", spec.name);
            assert_eq!(spec.pane.spec(), spec);
            assert_eq!(Pane::by_name(spec.name), Some(spec.pane));
        }
        assert_eq!(PANES.len(), Pane::Ctx as usize + 1);
    }
}

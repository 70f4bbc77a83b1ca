//! What the Glue collector reads once per job list: every job's tags in a few calls
//! (tag:GetResources with ResourceTypeFilters ["glue:job"], 100 resources a page, instead of
//! one GetTags per job), and the activated SCHEDULED triggers (GetTriggers). Workflows,
//! crawlers and Data Quality rulesets are tagged the same way (`glue:workflow`,
//! `glue:crawler`, `glue:dataQualityRuleset`), each kind in its own few calls.

use std::collections::{BTreeMap, HashMap};

use super::glue::SdkGlue;
use crate::aws::AwsResult;
use crate::model::{ScheduledTrigger, Trigger};

/// Resources per GetResources page (the most AWS allows).
const PAGE: i32 = 100;
/// Tags per page: the most AWS allows, so that the page is cut by resources, not tags.
const TAGS_PER_PAGE: i32 = 500;

impl SdkGlue {
    /// The tags of every tagged job, by job name (a job that is absent has no tags); None when
    /// this account has no tagging client.
    pub(super) async fn tags_of_all_jobs(&self) -> AwsResult<Option<HashMap<String, BTreeMap<String, String>>>> {
        self.tags_of_all("job").await
    }

    /// The tags of every tagged Glue resource whose ARN names `arn_type`
    /// (`arn:aws:glue:<region>:<account>:<arn_type>/<name>`), by name; None when this account
    /// has no tagging client. ResourceTypeFilters `glue:<arn_type>`, 100 resources a page.
    pub(super) async fn tags_of_all(
        &self,
        arn_type: &str,
    ) -> AwsResult<Option<HashMap<String, BTreeMap<String, String>>>> {
        let Some(client) = self.tagging() else { return Ok(None) };
        let filter = format!("glue:{arn_type}");
        let mut tags = HashMap::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .read("tag:GetResources", || {
                    let req = client.get_resources().resource_type_filters(&filter).resources_per_page(PAGE);
                    req.tags_per_page(TAGS_PER_PAGE).set_pagination_token(token.clone()).send()
                })
                .await?;
            for r in out.resource_tag_mapping_list() {
                let Some(name) = r.resource_arn().and_then(|a| resource_name(a, arn_type)) else { continue };
                let t = r.tags().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect();
                tags.insert(name.to_string(), t);
            }
            match out.pagination_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(Some(tags))
    }
}

impl SdkGlue {
    /// Every activated SCHEDULED trigger with the jobs it starts.
    pub(super) async fn scheduled(&self) -> AwsResult<Vec<ScheduledTrigger>> {
        Ok(self.get_triggers().await?.iter().filter_map(scheduled_trigger).collect())
    }
}

fn scheduled_trigger(t: &Trigger) -> Option<ScheduledTrigger> {
    let activated = matches!(t.state.as_str(), "ACTIVATED" | "ACTIVATING");
    if t.kind != "SCHEDULED" || !activated {
        return None;
    }
    Some(ScheduledTrigger {
        name: t.name.clone(),
        schedule: t.schedule.clone()?,
        jobs: t.actions.iter().filter_map(|a| a.job.clone()).collect(),
    })
}

/// `arn:aws:glue:eu-west-1:123456789012:job/orders_curate` with `job` -> `orders_curate`.
fn resource_name<'a>(arn: &'a str, arn_type: &str) -> Option<&'a str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    resource.strip_prefix(arn_type)?.strip_prefix('/').filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_come_from_arns() {
        use super::resource_name;
        assert_eq!(
            resource_name("arn:aws:glue:eu-west-1:123456789012:job/orders_curate", "job"),
            Some("orders_curate")
        );
        assert_eq!(resource_name("arn:aws:glue:eu-west-1:123456789012:job/a:b", "job"), Some("a:b"));
        assert_eq!(resource_name("arn:aws:glue:eu-west-1:123456789012:crawler/x", "job"), None);
        assert_eq!(resource_name("arn:aws:glue:eu-west-1:123456789012:crawler/x", "crawler"), Some("x"));
        assert_eq!(resource_name("arn:aws:glue:eu-west-1:123456789012:jobs/x", "job"), None);
        let ruleset = "arn:aws:glue:eu-west-1:123456789012:dataQualityRuleset/orders-dq";
        assert_eq!(resource_name(ruleset, "dataQualityRuleset"), Some("orders-dq"));
        assert_eq!(resource_name("arn:aws:glue:eu-west-1:123456789012:workflow/", "workflow"), None);
        assert_eq!(resource_name("not an arn", "job"), None);
    }
}

//! Contexts: which (profile, Region) pairs to watch. From `--profile a,b --region x,y` (the
//! cross product), else `[[contexts]]` in the config, else one context from the default
//! chain (`[aws]`, then `AWS_PROFILE` and the SDK's own defaults).

use serde::Deserialize;

/// Colours a context can be given (`color` in `[[contexts]]`); the theme draws them.
pub const COLORS: [&str; 8] = ["cyan", "magenta", "yellow", "green", "blue", "red", "white", "gray"];

/// The palette index of a colour name, if it is one of [`COLORS`].
pub fn color_index(name: &str) -> Option<u8> {
    COLORS.iter().position(|c| c.eq_ignore_ascii_case(name)).map(|i| i as u8)
}

/// One `[[contexts]]` entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContextEntry {
    pub name: Option<String>,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub color: Option<String>,
    pub read_only: bool,
    /// Its skin (built in, or skins/NAME.toml): prod in red.
    pub skin: Option<String>,
}

/// What a context is, before it is connected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CtxSpec {
    /// Display name (`prod-eu`); by default what tells it apart (profile, Region or both).
    pub name: String,
    pub profile: Option<String>,
    /// None: the profile's own Region (or `AWS_REGION`).
    pub region: Option<String>,
    /// Palette index ([`COLORS`]); by default the context's position.
    pub color: u8,
    /// Never build a write client for this context.
    pub read_only: bool,
    /// Its own skin, from `[[contexts]] skin`.
    pub skin: Option<String>,
}

/// A comma-separated flag value as its items (blank items dropped).
fn items(list: Option<&str>) -> Vec<String> {
    list.map(|l| l.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()).unwrap_or_default()
}

/// The contexts to watch. `flags` are `--profile` and `--region` as typed (lists allowed);
/// `defaults` the `[aws]` profile and Region; `env_profile` is `AWS_PROFILE`.
pub fn resolve(
    flags: (Option<&str>, Option<&str>),
    entries: &[ContextEntry],
    defaults: (Option<&str>, Option<&str>),
    env_profile: Option<&str>,
) -> Result<Vec<CtxSpec>, String> {
    let (profiles, regions) = (items(flags.0), items(flags.1));
    let specs = if profiles.is_empty() && regions.is_empty() && !entries.is_empty() {
        from_entries(entries)?
    } else {
        let or_default = |v: Vec<String>, d: Option<&str>| {
            if v.is_empty() { vec![d.map(String::from)] } else { v.into_iter().map(Some).collect() }
        };
        let profiles = or_default(profiles, defaults.0.or(env_profile));
        let regions = or_default(regions, defaults.1);
        cross(&profiles, &regions)
    };
    let mut seen = std::collections::BTreeSet::new();
    for s in &specs {
        if !seen.insert(s.name.as_str()) {
            return Err(format!("two contexts are named `{}`: give each [[contexts]] entry its own name", s.name));
        }
    }
    Ok(specs)
}

fn cross(profiles: &[Option<String>], regions: &[Option<String>]) -> Vec<CtxSpec> {
    let mut out = Vec::new();
    for p in profiles {
        for r in regions {
            let profile = p.as_deref().unwrap_or("default");
            let name = match (profiles.len() > 1, regions.len() > 1, r) {
                (true, true, Some(r)) => format!("{profile}@{r}"),
                (false, true, Some(r)) => r.clone(),
                _ => profile.to_string(),
            };
            let color = (out.len() % COLORS.len()) as u8;
            out.push(CtxSpec { name, profile: p.clone(), region: r.clone(), color, ..Default::default() });
        }
    }
    out
}

fn from_entries(entries: &[ContextEntry]) -> Result<Vec<CtxSpec>, String> {
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let color = match &e.color {
                None => (i % COLORS.len()) as u8,
                Some(c) => color_index(c).ok_or_else(|| {
                    format!("contexts[{i}].color: `{c}` is not a colour; use one of {}", COLORS.join(", "))
                })?,
            };
            let name = match (&e.name, &e.profile, &e.region) {
                (Some(n), _, _) if !n.trim().is_empty() => n.trim().to_string(),
                (Some(_), _, _) => return Err(format!("contexts[{i}].name: a name cannot be empty")),
                (None, p, Some(r)) => format!("{}@{r}", p.as_deref().unwrap_or("default")),
                (None, p, None) => p.clone().unwrap_or_else(|| "default".into()),
            };
            let (profile, region, skin) = (e.profile.clone(), e.region.clone(), e.skin.clone());
            Ok(CtxSpec { name, profile, region, color, read_only: e.read_only, skin })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(specs: &[CtxSpec]) -> Vec<&str> {
        specs.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn flags_give_the_cross_product() {
        let s = resolve((Some("prod, staging"), Some("eu-west-1,us-east-1")), &[], (None, None), None).expect("ok");
        assert_eq!(names(&s), ["prod@eu-west-1", "prod@us-east-1", "staging@eu-west-1", "staging@us-east-1"]);
        assert_eq!(s[3].profile.as_deref(), Some("staging"));
        assert_eq!(s[3].region.as_deref(), Some("us-east-1"));
        let s = resolve((Some("prod,staging"), None), &[], (None, Some("eu-west-1")), None).expect("ok");
        assert_eq!(names(&s), ["prod", "staging"]);
        assert_eq!(s[1].region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn nothing_given_is_one_context_from_the_default_chain() {
        let s = resolve((None, None), &[], (None, None), Some("ops")).expect("ok");
        assert_eq!(s, vec![CtxSpec { name: "ops".into(), profile: Some("ops".into()), ..Default::default() }]);
        let s = resolve((None, None), &[], (Some("cfg"), Some("eu-west-1")), Some("ops")).expect("ok");
        assert_eq!(s[0].profile.as_deref(), Some("cfg"));
    }

    #[test]
    fn config_entries_are_used_when_no_flag_names_a_context() {
        let entries = vec![
            ContextEntry {
                name: Some("prod-eu".into()),
                profile: Some("prod".into()),
                region: Some("eu-west-1".into()),
                color: Some("Red".into()),
                read_only: true,
                skin: None,
            },
            ContextEntry { profile: Some("staging".into()), region: Some("us-east-1".into()), ..Default::default() },
        ];
        let s = resolve((None, None), &entries, (None, None), Some("ignored")).expect("ok");
        assert_eq!(names(&s), ["prod-eu", "staging@us-east-1"]);
        assert_eq!((s[0].color, s[0].read_only), (5, true));
        let s = resolve((Some("dev"), None), &entries, (None, None), None).expect("flags win");
        assert_eq!(names(&s), ["dev"]);
    }

    #[test]
    fn bad_entries_say_what_to_fix() {
        let bad = vec![ContextEntry { color: Some("teal".into()), ..Default::default() }];
        let e = resolve((None, None), &bad, (None, None), None).unwrap_err();
        assert!(e.contains("contexts[0].color") && e.contains("cyan"), "{e}");
        let twice = vec![ContextEntry { name: Some("a".into()), ..Default::default() }; 2];
        assert!(resolve((None, None), &twice, (None, None), None).unwrap_err().contains("two contexts"));
    }
}

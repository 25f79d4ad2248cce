//! The library's layers look down only: no folder (stage) of `src/` imports one that imports it back, directly or
//! through others, and no file imports one that imports it back. Read from the sources' `crate::` and `super::`
//! paths outside tests and comments, so a new upward import fails here with the path that made the loop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`physics::crown`) -> source text without tests and comments, for every library file.
fn modules() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            if rel.starts_with("bin") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if rel.ends_with(".rs") && rel != "lib.rs" {
                let name = rel.trim_end_matches(".rs").trim_end_matches("/mod").replace('/', "::");
                let text = std::fs::read_to_string(&p).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap();
                let code: String =
                    code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
                out.insert(name, code);
            }
        }
    }
    out
}

/// The modules each module names (`crate::a::b`, `super::x`), resolved to the longest known module path; a
/// module's own descendants and ancestors are not edges (a parent declares its children).
fn edges(mods: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, code) in mods {
        let parent = name.rsplit_once("::").map(|p| p.0.to_string());
        let mut add = |path: Vec<&str>| {
            for k in (1..=path.len()).rev() {
                let cand = path[..k].join("::");
                if mods.contains_key(&cand) {
                    let family = cand == *name
                        || name.starts_with(&format!("{cand}::"))
                        || cand.starts_with(&format!("{name}::"));
                    if !family {
                        out.entry(name.clone()).or_default().insert(cand);
                    }
                    return;
                }
            }
        };
        for (prefix, base) in [("crate::", None), ("super::", parent.clone())] {
            for piece in code.split(prefix).skip(1) {
                let path: Vec<&str> = piece
                    .split("::")
                    .map(|s| s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or(""))
                    .collect();
                let path: Vec<&str> = path
                    .into_iter()
                    .take_while(|s| {
                        !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    })
                    .collect();
                if path.is_empty() {
                    continue;
                }
                match &base {
                    None => add(path),
                    Some(b) => {
                        let full: Vec<&str> = b.split("::").chain(path).collect();
                        add(full)
                    }
                }
            }
        }
    }
    out
}

/// A path from `from` to `to` along `g`, if there is one.
fn path(g: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> Option<Vec<String>> {
    let mut prev: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([from.to_string()]);
    while let Some(n) = queue.pop_front() {
        for m in g.get(&n).into_iter().flatten() {
            if prev.contains_key(m) || m == from {
                continue;
            }
            prev.insert(m.clone(), n.clone());
            if m == to {
                let mut p = vec![to.to_string()];
                while let Some(q) = prev.get(p.last().unwrap()) {
                    p.push(q.clone());
                    if q == from {
                        break;
                    }
                }
                p.reverse();
                return Some(p);
            }
            queue.push_back(m.clone());
        }
    }
    None
}

fn loops(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut found = Vec::new();
    for (a, targets) in g {
        for b in targets {
            if let Some(back) = path(g, b, a) {
                found.push(format!("{a} -> {}", back.join(" -> ")));
            }
        }
    }
    found
}

#[test]
fn no_file_imports_one_that_imports_it_back() {
    let mods = modules();
    assert!(mods.len() > 60 && mods.contains_key("physics::crown"), "set-up: read the sources ({} files)", mods.len());
    let g = edges(&mods);
    // The analysis sees real imports (a check of the check).
    assert!(g["spread::spotting"].contains("spread::fire"), "{:?}", g["spread::spotting"]);
    assert!(g["run::pipeline"].contains("run::scenario"), "{:?}", g["run::pipeline"]);
    let found = loops(&g);
    assert!(found.is_empty(), "import loops between files:\n{}", found.join("\n"));
}

#[test]
fn no_stage_imports_one_that_imports_it_back() {
    let mods = modules();
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, targets) in edges(&mods) {
        let top = |m: &str| m.split("::").next().unwrap().to_string();
        for b in targets {
            if top(&a) != top(&b) {
                g.entry(top(&a)).or_default().insert(top(&b));
            }
        }
    }
    assert!(g["run"].contains("spread") && g["spread"].contains("physics"), "set-up: {g:?}");
    let found = loops(&g);
    assert!(found.is_empty(), "import loops between stages:\n{}", found.join("\n"));
    // And the check catches one: a fake upward import makes a loop.
    g.entry("physics".into()).or_default().insert("run".into());
    assert!(!loops(&g).is_empty());
}

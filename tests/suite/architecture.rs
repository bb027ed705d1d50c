//! ARCHITECTURE.md's rule, enforced: every top-level module of `src/` is listed
//! there, in stage order, and no module uses (`crate::…`) a module listed after
//! it. An order every import respects also rules out import cycles.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level modules, from the files and folders of `src/`.
fn modules() -> BTreeSet<String> {
    std::fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "lib.rs" && n != "main.rs")
        .map(|n| n.trim_end_matches(".rs").to_string())
        .collect()
}

/// The modules in the order of ARCHITECTURE.md's numbered list (`1. \`src/x\``).
fn documented_order() -> Vec<String> {
    let text = std::fs::read_to_string(src().join("../ARCHITECTURE.md")).unwrap();
    text.lines()
        .filter_map(|line| {
            let (number, rest) = line.split_once(". `src/")?;
            number.trim().parse::<usize>().ok()?;
            let name = rest.split(['`', '/', '.']).next()?;
            Some(name.to_string())
        })
        .collect()
}

/// Each module a file uses through `crate::name`, outside comments.
fn uses(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    found
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn architecture_md_lists_every_module_once_in_stage_order() {
    let order = documented_order();
    let listed: BTreeSet<String> = order.iter().cloned().collect();
    assert_eq!(listed.len(), order.len(), "listed twice: {order:?}");
    assert_eq!(listed, modules(), "ARCHITECTURE.md's list and src/ differ");
}

#[test]
fn no_module_uses_a_later_one() {
    let order = documented_order();
    let rank = |name: &str| order.iter().position(|m| m == name);
    let mut wrong = Vec::new();
    for module in modules() {
        let here = rank(&module).unwrap();
        let files = [src().join(format!("{module}.rs")), src().join(&module)]
            .iter()
            .filter(|p| p.exists())
            .flat_map(|p| rust_files(p))
            .collect::<Vec<_>>();
        for path in &files {
            let text = std::fs::read_to_string(path).unwrap();
            for used in uses(&text) {
                if let Some(there) = rank(&used) {
                    if there >= here && used != module {
                        wrong.push(format!("{} uses crate::{used}", path.display()));
                    }
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "a module may use only modules listed before it in ARCHITECTURE.md:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_scan_sees_uses_and_skips_comments() {
    let text = "use crate::load::{self, X};\n// crate::serve in a comment\nlet a = crate::anchor::f(); // crate::fix\n";
    let expected: BTreeSet<String> = ["load", "anchor"].map(String::from).into();
    assert_eq!(uses(text), expected);
}

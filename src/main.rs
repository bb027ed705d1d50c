//! The `briefing` command line: parses arguments, runs the library, prints
//! diagnostics, and maps the result to an exit code (0 ok, 1 content errors,
//! 2 usage or I/O errors).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use briefing::build::{self, Outcome};
use briefing::diagnostic::{display_path, Diagnostic};
use briefing::{output, Error};

#[derive(Parser)]
#[command(
    name = "briefing",
    version,
    about = "Build annotated briefings: an article, notes anchored to its phrases, a glossary.",
    after_help = "Examples:\n  briefing build                   build ./content into ./public\n  briefing build --root site --output /tmp/out\n  briefing check                   report every problem, write nothing"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site from content/ into public/.
    #[command(
        after_help = "Examples:\n  briefing build\n  briefing build --root my-site --output /tmp/site --quiet"
    )]
    Build {
        /// The project folder, holding content/ and templates/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Print nothing but warnings and errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run the whole build in memory and report every error and warning; write nothing.
    #[command(after_help = "Examples:\n  briefing check\n  briefing check --root my-site")]
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Bring notes in from an annotation tool.
    #[command(subcommand)]
    Import(ImportFrom),
}

#[derive(Subcommand)]
enum ImportFrom {
    /// Import a Hypothesis export (API search response or list of annotations) into a briefing.
    #[command(
        after_help = "Examples:\n  briefing import hypothesis export.json --briefing digital-silk-road-forum"
    )]
    Hypothesis {
        /// The exported JSON file.
        export: PathBuf,
        /// The briefing (folder name under content/) the notes belong to.
        #[arg(long)]
        briefing: String,
        /// Replace an existing hypothesis.annotations.yaml.
        #[arg(long)]
        force: bool,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let result = match cli.command {
        Command::Build {
            root,
            output,
            quiet,
        } => {
            let output = output.unwrap_or_else(|| build::default_output(&root));
            run_build(&root, &output, quiet, color)
        }
        Command::Check { root } => run_check(&root, color),
        Command::Import(ImportFrom::Hypothesis {
            export,
            briefing,
            force,
            root,
        }) => run_import(&root, &export, &briefing, force),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn print_diagnostics(outcome: &Outcome, color: bool) {
    for d in &outcome.diagnostics {
        eprint!("{}", d.render(color));
    }
}

fn failure_summary(outcome: &Outcome) -> String {
    let errors = outcome.errors();
    let warnings = outcome.diagnostics.len() - errors;
    format!(
        "{errors} error{}, {warnings} warning{}",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    )
}

fn run_build(root: &Path, out: &Path, quiet: bool, color: bool) -> Result<ExitCode, Error> {
    let started = Instant::now();
    output::check_output_dir(root, out)?;
    let outcome = build::build_site(root)?;
    print_diagnostics(&outcome, color);
    let Some(site) = &outcome.site else {
        eprintln!(
            "build failed: {}; {} was left as it was",
            failure_summary(&outcome),
            display_path(out)
        );
        return Ok(ExitCode::from(1));
    };
    output::write_site(site, out)?;
    if !quiet {
        println!(
            "Built {} briefing{} ({} notes, {} glossary terms) in {} ms → {}",
            site.briefings,
            if site.briefings == 1 { "" } else { "s" },
            site.notes,
            site.terms,
            started.elapsed().as_millis(),
            display_path(out)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_check(root: &Path, color: bool) -> Result<ExitCode, Error> {
    let outcome = build::build_site(root)?;
    print_diagnostics(&outcome, color);
    if outcome.site.is_none() {
        eprintln!("check failed: {}", failure_summary(&outcome));
        return Ok(ExitCode::from(1));
    }
    let warnings: Vec<&Diagnostic> = outcome.diagnostics.iter().collect();
    eprintln!(
        "check passed: {} warning{}",
        warnings.len(),
        if warnings.len() == 1 { "" } else { "s" }
    );
    Ok(ExitCode::SUCCESS)
}

fn run_import(root: &Path, export: &Path, slug: &str, force: bool) -> Result<ExitCode, Error> {
    let report = briefing::interop::import::import_hypothesis(root, export, slug, force)?;
    println!(
        "Wrote {} note{} to {}",
        report.written,
        if report.written == 1 { "" } else { "s" },
        display_path(&report.path)
    );
    if report.page_notes + report.replies > 0 {
        println!(
            "Skipped {} page note{} and {} repl{} (they have no quote)",
            report.page_notes,
            if report.page_notes == 1 { "" } else { "s" },
            report.replies,
            if report.replies == 1 { "y" } else { "ies" }
        );
    }
    for (id, reason) in &report.left_out {
        eprintln!("left out {id}: {reason}");
    }
    if report.left_out.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{} annotation{} left out; fix the quotes in Hypothesis or add these notes by hand",
            report.left_out.len(),
            if report.left_out.len() == 1 {
                " was"
            } else {
                "s were"
            }
        );
        Ok(ExitCode::from(1))
    }
}

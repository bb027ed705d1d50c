//! The `briefing` command line: parses arguments, runs the library, prints
//! diagnostics, and maps the result to an exit code (0 ok, 1 content errors,
//! 2 usage or I/O errors).

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use briefing::diagnostic::{display_path, Diagnostic};
use briefing::fix::{self, FixOptions};
use briefing::link_check::{self, LinkOptions};
use briefing::output::CancelToken;
use briefing::pipeline::{self, Outcome};
use briefing::report::Report;
use briefing::serve::{ServeOptions, Session};
use briefing::{scaffold, Error};

/// A build allocates and frees many small strings (YAML values, template look-ups, the
/// values tera renders from); mimalloc does that in a fraction of glibc's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "briefing",
    version = env!("BRIEFING_VERSION"),
    about = "Build annotated briefings: an article, notes anchored to its phrases, a glossary.",
    after_help = "Examples:\n  briefing build                   build ./content into ./public\n  briefing build --root site --output /tmp/out\n  briefing check                   report every problem, write nothing\n  briefing serve --open            preview with live reload at http://127.0.0.1:1111/\n  briefing fix --apply             re-anchor notes after the article was updated\n  briefing new city-council        start a new briefing"
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
        /// The site's public address, replacing `base_url` of site.yaml (e.g. for a preview deploy).
        #[arg(long, value_name = "URL")]
        base_url: Option<briefing::load::address::BaseUrl>,
        /// Where to keep the build cache, which lets a build skip the briefings
        /// that did not change [default: ROOT/.briefing-cache/build].
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
        /// Render every briefing, and neither read nor write the build cache (wins over --cache-dir).
        #[arg(long)]
        no_cache: bool,
    },
    /// Run the whole build in memory and report every error and warning; write nothing.
    #[command(
        after_help = "With --links, every web address is requested (HEAD, then GET; 8 at a time); broken and\nunreachable links are errors, redirects warnings. Working addresses are kept for a week in\n.briefing-cache/links.json beside content/, the only file check writes.\n\nExit codes: 0 no errors (warnings allowed), 1 errors, 2 usage or I/O errors.\n\nExamples:\n  briefing check\n  briefing check --root my-site --format json\n  briefing check --links"
    )]
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// `human`: located messages on stderr, in colour on a terminal (not with
        /// NO_COLOR); `json`: one JSON document on stdout, for editors and CI.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Also request every web address the site links, and report the broken and
        /// redirected ones (working ones are remembered in .briefing-cache/links.json for a week).
        #[arg(long)]
        links: bool,
        /// With --links: the longest one request may take, in seconds.
        #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
        link_timeout: f64,
    },
    /// Build the site in memory, serve it, and rebuild and reload open pages on every save.
    #[command(
        after_help = "public/ is never written: pages are served from memory, with a small live-reload script added.\nA failed rebuild keeps the last good pages and shows the errors over them in the browser.\n\nExamples:\n  briefing serve\n  briefing serve --port 8080 --open\n  briefing serve --interface 0.0.0.0     # reachable from other machines"
    )]
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on (0: any free port).
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// The address to listen on.
        #[arg(long, short, default_value = "127.0.0.1")]
        interface: IpAddr,
        /// Open the site in a browser.
        #[arg(long, short)]
        open: bool,
        /// Quiet time before a rebuild, in milliseconds.
        #[arg(long, default_value_t = briefing::serve::DEFAULT_DEBOUNCE.as_millis() as u64, hide = true)]
        debounce_ms: u64,
        /// Also answer requests for this host name (besides localhost and IP
        /// addresses); repeat for several.
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_host: Vec<String>,
        /// Close a connection after this many milliseconds without traffic.
        #[arg(long, default_value_t = briefing::serve::DEFAULT_IDLE.as_millis() as u64, hide = true)]
        idle_ms: u64,
    },
    /// Re-anchor notes whose quotes no longer match after the article was replaced by a newer version.
    #[command(
        after_help = "Without --apply, only shows each proposed new quote (old → new, with similarity).\nWith --apply, rewrites just those `quote:` values; comments, order and formatting stay.\nNotes that cannot be re-anchored with confidence are listed as lost and left as they are.\nExit codes: 0 every note anchors (after --apply, if given), 1 some quotes do not match:\nproposals not yet applied, or notes lost, 2 usage or I/O errors.\n\nExamples:\n  briefing fix\n  briefing fix --apply\n  briefing fix --min-similarity 0.9"
    )]
    Fix {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Rewrite the quotes in the YAML files.
        #[arg(long)]
        apply: bool,
        /// The lowest similarity (0 to 1) at which a phrase may replace a quote.
        #[arg(long, default_value_t = 0.8)]
        min_similarity: f64,
    },
    /// Start a new briefing: content/SLUG/ with article.md and annotations.yaml to fill in.
    #[command(
        after_help = "With --from, article.md is made from an article saved as text. Header lines at its top\n(`Title:`, `Source URL:`, `Date:`, `Publisher:`, `Author:`) fill the front matter; without\n`Title:`, a first line standing alone is taken as the headline. A plain-text file is escaped\nso that it renders exactly as it reads; a .md or .markdown file is kept as Markdown.\n\nExamples:\n  briefing new city-council-vote\n  briefing new harbour-plan --from ~/Downloads/harbour-plan.txt"
    )]
    New {
        /// The folder name, which becomes the page's URL: lowercase letters, digits, hyphens.
        slug: String,
        /// An article saved as text (or Markdown) to make article.md from.
        #[arg(long, value_name = "FILE")]
        from: Option<PathBuf>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Bring notes in from an annotation tool.
    #[command(subcommand)]
    Import(ImportFrom),
    /// Start a new project: site.yaml, an empty glossary, one example briefing, .gitignore.
    #[command(
        after_help = "Nothing is ever overwritten: if any of the files exists, nothing is written.\nIn an existing project (content/site.yaml is there), --github-pages and --netlify add just\ntheir deploy file.\n\nExamples:\n  briefing init my-site\n  briefing init my-site --github-pages   # also .github/workflows/pages.yml for GitHub Pages\n  briefing init my-site --netlify        # also netlify.toml"
    )]
    Init {
        /// The new project's folder (created if missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Also write .github/workflows/pages.yml, which publishes the committed public/ on GitHub Pages.
        #[arg(long)]
        github_pages: bool,
        /// Also write netlify.toml, which has Netlify publish the committed public/.
        #[arg(long)]
        netlify: bool,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  briefing completions bash > ~/.local/share/bash-completion/completions/briefing\n  briefing completions zsh > ~/.zfunc/_briefing\n  briefing completions fish > ~/.config/fish/completions/briefing.fish"
    )]
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff), or write one page per command into a folder.
    #[command(
        after_help = "Examples:\n  briefing man > briefing.1\n  briefing man --dir ~/.local/share/man/man1   # briefing.1, briefing-build.1, ..."
    )]
    Man {
        /// Write briefing.1 and a page per command (briefing-build.1, ...) into this folder (made if missing).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ImportFrom {
    /// Import a Hypothesis export (API search response, client export file, or list of annotations) into a briefing.
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
            base_url,
            cache_dir,
            no_cache,
        } => {
            let output = output.unwrap_or_else(|| pipeline::default_output(&root));
            let cache = (!no_cache)
                .then(|| cache_dir.unwrap_or_else(|| pipeline::default_cache_dir(&root)));
            run_build(&root, &output, base_url, cache.as_deref(), quiet, color)
        }
        Command::Check {
            root,
            format,
            links,
            link_timeout,
        } => {
            let links = links.then(|| LinkOptions {
                timeout: Duration::from_secs_f64(link_timeout.clamp(0.1, 600.0)),
            });
            run_check(&root, format, links.as_ref(), color)
        }
        Command::Serve {
            root,
            port,
            interface,
            open,
            debounce_ms,
            allow_host,
            idle_ms,
        } => run_serve(ServeOptions {
            root,
            interface,
            port,
            open,
            debounce: Duration::from_millis(debounce_ms),
            color,
            allowed_hosts: allow_host,
            idle: Duration::from_millis(idle_ms.max(1)),
        }),
        Command::Fix {
            root,
            apply,
            min_similarity,
        } => run_fix(
            &root,
            &FixOptions {
                min_similarity,
                apply,
            },
            color,
        ),
        Command::New { slug, from, root } => run_new(&root, &slug, from.as_deref()),
        Command::Import(ImportFrom::Hypothesis {
            export,
            briefing,
            force,
            root,
        }) => run_import(&root, &export, &briefing, force),
        Command::Init {
            dir,
            github_pages,
            netlify,
        } => run_init(&dir, github_pages, netlify),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "briefing",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { dir } => run_man(dir.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            // 130 is what shells report for a command stopped by Ctrl-C.
            ExitCode::from(if matches!(e, Error::Interrupted) {
                130
            } else {
                2
            })
        }
    }
}

fn print_diagnostics(outcome: &Outcome, color: bool) {
    for d in &outcome.diagnostics {
        eprint!("{}", d.render(color));
    }
}

fn failure_summary(outcome: &Outcome) -> String {
    let (errors, warnings) = briefing::report::counts(&outcome.diagnostics);
    briefing::report::summary(errors, warnings)
}

fn run_build(
    root: &Path,
    out: &Path,
    base_url: Option<briefing::load::address::BaseUrl>,
    cache: Option<&Path>,
    quiet: bool,
    color: bool,
) -> Result<ExitCode, Error> {
    let started = Instant::now();
    // Ctrl-C lets the build stop at a safe point instead of killing it half way.
    let cancel = CancelToken::new();
    let on_signal = cancel.clone();
    let _ = ctrlc::set_handler(move || on_signal.cancel());
    let outcome = pipeline::build_into(
        root,
        out,
        base_url,
        cache,
        &ProgressBar::for_build(quiet),
        &cancel,
    )?;
    print_diagnostics(&outcome, color);
    let Some(site) = &outcome.site else {
        eprintln!(
            "build failed: {}; {} was left as it was",
            failure_summary(&outcome),
            display_path(out)
        );
        return Ok(ExitCode::from(1));
    };
    if !quiet {
        println!(
            "Built {} briefing{} ({} notes, {} glossary terms) in {} ms → {}{}",
            site.briefings,
            if site.briefings == 1 { "" } else { "s" },
            site.notes,
            site.terms,
            started.elapsed().as_millis(),
            display_path(out),
            cache_summary(site, cache.is_some())
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// What the build cache saved, for the summary line: "; 1 rendered, 999 from the cache".
fn cache_summary(site: &briefing::pipeline::Site, cached: bool) -> String {
    if cached {
        format!(
            "; {} rendered, {} from the cache",
            site.rendered, site.reused
        )
    } else {
        String::new()
    }
}

/// How `check` prints.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn run_check(
    root: &Path,
    format: Format,
    links: Option<&LinkOptions>,
    color: bool,
) -> Result<ExitCode, Error> {
    let mut outcome = pipeline::build_site(root)?;
    // Near-misses are hints for editors: `check` shows them, `build` does not.
    outcome.diagnostics.append(&mut outcome.near_misses);
    briefing::diagnostic::sort(&mut outcome.diagnostics);
    let link_report = match links {
        Some(options) => Some(link_check::check_links(root, options)?),
        None => None,
    };
    let mut failed = outcome.site.is_none();
    if let Some(report) = &link_report {
        failed |= report.diagnostics.iter().any(Diagnostic::is_error);
        outcome
            .diagnostics
            .extend(report.diagnostics.iter().cloned());
        briefing::diagnostic::sort(&mut outcome.diagnostics);
    }
    let code = if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    if let Format::Json = format {
        print!("{}", Report::new(&outcome.diagnostics).to_json());
        return Ok(code);
    }
    print_diagnostics(&outcome, color);
    if let Some(report) = &link_report {
        if let Some(problem) = &report.cache_problem {
            eprintln!("warning: {problem}");
        }
        eprintln!("{}", report.summary());
    }
    if failed {
        eprintln!("check failed: {}", failure_summary(&outcome));
        return Ok(code);
    }
    if outcome.site.as_ref().is_some_and(|s| s.base_url.is_none()) {
        eprintln!("{}", briefing::publish::NO_BASE_URL_NOTE);
    }
    let warnings = outcome.diagnostics.len();
    eprintln!(
        "check passed: {} warning{}",
        warnings,
        if warnings == 1 { "" } else { "s" }
    );
    Ok(code)
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

fn run_serve(options: ServeOptions) -> Result<ExitCode, Error> {
    let session = Session::start(options)?;
    let stop = session.stop_handle();
    ctrlc::set_handler(move || {
        if !stop.stop() {
            // A second Ctrl-C: do not wait for anything.
            std::process::exit(130);
        }
    })
    .map_err(|e| Error::Server(format!("cannot handle Ctrl-C: {e}")))?;
    session.run()?;
    Ok(ExitCode::SUCCESS)
}

fn run_fix(root: &Path, options: &FixOptions, color: bool) -> Result<ExitCode, Error> {
    let report = fix::fix(root, options)?;
    let stdout_color = color && std::io::stdout().is_terminal();
    print!("{}", briefing::report::fix::render(&report, stdout_color));
    Ok(if report.all_fine() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_new(root: &Path, slug: &str, from: Option<&Path>) -> Result<ExitCode, Error> {
    let (made, todo) = scaffold::new_briefing_from(root, slug, from)?;
    for file in &made.files {
        println!("created {}", display_path(file));
    }
    for line in &todo {
        println!("note: {line}");
    }
    let article = display_path(&made.dir.join("article.md"));
    if from.is_some() {
        println!(
            "Check the front matter of {article}, then add notes; `briefing check` finds mistakes, `briefing serve` shows the page as you go."
        );
    } else {
        println!(
            "Paste the article into {article}, fill in its front matter, then add notes; `briefing serve` shows the page as you go."
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The exit codes every command shares (`fix` and `check` detail theirs in their help).
const EXIT_STATUS: &str = "0: success (warnings allowed).\n\
    1: the content has errors (build, check), or quotes do not match (fix).\n\
    2: a usage or I/O error: a wrong argument, a missing or unreadable file.\n\
    130: stopped by Ctrl-C.";

/// `briefing man`: the top page on stdout, or every command's page written into `dir`,
/// so that the briefing-build(1), ... the top page refers to exist.
fn run_man(dir: Option<&Path>) -> Result<ExitCode, Error> {
    let mut cli = Cli::command().disable_help_subcommand(true);
    cli.build();
    match dir {
        None => {
            let page = manual_page(cli);
            std::io::Write::write_all(&mut std::io::stdout(), page.as_bytes())
                .map_err(|e| Error::io(Path::new("<stdout>"), e))?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            for command in commands_with_pages(cli) {
                let name = clap_mangen::Man::new(command.clone()).get_filename();
                let path = dir.join(name);
                briefing::safe_write::write_file(
                    &path,
                    manual_page(command).as_bytes(),
                    briefing::safe_write::Existing::Replace,
                )?;
                println!("wrote {}", display_path(&path));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The command and all its subcommands, depth first: one manual page each.
fn commands_with_pages(command: clap::Command) -> Vec<clap::Command> {
    let mut all = vec![command.clone()];
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        all.extend(commands_with_pages(sub.clone()));
    }
    all
}

/// One manual page: clap_mangen's sections, then the after-help text kept line for
/// line (roff would otherwise run the examples together) and the exit status.
fn manual_page(command: clap::Command) -> String {
    let mut out = Vec::new();
    write_manual_page(command, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("roff is UTF-8")
}

fn write_manual_page(command: clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(command.clone())
        .source(concat!("briefing ", env!("BRIEFING_VERSION")));
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    let has_args = command
        .get_arguments()
        .any(|a| !a.is_hide_set() && a.get_id() != "help" && a.get_id() != "version");
    if has_args {
        man.render_options_section(out)?;
    }
    if command.has_subcommands() {
        man.render_subcommands_section(out)?;
    }
    let mut roff = roff::Roff::new();
    if let Some(after) = command.get_after_help() {
        let after = after.to_string();
        let (notes, examples) = match after.split_once("Examples:\n") {
            Some((notes, examples)) => (notes, Some(examples)),
            None => (after.as_str(), None),
        };
        if !notes.trim().is_empty() {
            roff.control("SH", ["NOTES"]);
            unfilled_lines(&mut roff, notes.trim_end());
        }
        if let Some(examples) = examples {
            roff.control("SH", ["EXAMPLES"]);
            unfilled_lines(&mut roff, examples.trim_end());
        }
    }
    roff.control("SH", ["EXIT STATUS"]);
    unfilled_lines(&mut roff, EXIT_STATUS);
    roff.to_writer(out)?;
    if command.get_version().is_some() {
        man.render_version_section(out)?;
    }
    Ok(())
}

/// Lines set as written, neither joined nor justified.
fn unfilled_lines(roff: &mut roff::Roff, text: &str) {
    roff.control("nf", []);
    for line in text.lines() {
        roff.text([roff::roman(line)]);
    }
    roff.control("fi", []);
}

fn run_init(dir: &Path, github_pages: bool, netlify: bool) -> Result<ExitCode, Error> {
    let made = briefing::init::init_project(dir, github_pages, netlify)?;
    for file in &made {
        println!("created {}", display_path(file));
    }
    let root = display_path(dir);
    if !made.contains(&dir.join("content/site.yaml")) {
        println!("Next: `briefing build --root {root}`, then commit public/ and the new file.");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Next: `briefing serve --root {root} --open` to see the example briefing, then `briefing new SLUG --root {root}` for your own."
    );
    Ok(ExitCode::SUCCESS)
}

/// A progress bar for long builds, on a terminal only (indicatif draws nothing
/// when stderr is not one); short builds finish before it would be worth drawing.
struct ProgressBar(Option<indicatif::ProgressBar>);

impl ProgressBar {
    fn for_build(quiet: bool) -> ProgressBar {
        ProgressBar(
            (!quiet && std::io::stderr().is_terminal()).then(indicatif::ProgressBar::hidden),
        )
    }
}

impl pipeline::Progress for ProgressBar {
    fn start(&self, briefings: usize) {
        if let Some(bar) = self.0.as_ref().filter(|_| briefings >= 50) {
            bar.set_length(briefings as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} briefings")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn advance(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }
}

impl Drop for ProgressBar {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

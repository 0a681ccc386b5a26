//! `quota serve`: the planner's workbench — a local web page where weights move and the
//! allocation table answers at once, over the library API (the page computes nothing). The
//! routes are in [`routes`], the page in `serve/web/` (embedded by [`assets`]). Ctrl-C stops
//! it (exit status 130, as for every command).

mod answers;
mod assets;
mod compare;
mod export;
mod handlers;
mod request;
mod routes;
mod sensitivity;
mod settings;
mod sources;
mod why;
mod why_method;

use std::path::PathBuf;
use std::sync::Arc;

use quota::scenario::Overrides;

use super::{input, internal, load, Failure};

/// The planner's workbench: a local web page where weights move and the table answers.
///
/// Move weights, δ and region multipliers, pick a method, ask why a unit gets its slots, pin
/// a baseline, compare variants and export the announcement table.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  quota serve                          # the bundled 2024 first batch at http://127.0.0.1:8417/\n  quota serve my-scenario.toml --port 9000 --open\n\nThe page works offline (nothing is loaded from the internet). It binds 127.0.0.1 unless\n--host says otherwise; any other address lets other computers use it (no login)."
)]
pub struct Args {
    /// Scenario file (TOML) the page starts from; the bundled 2024 first-batch scenario when
    /// omitted.
    scenario: Option<PathBuf>,
    /// Port to listen on (0: any free port; the URL printed says which).
    #[arg(long, short, default_value_t = 8417)]
    port: u16,
    /// Address to listen on. Anything but a loopback address (127.0.0.1, ::1, localhost)
    /// makes the page reachable from other computers: a warning is printed.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Open the page in the default browser.
    #[arg(long)]
    open: bool,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let (scenario, inputs) = load::scenario(args.scenario.as_deref(), &Overrides::default())?;
    let sweeps = rayon::ThreadPoolBuilder::new().num_threads(1).build().map_err(internal)?;
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let permits = tokio::sync::Semaphore::new(cores);
    let base = Arc::new(request::Base { scenario, inputs: Arc::new(inputs), sweeps, permits });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(64)
        .build()
        .map_err(internal)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await.map_err(|e| {
            input(anyhow::anyhow!(
                "--host {} --port {}: cannot listen there: {e}{}",
                args.host,
                args.port,
                if e.kind() == std::io::ErrorKind::AddrInUse {
                    " (choose another --port, or --port 0 for any free port)"
                } else {
                    ""
                }
            ))
        })?;
        let addr = listener.local_addr().map_err(internal)?;
        if !addr.ip().is_loopback() {
            eprintln!(
                "warning: listening on {addr}: other computers that can reach this address can use the page (no login, no encryption); use --host 127.0.0.1 to keep it on this computer"
            );
        }
        let url = format!("http://{addr}/");
        println!("quota serve: the workbench is at {url} (Ctrl-C to stop)");
        if args.open {
            open_browser(&url);
        }
        // Ctrl-C ends the process through the handler every command has (`cli::guard`).
        axum::serve(listener, routes::router(base)).await.map_err(internal)
    })
}

/// Opens `url` with the system's browser; a failure is a warning (the URL is printed anyway).
fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(program)
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!("warning: could not open a browser with {program} ({e}); open {url} yourself");
    }
}

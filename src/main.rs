#![allow(clippy::needless_range_loop)]
#![allow(clippy::result_large_err)]
//! The `quota` command line: a thin shell over the library. Parses arguments, reads and
//! writes files, and maps errors to exit codes: 0 success, 2 bad input, 1 internal fault.
//! A broken pipe (`quota allocate | head`) exits quietly.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    cli::guard::install();
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if failure.is_broken_pipe() {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {}", failure.message());
            ExitCode::from(failure.exit_code())
        }
    }
}

//! Argument parsing and dispatch. Each subcommand lives in its own file with its own
//! arguments struct and a `run` function; this file only routes.

mod allocate;
mod apportion;
mod calibrate;
mod compare;
mod constraints;
mod eligible;
mod explain;
mod flags;
pub mod guard;
mod init;
pub mod load;
pub mod output;
mod output_dir;
mod plan;
mod serve;
mod stamp;
mod sweep;
mod table;
mod validate;
mod weights;

use clap::{Parser, Subcommand};

/// Splits China's national quota of supported 专精特新"小巨人" firms, and the money that
/// follows them, across provincial units — exactly, explainably, fast.
#[derive(Debug, Parser)]
#[command(name = "quota", version, about, long_about = None, after_help = "Example:\n  quota allocate                      # the bundled 2024 first-batch scenario\n  quota allocate --method webster --format md")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Allocate(allocate::Args),
    Apportion(apportion::Args),
    Calibrate(calibrate::Args),
    Compare(compare::Args),
    Explain(explain::Args),
    Init(init::Args),
    Validate(validate::Args),
    Eligible(eligible::Args),
    Plan(plan::Args),
    Table(table::Args),
    Weights(weights::Args),
    Sweep(Box<sweep::Args>),
    Serve(serve::Args),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Allocate(a) => allocate::run(a),
        Command::Apportion(a) => apportion::run(a),
        Command::Calibrate(a) => calibrate::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Init(a) => init::run(a),
        Command::Validate(a) => validate::run(a),
        Command::Eligible(a) => eligible::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Table(a) => table::run(a),
        Command::Weights(a) => weights::run(a),
        Command::Sweep(a) => sweep::run(*a),
        Command::Serve(a) => serve::run(a),
    }
}

/// A failed command: bad input (exit 2), an internal fault (exit 1), or a published output
/// that no longer matches its inputs (`--check-stamp`, exit 3).
#[derive(Debug)]
pub enum Failure {
    /// The user's input is wrong: a file, a value, an option.
    Input(anyhow::Error),
    /// Something failed that is not the user's fault.
    Internal(anyhow::Error),
    /// `--check-stamp`: the published output does not match a fresh run of its inputs.
    Mismatch(anyhow::Error),
}

impl Failure {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Input(_) => 2,
            Failure::Internal(_) => 1,
            Failure::Mismatch(_) => 3,
        }
    }

    /// The message with its cause chain.
    pub fn message(&self) -> String {
        let e = match self {
            Failure::Input(e) | Failure::Internal(e) | Failure::Mismatch(e) => e,
        };
        let mut s = e.to_string();
        for cause in e.chain().skip(1) {
            s.push_str(&format!("\n  caused by: {cause}"));
        }
        s
    }

    /// Whether this is a write to a closed pipe.
    pub fn is_broken_pipe(&self) -> bool {
        let e = match self {
            Failure::Input(e) | Failure::Internal(e) | Failure::Mismatch(e) => e,
        };
        e.chain().any(|c| {
            c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        })
    }
}

/// Shorthand: wrap an error of the input as bad input — except a checker's rejection of a
/// result, which is an internal fault whatever the call site (exit 1, not 2).
pub fn input<E: Into<anyhow::Error>>(e: E) -> Failure {
    let e = e.into();
    let internal = e.chain().any(|c| {
        c.downcast_ref::<quota::allocate::AllocateError>().is_some_and(|a| a.is_internal())
            || c.downcast_ref::<quota::check::CheckError>().is_some()
            || c.downcast_ref::<quota::optimize::OptCheckError>().is_some()
    });
    if internal {
        Failure::Internal(e)
    } else {
        Failure::Input(e)
    }
}

/// Shorthand: wrap any error as an internal fault.
pub fn internal<E: Into<anyhow::Error>>(e: E) -> Failure {
    Failure::Internal(e.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quota::allocate::AllocateError;
    use quota::check::CheckError;

    #[test]
    fn a_checker_rejection_is_an_internal_fault_and_bad_input_is_not() {
        let rejected = AllocateError::Check(CheckError::Sum { sum: 1038, total: 1039 });
        assert_eq!(input(rejected).exit_code(), 1);
        let bad = AllocateError::Apportion(quota::apportion::ApportionError::NoUnits);
        assert_eq!(input(bad).exit_code(), 2);
        assert_eq!(input(anyhow::anyhow!("a file is missing")).exit_code(), 2);
    }
}

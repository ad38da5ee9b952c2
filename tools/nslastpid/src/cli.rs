// SPDX-License-Identifier: GPL-2.0

//! Command-line syntax of the nslastpid tool: subcommands, options, help text.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use nslastpid::bench::Create;
use nslastpid::vector;
use nslastpid::Method;

const EXAMPLES: &str = "\
Examples:
  nslastpid get                         last pids from the caller's namespace
  nslastpid get --pid 4242 --json       from task 4242's pid namespace up
  nslastpid set 299:199:99 --pid 4242   next pids: 300 in 4242's namespace,
                                        200 in its parent, 100 above
  nslastpid spawn --pids 300:200 --pid 4242 -- sleep 10
                                        run sleep with pid 300 in 4242's
                                        namespace and 200 in its parent
  nslastpid bench --depths 1,8,32 --out results

Vectors are ':'-separated decimal, innermost namespace first. set takes last
pids (the next task gets each plus one); spawn takes the pids themselves.
Exit status: 0 on success, 1 on error, 2 on bad usage; spawn exits with the
command's status (128+N if killed by signal N).";

/// Set and read the last pids of nested pid namespaces, and start tasks with exact pids.
#[derive(Parser, Debug)]
#[command(name = "nslastpid", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub cmd: Cmd,
}

/// The pid namespace to act on.
#[derive(Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// An nsfs file: /proc/PID/ns/pid, /proc/PID/ns/pid_for_children, ...
    #[arg(long, value_name = "PATH", conflicts_with = "pid")]
    pub ns: Option<PathBuf>,
    /// Task PID's active pid namespace, /proc/PID/ns/pid
    #[arg(long, value_name = "PID", value_parser = clap::value_parser!(i32).range(1..))]
    pub pid: Option<i32>,
}

impl Target {
    /// Returns the nsfs path meant; the caller's own namespace by default.
    pub fn path(&self) -> PathBuf {
        match (&self.ns, self.pid) {
            (Some(path), _) => path.clone(),
            (None, Some(pid)) => PathBuf::from(format!("/proc/{pid}/ns/pid")),
            (None, None) => PathBuf::from("/proc/self/ns/pid"),
        }
    }
}

/// Methods as the command line names them.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodArg {
    /// ioctl if the module is loaded, clone3 otherwise
    Auto,
    /// NS_SPECIFIC_IOC SET, then fork
    Ioctl,
    /// clone3 with set_tid
    Clone3,
}

impl From<MethodArg> for Method {
    fn from(m: MethodArg) -> Self {
        match m {
            MethodArg::Auto => Method::Auto,
            MethodArg::Ioctl => Method::Ioctl,
            MethodArg::Clone3 => Method::Clone3,
        }
    }
}

/// Parts of the benchmark that can run alone.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnlyArg {
    /// NS_GET_NSTYPE alone, labelled by whether the module is loaded
    Nstype,
    /// no measurement: rebuild bench.md and bench.svg from the result files
    Report,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Print the last pids from the namespace up to the caller's, innermost first
    Get {
        #[command(flatten)]
        target: Target,
        /// Print JSON instead of the vector text
        #[arg(long)]
        json: bool,
    },
    /// Set the last pids of the namespace and its ancestors in one call
    Set {
        /// Last pids, innermost first, e.g. 299:199:99
        #[arg(value_parser = vector_syntax)]
        vector: String,
        #[command(flatten)]
        target: Target,
        /// Print JSON of what was set
        #[arg(long)]
        json: bool,
    },
    /// Run a command as a new task with exactly these pids, innermost first
    Spawn {
        /// Pids of the new task, innermost first, e.g. 300:200:100
        #[arg(long, value_name = "VECTOR", value_parser = vector_syntax)]
        pids: String,
        /// How to choose the pids
        #[arg(long, value_enum, default_value_t = MethodArg::Auto)]
        method: MethodArg,
        #[command(flatten)]
        target: Target,
        /// Print a JSON line with pid, method, NSpid and exit code when the command ends
        #[arg(long)]
        json: bool,
        /// The command and its arguments, after --
        #[arg(last = true, required = true, value_name = "CMD")]
        command: Vec<OsString>,
    },
    /// Measure task creation with chosen pids (run as root, module loaded)
    Bench {
        /// Numbers of nested namespaces to measure, each 1 to 32
        #[arg(long, value_delimiter = ',', default_value = "1,2,4,8,16,32",
              value_parser = clap::value_parser!(u32).range(1..=32))]
        depths: Vec<u32>,
        /// Creation iterations kept per depth [default: 500 up to depth 8,
        /// 400 up to 16, 300 above]
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        iterations: Option<u32>,
        /// Iterations or samples run first and discarded
        #[arg(long, default_value_t = 20)]
        warmup: u32,
        /// Seconds after which a depth stops, once 20 iterations are kept
        #[arg(long, default_value_t = 40)]
        budget: u64,
        /// Creation methods to measure
        #[arg(long, value_delimiter = ',', default_value = "helpers,ioctl,clone3")]
        methods: Vec<Create>,
        /// Directory for bench.md, bench.svg and the bench-*.tsv result files
        #[arg(long, default_value = "results")]
        out: PathBuf,
        /// Run only one part
        #[arg(long, value_enum)]
        only: Option<OnlyArg>,
    },
}

/// Checks a vector's syntax; values against pid_max are checked when run,
/// where the limit is known.
fn vector_syntax(text: &str) -> Result<String, String> {
    vector::parse(text.as_bytes(), u32::MAX)
        .map(|_| text.to_owned())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use clap::error::ErrorKind;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("nslastpid").chain(args.iter().copied()))
    }

    #[test]
    fn get_defaults_to_own_namespace() {
        let Cmd::Get { target, json } = parse(&["get"]).unwrap().cmd else {
            panic!()
        };
        assert_eq!(target.path(), PathBuf::from("/proc/self/ns/pid"));
        assert!(!json);
    }

    #[test]
    fn pid_and_ns_select_the_namespace() {
        let Cmd::Get { target, json } = parse(&["get", "--pid", "42", "--json"]).unwrap().cmd
        else {
            panic!()
        };
        assert_eq!(target.path(), PathBuf::from("/proc/42/ns/pid"));
        assert!(json);
        let Cmd::Set { target, vector, .. } =
            parse(&["set", "1:2", "--ns", "/proc/7/ns/pid_for_children"])
                .unwrap()
                .cmd
        else {
            panic!()
        };
        assert_eq!(target.path(), PathBuf::from("/proc/7/ns/pid_for_children"));
        assert_eq!(vector, "1:2");
    }

    #[test]
    fn pid_and_ns_conflict() {
        let err = parse(&["get", "--pid", "1", "--ns", "/proc/1/ns/pid"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ArgumentConflict);
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn pid_must_be_positive() {
        assert!(parse(&["get", "--pid", "0"]).is_err());
        assert!(parse(&["get", "--pid", "-3"]).is_err());
        assert!(parse(&["get", "--pid", "x"]).is_err());
    }

    #[test]
    fn bad_vector_syntax_is_a_usage_error_naming_the_field() {
        let err = parse(&["set", "300::100"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("field 2 is empty"), "{err}");
        let err = parse(&["set", "01"]).unwrap_err();
        assert!(
            err.to_string().contains("field 1 has a leading zero"),
            "{err}"
        );
        let err = parse(&["spawn", "--pids", "3x", "--", "true"]).unwrap_err();
        assert!(err.to_string().contains("offset 1"), "{err}");
        assert!(parse(&["set"]).is_err());
    }

    #[test]
    fn spawn_takes_the_command_after_double_dash() {
        let cli = parse(&[
            "spawn", "--pids", "300:200", "--method", "clone3", "--", "sh", "-c", "echo --x",
        ])
        .unwrap();
        let Cmd::Spawn {
            pids,
            method,
            command,
            json,
            target,
        } = cli.cmd
        else {
            panic!()
        };
        assert_eq!(pids, "300:200");
        assert_eq!(method, MethodArg::Clone3);
        assert_eq!(command, ["sh", "-c", "echo --x"].map(OsString::from));
        assert!(!json);
        assert_eq!(target, Target::default());
        assert!(parse(&["spawn", "--pids", "300"]).is_err());
        assert!(parse(&["spawn", "--pids", "300", "--method", "fork", "--", "true"]).is_err());
        let Cmd::Spawn { method, .. } = parse(&["spawn", "--pids", "1", "--", "true"]).unwrap().cmd
        else {
            panic!()
        };
        assert_eq!(Method::from(method), Method::Auto);
    }

    #[test]
    fn bench_options() {
        let Cmd::Bench {
            depths,
            iterations,
            warmup,
            methods,
            out,
            only,
            budget,
        } = parse(&["bench"]).unwrap().cmd
        else {
            panic!()
        };
        assert_eq!(depths, [1, 2, 4, 8, 16, 32]);
        assert_eq!((iterations, warmup, budget), (None, 20, 40));
        assert_eq!(methods, [Create::Helpers, Create::Ioctl, Create::Clone3]);
        assert_eq!(out, PathBuf::from("results"));
        assert_eq!(only, None);
        let Cmd::Bench {
            depths,
            methods,
            only,
            ..
        } = parse(&[
            "bench",
            "--depths",
            "3,5",
            "--methods",
            "clone3",
            "--only",
            "nstype",
        ])
        .unwrap()
        .cmd
        else {
            panic!()
        };
        assert_eq!(depths, [3, 5]);
        assert_eq!(methods, [Create::Clone3]);
        assert_eq!(only, Some(OnlyArg::Nstype));
        assert!(parse(&["bench", "--depths", "33"]).is_err());
        assert!(parse(&["bench", "--depths", "0"]).is_err());
        assert!(parse(&["bench", "--methods", "vfork"]).is_err());
    }

    #[test]
    fn help_has_examples_and_is_not_an_error_exit() {
        let err = parse(&["--help"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DisplayHelp);
        assert_eq!(err.exit_code(), 0);
        assert!(err.to_string().contains("Examples:"));
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}

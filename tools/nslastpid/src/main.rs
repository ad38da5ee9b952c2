// SPDX-License-Identifier: GPL-2.0

//! The nslastpid command: get and set the last pids of nested pid namespaces, spawn a command with exact pids, and benchmark the ways of doing so.

mod cli;

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::os::unix::process::ExitStatusExt;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use nslastpid::bench::{self, Part};
use nslastpid::{parse_vector, pid_max, spawn_exec, Exec, LastPids, Method, PidNs};

use cli::{Cli, Cmd, OnlyArg};

/// Quotes a string for JSON.
fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Formats numbers as a JSON array.
fn json_list(values: &[u32]) -> String {
    let items: Vec<String> = values.iter().map(u32::to_string).collect();
    format!("[{}]", items.join(","))
}

fn text_of(pids: &LastPids) -> String {
    let items: Vec<String> = pids.as_slice().iter().map(u32::to_string).collect();
    items.join(":")
}

/// Prints a namespace and its last pids as one JSON object.
fn print_last_pids_json(ns: &PidNs, pids: &LastPids) -> io::Result<()> {
    print(&format!(
        "{{\"ns\":{},\"last_pids\":{}}}",
        json_str(ns.name()),
        json_list(pids.as_slice())
    ))
}

fn print(line: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}

/// Exit status of the tool for a command that ended with `status`.
fn exit_code_of(status: std::process::ExitStatus) -> u8 {
    match (status.code(), status.signal()) {
        (Some(code), _) => u8::try_from(code & 0xff).unwrap_or(1),
        (None, Some(sig)) => u8::try_from(128 + sig).unwrap_or(255),
        _ => 1,
    }
}

fn run(cli: Cli) -> io::Result<u8> {
    match cli.cmd {
        Cmd::Get { target, json } => {
            let ns = PidNs::open(target.path())?;
            let pids = ns.get_last_pids()?;
            if json {
                print_last_pids_json(&ns, &pids)?;
            } else {
                print(&text_of(&pids))?;
            }
            Ok(0)
        }
        Cmd::Set {
            vector,
            target,
            json,
        } => {
            let pids = parse_vector(&vector, pid_max()?)?;
            let ns = PidNs::open(target.path())?;
            ns.set_last_pids(&pids)?;
            if json {
                print_last_pids_json(&ns, &pids)?;
            }
            Ok(0)
        }
        Cmd::Spawn {
            pids,
            method,
            target,
            json,
            command,
        } => {
            let wanted = parse_vector(&pids, u32::MAX)?;
            let exec = Exec::new(&command)?;
            let ns = PidNs::open(target.path())?;
            let task = spawn_exec(&ns, wanted.as_slice(), Method::from(method), &exec)?;
            let nspid: Vec<String> = task.nspid().iter().map(u32::to_string).collect();
            if !json {
                eprintln!(
                    "nslastpid: task {} has NSpid {} (chosen by {})",
                    task.pid(),
                    nspid.join(" "),
                    task.method()
                );
            }
            let status = task.wait()?;
            let code = exit_code_of(status);
            if json {
                print(&format!(
                    "{{\"pid\":{},\"method\":{},\"nspid\":{},\"exit_code\":{code}}}",
                    task.pid(),
                    json_str(task.method().as_str()),
                    json_list(task.nspid())
                ))?;
            }
            Ok(code)
        }
        Cmd::Bench {
            depths,
            iterations,
            warmup,
            budget,
            methods,
            out,
            only,
        } => {
            let cfg = bench::Config {
                depths: depths.iter().map(|&d| d as usize).collect(),
                iterations: iterations.map(|n| n as usize),
                warmup: warmup as usize,
                budget: Duration::from_secs(budget),
                methods,
                out,
                part: match only {
                    None => Part::All,
                    Some(OnlyArg::Nstype) => Part::Nstype,
                    Some(OnlyArg::Report) => Part::Report,
                },
            };
            let md = bench::run(&cfg)?;
            print(&md)?;
            Ok(0)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("nslastpid: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_str("/proc/1/ns/pid"), "\"/proc/1/ns/pid\"");
        assert_eq!(json_str("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
        assert_eq!(json_list(&[300, 200]), "[300,200]");
        assert_eq!(json_list(&[]), "[]");
    }

    #[test]
    fn exit_codes_follow_the_command() {
        assert_eq!(exit_code_of(std::process::ExitStatus::from_raw(3 << 8)), 3);
        assert_eq!(
            exit_code_of(std::process::ExitStatus::from_raw(libc::SIGKILL)),
            137
        );
        assert_eq!(exit_code_of(std::process::ExitStatus::from_raw(0)), 0);
    }
}

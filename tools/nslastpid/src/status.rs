// SPDX-License-Identifier: GPL-2.0

//! Reads a task's pids at every level from the `NSpid:` line of /proc/PID/status, and checks them against a wanted vector.

use std::fmt;
use std::fs;
use std::io;

use crate::error::{with_context, Op};

/// Returns the pids of task `pid` as /proc shows them, outermost level first
/// (the level of the pid namespace /proc was mounted for) down to the
/// task's own.
pub fn nspid(pid: libc::pid_t) -> io::Result<Vec<u32>> {
    let path = format!("/proc/{pid}/status");
    let text = fs::read_to_string(&path)
        .map_err(|err| with_context(Op::Other, format!("read {path}"), err))?;
    parse_nspid(&text)
        .map_err(|why| io::Error::new(io::ErrorKind::InvalidData, format!("{path}: {why}")))
}

/// Parses the `NSpid:` line of a /proc/PID/status text.
pub fn parse_nspid(status: &str) -> Result<Vec<u32>, String> {
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix("NSpid:"))
        .ok_or("no NSpid line")?;
    let pids = line
        .split_whitespace()
        .map(|word| {
            word.parse::<u32>()
                .map_err(|_| format!("bad NSpid entry {word:?}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if pids.is_empty() {
        return Err("empty NSpid line".into());
    }
    Ok(pids)
}

/// A task whose pids are not the ones asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The wanted pids, innermost first.
    pub wanted: Vec<u32>,
    /// The task's NSpid, outermost first, as /proc shows it.
    pub nspid: Vec<u32>,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "task got NSpid {} but the innermost {} should be {} (innermost first: {})",
            join(&self.nspid, " "),
            self.wanted.len(),
            join(&reversed(&self.wanted), " "),
            join(&self.wanted, ":")
        )
    }
}

impl std::error::Error for Mismatch {}

fn reversed(values: &[u32]) -> Vec<u32> {
    values.iter().rev().copied().collect()
}

fn join(values: &[u32], sep: &str) -> String {
    values
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}

/// Checks that the innermost `wanted.len()` entries of `nspid` (outermost
/// first) are `wanted` (innermost first).
pub fn check_nspid(nspid: &[u32], wanted: &[u32]) -> Result<(), Mismatch> {
    let tail = nspid
        .len()
        .checked_sub(wanted.len())
        .map(|start| &nspid[start..]);
    let matches = tail.is_some_and(|tail| tail.iter().rev().eq(wanted.iter()));
    if matches && !wanted.is_empty() {
        Ok(())
    } else {
        Err(Mismatch {
            wanted: wanted.to_vec(),
            nspid: nspid.to_vec(),
        })
    }
}

/// Reads the NSpid of `pid` and checks it against `wanted` (innermost first).
pub fn verify_pids(pid: libc::pid_t, wanted: &[u32]) -> io::Result<Vec<u32>> {
    let pids = nspid(pid)?;
    check_nspid(&pids, wanted).map_err(|m| io::Error::other(format!("task {pid}: {m}")))?;
    Ok(pids)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const STATUS: &str = "Name:\tsh\nState:\tS (sleeping)\nTgid:\t4242\nNgid:\t0\n\
        Pid:\t4242\nPPid:\t1\nNSpid:\t4242\t300\t200\t100\nNSpgid:\t4242\n";

    #[test]
    fn parses_nspid_outermost_first() {
        assert_eq!(parse_nspid(STATUS).unwrap(), vec![4242, 300, 200, 100]);
    }

    #[test]
    fn single_level() {
        assert_eq!(parse_nspid("NSpid:\t17\n").unwrap(), vec![17]);
    }

    #[test]
    fn missing_or_bad_line_is_an_error() {
        assert_eq!(parse_nspid("Pid:\t1\n").unwrap_err(), "no NSpid line");
        assert!(parse_nspid("NSpid:\t1\tx\n").unwrap_err().contains("\"x\""));
        assert_eq!(parse_nspid("NSpid:\n").unwrap_err(), "empty NSpid line");
    }

    #[test]
    fn check_compares_the_innermost_levels_reversed() {
        let nspid = [4242, 300, 200, 100];
        assert!(check_nspid(&nspid, &[100, 200, 300]).is_ok());
        assert!(check_nspid(&nspid, &[100, 200, 300, 4242]).is_ok());
        assert!(check_nspid(&nspid, &[100]).is_ok());
        let err = check_nspid(&nspid, &[300, 200, 100]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "task got NSpid 4242 300 200 100 but the innermost 3 should be 100 200 300 \
             (innermost first: 300:200:100)"
        );
        assert!(check_nspid(&nspid, &[100, 200, 300, 4242, 1]).is_err());
        assert!(check_nspid(&nspid, &[]).is_err());
    }

    #[test]
    fn reads_own_status() {
        let me = std::process::id() as libc::pid_t;
        let pids = nspid(me).unwrap();
        assert_eq!(*pids.last().unwrap(), std::process::id());
    }
}

// SPDX-License-Identifier: GPL-2.0

//! Host test, as root, of running a closure in a task with chosen pids; has its own main since the child of a threaded harness may not run arbitrary code.

#![allow(clippy::unwrap_used)]

mod common;

use std::process::ExitCode;

use common::{require_root, Nested};
use nslastpid::{Method, PidNs};

fn main() -> ExitCode {
    require_root();
    let nested = Nested::new(2);
    let ns = PidNs::open(nested.deepest()).unwrap();
    let mut failed = 0;
    for (n, method) in [Method::Auto, Method::Clone3].into_iter().enumerate() {
        let pid = 600 + n as u32;
        // Allocates and formats in the child: allowed only because this
        // process has a single thread.
        let task = nslastpid::spawn_call(&ns, &[pid, 500 + n as u32], method, move || {
            let me = std::process::id();
            let line = format!("{me}");
            if me == pid && line == pid.to_string() {
                0
            } else {
                1
            }
        })
        .unwrap();
        let ok = task.wait().unwrap().code() == Some(0);
        println!(
            "{} closure child saw pid {pid} via {}",
            if ok { "ok" } else { "FAILED:" },
            task.method()
        );
        if !ok {
            failed += 1;
        }
    }
    println!("{} passed, {failed} failed", 2 - failed);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

// SPDX-License-Identifier: GPL-2.0

//! Userspace side of nslastpid: read and set the last pids of nested pid namespaces, and start tasks with exact pids.
//!
//! [`PidNs`] wraps one namespace's nsfs file and its `NS_SPECIFIC_IOC`
//! operations; [`spawn`] starts a task with a chosen pid at each level,
//! through the ioctl or through clone3; [`status`] reads back what the
//! kernel gave; [`bench`] measures both against the per-level ns_last_pid
//! helpers a restorer needs without the module.

pub mod bench;
pub mod error;
pub mod ns;
pub mod spawn;
pub mod status;
mod sys;
pub mod uapi;

pub use nslastpid_vector as vector;
pub use nslastpid_vector::LastPids;

pub use error::{errno_of, NsError};
pub use ns::{parse_vector, pid_max, PidNs};
pub use spawn::{spawn_call, spawn_exec, spawn_exit, Exec, Method, Spawned};
pub use status::{check_nspid, nspid, verify_pids};

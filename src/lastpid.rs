// SPDX-License-Identifier: GPL-2.0

//! nslastpid: sets and reads the last pid of a pid namespace and of its
//! ancestors through `NS_SPECIFIC_IOC` on the namespace's nsfs file, so that
//! a restorer can fork a task with a chosen pid at every level.
//!
//! nsfs has no registration point for ioctls, so the module attaches an
//! ftrace hook to `ns_ioctl` and diverts only its own command number.

use kernel::prelude::*;

mod ioctl;
mod kernel_api;
pub mod vector;

use kernel_api::Diversion;

module! {
    type: NsLastPid,
    name: "nslastpid",
    description: "NS_SPECIFIC_IOC: set the last pid of nested pid namespaces in one call",
    license: "GPL",
}

struct NsLastPid {
    _diversion: Diversion,
}

impl kernel::Module for NsLastPid {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let diversion = Diversion::install()?;
        pr_info!(
            "hooked {} for NS_SPECIFIC_IOC (type {:#x}, nr {:#x})\n",
            Diversion::TARGET,
            ioctl::NSIO,
            ioctl::NS_SPECIFIC_IOC_NR
        );
        Ok(NsLastPid {
            _diversion: diversion,
        })
    }
}

impl Drop for NsLastPid {
    fn drop(&mut self) {
        pr_info!("unhooking {}\n", Diversion::TARGET);
    }
}

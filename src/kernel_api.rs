// SPDX-License-Identifier: GPL-2.0

//! Safe wrappers over the kernel internals nslastpid needs.
//!
//! C headers: [`include/linux/ftrace.h`], [`include/linux/kprobes.h`],
//! [`include/linux/pid_namespace.h`] and [`include/linux/capability.h`]. This
//! is the only file with `unsafe` code: it owns the ftrace hook on `ns_ioctl`,
//! the entry point that the hook diverts `NS_SPECIFIC_IOC` to, and the views of
//! pid namespaces that the ioctl logic in `ioctl.rs` works on.
//!
//! [`include/linux/ftrace.h`]: srctree/include/linux/ftrace.h
//! [`include/linux/kprobes.h`]: srctree/include/linux/kprobes.h
//! [`include/linux/pid_namespace.h`]: srctree/include/linux/pid_namespace.h
//! [`include/linux/capability.h`]: srctree/include/linux/capability.h

use core::ffi::{c_int, c_long, c_uint, c_ulong, c_void};
use core::marker::PhantomData;
use core::mem::offset_of;
use core::ptr::{addr_of, addr_of_mut, NonNull};
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

use kernel::c_str;
use kernel::error::to_result;
use kernel::new_spinlock;
use kernel::prelude::*;
use kernel::sync::lock::{spinlock::SpinLockBackend, Guard};
use kernel::sync::SpinLock;

#[allow(
    dead_code,
    improper_ctypes,
    missing_docs,
    non_camel_case_types,
    non_snake_case,
    non_upper_case_globals,
    unreachable_pub,
    unsafe_op_in_unsafe_fn,
    unnecessary_transmutes,
    clippy::all,
    clippy::undocumented_unsafe_blocks
)]
mod raw {
    // The kernel's bindgen parameters leave these to be mapped by hand.
    type __kernel_size_t = usize;
    type __kernel_ssize_t = isize;
    type __kernel_ptrdiff_t = isize;

    include!("bindings_generated.rs");
}

/// The `endbr64` instruction, little-endian, that starts functions when the
/// kernel is built with indirect branch tracking.
const ENDBR64: u32 = 0xfa1e_0ff3;

/// Calls the ftrace callback has diverted to [`ns_specific_entry`] and that
/// have not returned yet.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// The state the diverted calls use; set while the hook is installed.
static STATE: AtomicPtr<State> = AtomicPtr::new(core::ptr::null_mut());

/// What diverted calls share.
#[pin_data]
struct State {
    /// Serialises reads and writes of last pids, so that a GET never sees
    /// half of a concurrent SET.
    #[pin]
    last_pids: SpinLock<()>,
    /// The kernel's `pid_max`, which `ns_last_pid` also caps values at.
    pid_max: NonNull<c_int>,
}

// SAFETY: `pid_max` points to a kernel global that is only read, with
// volatile reads, from any thread.
unsafe impl Send for State {}
// SAFETY: As above; the lock is `Sync` itself.
unsafe impl Sync for State {}

/// Holds a pid namespace's last pids locked; see [`IoctlCall::lock_last_pids`].
pub(crate) struct LastPidsLocked<'a>(#[expect(dead_code)] Guard<'a, (), SpinLockBackend>);

/// A pid namespace that stays alive for `'a`.
///
/// # Invariants
///
/// `ptr` points to a `struct pid_namespace` that is alive for `'a`.
#[derive(Clone, Copy)]
pub(crate) struct PidNs<'a> {
    ptr: NonNull<raw::pid_namespace>,
    _alive: PhantomData<&'a raw::pid_namespace>,
}

impl<'a> PidNs<'a> {
    /// Nesting level: 0 for the initial pid namespace.
    pub(crate) fn level(self) -> u32 {
        // SAFETY: By the type invariant the namespace is alive; `level` never
        // changes after creation.
        unsafe { addr_of!((*self.ptr.as_ptr()).level).read() }
    }

    /// The namespace this one was created in, `None` for the initial one.
    pub(crate) fn parent(self) -> Option<PidNs<'a>> {
        // SAFETY: By the type invariant the namespace is alive; `parent` never
        // changes after creation.
        let parent = unsafe { addr_of!((*self.ptr.as_ptr()).parent).read() };
        // INVARIANT: A pid namespace holds a reference on its parent, so the
        // parent lives at least as long as the child.
        NonNull::new(parent).map(|ptr| PidNs {
            ptr,
            _alive: PhantomData,
        })
    }

    /// Whether both are the same namespace.
    pub(crate) fn is(self, other: PidNs<'_>) -> bool {
        self.ptr == other.ptr
    }

    /// Whether the namespace's init (pid 1) has been created.
    pub(crate) fn has_init(self) -> bool {
        // SAFETY: By the type invariant the namespace is alive. The field is
        // written by `copy_process()` concurrently, hence the volatile read.
        let reaper = unsafe { addr_of!((*self.ptr.as_ptr()).child_reaper).read_volatile() };
        !reaper.is_null()
    }

    /// Whether both are owned by the same user namespace.
    pub(crate) fn same_owner(self, other: PidNs<'_>) -> bool {
        // SAFETY: By the type invariants both namespaces are alive; `user_ns`
        // never changes after creation.
        unsafe {
            addr_of!((*self.ptr.as_ptr()).user_ns).read()
                == addr_of!((*other.ptr.as_ptr()).user_ns).read()
        }
    }

    /// Whether the caller has `CAP_CHECKPOINT_RESTORE` or `CAP_SYS_ADMIN` in
    /// the user namespace that owns this pid namespace, the rule that
    /// `ns_last_pid` and `clone3()`'s `set_tid` apply.
    pub(crate) fn caller_may_set_last_pid(self) -> bool {
        // SAFETY: By the type invariant the namespace is alive, and it holds a
        // reference on its owning user namespace.
        let user_ns = unsafe { addr_of!((*self.ptr.as_ptr()).user_ns).read() };
        // SAFETY: `user_ns` is a live user namespace, as argued above.
        unsafe {
            raw::ns_capable(user_ns, raw::NSLASTPID_CAP_SYS_ADMIN)
                || raw::ns_capable(user_ns, raw::NSLASTPID_CAP_CHECKPOINT_RESTORE)
        }
    }

    /// The last pid handed out, as `/proc/sys/kernel/ns_last_pid` reads it;
    /// 0 for a namespace that has handed out none.
    pub(crate) fn last_pid(self, _locked: &LastPidsLocked<'_>) -> u32 {
        // SAFETY: By the type invariant the namespace is alive. The pid
        // allocator moves the cursor under its own lock, which we cannot
        // take, hence the volatile read, like the kernel's READ_ONCE().
        let next = unsafe { addr_of!((*self.ptr.as_ptr()).idr.idr_next).read_volatile() };
        next.saturating_sub(1)
    }

    /// Makes `last_pid + 1` the next pid to try, as a write to
    /// `/proc/sys/kernel/ns_last_pid` does.
    pub(crate) fn set_last_pid(self, last_pid: u32, _locked: &LastPidsLocked<'_>) {
        // SAFETY: By the type invariant the namespace is alive. The write is
        // the kernel's `idr_set_cursor()`, a WRITE_ONCE() of the cursor.
        unsafe { addr_of_mut!((*self.ptr.as_ptr()).idr.idr_next).write_volatile(last_pid + 1) };
    }
}

/// One `ioctl()` on an nsfs file that the hook diverted to nslastpid.
///
/// # Invariants
///
/// `ns` points to the `struct ns_common` of the open nsfs file the call was
/// made on, which stays alive for `'a`, and `state` is the installed state.
pub(crate) struct IoctlCall<'a> {
    ns: NonNull<raw::ns_common>,
    cmd: u32,
    arg: usize,
    state: &'a State,
}

impl<'a> IoctlCall<'a> {
    /// The ioctl command number.
    pub(crate) fn cmd(&self) -> u32 {
        self.cmd
    }

    /// The ioctl argument, a user address.
    pub(crate) fn arg(&self) -> usize {
        self.arg
    }

    /// The pid namespace of the file, `None` for other namespace types.
    pub(crate) fn pid_ns(&self) -> Option<PidNs<'a>> {
        let ns = self.ns.as_ptr();
        // SAFETY: By the type invariant `ns` is alive; its `ops` is a static
        // table of the namespace type.
        let ns_type = unsafe { (*addr_of!((*ns).ops).read()).type_ };
        if ns_type != raw::NSLASTPID_CLONE_NEWPID {
            return None;
        }
        let offset = offset_of!(raw::pid_namespace, ns);
        // SAFETY: A `ns_common` of type CLONE_NEWPID is the `ns` field of a
        // `struct pid_namespace`, which this steps back to.
        let pid_ns = unsafe { ns.byte_sub(offset) }.cast::<raw::pid_namespace>();
        // INVARIANT: The open file holds a reference on the namespace for the
        // duration of the call.
        NonNull::new(pid_ns).map(|ptr| PidNs {
            ptr,
            _alive: PhantomData,
        })
    }

    /// The caller's active pid namespace, the one its own pid belongs to.
    pub(crate) fn active_pid_ns(&self) -> PidNs<'a> {
        // SAFETY: Always callable from process context.
        let ptr = unsafe { raw::nslastpid_active_pid_ns() };
        // INVARIANT: The calling task holds a reference on its active pid
        // namespace for as long as it runs, which covers the call.
        PidNs {
            ptr: NonNull::new(ptr).unwrap_or_else(|| {
                // A task always has an active pid namespace; this is
                // unreachable but must not be undefined behaviour.
                panic!("task without a pid namespace")
            }),
            _alive: PhantomData,
        }
    }

    /// The current `pid_max`, the largest last pid `ns_last_pid` accepts.
    pub(crate) fn pid_max(&self) -> u32 {
        // SAFETY: `pid_max` is a kernel global, always mapped. The sysctl
        // changes it concurrently, hence the volatile read.
        let pid_max = unsafe { self.state.pid_max.as_ptr().read_volatile() };
        u32::try_from(pid_max).unwrap_or(0)
    }

    /// Locks the last pids of every namespace against other nslastpid calls.
    pub(crate) fn lock_last_pids(&self) -> LastPidsLocked<'a> {
        LastPidsLocked(self.state.last_pids.lock())
    }
}

/// Counts a diverted call from the callback's increment until the entry
/// point returns.
struct InFlight;

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Where the hook sends `NS_SPECIFIC_IOC`: has the signature of `ns_ioctl`.
///
/// # Safety
///
/// Only entered from the ftrace callback's diversion of `ns_ioctl`, with
/// `file` an open nsfs file and [`IN_FLIGHT`] counting this call.
unsafe extern "C" fn ns_specific_entry(file: *mut c_void, cmd: c_uint, arg: c_ulong) -> c_long {
    let _in_flight = InFlight;

    // SAFETY: The callback only diverts while the hook is installed, and the
    // state outlives every counted call.
    let state = unsafe { &*STATE.load(Ordering::Acquire) };
    // SAFETY: `file` is the nsfs file `ns_ioctl` was called on.
    let ns = unsafe { raw::nslastpid_file_ns(file.cast()) };
    let Some(ns) = NonNull::new(ns) else {
        return EINVAL.to_errno() as c_long;
    };
    // INVARIANT: The caller holds the file open for the whole call.
    let call = IoctlCall {
        ns,
        cmd,
        arg: arg as usize,
        state,
    };
    match crate::ioctl::ns_specific_ioctl(&call) {
        Ok(ret) => ret,
        Err(err) => err.to_errno() as c_long,
    }
}

/// The ftrace callback on `ns_ioctl`: sends `NS_SPECIFIC_IOC` to
/// [`ns_specific_entry`] and leaves every other command alone.
///
/// # Safety
///
/// Called by ftrace at the entry of `ns_ioctl` with its saved registers.
#[allow(improper_ctypes_definitions)]
unsafe extern "C" fn divert_ns_ioctl(
    _ip: c_ulong,
    _parent_ip: c_ulong,
    _ops: *mut raw::ftrace_ops,
    fregs: *mut raw::ftrace_regs,
) {
    // SAFETY: `fregs` holds the registers at the entry of `ns_ioctl`;
    // argument 1 is the command, an `unsigned int` whose upper bits are
    // undefined in the 64-bit register.
    let cmd = unsafe { raw::nslastpid_fregs_argument(fregs.cast(), 1) } as u32;
    if !crate::ioctl::is_ns_specific_ioc(cmd) {
        return;
    }
    // Counted before the diversion, so that unloading, which first stops new
    // callbacks, then sees every call that can still reach module code.
    IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
    let entry: unsafe extern "C" fn(*mut c_void, c_uint, c_ulong) -> c_long = ns_specific_entry;
    // SAFETY: `entry` has `ns_ioctl`'s signature, so returning into it with
    // the same argument registers runs it in place of `ns_ioctl`.
    unsafe { raw::nslastpid_fregs_set_ip(fregs.cast(), entry as usize as c_ulong) };
}

/// Finds a kernel symbol's address; `None` if the kernel has no such symbol.
///
/// `kallsyms_lookup_name()` is not exported to modules, so its own address
/// comes from a kprobe, which resolves symbol names for its users.
fn lookup_symbol(name: &CStr) -> Option<usize> {
    let mut kp = raw::kprobe {
        symbol_name: c_str!("kallsyms_lookup_name").as_char_ptr().cast(),
        ..Default::default()
    };
    // SAFETY: `kp` is a zeroed kprobe naming a symbol, which is all
    // `register_kprobe()` needs; it is unregistered straight away.
    let ret = unsafe { raw::register_kprobe(&mut kp) };
    if ret != 0 {
        return None;
    }
    let mut addr = kp.addr as usize;
    // SAFETY: `kp` was registered above.
    unsafe { raw::unregister_kprobe(&mut kp) };

    // A kprobe at a function's entry sits after its `endbr64`, but an
    // indirect call must land on it.
    let mut before: u32 = 0;
    // SAFETY: The copy is fault-tolerant and targets a local of that size.
    let copied = unsafe {
        raw::copy_from_kernel_nofault(
            addr_of_mut!(before).cast(),
            (addr - 4) as *const c_void,
            core::mem::size_of::<u32>(),
        )
    };
    if copied == 0 && before == ENDBR64 {
        addr -= 4;
    }

    type LookupName = unsafe extern "C" fn(*const kernel::ffi::c_char) -> c_ulong;
    // SAFETY: `addr` is the entry of `kallsyms_lookup_name()`, which has
    // this signature.
    let lookup_name = unsafe { core::mem::transmute::<usize, LookupName>(addr) };
    // SAFETY: `name` is a NUL-terminated string.
    let found = unsafe { lookup_name(name.as_char_ptr()) };
    (found != 0).then_some(found as usize)
}

/// An ftrace_ops of our own, at a fixed address.
struct HookOps(KBox<raw::ftrace_ops>);

// SAFETY: After setup the ops is only handed to ftrace, which serialises its
// own accesses under `ftrace_lock`.
unsafe impl Send for HookOps {}
// SAFETY: As above; Rust code never reads it through a shared reference.
unsafe impl Sync for HookOps {}

/// The installed diversion of `NS_SPECIFIC_IOC` away from `ns_ioctl`.
///
/// # Invariants
///
/// `ops` is registered with ftrace and [`STATE`] points to `_state`.
pub(crate) struct Diversion {
    ops: HookOps,
    /// Owned here, used by diverted calls through [`STATE`].
    _state: Pin<KBox<State>>,
}

impl Diversion {
    /// Name of the hooked function.
    pub(crate) const TARGET: &'static CStr = c_str!("ns_ioctl");

    /// Looks up what the hook needs and registers it on `ns_ioctl`.
    pub(crate) fn install() -> Result<Self> {
        let Some(target) = lookup_symbol(Self::TARGET) else {
            pr_err!("cannot find ns_ioctl in kallsyms: kernel without nsfs or kallsyms\n");
            return Err(ENOENT);
        };
        let Some(pid_max) = lookup_symbol(c_str!("pid_max")) else {
            pr_err!("cannot find pid_max in kallsyms: kernel built without KALLSYMS_ALL\n");
            return Err(ENOENT);
        };
        let Some(pid_max) = NonNull::new(pid_max as *mut c_int) else {
            return Err(ENOENT);
        };

        let state = KBox::pin_init(
            pin_init!(State {
                last_pids <- new_spinlock!((), "nslastpid_last_pids"),
                pid_max,
            }),
            GFP_KERNEL,
        )?;
        STATE.store(&*state as *const State as *mut State, Ordering::Release);

        let mut ops = HookOps(KBox::new(raw::ftrace_ops::default(), GFP_KERNEL)?);
        ops.0.func = Some(divert_ns_ioctl);
        ops.0.flags = raw::NSLASTPID_FTRACE_FLAGS;

        // SAFETY: `ops` is an unregistered ftrace_ops that stays at this
        // address; `target` is the address of `ns_ioctl`.
        let ret = unsafe { raw::ftrace_set_filter_ip(&mut *ops.0, target as c_ulong, 0, 0) };
        if let Err(err) = to_result(ret) {
            pr_err!(
                "ns_ioctl is not traceable (error {}): kernel without dynamic ftrace on it\n",
                ret
            );
            // SAFETY: The ops was never registered.
            unsafe { raw::ftrace_free_filter(&mut *ops.0) };
            STATE.store(core::ptr::null_mut(), Ordering::Release);
            return Err(err);
        }
        // SAFETY: As above, with the filter set.
        let ret = unsafe { raw::register_ftrace_function(&mut *ops.0) };
        if let Err(err) = to_result(ret) {
            if err == EBUSY {
                pr_err!("ns_ioctl already has an IP-modifying ftrace user (livepatch or BPF)\n");
            } else {
                pr_err!(
                    "cannot register the ftrace hook on ns_ioctl (error {})\n",
                    ret
                );
            }
            // SAFETY: Frees the filter set above; the ops is not registered.
            unsafe { raw::ftrace_free_filter(&mut *ops.0) };
            STATE.store(core::ptr::null_mut(), Ordering::Release);
            return Err(err);
        }

        // INVARIANT: `ops` was registered and `STATE` set above.
        Ok(Diversion { ops, _state: state })
    }
}

impl Drop for Diversion {
    fn drop(&mut self) {
        // SAFETY: By the type invariant `ops` is registered. On return no
        // callback runs any more, so no new call is diverted.
        unsafe { raw::unregister_ftrace_function(&mut *self.ops.0) };
        // SAFETY: The ops is unregistered; this frees its filter hash, which
        // would otherwise leak on every unload.
        unsafe { raw::ftrace_free_filter(&mut *self.ops.0) };

        // Calls already diverted may sleep in a user copy: wait for them.
        while IN_FLIGHT.load(Ordering::SeqCst) != 0 {
            // SAFETY: Sleeping is allowed in module exit.
            unsafe { raw::msleep(10) };
        }
        // The last instructions of a call run after its decrement; a task
        // preempted there is not quiescent for RCU tasks until it has left.
        // SAFETY: Callable from process context.
        unsafe { raw::nslastpid_synchronize_rcu_tasks() };

        // `_state` is freed after this returns, when no call can reach it.
        STATE.store(core::ptr::null_mut(), Ordering::Release);
    }
}

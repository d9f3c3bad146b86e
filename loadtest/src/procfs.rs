//! Process figures from Linux's /proc: CPU time and resident memory of the server (or relay)
//! and of the loader itself, so a report tells who was saturating the shared cores.

use std::fs;

/// Which process to read.
#[derive(Clone, Copy, Debug)]
pub enum Pid {
    /// The loader itself.
    Own,
    Other(u32),
}

impl Pid {
    fn dir(self) -> String {
        match self {
            Pid::Own => "/proc/self".to_owned(),
            Pid::Other(pid) => format!("/proc/{pid}"),
        }
    }
}

/// Clock ticks per second, the unit of utime/stime in /proc/<pid>/stat.
fn clock_ticks_per_second() -> f64 {
    // SAFETY: sysconf has no preconditions; it only reads a system constant.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 {
        ticks as f64
    } else {
        100.0
    }
}

/// User plus system CPU time consumed so far, in seconds (all threads).
pub fn cpu_seconds(pid: Pid) -> Option<f64> {
    let stat = fs::read_to_string(format!("{}/stat", pid.dir())).ok()?;
    // The command name (field 2) is parenthesised and may contain spaces; fields after the last
    // ')' start at field 3, so utime (14) and stime (15) are at indices 11 and 12 here.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) as f64 / clock_ticks_per_second())
}

/// Resident set size (VmRSS), in kB.
pub fn rss_kb(pid: Pid) -> Option<u64> {
    let status = fs::read_to_string(format!("{}/status", pid.dir())).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Raises this process's open-file limit to the hard limit, so thousands of connections fit.
/// Children spawned afterwards inherit it, which is why this runs before the server starts.
pub fn raise_open_file_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 0;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    limit.rlim_cur
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_figures_are_readable() {
        assert!(cpu_seconds(Pid::Own).is_some());
        assert!(rss_kb(Pid::Own).unwrap() > 0);
    }
}

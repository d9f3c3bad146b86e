//! One instance alone. [`Solo`] stands in wherever the engine would reach the other instances:
//! as the rooms' [`Cluster`](crate::rooms::Cluster) every room is here, and as the
//! [`SharedLimits`](crate::limits::SharedLimits) nothing is counted beyond this instance. Each
//! implementation sits beside its trait.

/// The cluster of one.
#[derive(Clone, Copy, Debug, Default)]
pub struct Solo;

"""Pure checks over a collected `Inventory`: no AWS access, re-runnable on stored snapshots."""

"""casemgmt."""

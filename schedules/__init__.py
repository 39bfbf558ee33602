"""The default schedule (default.toml) and the systemd unit, shipped with petitionbot (package
data; see ``core.shipped``)."""

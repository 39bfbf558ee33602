"""The application shell: CLI, config, scheduler service, demo and the upstream simulator."""

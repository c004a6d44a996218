"""The `mess` command: an app of the core, like web/, workers/ and analytics/, that starts the others."""

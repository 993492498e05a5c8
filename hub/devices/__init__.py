"""Devices in the core: profiles, the device registry and the discovery flow."""

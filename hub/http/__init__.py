"""The HTTP and WebSocket API and the web UI, served by aiohttp."""

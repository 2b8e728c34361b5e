"""Backends: the protocol, the local (engine+store+screening) and cloudflare (httpx) implementations."""

"""The Cloudflare backend: the ops API over httpx, adaptive polling, and the offline cache."""

from leaselab_desktop.backends.cloudflare.backend import CloudflareBackend
from leaselab_desktop.backends.cloudflare.cache import CacheError, OfflineCache
from leaselab_desktop.backends.cloudflare.flavour import Flavour
from leaselab_desktop.backends.cloudflare.followups import FollowUps
from leaselab_desktop.backends.cloudflare.freshness import ReadInfo

__all__ = ["CacheError", "CloudflareBackend", "Flavour", "FollowUps", "OfflineCache", "ReadInfo"]

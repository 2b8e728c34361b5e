"""LeaseLab Desktop: the operator console for AI Tenant Intelligence."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("leaselab-desktop")
except PackageNotFoundError:  # frozen app without dist-info
    __version__ = "0.1.0"

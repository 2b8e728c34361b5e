"""Opens the backend a profile names. The GUI and CLI never construct backends themselves."""

from __future__ import annotations

import asyncio
import logging

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.config import Paths, Settings
from leaselab_desktop.secrets import SecretStore


async def open_backend(
    paths: Paths, settings: Settings, profile_name: str | None = None, secrets: SecretStore | None = None,
    *, load_demo: bool = True, resume: bool = True, allow_unencrypted: bool = False,
) -> Backend:
    """``resume=False`` for a short-lived process (a CLI read): the local backend then leaves runs
    interrupted by an earlier process alone until someone follows them."""
    secrets = secrets or SecretStore()
    profile = settings.profile(profile_name)
    if profile.backend == "local":
        from leaselab_desktop.backends.local import LocalBackend

        return await LocalBackend.open(
            paths, site_id=profile.site_id, user_id=profile.user_id, provider_settings=settings.provider,
            secrets=secrets, load_demo=load_demo, resume=resume,
            policy_profile=settings.site_policy_profiles.get(profile.site_id) or None,
            allow_unencrypted=allow_unencrypted,
        )
    from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache
    from leaselab_desktop.backends.errors import InvalidRequest

    if not profile.base_url:
        raise InvalidRequest(f"Profile {profile.name!r} has no base URL: set it in Settings.")
    cache = await asyncio.to_thread(OfflineCache.for_profile, paths, profile.name, secrets)
    backend = CloudflareBackend(
        profile.base_url, site_id=profile.site_id, user_id=profile.user_id,
        token=secrets.get(SecretStore.token_key(profile.name)), cache=cache, polling=settings.polling,
        owns_cache=True,
    )
    try:  # the profile's retention period, applied to this computer's cached copies at each start
        await backend.purge_expired()
    except Exception:
        logging.getLogger(__name__).exception("retention on the offline cache failed; tried at the next start")
    return backend

"""Paths and settings. Every path derives from one data dir that ``--data-dir`` or
``LEASELAB_DATA_DIR`` can redirect, so tests and smoke runs never touch a user's files.
Secrets never live here: tokens go to the OS keyring (``leaselab_desktop.secrets``)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Literal

from pydantic import BaseModel, Field

from leaselab_desktop import platforms

APP_NAME = "LeaseLabDesktop"
APP_AUTHOR = "LeaseLab"
ENV_DATA_DIR = "LEASELAB_DATA_DIR"


def default_data_dir(
    platform: str | None = None, env: Mapping[str, str] | None = None, home: PurePath | None = None
) -> PurePath:
    """Where the data lives without --data-dir: Windows ``%LOCALAPPDATA%\\LeaseLab\\LeaseLabDesktop``,
    macOS ``~/Library/Application Support/LeaseLabDesktop``, Linux ``$XDG_DATA_HOME/LeaseLabDesktop``
    (``~/.local/share``). The Windows uninstaller deletes the same folder when asked to."""
    return platforms.user_data_dir(APP_NAME, APP_AUTHOR, platform, env, home)


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @classmethod
    def resolve(cls, data_dir: str | Path | None = None) -> Paths:
        chosen = data_dir or os.environ.get(ENV_DATA_DIR)
        base = Path(chosen) if chosen else Path(default_data_dir())
        return cls(base.expanduser().resolve())

    @property
    def database(self) -> Path:
        return self.data_dir / "leaselab.sqlite3"

    @property
    def engine_database(self) -> Path:
        return self.data_dir / "engine.sqlite3"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "settings.json"

    def profile_cache(self, profile: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in profile) or "default"
        return self.cache_dir / f"{safe}.sqlite3"

    def ensure(self) -> Paths:
        for p in (self.data_dir, self.files_dir, self.cache_dir, self.logs_dir):
            p.mkdir(parents=True, exist_ok=True)
        return self


class Profile(BaseModel):
    """A connection profile. The token is not a field: it lives in the keyring under the name."""

    name: str = "local"
    backend: Literal["local", "cloudflare"] = "local"
    base_url: str | None = None
    site_id: str = "site_demo"
    user_id: str = "agent@leaselab.local"


class ProviderSettings(BaseModel):
    kind: Literal["rules", "workers-ai", "openai-compatible"] = "rules"
    account_id: str | None = None  # workers-ai; its token is in the keyring
    base_url: str | None = None  # openai-compatible
    model: str | None = None
    # Page images go to the model: "auto" when its name is a known vision model, or "on"/"off".
    vision: Literal["auto", "on", "off"] = "auto"


class PollingSettings(BaseModel):
    min_interval_s: float = Field(default=0.5, ge=0.1)
    max_interval_s: float = Field(default=15.0, ge=1.0)


class Settings(BaseModel):
    profiles: list[Profile] = Field(default_factory=lambda: [Profile()])
    active_profile: str = "local"
    provider: ProviderSettings = Field(default_factory=ProviderSettings)
    polling: PollingSettings = Field(default_factory=PollingSettings)
    # Per site id: the policy profile that overrides the property's province/state (absent: follow it).
    site_policy_profiles: dict[str, str] = Field(default_factory=dict)
    high_contrast: bool = False  # View → High contrast

    def profile(self, name: str | None = None) -> Profile:
        wanted = name or self.active_profile
        for p in self.profiles:
            if p.name == wanted:
                return p
        raise KeyError(f"No profile named {wanted!r}")


def load_settings(paths: Paths) -> Settings:
    try:
        raw = paths.settings_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    try:
        return Settings.model_validate(json.loads(raw))
    except ValueError as exc:
        # Keep the bad file for the user to inspect; start with defaults.
        backup = paths.settings_file.with_suffix(".json.bad")
        paths.settings_file.replace(backup)
        raise SettingsError(f"Settings file was unreadable and was moved to {backup}: {exc}") from exc


def save_settings(paths: Paths, settings: Settings) -> None:
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    tmp = paths.settings_file.with_suffix(".json.tmp")
    tmp.write_text(settings.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(paths.settings_file)


class SettingsError(Exception):
    pass

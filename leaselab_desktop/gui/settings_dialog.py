"""Settings (``ui/settings.ui``): profiles, local AI provider, polling bounds, data dir, keyring.

Tokens are written only to the keyring (``SecretStore``); ``settings.json`` never holds one.
Opened with ``open()`` (window-modal, no nested event loop); ``saved`` reports the result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from leaselab_desktop import platforms
from leaselab_desktop.application.policy_profiles import profile_choices
from leaselab_desktop.config import (
    Paths,
    PollingSettings,
    Profile,
    ProviderSettings,
    Settings,
    save_settings,
)
from leaselab_desktop.gui.choices import BACKEND_WORDS, PROVIDER_WORDS, VISION_WORDS, chosen, fill, pick
from leaselab_desktop.gui.qt import QObject, Qt, QtGui, QtWidgets, Signal
from leaselab_desktop.gui.workspace.uiload import child, load_form
from leaselab_desktop.secrets import SecretStore, SecretStoreUnavailable

log = logging.getLogger(__name__)

PROVIDER_TOKEN_KEY = "provider:workers-ai:token"
BACKEND_KINDS = ("local", "cloudflare")
PROVIDER_KINDS = ("rules", "workers-ai", "openai-compatible")
_PROVIDER_HINTS = {
    "rules": "Built-in, deterministic and offline. No settings needed.",
    "workers-ai": "Cloudflare Workers AI over its REST API. The token is kept in the keyring.",
    "openai-compatible": "A server on this workstation (Ollama, LM Studio, llama.cpp) that speaks the OpenAI chat API.",
}


@dataclass
class _ProfileDraft:
    profile: Profile
    original_name: str | None  # None for a profile added in this dialog
    token: str = ""  # typed in this dialog; empty = keep what the keyring has


def keyring_words(name: str, secure: bool) -> str:
    """'macOS Keychain (keyring.backends.macOS.Keyring)' -> 'macOS Keychain'; never a module path."""
    if " (" in name:
        return name.split(" (", 1)[0]
    return "Another secure store" if secure else "None: no secure keyring was found"


class SettingsInvalid(ValueError):
    pass


def _valid_url(text: str) -> bool:
    parsed = urlparse(text)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


class SettingsDialog(QObject):
    """Controller around the loaded form; ``dialog`` is the QDialog itself."""

    saved = Signal(object, bool)  # (Settings, active profile or its connection changed)

    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        secrets: SecretStore,
        parent: QtWidgets.QWidget | None = None,
        open_folder: Callable[[Path], None] = platforms.open_externally,
    ) -> None:
        super().__init__(parent)
        self._paths = paths
        self._open_folder = open_folder
        self._original = settings.model_copy(deep=True)
        self._secrets = secrets
        self.dialog: QtWidgets.QDialog = load_form("settings.ui", parent)  # type: ignore[assignment]
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        d = self.dialog
        self.tabs = child(d, QtWidgets.QTabWidget, "tabs")
        self.profile_list = child(d, QtWidgets.QListWidget, "profileList")
        self.add_button = child(d, QtWidgets.QPushButton, "addProfileButton")
        self.remove_button = child(d, QtWidgets.QPushButton, "removeProfileButton")
        self.active_profile = child(d, QtWidgets.QComboBox, "activeProfile")
        self.profile_name = child(d, QtWidgets.QLineEdit, "profileName")
        self.backend_kind = child(d, QtWidgets.QComboBox, "backendKind")
        self.base_url = child(d, QtWidgets.QLineEdit, "baseUrl")
        self.site_id = child(d, QtWidgets.QLineEdit, "siteId")
        self.user_id = child(d, QtWidgets.QLineEdit, "userId")
        self.token = child(d, QtWidgets.QLineEdit, "token")
        self.token_state = child(d, QtWidgets.QLabel, "tokenState")
        self.site_policy = child(d, QtWidgets.QComboBox, "sitePolicyProfile")
        for name, words in profile_choices():
            self.site_policy.addItem(words, name)
        self._site_policies = dict(settings.site_policy_profiles)  # site id -> profile override
        self.provider_kind = child(d, QtWidgets.QComboBox, "providerKind")
        self.provider_hint = child(d, QtWidgets.QLabel, "providerHint")
        self.account_id = child(d, QtWidgets.QLineEdit, "accountId")
        self.provider_token = child(d, QtWidgets.QLineEdit, "providerToken")
        self.provider_base_url = child(d, QtWidgets.QLineEdit, "providerBaseUrl")
        self.provider_model = child(d, QtWidgets.QLineEdit, "providerModel")
        self.provider_vision = child(d, QtWidgets.QComboBox, "providerVision")
        self.poll_min = child(d, QtWidgets.QDoubleSpinBox, "pollMin")
        self.poll_max = child(d, QtWidgets.QDoubleSpinBox, "pollMax")
        self.data_dir = child(d, QtWidgets.QLineEdit, "dataDir")
        self.open_data_dir = child(d, QtWidgets.QPushButton, "openDataDir")
        self.keyring_name = child(d, QtWidgets.QLabel, "keyringName")
        self.keyring_warning = child(d, QtWidgets.QLabel, "keyringWarning")
        self.validation = child(d, QtWidgets.QLabel, "validationLabel")
        self.buttons = child(d, QtWidgets.QDialogButtonBox, "buttonBox")
        self.save_button = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("settingsSaveButton")
        self.save_button.setAccessibleName("Save the settings")
        cancel = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setAccessibleName("Close without saving")
        self.tabs.tabBar().setAccessibleName("Settings sections")

        fill(self.backend_kind, BACKEND_KINDS, lambda k: BACKEND_WORDS.get(k, k))
        fill(self.provider_kind, PROVIDER_KINDS, lambda k: PROVIDER_WORDS.get(k, k))
        fill(self.provider_vision, ("auto", "on", "off"), lambda v: VISION_WORDS[v])
        self._drafts: list[_ProfileDraft] = [
            _ProfileDraft(p.model_copy(), p.name) for p in settings.profiles
        ]
        self._current: _ProfileDraft | None = None
        self._fill(settings)

        self.profile_list.currentRowChanged.connect(self._show_profile)
        self.add_button.clicked.connect(self.add_profile)
        self.remove_button.clicked.connect(self.remove_profile)
        for edit in (self.profile_name, self.base_url, self.site_id, self.user_id, self.token):
            edit.textEdited.connect(self._store_form)
        self.backend_kind.currentIndexChanged.connect(self._store_form)
        self.site_policy.activated.connect(self._store_form)
        self.provider_kind.currentIndexChanged.connect(self._provider_changed)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.dialog.reject)
        self.open_data_dir.clicked.connect(self.show_data_folder)

    def show_data_folder(self) -> None:
        """Explorer / Finder / the file manager on the data folder (where logs are to send us)."""
        try:
            self._paths.data_dir.mkdir(parents=True, exist_ok=True)
            self._open_folder(self._paths.data_dir)
        except OSError as exc:
            self.validation.setText(f"Could not open the data folder: {exc}")

    # -- filling the form ------------------------------------------------------------------------
    def _fill(self, settings: Settings) -> None:
        self._refresh_profile_list(select=settings.active_profile)
        self._refresh_active_combo(settings.active_profile)
        prov = settings.provider
        pick(self.provider_kind, prov.kind)
        self.account_id.setText(prov.account_id or "")
        self.provider_base_url.setText(prov.base_url or "")
        self.provider_model.setText(prov.model or "")
        pick(self.provider_vision, prov.vision)
        has_ai_token = bool(self._secrets.get(PROVIDER_TOKEN_KEY))
        self.provider_token.setPlaceholderText(
            "A token is stored in the keyring (type to replace)" if has_ai_token else "Not set"
        )
        self._provider_changed()
        self.poll_min.setValue(settings.polling.min_interval_s)
        self.poll_max.setValue(settings.polling.max_interval_s)
        self.data_dir.setText(str(self._paths.data_dir))
        info = self._secrets.info()
        self.keyring_name.setText(keyring_words(info.name, info.secure))
        self.keyring_name.setToolTip(info.name)  # the module path, for support; not what the agent reads
        if info.secure:
            self.keyring_warning.setText(info.detail)
            self.keyring_warning.setProperty("severity", "ok")
        else:
            self.keyring_warning.setText("⚠ " + info.detail)
            self.keyring_warning.setProperty("severity", "warning")
            pal = self.keyring_warning.palette()
            pal.setColor(QtGui.QPalette.ColorRole.WindowText, QtGui.QColor("#c0262d"))
            self.keyring_warning.setPalette(pal)
        for edit in (self.token, self.provider_token):
            edit.setEnabled(info.secure)
            if not info.secure:
                edit.setPlaceholderText("No secure keyring: tokens cannot be saved")
        self.validation.setText("")

    def _refresh_profile_list(self, select: str | None = None) -> None:
        self.profile_list.blockSignals(True)
        row = self.profile_list.currentRow()
        self.profile_list.clear()
        for draft in self._drafts:
            kind = draft.profile.backend
            self.profile_list.addItem(f"{draft.profile.name}  ({BACKEND_WORDS.get(kind, kind)})")
        names = [d.profile.name for d in self._drafts]
        if select in names:
            row = names.index(select)
        row = min(max(row, 0), len(self._drafts) - 1)
        self.profile_list.setCurrentRow(row)
        self.profile_list.blockSignals(False)
        self._show_profile(row)
        self.remove_button.setEnabled(len(self._drafts) > 1)

    def _refresh_active_combo(self, active: str | None = None) -> None:
        current = active or self.active_profile.currentText()
        self.active_profile.blockSignals(True)
        self.active_profile.clear()
        names = [d.profile.name for d in self._drafts]
        self.active_profile.addItems(names)
        self.active_profile.setCurrentIndex(names.index(current) if current in names else 0)
        self.active_profile.blockSignals(False)

    def _show_profile(self, row: int) -> None:
        if not 0 <= row < len(self._drafts):
            self._current = None
            return
        draft = self._drafts[row]
        self._current = None  # don't write back while filling
        p = draft.profile
        self.profile_name.setText(p.name)
        pick(self.backend_kind, p.backend)
        self.base_url.setText(p.base_url or "")
        self.site_id.setText(p.site_id)
        self.user_id.setText(p.user_id)
        self.token.setText(draft.token)
        self.site_policy.setCurrentIndex(max(0, self.site_policy.findData(self._site_policies.get(p.site_id, ""))))
        key_name = draft.original_name or p.name
        stored = bool(self._secrets.get(SecretStore.token_key(key_name)))
        self.token_state.setText(
            "A token is stored in the keyring." if stored else "No token stored for this profile."
        )
        self._current = draft
        self._update_enabled()

    def _store_form(self, *_args: object) -> None:
        draft = self._current
        if draft is None:
            return
        old_name = draft.profile.name
        draft.profile = Profile(
            name=self.profile_name.text().strip(),
            backend=chosen(self.backend_kind),  # type: ignore[arg-type]
            base_url=self.base_url.text().strip() or None,
            site_id=self.site_id.text().strip(),
            user_id=self.user_id.text().strip(),
        )
        draft.token = self.token.text()
        if policy := self.site_policy.currentData():
            self._site_policies[draft.profile.site_id] = policy
        else:
            self._site_policies.pop(draft.profile.site_id, None)
        row = self._drafts.index(draft)
        item = self.profile_list.item(row)
        if item is not None:
            item.setText(f"{draft.profile.name}  ({draft.profile.backend})")
        if old_name != draft.profile.name:
            active = self.active_profile.currentText()
            self._refresh_active_combo(draft.profile.name if active == old_name else active)
        self._update_enabled()

    def _update_enabled(self) -> None:
        cloud = chosen(self.backend_kind) == "cloudflare"
        self.base_url.setEnabled(cloud)
        # the server scores a Cloudflare site by its own site setting; this override is local only
        self.site_policy.setEnabled(not cloud)

    def _provider_changed(self, *_args: object) -> None:
        kind = chosen(self.provider_kind)
        self.provider_hint.setText(_PROVIDER_HINTS.get(kind, ""))
        self.account_id.setEnabled(kind == "workers-ai")
        self.provider_token.setEnabled(kind == "workers-ai" and self._secrets.secure)
        self.provider_base_url.setEnabled(kind == "openai-compatible")
        self.provider_model.setEnabled(kind == "openai-compatible")

    # -- profile list editing --------------------------------------------------------------------
    def add_profile(self) -> None:
        names = {d.profile.name for d in self._drafts}
        n = 1
        while f"profile{n}" in names:
            n += 1
        self._drafts.append(_ProfileDraft(Profile(name=f"profile{n}"), None))
        self._refresh_active_combo()
        self._refresh_profile_list(select=f"profile{n}")
        self.profile_name.setFocus()
        self.profile_name.selectAll()

    def remove_profile(self) -> None:
        if len(self._drafts) <= 1 or self._current is None:
            return
        self._drafts.remove(self._current)
        self._current = None
        self._refresh_active_combo()
        self._refresh_profile_list()

    # -- saving ----------------------------------------------------------------------------------
    def collect(self) -> Settings:
        """The settings as edited; raises SettingsInvalid with every problem found."""
        self._store_form()
        problems: list[str] = []
        names = [d.profile.name for d in self._drafts]
        for d in self._drafts:
            p = d.profile
            label = p.name or "(unnamed)"
            if not p.name:
                problems.append("Every profile needs a name.")
            if names.count(p.name) > 1:
                problems.append(f"Two profiles are named {p.name!r}.")
            if not p.site_id:
                problems.append(f"Profile {label}: the site id is empty.")
            if not p.user_id:
                problems.append(f"Profile {label}: the user id is empty.")
            if p.backend == "cloudflare" and not (p.base_url and _valid_url(p.base_url)):
                problems.append(f"Profile {label}: a Cloudflare profile needs an http(s) base URL.")
        kind = chosen(self.provider_kind)
        provider = ProviderSettings(
            kind=kind,  # type: ignore[arg-type]
            account_id=self.account_id.text().strip() or None,
            base_url=self.provider_base_url.text().strip() or None,
            model=self.provider_model.text().strip() or None,
            vision=chosen(self.provider_vision),  # type: ignore[arg-type]
        )
        if kind == "workers-ai" and not provider.account_id:
            problems.append("Workers AI needs the Cloudflare account id.")
        if kind == "openai-compatible":
            if not (provider.base_url and _valid_url(provider.base_url)):
                problems.append("The OpenAI-compatible provider needs the server's http(s) URL.")
            if not provider.model:
                problems.append("The OpenAI-compatible provider needs a model name.")
        lo, hi = self.poll_min.value(), self.poll_max.value()
        if lo > hi:
            problems.append("The fastest poll interval must not exceed the slowest one.")
        typed_tokens = any(d.token for d in self._drafts) or bool(self.provider_token.text())
        if typed_tokens and not self._secrets.secure:
            problems.append("Tokens cannot be saved: " + self._secrets.info().detail)
        if problems:  # dict.fromkeys keeps the order and drops repeats
            raise SettingsInvalid("\n".join(dict.fromkeys(problems)))
        active = self.active_profile.currentText() or self._drafts[0].profile.name
        return Settings(
            profiles=[d.profile for d in self._drafts],
            active_profile=active,
            provider=provider,
            polling=PollingSettings(min_interval_s=lo, max_interval_s=hi),
            site_policy_profiles=self._site_policies,
            high_contrast=self._original.high_contrast,  # set in the View menu, kept as it is
        )

    def save(self) -> bool:
        try:
            settings = self.collect()
            self._write_secrets()
        except (SettingsInvalid, SecretStoreUnavailable) as exc:
            self.validation.setText(str(exc))
            self.validation.setStyleSheet("color: #c0262d;")
            return False
        save_settings(self._paths, settings)
        old = self._original
        try:
            before = old.profile()
        except KeyError:
            before = None
        after = settings.profile()
        changed = (
            before is None
            or before != after
            or old.active_profile != settings.active_profile
            or old.provider != settings.provider
            or old.site_policy_profiles != settings.site_policy_profiles  # new runs use the new profile
            or any(d.token for d in self._drafts if d.profile.name == after.name)
        )
        self._original = settings.model_copy(deep=True)
        log.info("settings saved (active profile %s)", settings.active_profile)
        self.saved.emit(settings, changed)
        self.dialog.accept()
        return True

    def _write_secrets(self) -> None:
        """Typed tokens go to the keyring; renamed profiles carry their stored token along."""
        for d in self._drafts:
            new_key = SecretStore.token_key(d.profile.name)
            if d.original_name and d.original_name != d.profile.name and not d.token:
                old_key = SecretStore.token_key(d.original_name)
                stored = self._secrets.get(old_key)
                if stored:
                    self._secrets.set(new_key, stored)
                    self._secrets.delete(old_key)
            if d.token:
                self._secrets.set(new_key, d.token)
                d.token = ""
        if self.provider_token.text():
            self._secrets.set(PROVIDER_TOKEN_KEY, self.provider_token.text())
            self.provider_token.clear()
        kept = {d.profile.name for d in self._drafts}
        for p in self._original.profiles:
            if p.name not in kept and p.name not in {d.original_name for d in self._drafts}:
                self._secrets.delete(SecretStore.token_key(p.name))

    def open(self) -> None:
        self.dialog.open()

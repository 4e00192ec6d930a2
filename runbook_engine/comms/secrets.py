"""Webhook URLs, looked up only when a message is sent: from the environment or the secrets file.

A URL is a bearer secret (whoever has it can post), so it lives outside the policy and outside
the timeline; errors here name the variable or key, never a value.
"""

from __future__ import annotations

import stat
from collections.abc import Mapping
from pathlib import Path

from runbook_engine.channels import Channel, CommsSettings
from runbook_engine.format.reading import ReadRefused, read_text_limited


class SecretError(Exception):
    """The URL cannot be found or is unusable; the message is safe to record."""


def webhook_url(channel: Channel, settings: CommsSettings, environ: Mapping[str, str]) -> str:
    """The channel's URL, checked to be http(s)."""
    url = _from_env(channel, environ) if channel.url_env else _from_file(channel, settings)
    if not url.lower().startswith(("https://", "http://")):
        raise SecretError(f"the webhook URL of {channel.name} is not an http(s) URL ({_where(channel)})")
    return url


def _from_env(channel: Channel, environ: Mapping[str, str]) -> str:
    value = environ.get(channel.url_env or "", "").strip()
    if not value:
        variable = channel.url_env
        raise SecretError(f"no webhook URL for {channel.name}: environment variable {variable} is not set")
    return value


def _from_file(channel: Channel, settings: CommsSettings) -> str:
    path = settings.secrets_file
    if path is None:
        raise SecretError(f"{channel.name} names url_secret but the policy has no comms: secrets_file")
    value = read_secrets(path).get(channel.url_secret or "")
    if not isinstance(value, str) or not value.strip():
        raise SecretError(f"no webhook URL for {channel.name}: key {channel.url_secret!r} missing in {path}")
    return value.strip()


def read_secrets(path: Path) -> Mapping[str, object]:
    """The secrets file as a mapping; a broken file is an error that quotes none of its content."""
    from runbook_engine.format.loader import LoadError, load_data_text  # only when a file is used

    _check_private(path)
    try:
        data = load_data_text(read_text_limited(path), str(path))
    except ReadRefused as exc:
        raise SecretError(f"cannot read the secrets file {path}: {exc.message}") from None
    except LoadError:
        raise SecretError(f"the secrets file {path} is not valid YAML (a mapping of names to URLs)") from None
    if not isinstance(data, dict):
        raise SecretError(f"the secrets file {path} must map names to URLs")
    return data


def _check_private(path: Path) -> None:
    """Refuse a secrets file every account on the machine may read: its URLs are already out."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # the read below says why it cannot be read
    if mode & (stat.S_IROTH | stat.S_IWOTH):
        raise SecretError(f"the secrets file {path} is readable or writable by every account: chmod o-rwx it")


def _where(channel: Channel) -> str:
    return f"environment variable {channel.url_env}" if channel.url_env else f"secret {channel.url_secret!r}"

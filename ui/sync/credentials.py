"""Where the window keeps a server password: the system keyring (Windows Credential
Manager, macOS Keychain, Secret Service) if the ``keyring`` package is installed and the
user asks for it, else only in memory for this session.  Never in the workspace, the
settings or a log; libpq's own ``PGPASSWORD``/``pgpass.conf`` also work (leave it empty).
"""

from __future__ import annotations

from typing import Any

SERVICE = "EcoZone inventory server"
_memory: dict[str, str] = {}


def _keyring() -> Any:
    try:
        import keyring
    except ImportError:
        return None
    return keyring


def keyring_available() -> bool:
    return _keyring() is not None


def get(url: str) -> str | None:
    """The password for ``url`` (a URL without password), from memory or the keyring."""
    if url in _memory:
        return _memory[url]
    kr = _keyring()
    if kr is None:
        return None
    try:
        value = kr.get_password(SERVICE, url)
    except Exception:  # noqa: BLE001 - no usable backend
        return None
    if value:
        _memory[url] = value
    return value or None


def put(url: str, password: str, remember: bool) -> bool:
    """Keep ``password`` for this session; with ``remember``, also in the keyring.
    Returns whether the keyring took it."""
    _memory[url] = password
    kr = _keyring()
    if not remember or kr is None:
        return False
    try:
        kr.set_password(SERVICE, url, password)
    except Exception:  # noqa: BLE001
        return False
    return True


def forget(url: str) -> None:
    _memory.pop(url, None)
    kr = _keyring()
    if kr is not None:
        try:
            kr.delete_password(SERVICE, url)
        except Exception:  # noqa: BLE001
            pass

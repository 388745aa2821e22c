"""Which source field holds each required piece of a log record (Art. 5(3) of the 2018 rule).

A small YAML file names fields whose names differ from the usual ones, for example::

    account: uid
    time: ts
    operation: action
    source_address: client.ip
    source_port: client.port
    destination_address: server_ip
    destination_port: server_port
    device: device_id
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from redline.errors import InputError
from redline.yamldoc import parse_yaml, read_text_file

# Roles in report order; the ones Art. 5(3) names are REQUIRED (destination port is recorded, not required).
ROLES = (
    "account",
    "time",
    "operation",
    "source_address",
    "source_port",
    "destination_address",
    "destination_port",
    "device",
)
REQUIRED = ("account", "time", "operation", "source_address", "source_port", "destination_address", "device")
ROLE_TITLES = {
    "account": "user account (用户账号)",
    "time": "operation time (操作时间)",
    "operation": "operation type (操作类型)",
    "source_address": "source network address (网络源地址)",
    "source_port": "source port (网络源端口)",
    "destination_address": "destination network address (目标地址)",
    "destination_port": "destination port",
    "device": "client hardware features (客户端硬件特征)",
}
DEFAULTS: dict[str, tuple[str, ...]] = {
    "account": ("remote_user", "user", "user_id", "userid", "uid", "account", "username", "user_name"),
    "time": ("time_local", "time_iso8601", "time", "timestamp", "@timestamp", "ts", "datetime", "date", "msec"),
    "operation": ("request_method", "method", "operation", "action", "op", "event", "request"),
    "source_address": ("remote_addr", "client_ip", "src_ip", "source_ip", "ip", "clientip", "client_addr"),
    "source_port": ("remote_port", "client_port", "src_port", "source_port", "sport"),
    "destination_address": ("server_addr", "dst_ip", "dest_ip", "destination_ip", "server_ip", "dst_addr"),
    "destination_port": ("server_port", "dst_port", "dest_port", "destination_port", "dport"),
    "device": (
        "device_id",
        "http_x_device_id",
        "deviceid",
        "device",
        "imei",
        "mac",
        "oaid",
        "idfa",
        "android_id",
        "hardware_id",
        "client_hardware",
    ),
}


def load_mapping(path: str | None) -> dict[str, tuple[str, ...]]:
    """Role -> candidate field names: the user's file first, then the usual names."""
    chosen: dict[str, tuple[str, ...]] = dict(DEFAULTS)
    if not path:
        return chosen
    # the bounded reader: a hostile mapping file (deep nesting, alias bombs, bad dates) is an InputError
    document = parse_yaml(read_text_file(Path(path)), path).data
    if isinstance(document, Mapping) and isinstance(document.get("fields"), Mapping):
        document = document["fields"]
    if not isinstance(document, Mapping):
        raise InputError("mapping file must map roles to field names", source=path, field="mapping")
    for role, value in document.items():
        if role not in ROLES:
            raise InputError(f"unknown role '{role}' (known: {', '.join(ROLES)})", source=path, field="mapping")
        if value is not None and not isinstance(value, (str, list)):
            raise InputError(f"role '{role}' must name a field or a list of fields", source=path, field="mapping")
        names = (value,) if isinstance(value, str) else tuple(str(v) for v in value or ())
        chosen[str(role)] = names  # a mapped role uses only the named fields: no silent fallback
    return chosen


def resolve(mapping: Mapping[str, tuple[str, ...]], fields: Iterable[str]) -> dict[str, str]:
    """Role -> the field of this format that holds it (roles with no such field are left out)."""
    available = list(fields)
    lowered = {name.lower(): name for name in available}
    found: dict[str, str] = {}
    for role in ROLES:
        for candidate in mapping.get(role, ()):
            if candidate in available or candidate.lower() in lowered:
                found[role] = candidate if candidate in available else lowered[candidate.lower()]
                break
    return found

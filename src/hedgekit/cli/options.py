"""Options shared by several commands."""

from __future__ import annotations

import os

import click

DEFAULT_RPC_URL = "http://127.0.0.1:8545"

rpc_url_option = click.option(
    "--rpc-url",
    default=lambda: os.environ.get("HEDGEKIT_RPC_URL", DEFAULT_RPC_URL),
    show_default="$HEDGEKIT_RPC_URL or " + DEFAULT_RPC_URL,
    help="JSON-RPC endpoint: the local replica, or a mainnet fork.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")

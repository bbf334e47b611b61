"""`county-sim app [--port P] [--host H] [--lang en|zh]`: serve the classroom app with Solara.

Registered in `sim.cli.COMMAND_MODULES`. Solara is imported only when the command runs, so the
other subcommands work without the `app` extra.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

APP_MODULE = "sim.app.app"
INSTALL_HINT = "pip install 'county-sim[app]'  (or: make install)"


def _port(text: str) -> int:
    """An argparse type: a TCP port 0..65535 (0: any free port)."""
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a port number 0..65535 (got {text!r})") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number 0..65535 (got {value})")
    return value


def register(subparsers) -> None:
    """Add the `app` subcommand."""
    p = subparsers.add_parser(
        "app",
        help="serve the classroom web app (Solara): one live model per browser session, in English or Chinese",
        description="Serve the interactive classroom app. Each browser session gets its own model. "
        "For a class on the local network use --host 0.0.0.0 and give students http://<this machine>:PORT/ "
        "(append ?lang=zh for Chinese).",
    )
    p.add_argument("--port", type=_port, default=8765, help="port to listen on (default 8765; 0: any free port)")
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for a classroom)"
    )
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language the page starts in (default en)")
    p.set_defaults(func=cmd_app)


def server_environment(lang: str) -> dict[str, str]:
    """Environment for the Solara server: the page's starting language, no telemetry (Solara
    reports usage to an outside service by default; a classroom server sends nothing out), no badge."""
    return {
        "COUNTY_SIM_LANG": lang,
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        # Solara's "This website runs on Solara" badge sits over the page's bottom-right corner (and
        # is English only); its loading screen carries a "Made with Solara" line: both off
        "SOLARA_THEME_SHOW_BANNER": "False",
        "SOLARA_THEME_LOADER": "plain",
        "SOLARA_THEME_TITLE": "county-sim",
    }


def cmd_app(args: argparse.Namespace, argv: list[str] | None) -> int:
    """Run the Solara server in this process until interrupted."""
    os.environ.update(server_environment(args.lang))
    try:
        import solara  # noqa: F401
        from solara.__main__ import run as solara_run
    except ImportError as e:
        print(f"county-sim: error: the app needs Solara ({e.name} is missing): {INSTALL_HINT}", file=sys.stderr)
        return 2
    # Solara warns on every page load that SameSite=None cookies need https; on plain http it
    # falls back to SameSite=Lax, which is what a classroom on a local network wants.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)
    print(f"county-sim app: http://{args.host}:{args.port}/ (language {args.lang}; Ctrl-C to stop)", flush=True)
    solara_run.main(
        args=[
            APP_MODULE,
            "--host",
            args.host,
            "--port",
            str(args.port),
            "--production",
            "--no-open",
            "--no-check-version",
        ],
        prog_name="county-sim app",
        standalone_mode=False,
    )
    return 0

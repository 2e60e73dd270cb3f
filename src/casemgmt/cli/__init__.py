"""The ``casemgmt`` command line: Litestar's CLI with casemgmt's own groups, added through a CLI plugin.

``support`` holds what every command shares; ``commands`` the platform's commands (database, services, topics,
departments, users, tokens, sessions, demo, run); ``exchange``, ``pilots``, ``surveys`` and ``notifications`` their
own groups.
"""

from __future__ import annotations

import click
from litestar.plugins import CLIPluginProtocol

from casemgmt.cli.commands import (
    database_group,
    demo,
    departments_group,
    run,
    services_group,
    sessions_group,
    tokens_group,
    topics_group,
    users_group,
)


class CasemgmtCLIPlugin(CLIPluginProtocol):
    def on_cli_init(self, cli: click.Group) -> None:
        from casemgmt.cli.exchange import dossiers_group, generate_command
        from casemgmt.cli.notifications import notifications_group
        from casemgmt.cli.pilots import pilots_group
        from casemgmt.cli.surveys import surveys_group

        for command in (run, database_group, services_group, users_group, tokens_group, sessions_group, demo):
            cli.add_command(command)
        cli.add_command(topics_group)
        cli.add_command(departments_group)
        cli.add_command(pilots_group)
        cli.add_command(surveys_group)
        cli.add_command(dossiers_group)
        cli.add_command(generate_command)
        cli.add_command(notifications_group)

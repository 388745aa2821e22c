"""The whole command tree: every sub-command registered on the root app (see main.py for why this is apart)."""

from __future__ import annotations

from . import assess, audit, backup, keys, oscal, package, pdf, platform, probe, report, rules
from .campaign import campaign_app
from .check import check
from .gate import gate
from .reminders import reminders_app
from .root import new_app
from .schemas import schemas_app
from .tokens import tokens_app
from .versions import versions_app
from .worker import jobs_app, worker

app = new_app()
app.add_typer(rules.app, name="rules")
app.add_typer(assess.app, name="assess")
app.add_typer(report.app, name="report")
app.command("check")(check)
app.command("gate")(gate)
app.command("serve")(platform.serve)
app.command("demo")(platform.demo)
app.add_typer(platform.db_app, name="db")
app.add_typer(platform.users_app, name="users")
app.add_typer(platform.orgs_app, name="orgs")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(tokens_app, name="tokens")
app.command("worker")(worker)
app.add_typer(jobs_app, name="jobs")
app.add_typer(reminders_app, name="reminders")
app.add_typer(backup.backup_app, name="backup")
app.command("restore")(backup.restore)
app.add_typer(probe.probe_app, name="probe")
app.add_typer(probe.label_app, name="label")
app.add_typer(package.package_app, name="package")
app.add_typer(versions_app, name="versions")
app.add_typer(oscal.oscal_app, name="oscal")
app.add_typer(keys.keys_app, name="keys")
app.add_typer(pdf.pdf_app, name="pdf")
app.add_typer(campaign_app, name="campaign")
app.add_typer(schemas_app, name="schemas")

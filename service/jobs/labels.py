"""Labels of the job ledger's codes (the pattern: docs/architecture.md, "Labels")."""

from service.common.i18n import NP_

DOMAINS = {
    "job_trigger": {
        "scheduled": NP_("job_trigger", "Scheduled"),
        "catch_up": NP_("job_trigger", "Catch-up"),
        "manual": NP_("job_trigger", "Manual"),
    },
    "job_run_status": {
        "running": NP_("job_run_status", "Running"),
        "succeeded": NP_("job_run_status", "Succeeded"),
        "failed": NP_("job_run_status", "Failed"),
    },
}

# A scheduled report that reads credentials from .env locally and from named Secrets in the cloud.
# Both branches hand the same number of secrets to the function: one per source.
#
#   modal run report_with_dotenv.py     (uses ./.env)
#   modal deploy report_with_dotenv.py  (uses the "warehouse-creds" Secret)

import datetime as dt

import modal

image = modal.Image.debian_slim().uv_pip_install("psycopg[binary]==3.2.9")

if modal.is_local():
    REPORT_SECRETS = [modal.Secret.from_dotenv()]
else:
    REPORT_SECRETS = [modal.Secret.from_name("warehouse-creds")]

app = modal.App("example-daily-report", image=image)


@app.function(
    secrets=REPORT_SECRETS,
    schedule=modal.Cron("0 7 * * 1-5", timezone="Europe/Paris"),
    retries=modal.Retries(max_retries=3, initial_delay=30.0),
    timeout=15 * 60,
)
def daily_report() -> dict:
    import os

    import psycopg

    day = dt.date.today() - dt.timedelta(days=1)
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        row = conn.execute(
            "select count(*), coalesce(sum(amount), 0) from orders where created_at::date = %s",
            (day,),
        ).fetchone()
    report = {"day": day.isoformat(), "orders": row[0], "revenue": float(row[1])}
    print(report)
    return report


@app.local_entrypoint()
def main():
    print(daily_report.remote())

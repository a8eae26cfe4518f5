"""Finding 6 of issue 18, in a real browser: under its Content-Security-Policy the Swagger UI page
still loads its own files (and nothing from elsewhere), runs, and lists every tag of the API,
with no violation reported. Debian's chromium driven by Playwright, as in tests/web; skipped where
there is none, and on the PostgreSQL pass (the page needs no database)."""

from __future__ import annotations

from tests.browser import CHROMIUM, CHROMIUM_ARGS, requires_browser, serving

pytestmark = requires_browser


def test_the_swagger_ui_runs_under_its_policy_with_only_local_files(app, env):
    from playwright.sync_api import sync_playwright

    violations, requests = [], []
    with serving(app, dispose=False) as origin:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on("console", lambda message: violations.append(message.text)
                    if message.text.startswith("CSP ") else None)
            page.on("request", lambda request: requests.append(request.url))
            page.add_init_script("document.addEventListener('securitypolicyviolation', "
                                 "e => console.error('CSP ' + e.violatedDirective + ' ' + e.blockedURI))")
            page.goto(f"{origin}/api/v1/docs")
            page.wait_for_selector(".opblock-tag", timeout=20_000)
            page.locator(".opblock-summary").first.click()
            page.wait_for_selector(".opblock-body", timeout=5_000)
            tags = page.locator(".opblock-tag").count()
            browser.close()
    spec = env.anonymous().get("/api/v1/openapi.json").get_json()
    assert tags == len(spec["tags"])
    assert violations == []
    assert [url for url in requests if not url.startswith(origin + "/") and not url.startswith("data:")] == []
    assert f"{origin}/api/v1/docs/static/swagger-ui-bundle.js" in requests

"""Helpers of the browser test (workbench.py): checks, waiting, reading the table."""
import sys, time

from selenium.webdriver.common.by import By


def check(ok, what):
    if not ok:
        print("FAILED: " + what, file=sys.stderr)
        raise SystemExit(1)
    print("ok: " + what)


def wait_for(predicate, what, timeout=15):
    end = time.time() + timeout
    last = None
    while time.time() < end:
        try:
            if predicate():
                return
        except Exception as e:  # the page is still changing
            last = e
        time.sleep(0.05)
    check(False, "timed out waiting for %s%s" % (what, " (%s)" % last if last else ""))


def table_slots(driver):
    """Unit code → slots, as the table shows them."""
    return driver.execute_script(
        "const out = {}; document.querySelectorAll('#table tbody tr').forEach((tr) => {"
        " out[tr.dataset.code] = parseInt(tr.querySelector('td.slots').textContent, 10); }); return out;")


def percentile(values, p):
    s = sorted(values)
    if not s:
        return None
    k = min(len(s) - 1, max(0, int(round(p / 100 * (len(s) - 1)))))
    return s[k]

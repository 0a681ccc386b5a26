#!/usr/bin/env python3
"""End-to-end test of `quota serve` in headless Chromium, driven by Selenium.

Usage: workbench.py URL --quota BIN --data DIR --shots DIR

Loads the page, pins a baseline, drags a weight slider and checks that the table changes, that
the slots sum to the total and equal `quota allocate` on the same weights, opens a unit's
explanation, switches language, saves and compares versions, downloads the xlsx and checks it
opens, shows an error next to its field, and measures slider input → repainted table latency.
Prints one line `LATENCY {json}` and saves screenshots (zh and en) in the shots directory.
Run by tests/serve_browser.rs (cargo test --release); exits non-zero on any failure.
"""
import argparse, json, os, re, subprocess, sys, tempfile, time, zipfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser_util import check, wait_for, table_slots, percentile

ap = argparse.ArgumentParser()
ap.add_argument("url")
ap.add_argument("--quota", required=True)
ap.add_argument("--data", required=True)
ap.add_argument("--shots", required=True)
args = ap.parse_args()
args.data = os.path.abspath(args.data)
os.makedirs(args.shots, exist_ok=True)
downloads = tempfile.mkdtemp(prefix="quota-downloads-")

options = webdriver.ChromeOptions()
options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", "--window-size=1366,768",
             "--user-data-dir=" + tempfile.mkdtemp(prefix="quota-chromium-")]:
    options.add_argument(flag)
options.add_experimental_option("prefs", {"download.default_directory": downloads,
                                          "download.prompt_for_download": False})
driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")),
                          options=options)
driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
js = driver.execute_script


def shot(name):
    path = os.path.join(args.shots, name)
    driver.save_screenshot(path)
    print("screenshot", path)


def allocation():
    return js("return window.quotaApp.result")


def settled():
    return js("return !window.quotaApp.computing && window.quotaApp.result !== null")


try:
    # 1. The page loads and answers: 37 rows, slots summing to the total.
    driver.get(args.url)
    wait_for(lambda: settled() and len(table_slots(driver)) == 37, "the allocation table")
    first = allocation()
    check(first["total"] == 1039 and sum(table_slots(driver).values()) == 1039, "slots sum to 1039")
    check("示例数据" in driver.find_element(By.ID, "provenance").text, "the illustrative-data banner")
    check(driver.find_element(By.CSS_SELECTOR, "#table thead").text.find("名额") >= 0, "Chinese first")

    # 2. Pin a baseline: Δ shows 0 everywhere.
    driver.find_element(By.ID, "pin").click()
    wait_for(lambda: settled() and allocation().get("delta") is not None, "Δ after pinning")
    check(all(d["slots"] == 0 for d in allocation()["delta"]), "Δ is 0 right after pinning")

    # 3. Drag the cultivation weight slider to the right, in small steps (input events).
    before = table_slots(driver)
    js("window.quotaApp.latencies = []")
    slider = driver.find_element(By.ID, "w-cultivation")
    width = slider.size["width"]
    value = float(slider.get_attribute("value"))
    chain = ActionChains(driver, duration=20).move_to_element_with_offset(slider, int((value - 0.5) * (width - 14)), 0)
    chain.click_and_hold()
    for _ in range(24):
        chain.move_by_offset(4, 0)
    chain.release().perform()
    wait_for(lambda: settled() and table_slots(driver) != before, "the table to change after the drag")
    time.sleep(0.3)
    wait_for(settled, "the last recompute")
    after = table_slots(driver)
    weights = js("return window.quotaApp.settings.weights")
    check(weights["cultivation"] > 0.3, "the slider moved the weight: %s" % weights)
    check(abs(sum(weights.values()) - 1) < 1e-9, "the weights stay normalised: %s" % weights)
    check(sum(after.values()) == 1039, "slots still sum to the total")
    deltas = [d["slots"] for d in allocation()["delta"]]
    check(any(deltas) and sum(deltas) == 0, "Δ against the baseline shows the moves")
    delta_cells = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#table tbody td.delta")]
    check(any(t.startswith("+") for t in delta_cells) and any(t.startswith("−") for t in delta_cells),
          "Δ cells show gains and losses")
    check(len(driver.find_elements(By.CSS_SELECTOR, "#weights .tick")) > 0, "breakpoint ticks under the slider")

    # 4. Same weights on the command line: `quota allocate` gives the same slots.
    with open(os.path.join(args.data, "scenarios", "2024-batch1.toml"), encoding="utf-8") as f:
        toml = f.read()
    for column, w in weights.items():
        toml = re.sub(r'(column = "%s"\n(?:label = .*\n)?weight = )[0-9.]+' % column, r"\g<1>%r" % w, toml)
    toml = toml.replace('"../units.csv"', json.dumps(os.path.join(args.data, "units.csv")))
    toml = toml.replace('"../indicators.csv"', json.dumps(os.path.join(args.data, "indicators.csv")))
    path = os.path.join(downloads, "same-weights.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(toml)
    cli = json.loads(subprocess.run([args.quota, "allocate", path, "--format", "json"], check=True,
                                    capture_output=True, text=True).stdout)
    check({u["code"]: u["slots"] for u in cli["units"]} == after, "the page equals quota allocate")

    # 5. Click a unit on the tile grid: its explanation in plain words.
    driver.find_element(By.CSS_SELECTOR, '.tile[data-code="62"]').click()
    wait_for(lambda: "甘肃省" in driver.find_element(By.ID, "pane-why").text
             and "名额" in driver.find_element(By.ID, "why-text").text, "the explanation of 甘肃省")
    check("权重保持在" in driver.find_element(By.ID, "why-text").text, "margins in plain words")
    shot("workbench-zh.png")

    # 6. Keyboard: a focused table row opens its explanation with Enter.
    row = driver.find_element(By.CSS_SELECTOR, '#table tbody tr[data-code="44"]')
    js("arguments[0].focus()", row)
    row.send_keys(Keys.ENTER)
    wait_for(lambda: "广东省" in driver.find_element(By.ID, "why-title").text, "Enter on a row")

    # 7. Switch language.
    driver.find_element(By.ID, "lang").click()
    wait_for(lambda: "Guangdong" in driver.find_element(By.ID, "why-text").text, "the English explanation")
    check("Slots" in driver.find_element(By.CSS_SELECTOR, "#table thead").text, "English table header")
    check("Illustrative data" in driver.find_element(By.ID, "provenance").text, "English banner")
    shot("workbench-en.png")

    # 8. Versions: save two, compare side by side.
    driver.find_element(By.ID, "save-version").click()
    method = driver.find_element(By.ID, "method")
    driver.execute_script("arguments[0].value = 'webster'; arguments[0].dispatchEvent(new Event('change'))", method)
    wait_for(lambda: settled() and allocation()["method"] == "webster", "the method change")
    driver.find_element(By.ID, "save-version").click()
    compare = [b for b in driver.find_elements(By.CSS_SELECTOR, "#pane-versions button") if b.text == "Compare side by side"]
    compare[0].click()
    wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "table.compare tbody tr")) == 37, "the comparison")
    shot("workbench-versions-en.png")

    # 9. Download the announcement table as xlsx; it opens (a workbook with the units).
    driver.find_element(By.CSS_SELECTOR, 'button.export[data-format="xlsx"]').click()
    wait_for(lambda: any(f.endswith(".xlsx") for f in os.listdir(downloads)), "the xlsx download")
    xlsx = [f for f in os.listdir(downloads) if f.endswith(".xlsx")][0]
    with zipfile.ZipFile(os.path.join(downloads, xlsx)) as z:
        names = z.namelist()
        check("xl/workbook.xml" in names, "the xlsx is a workbook")
        text = "".join(z.read(n).decode("utf-8") for n in names if n.startswith("xl/") and n.endswith(".xml"))
    check("Gansu" in text and "webster" in text, "the xlsx holds the units and the method")

    # 10. A bad value is answered next to its field.
    total = driver.find_element(By.ID, "total")
    total.clear()
    total.send_keys("abc")
    wait_for(lambda: "not a whole number" in driver.find_element(By.CSS_SELECTOR, '.err[data-field="total"]').text,
             "the error next to the total")
    total.clear()
    total.send_keys("1039")
    wait_for(lambda: driver.find_element(By.CSS_SELECTOR, '.err[data-field="total"]').text == "", "the error cleared")

    # 11. Merge the 计划单列市 (32 units, no city square), then a unit's own cap from "Why".
    driver.find_element(By.ID, "merge").click()
    wait_for(lambda: settled() and len(table_slots(driver)) == 32
             and not driver.find_elements(By.CSS_SELECTOR, '.tile[data-code="4403"]'), "32 merged units")
    driver.find_element(By.ID, "merge").click()
    wait_for(lambda: settled() and len(table_slots(driver)) == 37, "37 units again")
    driver.find_element(By.CSS_SELECTOR, '.tile[data-code="62"]').click()
    # The pane still shows the previous unit (广东) until 甘肃's explanation arrives: wait for its box.
    box = '.unit-bounds[data-code="62"]'
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, box + " input"), "甘肃's floor and cap")
    cap = driver.find_elements(By.CSS_SELECTOR, box + " input")[1]
    # Select and type over, as a planner does: every key is an input event, so a refresh of the
    # pane while typing keeps the typed value (WebDriver's clear() fires none).
    cap.send_keys(Keys.CONTROL, "a")
    cap.send_keys("12")
    driver.find_element(By.CSS_SELECTOR, box + " button").click()
    wait_for(lambda: settled() and table_slots(driver).get("62") == 12, "甘肃 held at its new cap 12")
    check(sum(table_slots(driver).values()) == allocation()["total"], "slots still sum to the total")

    # 12. Latency without WebDriver in the loop: a paced drag of the development weight made of
    # input events dispatched in the page (one every 40 ms, as a hand moves a slider), each timed
    # from its input event to the painted table. WebDriver's own pointer actions keep Chromium's
    # processes busy and are not what a planner's mouse does; the drag above checks the behaviour.
    wait_for(settled, "a settled page before the paced drag")
    js("window.quotaApp.latencies = []; window.quotaApp.serverTimes = []")
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const s = document.getElementById('w-cultivation');
        let i = 0;
        const step = () => {
          if (i === 30) { done(); return; }
          s.value = (parseFloat(s.value) + (i < 15 ? -0.01 : 0.01)).toString();
          s.dispatchEvent(new Event('input', { bubbles: true }));
          i += 1;
          setTimeout(step, 40);
        };
        step();""")
    wait_for(settled, "the paced drag's last recompute")
    time.sleep(0.2)
    lat = js("return window.quotaApp.latencies")
    server = [t for t in js("return window.quotaApp.serverTimes") if t is not None]
    stats = {"n": len(lat), "p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95), "max_ms": max(lat),
             "server_p50_ms": percentile(server, 50), "server_p95_ms": percentile(server, 95)}
    print("LATENCY " + json.dumps(stats))
    load = os.getloadavg()[0] / os.cpu_count()
    # Asserted on an idle machine only: any other work on 2 cores delays Chromium's frames far
    # more than the server's compute.
    if load > 0.75:
        print("LATENCY not asserted: the machine is overloaded (load average %.2f per core)" % load)
    else:
        check(stats["p95_ms"] < 50, "slider input → repainted table p95 < 50 ms: %s" % stats)
    # The bad totals typed above are answered 400 on purpose; anything else is an error.
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"
              and not (e["source"] == "network" and "/api/allocate" in e["message"] and "status of 400" in e["message"])]
    check(not severe, "no errors in the browser console: %s" % severe)
    print("OK")
finally:
    driver.quit()

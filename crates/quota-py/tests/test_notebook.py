"""examples/quickstart.ipynb runs headless (nbclient) and renders a table."""

from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")


def test_the_quickstart_notebook_renders_a_table():
    path = Path(__file__).parent.parent / "examples" / "quickstart.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    html = [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if o.get("output_type") == "execute_result" and "text/html" in o.get("data", {})]
    assert any("<table" in h and "北京市" in h for h in html), html[:1]
    assert any("2024-batch1" in h for h in html)

"""The widgets in a real kernel (nbclient): server lines stay inside the Telnet widget, never in
the cell that happens to run, and display objects arrive with their mailkit MIME types."""

import pathlib
import textwrap

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

REPO = pathlib.Path(__file__).resolve().parents[2]


def cell(src):
    return nbformat.v4.new_code_cell(textwrap.dedent(src))


def test_widgets_and_display_objects_in_a_kernel(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        cell(f"""
            import sys; sys.path.insert(0, {str(REPO)!r})
            from mailkit.core.init import create_world
            from mailkit.core.clock import FixedClock
            from mailkit.servers.runtime import HostRuntime
            from mailkit.commands.base import Host
            world = create_world({str(tmp_path / 'world')!r}); clock = FixedClock()
            host = Host(world, clock, HostRuntime(world, clock).start())
        """),
        cell("""
            from mailkit.widgets import Telnet, ConfigEditor, QueueInspector
            tn = Telnet(host, 25)
            assert tn.wait_for("220 ")
            tn
        """),
        cell("""
            tn.send("EHLO kernel.example.com")
            assert tn.wait_for("250 HELP")
            print("only this line")
        """),
        cell("""
            tn.send("QUIT"); assert tn.wait_for("221 "); assert tn.closed.wait(5)
            ed = ConfigEditor(host, lang="en")
            ed.editors["/etc/mail/access"].value += "From:spammer@example.com REJECT\\n"
            ed.apply_buttons["/etc/mail/access"].click()
            print(ed.command_log.text.splitlines()[0])
        """),
        cell("""
            from mailkit.kernel.display import QueueTable
            QueueTable.load(world, "/var/spool/mqueue", clock.now().tzinfo)
        """),
        cell("host.runtime.stop()"),
    ]
    client = nbclient.NotebookClient(nb, timeout=60, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outs = [c.outputs for c in nb.cells]
    assert all(o.get("output_type") != "error" for cell_outs in outs for o in cell_outs), outs
    assert "application/vnd.jupyter.widget-view+json" in outs[1][0]["data"]
    assert [o["text"] for o in outs[2]] == ["only this line\n"]  # no server line leaked here
    assert [o["text"] for o in outs[3]] == ["# vi /etc/mail/access\n"]
    data = outs[4][0]["data"]
    assert data["text/plain"] == "/var/spool/mqueue is empty\n\t\tTotal requests: 0"
    assert data["application/vnd.mailkit.queue+json"] == {"queue": "/var/spool/mqueue", "total": 0, "rows": [],
                                                          "text": "/var/spool/mqueue is empty\n\t\tTotal requests: 0"}
    # the reader thread's append_stdout reached the Output widget's model (what the browser shows)
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    shown = "".join(o.get("text", "") for m in state.values() if m["model_name"] == "OutputModel"
                    for o in m["state"].get("outputs", []))
    assert "Connected to localhost." in shown and "250 HELP" in shown and "Connection closed by foreign host." in shown

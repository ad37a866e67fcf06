from __future__ import annotations

import subprocess

from samspil.core.pdf import render_pdf


def test_it_renders_data_as_text_never_as_markup(tmp_path):
    template = tmp_path / "doc.typ"
    template.write_text(
        '#let data = json("data.json")\n#set text(lang: "da")\n= #data.title\n#data.body\n',
        encoding="utf-8",
    )
    data = {"title": "Årsrapport", "body": '#panic("injected") *ikke fed*'}
    pdf = render_pdf(template, data)
    assert pdf.startswith(b"%PDF")
    assert render_pdf(template, data) == pdf  # the same data gives the same bytes
    (tmp_path / "out.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "out.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Årsrapport" in text
    assert '#panic("injected") *ikke fed*' in text

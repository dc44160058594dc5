"""dlnotes.record_json: format first, one field and one epoch per line, and it reads back as the same dict."""

import json

from dlnotes.record_json import record_json


def test_one_line_per_field_and_per_epoch_and_it_round_trips():
    fields = {"model": "planar", "settings": {"b": 30}, "epochs": [{"epoch": 1, "seconds": 2.5}, {"epoch": 2, "seconds": 2.4}]}
    text = record_json(1, fields)
    assert json.loads(text) == {"format": 1} | fields
    lines = text.splitlines()
    assert lines[1] == ' "format": 1,' and lines[2] == ' "model": "planar",'
    assert '  {"epoch": 1, "seconds": 2.5},' in lines and '  {"epoch": 2, "seconds": 2.4}' in lines

"""Load every extraction table once, in the process that worker processes fork from.

The worker pool's server process imports this module, so that each worker
starts with the gazetteer automaton, the dictionary and the normalisation
tables already in memory (shared copy-on-write) instead of loading them again.
"""

from __future__ import annotations

from kg.pipeline import extract
from kg.text.normalize import normalize
from kg.types import Document

#: A sentence that touches every kind of rule: places, compounds, suffix names,
#: titles, companies, zones, events, persons.
SAMPLE = (
    "2024年,郑州市人民政府与開封市共同签署《郑开同城化合作协议》,"
    "宇通集团发起设立的安盈商业保理有限公司落户郑州航空港经济综合实验区,"
    "市长张三出席郑开同城化推进大会,共建郑开科创走廊和电子信息产业集群。"
)


def warm() -> None:
    """Run the pipeline once on :data:`SAMPLE`, loading every lazily built table."""
    extract(Document(path="warmup", text=SAMPLE, norm=normalize(SAMPLE)))


warm()

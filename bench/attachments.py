"""Attachment benchmark: detection on generated spreadsheets, PDFs and scans; OCR accuracy; seconds per unit.

Run: python -m bench.attachments [--rows 10000] [--scans 3]. Figures go into the README with this command.
Wall time and the process's CPU time are both printed: on a machine shared with other work the
wall time says more about the load than about the code.
"""

from __future__ import annotations

import argparse
import difflib
import random
import time

from checks import build_engine
from checks.attachments.check import check_attachment
from checks.attachments.images import read_image
from checks.attachments.limits import AttachmentLimits
from tests import attachment_factory as af
from tests.factories import resident_id

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑"
GIVEN = "秀英建国志强丽华桂兰海燕晓东春梅玉珍德明红霞永刚"
PROSE = (
    "为切实做好城乡困难群众基本生活保障工作，根据有关规定，现将本季度救助资金发放情况公示如下。",
    "公示期间如有异议，请向县民政局社会救助股反映，监督电话：0660-8812345。",
    "各镇人民政府、街道办事处要高度重视，严格审核，确保救助资金及时足额发放到户。",
)


def rows(count: int, seed: int = 7) -> tuple[list[list[object]], dict[str, int]]:
    r = random.Random(seed)
    out: list[list[object]] = [["序号", "户主姓名", "身份证号", "联系电话", "银行卡号", "金额"]]
    planted = {"pii.person_name": 0, "pii.id_card": 0, "pii.phone": 0}
    for n in range(1, count + 1):
        name = r.choice(SURNAMES) + r.choice(GIVEN) + r.choice(GIVEN)
        birth = f"{r.randrange(1940, 2005)}{r.randrange(1, 13):02d}{r.randrange(1, 29):02d}"
        ident = resident_id(f"441581{birth}{r.randrange(1000):03d}")
        phone = f"1{r.choice('3589')}{r.randrange(10**9):09d}"
        out.append([n, name, ident, phone, "（已脱敏）", r.randrange(300, 2000)])
        for key in planted:
            planted[key] += 1
    return out, planted


def detection(report, planted: dict[str, int]) -> dict[str, float]:
    found: dict[str, int] = {}
    for located in report.findings:
        found[located.finding.category] = found.get(located.finding.category, 0) + 1
    return {k: round(min(found.get(k, 0), v) / v, 3) for k, v in planted.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.attachments")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--scans", type=int, default=3)
    args = parser.parse_args(argv)
    engine = build_engine()
    check_attachment(engine, af.csv_bytes([["姓名"], ["王秀英"]]), "warm.csv")  # warm caches

    table, planted = rows(args.rows)
    for kind, data in (("xlsx", af.xlsx({"名单": table})), ("csv", af.csv_bytes(table))):
        started, cpu = time.perf_counter(), time.process_time()
        report = check_attachment(engine, data, f"名单.{kind}", limits=AttachmentLimits(max_cells=10**7))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"{kind}: {args.rows} rows in {seconds:.2f} s, {cpu:.2f} s CPU "
            f"({seconds / args.rows * 1000:.2f} s per 1,000 rows); recall {detection(report, planted)}"
        )

    small, _ = rows(20, seed=3)
    pdf = af.text_pdf([[" ".join(str(c) for c in row) for row in small[:12]], [*PROSE, "内部资料 注意保密"]])
    report = check_attachment(engine, pdf, "名单.pdf")
    marks = sum(1 for f in report.findings if f.finding.category == "secret.marking")
    print(f"pdf text layer: recall {detection(report, {'pii.id_card': 11, 'pii.phone': 11})}, marks {marks}")

    # columns of a scanned table stand apart, as on paper
    lines = ["　　　".join(str(c) for c in row[1:4]) for row in small[1:9]] + list(PROSE[:2])
    truth = "".join("".join(line.split()) for line in lines)
    times, cpus, ratios = [], [], []
    read_image(af.rendered_image(["预热"]), "warm.png", "png", AttachmentLimits())  # the model loads once
    for i in range(args.scans):
        image = af.rendered_image(lines, size=30, width=1400)
        started, cpu = time.perf_counter(), time.process_time()
        extracted = read_image(image, f"scan{i}.png", "png", AttachmentLimits())
        times.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
        got = "".join(extracted.text.split())
        ratios.append(difflib.SequenceMatcher(None, truth, got, autojunk=False).ratio())
    scan = af.rendered_image(lines, size=30, width=1400)
    report = check_attachment(engine, scan, "scan.png")
    print(
        f"ocr: {sum(times) / len(times):.2f} s per page, {sum(cpus) / len(cpus):.2f} s CPU (mean of {len(times)}), "
        f"character accuracy "
        f"{sum(ratios) / len(ratios):.3f}; scan recall {detection(report, {'pii.id_card': 8, 'pii.phone': 8})}"
    )


if __name__ == "__main__":
    main()

"""Write tests/data/devset_pii3.jsonl: 公示/答复/通知 cases about whose contact it is and why a name is there.

Every person, number and office is synthetic (seeded, so the file is reproducible). Half the cases are
hard negatives: office contacts (监督/咨询/异议 lines, contact blocks, footers, free mailboxes of an
office), names public by purpose (表彰/录用/招聘/中标), officials, masked names and page widgets. The
positives are private contacts and names in 低保/救助/补贴 lists (tab, full-width and HTML tables)
and in replies to citizens. Run: python -m bench.make_pii_context_devset
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from tests.factories import resident_id

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "devset_pii3.jsonl"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢钟谭廖"
GIVEN = "秀英建国志强丽华桂兰海燕晓东春梅玉珍德明红霞永刚淑芬文杰金凤国庆雪梅立新美玲俊峰翠花振华子涵"
COMPOUND = ("欧阳", "司马", "诸葛", "上官")
COUNTIES = ("陆丰市", "海丰县", "陆河县", "惠来县", "普宁市", "揭西县")
TOWNS = ("河东镇", "碣石镇", "甲子镇", "东海街道", "城东街道", "西南镇", "南塘镇")
OFFICES = (
    "县民政局", "镇社会事务办", "县人力资源和社会保障局", "街道办事处", "县住房和城乡建设局", "县医疗保障局",
    "县教育局", "县农业农村局", "镇人民政府", "县自然资源局",
)  # fmt: skip
FREE_DOMAINS = ("163.com", "126.com", "qq.com", "sina.com")


class Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.used: set[str] = set()

    def name(self, length: int | None = None) -> str:
        while True:
            n = length or self.r.choice((2, 3, 3, 3))
            if self.r.random() < 0.08:
                name = self.r.choice(COMPOUND) + "".join(self.r.choice(GIVEN) for _ in range(2))
            else:
                name = self.r.choice(SURNAMES) + "".join(self.r.choice(GIVEN) for _ in range(n - 1))
            if name not in self.used:
                self.used.add(name)
                return name

    def mobile(self) -> str:
        return self.r.choice(("138", "139", "137", "158", "159", "186", "135")) + f"{self.r.randrange(10**8):08d}"

    def landline(self) -> str:
        return (
            self.r.choice(("0660-", "0660-", "0663-", "020-"))
            + f"{self.r.randrange(2, 9)}{self.r.randrange(10**6):06d}"
        )

    def mailbox(self, personal: bool) -> str:
        user = self.r.choice(("mzj", "sqjz", "rsj", "zjj", "ybj", "jyj", "nyj")) + f"{self.r.randrange(100, 9999)}"
        if personal:
            user = f"{self.r.randrange(10**8, 10**10)}"
        return f"{user}@{self.r.choice(FREE_DOMAINS)}"

    def resident(self) -> str:
        year = self.r.randrange(1940, 2005)
        return resident_id(
            f"441581{year}{self.r.randrange(1, 13):02d}{self.r.randrange(1, 29):02d}{self.r.randrange(1000):03d}"
        )

    def place(self) -> str:
        return self.r.choice(COUNTIES) + self.r.choice(TOWNS)

    def office(self) -> str:
        return self.r.choice(COUNTIES) + self.r.choice(OFFICES)


def case(i: int, kind: str, title: str, text: str, expected, doc_type: str, note: str, fmt: str = "text") -> dict:
    return {
        "id": f"p3-{i:03d}",
        "channel": "website",
        "doc_type": doc_type,
        "format": fmt,
        "title": title,
        "text": text,
        "metadata": {},
        "expected": [{"category": c, "field": "body", "span": s} for c, s in expected],
        "hard_negative": not expected,
        "note": f"{kind}: {note}",
    }


def table(g: Gen, rows: list[list[str]], style: str) -> tuple[str, str]:
    if style == "html":
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><tbody>{body}</tbody></table>", "html"
    sep = "\t" if style == "tab" else "　"
    return "\n".join(sep.join(row) for row in rows), "text"


def relief_list(g: Gen, i: int) -> dict:
    topic = g.r.choice(
        ("城乡最低生活保障对象", "临时救助对象", "特困人员救助供养对象", "困难残疾人生活补贴对象", "危房改造补助对象")
    )
    header = g.r.choice(("户主姓名", "姓名", "申请人"))
    names = [g.name() for _ in range(g.r.randrange(2, 6))]
    with_id = g.r.random() < 0.4
    rows = [["序号", header, "家庭人口", "所在村（社区）", "金额（元）"]]
    ids = []
    for n, name in enumerate(names, 1):
        row = [
            str(n),
            name,
            str(g.r.randrange(1, 6)),
            g.r.choice(("新光村", "北溪村", "东堤社区", "上埔村")),
            str(g.r.randrange(3, 20) * 100),
        ]
        if with_id:
            ids.append(g.resident())
            row.insert(2, ids[-1])
        rows.append(row)
    if with_id:
        rows[0].insert(2, "身份证号")
    style = g.r.choice(("tab", "fullwidth", "html"))
    grid, fmt = table(g, rows, style)
    office = g.office()
    intro = f"经本人申请、村（居）民委员会评议、{g.place()}审核，现将{topic}公示如下："
    outro = f"公示期7天。如有异议，请向{office}反映，监督电话：{g.landline()}。"
    text = f"<p>{intro}</p>{grid}<p>{outro}</p>" if fmt == "html" else f"{intro}\n{grid}\n{outro}"
    expected = [("pii.person_name", n) for n in names] + [("pii.id_card", x) for x in ids]
    return case(
        i,
        "relief_list",
        f"{g.place()}2024年{topic}名单公示",
        text,
        expected,
        "publicity",
        f"{style} table under {header}; office phone after 监督电话 is not personal",
        fmt,
    )


def reply(g: Gen, i: int) -> dict:
    name = g.name()
    title_word = g.r.choice(("先生", "女士"))
    phone = g.mobile()
    office = g.office()
    text = (
        f"{name}{title_word}：\n您好！您反映的小区排水问题已收悉。经{office}现场核实，问题属实，已责成物业于本月底前完成整改。"
        f"我局工作人员已按您留下的联系电话{phone}回访。如有疑问，请拨打{office}咨询电话{g.landline()}。"
    )
    return case(
        i,
        "reply",
        "关于小区排水问题的答复",
        text,
        [("pii.person_name", name), ("pii.phone", phone)],
        "reply",
        "a citizen's name in the salutation and the phone the citizen left are personal; the office phone is not",
    )


def private_contact(g: Gen, i: int) -> dict:
    name = g.name()
    form = g.r.randrange(4)
    if form == 0:
        number = g.landline()
        text = f"经核查，户主{name}家庭电话：{number}，家庭人口3人，符合临时救助条件，拟给予救助。"
        expected = [("pii.person_name", name), ("pii.phone", number)]
    elif form == 1:
        number = g.mobile()
        text = f"申请人：{name}，联系电话：{number}，申请事项：困难群众临时救助。"
        expected = [("pii.person_name", name), ("pii.phone", number)]
    elif form == 2:
        number = g.mobile()
        age = g.r.randrange(40, 90)
        text = f"{name}，{g.r.choice('男女')}，{age}岁，{g.place()}人，联系电话{number}，因病致贫申请医疗救助。"
        expected = [("pii.person_name", name), ("pii.phone", number)]
    else:
        mail = g.mailbox(personal=True)
        text = f"来信人：{name}，来信人邮箱：{mail}。来信反映的拖欠工资问题已转{g.office()}办理。"
        expected = [("pii.person_name", name), ("pii.email", mail)]
    return case(
        i,
        "private_contact",
        "临时救助审核情况",
        text,
        expected,
        "notice",
        "the number follows a private cue (户主/申请人/家庭电话/sex and age/来信人)",
    )


def office_contacts(g: Gen, i: int) -> dict:
    office = g.office()
    form = g.r.randrange(5)
    mail = g.mailbox(personal=False)
    if form == 0:
        text = f"公示期间如有异议，请以书面形式向{office}反映。异议邮箱：{mail}，联系电话：{g.landline()}。"
    elif form == 1:
        text = f"请各单位于5月20日前将报名表电子版发送至{office}邮箱：{mail}，咨询电话：{g.mobile()}。"
    elif form == 2:
        text = (
            f"联系方式：\n一、{office}\n举报电话：{g.landline()}\n"
            f"通讯地址：{g.place()}人民路1号\n邮政编码：516500\n电子邮箱：{mail}"
        )
    elif form == 3:
        text = f"监督电话：{g.mobile()}（{office}纪检组）；投诉邮箱：{g.mailbox(personal=True)}。"
    else:
        text = f"主办单位：{office}　联系电话：{g.landline()}　邮箱：{mail}\n网站标识码4415810001　粤ICP备12345678号"
    return case(
        i,
        "office_contact",
        f"{office}关于开展2024年度申报工作的通知",
        text,
        [],
        "notice",
        "contacts of an office (异议/咨询/举报 lines, a contact block, a footer): no block, at most an info hint",
    )


def public_purpose(g: Gen, i: int) -> dict:
    kind = g.r.choice(
        ("拟表彰对象", "拟录用人员", "拟聘用人员", "中标候选人", "优秀共产党员推荐人选", "道德模范候选人")
    )
    names = [g.name() for _ in range(g.r.randrange(3, 7))]
    style = g.r.choice(("list", "tab", "fullwidth"))
    if style == "list":
        body = "、".join(names)
    else:
        rows = [["序号", "姓名", "性别", "单位"]] + [
            [str(n), x, g.r.choice("男女"), g.office()] for n, x in enumerate(names, 1)
        ]
        body, _ = table(g, rows, style)
    office = g.office()
    outro = f"公示期5个工作日。如有异议，请向{office}反映，电话：{g.landline()}。"
    text = f"经推荐、考察，现将{kind}名单公示如下：\n{body}\n{outro}"
    return case(
        i,
        "public_purpose",
        f"2024年度{kind}公示",
        text,
        [],
        "publicity",
        f"names in a {kind} 公示 are public by purpose ({style})",
    )


def officials_and_masked(g: Gen, i: int) -> dict:
    a, b = g.name(3), g.name(3)
    masked = g.r.choice(SURNAMES) + "*" + g.r.choice(GIVEN)
    text = (
        f"县长{a}主持召开县政府常务会议，副县长{b}出席。会议研究了2024年困难群众救助资金安排。"
        f"已公示的救助对象{masked}等3户资金已发放到位。"
    )
    return case(
        i,
        "officials",
        "县政府召开常务会议",
        text,
        [],
        "news",
        "officials in office and an already masked name are not findings",
    )


def widgets(g: Gen, i: int) -> dict:
    office = g.office()
    text = (
        f"发布时间：2024-06-03　来源：{office}　字号：大 中 小　分享到：微信 微博　打印本页　关闭窗口\n"
        f"为做好2024年度城乡居民医疗保险参保工作，现将有关事项通知如下。\n咨询电话：{g.landline()}\n"
        f"上一篇：关于做好防汛工作的通知　下一篇：2024年第二季度政务公开工作要点"
    )
    return case(
        i,
        "widgets",
        "关于做好2024年度城乡居民医保参保工作的通知",
        text,
        [],
        "notice",
        "page widgets (字号/分享/打印) are never names; the 咨询电话 is the office's",
    )


POSITIVE = (relief_list, reply, private_contact)
NEGATIVE = (office_contacts, public_purpose, officials_and_masked, widgets)


def build(count: int = 240, seed: int = 14) -> list[dict]:
    g = Gen(seed)
    cases = []
    for i in range(1, count + 1):
        maker = (POSITIVE if i % 2 else NEGATIVE)[g.r.randrange(3 if i % 2 else 4)]
        cases.append(maker(g, i))
    return cases


def main() -> None:
    cases = build()
    OUT.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\n", encoding="utf-8")
    print(f"wrote {len(cases)} cases ({sum(c['hard_negative'] for c in cases)} hard negatives) to {OUT.name}")


if __name__ == "__main__":
    main()

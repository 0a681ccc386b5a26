#!/usr/bin/env python3
"""Generate data/indicators.csv, the default indicator set of the 2024 first-batch scenario.

Self-contained: every input figure is written out below together with its source, so the
project does not depend on any file outside data/. Standard library only; deterministic
(no randomness). Run from anywhere:

    python3 data/tools/make_illustrative.py            # rewrites data/indicators.csv
    python3 data/tools/make_illustrative.py --print    # also prints the working table

Columns and how they are made (details in data/SOURCES.md):

* xiaojuren       REAL. MIIT table 2021-06-11, 小巨人 batches 1-2 per unit (sum 1832;
                  计划单列市 not counted in their provinces). Copied, not computed.
* sme_above_scale ILLUSTRATIVE. 广东 (excl. 深圳) and 深圳 = 95% x their sourced 2023
                  above-scale counts (57808 and 14188); the remaining 480000 - those two is
                  split over the other 35 units in proportion to
                  0.25 x (unit share of xiaojuren among the 35) + 0.75 x (unit share of
                  ROUGH_SIZE_K among the 35), largest-remainder rounding; total = 480000.
* cultivation     ILLUSTRATIVE. d = xiaojuren / sme_above_scale x 1000 (小巨人 per 1000
                  SMEs); score = 20 + 75 x sqrt(d / max d), one decimal (range 20.0-95.0).
* gdp_per_capita  REAL for 9 provinces (GDP_REAL); ILLUSTRATIVE for the other 22
                  (GDP_ILLUSTRATIVE, rounded to 1000 yuan); 兵团 and each 计划单列市 take
                  their parent province's value.
* eligible_firms  ILLUSTRATIVE. max(2, round_half_up(ELIGIBLE_RATE x stock)), where
                  stock is an illustrative 2024-04 小巨人 stock per unit (national 12000)
                  built from the sourced point facts in four tiers (see build_stock()).
"""

import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "indicators.csv")

# (code, name_zh, parent_code) in the order of data/units.csv
UNITS = [
    ("11", "北京市", ""), ("12", "天津市", ""), ("13", "河北省", ""), ("14", "山西省", ""),
    ("15", "内蒙古自治区", ""), ("21", "辽宁省", ""), ("22", "吉林省", ""), ("23", "黑龙江省", ""),
    ("31", "上海市", ""), ("32", "江苏省", ""), ("33", "浙江省", ""), ("34", "安徽省", ""),
    ("35", "福建省", ""), ("36", "江西省", ""), ("37", "山东省", ""), ("41", "河南省", ""),
    ("42", "湖北省", ""), ("43", "湖南省", ""), ("44", "广东省", ""), ("45", "广西壮族自治区", ""),
    ("46", "海南省", ""), ("50", "重庆市", ""), ("51", "四川省", ""), ("52", "贵州省", ""),
    ("53", "云南省", ""), ("54", "西藏自治区", ""), ("61", "陕西省", ""), ("62", "甘肃省", ""),
    ("63", "青海省", ""), ("64", "宁夏回族自治区", ""), ("65", "新疆维吾尔自治区", ""),
    ("XPCC", "新疆生产建设兵团", "65"),
    ("2102", "大连市", "21"), ("3302", "宁波市", "33"), ("3502", "厦门市", "35"),
    ("3702", "青岛市", "37"), ("4403", "深圳市", "44"),
]

# REAL. 专精特新小巨人企业分布情况, 工信微报 / 工业和信息化部中小企业局 2021-06-11,
# mirror http://fsnhligao.cn/nnews.asp?vid=31545 . Batches 1-2, total 1832.
XIAOJUREN_2021 = {
    "11": 90, "12": 41, "13": 100, "14": 53, "15": 12, "21": 52, "22": 14, "23": 13,
    "31": 80, "32": 113, "33": 107, "34": 80, "35": 68, "36": 35, "37": 94, "41": 92,
    "42": 51, "43": 70, "44": 106, "45": 27, "46": 5, "50": 65, "51": 74, "52": 14,
    "53": 35, "54": 0, "61": 52, "62": 29, "63": 9, "64": 23, "65": 16, "XPCC": 4,
    "2102": 22, "3302": 55, "3502": 49, "3702": 47, "4403": 35,
}

# ---------------------------------------------------------------- sme_above_scale
SME_TOTAL = 480_000          # DERIVED national 规上工业中小企业 ≈ 48-49万 (udn.com/news/story/7333/8925182)
SME_SHARE = 0.95             # ILLUSTRATIVE assumption: SMEs ≈ 95% of above-scale industrial enterprises
# REAL: 广东统计年鉴2024 表12-6, https://nianjianbao.com/2024gdtjnj/directory/12/html/12-06-0.htm
GD_ALL_2023 = 71_996         # DERIVED sum of the four region rows 61564+5055+2021+3356
SZ_2023 = 14_188             # 深圳 city row
SME_ANCHORED = {
    "44": (GD_ALL_2023 - SZ_2023) * SME_SHARE,   # 57808 x 0.95 (广东 excl. 深圳)
    "4403": SZ_2023 * SME_SHARE,                 # 14188 x 0.95
}
W_XIAOJUREN = 0.25
W_SIZE = 0.75
# ILLUSTRATIVE rough size score: approximate number of above-scale industrial enterprises in
# thousands (author's general-knowledge magnitude ca. 2022-23, NOT a sourced statistic), except
# 北京 3.052 = 3052 in 2022-03 (华经产业研究院 from NBS monthly data,
# https://www.qy924.com/channel/distdata/815068.html). Province values exclude their
# 计划单列市 (and 新疆 excludes 兵团), because those are separate units.
ROUGH_SIZE_K = {
    "11": 3.052, "12": 5.6, "13": 17.5, "14": 7.4, "15": 3.9, "21": 6.4, "22": 3.3, "23": 4.4,
    "31": 9.0, "32": 58.0, "33": 45.0, "34": 21.0, "35": 17.0, "36": 16.5, "37": 29.0,
    "41": 23.0, "42": 18.5, "43": 20.5, "45": 8.0, "46": 0.6, "50": 7.5, "51": 17.0,
    "52": 5.0, "53": 5.0, "54": 0.3, "61": 8.0, "62": 2.5, "63": 0.7, "64": 1.4, "65": 3.8,
    "XPCC": 0.8, "2102": 2.5, "3302": 10.5, "3502": 2.9, "3702": 5.6,
}

# ---------------------------------------------------------------- cultivation
CULT_MIN, CULT_SPAN = 20.0, 75.0

# ---------------------------------------------------------------- gdp_per_capita
# REAL (year, yuan, source). 2023 values are preliminary communique figures.
GDP_REAL = {
    "11": (2023, 200000, "https://cn.dailyeconomic.com/bj/2024/03/22/3673.html (rounded: 达到20万元)"),
    "33": (2023, 125043, "http://zjzd.stats.gov.cn/zwgk/xxgkml/tjxx/tjgb/202403/t20240304_110816.html"),
    "35": (2023, 129865, "https://www.duobangwang.com/html/4/20240317/65f68310ecc4a.shtml"),
    "44": (2023, 106986, "http://my67778.com/news/data/hongguan/20240402/165705271204822560653768.shtml"),
    "43": (2023, 76146, "https://m.163.com/news/article/JIP00KSG05563SPX.html"),
    "41": (2023, 60073, "https://wheto.gov.hk/sc/doing_business/henan.html"),
    "32": (2022, 144390, "http://zgnt.net/ntrbszb/pc/c/202312/10/content_157449.html"),
    "36": (2022, 70923, "https://profilpelajar.com/zh/江西省地区生产总值"),
    "21": (2022, 68775, "http://xiaomonv0755.com/tjgb/06ln/37331.html"),
    # Additions (research notes gdp_per_capita_2023_additions.csv, CEIC via Google Dataset Search):
    "31": (2023, 190321, "CEIC: GDP per capita Shanghai 190,321 RMB in 2023"),
    "4403": (2023, 195230, "CEIC: GDP per capita Guangdong: Shenzhen 195,230.173 RMB in 2023 (Shenzhen Municipal Bureau of Statistics); the city's own figure"),
}
# How each official value is to be read (shown in the gdp_per_capita_note column).
GDP_NOTE = {
    "11": "2023; rounded (reported as 达到20万元)",
    "32": "2022 value (no 2023 figure found)",
    "36": "2022 value (no 2023 figure found)",
    "21": "2022 value (no 2023 figure found)",
    "31": "2023 (CEIC)",
    "4403": "2023 city figure (CEIC)",
}
# ILLUSTRATIVE: plausible 2023 magnitudes from general knowledge, rounded to 1000 yuan.
# NOT official statistics; replace with the provincial 统计公报 values.
GDP_ILLUSTRATIVE = {
    "12": 123000, "13": 59000, "14": 74000, "15": 103000, "22": 58000, "23": 52000,
    "34": 77000, "37": 91000, "42": 96000, "45": 54000, "46": 72000,
    "50": 94000, "51": 72000, "52": 54000, "53": 64000, "54": 66000, "61": 85000,
    "62": 48000, "63": 64000, "64": 73000, "65": 74000,
}

# ---------------------------------------------------------------- eligible_firms
STOCK_TOTAL = 12_000          # national 小巨人 stock ≈1.2万 in 2024-04 (project research notes; see data/SOURCES.md)
NAT_CUM_B1_3 = 4_762          # national cumulative batches 1-3 (Xinhua 2021-11-23)
NAT_CUM_B1_4 = 8_997          # national cumulative batches 1-4 (MIIT 2022-09-08)
NAT_B1_2 = 1_832              # national batches 1-2 (MIIT 2021-06-11)
NAT_B5 = 3_673                # national batch 5 公示 2023-07 (中制智库 anpeicn.cn vid=43316)
ELIGIBLE_RATE = 0.30          # ILLUSTRATIVE share of the stock meeting all 148号 conditions
ELIGIBLE_MIN = 2


def half_up(x):
    return int(math.floor(x + 0.5))


def largest_remainder(raw, total):
    """Round the dict of non-negative floats raw to integers summing exactly to total."""
    floors = {k: int(math.floor(v)) for k, v in raw.items()}
    short = total - sum(floors.values())
    order = sorted(raw, key=lambda k: (-(raw[k] - floors[k]), k))
    for k in order[:short]:
        floors[k] += 1
    return floors


def build_sme():
    sme = {k: half_up(v) for k, v in SME_ANCHORED.items()}
    rest = [c for c, _, _ in UNITS if c not in sme]
    remaining = SME_TOTAL - sum(sme.values())
    xj_sum = sum(XIAOJUREN_2021[c] for c in rest)
    size_sum = sum(ROUGH_SIZE_K[c] for c in rest)
    raw = {c: remaining * (W_XIAOJUREN * XIAOJUREN_2021[c] / xj_sum
                           + W_SIZE * ROUGH_SIZE_K[c] / size_sum) for c in rest}
    sme.update(largest_remainder(raw, remaining))
    return sme


def build_cultivation(sme):
    dens = {c: XIAOJUREN_2021[c] / sme[c] * 1000.0 for c in sme}
    dmax = max(dens.values())
    return {c: round(CULT_MIN + CULT_SPAN * math.sqrt(dens[c] / dmax), 1) for c in dens}, dens


def build_gdp():
    """GDP per capita per unit, with its status and note: official where sourced; a unit with
    no figure of its own (兵团, four 计划单列市) uses its parent province's value, marked
    illustrative (a provincial average stands in for the city)."""
    gdp = {c: v[1] for c, v in GDP_REAL.items()}
    gdp.update(GDP_ILLUSTRATIVE)
    status = {c: "official" for c in GDP_REAL}
    status.update({c: "illustrative" for c in GDP_ILLUSTRATIVE})
    note = {c: GDP_NOTE.get(c, f"{GDP_REAL[c][0]}") for c in GDP_REAL}
    note.update({c: "illustrative; rounded to 1000 yuan" for c in GDP_ILLUSTRATIVE})
    names = {c: n for c, n, _ in UNITS}
    for c, _, parent in UNITS:
        if parent and c not in GDP_REAL:
            gdp[c] = gdp[parent]
            status[c] = "illustrative"
            note[c] = f"uses the province's value ({names[parent]}; {status[parent]})"
    return gdp, status, note


def build_stock():
    """Illustrative 2024-04 小巨人 stock per unit; returns (stock, tier)."""
    stock, tier = {}, {}
    # Tier A1: sourced cumulative counts through batch 5.
    stock["11"] = 795                                   # 北京 cum b1-5 (wyazu.cn/newsarticle/28404.html)
    js = 710 + 795                                      # 江苏 cum b1-4 710 (ytsybjq) + batch 5 795 (weldljkj)
    stock["32"] = js
    gd_all = 1500                                       # 广东 incl. 深圳, ~1500 to 2023-09 (cityofzhuhai)
    stock["4403"] = half_up(gd_all * 1027 / 1982)       # split by 深圳 share of 2025-03-31 valid stock (OFweek/火石)
    stock["44"] = gd_all - stock["4403"]
    zj_all = 1059 + 384                                 # 浙江 incl. 宁波: cum b1-4 (handmsg) + batch 5 (weldljkj)
    stock["3302"] = half_up(zj_all * 397 / 1806)        # split by 宁波 share of 2025-03-31 valid stock
    stock["33"] = zj_all - stock["3302"]
    for c in ("11", "32", "44", "4403", "33", "3302"):
        tier[c] = "A1"
    # Tier A2: sourced cumulative count at an earlier date, scaled by national growth.
    stock["31"] = half_up(262 * STOCK_TOTAL / NAT_CUM_B1_3)   # 上海 262 at 2021-09 (上海证券报)
    stock["42"] = half_up(473 * STOCK_TOTAL / NAT_CUM_B1_4)   # 湖北 473 b1-4 (湖北经信厅 via 中国网)
    stock["54"] = half_up(4 * STOCK_TOTAL / NAT_CUM_B1_4)     # 西藏 4 b1-4 (handmsg)
    for c in ("31", "42", "54"):
        tier[c] = "A2"
    # Tier B: sourced batch-5 count; stock = batches 1-2 (MIIT 2021) + batch5 x national (b3..b5)/b5.
    k = (STOCK_TOTAL - NAT_B1_2) / NAT_B5
    for c, b5 in (("37", 300), ("3702", 39), ("3502", 25), ("2102", 12)):   # weldljkj.com/20/4133.html
        stock[c] = half_up(XIAOJUREN_2021[c] + b5 * k)
        tier[c] = "B"
    # Tier C: no per-unit fact; the rest of the national 12000 in proportion to the 2021 counts.
    rest = [c for c, _, _ in UNITS if c not in stock]
    remaining = STOCK_TOTAL - sum(stock.values())
    xj = sum(XIAOJUREN_2021[c] for c in rest)
    stock.update(largest_remainder({c: remaining * XIAOJUREN_2021[c] / xj for c in rest}, remaining))
    for c in rest:
        tier[c] = "C"
    return stock, tier, remaining / xj, k


def build_eligible(stock):
    return {c: max(ELIGIBLE_MIN, half_up(ELIGIBLE_RATE * s)) for c, s in stock.items()}


HEADER_COMMENTS = [
    "# Default indicator set of the 2024 first-batch scenario (财建〔2024〕148号 first batch: 1039 firms at 600万元 each). Replacing a column with official statistics is a one-file edit of this file (keep the header; lines starting with # are ignored). Generated by data/tools/make_illustrative.py; provenance in data/SOURCES.md.",
    "# status: xiaojuren=official (batches 1-2, 2021-06); sme_above_scale=illustrative; cultivation=illustrative; gdp_per_capita=official for 11 units (see gdp_per_capita_status) / illustrative; eligible_firms=illustrative. The @ lines below are read by the loader.",
    "# source code: GB/T 2260 code (XPCC = project identifier for 兵团; not a GB/T 2260 code); same codes and order as data/units.csv.",
    "# source name_zh: full Chinese name; as data/units.csv.",
    "# @column xiaojuren: official | as_of 2021-06 | scope 第一、二批 / batches 1–2 | label_en 小巨人 firms | source REAL. 专精特新小巨人企业分布情况 (工信微报 / 工业和信息化部中小企业局 2021-06-11) mirror http://fsnhligao.cn/nnews.asp?vid=31545; batches 1-2 total 1832; 计划单列市 not counted in their provinces; 兵团 listed separately. Copied exactly.",
    "# @column sme_above_scale: illustrative | as_of 2023 | label_en SMEs above designated size | source ILLUSTRATIVE (no complete public source). 广东 = round(0.95 x 57808) and 深圳 = round(0.95 x 14188) from 广东统计年鉴2024 表12-6 2023 above-scale counts (广东 71996 DERIVED minus 深圳 14188) with an assumed 95% SME share; the other 35 units split 480000 minus those two in proportion to 0.25 x share of xiaojuren + 0.75 x share of an illustrative rough size score (approx. thousands of above-scale industrial firms; general knowledge except 北京 3052 in 2022-03) with largest-remainder rounding; total 480000 (DERIVED national ≈48-49万). Rule and scores in data/tools/make_illustrative.py.",
    "# @column cultivation: illustrative | label_en cultivation performance score | source ILLUSTRATIVE score 0-100 (no public 培育绩效 scores found). d = xiaojuren / sme_above_scale x 1000 (小巨人 per 1000 above-scale SMEs); cultivation = 20 + 75 x sqrt(d / max d) rounded to one decimal (range 20.0-95.0; 西藏 has 0 小巨人 so 20.0).",
    "# @column gdp_per_capita: official | as_of 2023 | label_zh 人均地区生产总值 | label_en GDP per capita | source yuan. REAL for 10 provinces and 深圳: 北京 200000 (2023 rounded 达到20万元) 浙江 125043 福建 129865 广东 106986 湖南 76146 河南 60073 (2023 preliminary communique), 上海 190321 and 深圳 195230 (2023, CEIC), and 江苏 144390 江西 70923 辽宁 68775 (2022 values); URLs in data/SOURCES.md. ILLUSTRATIVE for the other 21 provinces (plausible 2023 magnitudes from general knowledge rounded to 1000 yuan; not official). 兵团 and 大连 宁波 厦门 青岛 have no figure of their own and use their province's value (a provincial average, not a city figure), marked illustrative. Per-unit status and note in gdp_per_capita_status and gdp_per_capita_note.",
    "# @column eligible_firms: illustrative | as_of 2024-04 | label_zh 符合条件企业数（上限） | label_en eligible firms (caps) | source ILLUSTRATIVE (no public source). max(2, round_half_up(0.30 x S)) where S is an illustrative 2024-04 小巨人 stock per unit summing to 12000 (national ≈1.2万): tier A1 sourced cumulative counts (北京 795; 江苏 710+795; 广东 incl. 深圳 ~1500 split by 深圳's 2025-03 share 1027/1982; 浙江 incl. 宁波 1059+384 split by 宁波's share 397/1806); tier A2 earlier cumulative counts scaled by national growth (上海 262 x 12000/4762; 湖北 473 x 12000/8997; 西藏 4 x 12000/8997); tier B batch-5 counts (山东 300 assumed to exclude 青岛; 青岛 39 厦门 25 大连 12): S = xiaojuren + b5 x (12000-1832)/3673; tier C the remaining stock in proportion to xiaojuren (largest remainder). 0.30 is an assumed eligibility rate (valid; unlisted; not supported under 财建〔2021〕2号; plan > 2000万元; key field).",
]

COLUMNS = ["code", "name_zh", "xiaojuren", "sme_above_scale", "cultivation", "gdp_per_capita", "eligible_firms",
           "gdp_per_capita_status", "gdp_per_capita_note"]


def main():
    sme = build_sme()
    cult, dens = build_cultivation(sme)
    gdp, gdp_status, gdp_note = build_gdp()
    stock, tier, m, k = build_stock()
    elig = build_eligible(stock)

    lines = list(HEADER_COMMENTS)
    lines.append(",".join(COLUMNS))
    for c, name, _ in UNITS:
        lines.append(",".join([c, name, str(XIAOJUREN_2021[c]), str(sme[c]), f"{cult[c]:.1f}",
                               str(gdp[c]), str(elig[c]), gdp_status[c], gdp_note[c]]))
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")

    if "--print" in sys.argv:
        print(f"tier C multiplier m = {m:.4f}; tier B factor k = {k:.4f}")
        print("code name xiaojuren sme density cultivation gdp stock tier eligible")
        for c, name, _ in UNITS:
            print(c, name, XIAOJUREN_2021[c], sme[c], f"{dens[c]:.3f}", cult[c], gdp[c],
                  stock[c], tier[c], elig[c])
        print("sums:", sum(XIAOJUREN_2021.values()), sum(sme.values()),
              round(sum(cult.values()), 1), sum(gdp.values()), sum(stock.values()),
              sum(elig.values()))


if __name__ == "__main__":
    main()

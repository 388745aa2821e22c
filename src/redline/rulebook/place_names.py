"""English names of GB/T 2260 divisions: the place in Hanyu Pinyin, the kind of division in English.

杭州市 → Hangzhou, 西湖区 → Xihu District, 恩施土家族苗族自治州 → Enshi Tujia and Miao Autonomous
Prefecture. Provinces and autonomous regions take the official English forms (陕西 is Shaanxi);
a few places whose usual reading differs from the commonest reading of a character, and the
prefecture-level places in minority-language areas whose official romanisation is not pinyin
(锡林郭勒 → Xilin Gol), are listed here. English output never shows the Chinese name.
"""

from __future__ import annotations

from functools import cache

PROVINCES = {
    "北京市": "Beijing",
    "天津市": "Tianjin",
    "上海市": "Shanghai",
    "重庆市": "Chongqing",
    "河北省": "Hebei Province",
    "山西省": "Shanxi Province",
    "辽宁省": "Liaoning Province",
    "吉林省": "Jilin Province",
    "黑龙江省": "Heilongjiang Province",
    "江苏省": "Jiangsu Province",
    "浙江省": "Zhejiang Province",
    "安徽省": "Anhui Province",
    "福建省": "Fujian Province",
    "江西省": "Jiangxi Province",
    "山东省": "Shandong Province",
    "河南省": "Henan Province",
    "湖北省": "Hubei Province",
    "湖南省": "Hunan Province",
    "广东省": "Guangdong Province",
    "海南省": "Hainan Province",
    "四川省": "Sichuan Province",
    "贵州省": "Guizhou Province",
    "云南省": "Yunnan Province",
    "陕西省": "Shaanxi Province",
    "甘肃省": "Gansu Province",
    "青海省": "Qinghai Province",
    "台湾省": "Taiwan Province",
    "内蒙古自治区": "Inner Mongolia Autonomous Region",
    "广西壮族自治区": "Guangxi Zhuang Autonomous Region",
    "西藏自治区": "Xizang Autonomous Region",
    "宁夏回族自治区": "Ningxia Hui Autonomous Region",
    "新疆维吾尔自治区": "Xinjiang Uygur Autonomous Region",
    "香港特别行政区": "Hong Kong Special Administrative Region",
    "澳门特别行政区": "Macao Special Administrative Region",
}

# Place names (without the kind of division) romanised otherwise than by the commonest readings.
READINGS = {
    "长治": "Changzhi",
    "朝阳": "Chaoyang",
    "漯河": "Luohe",
    "哈尔滨": "Harbin",
    "齐齐哈尔": "Qiqihar",
    "呼和浩特": "Hohhot",
    "鄂尔多斯": "Ordos",
    "呼伦贝尔": "Hulunbuir",
    "巴彦淖尔": "Bayannur",
    "乌兰察布": "Ulanqab",
    "兴安": "Hinggan",
    "锡林郭勒": "Xilin Gol",
    "阿拉善": "Alxa",
    "拉萨": "Lhasa",
    "日喀则": "Xigaze",
    "昌都": "Qamdo",
    "林芝": "Nyingchi",
    "那曲": "Nagqu",
    "阿里": "Ngari",
    "乌鲁木齐": "Urumqi",
    "克拉玛依": "Karamay",
    "吐鲁番": "Turpan",
    "博尔塔拉": "Bortala",
    "巴音郭楞": "Bayingolin",
    "克孜勒苏": "Kizilsu",
    "伊犁": "Ili",
    "阿克苏": "Aksu",
    "喀什": "Kashgar",
    "和田": "Hotan",
    "阿勒泰": "Altay",
}

# Peoples named in autonomous divisions, as the divisions' official English names give them.
PEOPLES = {
    "布依族": "Bouyei",
    "苗族": "Miao",
    "侗族": "Dong",
    "藏族": "Tibetan",
    "羌族": "Qiang",
    "哈萨克族": "Kazak",
    "哈萨克": "Kazak",
    "蒙古族": "Mongol",
    "蒙古": "Mongol",
    "回族": "Hui",
    "土家族": "Tujia",
    "朝鲜族": "Korean",
    "彝族": "Yi",
    "哈尼族": "Hani",
    "拉祜族": "Lahu",
    "瑶族": "Yao",
    "傣族": "Dai",
    "仡佬族": "Gelao",
    "壮族": "Zhuang",
    "独龙族": "Derung",
    "怒族": "Nu",
    "佤族": "Va",
    "满族": "Manchu",
    "黎族": "Li",
    "达斡尔族": "Daur",
    "裕固族": "Yugur",
    "仫佬族": "Mulao",
    "傈僳族": "Lisu",
    "毛南族": "Maonan",
    "纳西族": "Naxi",
    "土族": "Tu",
    "白族": "Bai",
    "畲族": "She",
    "保安族": "Bonan",
    "东乡族": "Dongxiang",
    "撒拉族": "Salar",
    "景颇族": "Jingpo",
    "布朗族": "Blang",
    "普米族": "Pumi",
    "水族": "Shui",
    "鄂温克族": "Ewenki",
    "鄂伦春": "Oroqen",
    "维吾尔": "Uygur",
    "柯尔克孜": "Kirgiz",
    "塔吉克": "Tajik",
    "锡伯": "Xibe",
    "各族": "Various Nationalities",
}

# Kinds of division, longest first so that 自治州 is found before 州-less suffixes.
KINDS = (
    ("特别行政区", "Special Administrative Region"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("地区", "Prefecture"),
    ("林区", "Forestry District"),
    ("特区", "Special District"),
    ("省", "Province"),
    ("盟", "League"),
    ("市", ""),
    ("区", "District"),
    ("县", "County"),
    ("旗", "Banner"),
)


def pinyin(hanzi: str) -> str:
    """One place name in Hanyu Pinyin, written as one word: 西安 → Xi'an, 吕梁 → Lüliang."""
    if hanzi in READINGS:
        return READINGS[hanzi]
    from pypinyin import lazy_pinyin  # its phrase table takes 0.4-0.8 s to load: only when a name needs it

    syllables = lazy_pinyin(hanzi, v_to_u=True)
    word = syllables[0] + "".join(f"'{s}" if s[:1] in ("a", "o", "e") else s for s in syllables[1:])
    return word[:1].upper() + word[1:]


def _peoples(stem: str) -> tuple[str, list[str]]:
    """Split 恩施土家族苗族 into the place (恩施) and its peoples (Tujia, Miao), in the name's order."""
    peoples: list[str] = []
    while True:
        found = next((p for p in sorted(PEOPLES, key=len, reverse=True) if stem.endswith(p) and stem != p), None)
        if found is None:
            return stem, peoples
        peoples.insert(0, PEOPLES[found])
        stem = stem[: -len(found)]


@cache
def english_name(chinese: str) -> str:
    """The English name of one division, from its Chinese name."""
    if chinese in PROVINCES:
        return PROVINCES[chinese]
    kind, stem = "", chinese
    for suffix, english in KINDS:
        if chinese.endswith(suffix) and len(chinese) > len(suffix):
            kind, stem = english, chinese[: -len(suffix)]
            break
    stem, peoples = _peoples(stem)
    place = PEOPLES[stem] if stem in PEOPLES else pinyin(stem)
    return " ".join(part for part in (place, " and ".join(peoples), kind) if part)

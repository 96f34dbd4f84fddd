"""Search keys computed on write: pinyin of names and the trade name of companies.

Agents find 曾小东 by typing ``zxd`` or ``zengxiaodong`` and 杭州华盛机械制造有限公司 by
typing 华盛; each key is a prefix search on an indexed column, fast at a million rows.
Keys are computed per character from pypinyin's dictionary (cached), because an import
of 100,000 rows cannot spend 40 µs per name on phrase segmentation; surnames with a
special reading (曾 zēng, 单 shàn, 解 xiè…) are read as surnames.
"""

from __future__ import annotations

import functools
import re

from pypinyin import lazy_pinyin

from huifang.customers.phones import halfwidth

PINYIN_MAX = 200
INITIALS_MAX = 80

# Surnames whose everyday reading differs from the one pypinyin gives a lone character.
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "盖": "ge",
    "乐": "yue",
    "召": "shao",
    "缪": "miao",
    "翟": "zhai",
    "覃": "qin",
    "秘": "bi",
    "繁": "po",
    "员": "yun",
    "种": "chong",
    "折": "she",
    "句": "gou",
    "薄": "bo",
    "都": "du",
    "隗": "wei",
    "阚": "kan",
    "祭": "zhai",
    "长": "chang",
    "重": "chong",
    "卜": "bu",
    "郇": "xun",
    "佴": "nai",
}
COMPOUND_SURNAMES = {
    "单于": ("chan", "yu"),
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "长孙": ("zhang", "sun"),
    "澹台": ("tan", "tai"),
}
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z0-9]+")


@functools.cache
def _syllable(char: str) -> str:
    return lazy_pinyin(char)[0].lower()


def _syllables(text: str) -> list[str]:
    result: list[str] = []
    word = ""
    for char in text:
        if _HAN.match(char):
            if word:
                result.append(word)
                word = ""
            result.append(_syllable(char))
        elif _WORD.match(char):
            word += char
        elif word:
            result.append(word)
            word = ""
    if word:
        result.append(word)
    return result


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a person's name: 王小燕 → (wangxiaoyan, wxy)."""
    text = halfwidth(name).lower()
    head: list[str] = []
    if text[:2] in COMPOUND_SURNAMES:
        head, text = list(COMPOUND_SURNAMES[text[:2]]), text[2:]
    elif text[:1] in SURNAME_READINGS:
        head, text = [SURNAME_READINGS[text[0]]], text[1:]
    syllables = head + _syllables(text)
    pinyin = "".join(syllables)[:PINYIN_MAX]
    initials = "".join(s[0] for s in syllables)[:INITIALS_MAX]
    return pinyin, initials


def pinyin_query(text: str) -> str:
    """What a person typed as pinyin, as stored: lower case, no spaces or apostrophes."""
    return re.sub(r"[^a-z0-9]", "", halfwidth(text).lower())


def _words(text: str) -> list[str]:
    return text.split()


PROVINCES = _words(
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
    "广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门"
)
PROVINCE_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
)
CITIES = _words(
    "广州 深圳 珠海 汕头 佛山 韶关 湛江 肇庆 江门 茂名 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 "
    "潮州 揭阳 云浮 杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 义乌 南京 无锡 徐州 "
    "常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁 昆山 江阴 常熟 张家港 成都 绵阳 自贡 "
    "攀枝花 泸州 德阳 广元 遂宁 内江 乐山 南充 宜宾 广安 达州 眉山 雅安 武汉 黄石 十堰 宜昌 襄阳 "
    "鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 "
    "临沂 德州 聊城 滨州 菏泽 厦门 福州 莆田 三明 泉州 漳州 南平 龙岩 宁德 郑州 开封 洛阳 平顶山 "
    "安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 长沙 株洲 湘潭 衡阳 邵阳 "
    "岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛 "
    "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 太原 大同 阳泉 长治 晋城 朔州 "
    "晋中 运城 忻州 临汾 吕梁 沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 葫芦岛 "
    "长春 四平 辽源 通化 白山 松原 白城 哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 "
    "牡丹江 黑河 绥化 合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 "
    "宣城 南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶 海口 三亚 贵阳 遵义 六盘水 安顺 "
    "昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 大理 兰州 嘉峪关 金昌 白银 天水 西宁 银川 南宁 柳州 "
    "桂林 梧州 北海 玉林 呼和浩特 包头 鄂尔多斯 乌鲁木齐 拉萨"
)


def _alternatives(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_PLACE = re.compile(
    rf"^(?:中国)?(?:(?:{_alternatives(PROVINCES)})(?:{_alternatives(PROVINCE_SUFFIXES)})?)?"
    rf"(?:(?P<city>{_alternatives(CITIES)})市?(?:[\u4e00-\u9fff]{{1,3}}?[区县](?=.{{2}}))?)?"
)


@functools.lru_cache(maxsize=65_536)  # a file names the same companies over and over
def company_key(company: str) -> str:
    """The company name without the place it starts with: 杭州华盛机械制造有限公司 →
    华盛机械制造有限公司, so that a search for the trade name 华盛 is a prefix search. A
    name that is nothing but a place keeps its full text."""
    text = halfwidth(company)
    rest = text[_PLACE.match(text).end() :]  # type: ignore[union-attr]
    return rest if len(rest) >= 2 else text

"""Injected spam: keyword stuffing, link-farm ("spider pool", 蜘蛛池) footers and sudden script changes.

Each detector works on one line at a time and looks for runs of short tokens joined by separators,
which prose does not produce: prose has function words (的/了/是/在, the/and/of) and sentence
punctuation, and its enumerations are short and sit inside a sentence. A run is reported only when it
is long and fills most of its line, so a list of eight provinces inside a news sentence passes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from redline.probes.content_screen import fast
from redline.probes.content_screen.scripts import LOW_SCRIPTS, count_script, count_scripts

TOKEN = re.compile(r"https?://[^\s,，、|｜;；]+|(?:[^\s,，、|｜/;；:：·•_\-—~～>»]|(?<=[A-Za-z0-9])-(?=[A-Za-z0-9]))+")
LIST_SEPARATOR = re.compile(r"[,，|｜/;；·•_~～>»]")
SENTENCE_END = re.compile(r"[。！？!?]|\.(?:\s|$)")
FUNCTION_ZH = re.compile(r"[的了着吗呢吧]|我们|你们|他们|这个|那个|但是|而且|因为|所以|可以|就是|已经|正在|没有|如果")
_FUNCTION_EN = """a an the and or but of to in on at by for with from as is are was were be been has have had will
would can could said says that this these those it its he she they we you i not no than then there
which who whom what when where while after before about into over under also more most said"""
FUNCTION_EN = frozenset(_FUNCTION_EN.split())
_PLACES = """北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南
广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 广州 深圳
杭州 南京 武汉 成都 西安 苏州 郑州 长沙 沈阳 青岛 宁波 东莞 无锡 厦门 福州 济南 大连 合肥 昆明
哈尔滨 长春 石家庄 南宁 南昌 贵阳 太原 佛山 温州 泉州 烟台 徐州 常州 南通 珠海 中山 惠州 兰州
海口 三亚 拉萨 银川 西宁 乌鲁木齐 呼和浩特"""
PROVINCES = frozenset(_PLACES.split())
PLACE_NAMES = tuple(sorted(PROVINCES))
# the longest first, so the first alternative that matches is the longest place a token starts with
PROVINCE_PREFIX = re.compile("|".join(sorted(PROVINCES, key=lambda p: (-len(p), p))))
PLACE_SUFFIX = re.compile(r"^[\u4e00-\u9fff]{1,6}[省市县区镇州盟旗]")
SITE_TOKEN = re.compile(
    r"(?:https?://|www\.)\S+|^[\w-]+(?:\.[\w-]+)*\.(?:com|cn|net|org|info|top|xyz|cc|vip|"
    r"site|online|shop|club|io|me|tv|hk|tw)(?:/\S*)?$|[\u4e00-\u9fff]{1,8}(?:网|站|论坛|平台|门户|"
    r"在线|导航|官网)$",
    re.IGNORECASE,
)
MIN_STUFFED, MIN_LINK_FARM, MIN_COVER = 10, 8, 0.6
# Cheap tests that a line may hold a run, so most prose lines skip the token-by-token pass. Consecutive tokens
# are parted by at least one of TOKEN's separators; a token of a stuffed run holds no sentence end. So a
# stuffed run lies in a sentence of the line holding a separator fewer than the run's tokens, and covers no
# more of the line than that sentence does (`_may_be_stuffed`). Each token of a link farm holds one of
# PLACE_MARK (a place it starts with, a Chinese character before a place suffix, or the mark of a link or site).
_PARTING = r"\s,，、|｜/;；:：·•_\-—~～>»"  # what TOKEN's second branch does not take
PARTING = re.compile(f"[{_PARTING}]")
SENTENCE_ENDS = re.compile(r"[。！？!?]")
STUFFED_MANY = 20  # a run this long is stuffing whatever share of its line it covers
_SUFFIXES = ("省", "市", "县", "区", "镇", "州", "盟", "旗", "网", "站", "论坛", "平台", "门户", "在线", "导航", "官网")
_MARK_FIRSTS = "".join(sorted({p[0] for p in PROVINCES} | {x[0] for x in _SUFFIXES})) + "hHwW."
# one branch per first character, behind a class of those characters: most characters fail at the class
PLACE_MARK = re.compile(
    f"(?=[{_MARK_FIRSTS}])(?:"
    + "|".join(
        first + "(?:" + "|".join(sorted({p[1:] for p in PROVINCES if p[0] == first}, key=lambda r: -len(r))) + ")"
        for first in sorted({p[0] for p in PROVINCES})
    )
    + r"|(?<=[\u4e00-\u9fff])(?:"
    + "|".join(_SUFFIXES)
    + r")|https?://|www\.|\.(?:com|cn|net|org|info|top|xyz|cc|vip|site|online|shop|club|io|me|tv|hk|tw))",
    re.IGNORECASE,
)
# Title stuffing: a page's first line made of search phrases for gambling and pornography, so that search
# engines list the hijacked page under them; a headline about such crime names them once or twice, not in
# most of three or more comma-joined phrases.
TITLE_SEPARATOR = re.compile(r"[,，|｜]")
VICE = re.compile(
    r"赌|博彩|彩票|百家乐|娱乐城|娱乐场|棋牌|老虎机|六合彩|时时彩|真人视讯|下注|投注|色情|成人|黄色|黄网|"
    r"裸|约炮|无码|援交|一夜情|情色|(?<![a-z])(?:av|a片|porn|sex|casino|bet)(?![a-z])",
    re.IGNORECASE,
)
MIN_TITLE_PHRASES, MIN_TITLE_VICE, TITLE_VICE_SHARE, MAX_PHRASE = 3, 3, 0.6, 40
SCRIPT_LETTERS, SCRIPT_FOREIGN = 30, 0.2


@dataclass(frozen=True)
class SpamFinding:
    start: int
    end: int
    kind: str
    reason: str


def _is_function(token: str) -> bool:
    if token.isascii():
        return token.lower().strip(".'\"()") in FUNCTION_EN
    return bool(FUNCTION_ZH.search(token))


def _list_token(token: str) -> bool:
    """A token that could stand in a stuffed list: short, no sentence punctuation."""
    return not SENTENCE_END.search(token) and len(token) <= (24 if token.isascii() else 10)


def _place_or_site(token: str) -> bool:
    bare = token.strip("()（）[]【】")
    if bare in PROVINCES or PLACE_SUFFIX.match(bare):
        return True
    place = PROVINCE_PREFIX.match(bare)
    return (place is not None and len(bare) - place.end() <= 6) or bool(SITE_TOKEN.search(bare))


def _runs(line: str, keep: Callable[[str], bool], tolerate: float = 0.0) -> list[list[re.Match[str]]]:
    """Maximal runs of tokens that `keep`; with `tolerate`, a run of list tokens may hold that share of
    function words (stuffers write "最有效的减肥" too), while prose holds far more."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []

    def close() -> None:
        if current and sum(map(_is_function, (t.group() for t in current))) <= tolerate * len(current):
            runs.append(list(current))
        current.clear()

    for token in TOKEN.finditer(line):
        if keep(token.group()):
            current.append(token)
        else:
            close()
    close()
    return runs


def _visible(text: str) -> int:
    """Characters that are not white space (`str.split` splits at exactly what `str.isspace` calls space)."""
    return sum(map(len, text.split()))


def _cover(run: list[re.Match[str]], line: str) -> float:
    return _visible(line[run[0].start() : run[-1].end()]) / max(_visible(line), 1)


def _listy(run: list[re.Match[str]], line: str) -> bool:
    """Words joined only by spaces are a list only if long: a headline is not stuffing."""
    joints = line[run[0].start() : run[-1].end()]
    separators = len(LIST_SEPARATOR.findall(joints))
    return separators >= (len(run) - 1) * 0.3 or len(run) >= 25


def _may_be_stuffed(line: str) -> bool:
    visible = _visible(line)
    for sentence in SENTENCE_ENDS.split(line):
        parted = len(sentence) - len(PARTING.sub("", sentence))
        if parted >= STUFFED_MANY - 1 or (parted >= MIN_STUFFED - 1 and len(sentence) >= MIN_COVER * visible):
            return True
    return False


def _line_findings(line: str, offset: int) -> list[SpamFinding]:
    farm = len(PLACE_MARK.findall(line)) >= MIN_LINK_FARM
    if not farm and not _may_be_stuffed(line):
        return []
    found: list[SpamFinding] = []
    for run in _runs(line, _place_or_site, tolerate=1.0) if farm else []:
        if len(run) >= MIN_LINK_FARM and (_cover(run, line) >= MIN_COVER or len(run) >= 20):
            sample = "、".join(t.group() for t in run[:3])
            found.append(
                SpamFinding(
                    offset + run[0].start(),
                    offset + run[-1].end(),
                    "link-farm",
                    f"{len(run)} place, site or link names joined by separators ({sample}, ...)",
                )
            )
    for run in _runs(line, _list_token, tolerate=0.15):
        if len(run) < MIN_STUFFED or not _listy(run, line):
            continue
        start, end = offset + run[0].start(), offset + run[-1].end()
        if any(f.start < end and start < f.end for f in found):
            continue
        if _cover(run, line) >= MIN_COVER or len(run) >= STUFFED_MANY:
            distinct = len({t.group().lower() for t in run})
            found.append(
                SpamFinding(
                    start,
                    end,
                    "keyword-stuffing",
                    f"{len(run)} short terms ({distinct} distinct) with no sentence structure",
                )
            )
    return found


def _title_stuffing(offset: int, line: str) -> list[SpamFinding]:
    """The first non-blank line, when it is a comma-joined run of gambling or pornography search phrases."""
    phrases = [p.strip() for p in TITLE_SEPARATOR.split(line) if p.strip()]
    if len(phrases) < MIN_TITLE_PHRASES or SENTENCE_END.search(line) or max(map(len, phrases)) > MAX_PHRASE:
        return []
    vice = sum(1 for p in phrases if VICE.search(p))
    if vice < MIN_TITLE_VICE or vice < TITLE_VICE_SHARE * len(phrases):
        return []
    start = offset + len(line) - len(line.lstrip())
    return [
        SpamFinding(
            start,
            offset + len(line.rstrip()),
            "title-stuffing",
            f"a first line of {len(phrases)} comma-joined search phrases, {vice} of them for gambling or pornography",
        )
    ]


def _script_change(line: str, offset: int, total: Counter[str]) -> list[SpamFinding]:
    """The line, when its letters are mostly of a script the rest of the document (`total` counts the
    letters of the whole document) hardly uses."""
    if len(line) < SCRIPT_LETTERS:
        return []
    # Reported, the line's letters are at most SCRIPT_FOREIGN of the document's main script, and that script
    # is the one with most letters in the whole document (the rest of the document holds three times the
    # line's letters, three quarters of them in its main script: no other script can outnumber it in total).
    if total and count_script(line, total.most_common(1)[0][0]) > SCRIPT_FOREIGN * len(line):
        return []
    here = count_scripts(line)
    count = sum(here.values())
    rest = total - here
    letters = sum(rest.values())
    if count < SCRIPT_LETTERS or letters < 3 * count:
        return []
    main, main_count = rest.most_common(1)[0]
    other, other_count = here.most_common(1)[0]
    if (
        main_count >= 0.75 * letters
        and other != main
        and here[main] <= SCRIPT_FOREIGN * count
        and rest[other] < 0.1 * letters
    ):
        stripped = len(line) - len(line.lstrip())
        return [
            SpamFinding(
                offset + stripped,
                offset + len(line.rstrip()),
                "script-change",
                f"a block of {other} script ({other_count} letters) in a {main} document",
            )
        ]
    return []


def first_visible(text: str) -> int:
    """Offset of the first character that is not white space (len(text) when there is none)."""
    stripped = text.lstrip()
    return len(text) - len(stripped)


def _candidate_lines(text: str, total: Counter[str], first: int, offset: int) -> list[tuple[int, str]]:
    """(offset in `text`, line with its line break) of the lines to examine: all of them, or, where `_fast.c`
    is built, those it cannot rule out (a bound of PLACE_MARK's count, `_may_be_stuffed` and ten short pieces
    in a row, the share of the document's main script), and the line where the document's first visible
    character is."""
    module = fast.compiled()
    if module is None:
        return list(_lines(text))
    main = total.most_common(1)[0][0] if total else ""
    code = LOW_SCRIPTS.index(main) if main in LOW_SCRIPTS else -1
    spans: list[tuple[int, int]] = module.spam_lines(text, code, PLACE_NAMES, _SUFFIXES)
    if 0 <= first - offset < len(text) and not any(a <= first - offset < b for a, b in spans):
        spans.append(next((a, a + len(line)) for a, line in _lines(text) if first - offset < a + len(line)))
        spans.sort()
    return [(a, text[a:b]) for a, b in spans]


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Each line with its line break, and its offset (`str.splitlines` decides where lines end)."""
    at = 0
    for line in text.splitlines(keepends=True):
        yield at, line
        at += len(line)


def spam_in_lines(text: str, offset: int, total: Counter[str], first: int) -> list[SpamFinding]:
    """Findings in whole lines `text` starting at document offset `offset`: `total` counts the letters of
    the whole document by script, `first` is the document offset of its first visible character (the
    first non-blank line is where title stuffing sits)."""
    found: list[SpamFinding] = []
    for at, line in _candidate_lines(text, total, first, offset):
        start = offset + at
        bare = line.rstrip("\r\n")
        here = _line_findings(bare, start)
        if start <= first < start + len(line):
            here += [f for f in _title_stuffing(start, bare) if not any(_overlap(f, g) for g in here)]
        here += [
            f
            for f in _script_change(bare, start, total)
            if not any(g.start <= f.start and f.end <= g.end for g in here)
        ]
        found += here
    return found


def _overlap(f: SpamFinding, g: SpamFinding) -> bool:
    return g.start < f.end and f.start < g.end


def find_spam(text: str) -> list[SpamFinding]:
    """Spam findings in original offsets [start, end), in text order."""
    found = spam_in_lines(text, 0, count_scripts(text), first_visible(text))
    return sorted(found, key=lambda f: (f.start, f.end))

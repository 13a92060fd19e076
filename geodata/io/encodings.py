"""Text encodings of DBF and CSV files: .cpg, DBF language byte (LDID), detection.

Order for a DBF (shapefile attribute table): the ``.cpg`` beside it, then the language
driver byte in the DBF header, then detection on the bytes of the field names and the
records (strict UTF-8, else GB18030, which is a superset of GBK and GB2312).  The choice
and the reason are returned as an :class:`EncodingChoice` so the UI can show and override it.

CSV from Excel in China is GBK by default ("CSV (逗号分隔)"); "CSV UTF-8" has a BOM.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from geodata.io.messages import Message, msg

#: DBF language driver ids (byte 29 of the header) that name a code page.
LDID_CODEPAGES = {
    0x01: "cp437", 0x02: "cp850", 0x03: "cp1252", 0x4D: "gb18030", 0x7A: "gb18030",
    0x4E: "cp949", 0x79: "cp949", 0x4F: "big5", 0x78: "big5", 0x7B: "cp932",
    0x13: "cp932", 0x7C: "cp874", 0xC8: "cp1250", 0xC9: "cp1251", 0xCA: "cp1254",
    0xCB: "cp1253",
}

#: Spellings seen in .cpg files and on the command line → Python codec name.
_ALIASES = {
    "utf8": "utf-8", "utf-8": "utf-8", "65001": "utf-8", "utf-8-sig": "utf-8-sig",
    "gbk": "gb18030", "cp936": "gb18030", "936": "gb18030", "gb2312": "gb18030",
    "gb18030": "gb18030", "ansi936": "gb18030", "ms936": "gb18030", "euc-cn": "gb18030",
    "big5": "big5", "big-5": "big5", "cp950": "big5", "950": "big5",
    "latin1": "latin-1", "iso-8859-1": "latin-1", "88591": "latin-1", "8859-1": "latin-1",
}

#: GDAL/iconv spelling for the codecs we pass to pyogrio.
GDAL_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GB18030", "big5": "BIG5",
              "latin-1": "ISO-8859-1"}

SAMPLE_BYTES = 2_000_000


@dataclass(frozen=True)
class EncodingChoice:
    """The encoding used for a file and why (``source``: user, cpg, ldid, bom, detected)."""

    encoding: str
    source: str
    message: Message

    @property
    def gdal_name(self) -> str:
        return GDAL_NAMES.get(self.encoding, self.encoding.upper())


def normalize(name: str) -> str:
    """Python codec name for an encoding spelled as in .cpg files or by users.

    Raises ValueError for an unknown name.
    """
    key = name.strip().lower().replace("_", "-")
    if key in _ALIASES:
        return _ALIASES[key]
    if key.replace("-", "") in _ALIASES:
        return _ALIASES[key.replace("-", "")]
    try:
        return codecs.lookup(key).name
    except LookupError:
        raise ValueError(f"unknown text encoding '{name}'") from None


def detect_bytes(data: bytes) -> str:
    """'utf-8' if the bytes are strict UTF-8 (or pure ASCII), else 'gb18030'.

    GB18030 can decode nearly any byte string, so it is the fallback; the caller shows the
    choice so that a user can override it (e.g. for Big5).
    """
    try:
        data.decode("utf-8", errors="strict")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _choice(enc: str, source: str, detail: str = "") -> EncodingChoice:
    zh_src = {"user": "用户指定", "cpg": ".cpg 文件", "ldid": "DBF 语言标识字节",
              "bom": "字节顺序标记 (BOM)", "detected": "自动检测"}[source]
    return EncodingChoice(enc, source, msg(f"文字编码 {enc}（{zh_src}{detail}）",
                                           f"text encoding {enc} ({source}{detail})"))


def read_cpg(shp_or_dbf: Path) -> str | None:
    for suffix in (".cpg", ".CPG", ".cst"):
        p = shp_or_dbf.with_suffix(suffix)
        if p.exists():
            text = p.read_bytes()[:64].decode("ascii", errors="ignore").strip()
            if text:
                return text
    return None


def dbf_sample(dbf: Path, limit: int = SAMPLE_BYTES) -> tuple[int, bytes]:
    """The LDID byte and the bytes of field names plus the first records of a DBF."""
    with open(dbf, "rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            return 0, b""
        ldid = head[29]
        header_len = int.from_bytes(head[8:10], "little")
        record_len = max(1, int.from_bytes(head[10:12], "little"))
        descriptors = fh.read(max(0, header_len - 32))
        names = b" ".join(descriptors[i:i + 11].split(b"\0")[0]
                          for i in range(0, len(descriptors) - 31, 32))
        n = max(1, limit // record_len)
        records = fh.read(n * record_len)
    return ldid, names + b" " + records


def choose_dbf_encoding(path: Path, requested: str = "auto") -> EncodingChoice:
    """Encoding of the DBF belonging to ``path`` (a .shp or .dbf)."""
    if requested and requested.lower() != "auto":
        return _choice(normalize(requested), "user")
    cpg = read_cpg(path)
    if cpg:
        try:
            return _choice(normalize(cpg), "cpg", f" “{cpg}”")
        except ValueError:
            pass  # an unreadable .cpg is not a reason to fail: fall through to detection
    dbf = path.with_suffix(".dbf")
    if not dbf.exists():
        dbf = path.with_suffix(".DBF")
    if not dbf.exists():
        return _choice("utf-8", "detected")
    ldid, sample = dbf_sample(dbf)
    if ldid in LDID_CODEPAGES:
        return _choice(LDID_CODEPAGES[ldid], "ldid", f" 0x{ldid:02X}")
    return _choice(detect_bytes(sample), "detected")


def choose_text_encoding(data: bytes, requested: str = "auto") -> EncodingChoice:
    """Encoding of a CSV/text file from its first bytes (BOM, then detection)."""
    if requested and requested.lower() != "auto":
        enc = normalize(requested)
        if enc == "utf-8" and data.startswith(codecs.BOM_UTF8):
            enc = "utf-8-sig"
        return _choice(enc, "user")
    if data.startswith(codecs.BOM_UTF8):
        return _choice("utf-8-sig", "bom")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _choice("utf-16", "bom")
    cut = data.rfind(b"\n")  # never judge on a character cut in half at the sample's end
    sample = data[:cut] if 0 < cut and len(data) >= SAMPLE_BYTES else data
    return _choice(detect_bytes(sample), "detected")


def has_replacement_chars(values: list[object]) -> bool:
    """True if text already holds U+FFFD: the file was damaged before it reached us."""
    return any(isinstance(v, str) and "\ufffd" in v for v in values)

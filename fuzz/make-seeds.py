#!/usr/bin/env python3
"""Writes the seed corpus in fuzz/corpus/<target>/: a few valid samples per target, generated
here or made from the project's own files (kiosk.toml, tests/fixtures/faces/pillow_hopper_128.png).

The seeds are committed; run this again only to change them (needs Pillow with WebP and the
`cryptography` package for the ed25519 signatures). The manifest and trust seeds use the same
fixed test key as fuzz_targets/manifest.rs (seed: 32 bytes of 7).
"""

import hashlib
import io
import json
import pathlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from PIL import Image

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
CORPUS = FUZZ / "corpus"


def put(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    (d / name).write_bytes(data)


def id_number(n):
    """A valid GB 11643 ID number (the checksum roster.rs checks)."""
    body = f"32100220040101{n:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * w for c, w in zip(body, weights))
    return body + "10X98765432"[s % 11]


# Rosters: UTF-8, UTF-8 with BOM, GBK as Excel writes it, English headers, quoted fields.
zh = (
    "学号,姓名,身份证号,院系,班级,采集码,可采集\n"
    f"2022001,张三,{id_number(1)},旅游管理学院,酒店2201,CAP2022001,是\n"
    f"2022002,李四,{id_number(2)},旅游管理学院,酒店2201,,否\n"
)
put("roster", "utf8.csv", zh)
put("roster", "utf8_bom.csv", b"\xef\xbb\xbf" + zh.encode())
put("roster", "gbk.csv", zh.replace("\n", "\r\n").encode("gbk"))
put(
    "roster",
    "english_quoted.csv",
    "student_no,name,id_number,department,class,capture_code,eligible\n"
    f'A001,"Li, Lei",{id_number(3)},"Dept ""A""",C1,X1,yes\n'
    f"A002,Han Meimei,{id_number(4)},,C1,,\n",
)

# kiosk.toml: the project's own, and a short one.
put("config", "kiosk.toml", (ROOT / "kiosk.toml").read_bytes())
put(
    "config",
    "short.toml",
    '[station]\nid = "station-01"\n[scan]\nstudent_no_pattern = "^XJ(\\\\d{10})$"\n'
    "[school]\ncapture_window = { start = 2026-05-06, end = 2026-05-15 }\n",
)

# Review reset lists.
put("review", "utf8_bom.csv", "\ufeff学号,原因\n202200001,背景不符合要求\n202200002,面部不清晰\n")
put("review", "gbk.csv", "学号,退回原因\r\n202200001,背景不符合要求\r\n\r\n".encode("gbk"))
put("review", "english.csv", "student_no , reason\n A1 , blurred \n")

# The office receipt.
put(
    "receipt",
    "receipt.json",
    json.dumps(
        {
            "format": "tucai-receipt-v1",
            "batch": "station-01_s000001_b0001",
            "manifest_sha256": hashlib.sha256(b"m").hexdigest(),
            "imported_at": "2026-05-06T09:30:00Z",
            "students": 2,
        },
        indent=2,
    ),
)

# The test station key, its trust file, and signed manifests.
key = Ed25519PrivateKey.from_private_bytes(bytes([7] * 32))
public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
digest = hashlib.sha256(public).hexdigest()[:32]
fingerprint = ":".join(digest[i : i + 4] for i in range(0, 32, 4))
put(
    "trust",
    "trust.json",
    json.dumps(
        {
            "format": "tucai-trust-v1",
            "station_id": "station-01",
            "public_key": public.hex(),
            "fingerprint": fingerprint,
        },
        indent=2,
    )
    + "\n",
)

photo = b"\xff\xd8fake jpeg\xff\xd9"
photo_sha = hashlib.sha256(photo).hexdigest()
check = {
    "id": "face.single",
    "passed": True,
    "value": 1.0,
    "threshold": 1.0,
    "hint_zh": "",
    "hint_en": "",
}
student = {
    "student_no": "2022001",
    "name": "张三",
    "id_number": id_number(1),
    "department": "旅游管理学院",
    "class_name": "酒店2201",
    "phone": "13812345678",
    "notify_status": True,
    "notify_fee": None,
    "fee_state": "paid",
    "confirmation_id": 1,
    "confirmed_at": "2026-05-06T08:10:00Z",
    "draft_saved_at": "2026-05-06T08:09:00Z",
    "taken_at": "2026-05-06T08:08:00Z",
    "photo": "photos/2022001.jpg",
    "photo_sha256": photo_sha,
    "checks_passed": True,
    "checks_failed": [],
    "report": {"checks": [check]},
    "manual_checks": [
        {"item": "earrings", "checked_by": "董老师", "checked_at": "2026-05-06T08:10:00Z"}
    ],
}
manifest = {
    "format": "tucai-batch-v1",
    "batch": "station-01_s000003_b0002",
    "station_id": "station-01",
    "station_key": fingerprint,
    "session": {
        "id": 3,
        "class_name": "酒店2201",
        "place": "图书馆一楼",
        "operator": "董老师",
        "opened_at": "2026-05-06T08:00:00Z",
        "closed_at": None,
    },
    "sequence": 2,
    "exported_at": "2026-05-06T09:00:00Z",
    "content_digest": hashlib.sha256(b"c").hexdigest(),
    "students": [student],
    "missing": [
        {"student_no": "2022002", "name": "李四", "department": "旅游", "class_name": "酒店2201"}
    ],
    "files": [
        {"path": "photos/2022001.jpg", "size": len(photo), "sha256": photo_sha},
        {"path": "manifest.csv", "size": 3, "sha256": hashlib.sha256(b"abc").hexdigest()},
    ],
}
m = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
sig = key.sign(m).hex().encode()
# Mode 0: the signature given; mode 1: the target signs. Folder name after the second NUL.
put("manifest", "signed.bin", b"\x00" + m + b"\x00" + sig + b"\x00station-01_s000003_b0002")
put("manifest", "self_signed.bin", b"\x01" + m + b"\x00\x00station-01_s000003_b0007")
empty = dict(manifest, students=[], missing=[], files=[])
put("manifest", "empty.bin", b"\x01" + json.dumps(empty).encode())

# Scanned payloads: mode 0 the decoder's text bytes, mode 1 raw bytes without an ECI.
put("qr_payload", "capture_code.bin", b"\x00CAP2022001")
put("qr_payload", "student_no.bin", b"\x00XJ2022002\r\n")
put("qr_payload", "other_session.bin", b"\x00CAP2022101")
put("qr_payload", "other_school.bin", b"\x00S54321-XJ2022002")
put("qr_payload", "gb2312.bin", b"\x01" + "学号2022001".encode("gb2312"))
put("qr_payload", "shift_jis.bin", b"\x01" + "カタカナ2022001".encode("shift_jis"))
put("qr_payload", "latin1.bin", b"\x01" + "Müller".encode("latin-1"))

# Keystrokes: (op | gap << 2, char); op 0 char, 2 Enter, 3 clear.
def keys(text, gap_ms):
    out = bytearray()
    for c in text:
        b = c.encode()
        out += bytes([gap_ms << 2]) + b
    return bytes(out)


put("wedge", "scan.bin", keys("CAP2022001", 3) + bytes([2 | (3 << 2)]))
put("wedge", "typed_then_scan.bin", keys("ab", 60) + keys("XJ2022002", 2) + bytes([2]))
put("wedge", "slow.bin", keys("2022001", 63) + bytes([2 | (63 << 2)]) + bytes([3]))
put("wedge", "chinese.bin", keys("学号12", 1) + bytes([2]))

# Images from the project's own fixture, small so each run is fast.
hopper = Image.open(ROOT / "tests/fixtures/faces/pillow_hopper_128.png").convert("RGB")
small = hopper.resize((24, 32))


def encoded(img, fmt, **kw):
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


put("image", "baseline.jpg", encoded(small, "JPEG", quality=70))
put("image", "progressive.jpg", encoded(small, "JPEG", quality=60, progressive=True))
put("image", "grey.jpg", encoded(small.convert("L"), "JPEG", quality=60))
exif = Image.Exif()
exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
put("image", "exif_rotated.jpg", encoded(small, "JPEG", quality=60, exif=exif.tobytes()))
put("image", "rgb.png", encoded(small, "PNG"))
rgba = small.convert("RGBA")
rgba.putalpha(128)
put("image", "rgba.png", encoded(rgba, "PNG"))
put("image", "grey16.png", encoded(small.convert("I;16"), "PNG"))
put("image", "palette.png", encoded(small.convert("P"), "PNG"))
put("image", "grey_alpha.png", encoded(small.convert("LA"), "PNG"))
put("image", "lossy.webp", encoded(small, "WEBP", quality=50))
put("image", "lossless.webp", encoded(rgba, "WEBP", lossless=True))
put("image", "exif_rotated.webp", encoded(small, "WEBP", quality=50, exif=exif.tobytes()))

# Greyscale pictures for the QR decoder: the demo camera's phone with its code (generated by the
# project, MIT), whole at two sizes and cropped to the code; two bytes of width, then the pixels.
phone = Image.open(ROOT / "assets/demo/phone_code.jpg").convert("L")


def raw_grey(img):
    return img.width.to_bytes(2, "little") + img.tobytes()


put("qr_image", "phone_160.bin", raw_grey(phone.resize((160, 90))))
put("qr_image", "phone_320.bin", raw_grey(phone.resize((320, 180))))
w, h = phone.size
put("qr_image", "code_crop.bin", raw_grey(phone.crop((w // 3, h // 5, 2 * w // 3, 4 * h // 5)).resize((200, 200))))

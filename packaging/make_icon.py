"""Draw the EcoZone icon (a zoning map in a leaf) and write ``packaging/icons/``.

    python packaging/make_icon.py

The output is committed; run this only to change the icon.  Pillow is a build-time tool
here, not a dependency of the program.  The icon is drawn at 1024 px and downsampled, so the
small sizes in the .ico stay crisp enough for the Start menu and Explorer.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent / "icons"
SIZES = [16, 24, 32, 48, 64, 128, 256]
BIG = 1024

# The three control-unit classes of 三线一单 in the map's colours:
# 优先保护 green, 重点管控 orange, 一般管控 blue-grey, on a sea blue.
SEA = (33, 102, 172)
PRIORITY = (46, 139, 87)
KEY = (230, 126, 34)
GENERAL = (149, 165, 166)
WHITE = (255, 255, 255)


def draw(size: int = BIG) -> Image.Image:
    s = size / 1024
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    # rounded tile: the sea
    d.rounded_rectangle([40 * s, 40 * s, 984 * s, 984 * s], radius=200 * s, fill=SEA + (255,))
    # land: three zones cut by straight "boundaries", like a zoning map
    land = Image.new("L", (size, size), 0)
    ImageDraw.Draw(land).polygon(
        [(p[0] * s, p[1] * s) for p in [(40, 330), (380, 250), (620, 330), (984, 200),
                                         (984, 984), (40, 984)]], fill=255)
    zones = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    z = ImageDraw.Draw(zones)
    z.polygon([(p[0] * s, p[1] * s) for p in [(0, 0), (560, 0), (430, 1024), (0, 1024)]],
              fill=PRIORITY + (255,))
    z.polygon([(p[0] * s, p[1] * s) for p in [(560, 0), (1024, 0), (1024, 560), (470, 700)]],
              fill=KEY + (255,))
    z.polygon([(p[0] * s, p[1] * s) for p in [(470, 700), (1024, 560), (1024, 1024),
                                              (430, 1024)]], fill=GENERAL + (255,))
    tile = Image.new("L", (size, size), 0)
    ImageDraw.Draw(tile).rounded_rectangle([40 * s, 40 * s, 984 * s, 984 * s],
                                           radius=200 * s, fill=255)
    land_mask = Image.composite(land, Image.new("L", (size, size), 0), tile)
    img.paste(zones, (0, 0), land_mask)
    # zone boundaries in white
    w = max(1, round(22 * s))
    d.line([(560 * s, 290 * s), (430 * s, 984 * s)], fill=WHITE, width=w)
    d.line([(470 * s, 700 * s), (984 * s, 560 * s)], fill=WHITE, width=w)
    # coastline
    d.line([(p[0] * s, p[1] * s) for p in [(40, 330), (380, 250), (620, 330), (984, 200)]],
           fill=WHITE, width=round(30 * s), joint="curve")
    # an outfall marker in the sea: white ring, so the icon reads "map" at 16 px too
    r = 95 * s
    cx, cy = 300 * s, 150 * s
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=WHITE)
    r2 = 48 * s
    d.ellipse([cx - r2, cy - r2, cx + r2, cy + r2], fill=SEA + (255,))
    return img


def main() -> int:
    HERE.mkdir(parents=True, exist_ok=True)
    big = draw(BIG).filter(ImageFilter.SMOOTH)
    big.resize((256, 256), Image.Resampling.LANCZOS).save(HERE / "ecozone.png")
    big.save(HERE / "ecozone.ico", sizes=[(n, n) for n in SIZES])
    print(f"wrote {HERE / 'ecozone.ico'} and ecozone.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

/**
 * The demo shop's product catalogue: a few hundred to ~1,500 gift-ware products with stock codes in the real
 * export's style (5 digits, colour variants with a letter suffix), UPPER-CASE descriptions built from word
 * lists ("WHITE HANGING HEART T-LIGHT HOLDER"), a category each and a shelf price on the shop's price points.
 * Also the export's non-product stock codes (postage, manual lines, bank charges ...).
 */
import type { Rng } from "../stats/random.ts";

export const CATEGORIES = [
  "Home decor",
  "Kitchen",
  "Stationery",
  "Gifts",
  "Party",
  "Garden",
  "Bags",
  "Christmas",
  "Toys",
  "Lighting",
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Product {
  stock_code: string;
  description: string;
  category: Category;
  /** index into CATEGORIES */
  category_index: number;
  /** shelf price for account customers, in pence */
  price: number;
  /** price for wholesale quantities (48 and up), in pence */
  bulk_price: number;
  /** price on the dotcom site (guest orders without a customer number), in pence */
  guest_price: number;
  /** relative popularity (heavy-tailed) */
  popularity: number;
}

/** An item type: its name, its category, a typical shelf price (pounds) and the usual pack size ordered. */
interface Item {
  name: string;
  category: Category;
  price: number;
  /** Whether "SET OF n" / "PACK OF n" versions make sense. */
  sets?: boolean;
}

const item = (category: Category, price: number, names: string, sets = false): Item[] =>
  names.split("|").map((name) => ({ name, category, price, sets }));

/** Item types per category, grouped by typical price. */
const ITEMS: Item[] = [
  ...item("Home decor", 0.85, "HEART DECORATION|DRAWER KNOB|HANGING DECORATION|FRIDGE MAGNET"),
  ...item("Home decor", 2.5, "METAL SIGN|COAT HANGER|PHOTO FRAME|WALL HOOK|HEART WICKER|DOORSTOP COVER", true),
  ...item("Home decor", 4.5, "CUSHION COVER|CHALKBOARD|MEMO BOARD|BUNTING|WALL ART|VASE|STORAGE TIN", true),
  ...item("Home decor", 8.5, "WALL CLOCK|DOORMAT|MIRROR|STORAGE BOX|COAT RACK|WALL SHELF"),
  ...item("Home decor", 29.95, "CHEST OF DRAWERS|DRESSER CABINET|FLOOR STANDING MIRROR"),
  ...item("Kitchen", 0.55, "CAKE CASES|BAKING CASES|PAPER STRAWS|DOILIES"),
  ...item("Kitchen", 1.45, "MUG|TEA TOWEL|JAM JAR|EGG CUP|BOWL|PLATE|LUNCH BOX|COASTER|SUGAR BOWL", true),
  ...item("Kitchen", 3.75, "CAKE TIN|APRON|BISCUIT TIN|TRAY|SPOON SET|OVEN GLOVE|BREAD BIN LID|MILK JUG", true),
  ...item("Kitchen", 9.95, "CAKE STAND|TEAPOT|DINNER SET|CAKESTAND 3 TIER|SCALES"),
  ...item("Stationery", 0.42, "GREETING CARD|WRAPPING PAPER|GIFT TAG|PENCIL|ERASER|RULER|BOOKMARK", true),
  ...item("Stationery", 1.25, "NOTEBOOK|STICKER SHEET|ENVELOPES|MINI JOURNAL|PEN SET|POSTCARD SET", true),
  ...item("Stationery", 3.25, "PHOTO ALBUM|DIARY|RECIPE BOOK|WRITING SET|DESK ORGANISER"),
  ...item("Gifts", 0.85, "KEYRING|COMPACT MIRROR|LIP BALM|MAGNET|BADGE"),
  ...item("Gifts", 2.1, "HAND WARMER|TRINKET BOX|MONEY BOX|SOAP DISH|GIFT BOX|PURSE|HAIR CLIPS", true),
  ...item("Gifts", 3.75, "HOT WATER BOTTLE|JEWELLERY BOX|BATH SALTS|SCENTED SACHET|TEA CADDY|BIRD ORNAMENT"),
  ...item("Gifts", 7.95, "JEWELLERY STAND|HAMPER|PHOTO CUBE|MUSIC BOX"),
  ...item("Party", 0.65, "NAPKINS|PAPER CUPS|PAPER PLATES|PARTY BAGS|CAKE CANDLES|BALLOONS", true),
  ...item("Party", 1.65, "PAPER CHAIN KIT|BIRTHDAY BANNER|PARTY HATS|CAKE TOPPERS|PAPER PARASOL", true),
  ...item("Party", 4.95, "PARTY BUNTING|PINATA|PHOTO BOOTH PROPS|TABLE CONFETTI"),
  ...item("Garden", 1.65, "PLANT POT|HERB MARKER|SEED TIN|PLANT LABEL|GARDEN TWINE", true),
  ...item("Garden", 3.25, "WATERING CAN|BIRD FEEDER|GARDEN SIGN|KNEELING PAD|TRUG|PLANT STAND"),
  ...item("Garden", 9.95, "BIRD HOUSE|PICNIC BASKET|GARDEN BENCH CUSHION|PARASOL"),
  ...item("Bags", 0.85, "CHARLOTTE BAG|GIFT BAG|DRAWSTRING BAG", true),
  ...item("Bags", 1.95, "LUNCH BAG|JUMBO BAG|TOTE BAG|SHOPPER|WASH BAG|PENCIL CASE|COIN PURSE"),
  ...item("Bags", 4.95, "SHOULDER BAG|BACKPACK|BEACH BAG|RECYCLING BAG|WEEKEND BAG"),
  ...item("Christmas", 0.42, "TREE DECORATION|STAR DECORATION|BAUBLE|CHRISTMAS CARD|GIFT TAGS CHRISTMAS", true),
  ...item("Christmas", 1.65, "ANGEL DECORATION|CHRISTMAS STOCKING|GINGERBREAD DECORATION|TREE TOPPER", true),
  ...item("Christmas", 4.95, "ADVENT CALENDAR|SNOW GLOBE|CHRISTMAS CRACKERS|WREATH|ADVENT HOUSE"),
  ...item("Christmas", 12.75, "NATIVITY SET|LIGHT UP CHRISTMAS TREE|CHRISTMAS VILLAGE"),
  ...item("Toys", 0.85, "SPINNING TOP|SKIPPING ROPE|BALL|JACKS|MARBLES|FINGER PUPPET", true),
  ...item("Toys", 2.1, "JIGSAW|RAG DOLL|PLAYHOUSE KITCHEN|PLAYHOUSE BEDROOM|COLOURING SET|KNITTING KIT", true),
  ...item("Toys", 5.95, "BUILDING BLOCKS|NESTING BOXES|DOLLS HOUSE|TEA SET|TOY THEATRE|SKITTLES"),
  ...item("Lighting", 1.25, "T-LIGHT HOLDER|TEA LIGHTS|CANDLE|NIGHT LIGHT|LED TEA LIGHT", true),
  ...item("Lighting", 3.75, "LANTERN|CANDLE HOLDER|LIGHT GARLAND|FAIRY LIGHTS|HURRICANE LAMP"),
  ...item("Lighting", 14.95, "TABLE LAMP|CHANDELIER|FLOOR LAMP|PENDANT SHADE"),
];

const COLOURS = "WHITE|RED|PINK|BLUE|GREEN|IVORY|CREAM|BLACK|SILVER|GOLD|PURPLE|ORANGE|YELLOW|PASTEL|ANTIQUE".split(
  "|",
);
const MATERIALS = "GLASS|WOODEN|ZINC|METAL|CERAMIC|ENAMEL|FELTCRAFT|KNITTED|WICKER|PAPER|TIN|RUSTIC|FROSTED".split("|");
const PATTERNS = (
  "RETROSPOT|POLKA DOT|UNION JACK|HANGING HEART|SPACEBOY|DOLLY GIRL|PAISLEY PARK|REGENCY|VINTAGE DOILY|" +
  "STRAWBERRY|JAM MAKING|PANTRY|SKULL|CHERRY BLOSSOM|WOODLAND|LOVE BIRD|EDWARDIAN|BAROQUE|FAIRY CAKE|" +
  "RABBIT|OWL|FLORAL|HEN HOUSE|STAR|SCANDINAVIAN|BIRDCAGE|VINTAGE LEAF|PARISIENNE|SWALLOWS|GINGHAM|" +
  "DAISY|ROSE|PAISLEY|LOVE HEART|TEATIME|CIRCUS PARADE|ALPHABET|MOROCCAN|SNOWFLAKE|REINDEER"
).split("|");
/** Patterns that only make sense on Christmas products, and patterns kept off them. */
const CHRISTMAS_PATTERNS = new Set(["SNOWFLAKE", "REINDEER", "STAR"]);

/** The shop's price points, in pence; shelf prices are drawn near an item's typical price and snapped to one. */
const PRICE_POINTS = [
  19, 21, 25, 29, 39, 42, 55, 65, 72, 79, 85, 95, 125, 145, 165, 169, 185, 195, 210, 246, 255, 295, 325, 339, 375, 415,
  425, 465, 495, 545, 595, 635, 675, 765, 795, 825, 850, 895, 995, 1095, 1275, 1495, 1695, 1800, 1995, 2495, 2995, 3495,
  3995, 4500, 4995, 5995, 6995, 8500, 9500, 12500,
];

/** The price point nearest (in ratio) to `pence`. */
function snapPrice(pence: number): number {
  let best = PRICE_POINTS[0];
  for (const p of PRICE_POINTS) if (Math.abs(Math.log(p / pence)) < Math.abs(Math.log(best / pence))) best = p;
  return best;
}

/** The price point `steps` below `pence` (at least the lowest). */
function lowerPrice(pence: number, steps: number): number {
  const i = PRICE_POINTS.indexOf(pence);
  return PRICE_POINTS[Math.max(0, i - steps)];
}

/** A dotcom price: roughly double the shelf price, ending in 6 or 9 pence as the real site's did. */
function guestPrice(pence: number, rng: Rng): number {
  const raw = pence * rng.uniform(1.8, 2.05);
  return Math.max(9, Math.floor(raw / 10) * 10 + (rng.chance(0.5) ? 6 : 9));
}

/** Number ranges stock codes are drawn from, with weights (most of the real codes are 20000-23999). */
const CODE_RANGES: [number, number, number][] = [
  [20600, 23580, 70],
  [84000, 85230, 14],
  [35000, 35990, 3],
  [47000, 48200, 4],
  [71000, 72820, 4],
  [79000, 79400, 2],
  [82000, 82600, 2],
  [90000, 90210, 1],
];

/** The plural of an item name as the export writes it ("CAKE TINS", "BOXES", "BUILDING BLOCKS"). */
function plural(name: string): string {
  if (name.endsWith("S")) return name;
  if (/(X|CH|SH)$/.test(name)) return `${name}ES`;
  if (/[^AEIOU]Y$/.test(name)) return `${name.slice(0, -1)}IES`;
  return `${name}S`;
}

/** Items that come in sizes, so an inch mark reads naturally ("RECORD FRAME 7"" SINGLE SIZE"). */
const SIZED = new Set(
  (
    "PHOTO FRAME|METAL SIGN|CUSHION COVER|MIRROR|WALL CLOCK|PLATE|CAKE TIN|CHALKBOARD|" + "LANTERN|WALL ART|CAKE STAND"
  ).split("|"),
);

/**
 * A product design: its description, and for colour-led designs a way to name the same design in another
 * colour (the export's colour variants share a base code: 85123A, 85123B ...).
 */
interface Design {
  description: string;
  inColour: ((colour: string) => string) | null;
}

/** One design for an item, in one of the export's usual description shapes. */
function design(rng: Rng, it: Item): Design {
  const christmas = it.category === "Christmas";
  let pattern = rng.pick(PATTERNS);
  while (!christmas && CHRISTMAS_PATTERNS.has(pattern)) pattern = rng.pick(PATTERNS);
  const colour = rng.pick(COLOURS);
  const material = rng.pick(MATERIALS);
  const coloured = (f: (c: string) => string): Design => ({ description: f(colour), inColour: f });
  const plain = (description: string): Design => ({ description, inColour: null });
  switch (rng.weighted([30, 22, 18, 12, 8, 5, 3, 2])) {
    case 0:
      return coloured((c) => `${c} ${pattern} ${it.name}`);
    case 1:
      return plain(`${it.name} ${pattern}`);
    case 2:
      return plain(`${material} ${pattern} ${it.name}`);
    case 3:
      return coloured((c) => `${c} ${material} ${it.name}`);
    case 4:
      return plain(
        it.sets ? `SET OF ${rng.pick([3, 4, 6, 12])} ${pattern} ${plural(it.name)}` : `${pattern} ${it.name}`,
      );
    case 5:
      return coloured((c) => `${it.name} ${c} ${pattern}`);
    case 6:
      // a comma inside the description, as the export has ("TRAY, BREAKFAST IN BED"): needs quoting
      return plain(`${it.name}, ${pattern}`);
    default:
      // an inch mark: a double quote inside the field
      return plain(
        SIZED.has(it.name) ? `${pattern} ${it.name} ${rng.pick([5, 7, 10, 12])}" SIZE` : `${it.name}, ${material}`,
      );
  }
}

/**
 * Builds a catalogue of `size` products (unique codes and descriptions), each with a category, prices and a
 * popularity. Cheaper products tend to sell more, as in the real export where the best sellers cost a pound
 * or two. A few descriptions keep a trailing space, as some real ones do.
 */
export function buildCatalogue(rng: Rng, size = 1200): Product[] {
  const products: Product[] = [];
  const codes = new Set<string>();
  const descriptions = new Set<string>();
  const rangeWeights = CODE_RANGES.map((r) => r[2]);
  const itemWeights = ITEMS.map((it) => (it.category === "Christmas" ? 1.2 : 1));

  const newBase = (): number => {
    for (;;) {
      const [lo, hi] = CODE_RANGES[rng.weighted(rangeWeights)];
      const code = rng.between(lo, hi);
      if (!codes.has(String(code)) && !codes.has(`${code}A`)) return code;
    }
  };
  const add = (code: string, description: string, it: Item, price: number): void => {
    codes.add(code);
    descriptions.add(description);
    products.push({
      stock_code: code,
      description: rng.chance(0.02) ? `${description} ` : description,
      category: it.category,
      category_index: CATEGORIES.indexOf(it.category),
      price,
      bulk_price: lowerPrice(price, rng.between(1, 2)),
      guest_price: guestPrice(price, rng),
      popularity: 0,
    });
  };

  while (products.length < size) {
    const it = ITEMS[rng.weighted(itemWeights)];
    const d = design(rng, it);
    if (descriptions.has(d.description)) continue;
    const price = snapPrice(it.price * 100 * rng.logNormal(1, 0.3) * (d.description.startsWith("SET OF") ? 2.4 : 1));
    const base = newBase();
    if (d.inColour && rng.chance(0.12)) {
      const variants = Math.min(rng.between(2, 5), size - products.length);
      let letter = 0;
      for (const colour of rng.shuffle([...COLOURS])) {
        if (letter >= variants) break;
        const text = d.inColour(colour);
        if (descriptions.has(text)) continue;
        add(`${base}${"ABCDEFG"[letter]}`, text, it, price);
        letter++;
      }
    } else {
      add(String(base), d.description, it, price);
    }
  }

  // heavy-tailed popularity (Zipf), ranked mostly by price: cheap lines sell most
  const key = products.map((p) => Math.log(p.price) + 1.2 * rng.normal());
  const order = products.map((_, i) => i).sort((a, b) => key[a] - key[b] || a - b);
  order.forEach((productIndex, rank) => (products[productIndex].popularity = 1 / Math.pow(rank + 1, 0.85)));
  return products;
}

/** The export's non-product stock codes and how their lines read. */
export const NON_PRODUCT = {
  POST: { code: "POST", description: "POSTAGE" },
  DOT: { code: "DOT", description: "DOTCOM POSTAGE" },
  MANUAL: { code: "M", description: "Manual" },
  CARRIAGE: { code: "C2", description: "CARRIAGE" },
  DISCOUNT: { code: "D", description: "Discount" },
  BANK_CHARGES: { code: "BANK CHARGES", description: "Bank Charges" },
  AMAZON_FEE: { code: "AMAZONFEE", description: "AMAZON FEE" },
} as const;

/** Stock codes that are not products (for tests and summaries). */
export const NON_PRODUCT_CODES: readonly string[] = Object.values(NON_PRODUCT).map((p) => p.code);

/** Descriptions the warehouse typed on stock adjustment lines (zero price, no customer); "" is a blank description. */
export const ADJUSTMENT_NOTES = [
  "",
  "",
  "",
  "damaged",
  "check",
  "?",
  "missing",
  "wet damaged",
  "mixed up",
  "lost",
  "thrown away",
  "sold as set on dotcom",
  "found",
] as const;

/**
 * `npm run demo -- [--out DIR] [--seed N] [--lines N] [--shop]`: writes the built-in demo data set (transactions,
 * planted personas, product catalogue, VERSION stamp) to DIR (default data/demo/) and prints one line saying
 * what it wrote. --lines sets the approximate number of transaction lines (default about 500,000).
 * --shop writes the multi-table variant instead (orders, order items, products, customers and shop.config.json;
 * default DIR data/demo-shop/, default size about 25,000 lines).
 */
import { relative, resolve } from "node:path";
import { PROJECT_ROOT } from "../config.ts";
import {
  DEFAULT_SEED,
  DEMO_DIR,
  generateDemo,
  generateShop,
  LINES_PER_SCALE,
  summarize,
  writeDemoFiles,
  writeShopFiles,
} from "../demo/index.ts";
import { InputError, runCli } from "../errors.ts";

export interface DemoArgs {
  out: string;
  seed: number;
  /** relative size; 1 = about LINES_PER_SCALE lines */
  scale: number;
  /** the multi-table shop variant */
  shop: boolean;
}

const USAGE = "usage: npm run demo -- [--out DIR] [--seed N] [--lines N] [--shop]";
export const SHOP_DIR = resolve(PROJECT_ROOT, "data", "demo-shop");

/** Parses the command line (without node and script); relative --out paths are from `cwd`. */
export function parseDemoArgs(argv: readonly string[], cwd: string): DemoArgs {
  const args: DemoArgs = { out: DEMO_DIR, seed: DEFAULT_SEED, scale: 1, shop: false };
  let out: string | null = null;
  let scale: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const eq = flag.indexOf("=");
    const [name, inline] = eq > 0 ? [flag.slice(0, eq), flag.slice(eq + 1)] : [flag, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new InputError(`${name} needs a value (${USAGE})`);
      return v;
    };
    if (name === "--shop" && inline === undefined) args.shop = true;
    else if (name === "--out") out = resolve(cwd, value());
    else if (name === "--seed") {
      const v = value();
      if (!/^-?\d+$/.test(v) || Math.abs(Number(v)) > 2 ** 31 - 1) {
        throw new InputError(`--seed should be an integer, got "${v}"`);
      }
      args.seed = Number(v);
    } else if (name === "--lines") {
      const v = value();
      const lines = Number(v);
      if (!/^\d+$/.test(v) || lines < 1000 || lines > 10_000_000)
        throw new InputError(`--lines should be a whole number from 1000 to 10000000, got "${v}"`);
      scale = lines / LINES_PER_SCALE;
    } else throw new InputError(`unknown option "${flag}" (${USAGE})`);
  }
  args.out = out ?? (args.shop ? SHOP_DIR : DEMO_DIR);
  args.scale = scale ?? (args.shop ? 0.05 : 1);
  return args;
}

/** Whole number with thousands separators, independent of the locale. */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

async function main(): Promise<void> {
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const args = parseDemoArgs(process.argv.slice(2), cwd);
  const started = performance.now();
  if (args.shop) {
    const shop = generateShop({ seed: args.seed, scale: args.scale });
    const config = writeShopFiles(args.out, shop);
    const e = shop.expected;
    process.stdout.write(
      `demo shop: ${grouped(e.orders)} orders, ${grouped(e.items)} order items, ${grouped(e.customers_in_table)} customers in the table, ` +
        `seed ${args.seed} -> ${config} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return;
  }
  const data = generateDemo({ seed: args.seed, scale: args.scale });
  const file = writeDemoFiles(args.out, data);
  const s = summarize(data);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const shown = relative(PROJECT_ROOT, file).startsWith("..") ? file : relative(PROJECT_ROOT, file);
  const personas = Object.entries(s.personas)
    .map(([p, n]) => `${p} ${n}`)
    .join(", ");
  process.stdout.write(
    `demo data: ${grouped(s.lines)} lines, ${grouped(s.invoices)} invoices, ${grouped(s.customers)} customers ` +
      `(${personas}), seed ${s.seed} -> ${shown} in ${seconds} s\n`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(PROJECT_ROOT, "loaders/cli/demo.ts")) await runCli(main);

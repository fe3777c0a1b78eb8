/**
 * Issue 23, cases 7, 8 and 14: figures out of range, a snapshot before signups, and messages that named no place
 * or misled. Each input stops with one line naming the file, the line or column and what was expected, or is read
 * and said in the recognised-input block.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { DEFAULT_CONFIG, PROJECT_ROOT, validateConfig, type Config } from "../../loaders/config.ts";
import { InputError } from "../../loaders/errors.ts";
import { ingest } from "../../loaders/pipeline/ingest.ts";

const ROOT = join(PROJECT_ROOT, "test", "fixtures");
const REASONS = readFileSync(join(ROOT, "ingest", "reasons.csv"), "utf8");
const RULES = readFileSync(join(ROOT, "customers", "rules.tsv"), "utf8");
const TMP = mkdtempSync(join(tmpdir(), "segment-hostile-values-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const path = join(TMP, name);
  writeFileSync(path, content);
  return path;
}

/** reasons.csv with field `column` of data line `line` (2 = the first data line) replaced. */
function reasonsWith(line: number, column: number, value: string): string {
  const lines = REASONS.split("\n");
  const fields = lines[line - 1].split(",");
  fields[column] = value;
  lines[line - 1] = fields.join(",");
  return lines.join("\n");
}

/** rules.tsv (a customer table) with field `column` of line `line` replaced. */
function rulesWith(line: number, column: number, value: string): string {
  const lines = RULES.split("\n");
  const fields = lines[line - 1].split("\t");
  fields[column] = value;
  lines[line - 1] = fields.join("\t");
  return lines.join("\n");
}

function configFor(file: string, patch: Record<string, unknown> = {}): Config {
  const base = structuredClone(DEFAULT_CONFIG);
  return validateConfig({ ...base, ...patch, data: file, data_source: "override", config_file: null } as Config);
}

const CUSTOMER_COLUMNS = {
  customer_id: "ID",
  recency: "Recency",
  signup_date: "Dt_Customer",
  monetary: ["MntWines", "MntMeat"],
  frequency: ["NumWeb", "NumStore"],
  responses: ["Response"],
};

function tableConfig(file: string, patch: Record<string, unknown> = {}): Config {
  const base = structuredClone(DEFAULT_CONFIG);
  return configFor(file, {
    layout: "customers",
    columns: CUSTOMER_COLUMNS,
    ...patch,
    clustering: { ...base.clustering, k_min: 2, k_max: 2, bootstrap_runs: 2, ...((patch.clustering as object) ?? {}) },
  });
}

/** The one-line InputError message ingesting `config` fails with. */
async function inputError(config: Config): Promise<string> {
  try {
    (await ingest(config)).close();
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${(error as Error).stack}`);
    assert.ok(!error.message.includes("\n"), `not one line: ${error.message}`);
    assert.ok(error.message.startsWith(`${config.data}: `), `file not named first: ${error.message}`);
    return error.message;
  }
  assert.fail(`${config.data}: expected an InputError, the input was read`);
}

describe("figures out of range (issue 23, case 7)", () => {
  it("a quantity of 99999999999999999999999 stops at its line (it gave revenue 1e25 without a word)", async () => {
    const file = write("huge-quantity.csv", reasonsWith(4, 3, "99999999999999999999999"));
    assert.equal(
      await inputError(configFor(file)),
      `${file}: line 4: Quantity "99999999999999999999999" is beyond the plausible range (at most 1e9 in size); correct the value or the column mapping`,
    );
  });

  it("a unit price of 1e308 stops at its line (quantity x price is Infinity: 'not a finite number' of a customer)", async () => {
    const file = write("e308-price.csv", reasonsWith(5, 5, "1e308"));
    assert.match(await inputError(configFor(file)), /: line 5: UnitPrice "1e308" is beyond the plausible range/);
  });

  it("a fractional quantity is read and said in the recognised-input block", async () => {
    const file = write("fractional.csv", reasonsWith(3, 3, "2.5"));
    let block = "";
    const result = await ingest(configFor(file), { onRecognised: (text) => (block = text) });
    result.close();
    assert.match(
      block,
      /\n {2}quantity: 1 line with a quantity that is not a whole number \(first: line 3, 2\.5\), kept as read/,
    );
  });

  it("a customer table's 1e308 names the file, line and column (revenue was null, exit 0)", async () => {
    const file = write("e308.tsv", rulesWith(2, 5, "1e308"));
    assert.match(
      await inputError(tableConfig(file)),
      /e308\.tsv: line 2: MntWines "1e308" is beyond the plausible range \(at most 1e15 in size/,
    );
  });
});

describe("a customer table's snapshot and features (issue 23, cases 8 and 14)", () => {
  it("a snapshot before a signup is refused, naming the line (tenure went down to -5,293 days)", async () => {
    const file = write("rules.tsv", RULES);
    assert.equal(
      await inputError(tableConfig(file, { snapshot_date: "2013-06-01" })),
      `${file}: line 8: Dt_Customer 2013-12-31 is after the snapshot date 2013-06-01 (snapshot_date): a customer cannot` +
        ` sign up after it, and tenure would be negative (1 customer); set snapshot_date on or after the last signup, 2013-12-31`,
    );
  });

  it("a negative clustering feature names the file and line (it named only the customer)", async () => {
    const file = write("negative-income.tsv", rulesWith(9, 2, "-20000"));
    const features = ["recency", "frequency", "monetary", "Income"];
    // log1p on every feature, as asked: the negative value stops the run at its line
    assert.equal(
      await inputError(tableConfig(file, { clustering: { features, transform: "log1p" } })),
      `${file}: line 9: Income is negative (-20000), but the clustering feature "Income" is log1p-transformed, which` +
        ` needs values of 0 or more; correct the value, or set clustering.transform to "auto" (log1p only where it fits) or "none"`,
    );
  });
});

describe("messages that misled or named no place (issue 23, case 14)", () => {
  it("gzip with trailing junk says so (it asked 'is it truncated?')", async () => {
    const file = write(
      "junk.csv.gz",
      Buffer.concat([gzipSync(REASONS), Buffer.from("trailing junk after the data\n")]),
    );
    assert.match(await inputError(configFor(file)), /: the gzip data is followed by bytes that are not gzip/);
    const cut = gzipSync(REASONS);
    const truncated = write("truncated.csv.gz", cut.subarray(0, cut.length - 40));
    assert.match(await inputError(configFor(truncated)), /: the gzip data stops early: the file is truncated/);
  });

  it("a bzip2 file named .gz is named as bzip2 (it listed binary 'columns')", async () => {
    const file = write("bz2.csv.gz", Buffer.concat([Buffer.from("BZh91AY&SY"), Buffer.alloc(64, 7)]));
    assert.match(
      await inputError(configFor(file)),
      /bz2\.csv\.gz: a bzip2-compressed file although its name ends \.gz \(gzip\), expected text \(CSV or TSV\) or gzip/,
    );
  });

  it("lines ended by a carriage return alone (classic Mac OS) are named (it said 'expected 21008 fields')", async () => {
    const file = write("cr.csv", REASONS.replace(/\n/g, "\r"));
    assert.match(
      await inputError(configFor(file)),
      /cr\.csv: line 1: lines end with a carriage return alone \(classic Mac OS line ends\), expected a line feed/,
    );
  });

  it("a JSON-lines error names its own line (it was one line late), and an array line is named", async () => {
    const objects = REASONS.trim()
      .split("\n")
      .slice(1)
      .map((l) => JSON.stringify({ InvoiceNo: l.split(",")[0], Quantity: l.split(",")[3] }));
    const broken = [...objects];
    broken[3] = '{"InvoiceNo": "536367", broken';
    const file = write("broken.jsonl", broken.join("\n") + "\n");
    assert.match(await inputError(configFor(file)), /broken\.jsonl: line 4, character \d+: not valid JSON/);
    const blank = [objects[0], "", ...broken.slice(1)];
    const withBlank = write("blank.jsonl", blank.join("\n") + "\n");
    assert.match(await inputError(configFor(withBlank)), /blank\.jsonl: line 5, character \d+: not valid JSON/);
    const array = [...objects];
    array[2] = "[1, 2, 3]";
    const arrays = write("array.jsonl", array.join("\n") + "\n");
    assert.equal(
      await inputError(configFor(arrays)),
      `${arrays}: line 3: an array, expected a JSON object ({"column": value, ...}) on every line`,
    );
  });

  it("an xlsx cell holding #DIV/0! is named as an error value, as a cell or as Excel's failed formula (it said 'Quantity is empty')", async () => {
    const cell = join(ROOT, "workbooks", "error_cell.xlsx");
    assert.equal(
      await inputError(configFor(cell)),
      `${cell}: sheet "Sales" row 4: Quantity "#DIV/0!" is an error value from the spreadsheet (a formula that failed), expected a number`,
    );
    const formula = join(ROOT, "workbooks", "error_formula.xlsx");
    assert.match(
      await inputError(configFor(formula)),
      /error_formula\.xlsx: sheet "Sales" row 4: Quantity "=F4\/0" is a formula whose value the workbook does not hold \(it failed, e\.g\. #DIV\/0!/,
    );
  });

  it("a 1 MB header name is cut in the message (it made a 1 MB 'one line')", async () => {
    const lines = REASONS.split("\n");
    lines[0] = lines[0].replace("Quantity", "Q".repeat(1 << 20));
    const file = write("long-header.csv", lines.join("\n"));
    const message = await inputError(configFor(file));
    assert.ok(message.length < 2100, `message of ${message.length} characters`);
    assert.match(message, /QQQ…\(1,048,\d{3} characters\)/);
  });
});

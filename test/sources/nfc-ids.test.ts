/**
 * Issue 23 #11: the same customer id written in Unicode NFC (precomposed "é") and NFD ("e" + combining accent) is
 * one customer, and the merge is counted with the other spellings merged.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig } from "../../loaders/config.ts";
import { ingest } from "../../loaders/pipeline/ingest.ts";

const TMP = mkdtempSync(join(tmpdir(), "segment-nfc-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

describe("customer ids in NFC and NFD (issue 23 #11)", () => {
  it("are one customer, and the merge is counted", async () => {
    const nfc = "JOS\u00c9-1";
    const nfd = "JOSE\u0301-1";
    assert.notEqual(nfc, nfd);
    const lines = [
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
      `536365,85123A,HEART,2,2010-12-01 08:26:00,2.55,${nfc},France`,
      `536366,71053,LANTERN,1,2010-12-02 09:00:00,3.39,${nfd},France`,
      `536367,71053,LANTERN,1,2010-12-03 09:00:00,3.39,ANN-2,France`,
    ];
    const data = join(TMP, "ids.csv");
    writeFileSync(data, lines.join("\n") + "\n");
    const result = await ingest(
      loadConfig({ file: null, data, env: {}, overrides: { customer_id_normalise: "trim" } }),
      {
        onRecognised: () => undefined,
      },
    );
    try {
      assert.deepEqual(result.customers.map((c) => c.customer_id).sort(), ["ANN-2", nfc]);
      const merged = result.customers.find((c) => c.customer_id === nfc)!;
      assert.equal(merged.frequency, 2);
      assert.equal(result.accounting.customer_ids?.customers_merged, 1, JSON.stringify(result.accounting.customer_ids));
    } finally {
      await result.close();
    }
  });
});

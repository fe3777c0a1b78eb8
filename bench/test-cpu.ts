/**
 * Where `npm test`'s CPU goes, machine-wide (issue 24): the command runs under Linux process accounting, which
 * records every process that ends (Chromium's renderers, PostgreSQL's server and Framework's builds included, which
 * a process tree's rusage misses), and a preloaded script logs every node process's command line. Each process's
 * user + system time is then counted by kind (a test file's own process, our command-line entries by command,
 * Framework, Chromium, PostgreSQL, the rest) and by the test file it ran under (the nearest ancestor that is a test
 * file's process). Chromium's zygotes, re-parented when their browser ends first, are given back to it by their pids
 * (see `attribute`); what still traces to no test file is counted apart.
 *
 * `sudo npx tsx bench/test-cpu.ts [-- COMMAND...]` (default `npm test`; needs root and `apt-get install acct`):
 * prints the tables and writes them to bench/results/<start>-test-cpu.md. `--acct FILE --pids FILE` reads the
 * records of an earlier run instead (`accton FILE` and the preload by hand).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../loaders/config.ts";

/** One ended process, from `dump-acct` (times in seconds). */
export interface AcctRecord {
  comm: string;
  cpu_s: number;
  pid: number;
  ppid: number;
}

/** A node process's command line, from the preload's log. */
export interface NodeProcess {
  pid: number;
  ppid: number;
  argv: string[];
}

/** `dump-acct`'s lines (`comm|v3|utime|stime|etime|uid|gid|mem|io|pid|ppid|...`, times in 1/100 s). */
export function parseAcct(text: string): AcctRecord[] {
  const records: AcctRecord[] = [];
  for (const line of text.split("\n")) {
    const f = line.split("|").map((s) => s.trim());
    if (f.length < 11 || f[1] !== "v3") continue;
    const [user, system, pid, ppid] = [Number(f[2]), Number(f[3]), Number(f[9]), Number(f[10])];
    if (![user, system, pid, ppid].every(Number.isFinite)) continue;
    records.push({ comm: f[0], cpu_s: (user + system) / 100, pid, ppid });
  }
  return records;
}

/** The preload's log: one JSON object a line; the first line of a pid wins (a worker thread logs again). */
export function parseNodeLog(text: string): Map<number, NodeProcess> {
  const byPid = new Map<number, NodeProcess>();
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as NodeProcess;
      if (!byPid.has(r.pid)) byPid.set(r.pid, { pid: r.pid, ppid: r.ppid, argv: r.argv ?? [] });
    } catch {
      // a line cut short by a process killed while writing
    }
  }
  return byPid;
}

/** Chromium's processes as accounting names them: the program, or the thread that ended last. */
const CHROMIUM =
  /^(chrom|Chrome_|HangWatcher|ThreadPool|Perfetto|CrShutdown|gmain|sandbox_ipc|DevToolsPipe|inotify_reader|MemoryInfra|VizCompositor|Compositor|dconf|Thread<)/;
const POSTGRES = /^(postgres|psql|initdb|pg_ctl)$/;

/** The test file a node process runs (its path from `test/`), or null. */
function testFile(node: NodeProcess | undefined): string | null {
  const file = node?.argv.find((a) => a.endsWith(".test.ts"));
  return file ? file.slice(file.lastIndexOf("/test/") + 6) : null;
}

/** What a process is, for the table by kind. */
export function kindOf(record: AcctRecord, node: NodeProcess | undefined): string {
  if (node) {
    const launch = node.argv.findIndex((a) => a.endsWith("launch.mjs"));
    if (launch >= 0) return `our command: ${node.argv[launch + 1] ?? "?"}`;
    if (node.argv.some((a) => a.includes("@observablehq/framework") || a.endsWith(".bin/observable")))
      return "Framework (observable build)";
    if (testFile(node)) return "a test file's own process";
    const script = node.argv[0]?.split("/").pop() ?? "";
    return `node: ${script || "?"}`;
  }
  if (CHROMIUM.test(record.comm)) return "Chromium";
  if (POSTGRES.test(record.comm)) return "PostgreSQL";
  return record.comm === "node" ? "node: ?" : `other: ${record.comm}`;
}

export interface CpuReport {
  total_s: number;
  processes: number;
  by_kind: { kind: string; cpu_s: number; processes: number }[];
  by_file: { file: string; cpu_s: number; kinds: Record<string, number> }[];
  /** Chromium processes with no test file among their ancestors */
  chromium_unattributed_s: number;
}

/** How far below an orphaned Chromium process its browser's pid may be (it forks its zygotes as it starts). */
const ZYGOTE_PIDS = 10;

/**
 * Each process counted by kind and by the test file it ran under. A Chromium process whose parent is gone (a zygote
 * re-parented to init when its browser ended first) is given back to the browser: the nearest Chromium process at
 * most ZYGOTE_PIDS pids below it that still has a parent.
 */
export function attribute(records: AcctRecord[], nodes: Map<number, NodeProcess>): CpuReport {
  const parent = new Map<number, number>();
  for (const r of records) parent.set(r.pid, r.ppid);
  for (const n of nodes.values()) if (!parent.has(n.pid)) parent.set(n.pid, n.ppid);
  const byPid = new Map(records.map((r) => [r.pid, r]));
  /** a process of the run (ended, or a node process that logged itself) */
  const known = (pid: number | undefined) => pid !== undefined && (byPid.has(pid) || nodes.has(pid));
  const chromium = (pid: number) => {
    const r = byPid.get(pid);
    return !!r && !nodes.has(pid) && CHROMIUM.test(r.comm);
  };
  for (const r of records) {
    if (!chromium(r.pid) || known(r.ppid)) continue;
    for (let p = r.pid - 1; p >= r.pid - ZYGOTE_PIDS; p--)
      if (chromium(p) && known(parent.get(p))) {
        parent.set(r.pid, p);
        break;
      }
  }
  const fileOf = (pid: number): string | null => {
    for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = parent.get(p), hops++) {
      const file = testFile(nodes.get(p));
      if (file) return file;
    }
    return null;
  };
  const kinds = new Map<string, { cpu_s: number; processes: number }>();
  const files = new Map<string, { cpu_s: number; kinds: Record<string, number> }>();
  let total = 0;
  let unattributed = 0;
  for (const r of records) {
    const kind = kindOf(r, nodes.get(r.pid));
    total += r.cpu_s;
    const k = kinds.get(kind) ?? { cpu_s: 0, processes: 0 };
    k.cpu_s += r.cpu_s;
    k.processes++;
    kinds.set(kind, k);
    const file = fileOf(r.pid);
    if (!file) {
      if (kind === "Chromium") unattributed += r.cpu_s;
      continue;
    }
    const f = files.get(file) ?? { cpu_s: 0, kinds: {} };
    f.cpu_s += r.cpu_s;
    f.kinds[kind] = (f.kinds[kind] ?? 0) + r.cpu_s;
    files.set(file, f);
  }
  /** most CPU first; a tie by name */
  const byCpu = (a: [string, { cpu_s: number }], b: [string, { cpu_s: number }]) =>
    b[1].cpu_s - a[1].cpu_s || (a[0] < b[0] ? -1 : 1);
  return {
    total_s: total,
    processes: records.length,
    by_kind: [...kinds].sort(byCpu).map(([kind, v]) => ({ kind, ...v })),
    by_file: [...files].sort(byCpu).map(([file, v]) => ({ file, ...v })),
    chromium_unattributed_s: unattributed,
  };
}

/** The report as markdown tables. */
export function renderCpuReport(report: CpuReport, command: string): string {
  const s = (x: number) => x.toFixed(1);
  const lines = [
    `# Where the CPU of \`${command}\` went`,
    "",
    `${report.processes} processes ended, **${s(report.total_s)} s** of CPU (user + system, process accounting).`,
    "",
    "| kind | CPU (s) | share | processes |",
    "| --- | ---: | ---: | ---: |",
    ...report.by_kind.map(
      (k) => `| ${k.kind} | ${s(k.cpu_s)} | ${((100 * k.cpu_s) / report.total_s).toFixed(1)}% | ${k.processes} |`,
    ),
    "",
    `Chromium's processes traced to no test file (re-parented when their browser ended first): ${s(report.chromium_unattributed_s)} s.`,
    "",
    "| test file | CPU (s) | of which |",
    "| --- | ---: | --- |",
    ...report.by_file.map(
      (f) =>
        `| ${f.file} | ${s(f.cpu_s)} | ${Object.entries(f.kinds)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([kind, cpu]) => `${kind} ${s(cpu)}`)
          .join("; ")} |`,
    ),
    "",
  ];
  return lines.join("\n");
}

/** The records of a process accounting file, as `dump-acct` prints them. */
function dumpAcct(file: string): string {
  return spawnSync("dump-acct", [file], { encoding: "utf8", maxBuffer: 1 << 30 }).stdout;
}

/** Runs `command` under process accounting with the node preload; returns the two logs' text. */
function record(command: string[]): { acct: string; pids: string } {
  const dir = mkdtempSync(join(tmpdir(), "segment-test-cpu-"));
  const acct = join(dir, "pacct");
  const pids = join(dir, "node-processes.jsonl");
  const preload = join(dir, "preload.cjs");
  writeFileSync(
    preload,
    `try { require("node:fs").appendFileSync(${JSON.stringify(pids)}, JSON.stringify({ pid: process.pid, ppid: process.ppid, argv: process.argv.slice(1) }) + "\\n"); } catch {}\n`,
  );
  writeFileSync(acct, "");
  writeFileSync(pids, "");
  const on = spawnSync("accton", [acct], { encoding: "utf8" });
  if (on.status !== 0) throw new Error(`accton failed (root and the acct package needed): ${on.stderr || on.error}`);
  try {
    const nodeOptions = [process.env.NODE_OPTIONS, `--require ${preload}`].filter(Boolean).join(" ");
    spawnSync(command[0], command.slice(1), {
      cwd: PROJECT_ROOT,
      stdio: "inherit",
      env: { ...process.env, NODE_OPTIONS: nodeOptions },
    });
  } finally {
    spawnSync("accton", ["off"]);
  }
  const text = { acct: dumpAcct(acct), pids: readFileSync(pids, "utf8") };
  rmSync(dir, { recursive: true, force: true });
  return text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    options: { acct: { type: "string" }, pids: { type: "string" } },
    allowPositionals: true,
  });
  const command = positionals.length ? positionals : ["npm", "test"];
  const started = new Date().toISOString().replace(/:/g, "-").slice(0, 19);
  const logs =
    values.acct && values.pids
      ? { acct: dumpAcct(values.acct), pids: readFileSync(values.pids, "utf8") }
      : record(command);
  const report = attribute(parseAcct(logs.acct), parseNodeLog(logs.pids));
  const markdown = renderCpuReport(report, values.acct ? `records in ${values.acct}` : command.join(" "));
  const results = join(PROJECT_ROOT, "bench", "results");
  if (!existsSync(results)) mkdirSync(results, { recursive: true });
  const file = join(results, `${started}-test-cpu.md`);
  writeFileSync(file, markdown);
  process.stdout.write(markdown + `\nwritten to ${file}\n`);
}

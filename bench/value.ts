/**
 * `npm run bench -- --value`: the BG/NBD and Gamma-Gamma fits on the full CDNOW cohort size (23,570 customers, the
 * first-quarter-1997 cohort of Fader, Hardie & Lee 2005). The cohort is synthesised from the published parameters
 * (r 0.243, alpha 4.414, a 0.793, b 2.426; p 6.25, q 3.74, v 15.44) with a seeded generator: first purchases spread
 * over the first 12 weeks, a calibration period of 39 weeks, purchases while alive as a Poisson process, drop-out
 * after each repeat purchase, spend per transaction Gamma(p, ν). Reports the median wall time of each fit over
 * `runs` runs, and the recovered parameters. Target: both fits together under 1 s.
 */
import { fitBgnbd } from "../loaders/value/bgnbd.ts";
import { fitGammaGamma } from "../loaders/value/gamma-gamma.ts";
import { Rng } from "../loaders/stats/random.ts";

export const CDNOW_COHORT = 23_570;
const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GG = { p: 6.25, q: 3.74, v: 15.44 };

function normal(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** Gamma(shape, rate 1) (Marsaglia & Tsang; shape < 1 by the boost U^(1/shape)). */
function gamma(shape: number, rng: Rng): number {
  if (shape < 1) return gamma(shape + 1, rng) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A synthetic cohort: per customer x, t_x, T (weeks) and the mean value of the repeat transactions. */
export function syntheticCohort(n: number, seed = 1) {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  const m = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const first = Math.floor(rng.next() * 84); // day of the first purchase in the quarter
    const age = (272 - first) / 7;
    const lambda = gamma(BG.r, rng) / BG.alpha;
    const ga = gamma(BG.a, rng);
    const p = ga / (ga + gamma(BG.b, rng));
    const nu = gamma(GG.q, rng) / GG.v;
    let t = 0;
    let count = 0;
    let last = 0;
    let spend = 0;
    for (;;) {
      t += -Math.log(1 - rng.next()) / lambda;
      const day = Math.round(t * 7) / 7; // purchases on whole days
      if (day > age) break;
      if (day === last && count > 0) continue;
      count++;
      last = day;
      spend += gamma(GG.p, rng) / nu;
      if (rng.next() < p) break;
    }
    x[i] = count;
    tx[i] = last;
    T[i] = Math.round(age * 7) / 7;
    m[i] = count > 0 ? spend / count : 0;
  }
  return { x, t_x: tx, T, m };
}

export interface ValueBench {
  customers: number;
  repeat_customers: number;
  runs: number;
  bgnbd_ms: number[];
  gamma_gamma_ms: number[];
  median_total_ms: number;
  /** CPU time (user + system) of the process over both fits: what the fits cost when the machine is shared */
  median_total_cpu_ms: number;
  bgnbd: Record<string, number>;
  gamma_gamma: Record<string, number>;
}

const median = (v: number[]) => v.slice().sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];

/** Times both fits `runs` times on the synthetic cohort. */
export function benchValue(runs = 5, n = CDNOW_COHORT): ValueBench {
  const c = syntheticCohort(n);
  const rep = [...c.x.keys()].filter((i) => c.x[i] > 0 && c.m[i] > 0);
  const spend = { x: rep.map((i) => c.x[i]), m: rep.map((i) => c.m[i]) };
  const bg: number[] = [];
  const gg: number[] = [];
  const cpu: number[] = [];
  let fits: { bgnbd: Record<string, number>; gamma_gamma: Record<string, number> } = { bgnbd: {}, gamma_gamma: {} };
  for (let run = 0; run < runs; run++) {
    const c0 = process.cpuUsage();
    let t = performance.now();
    const f = fitBgnbd(c);
    bg.push(performance.now() - t);
    t = performance.now();
    const g = fitGammaGamma(spend);
    gg.push(performance.now() - t);
    const used = process.cpuUsage(c0);
    cpu.push((used.user + used.system) / 1000);
    fits = { bgnbd: { ...f.params, converged: +f.converged }, gamma_gamma: { ...g.params, converged: +g.converged } };
  }
  return {
    customers: n,
    repeat_customers: rep.length,
    runs,
    bgnbd_ms: bg,
    gamma_gamma_ms: gg,
    median_total_ms: median(bg.map((b, i) => b + gg[i])),
    median_total_cpu_ms: median(cpu),
    ...fits,
  };
}

/** The markdown section. */
export function renderValue(r: ValueBench): string {
  const f = (x: number) => x.toFixed(3);
  return [
    `## Value models: BG/NBD + Gamma-Gamma fits on ${r.customers.toLocaleString("en-US")} customers (synthetic CDNOW cohort)`,
    "",
    "| fit | median ms | runs |",
    "| --- | ---: | ---: |",
    `| BG/NBD | ${median(r.bgnbd_ms).toFixed(0)} | ${r.runs} |`,
    `| Gamma-Gamma (${r.repeat_customers.toLocaleString("en-US")} repeat customers) | ${median(r.gamma_gamma_ms).toFixed(0)} | ${r.runs} |`,
    `| both (median of the run totals; target < 1000) | ${r.median_total_ms.toFixed(0)} | ${r.runs} |`,
    `| both, CPU time of the process (user + system) | ${r.median_total_cpu_ms.toFixed(0)} | ${r.runs} |`,
    "",
    `Recovered: r ${f(r.bgnbd.r)}, alpha ${f(r.bgnbd.alpha)}, a ${f(r.bgnbd.a)}, b ${f(r.bgnbd.b)}; p ${f(r.gamma_gamma.p)}, q ${f(r.gamma_gamma.q)}, v ${f(r.gamma_gamma.v)} ` +
      "(generated from r 0.243, alpha 4.414, a 0.793, b 2.426; p 6.25, q 3.74, v 15.44).",
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(renderValue(benchValue()) + "\n");

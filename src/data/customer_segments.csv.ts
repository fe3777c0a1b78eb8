import { emit } from "../../loaders/artifacts.ts";
await emit("customer_segments.csv");

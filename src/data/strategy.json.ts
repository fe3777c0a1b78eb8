import { emit } from "../../loaders/artifacts.ts";
await emit("strategy.json");

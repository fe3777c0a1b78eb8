import { emit } from "../../loaders/artifacts.ts";
await emit("methodology.json");

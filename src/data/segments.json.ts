import { emit } from "../../loaders/artifacts.ts";
await emit("segments.json");

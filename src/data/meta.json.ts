import { emit } from "../../loaders/artifacts.ts";
await emit("meta.json");
